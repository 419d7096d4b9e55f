"""`funnel load`: real-looking connector exports in, clear errors and an untouched warehouse out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.contract import contract_tables
from orchestration.raw.generator import generate
from orchestration.raw.loader import LoadError, load_folder

AS_OF = datetime(2026, 11, 1)


def _camel(name: str) -> str:
    if name.startswith("_"):
        return name  # connector bookkeeping columns keep their names
    return "".join(part.capitalize() for part in name.split("_"))


@pytest.fixture(scope="module")
def source_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("source") / "funnel.duckdb"
    generate(database, leads=300, seed=11, as_of=AS_OF)
    return database


def export(source: Path, folder: Path, skip: tuple[str, ...] = ()) -> Path:
    """Exports the way connectors and Salesforce data loaders write them: CamelCase Salesforce
    headers, `... UTC` timestamps, a BOM on Marketo files, 200 custom fields on leads."""
    with duckdb.connect(str(source), read_only=True) as connection:
        for table in contract_tables():
            if table.qualified_name in skip:
                continue
            directory = folder / table.source
            directory.mkdir(parents=True, exist_ok=True)
            if table.source == "salesforce":
                columns = [f'"{c}" as "{_camel(c)}"' for c in table.column_names]
                name = _camel(table.name) + ".csv"
            else:
                columns = [f'"{c}"' for c in table.column_names]
                name = table.name + ".csv"
            if table.qualified_name == "salesforce.lead":
                columns += [f"'custom {i}' as \"Custom_Field_{i}__c\"" for i in range(200)]
            target = directory / name
            connection.execute(
                f'copy (select {", ".join(columns)} from {table.source}."{table.name}") '
                f"to '{target}' (header, timestampformat '%Y-%m-%d %H:%M:%S UTC')"
            )
            if table.source == "marketo":
                target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
    return folder


def _rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _snapshot(database: Path) -> dict[str, int]:
    names = _rows(
        database,
        "select table_schema || '.\"' || table_name || '\"' from information_schema.tables "
        "where table_schema in ('salesforce', 'marketo')",
    )
    return {name: _rows(database, f"select count(*) from {name}")[0][0] for (name,) in names}


def test_connector_exports_load_with_contract_types(source_warehouse: Path, tmp_path: Path) -> None:
    folder = export(source_warehouse, tmp_path / "exports", skip=("salesforce.event",))
    target = tmp_path / "warehouse" / "funnel.duckdb"
    report = load_folder(folder, target)
    expected = _rows(source_warehouse, 'select count(*) from salesforce."lead"')[0][0]
    assert report.rows_per_table["salesforce.lead"] == expected
    assert report.rows_per_table["salesforce.event"] == 0
    assert any("salesforce.event" in line for line in report.info)
    types = dict(
        _rows(
            target,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'salesforce' and table_name = 'lead'",
        )
    )
    assert types["created_date"] == "TIMESTAMP"
    assert types["is_converted"] == "BOOLEAN"
    assert types["custom_field_0_c"] == "VARCHAR", "extra columns are kept as text"
    # ` UTC` timestamps land as the same UTC instants as in the source.
    span = (
        "select date_trunc('second', min(created_date)), date_trunc('second', max(created_date)) "
        'from salesforce."lead"'
    )
    original = _rows(source_warehouse, span)
    loaded = _rows(target, span)
    assert loaded == original
    # the BOM did not leak into the first Marketo column name
    assert _rows(target, "select count(id) from marketo.lead")[0][0] > 0


def test_missing_non_key_column_is_null_with_a_warning(
    source_warehouse: Path, tmp_path: Path
) -> None:
    folder = export(source_warehouse, tmp_path / "exports")
    lead = folder / "marketo" / "lead.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * exclude (lead_score) from read_csv('{lead}', all_varchar=true)) "
            f"to '{lead}' (header)"
        )
    target = tmp_path / "warehouse.duckdb"
    report = load_folder(folder, target)
    assert any("marketo.lead" in w and "lead_score" in w for w in report.warnings)
    assert _rows(target, "select count(lead_score) from marketo.lead") == [(0,)]


@pytest.mark.parametrize(
    ("timestamp_text", "expected"),
    [
        ("2020-05-13 23:43:24.000", datetime(2020, 5, 13, 23, 43, 24)),
        ("2020-05-13 23:43:24 UTC", datetime(2020, 5, 13, 23, 43, 24)),
        ("2020-05-13T23:43:24Z", datetime(2020, 5, 13, 23, 43, 24)),
        ("2020-05-13T23:43:24+02:00", datetime(2020, 5, 13, 21, 43, 24)),
    ],
)
def test_timestamp_spellings_become_utc(
    source_warehouse: Path, tmp_path: Path, timestamp_text: str, expected: datetime
) -> None:
    folder = export(source_warehouse, tmp_path / "exports")
    (folder / "salesforce" / "UserRole.csv").write_text(
        f"Id,Name,ParentRoleId,_fivetran_synced\n00E000000000099AAA,Test,,{timestamp_text}\n"
    )
    target = tmp_path / "warehouse.duckdb"
    load_folder(folder, target)
    assert _rows(target, "select _fivetran_synced from salesforce.user_role") == [(expected,)]


def _broken_load_keeps_warehouse(source: Path, tmp_path: Path, break_it) -> LoadError:
    target = tmp_path / "warehouse.duckdb"
    load_folder(export(source, tmp_path / "good"), target)
    before = _snapshot(target)
    bad = export(source, tmp_path / "bad")
    break_it(bad)
    with pytest.raises(LoadError) as error:
        load_folder(bad, target)
    assert _snapshot(target) == before, "a failed load must leave the warehouse as it was"
    return error.value


def test_malformed_row_names_file_line_and_leaves_warehouse(
    source_warehouse: Path, tmp_path: Path
) -> None:
    def break_it(folder: Path) -> None:
        path = folder / "salesforce" / "Account.csv"
        lines = path.read_text().splitlines()
        lines.insert(3, "001000000009999AAA,Broken Row")  # too few fields on line 4
        path.write_text("\n".join(lines) + "\n")

    error = _broken_load_keeps_warehouse(source_warehouse, tmp_path, break_it)
    (problem,) = error.problems
    assert problem.file.endswith("Account.csv")
    assert problem.line == 4
    assert "malformed row" in str(error)


def test_unparsable_value_names_line_column_and_value(
    source_warehouse: Path, tmp_path: Path
) -> None:
    def break_it(folder: Path) -> None:
        path = folder / "salesforce" / "Opportunity.csv"
        lines = path.read_text().splitlines()
        header = lines[0].split(",")
        cells = lines[2].split(",")
        cells[header.index("Amount")] = "abc"
        lines[2] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n")

    error = _broken_load_keeps_warehouse(source_warehouse, tmp_path, break_it)
    (problem,) = error.problems
    assert (problem.line, problem.column, problem.value) == (3, "amount", "abc")
    assert "not a valid double" in str(problem)


def test_unterminated_quote_is_reported(source_warehouse: Path, tmp_path: Path) -> None:
    def break_it(folder: Path) -> None:
        path = folder / "salesforce" / "Contact.csv"
        lines = path.read_text().splitlines()
        lines[5] = lines[5].replace(",", ',"', 1)
        path.write_text("\n".join(lines) + "\n")

    error = _broken_load_keeps_warehouse(source_warehouse, tmp_path, break_it)
    assert error.problems[0].line == 6
    assert "never closed" in str(error)


def test_missing_required_tables_are_listed_together(
    source_warehouse: Path, tmp_path: Path
) -> None:
    folder = export(
        source_warehouse,
        tmp_path / "exports",
        skip=("salesforce.task", "marketo.activity_change_score"),
    )
    with pytest.raises(LoadError) as error:
        load_folder(folder, tmp_path / "warehouse.duckdb")
    message = str(error.value)
    assert "salesforce.task" in message
    assert "marketo.activity_change_score" in message
    assert (
        not (tmp_path / "warehouse.duckdb").exists()
        or _snapshot(tmp_path / "warehouse.duckdb") == {}
    )


def test_missing_key_column_is_an_error(source_warehouse: Path, tmp_path: Path) -> None:
    folder = export(source_warehouse, tmp_path / "exports")
    history = folder / "salesforce" / "LeadHistory.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * exclude (LeadId) from read_csv('{history}', all_varchar=true)) "
            f"to '{history}' (header)"
        )
    with pytest.raises(LoadError) as error:
        load_folder(folder, tmp_path / "warehouse.duckdb")
    (problem,) = error.value.problems
    assert problem.column == "lead_id"


def test_parquet_exports_load(source_warehouse: Path, tmp_path: Path) -> None:
    folder = export(source_warehouse, tmp_path / "exports")
    lead_csv = folder / "marketo" / "lead.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_csv('{lead_csv}')) "
            f"to '{folder / 'marketo' / 'lead.parquet'}'"
        )
    lead_csv.unlink()
    target = tmp_path / "warehouse.duckdb"
    report = load_folder(folder, target)
    expected = _rows(source_warehouse, "select count(*) from marketo.lead")[0][0]
    assert report.rows_per_table["marketo.lead"] == expected
