"""`funnel review`: the weekly triage and the monthly review show exactly the numbers of the
published marts, explain what they can't show, open offline in a real browser, and the command
prints where it wrote them.

A hand-built publication (tests/python/review_warehouse.py: the real published tables' columns,
copied empty from the `built` publication, then a small scenario) pins every displayed figure;
the `built` publication itself is rendered, opened in Chromium, and its headline numbers are
recomputed from the marts with independent SQL."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
import review_warehouse as scenario
from browser import visible_text_problems, visit
from conftest import AS_OF as BUILT_AS_OF
from review_html import ReviewPage, parse

from orchestration.cli import main
from orchestration.pipeline import PipelineOutcome
from orchestration.review import PeriodError, ReviewUnavailable, render_reviews
from orchestration.review import formatting as fmt
from orchestration.review.periods import ReviewMonth, ReviewWeek

Built = tuple[Path, PipelineOutcome]
TIMES = "\N{MULTIPLICATION SIGN}"


def _published(built: Built) -> Path:
    working, outcome = built
    assert outcome.succeeded, outcome
    return working.parent.parent / "funnel.duckdb"


@pytest.fixture(scope="module")
def template(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published tables of a real publication, empty: the schema every scenario fills."""
    path = tmp_path_factory.mktemp("review_template") / "funnel.duckdb"
    tables = scenario.create_empty_publication(_published(built), path)
    assert set(scenario.SCENARIO) <= set(tables), "the scenario writes a table not published"
    return path


@pytest.fixture
def scenario_db(template: Path, tmp_path: Path) -> Path:
    return scenario.write_scenario(template, tmp_path / "funnel.duckdb")


@pytest.fixture(scope="module")
def pages(template: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The scenario's week 2026-W43 and month 2026-09, rendered once for the many checks."""
    directory = tmp_path_factory.mktemp("review_scenario")
    database = scenario.write_scenario(template, directory / "funnel.duckdb")
    rendered = render_reviews(
        published=database, output=directory / "reviews", week=scenario.WEEK, month=scenario.MONTH
    )
    return SimpleNamespace(
        rendered=rendered, weekly=ReviewPage(rendered.weekly), monthly=ReviewPage(rendered.monthly)
    )


def _no_junk(page: ReviewPage) -> None:
    assert visible_text_problems(page.main_text) == [], page.path


# --- 1. the hand-built publication: exactly its numbers -----------------------------------------


def test_the_pages_say_which_run_and_as_of_they_show(pages: SimpleNamespace) -> None:
    provenance = (
        f"Run {scenario.RUN_ID}, judged at 2026-10-28 12:00 UTC, published 2026-10-28 12:30 UTC"
    )
    for page in (pages.weekly, pages.monthly):
        assert page.provenance.startswith(provenance), page.provenance
        assert "stopped at a gate" not in page.provenance
    assert pages.rendered.run.run_id == scenario.RUN_ID
    assert pages.rendered.weekly.name == "weekly-2026-W43.html"
    assert pages.rendered.monthly.name == "monthly-2026-09.html"
    assert "2026-W43" in pages.weekly.title and "September 2026" in pages.monthly.title


def test_weekly_sla_compliance_per_policy_against_its_target(pages: SimpleNamespace) -> None:
    weekly = pages.weekly
    # mql_follow_up: Ada and Grace met, Alan breached, Carol never touched: 2 of 4 judged.
    follow_up = weekly.figure("sla.mql_follow_up.week")
    assert follow_up.value == "50.0%"
    assert follow_up.detail == "target 90%; 2 of 4 met"
    assert follow_up.verdict == "bad"
    acceptance = weekly.figure("sla.mql_acceptance.week")
    assert (acceptance.value, acceptance.detail) == ("75.0%", "target 90%; 3 of 4 met")
    # Clocks still inside their window are not judged; a policy without clocks says so.
    recycle = weekly.figure("sla.stalled_recycle.week")
    assert (recycle.value, recycle.detail) == ("not judged", "2 still inside their window")
    stalled = weekly.figure("sla.stalled_opportunity.week")
    assert stalled.value == "not judged"
    assert stalled.detail == "no Opportunity progressing clocks started this week"
    # Marketing's month policies are not weekly clocks.
    assert not [m for m in weekly.figure_metrics() if m.startswith("sla.mql_volume")]

    # Policy, clocks started, met, breached, still open, compliance, target, trend.
    assert weekly.row("sla.mql_follow_up")[:7] == [
        "MQL follow-up",
        "4",
        "2",
        "2",
        "0",
        "50.0%",
        "90%",
    ]
    assert weekly.row("sla.mql_acceptance")[:7] == [
        "MQL acceptance", "4", "3", "1", "0", "75.0%", "90%",
    ]  # fmt: skip
    assert weekly.row("sla.stalled_recycle")[:7] == [
        "SAL/SQL progressed or recycled", "2", "0", "0", "2", "—", "85%",
    ]  # fmt: skip
    assert weekly.row("sla.stalled_opportunity")[:7] == [
        "Opportunity progressing", "0", "0", "0", "0", "—", "80%",
    ]  # fmt: skip
    # Follow-up has three judged weeks in the last 12 (W41 100%, W42 60%, W43 50%): a sparkline
    # and the trend chart; a policy with one judged week has too few for a sparkline.
    (row,) = weekly.main.find_all("tr", metric="sla.mql_follow_up")
    assert row.find_all("svg"), "no sparkline for three judged weeks"
    assert weekly.row("sla.mql_acceptance")[7] == "too few weeks"
    assert len(weekly.charts("sla")) == 1


def test_weekly_owners_and_teams_name_the_breaches(pages: SimpleNamespace) -> None:
    weekly = pages.weekly
    assert weekly.row("team.SDR - Americas.mql_follow_up") == [
        "SDR - Americas", "MQL follow-up", "2", "1", "66.7%",
    ]  # fmt: skip
    assert weekly.row("team.SDR - EMEA.mql_follow_up") == [
        "SDR - EMEA", "MQL follow-up", "0", "1", "0.0%",
    ]  # fmt: skip
    assert weekly.row("team.SDR - Americas.stalled_recycle")[-1] == "not judged yet"
    # Owners with breaches: breaches of judged.
    assert weekly.row("owner.Sam Rivera.mql_follow_up") == [
        "Sam Rivera", "SDR - Americas", "MQL follow-up", "1", "3",
    ]  # fmt: skip
    assert weekly.row("owner.Priya Shah.mql_follow_up") == [
        "Priya Shah", "SDR - EMEA", "MQL follow-up", "1", "1",
    ]  # fmt: skip
    assert weekly.rows("owner.Priya Shah.mql_acceptance") == []  # Alan was answered in time
    # Every breach of the week, by name, the longest overdue first; Linus (W42) is not here.
    breaches = weekly.rows("breach.mql_follow_up") + weekly.rows("breach.mql_acceptance")
    assert sorted((b[0], b[1], b[2]) for b in breaches) == [
        ("MQL acceptance", scenario.CAROL, "Sam Rivera"),
        ("MQL follow-up", scenario.ALAN, "Priya Shah"),
        ("MQL follow-up", scenario.CAROL, "Sam Rivera"),
    ]
    assert weekly.row("breach.mql_acceptance")[4:] == [
        "2026-10-22 10:00", "2026-10-26 10:00", "2.1 days, still open",
    ]  # fmt: skip
    assert [b[-1] for b in weekly.rows("breach.mql_follow_up")] == [
        "5.9 days, still open",
        "17.0 h",
    ]


def test_weekly_worklists_name_the_leads_deals_and_owners(pages: SimpleNamespace) -> None:
    weekly = pages.weekly
    assert weekly.figure("week.mqls").value == "4"
    leakage = weekly.figure("week.leakage")
    assert (leakage.value, leakage.detail, leakage.verdict) == (
        "1", "25.0% of the week's MQLs", "bad",
    )  # fmt: skip
    assert weekly.rows("worklist.leakage") == [
        [
            scenario.CAROL,
            "Trade Show",
            "Sam Rivera",
            "SDR - Americas",
            "2026-10-22 10:00",
            "6.1 days",
        ]
    ]
    # Follow up now: Carol (breached this week) and Dan (an hour left, MQL after the week);
    # not Linus, whose breach started before the week.
    assert weekly.figure("worklist.follow_up").value == "2"
    assert weekly.rows("worklist.follow_up") == [
        [scenario.CAROL, "Sam Rivera", "SDR - Americas", "2026-10-22 10:00", "38.0 business h",
         "2026-10-22 14:00", "breached"],
        [scenario.DAN, "Sam Rivera", "SDR - Americas", "2026-10-28 09:00", "3.0 business h",
         "2026-10-28 13:00", "due soon"],
    ]  # fmt: skip
    assert weekly.figure("worklist.recycle").value == "2"
    assert weekly.rows("worklist.recycle") == [
        ["Mary Davis (Umbrella Corp)", "SAL", "SMB", "Sam Rivera", "SDR - Americas", "2026-09-10",
         "48.1 d"],
        ["John Smith (Initech)", "SQL", "Enterprise", "Priya Shah", "SDR - EMEA", "2026-09-20",
         "38.1 d"],
    ]  # fmt: skip
    stalled = weekly.figure("worklist.stalled")
    assert (stalled.value, stalled.detail) == ("2", "$170,000 of pipeline")
    assert weekly.rows("worklist.stalled") == [
        ["Hooli - New Business", "Hooli", "Proposal", "$120,000", "Alex Kim", "62", "2026-10-15",
         "no stage change and past close date"],
        ["Pied Piper - Expansion", "Pied Piper", "Discovery", "$50,000", "Alex Kim", "50",
         "2026-12-01", "no stage change"],
    ]  # fmt: skip


def test_weekly_mql_volume_and_quality_against_marketing_agreements(
    pages: SimpleNamespace,
) -> None:
    weekly = pages.weekly
    # October 2026 (the review week's month), 27.5 of 31 days counted at the as-of.
    assert "October 2026" in weekly.section("marketing").find("h2").text()
    volume = weekly.figure("marketing.mql_volume_mtd")
    total, target = 42, 56
    assert volume.label == "MQLs October to date"
    assert (volume.value, volume.detail) == (
        str(total), f"target {target}; pace {round(target * scenario.PACE)}",
    )  # fmt: skip
    assert volume.verdict == "bad"  # 42 behind the pace of 50
    # Segment, MQLs to date, month target, pace to date, attainment.
    assert weekly.row("mql_volume.smb") == ["SMB", "30", "40", "35", "75.0%"]
    assert weekly.row("mql_volume.mid_market") == ["Mid-Market", "12", "10", "9", "120.0%"]
    assert weekly.row("mql_volume.enterprise") == ["Enterprise", "0", "6", "5", "0.0%"]
    assert weekly.cell_verdicts("mql_volume.mid_market")[-1] == "good"
    assert weekly.cell_verdicts("mql_volume.smb")[-1] == "bad"
    assert weekly.row("mql_quality.smb") == ["SMB", "55.0%", "60%", "month still running"]
    assert weekly.row("mql_quality.mid_market") == [
        "Mid-Market", "75.0%", "60%", "month still running",
    ]  # fmt: skip
    assert weekly.row("mql_quality.enterprise") == [
        "Enterprise", "no MQLs this month", "60%", "no MQLs to judge",
    ]  # fmt: skip
    assert len(weekly.charts("marketing")) == 2


def test_monthly_funnel_volumes_velocity_and_cohort_conversion(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    # Stage, entries Sep, entries Aug, change, median days in stage of the cycles that left it in
    # September: by month of exit, so August's opportunity, which left on 1 Sep after 30 days,
    # counts in September while September's, still open, counts nowhere yet.
    assert monthly.row("stage.lead") == ["Lead", "6", "8", "-25.0%", "7.5 d"]
    assert monthly.row("stage.mql") == ["Marketing Qualified Lead", "5", "4", "+25.0%", "2.0 d"]
    assert monthly.row("stage.sal") == ["Sales Accepted Lead", "3", "2", "+50.0%", "7.0 d"]
    assert monthly.row("stage.sql") == ["Sales Qualified Lead", "2", "1", "+100.0%", "12.0 d"]
    assert monthly.row("stage.opportunity") == [
        "Opportunity", "1", "1", "+0.0%", "30.0 d",
    ]  # fmt: skip
    assert monthly.row("stage.customer") == ["Customer", "1", "0", "—", "final stage"]
    # MQL -> SAL: the September cohort 3 of 5 and maturing; August's is the latest mature.
    assert monthly.row("conversion.mql.sal") == [
        "MQL → SAL", "30 d", "5", "60.0%", "maturing, 1 open", "50.0% (Aug 2026)",
    ]  # fmt: skip
    assert monthly.row("conversion.lead.mql") == [
        "Lead → MQL", "90 d", "6", "33.3%", "maturing, 4 open", "no mature cohort yet",
    ]  # fmt: skip
    assert len(monthly.charts("funnel")) == 3  # the funnel, conversion trend, velocity


def test_monthly_kpi_scorecard_value_target_previous_change(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    # KPI, owner, September, target, previous, change, trend, note.
    bookings = monthly.row("kpi.bookings_amount")
    assert bookings[:6] == [
        "Bookings (won revenue)", "Shared", "$250,000", "$300,000", "$200,000", "+25.0%",
    ]  # fmt: skip
    assert monthly.cell_verdicts("kpi.bookings_amount")[2] == "bad"  # below the target
    win_rate = monthly.row("kpi.win_rate_count")
    assert win_rate[:6] == ["Win rate (deals)", "Sales", "50.0%", "30.0%", "40.0%", "+10.0 pts"]
    assert monthly.cell_verdicts("kpi.win_rate_count")[2] == "good"
    assert monthly.row("kpi.mqls")[:6] == [
        "Marketing qualified leads", "Marketing", "5", "—", "4", "+25.0%",
    ]  # fmt: skip
    # A cohort still maturing says how much is still open.
    assert monthly.row("kpi.mql_to_sal_rate")[2] == "60.0%"
    assert monthly.row("kpi.mql_to_sal_rate")[7] == "maturing: 1 still open"
    # A KPI with nothing to measure says so instead of a number.
    forecast = monthly.row("kpi.forecast_accuracy")
    assert forecast[2:6] == ["nothing to measure in this period", "—", "80.0%", "—"]
    # Pipeline coverage is a quarter KPI, shown for the quarter holding the month.
    assert monthly.row("kpi.pipeline_coverage")[7] == "quarter from Jul 2026"
    # Grouped by the paper's measures, in its order.
    assert monthly.tables("scorecard") == [
        "Qualified-lead growth", "Conversion", "Pipeline", "Forecast accuracy", "Revenue growth",
    ]  # fmt: skip
    # Each KPI's name carries its agreed formula on hover and in the definitions.
    (name_cell, *_) = monthly.main.find_all("tr", metric="kpi.bookings_amount")[0].find_all("td")
    assert name_cell.attrs["title"] == "The agreed formula of Bookings (won revenue)."
    assert "The agreed formula of Bookings (won revenue)." in monthly.document.find("footer").text()


def test_monthly_headline_figures(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    # The headline tiles first, then the verdicts section's own figures.
    assert monthly.figure_metrics() == [
        "kpi.mqls",
        "kpi.pipeline_created_amount",
        "kpi.bookings_amount",
        "kpi.win_rate_count",
        "kpi.forecast_accuracy",
        "feedback.leads_with_reason",
        "feedback.lost_with_reason",
        "feedback.top_lead_reason",
    ]
    assert monthly.figure("kpi.bookings_amount").value == "$250.00K"
    assert monthly.figure("kpi.bookings_amount").detail == "+25.0% vs previous"
    assert monthly.figure("kpi.pipeline_created_amount").detail == "+100.0% vs previous"
    assert monthly.figure("kpi.mqls").value == "5"
    assert monthly.figure("kpi.win_rate_count").detail == "+10.0 pts vs previous"
    forecast = monthly.figure("kpi.forecast_accuracy")
    assert forecast.value == "nothing to measure in this period"
    assert pages.rendered.headline["monthly"]["Bookings (won revenue)"] == "$250.00K"
    assert pages.rendered.headline["weekly"]["MQL follow-up compliance"] == "50.0% (target 90%)"


def test_a_kpi_without_a_value_does_not_deny_its_previous_period(pages: SimpleNamespace) -> None:
    """August's forecast accuracy (80.0%) is on the scorecard; September's tile must not say
    there was no previous period."""
    forecast = pages.monthly.figure("kpi.forecast_accuracy")
    assert forecast.detail == "Aug 2026: 80.0%"


def test_monthly_pipeline_by_source_and_coverage(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    # Source, opportunities created, pipeline created, share, win rate (count), (amount).
    assert monthly.row("pipeline.marketing") == [
        "Marketing", "2", "$60,000", "60.0%", "50.0%", "71.4%",
    ]  # fmt: skip
    assert monthly.row("pipeline.sales") == [
        "Sales", "1", "$40,000", "40.0%", "nothing to measure in this period", "none",
    ]  # fmt: skip
    assert monthly.row("coverage.All teams") == [
        "All teams", "$300,000", "$100,000", f"3.00{TIMES}",
    ]  # fmt: skip
    assert monthly.row("coverage.AE - Mid-Market") == [
        "AE - Mid-Market", "$210,000", "$40,000", f"5.25{TIMES}",
    ]  # fmt: skip
    assert monthly.row("coverage.AE - SMB") == ["AE - SMB", "$90,000", "$60,000", f"1.50{TIMES}"]
    assert len(monthly.charts("pipeline")) == 1


def test_pipeline_coverage_reads_the_same_on_the_scorecard_and_in_the_pipeline_section(
    pages: SimpleNamespace,
) -> None:
    assert pages.monthly.row("kpi.pipeline_coverage")[2] == f"3.00{TIMES}"


def test_monthly_attribution_under_the_six_models(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    headers = [th.text() for th in monthly.section("attribution").find_all("th")]
    assert headers == [
        "Channel", "First touch", "Last touch", "Linear", "U-shaped", "W-shaped", "Time decay",
    ]  # fmt: skip
    # The $100,000 September win: Paid Search 14 days before the opportunity, Webinar on the day.
    # The lost deal's Content touch and October's Social touch earn nothing.
    assert monthly.row("attribution.Paid Search") == [
        "Paid Search", "$100,000", "$0", "$50,000", "$50,000", "$50,000", "$20,000",
    ]  # fmt: skip
    assert monthly.row("attribution.Webinar") == [
        "Webinar", "$0", "$100,000", "$50,000", "$50,000", "$50,000", "$80,000",
    ]  # fmt: skip
    assert monthly.row("attribution.total") == ["Total", *["$100,000"] * 6]
    assert monthly.rows("attribution.Content") == monthly.rows("attribution.Social") == []
    assert len(monthly.charts("attribution")) == 1


def test_monthly_lead_score_calibration_marks_the_threshold(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    assert monthly.tables("calibration") == ["By score band (sales-ready from band 100-149)"]
    # Band, sales-ready, MQLs, accepted, opportunity, won.
    assert monthly.row("calibration.unscored") == ["unscored", "no", "4", "25.0%", "25.0%", "0.0%"]
    assert monthly.row("calibration.50-99") == ["50-99", "no", "20", "45.0%", "20.0%", "5.0%"]
    assert monthly.row("calibration.100-149") == [
        "100-149", "yes", "16", "75.0%", "50.0%", "25.0%",
    ]  # fmt: skip
    assert monthly.row("calibration.150-199") == [
        "150-199", "yes", "0", "no MQLs", "no MQLs", "no MQLs",
    ]  # fmt: skip
    (chart,) = monthly.charts("calibration")
    assert chart.find_all("svg")


UNMAPPED = "Unmapped reason (a steward must map it)"


def test_weekly_verdicts_name_the_reasons_sales_gave(pages: SimpleNamespace) -> None:
    weekly = pages.weekly
    reasons = weekly.figure("feedback.leads_with_reason")
    assert (reasons.value, reasons.detail) == ("66.7%", "4 of 6 ended cycles")
    lost = weekly.figure("feedback.lost_with_reason")
    assert (lost.value, lost.detail) == ("—", "no deal lost")
    top = weekly.figure("feedback.top_lead_reason")
    # Bad fit and no response tie at two: the first by name is the top reason.
    assert (top.value, top.detail) == ("Bad fit", "2 of 6 ended cycles")
    assert weekly.tables("verdicts") == ["Why leads ended, week 2026-W43"]
    # Reason, owning team, marketing can act, rejected, disqualified, recycled, share. The bad
    # timing recycle at Monday 26 Oct 00:00 is the next week's.
    assert weekly.row("verdicts.leads.bad_fit") == [
        "Bad fit", "marketing", "yes", "2", "0", "0", "33.3%",
    ]  # fmt: skip
    assert weekly.row("verdicts.leads.no_response") == [
        "No response", "sales", "yes", "0", "1", "1", "33.3%",
    ]  # fmt: skip
    assert weekly.row("verdicts.leads.unmapped") == [UNMAPPED, "", "", "0", "1", "0", "16.7%"]
    assert weekly.row("verdicts.leads.not_recorded") == [
        "No reason recorded", "", "", "0", "0", "1", "16.7%",
    ]  # fmt: skip
    assert weekly.rows("verdicts.leads.bad_timing") == []
    metrics = [r.metric for r in weekly.section("verdicts").find_all("tr") if r.metric]
    assert metrics == [
        "verdicts.leads.bad_fit",
        "verdicts.leads.no_response",
        "verdicts.leads.not_recorded",
        "verdicts.leads.unmapped",
    ]
    assert len(weekly.charts("verdicts")) == 1


def test_monthly_verdicts_include_the_lost_deals_and_their_amounts(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    assert monthly.tables("verdicts") == [
        "Why leads ended, September 2026",
        "Why deals were lost, September 2026",
    ]
    # Tied at one cycle each, the category first by name is the top reason.
    assert monthly.figure("feedback.top_lead_reason").value == "Bad timing"
    assert monthly.figure("feedback.leads_with_reason").detail == "2 of 2 ended cycles"
    assert monthly.figure("feedback.lost_with_reason").detail == "1 of 1 lost deals"
    assert monthly.row("verdicts.leads.no_budget")[3:] == ["1", "0", "0", "50.0%"]
    assert monthly.row("verdicts.leads.bad_timing")[3:] == ["0", "0", "1", "50.0%"]
    assert monthly.row("verdicts.lost.competitor") == ["Competitor", "1", "$40,000", "100.0%"]


def test_monthly_programs_by_acceptance_with_their_top_reason(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    assert monthly.tables("programs") == [
        "By channel, MQL cohorts July 2026 \N{EN DASH} September 2026",
        "Programs by MQL acceptance, MQL cohorts October 2025 \N{EN DASH} September 2026",
    ]
    # Channel, MQLs, accepted, MQL -> won, rejected/disqualified/recycled, top reason (its share
    # of those). Last-touch rows and the cohort of June 2025 count for nothing.
    assert monthly.row("programs.channel.Webinar") == [
        "Webinar", "40", "75.0%", "15.0%", "20.0%", "Bad fit (62%)",
    ]  # fmt: skip
    assert monthly.row("programs.channel.Social") == [
        "Social", "36", "27.8%", "0.0%", "72.2%", "Not a buyer (58%)",
    ]  # fmt: skip
    assert monthly.row("programs.channel.Content") == [
        "Content", "5", "80.0%", "0.0%", "20.0%", "Bad fit (100%)",
    ]  # fmt: skip
    assert monthly.row("programs.channel.none") == [
        "(no program touch)", "3", "33.3%", "0.0%", "0.0%", "—",
    ]  # fmt: skip
    # Programs with 30 or more MQLs, best first; the 5-MQL buyer's guide is too few to judge.
    assert monthly.row("programs.program.c-web") == [
        "Data Summit webinar", "Webinar", "40", "75.0%", "15.0%", "20.0%", "Bad fit (62%)",
    ]  # fmt: skip
    assert monthly.row("programs.program.c-social")[:4] == [
        "Social retargeting", "Social", "36", "27.8%",
    ]  # fmt: skip
    assert monthly.rows("programs.program.c-guide") == []
    assert "Programs with 30 or more MQLs: 2 of 3" in monthly.section("programs").text()
    assert "still maturing" in monthly.section("programs").text()


def test_monthly_content_lists_the_largest_lifts_with_enough_buyers(
    pages: SimpleNamespace,
) -> None:
    monthly = pages.monthly
    assert monthly.row("content.form.f-demo.mql") == [
        "Demo request", "form", "MQL → SAL", "70.0% of 60", "50.0% of 200", "+20.0 pts",
    ]  # fmt: skip
    assert monthly.row("content.form.f-news.mql")[-1] == "+5.0 pts"
    assert monthly.rows("content.form.f-pricing.mql") == []


def test_monthly_who_buys_by_industry_size_and_persona(pages: SimpleNamespace) -> None:
    monthly = pages.monthly
    assert monthly.tables("who_buys") == ["By industry", "By company size", "By persona"]
    # Industry, closed deals, win rate, MQLs, MQL -> SAL, summed over the twelve months.
    assert monthly.row("who_buys.industry.Software") == ["Software", "40", "37.5%", "40", "50.0%"]
    assert monthly.row("who_buys.industry.Retail") == ["Retail", "4", "25.0%", "0", "no MQLs"]
    assert monthly.row("who_buys.company_size.size_100_249") == [
        "100\N{EN DASH}249 employees", "30", "30.0%", "0", "no MQLs",
    ]  # fmt: skip
    assert monthly.row("who_buys.persona.marketing_leader")[:3] == [
        "Marketing leader", "10", "50.0%",
    ]  # fmt: skip
    assert "too few to judge the win rate: Retail" in monthly.section("who_buys").text()


def test_the_scenario_pages_show_no_junk_and_every_chart_has_marks(pages: SimpleNamespace) -> None:
    for page in (pages.weekly, pages.monthly):
        _no_junk(page)
        for chart in page.charts():
            (svg,) = chart.find_all("svg")
            assert svg.find_all("path") or svg.find_all("rect"), chart.text()
        assert "http://" not in page.html.replace("http://www.w3.org", "")
        assert "https://" not in page.html


def test_a_blocked_later_run_is_named_on_the_pages(scenario_db: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(scenario_db)) as connection:
        scenario.insert(connection, "governance.publications", [scenario.BLOCKED_PUBLICATION])
    rendered = render_reviews(
        published=scenario_db, output=tmp_path / "reviews", week=scenario.WEEK, month=scenario.MONTH
    )
    assert rendered.run.run_id == scenario.RUN_ID
    for path in (rendered.weekly, rendered.monthly):
        provenance = ReviewPage(path).provenance
        assert provenance.startswith(f"Run {scenario.RUN_ID}, judged at 2026-10-28 12:00 UTC")
        assert (
            f"A later run, {scenario.BLOCKED_RUN_ID}, was stopped at a gate on 2026-10-29 07:15 "
            "UTC: its numbers are not shown here"
        ) in provenance
    # The numbers are still run-a's.
    assert ReviewPage(rendered.weekly).figure("sla.mql_follow_up.week").value == "50.0%"
    assert scenario.BLOCKED_RUN_ID in parse(rendered.index.read_text()).text()


def test_an_as_of_after_the_marts_as_of_is_refused(scenario_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ReviewUnavailable, match="funnel run"):
        render_reviews(
            published=scenario_db,
            output=tmp_path / "reviews",
            as_of=scenario.AS_OF + timedelta(minutes=1),
        )
    assert not (tmp_path / "reviews").exists()


@pytest.mark.parametrize(
    ("week", "month"),
    [("2026-43", None), ("2026-W54", None), ("W43", None), (None, "2026-13"), (None, "2026/09")],
)
def test_a_bad_period_is_a_period_error(
    scenario_db: Path, tmp_path: Path, week: str | None, month: str | None
) -> None:
    with pytest.raises(PeriodError, match="--week" if week else "--month"):
        render_reviews(published=scenario_db, output=tmp_path / "r", week=week, month=month)


def test_default_periods_are_the_last_complete_week_and_month(
    scenario_db: Path, tmp_path: Path
) -> None:
    rendered = render_reviews(published=scenario_db, output=tmp_path / "reviews")
    # At Wed 2026-10-28 12:00: week 2026-W43 (19-25 Oct) and September.
    assert (rendered.week.label, rendered.month.label) == ("2026-W43", "2026-09")
    assert rendered.weekly.name == "weekly-2026-W43.html"
    assert ReviewPage(rendered.weekly).figure("sla.mql_follow_up.week").value == "50.0%"
    # An earlier --as-of picks the periods complete at that instant.
    earlier = render_reviews(
        published=scenario_db, output=tmp_path / "reviews", as_of=datetime(2026, 9, 15, 8)
    )
    assert (earlier.week.label, earlier.month.label) == ("2026-W37", "2026-08")
    # A Sunday evening's week is not complete yet; Monday 00:00 completes it.
    assert ReviewWeek.last_complete(datetime(2026, 10, 25, 23, 59)).label == "2026-W42"
    assert ReviewWeek.last_complete(datetime(2026, 10, 26, 0, 0)).label == "2026-W43"
    assert ReviewMonth.last_complete(datetime(2026, 10, 1)).label == "2026-09"


def test_the_index_lists_every_review_rendered_newest_first(
    scenario_db: Path, tmp_path: Path
) -> None:
    output = tmp_path / "reviews"
    render_reviews(published=scenario_db, output=output, week="2026-W43", month="2026-09")
    last = render_reviews(published=scenario_db, output=output, week="2026-W41", month="2026-08")
    index = parse(last.index.read_text())
    links = [(a.attrs["href"], a.text()) for a in index.find_all("a")]
    assert links == [
        ("weekly-2026-W43.html", "Week 2026-W43 (19 Oct \N{EN DASH} 25 Oct 2026)"),
        ("weekly-2026-W41.html", "Week 2026-W41 (05 Oct \N{EN DASH} 11 Oct 2026)"),
        ("monthly-2026-09.html", "September 2026"),
        ("monthly-2026-08.html", "August 2026"),
    ]
    for href, _ in links:
        assert (output / href).exists()
    assert f"Run {scenario.RUN_ID}" in index.text()


# --- 2. empty and partial publications: explanations, not errors --------------------------------


def test_an_empty_publication_renders_explanations_everywhere(
    template: Path, tmp_path: Path
) -> None:
    database = scenario.copy_publication(template, tmp_path / "funnel.duckdb")
    with duckdb.connect(str(database)) as connection:
        scenario.insert(connection, "governance.publications", scenario.PUBLICATIONS[1:])
    rendered = render_reviews(published=database, output=tmp_path / "reviews")
    weekly, monthly = ReviewPage(rendered.weekly), ReviewPage(rendered.monthly)
    for page in (weekly, monthly):
        _no_junk(page)
        assert "NaN" not in page.main_text and "None" not in page.main_text
        assert not page.main.find_all("svg"), "a chart or sparkline drawn without data"
        assert not page.charts()
        for section in page.main.find_all("section"):
            anchor = section.attrs["id"]
            if anchor != "overview":
                assert page.explanations(anchor), f"section {anchor} explains nothing"
    assert weekly.explanations("sla") == [
        "Per policy, against the agreed target: No SLA policies are published.",
        "Compliance trend: No SLA clock was judged in the 12 weeks to 2026-W43.",
    ]
    assert "Leakage: MQLs of 2026-W43 never followed up: No MQLs in 2026-W43." in (
        weekly.explanations("worklists")
    )
    assert weekly.figure("week.mqls").value == "0"
    assert weekly.figure("week.leakage").detail == "no MQLs this week"
    assert weekly.figure("worklist.stalled").detail == "none stalled"
    assert weekly.main.find_all("table") == []
    assert monthly.explanations("overview") == [
        "No KPIs: mart_shared_kpis has no rows for September 2026 yet."
    ]
    assert monthly.explanations("pipeline") == [
        "By source, September 2026: No opportunity was created or closed in September 2026."
    ]
    assert monthly.explanations("attribution") == [
        "No attributed revenue: No opportunity with marketing or sales touches closed won in "
        "September 2026."
    ]
    assert "No scored MQLs: No MQL had a lead score at its MQL moment yet." in (
        monthly.explanations("calibration")
    )
    assert monthly.explanations("funnel")[0] == (
        "Stage volumes: No cycle entered a funnel stage in September 2026."
    )


def test_an_empty_publication_shows_no_table_of_zeros(template: Path, tmp_path: Path) -> None:
    database = scenario.copy_publication(template, tmp_path / "funnel.duckdb")
    with duckdb.connect(str(database)) as connection:
        scenario.insert(connection, "governance.publications", scenario.PUBLICATIONS[1:])
    rendered = render_reviews(published=database, output=tmp_path / "reviews")
    assert ReviewPage(rendered.monthly).main.find_all("table") == []


def test_no_opportunities_yet_the_pipeline_and_attribution_explain_why(
    scenario_db: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(scenario_db)) as connection:
        for table in ("fct_opportunities", "mart_attribution", "mart_stalled_opportunities"):
            connection.execute(f"delete from marts.{table}")
        connection.execute(
            "delete from marts.mart_shared_kpis where kpi_code in "
            f"({', '.join('?' for _ in scenario.PIPELINE_KPIS)})",
            list(scenario.PIPELINE_KPIS),
        )
    rendered = render_reviews(
        published=scenario_db, output=tmp_path / "reviews", week=scenario.WEEK, month=scenario.MONTH
    )
    weekly, monthly = ReviewPage(rendered.weekly), ReviewPage(rendered.monthly)
    _no_junk(weekly)
    _no_junk(monthly)
    assert monthly.tables("pipeline") == [] and monthly.charts("pipeline") == []
    assert monthly.explanations("pipeline") == [
        "By source, September 2026: No opportunity was created or closed in September 2026."
    ]
    assert monthly.tables("attribution") == [] and monthly.charts("attribution") == []
    assert monthly.explanations("attribution") == [
        "No attributed revenue: No opportunity with marketing or sales touches closed won in "
        "September 2026."
    ]
    assert "Stalled opportunities: No open opportunity is stalled." in weekly.explanations(
        "worklists"
    )
    stalled = weekly.figure("worklist.stalled")
    assert (stalled.value, stalled.detail) == ("0", "none stalled")
    # The lead side is untouched.
    assert weekly.figure("sla.mql_follow_up.week").value == "50.0%"
    assert weekly.figure("week.mqls").value == "4"
    assert [m for m in monthly.figure_metrics() if m.startswith("kpi.")] == ["kpi.mqls"]
    assert monthly.figure("feedback.lost_with_reason").detail == "no deal lost"
    assert monthly.row("conversion.mql.sal")[3] == "60.0%"


def test_a_week_without_mqls_says_so(scenario_db: Path, tmp_path: Path) -> None:
    rendered = render_reviews(
        published=scenario_db, output=tmp_path / "reviews", week="2026-W30", month=scenario.MONTH
    )
    weekly = ReviewPage(rendered.weekly)
    _no_junk(weekly)
    assert "Leakage: MQLs of 2026-W30 never followed up: No MQLs in 2026-W30." in (
        weekly.explanations("worklists")
    )
    assert weekly.figure("week.mqls").value == "0"
    assert weekly.figure("week.leakage").detail == "no MQLs this week"
    follow_up = weekly.figure("sla.mql_follow_up.week")
    assert (follow_up.value, follow_up.detail) == (
        "not judged", "no MQL follow-up clocks started this week",
    )  # fmt: skip
    assert "Compliance trend: No SLA clock was judged in the 12 weeks to 2026-W30." in (
        weekly.explanations("sla")
    )
    assert weekly.explanations("owners") == [
        "Per team: No SLA clock started in 2026-W30.",
        "Owners with breaches this week: No breaches this week: every judged clock was met.",
        "Breaches this week, named: No breaches this week.",
    ]


def test_without_a_publication_nothing_is_rendered(template: Path, tmp_path: Path) -> None:
    with pytest.raises(ReviewUnavailable, match="funnel run"):
        render_reviews(published=tmp_path / "missing.duckdb", output=tmp_path / "reviews")
    # The tables exist but no run has passed the gates.
    database = scenario.copy_publication(template, tmp_path / "funnel.duckdb")
    with pytest.raises(ReviewUnavailable, match="funnel run"):
        render_reviews(published=database, output=tmp_path / "reviews")
    assert not (tmp_path / "reviews").exists()


# --- 3. the real publication, in a real browser, agreeing with the marts ------------------------


@pytest.fixture(scope="module")
def real_pages(built: Built, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    directory = tmp_path_factory.mktemp("review_real")
    published = _published(built)
    rendered = render_reviews(published=published, output=directory / "reviews")
    return SimpleNamespace(
        published=published,
        rendered=rendered,
        weekly=ReviewPage(rendered.weekly),
        monthly=ReviewPage(rendered.monthly),
        directory=directory,
    )


def _main_text(body_text: str) -> str:
    """The reader's text above the definitions footer (which quotes formulas saying 'null')."""
    cut = body_text.rfind("\nDefinitions\n")
    assert cut > 0, "no definitions footer"
    return body_text[:cut]


def test_the_real_pages_open_offline_in_chromium(real_pages: SimpleNamespace) -> None:
    shots = real_pages.directory / "screenshots"
    rendered = real_pages.rendered
    for path, kind in [(rendered.weekly, "weekly"), (rendered.monthly, "monthly")]:
        seen = visit(path, shots / f"{kind}.png")
        assert seen.console_errors == [], seen.console_errors
        assert seen.network_requests == [], seen.network_requests
        assert seen.failed_requests == [], seen.failed_requests
        assert visible_text_problems(_main_text(seen.text)) == []
        assert seen.title == ReviewPage(path).title
        assert "At a glance" in seen.text
        png = seen.screenshot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    index = visit(rendered.index, shots / "index.png")
    assert index.console_errors == index.network_requests == index.failed_requests == []
    assert rendered.weekly.name in (rendered.index.read_text())
    keep = os.environ.get("FUNNEL_REVIEW_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in shots.glob("*.png"):
            shutil.copyfile(png, Path(keep) / png.name)


def test_funnel_review_pdf_prints_both_pages(
    real_pages: SimpleNamespace, warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`funnel review --pdf` as a leader runs it: both pages printed by the local Chromium, on
    A4 pages, beside the HTML."""
    shutil.copyfile(real_pages.published, warehouse_dir / "funnel.duckdb")
    assert main(["review", "--pdf"]) == 0
    output = capsys.readouterr().out
    for name in ("weekly-2026-W43.pdf", "monthly-2026-10.pdf"):
        printed = warehouse_dir / "reviews" / name
        assert str(printed) in output
        data = printed.read_bytes()
        assert data.startswith(b"%PDF-")
        # A whole review does not fit on one A4 page: a blank or truncated print would.
        pages = re.findall(rb"/Type\s*/Page[^s]", data)
        assert len(pages) >= 2, f"{name} printed on {len(pages)} page(s)"


def test_the_real_pages_agree_with_the_marts(real_pages: SimpleNamespace) -> None:
    """The headline numbers recomputed from the published marts with SQL of their own."""
    rendered = real_pages.rendered
    # conftest's as-of, Sunday 2026-11-01 00:00: W44 is still running, so W43 and October.
    assert BUILT_AS_OF == datetime(2026, 11, 1)
    assert (rendered.week.label, rendered.month.label) == ("2026-W43", "2026-10")
    week_start, week_end = datetime(2026, 10, 19), datetime(2026, 10, 26)
    with duckdb.connect(str(real_pages.published), read_only=True) as connection:
        met, judged = connection.execute(
            """
            select count(*) filter (where status = 'met'),
                count(*) filter (where status in ('met', 'breached', 'open_breached'))
            from marts.fct_sla_instances
            where policy_key = 'mql_follow_up' and started_at >= ? and started_at < ?
            """,
            [week_start, week_end],
        ).fetchone()  # type: ignore[misc]
        (mqls,) = connection.execute(
            "select count(*) from marts.fct_lead_cycles where mql_at >= ? and mql_at < ?",
            [week_start, week_end],
        ).fetchone()  # type: ignore[misc]
        (queue,) = connection.execute("select count(*) from marts.mart_recycle_queue").fetchone()  # type: ignore[misc]
        (bookings,) = connection.execute(
            """
            select sum(won_amount) from marts.fct_opportunities
            where is_won and close_date >= date '2026-10-01' and close_date < date '2026-11-01'
            """
        ).fetchone()  # type: ignore[misc]
    weekly, monthly = real_pages.weekly, real_pages.monthly
    assert judged > 0 and mqls > 0 and queue > 0 and bookings > 0, "the generated week is empty"
    follow_up = weekly.figure("sla.mql_follow_up.week")
    assert follow_up.value == f"{met / judged * 100:.1f}%"
    assert follow_up.detail == f"target 90%; {met:,} of {judged:,} met"
    assert weekly.figure("week.mqls").value == f"{mqls:,}"
    assert weekly.figure("worklist.recycle").value == f"{queue:,}"
    assert monthly.figure("kpi.bookings_amount").value == fmt.compact_amount(bookings)
    assert monthly.row("kpi.bookings_amount")[2] == f"${bookings:,.0f}"
    _no_junk(weekly)
    _no_junk(monthly)


# --- 4. the command ------------------------------------------------------------------------------


def test_funnel_review_prints_both_pages(
    warehouse_dir: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario.write_scenario(template, warehouse_dir / "funnel.duckdb")
    assert main(["review", "--week", scenario.WEEK, "--month", scenario.MONTH]) == 0
    output = capsys.readouterr().out
    reviews = warehouse_dir / "reviews"
    for name in ("weekly-2026-W43.html", "monthly-2026-09.html", "index.html"):
        assert str(reviews / name) in output
        assert (reviews / name).exists()
    assert f"Run {scenario.RUN_ID}" in output
    figure = ReviewPage(reviews / "weekly-2026-W43.html").figure("sla.mql_follow_up.week")
    assert figure.value == "50.0%"


def test_funnel_review_without_a_publication_says_to_run_first(
    warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review"]) == 2
    error = capsys.readouterr().err
    assert "nothing was rendered" in error and "funnel run" in error
    assert not (warehouse_dir / "reviews").exists()


def test_funnel_review_with_a_bad_week_exits_2(
    warehouse_dir: Path, template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario.write_scenario(template, warehouse_dir / "funnel.duckdb")
    assert main(["review", "--week", "2026-43"]) == 2
    assert "ISO week like 2026-W44" in capsys.readouterr().err
