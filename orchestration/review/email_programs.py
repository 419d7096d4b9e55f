"""Marketing programs on the monthly review: what each program's emails did (sends, delivery,
opens, clicks, unsubscribes) next to what the program did for the funnel (people touched, MQLs
and pipeline it influenced), from marts.mart_program_performance and marts.mart_email_performance.
"""

from __future__ import annotations

import duckdb

from orchestration.review import formatting as fmt
from orchestration.review.blocks import Definition, Explanation, Row, Section, Table, cell, label
from orchestration.review.periods import ReviewMonth
from orchestration.review.queries import Rows, one, rows

PROGRAMS_LISTED = 12

EMAIL_PERFORMANCE = (
    "Emails sent in the month, each counted once per person it was sent to "
    "(marts.mart_email_performance). Delivered = sends - bounces (hard and soft). Open rate = "
    "sends opened (an open, or a click when images were blocked) / delivered; click rate = sends "
    "clicked / delivered; unsubscribe rate = unsubscribes / delivered."
)
PROGRAM_INFLUENCE = (
    "MQLs influenced: lifecycle cycles whose MQL fell in the month and whose person touched the "
    "program (any marketing activity of it) in the 365 days before the MQL. Pipeline influenced: "
    "opportunities created in the month that credit the program in attribution "
    "(marts.mart_attribution), at their full amount. An MQL or a deal several programs touched "
    "counts for each of them. marts.mart_program_performance."
)
DEFINITIONS = [
    Definition("Email performance", EMAIL_PERFORMANCE),
    Definition("Program influence", PROGRAM_INFLUENCE),
]
HEADERS = [
    "Program",
    "Channel",
    "Sends",
    "Delivered",
    "Open rate",
    "Click rate",
    "Unsubscribes",
    "People touched",
    "MQLs influenced",
    "Pipeline influenced",
]


def programs_section(connection: duckdb.DuckDBPyConnection, month: ReviewMonth) -> Section:
    section = Section(
        "program_performance",
        "Programs: email performance and funnel influence",
        "What marketing's programs sent and how people responded, next to the MQLs and "
        "pipeline each program touched in the month.",
    )
    programs = rows(
        connection,
        """
        select
            campaign_key, program_name, channel, sends, delivered, open_rate, click_rate,
            unsubscribes, persons_touched, mqls_influenced, influenced_pipeline_amount,
            count(*) over () as total
        from marts.mart_program_performance
        where period_grain = 'month' and month_start = ?
            and (sends > 0 or persons_touched > 0 or mqls_influenced > 0)
        order by mqls_influenced desc, sends desc, program_name
        limit ?
        """,
        [month.start, PROGRAMS_LISTED],
    )
    if not programs:
        section.blocks.append(
            Explanation(
                "No program activity",
                f"No program sent email or touched anyone in {month.title}.",
            )
        )
        return section
    listed = [_program_row(r) for r in programs]
    total = _total_row(connection, month)
    shown = int(programs[0]["total"])
    note = (
        f"The {len(programs)} programs with the most MQLs influenced of {shown:,} active in "
        f"the month; every program is in marts.mart_program_performance."
        if shown > len(programs)
        else ""
    )
    section.blocks.append(
        Table(
            caption=f"Programs in {month.title}",
            headers=HEADERS,
            rows=listed + ([total] if total else []),
            note=note,
        )
    )
    return section


def _program_row(r: dict) -> Row:
    return Row(
        metric=f"program_performance.{r['campaign_key']}",
        cells=[
            label(r["program_name"] or "(unnamed program)"),
            label(r["channel"] or ""),
            *_email_cells(r),
            cell(fmt.count(r["persons_touched"])),
            cell(fmt.count(r["mqls_influenced"]), PROGRAM_INFLUENCE),
            cell(fmt.amount(r["influenced_pipeline_amount"]), PROGRAM_INFLUENCE),
        ],
    )


def _email_cells(r: dict) -> list:
    return [
        cell(fmt.count(r["sends"])),
        cell(fmt.count(r["delivered"]), EMAIL_PERFORMANCE),
        cell(fmt.percent(r["open_rate"]), EMAIL_PERFORMANCE),
        cell(fmt.percent(r["click_rate"]), EMAIL_PERFORMANCE),
        cell(fmt.count(r["unsubscribes"]), EMAIL_PERFORMANCE),
    ]


def _total_row(connection: duckdb.DuckDBPyConnection, month: ReviewMonth) -> Row | None:
    """All email sent in the month, whichever program sent it (mart_email_performance's total)."""
    found: Rows = rows(
        connection,
        """
        select sends, delivered, open_rate, click_rate, unsubscribes
        from marts.mart_email_performance
        where rollup_level = 'total' and month_start = ?
        """,
        [month.start],
    )
    if not found:
        return None
    mqls = one(
        connection,
        "select count(*) from marts.fct_lead_cycles where mql_at >= ? and mql_at < ?",
        [month.start, month.end],
    )
    return Row(
        metric="program_performance.total",
        cells=[
            label("All email"),
            label(""),
            *_email_cells(found[0]),
            cell(""),
            cell(f"{fmt.count(mqls)} MQLs in all", PROGRAM_INFLUENCE),
            cell(""),
        ],
    )
