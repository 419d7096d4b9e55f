"""The raw tables as the contract describes them: the latest version of each row, deletions out,
emails normalised; and the seeds (agreements) as CSVs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orchestration.settings import PROJECT_DIR

SEEDS = PROJECT_DIR / "seeds"


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv")


class RawTables:
    """Reads `schema.table` from the working database, once per table."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._cache: dict[str, pd.DataFrame] = {}
        with duckdb.connect(str(database), read_only=True) as connection:
            rows = connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('salesforce', 'marketo')"
            ).fetchall()
        self.present = {f"{schema}.{table}" for schema, table in rows}

    def table(self, name: str, key: str = "id") -> pd.DataFrame:
        """Latest row per key by `_fivetran_synced`; rows deleted at the source (`is_deleted`) or
        by the connector (`_fivetran_deleted`) removed. A missing optional table is empty."""
        if name in self._cache:
            return self._cache[name]
        if name not in self.present:
            frame = pd.DataFrame()
        else:
            schema, table = name.split(".")
            with duckdb.connect(str(self.database), read_only=True) as connection:
                frame = connection.execute(f'select * from {schema}."{table}"').df()
            if "_fivetran_synced" in frame.columns and key in frame.columns:
                frame = frame.sort_values(
                    "_fivetran_synced", ascending=False, na_position="last", kind="stable"
                )
                keyed = frame[frame[key].notna()].drop_duplicates(key)
                frame = pd.concat([keyed, frame[frame[key].isna()]])
            deleted = pd.Series(False, index=frame.index)
            for flag in ("is_deleted", "_fivetran_deleted"):
                if flag in frame.columns:
                    deleted |= frame[flag].fillna(False).astype(bool)
            frame = frame[~deleted].reset_index(drop=True)
        self._cache[name] = frame
        return frame


def normalised_email(values: pd.Series) -> pd.Series:
    """Trimmed, lowercased, empty -> missing: how emails are compared across systems."""
    text = values.astype("string").str.strip().str.lower()
    return text.mask(text == "")


def timestamps(values: pd.Series) -> pd.Series:
    """UTC timestamps without zone, whatever spelling the connector used."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            return values.dt.tz_convert("UTC").dt.tz_localize(None)
        return values.astype("datetime64[us]")
    parsed = pd.to_datetime(values, utc=True, format="mixed")
    return parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
