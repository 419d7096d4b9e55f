"""Read one export file into a temporary all-text table with normalised column names and a record
number per row, reporting malformed rows (with the line a user sees) instead of failing on them."""

from __future__ import annotations

import codecs
import csv
import gzip
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from orchestration.raw.loader.discovery import TableFile, snake_case
from orchestration.raw.loader.lines import (
    has_unbalanced_quotes,
    open_binary,
    record_lines,
    unclosed_quote_line,
)
from orchestration.raw.loader.problems import LoadProblem

MAX_PROBLEMS_PER_FILE = 20
RECORD_COLUMN = "__record_number"  # 1 = first data record (CSV) / first row (Parquet)
DELIMITERS = (",", ";", "\t", "|")
MAX_HEADER_BYTES = 16 << 20  # a header longer than this is not a header
_READ_ERRORS = (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error, csv.Error)


@dataclass
class StagedFile:
    item: TableFile
    temp_table: str
    columns: list[str] = field(default_factory=list)  # normalised names in file order; [] = empty
    rows: int = 0
    problems: list[LoadProblem] = field(default_factory=list)
    delimiter: str | None = None  # None for Parquet

    @property
    def file(self) -> str:
        return str(self.item.path)

    def lines(self, records: Iterable[int]) -> dict[int, int]:
        """Record number -> line number in the file (header = 1); Parquet: the row number."""
        records = set(records)
        if self.delimiter is None:
            return {record: record for record in records}
        found = record_lines(self.item.path, self.delimiter, records, count_blank=False)
        return {record: found.get(record, record + 1) for record in records}

    def problem(
        self,
        message: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> LoadProblem:
        unit = "row" if self.item.is_parquet else "line"
        return LoadProblem(self.file, message, line, column, value, line_unit=unit)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_error_line(error: duckdb.Error) -> str:
    return str(error).strip().splitlines()[0]


def _read_header(staged: StagedFile) -> list[str] | None:
    """Header cells, setting the staged file's delimiter; None for an empty file."""
    # Only the header line is decoded here: an encoding error further down is DuckDB's to
    # report, with its line number.
    with open_binary(staged.item.path) as handle:
        first_bytes = handle.readline(MAX_HEADER_BYTES)
        if not first_bytes.removeprefix(codecs.BOM_UTF8).strip():
            if handle.read(1 << 16).strip():
                staged.problems.append(
                    staged.problem("the first line is blank; it must be the header", line=1)
                )
            return None
    try:
        first_line = first_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        staged.problems.append(
            staged.problem(
                f"the header is not UTF-8 text (byte {first_bytes[error.start]:#04x}); "
                "export the file as UTF-8",
                line=1,
            )
        )
        return None
    delimiter = max(DELIMITERS, key=first_line.count)
    staged.delimiter = delimiter
    return next(csv.reader([first_line.rstrip("\r\n")], delimiter=delimiter))


def contract_spelling(cell: str, contract_names: set[str]) -> str:
    """The contract column a header cell means: its snake case (`LastModifiedDate` ->
    `last_modified_date`), or, when the contract spells a column as the connector lands a
    camelCase name in a case-insensitive warehouse (a form's `createdAt` -> `createdat`),
    that spelling."""
    name = snake_case(cell)
    if name in contract_names:
        return name
    folded = re.sub(r"[^0-9a-z]+", "_", cell.strip().lower()).strip("_")
    return folded if folded in contract_names else name


def _normalise(staged: StagedFile, header: list[str]) -> list[str]:
    """Contract spelling for each header cell; empty cells (a trailing delimiter) are kept as
    `unnamed_<position>`; two cells meaning the same column are an error."""
    contract_names = {column.landed_name for column in staged.item.table.columns}
    names = [
        contract_spelling(cell, contract_names) or f"unnamed_{index}"
        for index, cell in enumerate(header, 1)
    ]
    seen: dict[str, str] = {}
    for original, name in zip(header, names, strict=True):
        if name in seen:
            staged.problems.append(
                staged.problem(
                    f"headers {seen[name]!r} and {original!r} both mean column {name!r}",
                    line=1,
                    column=name,
                )
            )
        seen[name] = original
    return names


def stage_csv(
    connection: duckdb.DuckDBPyConnection, item: TableFile, temp_table: str
) -> StagedFile:
    staged = StagedFile(item, temp_table)
    try:
        header = _read_header(staged)
        if header is None:
            return staged
        staged.columns = _normalise(staged, header)
        if staged.problems:
            return staged
        assert staged.delimiter is not None
        if has_unbalanced_quotes(item.path):
            line = unclosed_quote_line(item.path, staged.delimiter)
            if line is not None:
                staged.problems.append(
                    staged.problem(
                        "a quoted field is never closed (it would swallow the rest of the file)",
                        line=line,
                    )
                )
                return staged
    except _READ_ERRORS as error:
        staged.problems.append(staged.problem(f"unreadable: {error}"))
        return staged

    columns = "{" + ", ".join(f"{sql_string(n)}: 'VARCHAR'" for n in staged.columns) + "}"
    rejects = f"{temp_table}_rejects"
    try:
        # parallel = false keeps row_number() in file order; preserve_insertion_order is on.
        connection.execute(
            f"""
            create temp table {temp_table} as
            select *, row_number() over () as {RECORD_COLUMN}
            from read_csv(
                {sql_string(staged.file)}, header = true, auto_detect = false,
                columns = {columns}, delim = {sql_string(staged.delimiter)}, quote = '"',
                escape = '"', strict_mode = true, store_rejects = true,
                rejects_table = '{rejects}', rejects_scan = '{rejects}_scan',
                parallel = false, encoding = 'utf-8'
            )
            """
        )
    except duckdb.Error as error:
        staged.problems.append(staged.problem(f"unreadable: {_first_error_line(error)}"))
        return staged
    _report_rejects(connection, staged, rejects)
    (rows,) = connection.execute(f"select count(*) from {temp_table}").fetchone() or (0,)
    staged.rows = int(rows)
    return staged


def _report_rejects(
    connection: duckdb.DuckDBPyConnection, staged: StagedFile, rejects: str
) -> None:
    rejected = connection.execute(
        f"""
        select line, arg_min(column_name, column_idx), arg_min(error_type, column_idx),
            arg_min(error_message, column_idx), arg_min(csv_line, column_idx),
            count(*) over ()
        from {rejects}
        group by line
        order by line
        limit {MAX_PROBLEMS_PER_FILE}
        """
    ).fetchall()
    if not rejected:
        return
    assert staged.delimiter is not None
    # DuckDB's `line` is 1 + the record number, counting blank lines as records.
    records = {int(row[0]) - 1 for row in rejected}
    lines = record_lines(staged.item.path, staged.delimiter, records, count_blank=True)
    for line, column, error_type, message, text, _ in rejected:
        staged.problems.append(
            staged.problem(
                f"malformed row, {str(error_type).lower()}: {message}",
                line=lines.get(int(line) - 1, int(line)),
                column=column,
                value=str(text)[:200],
            )
        )
    total = int(rejected[0][5])
    if total > MAX_PROBLEMS_PER_FILE:
        staged.problems.append(
            staged.problem(f"... and {total - MAX_PROBLEMS_PER_FILE} more malformed rows")
        )


def stage_parquet(
    connection: duckdb.DuckDBPyConnection, item: TableFile, temp_table: str
) -> StagedFile:
    staged = StagedFile(item, temp_table)
    source = f"read_parquet({sql_string(staged.file)}, file_row_number = true)"
    try:
        described = connection.execute(
            f"describe select * exclude (file_row_number) from {source}"
        ).fetchall()
        originals = [str(row[0]) for row in described]
        staged.columns = _normalise(staged, originals)
        if staged.problems:
            return staged
        select = ", ".join(
            f"cast({quoted(original)} as varchar) as {quoted(name)}"
            for original, name in zip(originals, staged.columns, strict=True)
        )
        connection.execute(
            f"create temp table {temp_table} as "
            f"select {select}, file_row_number + 1 as {RECORD_COLUMN} from {source}"
        )
    except duckdb.Error as error:
        staged.problems.append(staged.problem(f"unreadable: {_first_error_line(error)}"))
        return staged
    (rows,) = connection.execute(f"select count(*) from {temp_table}").fetchone() or (0,)
    staged.rows = int(rows)
    return staged
