"""The monthly review's program section shows exactly what the published program and email
marts say for the month, and says so when no program was active."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import review_warehouse as scenario
from review_html import ReviewPage

from orchestration.pipeline import PipelineOutcome
from orchestration.review import formatting as fmt
from orchestration.review import render_reviews

Built = tuple[Path, PipelineOutcome]
MONTH = "2026-10"


def _published(built: Built) -> Path:
    working, outcome = built
    assert outcome.succeeded, outcome
    return working.parent.parent / "funnel.duckdb"


@pytest.fixture(scope="module")
def monthly(built: Built, tmp_path_factory: pytest.TempPathFactory) -> ReviewPage:
    directory = tmp_path_factory.mktemp("review_programs")
    rendered = render_reviews(
        published=_published(built), output=directory / "reviews", month=MONTH
    )
    return ReviewPage(rendered.monthly)


def _row_metrics(page: ReviewPage) -> list[str]:
    return [row.metric for row in page.section("program_performance").find_all("tr") if row.metric]


def _marts(built: Built, sql: str) -> list[tuple]:
    with duckdb.connect(str(_published(built)), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_each_listed_program_shows_its_published_month(built: Built, monthly: ReviewPage) -> None:
    programs = _marts(
        built,
        """
        select campaign_key, program_name, channel, sends, delivered, open_rate, click_rate,
            unsubscribes, persons_touched, mqls_influenced, influenced_pipeline_amount
        from marts.mart_program_performance
        where period_grain = 'month' and month_start = date '2026-10-01'
            and (sends > 0 or persons_touched > 0 or mqls_influenced > 0)
        order by mqls_influenced desc, sends desc, program_name
        """,
    )
    assert programs, "the generated month has program activity"
    shown = programs[:12]
    assert _row_metrics(monthly) == [
        *(f"program_performance.{key}" for key, *_ in shown),
        "program_performance.total",
    ], "the programs with the most MQLs influenced first, then the total"
    for (
        key,
        name,
        channel,
        sends,
        delivered,
        opened,
        clicked,
        unsubs,
        touched,
        mqls,
        pipeline,
    ) in shown:
        assert monthly.row(f"program_performance.{key}") == [
            name,
            channel,
            fmt.count(sends),
            fmt.count(delivered),
            fmt.percent(opened),
            fmt.percent(clicked),
            fmt.count(unsubs),
            fmt.count(touched),
            fmt.count(mqls),
            fmt.amount(pipeline),
        ]
    section = monthly.section("program_performance").text()
    listing_all = "every program is in marts.mart_program_performance"
    assert (listing_all in section) == (len(programs) > len(shown))


def test_the_total_row_is_all_email_of_the_month(built: Built, monthly: ReviewPage) -> None:
    [(sends, delivered, opened, clicked, unsubs)] = _marts(
        built,
        """
        select sends, delivered, open_rate, click_rate, unsubscribes
        from marts.mart_email_performance
        where rollup_level = 'total' and month_start = date '2026-10-01'
        """,
    )
    [(mqls,)] = _marts(
        built,
        """
        select count(*) from marts.fct_lead_cycles
        where mql_at >= timestamp '2026-10-01' and mql_at < timestamp '2026-11-01'
        """,
    )
    assert sends > 0
    assert monthly.row("program_performance.total") == [
        "All email",
        "",
        fmt.count(sends),
        fmt.count(delivered),
        fmt.percent(opened),
        fmt.percent(clicked),
        fmt.count(unsubs),
        "",
        f"{fmt.count(mqls)} MQLs in all",
        "",
    ]


def test_a_month_without_program_activity_says_so(built: Built, tmp_path: Path) -> None:
    """The review scenario's publication (tests/python/review_warehouse.py) has no program or
    email rows."""
    template = tmp_path / "template.duckdb"
    scenario.create_empty_publication(_published(built), template)
    database = scenario.write_scenario(template, tmp_path / "funnel.duckdb")
    rendered = render_reviews(published=database, output=tmp_path / "reviews", month=scenario.MONTH)
    page = ReviewPage(rendered.monthly)
    assert _row_metrics(page) == []
    assert page.explanations("program_performance") == [
        "No program activity: No program sent email or touched anyone in September 2026."
    ]
