"""`funnel load`: real-looking connector exports in; clear errors and an untouched warehouse out.

The export folder is built by hand, a handful of rows per table with consistent ids, in the
spellings real exports use: CamelCase Salesforce API headers, a byte-order mark on Marketo files,
200 custom fields, `... UTC` / `T...Z` / offset timestamps, a gzip file, `;` and tab delimiters,
a quoted company name spanning two lines, an absent and an empty optional table.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.raw import contract
from orchestration.raw.contract import contract_table
from orchestration.raw.loader import LoadError, load_folder, snake_case


def sfid(prefix: str, number: int) -> str:
    """An 18-character Salesforce id."""
    return f"{prefix}{number:015d}"


USERS = [sfid("005", 1), sfid("005", 2)]
ACCOUNTS = [sfid("001", 1), sfid("001", 2)]
LEADS = [sfid("00Q", 1), sfid("00Q", 2), sfid("00Q", 3)]
OPPORTUNITIES = [sfid("006", 1), sfid("006", 2)]
CUSTOM_FIELDS = 200

# Contract-spelled rows; the writer picks the header spelling. Unlisted contract columns are
# written as empty cells (null), so the only missing column is the one a test drops.
ROWS: dict[str, list[dict[str, str]]] = {
    "salesforce.user": [
        {
            "id": USERS[0],
            "name": "Ada Rep",
            "is_active": "true",
            "created_date": "2020-01-02 09:00:00 UTC",
            "time_zone_sid_key": "America/New_York",
        },
        {
            "id": USERS[1],
            "name": "Bo Manager",
            "is_active": "False",
            "created_date": "2020-01-02 09:00:00 UTC",
            "time_zone_sid_key": "Europe/Berlin",
        },
    ],
    "salesforce.user_role": [{"id": sfid("00E", 1), "name": "Sales"}],
    "salesforce.account": [
        {
            "id": ACCOUNTS[0],
            "name": "Acme, Inc.",
            "number_of_employees": "250",
            "annual_revenue": "1500000.50",
            "created_date": "2020-02-01T10:00:00Z",
            "last_modified_date": "2020-02-03T10:00:00.000+0000",
            "is_deleted": "false",
        },
        {
            "id": ACCOUNTS[1],
            "name": "Globex",
            "number_of_employees": "",
            "created_date": "2020-02-01T10:00:00Z",
            "is_deleted": "false",
        },
    ],
    "salesforce.contact": [
        {
            "id": sfid("003", 1),
            "account_id": ACCOUNTS[0],
            "email": "c1@acme.test",
            "created_date": "2020-03-01 08:00:00.000",
            "is_deleted": "0",
        },
    ],
    "salesforce.lead": [
        {
            "id": LEADS[0],
            "email": "l1@globex.test",
            "company": "Globex\nEMEA",
            "is_converted": "TRUE",
            "converted_date": "2020-04-01",
            "created_date": "2020-03-05 12:30:00 UTC",
        },
        {
            "id": LEADS[1],
            "email": "l2@initech.test",
            "company": "Initech",
            "is_converted": "f",
            "number_of_employees": "40",
            "created_date": "2020-03-06 08:15:00 UTC",
        },
        {
            "id": LEADS[2],
            "email": "l3@umbrella.test",
            "company": "Umbrella",
            "is_converted": "no",
            "created_date": "2020-03-07 17:45:30 UTC",
        },
    ],
    "salesforce.lead_history": [
        {
            "id": sfid("017", n),
            "lead_id": LEADS[0],
            "field": "Status",
            "old_value": "Open",
            "new_value": f"Step {n}",
            "created_date": f"2020-03-0{5 + n} 09:00:00 UTC",
        }
        for n in (1, 2, 3)
    ],
    "salesforce.opportunity": [
        {
            "id": OPPORTUNITIES[0],
            "account_id": ACCOUNTS[0],
            "amount": "12000",
            "probability": "0.9",
            "close_date": "2020-06-30",
            "is_closed": "1",
            "is_won": "yes",
            "created_date": "2020-04-01 10:00:00.000",
        },
        {
            "id": OPPORTUNITIES[1],
            "account_id": ACCOUNTS[1],
            "amount": "8000.5",
            "close_date": "2020-07-15",
            "is_closed": "0",
            "is_won": "No",
            "created_date": "2020-04-02 10:00:00.000",
        },
    ],
    "salesforce.opportunity_history": [
        {
            "id": sfid("008", n),
            "opportunity_id": OPPORTUNITIES[0],
            "stage_name": stage,
            "amount": "12000",
            "created_date": f"2020-04-0{n} 10:00:00",
        }
        for n, stage in ((1, "Discovery"), (2, "Closed Won"))
    ],
    "salesforce.task": [
        {
            "id": sfid("00T", 1),
            "who_id": LEADS[1],
            "owner_id": USERS[0],
            "type": "Call",
            "activity_date": "2020-03-06",
            "created_date": "2020-03-06T09:00:00Z",
            "is_closed": "true",
        },
    ],
    "marketo.lead": [
        {
            "id": str(1000 + n),
            "email": email,
            "sfdc_lead_id": LEADS[n],
            "unsubscribed": "false",
            "created_at": "2020-03-05T12:30:00Z",
        }
        for n, email in enumerate(("l1@globex.test", "l2@initech.test", "l3@umbrella.test"))
    ],
    "marketo.activity_change_score": [
        {
            "id": str(5000 + n),
            "lead_id": str(1000 + n),
            "activity_date": "2020-03-06T14:00:00+02:00",
            "change_value": "+10",
            "old_value": "0",
            "new_value": "10",
        }
        for n in range(3)
    ],
    "marketo.activity_change_data_value": [
        {
            "id": "6001",
            "lead_id": "1000",
            "activity_date": "2020-03-07 10:00:00",
            "primary_attribute_value": "Lead Status",
            "old_value": "New",
            "new_value": "MQL",
        },
    ],
    "marketo.program": [{"id": "77", "name": "Webinar; Q2", "created_at": "2020-01-01 00:00:00"}],
}

# File name, header spelling, delimiter, BOM, gzip: one of each convention seen in the wild.
FILES = {
    "salesforce.user": "User.csv",
    "salesforce.user_role": "UserRole.csv",
    "salesforce.account": "Account.csv",
    "salesforce.contact": "Contact.csv",
    "salesforce.lead": "Lead.csv",
    "salesforce.lead_history": "LeadHistory.csv",
    "salesforce.opportunity": "Opportunity.csv",
    "salesforce.opportunity_history": "opportunity_history.CSV",
    "salesforce.task": "Task.csv",
    "marketo.lead": "lead.csv",
    "marketo.activity_change_score": "activity_change_score.csv",
    "marketo.activity_change_data_value": "ActivityChangeDataValue.csv.gz",
    "marketo.program": "program.csv",
}
DELIMITERS = {"salesforce.user_role": "\t", "marketo.program": ";"}


def camel(name: str) -> str:
    """Salesforce API spelling: `last_modified_date` -> `LastModifiedDate`."""
    return name if name.startswith("_") else "".join(p.capitalize() for p in name.split("_"))


def header_spelling(table: str, column: str) -> str:
    if table == "salesforce.opportunity_history" and not column.startswith("_"):
        return f" {column.upper().replace('_', ' ')} "  # ` CREATED DATE `: case and whitespace
    return camel(column) if table.startswith("salesforce.") else column


def write_export(folder: Path, drop: dict[str, list[str]] | None = None) -> Path:
    """The realistic export; `drop` removes columns from a table's file."""
    drop = drop or {}
    for table, rows in ROWS.items():
        source, name = table.split(".")
        columns = [
            c for c in contract_table(source, name).column_names if c not in drop.get(table, [])
        ]
        header = [header_spelling(table, c) for c in columns]
        cells = [[row.get(c, "") for c in columns] for row in rows]
        if table == "salesforce.lead":
            header += [f"Custom_Field_{i}__c" for i in range(CUSTOM_FIELDS)]
            cells = [line + [f"v{i}" for i in range(CUSTOM_FIELDS)] for line in cells]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=DELIMITERS.get(table, ","), lineterminator="\n").writerows(
            [header, *cells]
        )
        data = ("\ufeff" if source == "marketo" else "") + buffer.getvalue()
        path = folder / source / FILES[table]
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(".gz"):
            path.write_bytes(gzip.compress(data.encode()))
        else:
            path.write_text(data, encoding="utf-8")
    (folder / "salesforce" / "Campaign.csv").write_bytes(b"")  # empty optional file
    campaign_member = contract_table("salesforce", "campaign_member").column_names
    (folder / "salesforce" / "CampaignMember.csv").write_text(
        ",".join(map(camel, campaign_member)) + "\n"
    )
    return folder  # salesforce.event and most Marketo activity tables are absent (optional)


def rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        return connection.execute(sql).fetchall()


def column_types(database: Path, schema: str, table: str) -> dict[str, str]:
    return dict(
        rows(
            database,
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{table}' order by ordinal_position",
        )
    )


def snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every raw table's full contents."""
    names = rows(
        database,
        "select table_schema || '.\"' || table_name || '\"' from information_schema.tables "
        "where table_schema in ('salesforce', 'marketo')",
    )
    return {name: sorted(map(repr, rows(database, f"select * from {name}"))) for (name,) in names}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "export")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "funnel.duckdb"


@pytest.mark.parametrize(
    ("spelling", "contract_name"),
    [
        ("Id", "id"),
        ("LastModifiedDate", "last_modified_date"),
        ("IsDeleted", "is_deleted"),
        ("Foo__c", "foo_c"),
        (" Lead Score ", "lead_score"),
        ("sfdcLeadId", "sfdc_lead_id"),
        ("_fivetran_synced", "_fivetran_synced"),
        ("OpportunityHistory", "opportunity_history"),
        ("opportunity_history", "opportunity_history"),
    ],
)
def test_header_and_file_names_normalise_to_contract_spelling(
    spelling: str, contract_name: str
) -> None:
    assert snake_case(spelling) == contract_name


def test_realistic_export_loads_with_contract_types(export: Path, database: Path) -> None:
    report = load_folder(export, database)

    assert report.rows_per_table["salesforce.lead"] == 3
    assert report.rows_per_table["salesforce.opportunity_history"] == 2
    assert report.rows_per_table["marketo.activity_change_score"] == 3
    assert report.rows_per_table["marketo.activity_change_data_value"] == 1  # from .csv.gz
    assert report.rows_per_table["salesforce.user_role"] == 1  # tab-delimited
    lead_types = column_types(database, "salesforce", "lead")
    contract_columns = contract_table("salesforce", "lead").column_names
    assert tuple(lead_types)[: len(contract_columns)] == contract_columns
    assert lead_types["created_date"] == "TIMESTAMP"
    assert lead_types["converted_date"] == "DATE"
    assert lead_types["is_converted"] == "BOOLEAN"
    assert lead_types["number_of_employees"] == "INTEGER"
    extras = tuple(lead_types)[len(contract_columns) :]
    assert len(extras) == CUSTOM_FIELDS, "custom fields are kept after the contract columns"
    assert extras[0] == "custom_field_0_c" and set(lead_types[c] for c in extras) == {"VARCHAR"}
    assert column_types(database, "marketo", "lead")["id"] == "BIGINT"  # BOM didn't stick to it

    assert rows(
        database,
        "select company, is_converted, converted_date, number_of_employees, custom_field_199_c "
        'from salesforce."lead" order by id',
    ) == [
        ("Globex\nEMEA", True, date(2020, 4, 1), None, "v199"),
        ("Initech", False, None, 40, "v199"),
        ("Umbrella", False, None, None, "v199"),
    ]
    assert rows(
        database, "select name, amount, is_closed, is_won from salesforce.opportunity order by id"
    ) == [(None, 12000.0, True, True), (None, 8000.5, False, False)]
    assert rows(database, "select name from marketo.program") == [("Webinar; Q2",)]
    assert rows(database, "select count(*) from salesforce.account where name = 'Acme, Inc.'") == [
        (1,)
    ]


def test_absent_and_empty_optional_tables_are_empty_contract_tables(
    export: Path, database: Path
) -> None:
    report = load_folder(export, database)

    for name in ("event", "campaign", "campaign_member"):
        assert report.rows_per_table[f"salesforce.{name}"] == 0
        table = contract_table("salesforce", name)
        assert tuple(column_types(database, "salesforce", name)) == table.column_names
        assert any(f"salesforce.{name}" in line for line in report.info)
    assert report.rows_per_table["marketo.activity_fill_out_form"] == 0
    assert report.warnings == [], "a clean export loads without warnings"
    assert not any("bookkeeping" in line for line in report.info)


TIMESTAMP_SPELLINGS = {
    "2020-05-13 23:43:24.000": datetime(2020, 5, 13, 23, 43, 24),
    "2020-05-13 23:43:24 UTC": datetime(2020, 5, 13, 23, 43, 24),
    "2020-05-13T23:43:24Z": datetime(2020, 5, 13, 23, 43, 24),
    "2020-05-13T23:43:24.000+0000": datetime(2020, 5, 13, 23, 43, 24),
    "2020-05-13 23:43:24.000 +0000": datetime(2020, 5, 13, 23, 43, 24),
    " 2020-05-13 23:43:24.000 UTC ": datetime(2020, 5, 13, 23, 43, 24),
    "2020-05-13T23:43:24+02:00": datetime(2020, 5, 13, 21, 43, 24),
    "2020-05-13T20:43:24-05:00": datetime(2020, 5, 14, 1, 43, 24),
    "2020-05-13": datetime(2020, 5, 13),
}


def test_timestamp_spellings_become_utc_instants(export: Path, database: Path) -> None:
    lines = [f"r{n},{spelling}" for n, spelling in enumerate(TIMESTAMP_SPELLINGS)]
    (export / "salesforce" / "UserRole.csv").write_text("\n".join(["Id,_fivetran_synced", *lines]))
    load_folder(export, database)
    loaded = rows(database, "select _fivetran_synced from salesforce.user_role order by id")
    assert [instant for (instant,) in loaded] == list(TIMESTAMP_SPELLINGS.values())


def test_fixture_timestamps_land_as_utc(export: Path, database: Path) -> None:
    load_folder(export, database)
    assert rows(database, "select min(activity_date) from marketo.activity_change_score") == [
        (datetime(2020, 3, 6, 12, 0),)  # 14:00+02:00
    ]
    assert rows(database, 'select min(created_date) from salesforce."lead"') == [
        (datetime(2020, 3, 5, 12, 30),)  # ' UTC'
    ]
    assert rows(
        database, "select last_modified_date from salesforce.account where name like 'Acme%'"
    ) == [
        (datetime(2020, 2, 3, 10, 0),)  # .000+0000
    ]


def test_missing_non_key_column_is_null_with_a_warning(tmp_path: Path, database: Path) -> None:
    export = write_export(tmp_path / "export", drop={"marketo.lead": ["lead_score"]})
    report = load_folder(export, database)
    (warning,) = report.warnings
    assert "marketo.lead" in warning and "lead_score" in warning
    assert column_types(database, "marketo", "lead")["lead_score"] == "INTEGER"
    assert rows(database, "select count(*), count(lead_score) from marketo.lead") == [(3, 0)]


def test_missing_connector_bookkeeping_columns_are_not_a_warning(
    tmp_path: Path, database: Path
) -> None:
    drop = {"salesforce.task": ["_fivetran_synced", "_fivetran_deleted"]}
    report = load_folder(write_export(tmp_path / "export", drop=drop), database)
    assert report.warnings == []
    assert any("salesforce.task" in line and "_fivetran_synced" in line for line in report.info)


def failed_load(tmp_path: Path, break_export: Callable[[Path], None]) -> LoadError:
    """Load a good export, then a broken one: the error, after checking nothing changed."""
    database = tmp_path / "warehouse" / "funnel.duckdb"
    load_folder(write_export(tmp_path / "good"), database)
    before = snapshot(database)
    bad = write_export(tmp_path / "bad")
    break_export(bad)
    with pytest.raises(LoadError) as raised:
        load_folder(bad, database)
    assert snapshot(database) == before, "a failed load leaves the warehouse as it was"
    return raised.value


def edit_lines(path: Path, edit: Callable[[list[str]], None]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    edit(lines)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_malformed_row_names_file_line_and_column(tmp_path: Path) -> None:
    # Lead.csv: header (line 1), the two-line Globex record (lines 2-3), Initech (line 4).
    def too_few_fields(lines: list[str]) -> None:
        lines[3] = f"{LEADS[1]},l2@initech.test"

    error = failed_load(
        tmp_path, lambda bad: edit_lines(bad / "salesforce/Lead.csv", too_few_fields)
    )
    (problem,) = error.problems
    assert problem.file.endswith("Lead.csv")
    assert (problem.line, problem.column) == (4, "first_name")
    assert "Lead.csv, line 4, column first_name: malformed row" in str(error)


def test_unterminated_quote_names_its_line(tmp_path: Path) -> None:
    def open_quote(lines: list[str]) -> None:
        lines[2] = lines[2].replace("Bo Manager", '"Bo Manager')

    error = failed_load(tmp_path, lambda bad: edit_lines(bad / "salesforce/User.csv", open_quote))
    (problem,) = error.problems
    assert problem.file.endswith("User.csv") and problem.line == 3
    assert "never closed" in problem.message


def test_unparsable_values_name_line_column_and_value(tmp_path: Path) -> None:
    def break_values(bad: Path) -> None:
        def in_lead(lines: list[str]) -> None:  # line 5 = Umbrella, after the two-line record
            lines[4] = lines[4].replace("2020-03-07 17:45:30 UTC", "2020-13-45")

        def in_opportunity(lines: list[str]) -> None:
            lines[1] = lines[1].replace(",12000,", ",abc,")

        edit_lines(bad / "salesforce/Lead.csv", in_lead)
        edit_lines(bad / "salesforce/Opportunity.csv", in_opportunity)

    error = failed_load(tmp_path, break_values)
    found = {(Path(p.file).name, p.line, p.column, p.value) for p in error.problems}
    assert found == {
        ("Lead.csv", 5, "created_date", "2020-13-45"),
        ("Opportunity.csv", 2, "amount", "abc"),
    }
    assert "Opportunity.csv, line 2, column amount: not a valid double (value 'abc')" in str(error)


def test_many_bad_values_are_capped_per_file(export: Path, database: Path) -> None:
    history = export / "salesforce" / "LeadHistory.csv"
    header = history.read_text().splitlines()[0]
    bad_rows = [f"{sfid('017', n)},{LEADS[0]},Status,,,,not-a-date" for n in range(30)]
    history.write_text("\n".join([header, *bad_rows]) + "\n")
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    assert len(raised.value.problems) == 21
    assert "and 10 more" in str(raised.value.problems[-1])


def test_two_files_for_one_table_is_an_error_naming_both(export: Path, database: Path) -> None:
    (export / "Salesforce").mkdir()  # a second spelling of the folder, on a case-sensitive disk
    (export / "Salesforce" / "task.csv.gz").write_bytes(
        gzip.compress((export / "salesforce" / "Task.csv").read_bytes())
    )
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    (problem,) = raised.value.problems
    assert "salesforce.task" in str(problem)
    assert "Task.csv" in str(problem) and "task.csv.gz" in str(problem)


def test_literal_quote_inside_a_field_is_text(export: Path, database: Path) -> None:
    edit_lines(
        export / "salesforce" / "User.csv",
        lambda lines: lines.__setitem__(1, lines[1].replace("Ada Rep", 'Ada 24" Rep')),
    )
    load_folder(export, database)
    assert rows(database, 'select name from salesforce."user" order by id') == [
        ('Ada 24" Rep',),
        ("Bo Manager",),
    ]


def test_bytes_that_are_not_utf8_name_their_line(export: Path, database: Path) -> None:
    user = export / "salesforce" / "User.csv"
    user.write_bytes(user.read_bytes().replace(b"Bo Manager", b"Bo Mana\xe7er"))  # Latin-1
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    (problem,) = raised.value.problems
    assert problem.file.endswith("User.csv") and problem.line == 3
    assert "utf-8" in problem.message.lower()


def test_missing_required_tables_are_one_error(export: Path, database: Path) -> None:
    (export / "salesforce" / "Task.csv").unlink()
    (export / "marketo" / "activity_change_score.csv").unlink()
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    (problem,) = raised.value.problems
    assert "salesforce.task" in problem.message
    assert "marketo.activity_change_score" in problem.message
    assert not database.exists(), "nothing is created by a failed load"


def test_missing_key_column_is_an_error(tmp_path: Path, database: Path) -> None:
    export = write_export(tmp_path / "export", drop={"salesforce.lead_history": ["lead_id"]})
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    (problem,) = raised.value.problems
    assert problem.file.endswith("LeadHistory.csv") and problem.column == "lead_id"


def test_corrupt_file_is_a_load_error(export: Path, database: Path) -> None:
    (export / "marketo" / "ActivityChangeDataValue.csv.gz").write_bytes(b"\x1f\x8bnot gzip")
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    (problem,) = raised.value.problems
    assert problem.file.endswith("ActivityChangeDataValue.csv.gz") and "unreadable" in str(problem)


def test_parquet_exports_load(export: Path, database: Path) -> None:
    with duckdb.connect() as connection:
        for source, name in (("marketo", "lead.csv"), ("salesforce", "Opportunity.csv")):
            csv_file = export / source / name
            connection.execute(  # typed columns, as a connector's Parquet export has them
                f"copy (select * from read_csv('{csv_file}')) "
                f"to '{csv_file.with_suffix('.parquet')}'"
            )
            csv_file.unlink()
    load_folder(export, database)
    assert rows(database, "select count(*), min(created_at) from marketo.lead") == [
        (3, datetime(2020, 3, 5, 12, 30))
    ]
    assert rows(database, "select sum(amount) from salesforce.opportunity") == [(20000.5,)]
    assert column_types(database, "salesforce", "opportunity")["close_date"] == "DATE"


def test_bad_parquet_value_names_the_row(export: Path, database: Path) -> None:
    parquet = export / "marketo" / "lead.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            "copy (from (values ('1000', 'soon'), ('x1', '2020-01-01')) as t(id, created_at)) "
            f"to '{parquet}'"
        )
    (export / "marketo" / "lead.csv").unlink()
    with pytest.raises(LoadError) as raised:
        load_folder(export, database)
    assert {(p.line, p.column, p.value) for p in raised.value.problems} == {
        (1, "created_at", "soon"),
        (2, "id", "x1"),
    }
    assert "lead.parquet, row 1, column created_at" in str(raised.value)


# ---- the org's custom fields: read under the field the var names -----------------------------

ORG_FIELD = "Rejection_Reason__c"


@pytest.fixture
def org_reason_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """An org whose lead reason custom field is `Rejection_Reason__c`."""
    configured = {**contract.project_vars(), "salesforce_lead_reason_field": ORG_FIELD}
    monkeypatch.setattr(contract, "project_vars", lambda: configured)


def with_lead_column(export: Path, header: str, values: list[str]) -> Path:
    """Lead.csv with its reason column (written under the contract name) renamed `header`."""
    path = export / "salesforce" / FILES["salesforce.lead"]
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    position = lines[0].index(camel("disqualification_reason_c"))
    lines[0][position] = header
    for line, value in zip(lines[1:], values, strict=True):
        line[position] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)
    return export


@pytest.mark.parametrize("header", [ORG_FIELD, "rejection_reason_c"])
def test_a_renamed_custom_field_loads_under_its_landed_name_typed(
    org_reason_field: None, header: str, tmp_path: Path, database: Path
) -> None:
    export = with_lead_column(
        write_export(tmp_path / "export"), header, ["No budget", "", "Duplicate"]
    )
    report = load_folder(export, database)
    assert not [w for w in report.warnings if "salesforce.lead " in w], report.warnings
    types = column_types(database, "salesforce", "lead")
    assert types["rejection_reason_c"] == "VARCHAR"
    assert "disqualification_reason_c" not in types
    assert rows(database, 'select id, rejection_reason_c from salesforce."lead" order by id') == [
        (LEADS[0], "No budget"),
        (LEADS[1], None),
        (LEADS[2], "Duplicate"),
    ]


def test_a_missing_custom_field_is_null_with_a_warning_naming_field_and_var(
    org_reason_field: None, tmp_path: Path, database: Path
) -> None:
    # The export still has the column under another org's name: an extra column, not the field.
    export = write_export(tmp_path / "export")
    report = load_folder(export, database)
    (warning,) = [w for w in report.warnings if w.startswith("salesforce.lead ")]
    assert (
        "rejection_reason_c (custom field Rejection_Reason__c, set by the "
        "salesforce_lead_reason_field var): loaded as null"
    ) in warning
    assert column_types(database, "salesforce", "lead")["rejection_reason_c"] == "VARCHAR"
    assert rows(database, 'select count(*), count(rejection_reason_c) from salesforce."lead"') == [
        (3, 0)
    ]
