"""Write-audit-publish: runs build into the working database; BI reads the published one.

The published file (`$FUNNEL_WAREHOUSE_DIR/funnel.duckdb`, schemas `marts` and `governance`) is
never written in place. Each publication builds a new file beside it and swaps it in with
`os.replace`, an atomic rename: a BI reader holding the old file open keeps reading the old
file, untouched, and is never blocked (it never shares a file with a writer); the next reader
opens the new one. Nobody can see a half-built file.

- Gates passed: the new file holds the run's marts and the governance history plus this run's
  expectation results.
- A gate blocked the run: the new file is a byte copy of the last publication (same marts,
  still those of the last good run) with this run's expectation results appended, and a
  `governance.publications` row that says the run was blocked and whose marts are published.
- The published file is open read-write in another process (DuckDB then refuses every other
  process, even a reader): nothing is published, `PublishedFileLocked` names that process and
  what to close, and the new file is removed. Scratch files a killed publish left behind are
  removed by the next publish (every publish holds the warehouse's run lock, so none is running).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import Failure

from orchestration.checks.results import RESULTS_TABLE, ensure_results_table
from orchestration.settings import (
    connect_warehouse,
    published_path,
    sql_string,
    warehouse_dir,
    working_path,
)

PUBLISHED, BLOCKED, NOT_PUBLISHED = "published", "blocked", "not published"
SCRATCH_GLOB = ".*.next"
PUBLICATIONS_COLUMNS = """
    run_id varchar not null,
    published_at timestamp not null,
    status varchar not null,
    marts_run_id varchar,
    marts_published_at timestamp,
    note varchar,
    as_of timestamp
"""


@dataclass(frozen=True)
class Publication:
    path: Path
    run_id: str
    status: str
    marts_run_id: str | None
    marts_published_at: datetime | None
    row_counts: dict[str, int]
    # Why nothing could be published (status NOT_PUBLISHED).
    reason: str = ""

    def describe(self) -> str:
        if self.status == NOT_PUBLISHED:
            return f"The marts were NOT published: {self.reason}"
        if self.status == PUBLISHED:
            tables = f"{len(self.row_counts)} marts" if self.row_counts else "the marts"
            return f"Published {tables} of run {self.run_id} to {self.path}."
        if self.marts_run_id:
            return (
                f"Nothing new was published: {self.path} still holds the marts of run "
                f"{self.marts_run_id} (published {self.marts_published_at:%Y-%m-%d %H:%M} UTC); "
                "this run's expectation results were added to its governance schema."
            )
        return (
            f"Nothing was published: no run has passed the gates yet; {self.path} holds only "
            "the governance schema with this run's expectation results."
        )


class PublishedFileLocked(Failure):
    """The published file is open read-write in another process: nothing can be published."""

    def __init__(self, path: Path, error: duckdb.Error) -> None:
        holder = _lock_holder(str(error))
        super().__init__(
            description=f"{path} is locked by another process{holder}, which has it open "
            "read-write, so DuckDB lets no other process open it. This run's marts were not "
            "published; BI still reads the previous publication. Close that program's "
            "connection to the file (a desktop SQL client opens files read-write by default: "
            "open it read-only, or connect per query), then run again."
        )


def _lock_holder(message: str) -> str:
    """` (PID n: command line)` from DuckDB's lock error, when it names the process."""
    found = re.search(r"\(PID (\d+)\)", message)
    if not found:
        return ""
    pid = found.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        command = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = ""
    if len(command) > 120:
        command = command[:117] + "..."
    return f" (PID {pid}: {command})" if command else f" (PID {pid})"


def is_lock_error(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) and "Could not set lock" in str(error)


@contextmanager
def _published_lock_as_failure(published: Path) -> Iterator[None]:
    try:
        yield
    except duckdb.IOException as error:
        if is_lock_error(error) and str(published) in str(error):
            raise PublishedFileLocked(published, error) from None
        raise


def remove_scratch_files(folder: Path | None = None) -> list[Path]:
    """Remove the scratch files of publishes that were killed or failed; returns them."""
    removed = []
    for leftover in sorted((folder or warehouse_dir()).glob(SCRATCH_GLOB + "*")):
        if leftover.name.endswith((".next", ".next.wal")) and leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _attach(connection: duckdb.DuckDBPyConnection, path: Path, alias: str) -> None:
    connection.execute(f"attach {sql_string(path)} as {alias} (read_only)")


def _tables(connection: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by 1",
        [catalog, schema],
    ).fetchall()
    return [name for (name,) in rows]


def _last_publication(
    connection: duckdb.DuckDBPyConnection, catalog: str
) -> tuple[str | None, datetime | None]:
    if "publications" not in _tables(connection, catalog, "governance"):
        return None, None
    row = connection.execute(
        f"select marts_run_id, marts_published_at from {catalog}.governance.publications "
        "where marts_run_id is not null order by published_at desc limit 1"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _scratch_path(published: Path, run_id: str) -> Path:
    scratch = published.with_name(f".{published.name}.{run_id[:12]}.next")
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return scratch


def _swap_in(scratch: Path, published: Path) -> None:
    os.replace(scratch, published)


@contextmanager
def _scratch_removed_on_failure(scratch: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise


def _append_run_results(connection: duckdb.DuckDBPyConnection, run_id: str) -> None:
    ensure_results_table(connection)
    connection.execute(
        f"insert into {RESULTS_TABLE} by name select * from working.{RESULTS_TABLE} "
        f"where run_id = ? and run_id not in (select run_id from {RESULTS_TABLE})",
        [run_id],
    )


def _record_publication(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    marts_run_id: str | None,
    marts_published_at: datetime | None,
    note: str,
    as_of: str | None,
) -> None:
    """One row per run: what it published (or why not), and the as-of its numbers are judged at."""
    connection.execute(
        f"create table if not exists governance.publications ({PUBLICATIONS_COLUMNS})"
    )
    # Publications recorded before the as-of was kept have no such column.
    connection.execute(
        "alter table governance.publications add column if not exists as_of timestamp"
    )
    connection.execute(
        "insert into governance.publications "
        "(run_id, published_at, status, marts_run_id, marts_published_at, note, as_of) "
        "values (?, ?, ?, ?, ?, ?, cast(? as timestamp))",
        [run_id, _now(), status, marts_run_id, marts_published_at, note, as_of],
    )


def _has_working_results(working: Path) -> bool:
    return working.exists()


def publish_marts(run_id: str, as_of: str | None = None) -> Publication:
    """The gates passed: publish the working database's marts with the governance history."""
    working, published = working_path(), published_path()
    remove_scratch_files(published.parent)
    scratch = _scratch_path(published, run_id)
    with _scratch_removed_on_failure(scratch), _published_lock_as_failure(published):
        row_counts, published_at = _build_publication(run_id, working, published, scratch, as_of)
        _swap_in(scratch, published)
    return Publication(published, run_id, PUBLISHED, run_id, published_at, row_counts)


def _build_publication(
    run_id: str, working: Path, published: Path, scratch: Path, as_of: str | None
) -> tuple[dict[str, int], datetime]:
    row_counts: dict[str, int] = {}
    with connect_warehouse(scratch) as connection:
        _attach(connection, working, "working")
        connection.execute("create schema marts")
        for table in _tables(connection, "working", "marts"):
            connection.execute(
                f'create table marts."{table}" as select * from working.marts."{table}"'
            )
            counted = connection.execute(f'select count(*) from marts."{table}"').fetchone()
            row_counts[table] = int(counted[0]) if counted else 0
        ensure_results_table(connection)
        if published.exists():
            _attach(connection, published, "previous")
            if "expectation_results" in _tables(connection, "previous", "governance"):
                connection.execute(
                    f"insert into {RESULTS_TABLE} by name select * from previous.{RESULTS_TABLE}"
                )
            if "publications" in _tables(connection, "previous", "governance"):
                connection.execute(f"create table governance.publications ({PUBLICATIONS_COLUMNS})")
                connection.execute(
                    "insert into governance.publications by name "
                    "select * from previous.governance.publications"
                )
            connection.execute("detach previous")
        if "expectation_results" in _tables(connection, "working", "governance"):
            _append_run_results(connection, run_id)
        if "data_stewards" in _tables(connection, "working", "seeds"):
            connection.execute(
                "create table governance.data_stewards as select * from working.seeds.data_stewards"
            )
        published_at = _now()
        _record_publication(
            connection, run_id, PUBLISHED, run_id, published_at, "gates passed", as_of
        )
        connection.execute("detach working")
    return row_counts, published_at


def publish_governance_only(run_id: str, reason: str, as_of: str | None = None) -> Publication:
    """A gate blocked the run: keep the published marts, add this run's expectation results.

    Idempotent per run: a second call for the same run changes nothing.
    """
    working, published = working_path(), published_path()
    remove_scratch_files(published.parent)
    with _published_lock_as_failure(published):
        return _publish_governance_only(run_id, reason, working, published, as_of)


def _publish_governance_only(
    run_id: str, reason: str, working: Path, published: Path, as_of: str | None
) -> Publication:
    if published.exists():
        with connect_warehouse(published, read_only=True) as reader:
            already = (
                "publications" in _tables(reader, reader_catalog(reader), "governance")
                and (
                    reader.execute(
                        "select count(*) from governance.publications where run_id = ?", [run_id]
                    ).fetchone()
                    or (0,)
                )[0]
            )
            marts_run_id, marts_published_at = _last_publication(reader, reader_catalog(reader))
        if already:
            return Publication(published, run_id, BLOCKED, marts_run_id, marts_published_at, {})
    else:
        marts_run_id, marts_published_at = None, None
    scratch = _scratch_path(published, run_id)
    with _scratch_removed_on_failure(scratch):
        if published.exists():
            shutil.copyfile(published, scratch)
        with connect_warehouse(scratch) as connection:
            if _has_working_results(working):
                _attach(connection, working, "working")
                if "expectation_results" in _tables(connection, "working", "governance"):
                    _append_run_results(connection, run_id)
                connection.execute("detach working")
            ensure_results_table(connection)
            _record_publication(
                connection, run_id, BLOCKED, marts_run_id, marts_published_at, reason[:2000], as_of
            )
        _swap_in(scratch, published)
    return Publication(published, run_id, BLOCKED, marts_run_id, marts_published_at, {})


def reader_catalog(connection: duckdb.DuckDBPyConnection) -> str:
    (catalog,) = connection.execute("select current_database()").fetchone() or ("",)
    return str(catalog)


def last_publication() -> tuple[str | None, datetime | None]:
    """Run id and time of the marts BI reads now (None when nothing was ever published)."""
    published = published_path()
    if not published.exists():
        return None, None
    with connect_warehouse(published, read_only=True) as reader:
        return _last_publication(reader, reader_catalog(reader))
