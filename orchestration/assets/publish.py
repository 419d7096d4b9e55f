"""The publication BI reads: replaced atomically once the mart gate has passed."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets.dbt import WAREHOUSE_POOL, dbt_marts
from orchestration.publication import publish_marts
from orchestration.resources import RunSettings
from orchestration.run_lock import acquire_for_step

PUBLISHED_ASSET = AssetKey(["governance", "published_warehouse"])
MART_KEYS = sorted(
    (key for key in dbt_marts.keys if key.path[0] == "marts"), key=lambda key: key.to_user_string()
)


@asset(
    key=PUBLISHED_ASSET,
    deps=MART_KEYS,
    group_name="governance",
    owners=["team:revops"],
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="$FUNNEL_WAREHOUSE_DIR/funnel.duckdb: the marts and governance schemas BI reads, "
    "swapped in atomically (write-audit-publish) after the mart gate passed.",
)
def published_warehouse(
    context: AssetExecutionContext, run_settings: RunSettings
) -> MaterializeResult:
    acquire_for_step(context)
    as_of = run_settings.as_of_text()
    # A published file open read-write elsewhere fails the step with `PublishedFileLocked`,
    # a `dagster.Failure` naming that process; nothing is published and no scratch file stays.
    publication = publish_marts(context.run.run_id, as_of)
    context.log.info(publication.describe())
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(publication.path)),
            "as_of": MetadataValue.text(f"{as_of} UTC" if as_of else "now"),
            "tables": MetadataValue.int(len(publication.row_counts)),
            "dagster/row_count": MetadataValue.int(sum(publication.row_counts.values())),
            "row_counts": MetadataValue.json(publication.row_counts),
        }
    )
