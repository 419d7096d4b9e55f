"""Read one export file into a temporary all-text table, with normalised column names and a
line number per record, reporting malformed rows instead of failing on them."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.raw.loader.discovery import TableFile, snake_case
from orchestration.raw.loader.problems import LoadProblem

MAX_PROBLEMS_PER_FILE = 20
LINE_COLUMN = "__source_line"


@dataclass
class StagedFile:
    temp_table: str
    columns: list[str]  # normalised names, in file order
    rows: int
    problems: list[LoadProblem]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _read_header(path: Path) -> tuple[list[str], str] | None:
    """Header names and delimiter; None for an empty file."""
    with _open_text(path) as handle:
        sample = handle.read(64 * 1024)
    if not sample.strip():
        return None
    first_line = sample.splitlines()[0]
    delimiter = max((",", ";", "\t", "|"), key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter))
    return header, delimiter


def _has_unbalanced_quotes(path: Path) -> bool:
    count = 0
    with gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb") as raw:
        while chunk := raw.read(1 << 24):
            count += chunk.count(b'"')
    return count % 2 == 1


def _locate_unterminated_quote(path: Path) -> int:
    """Line where the quoted field that never closes starts (rare path: reads the file)."""
    line = 1
    inside = False
    start = 1
    with _open_text(path) as handle:
        for text_line in handle:
            for char in text_line:
                if char == '"':
                    if not inside:
                        start = line
                    inside = not inside
            line += 1
    return start


def _normalised(header: list[str], file: str) -> tuple[list[str], list[LoadProblem]]:
    names = [snake_case(name) for name in header]
    problems = []
    seen: dict[str, str] = {}
    for original, name in zip(header, names, strict=True):
        if not name:
            problems.append(LoadProblem(file, "a header cell is empty", line=1))
        elif name in seen:
            problems.append(
                LoadProblem(
                    file,
                    f"headers {seen[name]!r} and {original!r} both mean column {name!r}",
                    line=1,
                )
            )
        seen[name] = original
    return names, problems


def stage_csv(
    connection: duckdb.DuckDBPyConnection, item: TableFile, temp_table: str
) -> StagedFile:
    file = str(item.path)
    try:
        header_and_delimiter = _read_header(item.path)
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as error:
        return StagedFile(temp_table, [], 0, [LoadProblem(file, f"unreadable: {error}")])
    if header_and_delimiter is None:
        return StagedFile(temp_table, [], 0, [])
    header, delimiter = header_and_delimiter
    names, problems = _normalised(header, file)
    if problems:
        return StagedFile(temp_table, names, 0, problems)
    if _has_unbalanced_quotes(item.path):
        line = _locate_unterminated_quote(item.path)
        return StagedFile(
            temp_table, names, 0, [LoadProblem(file, "a quoted field is never closed", line=line)]
        )
    columns = "{" + ", ".join(f"{_sql_string(n)}: 'VARCHAR'" for n in names) + "}"
    rejects = f"{temp_table}_rejects"
    try:
        connection.execute(
            f"""
            create temp table {temp_table} as
            select *, row_number() over () + 1 as {LINE_COLUMN}
            from read_csv(
                {_sql_string(file)}, header = true, auto_detect = false, columns = {columns},
                delim = {_sql_string(delimiter)}, quote = '"', escape = '"',
                strict_mode = true, store_rejects = true, rejects_table = '{rejects}',
                rejects_scan = '{rejects}_scan', parallel = false, encoding = 'utf-8'
            )
            """
        )
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        return StagedFile(temp_table, names, 0, [LoadProblem(file, f"unreadable: {first_line}")])
    rejected = connection.execute(
        f"select line, arg_min(column_name, column_idx), any_value(error_type), "
        f"any_value(csv_line) from {rejects} group by line order by line"
    ).fetchall()
    for line, column, error_type, text in rejected[:MAX_PROBLEMS_PER_FILE]:
        problems.append(
            LoadProblem(
                file,
                f"malformed row ({error_type.lower()}): {str(text)[:120]!r}",
                line=int(line),
                column=column,
            )
        )
    if len(rejected) > MAX_PROBLEMS_PER_FILE:
        problems.append(
            LoadProblem(file, f"and {len(rejected) - MAX_PROBLEMS_PER_FILE} more malformed rows")
        )
    (rows,) = connection.execute(f"select count(*) from {temp_table}").fetchone() or (0,)
    return StagedFile(temp_table, names, int(rows), problems)


def stage_parquet(
    connection: duckdb.DuckDBPyConnection, item: TableFile, temp_table: str
) -> StagedFile:
    file = str(item.path)
    try:
        described = connection.execute(
            f"describe select * from read_parquet({_sql_string(file)})"
        ).fetchall()
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        return StagedFile(temp_table, [], 0, [LoadProblem(file, f"unreadable: {first_line}")])
    originals = [row[0] for row in described]
    names, problems = _normalised(originals, file)
    if problems:
        return StagedFile(temp_table, names, 0, problems)
    select = ", ".join(
        f'cast("{original}" as varchar) as "{name}"'
        for original, name in zip(originals, names, strict=True)
    )
    connection.execute(
        f"""
        create temp table {temp_table} as
        select {select}, row_number() over () as {LINE_COLUMN}
        from read_parquet({_sql_string(file)})
        """
    )
    (rows,) = connection.execute(f"select count(*) from {temp_table}").fetchone() or (0,)
    return StagedFile(temp_table, names, int(rows), [])
