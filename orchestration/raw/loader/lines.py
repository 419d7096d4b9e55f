"""Physical line numbers in a CSV file, for error messages only.

DuckDB numbers records, not lines: a quoted field with embedded newlines makes every later
record number drift from the line a user sees in an editor. These helpers re-read the file with
Python's CSV reader, which knows both, and run only when there is an error to report (and only
up to the last record asked about), so the happy path stays set-based in DuckDB.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast


def open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def open_text(path: Path, errors: str = "strict") -> io.TextIOWrapper:
    """UTF-8 text with the byte-order mark dropped and line endings left as they are (as the CSV
    module needs for quoted newlines)."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors=errors, newline="")


def has_unbalanced_quotes(path: Path) -> bool:
    """An odd number of `"` means a quoted field never closes. DuckDB would silently swallow the
    rest of the file into that field, so this is checked before reading (one fast byte pass)."""
    count = 0
    with open_binary(path) as raw:
        while chunk := raw.read(1 << 24):
            count += chunk.count(b'"')
    return count % 2 == 1


def record_lines(
    path: Path, delimiter: str, records: Iterable[int], count_blank: bool
) -> dict[int, int]:
    """Record number (1 = first record after the header) -> the line it starts on (header = 1).

    `count_blank`: whether blank lines count as records (DuckDB's rejects numbering does; the
    rows DuckDB returns don't include them). Records past the end are left out of the answer.
    """
    wanted = set(records)
    found: dict[int, int] = {}
    if not wanted:
        return found
    last = max(wanted)
    with open_text(path, errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            next(reader, None)  # the header
            previous_end = reader.line_num
            record = 0
            for fields in reader:
                if fields or count_blank:
                    record += 1
                    if record in wanted:
                        found[record] = previous_end + 1
                    if record >= last:
                        break
                previous_end = reader.line_num
        except csv.Error:
            pass  # the caller falls back to DuckDB's numbering
    return found


def unclosed_quote_line(path: Path, delimiter: str) -> int | None:
    """Line where the record whose quoted field never closes starts; None when every quoted
    field closes (an odd quote count then comes from a literal `"` inside an unquoted field,
    such as `24" monitor`, which DuckDB reads as text)."""
    previous_end = 0
    with open_text(path, errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            for _ in reader:
                previous_end = reader.line_num
        except csv.Error:
            return previous_end + 1
    return None
