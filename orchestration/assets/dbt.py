"""dbt models as Dagster assets, split at the gate boundaries; dbt tests become asset checks
(error -> blocking, warn -> not).

Two `@dbt_assets` steps: seeds and staging (`dbt_staging`), then intermediate and marts
(`dbt_marts`). A blocking check can only stop a step that has not run yet: the raw-contract gate
sits between the raw tables and `dbt_staging`, staging's dbt tests between `dbt_staging` and
`dbt_marts`, and the mart gate between `dbt_marts` and the publication.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.project import as_of_environment, dbt_project
from orchestration.resources import RunSettings
from orchestration.run_lock import acquire_for_step

WAREHOUSE_POOL = "warehouse"
STAGING_SELECTION = "path:seeds path:models/staging"
# Tests that read intermediate or mart models (singular tests, relationships to seeds) run
# with the marts, whose selection picks them up through those parents.
STAGING_EXCLUSION = "test_type:singular path:models/intermediate path:models/marts"
MARTS_SELECTION = "path:models/intermediate path:models/marts"
# Intermediate folders belong to the domain whose marts they feed.
DOMAIN_OF_AREA = {
    "identity": "funnel",
    "lifecycle": "funnel",
    "scoring": "funnel",
    "sla": "sla",
    "attribution": "kpi",
}
GOVERNANCE_SEEDS = frozenset({"data_stewards"})


class FunnelDbtTranslator(DagsterDbtTranslator):
    """Groups by layer and domain (`staging`, `funnel`, `sla`, `kpi`; seeds are `agreements`,
    the stewards seed `governance`); owners come from dbt `meta.owner` (an email or
    `team:<name>`), so the UI shows who answers for a model."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props.get("resource_type")
        if resource_type == "seed":
            name = dbt_resource_props.get("name")
            return "governance" if name in GOVERNANCE_SEEDS else "agreements"
        if resource_type == "source":
            return "raw"
        folders = list(dbt_resource_props.get("fqn", []))[1:-1]
        if not folders:
            return "default"
        if folders[0] == "staging":
            return "staging"
        area = folders[1] if len(folders) > 1 else folders[0]
        return DOMAIN_OF_AREA.get(area, area)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or dbt_resource_props.get(
            "meta", {}
        )
        owner = meta.get("owner")
        if not owner:
            return None
        return [owner] if isinstance(owner, str) else list(owner)


# Unit tests check the models' logic on fixtures; they belong to the test suite, not to a
# production run against whatever the connectors landed (dbt's own advice). The as-of reaches
# dbt as FUNNEL_AS_OF (see `as_of_environment`).
DBT_BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


translator = FunnelDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=STAGING_SELECTION,
    exclude=STAGING_EXCLUSION,
    name="dbt_staging",
    pool=WAREHOUSE_POOL,
)
def dbt_staging(
    context: AssetExecutionContext, dbt: DbtCliResource, run_settings: RunSettings
) -> Iterator[Any]:
    acquire_for_step(context)
    with as_of_environment(run_settings.as_of_text()):
        yield from dbt.cli(DBT_BUILD_ARGS, context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=MARTS_SELECTION,
    name="dbt_marts",
    pool=WAREHOUSE_POOL,
)
def dbt_marts(
    context: AssetExecutionContext, dbt: DbtCliResource, run_settings: RunSettings
) -> Iterator[Any]:
    acquire_for_step(context)
    with as_of_environment(run_settings.as_of_text()):
        yield from dbt.cli(DBT_BUILD_ARGS, context=context).stream()
