"""The gate engine on small hand-made tables: passes, failures with their counts, gate errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.checks import validate
from orchestration.checks.outcomes import ERROR, FAILED, PASSED, mask
from orchestration.checks.suites import ExpectationSpec, Suite, all_suites, load_suites
from orchestration.checks.validate import run_gate
from orchestration.raw.contract import contract_tables
from orchestration.raw.generator.faults import FAULT_KINDS

AS_OF = datetime(2026, 11, 1)


@pytest.fixture
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        connection.execute("create schema salesforce")
        connection.execute(
            "create table salesforce.lead as select * from (values "
            "('00Q1', 'ann@acme.com', 'Open', 10.0, false), "
            "('00Q2', 'bob(at)acme.com', 'Open', -5.0, false), "
            "(null, 'cy@acme.com', 'Contacted??', 1.0, false), "
            "('00Q2', 'dee@acme.com', 'Open', 2.0, false), "
            "('00Q9', 'gone@acme.com', 'Contacted??', -1.0, true)"
            ") as t(id, email, status, amount, is_deleted)"
        )
        yield connection


def _suite(*expectations: tuple[str, dict], frame: str | None = None) -> Suite:
    specs = tuple(
        ExpectationSpec(
            suite="test_lead",
            index=index,
            type=kind,
            kwargs=kwargs,
            severity=kwargs.pop("severity", "critical"),
        )
        for index, (kind, kwargs) in enumerate(expectations)
    )
    return Suite(
        name="test_lead",
        boundary="raw",
        table="salesforce.lead",
        asset_key=("salesforce", "lead"),
        steward_domain="crm",
        key_column="id",
        description="test",
        expectations=specs,
        frame_sql=frame or 'select id, email, status, amount from {salesforce}."lead" where {live}',
        path=Path("test_lead.json"),
    )


def _gate(connection: duckdb.DuckDBPyConnection, suite: Suite, tmp_path: Path):
    report = run_gate("raw", connection, "run-1", AS_OF, tmp_path / "docs", suites=[suite])
    return {outcome.expectation: outcome for outcome in report.outcomes}, report


def test_a_met_expectation_passes_with_the_rows_it_saw(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    suite = _suite(("expect_column_values_to_not_be_null", {"column": "email"}))
    outcomes, report = _gate(connection, suite, tmp_path)
    outcome = outcomes["expect_column_values_to_not_be_null(email)"]
    assert outcome.status == PASSED
    assert (outcome.element_count, outcome.unexpected_count) == (4, 0)  # the deletion is out
    assert not report.blocks


def test_unmet_expectations_fail_with_exact_counts_and_masked_samples(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    suite = _suite(
        ("expect_column_values_to_not_be_null", {"column": "id"}),
        ("expect_column_values_to_be_unique", {"column": "id"}),
        (
            "expect_column_values_to_match_regex",
            {"column": "email", "regex": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "severity": "warning"},
        ),
        ("expect_column_values_to_be_between", {"column": "amount", "min_value": 0}),
        ("expect_column_values_to_be_in_set", {"column": "status", "value_set": ["Open"]}),
    )
    outcomes, report = _gate(connection, suite, tmp_path)
    nulls = outcomes["expect_column_values_to_not_be_null(id)"]
    assert (nulls.status, nulls.unexpected_count, nulls.unexpected_percent) == (FAILED, 1, 25.0)
    unique = outcomes["expect_column_values_to_be_unique(id)"]
    assert (unique.status, unique.unexpected_count) == (FAILED, 2)
    assert unique.observed_value.startswith("1 values used more than once")
    email = outcomes["expect_column_values_to_match_regex(email)"]
    assert (email.status, email.unexpected_count) == (FAILED, 1)
    assert email.failing_sample == [{"id": "00Q2", "email": "b***"}]
    amount = outcomes["expect_column_values_to_be_between(amount)"]
    assert (amount.status, amount.unexpected_count) == (FAILED, 1)
    status = outcomes["expect_column_values_to_be_in_set(status)"]
    assert (status.status, status.unexpected_count) == (FAILED, 1)
    assert status.steward_name == "Priya Raman"
    # The warning informs; the critical ones block.
    assert not email.blocks
    assert {o.expectation for o in report.blocking} == set(outcomes) - {email.expectation}


def test_missing_columns_fail_the_table_level_expectation_by_name(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    suite = _suite(
        (
            "expect_table_columns_to_match_set",
            {"column_set": ["id", "owner_id"], "exact_match": False},
        )
    )
    outcomes, _ = _gate(connection, suite, tmp_path)
    (outcome,) = outcomes.values()
    assert outcome.status == FAILED
    assert outcome.observed_value == "missing columns: owner_id"


def test_a_frame_that_cannot_be_computed_is_a_gate_error(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    suite = _suite(
        ("expect_column_values_to_not_be_null", {"column": "owner_id"}),
        frame='select id, owner_id from {salesforce}."lead"',
    )
    outcomes, report = _gate(connection, suite, tmp_path)
    (outcome,) = outcomes.values()
    assert outcome.status == ERROR
    assert not outcome.passed
    assert "owner_id" in (outcome.error_message or "")
    assert report.blocks
    assert "GATE ERROR" in outcome.describe()


def test_a_validation_that_raised_is_a_gate_error_not_a_pass_nor_a_data_failure(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("list index out of range")

    monkeypatch.setattr(validate._GxRunner, "validate", broken)
    suite = _suite(("expect_column_values_to_not_be_null", {"column": "email"}))
    outcomes, report = _gate(connection, suite, tmp_path)
    (outcome,) = outcomes.values()
    assert outcome.status == ERROR
    assert outcome.unexpected_count is None
    assert "list index out of range" in (outcome.error_message or "")
    assert report.blocks


def test_an_expectation_whose_gx_result_raised_is_a_gate_error(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # GX reports a missing column as success=False with exception_info, like the SQL datasource's
    # silent failures on DuckDB: it must read as an error of the gate.
    suite = _suite(
        ("expect_column_values_to_not_be_null", {"column": "owner_id"}),
        frame='select id from {salesforce}."lead"',
    )
    outcomes, _ = _gate(connection, suite, tmp_path)
    (outcome,) = outcomes.values()
    assert outcome.status == ERROR


def test_gx_and_the_pushdown_must_agree(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "failing_predicate", lambda expectation, parameters: "true")
    monkeypatch.setattr(validate, "quick_check", lambda expectation, parameters: "count(*)")
    suite = _suite(("expect_column_values_to_not_be_null", {"column": "email"}))
    outcomes, _ = _gate(connection, suite, tmp_path)
    (outcome,) = outcomes.values()
    assert outcome.status == ERROR
    assert "GX found 0" in (outcome.error_message or "")


def test_data_docs_are_built(connection: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    suite = _suite(("expect_column_values_to_not_be_null", {"column": "email"}))
    _, report = _gate(connection, suite, tmp_path)
    assert report.data_docs_url == (tmp_path / "docs" / "raw" / "index.html").as_uri()
    assert (tmp_path / "docs" / "raw" / "index.html").exists()


def test_emails_are_masked() -> None:
    assert mask("jane.doe@acme.com") == "j***@acme.com"
    assert mask("jane.doe(at)acme.com") == "j***"


def test_every_required_raw_table_has_a_suite_and_every_expectation_a_severity() -> None:
    tables = {suite.table for suite in load_suites("raw")}
    required = {table.qualified_name for table in contract_tables() if table.required}
    assert required <= tables
    for suite in all_suites():
        assert suite.expectations, suite.name
        for expectation in suite.expectations:
            assert expectation.severity in ("critical", "warning", "info")
        labels = [expectation.label for expectation in suite.expectations]
        assert len(labels) == len(set(labels)), f"{suite.name}: expectation labels repeat"


def test_every_generated_fault_has_exactly_one_intended_expectation() -> None:
    catching = [
        (fault, expectation)
        for suite in all_suites()
        for expectation in suite.expectations
        for fault in expectation.catches
    ]
    assert sorted(fault for fault, _ in catching) == sorted(kind.key for kind in FAULT_KINDS)


def test_mart_suites_cover_the_agreed_mart_checks() -> None:
    expectations = {
        (suite.table, expectation.type, expectation.column)
        for suite in load_suites("marts")
        for expectation in suite.expectations
    }
    assert (
        "marts.mart_funnel_conversion",
        "expect_column_values_to_be_between",
        "conversion_rate",
    ) in expectations
    assert (
        "marts.fct_sla_instances",
        "expect_column_values_to_be_between",
        "business_minutes_elapsed",
    ) in expectations
    assert (
        "marts.fct_sla_instances",
        "expect_column_values_to_be_between",
        "follow_up_instances",
    ) in expectations
    tables = {table for table, _, _ in expectations}
    assert {
        "marts.fct_lead_cycles",
        "marts.mart_attribution",
        "marts.mart_sla_compliance",
    } <= tables
