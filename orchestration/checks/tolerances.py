"""What stewards tolerate, read from two seeds (reviewed like every agreement):

- `seeds/raw_volume_thresholds.csv`: per raw table (`<system>.<table>`), the largest drop in row
  count, in percent of the last published run's count, the raw gate lets through; the `default`
  row covers every table not named.
- `seeds/orphan_tolerances.csv`: per referential check (table and the column that points at
  another table), the largest share of orphaned rows, in percent, that is a warning; above it
  the check blocks. The `default` row covers every check not named.
"""

from __future__ import annotations

import csv
from functools import cache

from orchestration.settings import PROJECT_DIR

VOLUME_SEED = PROJECT_DIR / "seeds" / "raw_volume_thresholds.csv"
ORPHAN_SEED = PROJECT_DIR / "seeds" / "orphan_tolerances.csv"
DEFAULT = "default"


class ToleranceSeedError(ValueError):
    """A tolerance seed that can't be read as stewards were told it would be."""


def _percent(path_name: str, row: dict[str, str], column: str) -> float:
    try:
        value = float(row[column])
    except (KeyError, TypeError, ValueError):
        raise ToleranceSeedError(
            f"seeds/{path_name}: {column} of {row.get('table_name')!r} is not a number"
        ) from None
    if not 0 <= value <= 100:
        raise ToleranceSeedError(
            f"seeds/{path_name}: {column} of {row.get('table_name')!r} must be 0-100, not {value}"
        )
    return value


@cache
def _volume_rows() -> dict[str, float]:
    with VOLUME_SEED.open(newline="") as handle:
        return {
            row["table_name"]: _percent(VOLUME_SEED.name, row, "max_drop_percent")
            for row in csv.DictReader(handle)
        }


@cache
def _orphan_rows() -> dict[tuple[str, str], float]:
    with ORPHAN_SEED.open(newline="") as handle:
        return {
            (row["table_name"], row["column_name"] or ""): _percent(
                ORPHAN_SEED.name, row, "max_orphan_percent"
            )
            for row in csv.DictReader(handle)
        }


def max_drop_percent(table: str) -> float:
    """The largest row-count drop (percent) `table` may show against the last publication."""
    rows = _volume_rows()
    if table in rows:
        return rows[table]
    if DEFAULT not in rows:
        raise ToleranceSeedError(f"seeds/{VOLUME_SEED.name} has no `default` row")
    return rows[DEFAULT]


def max_orphan_percent(table: str, column: str) -> float:
    """The largest share (percent) of `table` rows whose `column` points nowhere that only warns."""
    rows = _orphan_rows()
    for key in ((table, column), (table, ""), (DEFAULT, "")):
        if key in rows:
            return rows[key]
    raise ToleranceSeedError(f"seeds/{ORPHAN_SEED.name} has no `default` row")


def mostly(table: str, column: str) -> float:
    """The GX `mostly` of a referential check: the share of rows that must not be orphans."""
    return round(1 - max_orphan_percent(table, column) / 100, 6)
