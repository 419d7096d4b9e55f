"""dbt models as Dagster assets; dbt tests become asset checks (error -> blocking)."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dagster import AssetExecutionContext, Config
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from pydantic import Field

from orchestration.project import dbt_project, dbt_vars_args

WAREHOUSE_POOL = "warehouse"


class FunnelDbtTranslator(DagsterDbtTranslator):
    """Groups follow the folder layout (`staging_salesforce`, `marts_funnel`, ...); owners come
    from dbt `meta.owner` (an email or `team:<name>`), so the UI shows who answers for a model."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props.get("resource_type")
        if resource_type == "seed":
            return "agreements"
        if resource_type == "source":
            return "raw"
        folders = list(dbt_resource_props.get("fqn", []))[1:-1]
        return "_".join(folders[:2]) if folders else "default"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or dbt_resource_props.get(
            "meta", {}
        )
        owner = meta.get("owner")
        if not owner:
            return None
        return [owner] if isinstance(owner, str) else list(owner)


class DbtBuildConfig(Config):
    as_of: str | None = Field(
        default=None,
        description="Instant (UTC) that SLA statuses and open stages are judged at; default "
        "$FUNNEL_AS_OF, else now. A fixed value makes a rebuild reproducible.",
    )


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    # Unit tests check the models' logic on fixtures; they belong to the test suite, not to a
    # production run against whatever the connectors landed (dbt's own advice).
    return ["build", "--exclude-resource-type", "unit_test", *dbt_vars_args(config.as_of)]


translator = FunnelDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
) -> Iterator[Any]:
    yield from dbt.cli(dbt_build_args(config), context=context).stream()
