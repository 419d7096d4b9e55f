"""HubSpot on the raw side: exports loaded the way the Fivetran connector lands them, and the raw
gate on a HubSpot-only warehouse (and none of HubSpot's findings on a Salesforce + Marketo one)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.outcomes import FAILED, PASSED, GateReport
from orchestration.checks.stewards import mapped_status_values
from orchestration.checks.validate import run_gate
from orchestration.checks.volume import LANDED_LABEL, VOLUME_LABEL, Baseline
from orchestration.raw.loader import LoadError, load_folder
from orchestration.raw.systems import duckdb_landed_systems

AS_OF = datetime(2026, 3, 1)
SYNCED = "2026-02-28 06:00:00"

CONTACT = [
    # id, deleted, email, lifecyclestage, hs_lead_status, createdate, reason, an extra column
    ("101", "false", "ana@acme.com", "marketingqualifiedlead", "NEW", "2026-01-05T10:00:00Z", ""),
    ("102", "false", "bo@beta.io", "salesqualifiedlead", "OPEN_DEAL", "2026-01-06 11:00:00", ""),
    ("103", "false", "cy@gamma.org", "lead", "BAD_TIMING", "2026-01-07 12:00:00", "Timing"),
    ("104", "true", "gone@delta.com", "subscriber", "", "2026-01-08 09:00:00", ""),
]
HISTORY = [
    # contact_id, name, value, timestamp, source
    ("101", "lifecyclestage", "lead", "2026-01-05 10:00:00", "CRM_UI"),
    ("101", "lifecyclestage", "marketingqualifiedlead", "2026-01-09 10:00:00", "WORKFLOWS"),
    ("102", "lifecyclestage", "salesqualifiedlead", "2026-01-10 10:00:00", "CRM_UI"),
    ("102", "hs_lead_status", "OPEN_DEAL", "2026-01-10 10:00:00", "CRM_UI"),
    ("103", "hs_lead_status", "BAD_TIMING", "2026-01-11 10:00:00", "CRM_UI"),
    ("103", "lifecyclestage", "", "2026-01-11 10:00:01", "WORKFLOWS"),
    ("103", "lifecyclestage", "lead", "2026-01-11 10:00:02", "WORKFLOWS"),
]


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_hubspot_export(folder: Path, contact_columns: list[str] | None = None) -> Path:
    """A HubSpot export as the connector lands it: `property_*` columns, a property the contract
    doesn't know (`property_favorite_color`), camelCase form columns, a deleted contact."""
    hubspot = folder / "hubspot"
    header = [
        "id",
        "_fivetran_deleted",
        "property_email",
        "property_lifecyclestage",
        "property_hs_lead_status",
        "property_createdate",
        "property_disqualification_reason",
        "property_favorite_color",
        "_fivetran_synced",
    ]
    rows = [(*row, "teal", SYNCED) for row in CONTACT]
    if contact_columns is not None:
        keep = [header.index(name) for name in contact_columns]
        header = contact_columns
        rows = [tuple(row[i] for i in keep) for row in rows]
    _write(hubspot / "contact.csv", header, rows)
    _write(
        hubspot / "contact_property_history.csv",
        ["contact_id", "name", "value", "timestamp", "source", "source_id", "_fivetran_synced"],
        [(*row, "", SYNCED) for row in HISTORY],
    )
    _write(
        hubspot / "owner.csv",
        ["owner_id", "email", "first_name", "last_name", "type", "active_user_id", "is_active"],
        [("7", "rep@example.com", "Rae", "Rep", "PERSON", "70", "true")],
    )
    _write(
        hubspot / "deal.csv",
        [
            "deal_id",
            "is_deleted",
            "deal_pipeline_id",
            "deal_pipeline_stage_id",
            "owner_id",
            "property_amount",
            "property_createdate",
            "property_closedate",
        ],
        [("900", "false", "default", "qualifiedtobuy", "7", "12000", "2026-01-12", "2026-04-01")],
    )
    _write(
        hubspot / "deal_contact.csv",
        ["deal_id", "contact_id", "type_id"],
        [("900", "102", "3")],
    )
    _write(
        hubspot / "form.csv",
        ["guid", "name", "formType", "createdAt", "updatedAt", "portalId"],
        [("f-1", "Demo request", "HUBSPOT", "2025-12-01 00:00:00", "2026-01-01 00:00:00", "1")],
    )
    return folder


@pytest.fixture(scope="module")
def hubspot_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_hubspot_export(tmp_path_factory.mktemp("hubspot_export"))
    database = folder / "warehouse.duckdb"
    load_folder(folder, database)
    return database


def _gate(database: Path, *fault: str) -> GateReport:
    with duckdb.connect(str(database)) as connection:
        for statement in fault:
            connection.execute(statement)
        return run_gate(
            "raw",
            connection,
            "run-hubspot",
            AS_OF,
            database.parent / "docs",
            baseline=Baseline(None, reason="none in this test"),
        )


def _copy(database: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "working.duckdb"
    copy.write_bytes(database.read_bytes())
    return copy


def test_loader_lands_hubspot_as_the_connector_does(tmp_path: Path) -> None:
    folder = write_hubspot_export(tmp_path)
    database = tmp_path / "warehouse.duckdb"
    report = load_folder(folder, database)
    assert report.systems == ["hubspot"]
    assert any(note.startswith("system salesforce not landed") for note in report.info)
    assert report.rows_per_table["hubspot.contact"] == 4
    assert report.rows_per_table["hubspot.company"] == 0  # optional, no file: empty
    assert "salesforce.lead" not in report.rows_per_table
    # A contract column the export lacks: null, and a warning naming it.
    (warning,) = [w for w in report.warnings if w.startswith("hubspot.contact (")]
    assert "property_firstname" in warning and "property_hs_analytics_source" in warning
    with duckdb.connect(str(database), read_only=True) as connection:
        assert duckdb_landed_systems(connection) == ("hubspot",)
        rows = connection.execute(
            "select id, _fivetran_deleted, property_firstname, property_createdate, "
            "property_disqualification_reason, property_favorite_color "
            "from hubspot.contact order by id"
        ).fetchall()
        form = connection.execute("select formtype, createdat from hubspot.form").fetchone()
        tables = {
            schema
            for (schema,) in connection.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
    # Deleted rows stay in raw; types are the contract's; extra columns are kept as text.
    assert [row[0] for row in rows] == [101, 102, 103, 104]
    assert rows[3][1] is True
    assert rows[0][2] is None
    assert rows[0][3] == datetime(2026, 1, 5, 10)
    assert rows[2][4] == "Timing"
    assert rows[0][5] == "teal"
    # The form's camelCase headers land under the contract's names.
    assert form == ("HUBSPOT", datetime(2025, 12, 1))
    assert "salesforce" not in tables and "marketo" not in tables


def test_a_missing_optional_column_is_null_with_a_warning_naming_it(tmp_path: Path) -> None:
    columns = ["id", "property_email", "property_lifecyclestage", "_fivetran_synced"]
    folder = write_hubspot_export(tmp_path, contact_columns=columns)
    report = load_folder(folder, tmp_path / "warehouse.duckdb")
    (warning,) = [w for w in report.warnings if w.startswith("hubspot.contact (")]
    assert "property_hs_lead_status" in warning
    assert "property_disqualification_reason (custom field disqualification_reason" in warning
    assert "hubspot_contact_reason_property" in warning


def test_a_missing_key_column_is_an_error_naming_file_and_column(tmp_path: Path) -> None:
    folder = write_hubspot_export(tmp_path, contact_columns=["property_email", "_fivetran_synced"])
    database = tmp_path / "warehouse.duckdb"
    with pytest.raises(LoadError) as raised:
        load_folder(folder, database)
    message = str(raised.value)
    assert "contact.csv" in message and "key column 'id' is missing" in message
    assert not database.exists()


def test_a_folder_without_any_system_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    with pytest.raises(LoadError) as raised:
        load_folder(tmp_path / "exports", tmp_path / "warehouse.duckdb")
    assert "no source system to load" in str(raised.value)
    assert "hubspot/" in str(raised.value) and "salesforce/" in str(raised.value)


def test_hubspot_without_its_required_history_names_the_table(tmp_path: Path) -> None:
    folder = write_hubspot_export(tmp_path)
    (folder / "hubspot" / "contact_property_history.csv").unlink()
    with pytest.raises(LoadError) as raised:
        load_folder(folder, tmp_path / "warehouse.duckdb")
    assert "required tables are missing: hubspot.contact_property_history" in str(raised.value)
    assert "salesforce" not in str(raised.value).split("missing:")[1]


def test_the_status_map_gives_hubspot_fields_their_own_parameters() -> None:
    values = mapped_status_values()
    assert "marketingqualifiedlead" in values["hubspot_lifecyclestage_values"]
    assert "BAD_TIMING" in values["hubspot_hs_lead_status_values"]
    assert "closedwon" in values["hubspot_dealstage_values"]
    assert values["salesforce_status_values"] and values["marketo_lead_status_values"]


def test_clean_hubspot_only_warehouse_passes_with_no_salesforce_or_marketo_findings(
    hubspot_warehouse: Path, tmp_path: Path
) -> None:
    report = _gate(_copy(hubspot_warehouse, tmp_path))
    assert not report.not_passed, [o.describe() for o in report.not_passed]
    systems = {o.table.split(".")[0] for o in report.outcomes}
    assert systems == {"hubspot", "salesforce", "marketo"}
    others = [o for o in report.outcomes if not o.table.startswith("hubspot")]
    # One passing info line per system that isn't landed, nothing else about it.
    assert sorted((o.table, o.expectation, o.severity) for o in others) == [
        ("marketo", LANDED_LABEL, "info"),
        ("salesforce", LANDED_LABEL, "info"),
    ]
    by_system = {o.table: o.observed_value for o in others}
    assert by_system["salesforce"].startswith("system salesforce not landed: none of its")
    suites = {
        o.suite
        for o in report.outcomes
        if o.table.startswith("hubspot.") and o.expectation != VOLUME_LABEL
    }
    assert {"raw_hubspot__contact", "raw_hubspot__contact_property_history"} <= suites
    # Optional tables without a file are landed empty, and checked as such.
    assert {"raw_hubspot__deal_contact", "raw_hubspot__engagement"} <= suites
    contact = [o for o in report.outcomes if o.suite == "raw_hubspot__contact"]
    assert all(o.steward_name == "Ana Souza" for o in contact if o.steward_domain == "hubspot")
    volume = [o for o in report.outcomes if o.expectation == VOLUME_LABEL]
    assert {o.table for o in volume} >= {"hubspot.contact", "hubspot.engagement"}


def test_an_orphaned_history_row_names_table_column_and_rows(
    hubspot_warehouse: Path, tmp_path: Path
) -> None:
    report = _gate(
        _copy(hubspot_warehouse, tmp_path),
        "insert into hubspot.contact_property_history (contact_id, name, value, timestamp) "
        "values (555, 'lifecyclestage', 'lead', timestamp '2026-01-20 10:00:00')",
    )
    (orphan,) = [
        o
        for o in report.outcomes
        if o.table == "hubspot.contact_property_history"
        and o.column == "contact_id"
        and o.expectation.startswith("expect_column_values_to_be_null")
    ]
    assert orphan.status == FAILED and orphan.unexpected_count == 1
    assert "1 of 8 rows orphaned by contact_id" in orphan.observed_value
    assert orphan.severity == "critical" and report.blocks  # 12.5% > the 5% tolerated
    assert orphan.failing_sample[0]["missing_contact_id"] == "555"


def test_an_unmapped_lifecyclestage_names_table_column_and_value(
    hubspot_warehouse: Path, tmp_path: Path
) -> None:
    report = _gate(
        _copy(hubspot_warehouse, tmp_path),
        "update hubspot.contact set property_lifecyclestage = 'partner' where id = 102",
    )
    (unmapped,) = [
        o for o in report.outcomes if o.table == "hubspot.contact" and o.status == FAILED
    ]
    assert unmapped.column == "property_lifecyclestage"
    assert unmapped.observed_value == "1 of 3 rows unexpected"  # the deleted contact isn't read
    assert unmapped.steward_domain == "agreements" and report.blocks
    (sample,) = unmapped.failing_sample
    assert sample["id"] == "102" and sample["lifecyclestage"] == "partner"


def test_a_cleared_lifecyclestage_is_no_finding(hubspot_warehouse: Path, tmp_path: Path) -> None:
    report = _gate(
        _copy(hubspot_warehouse, tmp_path),
        "update hubspot.contact set property_lifecyclestage = '' where id = 101",
    )
    assert not report.not_passed


def test_an_absent_optional_table_of_a_landed_system_is_no_finding(
    hubspot_warehouse: Path, tmp_path: Path
) -> None:
    report = _gate(
        _copy(hubspot_warehouse, tmp_path),
        "drop table hubspot.engagement_contact",
        "drop table hubspot.engagement",
    )
    assert not report.not_passed, [o.describe() for o in report.not_passed]
    engagement = [o for o in report.outcomes if o.table == "hubspot.engagement"]
    assert [(o.expectation, o.observed_value) for o in engagement] == [
        (
            VOLUME_LABEL,
            "hubspot.engagement: 0 rows (table absent: read as empty), no published "
            "run to compare with (none in this test)",
        )
    ]


def test_a_landed_system_without_a_required_table_blocks(
    hubspot_warehouse: Path, tmp_path: Path
) -> None:
    database = _copy(hubspot_warehouse, tmp_path)
    report = _gate(database, "drop table hubspot.contact_property_history")
    (volume,) = [
        o
        for o in report.blocking
        if o.table == "hubspot.contact_property_history" and o.expectation == VOLUME_LABEL
    ]
    assert "required table is empty" in volume.observed_value


def test_salesforce_and_marketo_warehouse_has_no_hubspot_findings(tmp_path: Path) -> None:
    from orchestration.raw.generator import generate

    database = tmp_path / "sfmk.duckdb"
    generate(database, leads=150, seed=3, as_of=AS_OF)
    report = _gate(database)
    hubspot = [o for o in report.outcomes if o.table.startswith("hubspot")]
    assert [(o.table, o.expectation, o.status) for o in hubspot] == [
        ("hubspot", LANDED_LABEL, PASSED)
    ]
    assert not [o for o in report.not_passed if o.severity == "critical"]
