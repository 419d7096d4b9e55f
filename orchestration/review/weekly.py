"""The weekly triage: SLA compliance against the agreed targets, the worklists, and MQL volume
and quality against what marketing promised. The first screen answers "are we keeping our
agreements this week, and what must be acted on today"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from orchestration.review import charts, closed_loop
from orchestration.review import formatting as fmt
from orchestration.review.blocks import (
    Chart,
    Definition,
    Explanation,
    Figure,
    Figures,
    Page,
    Row,
    Section,
    Table,
    cell,
    label,
    sparkline_cell,
    verdict_of,
)
from orchestration.review.labels import POLICY_NAMES, policy_name, segment_name
from orchestration.review.periods import ReviewMonth, ReviewWeek
from orchestration.review.published import PublishedRun
from orchestration.review.queries import Rows, one, rows, total_of

TREND_WEEKS = 12
WORKLIST_LIMIT = 50
# "Due within the next business day": at most one business day (8 business hours on the owner's
# own clock) of the SLA's target left.
NEXT_BUSINESS_DAY_MINUTES = 8 * 60
BREACHED = ("breached", "open_breached")

FOLLOW_UP_NOW = (
    "MQLs whose follow-up clock is still running and has at most one business day (8 business "
    "hours on the owner's calendar) left, and MQLs since the start of the week that passed the "
    "follow-up target with no touch. State at the marts' as-of."
)
LEAKAGE = (
    "MQLs of the week that sales never followed up: the mql_follow_up SLA is past due with no "
    "touch at the marts' as-of (status open_breached; as in mart_lead_leakage)."
)
RECYCLE_QUEUE = (
    "SALs and SQLs past the stalled window with no opportunity and not recycled: sales should "
    "convert them or return them to marketing nurture (mart_recycle_queue)."
)
STALLED_OPPORTUNITIES = (
    "Open New Business and Expansion opportunities that have sat in their stage past the agreed "
    "window, or whose expected close date has passed (mart_stalled_opportunities)."
)
MQL_VOLUME_PACE = (
    "The month's MQL target prorated to the days elapsed: where the count should be by now to "
    "meet the month's target."
)


@dataclass(frozen=True)
class Policy:
    key: str
    description: str
    target_duration: float | None
    target_unit: str
    compliance_target: float | None

    @property
    def name(self) -> str:
        return policy_name(self.key)

    @property
    def is_per_period(self) -> bool:
        """Volume and quality: one instance per segment and month, not per lead or deal."""
        return self.target_unit == "month"


def load_policies(connection: duckdb.DuckDBPyConnection) -> list[Policy]:
    found = rows(
        connection,
        "select policy_key, max(policy_description) as description, "
        "max(target_duration) as target_duration, max(target_unit) as target_unit, "
        "max(compliance_target) as compliance_target "
        "from marts.mart_sla_compliance group by 1 order by 1",
    )
    order = list(POLICY_NAMES)
    policies = [
        Policy(
            key=row["policy_key"],
            description=row["description"] or "",
            target_duration=row["target_duration"],
            target_unit=row["target_unit"] or "",
            compliance_target=row["compliance_target"],
        )
        for row in found
    ]
    return sorted(policies, key=lambda p: (order.index(p.key) if p.key in order else 99, p.key))


def _compliance_rows(
    connection: duckdb.DuckDBPyConnection, first: ReviewWeek, last: ReviewWeek, by: str = ""
) -> Rows:
    """Weekly rows of mart_sla_compliance summed over owners (and `by`), with the compliance
    rate recomputed over the sum by the mart's own rule: met / (met + breached + open_breached)."""
    extra = f", {by}" if by else ""
    return rows(
        connection,
        f"""
        select period_start_date, policy_key{extra},
            sum(instances) as instances, sum(met) as met, sum(breached) as breached,
            sum(open) as open, sum(open_breached) as open_breached,
            sum(met) / nullif(sum(met + breached + open_breached), 0) as compliance_rate
        from marts.mart_sla_compliance
        where period_type = 'week' and period_start_date between ? and ?
        group by all
        """,
        [first.start, last.start],
    )


def _target_text(policy: Policy) -> str:
    if policy.compliance_target is None:
        return "no agreed target"
    return f"target {fmt.percent(policy.compliance_target, 0)}"


def _compliance_section(
    connection: duckdb.DuckDBPyConnection, week: ReviewWeek, policies: list[Policy]
) -> tuple[Section, list[Figure], dict[str, str]]:
    per_week = _compliance_rows(connection, week.previous(TREND_WEEKS - 1), week)
    this_week = {r["policy_key"]: r for r in per_week if r["period_start_date"] == week.start}
    figures, headline = [], {}
    table_rows = []
    trend = []
    for policy in policies:
        if policy.is_per_period:
            continue
        started = policy.key in this_week
        found = this_week.get(policy.key) or dict.fromkeys(
            ("instances", "met", "breached", "open", "open_breached"), 0
        )
        rate = found.get("compliance_rate")
        judged = found["met"] + found["breached"] + found["open_breached"]
        verdict = verdict_of(rate, policy.compliance_target)
        if rate is None:
            value = "not judged"
            detail = (
                f"{fmt.count(found['open'])} still inside their window"
                if started
                else f"no {policy.name} clocks started this week"
            )
        else:
            value = fmt.percent(rate)
            detail = f"{_target_text(policy)}; {fmt.count(found['met'])} of {fmt.count(judged)} met"
        figures.append(
            Figure(
                metric=f"sla.{policy.key}.week",
                label=f"{policy.name} compliance",
                value=value,
                detail=detail,
                definition=policy.description,
                verdict=verdict,
            )
        )
        headline[f"{policy.name} compliance"] = f"{value} ({_target_text(policy)})"
        history = {
            r["period_start_date"]: r["compliance_rate"]
            for r in per_week
            if r["policy_key"] == policy.key
        }
        sparkline_values = [
            history.get(week.previous(n).start) for n in range(TREND_WEEKS - 1, -1, -1)
        ]
        table_rows.append(
            Row(
                metric=f"sla.{policy.key}",
                cells=[
                    label(policy.name, policy.description),
                    cell(fmt.count(found["instances"])),
                    cell(fmt.count(found["met"])),
                    cell(fmt.count(found["breached"] + found["open_breached"])),
                    cell(fmt.count(found["open"])),
                    cell(value if rate is not None else fmt.MISSING, verdict=verdict),
                    cell(fmt.percent(policy.compliance_target, 0)),
                    sparkline_cell(sparkline_values, "too few weeks"),
                ],
            )
        )
        for n in range(TREND_WEEKS - 1, -1, -1):
            start = week.previous(n).start
            if history.get(start) is not None:
                trend.append(
                    {
                        "week": pd.Timestamp(start),
                        "policy": policy.name,
                        "rate": history[start],
                        "target": policy.compliance_target,
                    }
                )
    section = Section(
        "sla",
        "SLA compliance this week",
        "Compliance = met ÷ (met + breached + open past due), by the week the clock started; "
        "clocks still inside their window are not judged yet.",
    )
    section.blocks.append(
        Table(
            caption="Per policy, against the agreed target",
            headers=[
                "Policy",
                "Clocks started",
                "Met",
                "Breached",
                "Still open",
                "Compliance",
                "Target",
                f"Last {TREND_WEEKS} weeks",
            ],
            rows=table_rows,
            empty_reason="No SLA policies are published.",
        )
    )
    if trend:
        section.blocks.append(
            Chart(
                f"Compliance over the last {TREND_WEEKS} weeks (dashed: agreed target)",
                charts.rate_trend_with_targets(
                    pd.DataFrame(trend),
                    x="week",
                    x_title="Week",
                    panel="policy",
                    rate="rate",
                    target="target",
                ),
            )
        )
    else:
        section.blocks.append(
            Explanation(
                "Compliance trend",
                f"No SLA clock was judged in the {TREND_WEEKS} weeks to {week.label}.",
            )
        )
    return section, figures, headline


def _owners_section(
    connection: duckdb.DuckDBPyConnection,
    run: PublishedRun,
    week: ReviewWeek,
    policies: list[Policy],
) -> Section:
    names = {p.key: p for p in policies if not p.is_per_period}
    section = Section("owners", "By team and owner", "Who is behind on which agreement this week.")
    teams = sorted(
        _compliance_rows(connection, week, week, by="coalesce(owner_team, 'No team') as team"),
        key=lambda r: (r["team"], r["policy_key"]),
    )
    team_rows = [
        Row(
            metric=f"team.{r['team']}.{r['policy_key']}",
            cells=[
                label(r["team"]),
                label(names[r["policy_key"]].name, names[r["policy_key"]].description),
                cell(fmt.count(r["met"])),
                cell(
                    fmt.count(r["breached"] + r["open_breached"]),
                    verdict="bad" if r["breached"] + r["open_breached"] else "",
                ),
                cell(
                    fmt.percent(r["compliance_rate"])
                    if r["compliance_rate"] is not None
                    else "not judged yet",
                    verdict=verdict_of(
                        r["compliance_rate"], names[r["policy_key"]].compliance_target
                    ),
                ),
            ],
        )
        for r in teams
        if r["policy_key"] in names
    ]
    section.blocks.append(
        Table(
            caption="Per team",
            headers=["Team", "Policy", "Met", "Breaches", "Compliance"],
            rows=team_rows,
            empty_reason=f"No SLA clock started in {week.label}.",
        )
    )
    owners = rows(
        connection,
        """
        select coalesce(users.user_name, compliance.owner_user_id, 'Unassigned') as owner,
            coalesce(compliance.owner_team, 'No team') as team, compliance.policy_key,
            sum(compliance.breached + compliance.open_breached) as breaches,
            sum(compliance.met + compliance.breached + compliance.open_breached) as judged
        from marts.mart_sla_compliance as compliance
        left join marts.dim_user as users on compliance.owner_user_id = users.user_id
        where compliance.period_type = 'week' and compliance.period_start_date = ?
        group by all having sum(compliance.breached + compliance.open_breached) > 0
        order by breaches desc, owner
        """,
        [week.start],
    )
    section.blocks.append(
        Table(
            caption="Owners with breaches this week",
            headers=["Owner", "Team", "Policy", "Breaches", "Of judged"],
            rows=[
                Row(
                    metric=f"owner.{r['owner']}.{r['policy_key']}",
                    cells=[
                        label(r["owner"]),
                        label(r["team"]),
                        label(names[r["policy_key"]].name, names[r["policy_key"]].description),
                        cell(fmt.count(r["breaches"]), verdict="bad"),
                        cell(fmt.count(r["judged"])),
                    ],
                )
                for r in owners
                if r["policy_key"] in names
            ],
            empty_reason="No breaches this week: every judged clock was met.",
        )
    )
    breaches = _named_instances(
        connection,
        "instances.policy_key, instances.status, instances.started_at, instances.due_at, "
        "instances.satisfied_at, instances.opportunity_id, "
        "coalesce(instances.satisfied_at, instances.as_of_at) - instances.due_at as late_by",
        "instances.started_at >= ? and instances.started_at < ? "
        "and instances.status in ('breached', 'open_breached') "
        "and instances.period_start_date is null",
        "late_by desc",
        [week.start, week.end],
    )
    total = total_of(breaches)
    section.blocks.append(
        Table(
            caption="Breaches this week, named",
            headers=["Policy", "Lead or deal", "Owner", "Team", "Clock started", "Due", "Late by"],
            rows=[
                Row(
                    metric=f"breach.{r['policy_key']}",
                    cells=[
                        label(
                            names[r["policy_key"]].name
                            if r["policy_key"] in names
                            else r["policy_key"]
                        ),
                        label(r["opportunity_id"] or r["subject"]),
                        label(r["owner"]),
                        label(r["team"]),
                        cell(fmt.timestamp(r["started_at"])),
                        cell(fmt.timestamp(r["due_at"])),
                        cell(
                            _duration(r["late_by"]) + ("" if r["satisfied_at"] else ", still open")
                        ),
                    ],
                )
                for r in breaches
            ],
            note=_more_note(total, len(breaches), "marts.fct_sla_instances"),
            empty_reason="No breaches this week.",
        )
    )
    return section


def _named_instances(
    connection: duckdb.DuckDBPyConnection,
    columns: str,
    where: str,
    order: str,
    params: list[object],
) -> Rows:
    """The first WORKLIST_LIMIT SLA instances matching `where`, each with its lead (name and
    company), owner and team as a reader knows them, and `total`: how many matched."""
    return rows(
        connection,
        f"""
        select {columns},
            coalesce(nullif(trim(coalesce(persons.first_name, '') || ' ' ||
                coalesce(persons.last_name, '')), ''), persons.email, instances.crm_lead_id,
                instances.person_key) || coalesce(' (' || persons.company || ')', '') as subject,
            coalesce(users.user_name, instances.owner_user_id, 'Unassigned') as owner,
            coalesce(instances.owner_team, 'No team') as team,
            count(*) over () as total
        from marts.fct_sla_instances as instances
        left join marts.dim_person as persons on instances.person_key = persons.person_key
        left join marts.dim_user as users on instances.owner_user_id = users.user_id
        where {where}
        order by {order}
        limit {WORKLIST_LIMIT}
        """,
        params,
    )


def _duration(delta: timedelta | None) -> str:
    if delta is None:
        return fmt.MISSING
    hours = delta.total_seconds() / 3600
    return f"{hours:,.1f} h" if hours < 48 else f"{hours / 24:,.1f} days"


def _more_note(total: int, shown: int, table: str) -> str:
    if total <= shown:
        return ""
    return f"The {shown:,} most pressing of {total:,} are listed; the full list is {table}."


def _worklists_section(
    connection: duckdb.DuckDBPyConnection, run: PublishedRun, week: ReviewWeek
) -> tuple[Section, list[Figure], dict[str, str]]:
    section = Section(
        "worklists",
        "Worklists",
        f"What to act on, as the marts stood at {run.as_of:%Y-%m-%d %H:%M} UTC.",
    )
    follow_up = _named_instances(
        connection,
        "instances.started_at, instances.due_at, instances.status, "
        "instances.business_minutes_elapsed",
        "instances.policy_key = 'mql_follow_up' and ("
        "(instances.status = 'open' "
        "and instances.target_minutes - instances.business_minutes_elapsed <= ?) "
        "or (instances.status = 'open_breached' and instances.started_at >= ?))",
        "instances.due_at",
        [NEXT_BUSINESS_DAY_MINUTES, week.start],
    )
    follow_up_total = total_of(follow_up)
    section.blocks.append(
        Table(
            caption="Follow up now: MQLs breaching within a business day or already breached",
            headers=["Lead", "Owner", "Team", "MQL at", "Waiting", "Due", "State"],
            rows=[
                Row(
                    metric="worklist.follow_up",
                    cells=[
                        label(r["subject"]),
                        label(r["owner"]),
                        label(r["team"]),
                        cell(fmt.timestamp(r["started_at"])),
                        cell(fmt.business_hours(r["business_minutes_elapsed"])),
                        cell(fmt.timestamp(r["due_at"])),
                        cell(
                            "breached" if r["status"] == "open_breached" else "due soon",
                            verdict="bad" if r["status"] == "open_breached" else "",
                            numeric=False,
                        ),
                    ],
                )
                for r in follow_up
            ],
            note=_more_note(follow_up_total, len(follow_up), "marts.fct_sla_instances"),
            empty_reason="No MQL is waiting for a first touch.",
        )
    )
    mqls = one(
        connection,
        "select count(*) from marts.fct_lead_cycles where mql_at >= ? and mql_at < ?",
        [week.start, week.end],
    )
    leakage = _named_instances(
        connection,
        "persons.lead_source, instances.started_at, "
        "instances.as_of_at - instances.started_at as waiting",
        "instances.policy_key = 'mql_follow_up' and instances.status = 'open_breached' "
        "and instances.started_at >= ? and instances.started_at < ?",
        "instances.started_at",
        [week.start, week.end],
    )
    leaked = total_of(leakage)
    section.blocks.append(
        Table(
            caption=f"Leakage: MQLs of {week.label} never followed up",
            headers=["Lead", "Lead source", "Owner", "Team", "MQL at", "Waiting since"],
            rows=[
                Row(
                    metric="worklist.leakage",
                    cells=[
                        label(r["subject"]),
                        label(fmt.text(r["lead_source"])),
                        label(r["owner"]),
                        label(r["team"]),
                        cell(fmt.timestamp(r["started_at"])),
                        cell(_duration(r["waiting"])),
                    ],
                )
                for r in leakage
            ],
            note=_more_note(leaked, len(leakage), "marts.mart_lead_leakage"),
            empty_reason=(
                f"No MQLs in {week.label}."
                if not mqls
                else "Every MQL of the week was followed up."
            ),
        )
    )
    queue = rows(
        connection,
        f"""
        select coalesce(nullif(trim(coalesce(queue.first_name, '') || ' ' ||
                coalesce(queue.last_name, '')), ''), queue.email, queue.crm_lead_id)
                || coalesce(' (' || queue.company || ')', '') as subject,
            queue.current_stage, queue.segment_code,
            coalesce(users.user_name, queue.owner_user_id, 'Unassigned') as owner,
            coalesce(queue.owner_team, 'No team') as team, queue.stalled_since,
            queue.recycle_due_at, queue.days_stalled, count(*) over () as total
        from marts.mart_recycle_queue as queue
        left join marts.dim_user as users on queue.owner_user_id = users.user_id
        order by queue.days_stalled desc
        limit {WORKLIST_LIMIT}
        """,
    )
    queued = total_of(queue)
    section.blocks.append(
        Table(
            caption="Recycle queue: SALs and SQLs past the stalled window",
            headers=["Lead", "Stage", "Segment", "Owner", "Team", "Stalled since", "Stalled"],
            rows=[
                Row(
                    metric="worklist.recycle",
                    cells=[
                        label(r["subject"]),
                        label(str(r["current_stage"]).upper()),
                        label(segment_name(r["segment_code"])),
                        label(r["owner"]),
                        label(r["team"]),
                        cell(fmt.day(r["stalled_since"])),
                        cell(fmt.days(r["days_stalled"])),
                    ],
                )
                for r in queue
            ],
            note=_more_note(queued, len(queue), "marts.mart_recycle_queue"),
            empty_reason="No SAL or SQL is past the stalled window.",
        )
    )
    stalled = rows(
        connection,
        f"""
        select opportunity_name, account_name, stage_name, amount, owner_name, owner_user_id,
            coalesce(owner_team, 'No team') as team, days_in_stage, current_close_date,
            days_past_close_date, stalled_reason, count(*) over () as total,
            sum(amount) over () as total_amount
        from marts.mart_stalled_opportunities
        order by amount desc nulls last, days_in_stage desc
        limit {WORKLIST_LIMIT}
        """,
    )
    stalled_total = total_of(stalled)
    stalled_amount = stalled[0]["total_amount"] if stalled else 0
    section.blocks.append(
        Table(
            caption="Stalled opportunities",
            headers=[
                "Opportunity",
                "Account",
                "Stage",
                "Amount",
                "Owner",
                "Days in stage",
                "Close date",
                "Why stalled",
            ],
            rows=[
                Row(
                    metric="worklist.stalled",
                    cells=[
                        label(fmt.text(r["opportunity_name"])),
                        label(fmt.text(r["account_name"])),
                        label(fmt.text(r["stage_name"])),
                        cell(fmt.amount(r["amount"])),
                        label(fmt.text(r["owner_name"] or r["owner_user_id"])),
                        cell(fmt.count(r["days_in_stage"])),
                        cell(fmt.day(r["current_close_date"])),
                        label(fmt.text(r["stalled_reason"]).replace("_", " ")),
                    ],
                )
                for r in stalled
            ],
            note=_more_note(stalled_total, len(stalled), "marts.mart_stalled_opportunities"),
            empty_reason="No open opportunity is stalled.",
        )
    )
    figures = [
        Figure(
            "week.mqls",
            "MQLs this week",
            fmt.count(mqls),
            week.label,
            "Lifecycle cycles whose MQL moment falls in the week.",
        ),
        Figure(
            "week.leakage",
            "Never followed up",
            fmt.count(leaked),
            f"{fmt.percent(leaked / mqls)} of the week's MQLs" if mqls else "no MQLs this week",
            LEAKAGE,
            "bad" if leaked else "good",
        ),
        Figure(
            "worklist.follow_up",
            "Follow up now",
            fmt.count(follow_up_total),
            "due within a business day or breached",
            FOLLOW_UP_NOW,
            "bad" if follow_up_total else "good",
        ),
        Figure(
            "worklist.recycle",
            "Recycle queue",
            fmt.count(queued),
            "SALs/SQLs to convert or recycle",
            RECYCLE_QUEUE,
        ),
        Figure(
            "worklist.stalled",
            "Stalled opportunities",
            fmt.count(stalled_total),
            f"{fmt.amount(stalled_amount)} of pipeline" if stalled_total else "none stalled",
            STALLED_OPPORTUNITIES,
        ),
    ]
    headline = {
        "MQLs this week": fmt.count(mqls),
        "Never followed up": fmt.count(leaked),
        "Recycle queue": fmt.count(queued),
        "Stalled opportunities": fmt.count(stalled_total),
    }
    return section, figures, headline


def _marketing_section(
    connection: duckdb.DuckDBPyConnection,
    run: PublishedRun,
    week: ReviewWeek,
    policies: list[Policy],
) -> tuple[Section, list[Figure]]:
    month = ReviewMonth.containing(week.end - timedelta(days=1))
    month_start = datetime.combine(month.start, datetime.min.time())
    month_end = datetime.combine(month.end, datetime.min.time())
    counted_to = min(run.as_of, month_end)
    elapsed = (
        max(0.0, (counted_to - month_start).total_seconds())
        / (month_end - month_start).total_seconds()
    )
    to_date = "the whole month" if counted_to >= month_end else f"to {counted_to:%d %b %H:%M} UTC"
    by_key = {p.key: p for p in policies}
    section = Section(
        "marketing",
        f"MQL volume and quality, {month.title}",
        f"Marketing's agreements: MQLs per segment against the monthly target, and the share "
        f"sales accepts against the floor; counted {to_date}.",
    )
    volume = rows(
        connection,
        """
        select segment_code, measured_value, target_value, status
        from marts.fct_sla_instances
        where policy_key = 'mql_volume' and period_start_date = ? order by segment_code
        """,
        [month.start],
    )
    figures: list[Figure] = []
    if volume:
        frame = pd.DataFrame(
            {
                "segment": [segment_name(r["segment_code"]) for r in volume],
                "mqls": [float(r["measured_value"] or 0) for r in volume],
                "target": [float(r["target_value"] or 0) for r in volume],
                "pace": [float(r["target_value"] or 0) * elapsed for r in volume],
            }
        )
        section.blocks.append(
            Chart(
                "MQLs to date per segment (red tick: month target; grey tick: where the pace "
                "should be by now)",
                charts.bars_against_marks(
                    frame,
                    category="segment",
                    value="mqls",
                    marks=[("target", charts.TARGET), ("pace", charts.NEUTRAL)],
                    value_format=",.0f",
                    value_title="MQLs",
                ),
            )
        )
        total, target = sum(frame["mqls"]), sum(frame["target"])
        figures.append(
            Figure(
                "marketing.mql_volume_mtd",
                f"MQLs {month.start:%B} to date",
                fmt.count(total),
                f"target {fmt.count(target)}; pace {fmt.count(target * elapsed)}",
                by_key["mql_volume"].description if "mql_volume" in by_key else "",
                verdict_of(total, target * elapsed),
            )
        )
    section.blocks.append(
        Table(
            caption="MQL volume against target",
            headers=["Segment", "MQLs to date", "Month target", "Pace to date", "Attainment"],
            rows=[
                Row(
                    metric=f"mql_volume.{r['segment_code']}",
                    cells=[
                        label(segment_name(r["segment_code"])),
                        cell(fmt.count(r["measured_value"] or 0)),
                        cell(fmt.count(r["target_value"])),
                        cell(fmt.count((r["target_value"] or 0) * elapsed), MQL_VOLUME_PACE),
                        cell(
                            fmt.percent((r["measured_value"] or 0) / r["target_value"])
                            if r["target_value"]
                            else "no target",
                            verdict=verdict_of(
                                r["measured_value"] or 0, (r["target_value"] or 0) * elapsed
                            ),
                        ),
                    ],
                )
                for r in volume
            ],
            empty_reason=f"No MQL target is agreed for {month.title} (seed mql_targets).",
        )
    )
    quality = rows(
        connection,
        """
        select segment_code, measured_value, target_value, status
        from marts.fct_sla_instances
        where policy_key = 'mql_quality' and period_start_date = ? order by segment_code
        """,
        [month.start],
    )
    measured = [r for r in quality if r["measured_value"] is not None]
    if measured:
        frame = pd.DataFrame(
            {
                "segment": [segment_name(r["segment_code"]) for r in measured],
                "rate": [float(r["measured_value"]) for r in measured],
                "floor": [float(r["target_value"]) for r in measured],
            }
        )
        section.blocks.append(
            Chart(
                "MQL → SAL acceptance per segment (red tick: agreed floor)",
                charts.bars_against_marks(
                    frame,
                    category="segment",
                    value="rate",
                    marks=[("floor", charts.TARGET)],
                    value_format=".0%",
                    value_title="Accepted by sales",
                ),
            )
        )
    section.blocks.append(
        Table(
            caption="MQL quality (MQL → SAL) against the floor",
            headers=["Segment", "Accepted", "Floor", "State"],
            rows=[
                Row(
                    metric=f"mql_quality.{r['segment_code']}",
                    cells=[
                        label(segment_name(r["segment_code"])),
                        cell(
                            fmt.percent(r["measured_value"])
                            if r["measured_value"] is not None
                            else "no MQLs this month",
                            verdict=verdict_of(r["measured_value"], r["target_value"]),
                        ),
                        cell(fmt.percent(r["target_value"], 0)),
                        label(_quality_state(r["status"])),
                    ],
                )
                for r in quality
            ],
            empty_reason=f"No MQL quality floor applies to {month.title}.",
        )
    )
    if not volume and not measured:
        section.blocks.insert(
            0,
            Explanation(
                "No marketing agreements this month", f"No MQL was counted in {month.title}."
            ),
        )
    return section, figures


def _quality_state(status: str) -> str:
    return {
        "met": "at or above the floor",
        "breached": "below the floor",
        "open": "month still running",
        "not_measured": "no MQLs to judge",
    }.get(status, status)


def build_weekly(
    connection: duckdb.DuckDBPyConnection, run: PublishedRun, week: ReviewWeek
) -> Page:
    policies = load_policies(connection)
    sla, sla_figures, sla_headline = _compliance_section(connection, week, policies)
    worklists, work_figures, work_headline = _worklists_section(connection, run, week)
    marketing, marketing_figures = _marketing_section(connection, run, week, policies)
    owners = _owners_section(connection, run, week, policies)
    verdicts, _ = closed_loop.verdicts_section(
        connection, week.start, week.end, f"week {week.label}", "verdicts"
    )
    overview = Section(
        "overview",
        "At a glance",
        blocks=[Figures(sla_figures), Figures(work_figures + marketing_figures)],
    )
    definitions = [Definition(p.name, p.description) for p in policies]
    definitions += [
        Definition("Follow up now", FOLLOW_UP_NOW),
        Definition("Leakage", LEAKAGE),
        Definition("Recycle queue", RECYCLE_QUEUE),
        Definition("Stalled opportunities", STALLED_OPPORTUNITIES),
        Definition("Pace", MQL_VOLUME_PACE),
        closed_loop.DEFINITIONS[0],
    ]
    complete = "" if week.is_complete_at(run.as_of) else " (week still running at the as-of)"
    return Page(
        kind="weekly",
        title=f"Weekly revenue triage — {week.label}",
        period_label=week.label,
        subtitle=week.title + complete,
        provenance=run.describe(),
        sections=[overview, sla, worklists, marketing, verdicts, owners],
        definitions=definitions,
        headline={"week": week.label, **sla_headline, **work_headline},
    )
