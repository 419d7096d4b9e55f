"""The joint revenue review pages, refreshed from every publication."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.assets.dbt import WAREHOUSE_POOL
from orchestration.assets.publish import PUBLISHED_ASSET
from orchestration.review import PeriodError, ReviewUnavailable, render_reviews
from orchestration.run_lock import acquire_for_step

REVIEW_ASSET = AssetKey(["reviews", "joint_revenue_review"])


@asset(
    key=REVIEW_ASSET,
    deps=[PUBLISHED_ASSET],
    group_name="reviews",
    owners=["team:revops"],
    kinds={"html"},
    # It writes $FUNNEL_WAREHOUSE_DIR/reviews/: one writer at a time, like every other step.
    pool=WAREHOUSE_POOL,
    description="$FUNNEL_WAREHOUSE_DIR/reviews/: the weekly triage and monthly review pages of "
    "the last complete week and month, rendered from the published marts (what `funnel review` "
    "writes), with an index of every review rendered so far.",
)
def joint_revenue_review(context: AssetExecutionContext) -> MaterializeResult:
    acquire_for_step(context)
    try:
        rendered = render_reviews()
    except (ReviewUnavailable, PeriodError) as problem:
        raise Failure(description=str(problem)) from None
    context.log.info(
        f"Rendered {rendered.weekly} and {rendered.monthly} in {rendered.seconds:.1f}s"
    )
    metadata: dict[str, MetadataValue] = {
        "index": MetadataValue.url(rendered.index.as_uri()),
        "weekly_page": MetadataValue.path(str(rendered.weekly)),
        "monthly_page": MetadataValue.path(str(rendered.monthly)),
        "marts_run_id": MetadataValue.text(rendered.run.run_id),
        "as_of": MetadataValue.text(f"{rendered.run.as_of:%Y-%m-%d %H:%M} UTC"),
        "render_seconds": MetadataValue.float(round(rendered.seconds, 2)),
    }
    for page, figures in rendered.headline.items():
        for name, value in figures.items():
            metadata[f"{page}: {name}"] = MetadataValue.text(value)
    return MaterializeResult(metadata=metadata)
