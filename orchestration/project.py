"""The dbt project as Dagster sees it."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from orchestration.settings import PROJECT_DIR, DbtParseError, export_environment

export_environment()


dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


@contextmanager
def as_of_environment(as_of: str | None) -> Iterator[None]:
    """FUNNEL_AS_OF, which dbt's `as_of_timestamp()` reads, set to `as_of` while dbt runs.

    An environment variable, not a dbt var: dbt re-parses the whole project whenever its vars
    change (every daily run), but only the files that read a changed environment variable. The
    previous value comes back afterwards, so one run's as-of never leaks into the next."""
    previous = os.environ.get("FUNNEL_AS_OF")
    if as_of:
        os.environ["FUNNEL_AS_OF"] = as_of
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("FUNNEL_AS_OF", None)
        else:
            os.environ["FUNNEL_AS_OF"] = previous


PARSED_IN_MARKER = ".parsed_in"


def target_dir() -> Path:
    """dbt's `target/`, as an absolute path (the project's `target_path` is relative to it)."""
    return dbt_project.project_dir / dbt_project.target_path


def _forget_partial_parse_from_elsewhere() -> None:
    """dbt's partial-parse state records the absolute paths of the seeds; a project copied or
    moved elsewhere starts from a full parse instead of reading seeds from the old place."""
    target = target_dir()
    marker = target / PARSED_IN_MARKER
    here = str(dbt_project.project_dir.resolve())
    if marker.exists() and marker.read_text() != here:
        (target / "partial_parse.msgpack").unlink(missing_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(here)


# What a parse leaves in target/ for others to read: replaced whole, the manifest last.
PARSE_ARTIFACTS = ("partial_parse.msgpack", "semantic_manifest.json", "manifest.json")


def parse_project(as_of: str | None = None) -> Path:
    """`dbt parse` in this process: a second or so when little changed, where a dbt subprocess
    costs several seconds of start-up on every run.

    dbt writes its artifacts in place, and a reader (a run starting, `dagster dev` loading its
    code) could find a half-written `manifest.json`. So each parse writes into a folder of its
    own, starting from the last partial-parse state, and its artifacts replace those in
    `target/` by atomic renames: a reader sees the old manifest or the new one, never a torn
    one, however many parses run at once."""
    from dbt.cli.main import dbtRunner

    _forget_partial_parse_from_elsewhere()
    target = target_dir()
    scratch = target / f".parse-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    scratch.mkdir(parents=True)
    try:
        state = target / "partial_parse.msgpack"
        if state.exists():
            shutil.copyfile(state, scratch / state.name)
        arguments = [
            "parse",
            "--quiet",
            "--project-dir",
            str(dbt_project.project_dir),
            "--profiles-dir",
            str(dbt_project.profiles_dir),
            "--target-path",
            str(scratch),
        ]
        with as_of_environment(as_of):
            result = dbtRunner().invoke(arguments)
        if not result.success:
            raise DbtParseError(f"dbt could not parse the project: {result.exception}")
        for name in PARSE_ARTIFACTS:
            if (scratch / name).exists():
                os.replace(scratch / name, target / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return dbt_project.manifest_path


# dagster-dbt gives each dbt invocation its own `target/<step>-<run id[:7]>-<random>/`.
INVOCATION_FOLDER = re.compile(r"^(?P<step>[A-Za-z_][\w]*)-(?P<run>[0-9a-f]{7})-[0-9a-f]{7}$")
KEPT_RUNS = 3
# A folder written in the last hour may belong to a dbt step still running (of a run on another
# warehouse): kept whatever its rank. A parse folder this old was left by a killed process.
RECENT_SECONDS = 3600


def _last_written(folder: Path) -> float:
    """The folder's newest write: dbt appends to its `dbt.log` there as long as it runs."""
    log = folder / "dbt.log"
    return max(folder.stat().st_mtime, log.stat().st_mtime if log.exists() else 0.0)


def prune_target(keep_runs: int = KEPT_RUNS) -> list[Path]:
    """Remove the dbt invocation folders of all but the last `keep_runs` runs (and parse
    folders of killed processes), sparing any written in the last hour; returns what was
    removed. Each run adds ~12 MB."""
    target = target_dir()
    if not target.is_dir():
        return []
    now = time.time()
    newest_of_run: dict[str, float] = {}
    folders: list[tuple[Path, str, float]] = []
    removed: list[Path] = []
    for folder in target.iterdir():
        if not folder.is_dir():
            continue
        written = _last_written(folder)
        if folder.name.startswith(".parse-"):
            if now - written > RECENT_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            continue
        match = INVOCATION_FOLDER.match(folder.name)
        if match is None:
            continue
        run = match.group("run")
        newest_of_run[run] = max(newest_of_run.get(run, 0.0), written)
        folders.append((folder, run, written))
    ordered = sorted(newest_of_run, key=newest_of_run.__getitem__, reverse=True)
    kept = set(ordered[:keep_runs])
    for folder, run, written in folders:
        if run not in kept and now - written > RECENT_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def prepare_manifest(force: bool = False, as_of: str | None = None) -> Path:
    """Parse the dbt project so the code location can load on a fresh clone (no manifest yet).

    The parse sees the as-of of the run to come, so the run's dbt invocations find nothing left
    to re-parse. Under `dagster dev` every load of the code location parses, so edits show."""
    if force or using_dagster_dev() or not dbt_project.manifest_path.exists():
        prune_target()
        return parse_project(as_of)
    return dbt_project.manifest_path


prepare_manifest()
