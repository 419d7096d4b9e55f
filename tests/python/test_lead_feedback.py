"""Sales' verdicts returned to marketing: mart_lead_feedback's numbers on a hand-built scenario,
its findings at the mart gate, and on the generated warehouse its reconciliation with the facts,
the reasons' coverage and the facts' reasons against a recomputation from the raw rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from feedback_scenario import build_feedback_scenario
from recompute.feedback import cycle_end_reasons, loss_reasons
from recompute.raw import RawTables
from semantic_layer import ask

from orchestration.checks.outcomes import ExpectationOutcome
from orchestration.checks.suites import load_suites
from orchestration.checks.validate import run_gate
from orchestration.pipeline import PipelineOutcome

Built = tuple[Path, PipelineOutcome]
GRAIN = ["touch_model", "cohort_month", "campaign_name", "outcome", "reason_category"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_feedback_scenario(tmp_path_factory.mktemp("feedback"))


def _query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).df()


def _feedback(database: Path) -> pd.DataFrame:
    frame = _query(database, "select * from marts.mart_lead_feedback")
    frame["cohort_month"] = pd.to_datetime(frame["cohort_month"]).dt.strftime("%Y-%m")
    return frame


def test_each_outcome_is_counted_by_program_and_reason(scenario: Path) -> None:
    frame = _feedback(scenario)
    counted = {tuple(row[GRAIN]): int(row["cycles"]) for _, row in frame.iterrows()}
    none = "(no program touch)"
    shared = {
        ("2026-01", none, "lost", "competitor"): 1,
        ("2026-01", "Webinar", "rejected", "not_a_buyer"): 1,
        ("2026-01", "Webinar", "disqualified", "unmapped"): 1,
        ("2026-01", "Trade show", "awaiting_acceptance", "not_applicable"): 1,
        ("2026-02", "Trade show", "recycled", "bad_timing"): 1,
        ("2026-04", "Trade show", "accepted", "not_applicable"): 1,
    }
    expected = {("first_touch", *key): count for key, count in shared.items()}
    expected |= {("last_touch", *key): count for key, count in shared.items()}
    expected[("first_touch", "2026-01", "Webinar", "won", "not_applicable")] = 1
    expected[("last_touch", "2026-01", "Trade show", "won", "not_applicable")] = 1
    assert counted == expected


def test_acceptance_and_wins_per_program_next_to_the_outcomes(scenario: Path) -> None:
    frame = _feedback(scenario)
    groups = frame.drop_duplicates(["touch_model", "cohort_month", "campaign_name"])
    measured = {
        (row.touch_model, row.cohort_month, row.campaign_name): (
            row.mqls,
            row.accepted_within_window,
            row.won_within_window,
            row.acceptance_is_mature,
            row.win_is_mature,
        )
        for row in groups.itertuples()
    }
    none = "(no program touch)"
    assert measured == {
        # Ann (won), Ben (rejected), Fay (accepted, then disqualified).
        ("first_touch", "2026-01", "Webinar"): (3, 2, 1, True, False),
        ("first_touch", "2026-01", "Trade show"): (1, 0, 0, True, False),
        ("last_touch", "2026-01", "Webinar"): (2, 1, 0, True, False),
        # Ann's last touch before her MQL was the Trade show.
        ("last_touch", "2026-01", "Trade show"): (2, 1, 1, True, False),
        ("first_touch", "2026-01", none): (1, 1, 0, True, False),
        ("last_touch", "2026-01", none): (1, 1, 0, True, False),
        ("first_touch", "2026-02", "Trade show"): (1, 1, 0, True, False),
        ("last_touch", "2026-02", "Trade show"): (1, 1, 0, True, False),
        # Cara's second cycle: April's month end plus 30 days is May 31, before as-of; no
        # month's end plus 270 days is.
        ("first_touch", "2026-04", "Trade show"): (1, 1, 0, True, False),
        ("last_touch", "2026-04", "Trade show"): (1, 1, 0, True, False),
    }
    webinar = frame[(frame.touch_model == "first_touch") & (frame.campaign_name == "Webinar")]
    assert set(webinar["mql_to_sal_rate"].round(4)) == {round(2 / 3, 4)}


def test_the_facts_carry_the_reasons(scenario: Path) -> None:
    cycles = _query(
        scenario,
        "select crm_lead_id, cycle_number, end_reason, end_reason_category, "
        "end_reason_source_system from marts.fct_lead_cycles where cycle_ended_at is not null",
    )
    assert sorted(map(tuple, cycles.itertuples(index=False))) == [
        ("00QB", 1, "Student / job seeker", "not_a_buyer", "crm"),
        # The reason recorded after the recycle (before the next MQL) counts; a cleared field not.
        ("00QC", 1, "Not ready to buy", "bad_timing", "crm"),
        ("00QF", 1, "Moved to the moon", "unmapped", "crm"),
    ]
    deals = _query(
        scenario,
        "select opportunity_id, loss_reason, loss_reason_category from marts.fct_opportunities",
    )
    assert sorted(map(tuple, deals.fillna("-").itertuples(index=False))) == [
        ("006A", "-", "-"),
        ("006D", "Lost to competitor", "competitor"),
    ]


def _feedback_gate(database: Path, tmp_path: Path) -> dict[str, ExpectationOutcome]:
    suites = [suite for suite in load_suites("marts") if "lead_feedback" in suite.name]
    with duckdb.connect(str(database)) as connection:
        report = run_gate("marts", connection, "test", None, tmp_path / "docs", suites=suites)
    return {outcome.expectation: outcome for outcome in report.outcomes}


def test_the_gate_names_unmapped_reasons_and_reasons_on_open_cycles_and_deals(
    scenario: Path, tmp_path: Path
) -> None:
    database = tmp_path / "copy.duckdb"
    shutil.copy(scenario, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "update marts.fct_lead_cycles set open_cycle_reason = 'No budget' "
            "where crm_lead_id = '00QE'"
        )
        connection.execute(
            "update marts.fct_opportunities set loss_reason = 'Price' where opportunity_id = '006A'"
        )
    outcomes = _feedback_gate(database, tmp_path)
    unmapped = outcomes["expect_column_values_to_be_null(unmapped_end_reason)"]
    assert unmapped.severity == "warning" and not unmapped.passed
    assert unmapped.observed_value.startswith("1 of ")
    assert unmapped.failing_sample[0]["unmapped_end_reason"] == "Moved to the moon"
    assert unmapped.steward_domain == "agreements"
    open_cycle = outcomes["expect_column_values_to_be_null(reason_on_open_cycle)"]
    assert not open_cycle.passed
    assert open_cycle.failing_sample[0]["reason_on_open_cycle"] == "No budget"
    assert open_cycle.failing_sample[0]["lead_cycle"].endswith(" cycle 1")
    on_won = outcomes["expect_column_values_to_be_null(loss_reason_on_open_or_won_deal)"]
    assert not on_won.passed
    assert on_won.failing_sample[0]["opportunity_id"] == "006A"
    assert outcomes["expect_column_values_to_be_null(unmapped_loss_reason)"].passed


def test_the_reconciliation_blocks_a_mart_that_lost_a_cycle(scenario: Path, tmp_path: Path) -> None:
    database = tmp_path / "copy.duckdb"
    shutil.copy(scenario, database)
    outcomes = _feedback_gate(database, tmp_path)
    reconciles = [name for name in outcomes if name.startswith("expect_column_pair")]
    assert len(reconciles) == 3
    assert all(outcomes[name].passed for name in reconciles)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "delete from marts.mart_lead_feedback "
            "where touch_model = 'last_touch' and outcome = 'rejected'"
        )
    outcomes = _feedback_gate(database, tmp_path)
    cycles = outcomes["expect_column_pair_values_to_be_equal(feedback_cycles, fact_cycles)"]
    assert cycles.severity == "critical" and cycles.blocks
    assert "last_touch 2026-01-01 outcome rejected" in str(cycles.failing_sample)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "update marts.mart_lead_feedback set accepted_within_window = 0 "
            "where touch_model = 'first_touch' and campaign_name = 'Webinar'"
        )
    outcomes = _feedback_gate(database, tmp_path)
    accepted = "expect_column_pair_values_to_be_equal(feedback_accepted, conversion_accepted)"
    assert outcomes[accepted].blocks


def test_generated_feedback_reconciles_with_the_facts(built: Built) -> None:
    database, outcome = built
    assert outcome.succeeded, outcome.summary()
    feedback = _query(
        database,
        "select touch_model, cohort_month, sum(cycles) as cycles from marts.mart_lead_feedback "
        "group by 1, 2",
    )
    facts = _query(
        database,
        "select cast(date_trunc('month', mql_at) as date) as cohort_month, count(*) as cycles "
        "from marts.fct_lead_cycles where mql_at is not null group by 1",
    ).set_index("cohort_month")["cycles"]
    for touch_model in ("first_touch", "last_touch"):
        mart = feedback[feedback.touch_model == touch_model].set_index("cohort_month")["cycles"]
        assert mart.sort_index().astype(int).to_dict() == facts.sort_index().astype(int).to_dict()
    results = _query(
        database,
        "select suite, status from governance.expectation_results "
        "where suite like 'marts_lead_feedback%'",
    )
    assert len(results) == 7 and set(results["status"]) == {"passed"}, results


def test_most_ended_cycles_and_lost_deals_carry_a_reason(built: Built) -> None:
    database, _ = built
    shares = _query(
        database,
        "select 'cycles' as what, avg(case when end_reason_category not in "
        "('not_recorded', 'unmapped') then 1.0 else 0 end) as share, count(*) as n "
        "from marts.fct_lead_cycles where cycle_ended_at is not null "
        "union all select 'deals', avg(case when loss_reason_category not in "
        "('not_recorded', 'unmapped') then 1.0 else 0 end), count(*) "
        "from marts.fct_opportunities where is_lost",
    ).set_index("what")
    assert (shares["n"] > 20).all(), shares
    assert (shares["share"] >= 0.8).all(), shares


def test_the_facts_reasons_equal_the_recomputation_from_raw(built: Built) -> None:
    database, _ = built
    raw = RawTables(database)
    recomputed = cycle_end_reasons(raw)
    persons = _query(
        database,
        "select source_system || ':' || source_record_id as person, person_key "
        "from intermediate.int_persons_resolved",
    )
    recomputed = recomputed.merge(persons, on="person", how="left")
    assert recomputed["person_key"].notna().all()
    facts = _query(
        database,
        "select person_key, cycle_number, cycle_ended_at is not null as has_ended, end_reason, "
        "end_reason_category from marts.fct_lead_cycles",
    )
    columns = ["person_key", "cycle_number", "has_ended", "end_reason", "end_reason_category"]

    def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        return sorted(
            tuple("-" if pd.isna(value) else value for value in row)
            for row in frame[columns].astype(object).itertuples(index=False)
        )

    assert recomputed["has_ended"].any() and recomputed["end_reason"].notna().any()
    assert rows(recomputed) == rows(facts)

    deals = _query(
        database,
        "select opportunity_id, is_lost, loss_reason_category from marts.fct_opportunities",
    )
    expected = loss_reasons(raw)
    assert sorted(map(str, expected.astype(object).fillna("-").itertuples(index=False))) == sorted(
        map(str, deals.astype(object).fillna("-").itertuples(index=False))
    )


def test_the_semantic_layer_answers_feedback_by_program_and_source(
    built: Built, tmp_path: Path
) -> None:
    database, _ = built
    first_touch = "{{ Dimension('lead_feedback__touch_model') }} = 'first_touch'"
    metrics = ["rejected_mqls", "lost_deals_by_reason", "mql_acceptance_rate_by_program"]
    by_program = ask(
        database, metrics, "lead_feedback__campaign_name", tmp_path / "p.csv", first_touch
    ).set_index("lead_feedback__campaign_name")
    mart = _query(
        database,
        "select campaign_name, "
        "sum(case when outcome = 'rejected' then cycles else 0 end) as rejected_mqls, "
        "sum(case when outcome = 'lost' then cycles else 0 end) as lost_deals_by_reason, "
        "sum(cycles_accepted_within_window) * 1.0 / sum(cycles) "
        "as mql_acceptance_rate_by_program "
        "from marts.mart_lead_feedback where touch_model = 'first_touch' group by 1",
    ).set_index("campaign_name")
    assert len(mart) > 3
    pd.testing.assert_frame_equal(
        by_program[metrics].sort_index(),
        mart[metrics].sort_index(),
        check_dtype=False,
        check_names=False,
    )
    # Summed over programs, the acceptance rate is mart_funnel_conversion's MQL->SAL rate.
    by_source = ask(
        database,
        ["mql_acceptance_rate_by_program"],
        "lead_feedback__lead_source",
        tmp_path / "s.csv",
        first_touch,
    ).set_index("lead_feedback__lead_source")["mql_acceptance_rate_by_program"]
    conversion = _query(
        database,
        "select lead_source, sum(converted_within_window) * 1.0 / sum(entered) as rate "
        "from marts.mart_funnel_conversion where from_stage = 'mql' and to_stage = 'sal' "
        "group by 1",
    ).set_index("lead_source")["rate"]
    pd.testing.assert_series_equal(
        by_source.sort_index(), conversion.sort_index(), check_names=False
    )
