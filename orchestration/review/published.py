"""The published warehouse as the reviews read it: read-only, never the working database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.publication import PUBLISHED, is_lock_error
from orchestration.settings import published_path


class ReviewUnavailable(Exception):
    """Nothing can be reviewed yet (no publication), or the published file can't be read."""


@dataclass(frozen=True)
class PublishedRun:
    """Which run's marts the published file holds, and the instant they were judged at."""

    path: Path
    run_id: str
    as_of: datetime
    published_at: datetime
    # The latest run, when it was blocked at a gate: its marts are not the ones shown.
    blocked_run_id: str | None = None
    blocked_at: datetime | None = None

    def describe(self) -> str:
        text = (
            f"Run {self.run_id}, judged at {self.as_of:%Y-%m-%d %H:%M} UTC, "
            f"published {self.published_at:%Y-%m-%d %H:%M} UTC"
        )
        if self.blocked_run_id and self.blocked_at:
            text += (
                f". A later run, {self.blocked_run_id}, was stopped at a gate on "
                f"{self.blocked_at:%Y-%m-%d %H:%M} UTC: its numbers are not shown here"
            )
        return text


@contextmanager
def open_published(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    database = path or published_path()
    if not database.exists():
        raise ReviewUnavailable(
            f"{database} does not exist: nothing has been published yet. Run `funnel run` "
            "first; the reviews are rendered from the published marts only."
        )
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as error:
        if is_lock_error(error):
            raise ReviewUnavailable(
                f"{database} is open read-write in another process, so DuckDB lets no other "
                f"process read it ({error}). Close that connection and render again."
            ) from None
        raise
    try:
        yield connection
    finally:
        connection.close()


def published_run(connection: duckdb.DuckDBPyConnection, path: Path) -> PublishedRun:
    """The run whose marts are published, from `governance.publications`."""
    try:
        latest = connection.execute(
            "select run_id, status, marts_run_id, published_at from governance.publications "
            "order by published_at desc limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        latest = None
    if latest is None or latest[2] is None:
        raise ReviewUnavailable(
            f"{path} holds no published marts yet: no run has passed the gates. Fix what the "
            "gates reported (`funnel run` prints it) and run again."
        )
    run_id, status, marts_run_id, _ = latest
    shown = connection.execute(
        "select as_of, published_at from governance.publications "
        "where run_id = ? and status = ? order by published_at desc limit 1",
        [marts_run_id, PUBLISHED],
    ).fetchone()
    if shown is None:
        raise ReviewUnavailable(
            f"{path}: governance.publications has no row for run {marts_run_id}"
        )
    as_of, published_at = shown
    blocked = status != PUBLISHED
    return PublishedRun(
        path=path,
        run_id=marts_run_id,
        # Publications written before the as-of was recorded: the publication time bounds it.
        as_of=as_of or published_at,
        published_at=published_at,
        blocked_run_id=run_id if blocked else None,
        blocked_at=latest[3] if blocked else None,
    )
