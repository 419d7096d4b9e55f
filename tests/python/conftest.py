"""Shared fixtures: every test gets its own warehouse directory; the end-to-end suites share one
generated-and-built warehouse per test session, since a whole run takes a minute or two.

`pytest -n 2` runs the modules in two worker processes, each with its own session fixtures: the
shared builds below are made once per test session whichever worker asks first (the other waits
on a file lock in the session's temporary folder) and handed to every worker."""

from __future__ import annotations

import os
import pickle
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock
from published_baseline import Baseline, build_published_baseline

from orchestration.pipeline import PipelineOutcome, run_pipeline
from orchestration.raw.generator import generate

AS_OF = datetime(2026, 11, 1)

T = TypeVar("T")

# The modules that take minutes (runs and dbt builds of their own), longest first. `pytest -n 2
# --dist loadfile` hands each worker whole modules, by default those with the most tests first:
# `dagster dev`'s five tests came among the last, one long module running alone at the end while
# the other worker idled. Started first, the quick modules fill the end of both workers instead.
# Modules not listed follow, most tests first as before.
LONGEST_FIRST = (
    "test_dagster_ui",
    "test_incremental",
    "test_run_collisions",
    "test_governance",
    "test_fault_battery",
    "test_pipeline",
    "test_funnel_scenario",
    "test_kpi_recomputation",
    "test_lead_feedback",
    "test_email_performance",
    "test_program_performance",
    "test_content_effectiveness",
    "test_sla_policies",
    "test_identity_hubspot",
    "test_hubspot_models",
)


def pytest_configure(config: pytest.Config) -> None:
    """xdist schedules the modules in the order collected (below), not by number of tests."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of LONGEST_FIRST first, in its order, then the others by number of tests;
    the tests of a module keep their order."""
    tests = Counter(item.path for item in items)

    def rank(item: pytest.Item) -> tuple[int, int]:
        module = item.path.stem
        if module in LONGEST_FIRST:
            return LONGEST_FIRST.index(module), 0
        return len(LONGEST_FIRST), -tests[item.path]

    items.sort(key=rank)


def _session_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder: an xdist worker's own is `<that folder>/popen-gw<n>`."""
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """The folder `build_once_per_session(..., name, ...)` builds in."""
    return _session_temp(tmp_path_factory) / f"shared-{name}"


def build_once_per_session(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]
) -> T:
    """`build(directory)` run once per test session across the xdist workers, in a folder of the
    session's temporary folder; its (picklable) result is handed to every caller. A build that
    raises leaves no result: the next caller builds again (and fails the same way)."""
    session = _session_temp(tmp_path_factory)
    directory, result = shared_dir(tmp_path_factory, name), session / f"shared-{name}.pickle"
    with FileLock(str(session / f"shared-{name}.lock")):
        if result.exists():
            return pickle.loads(result.read_bytes())  # type: ignore[no-any-return]
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir()
        value = build(directory)
        result.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session", autouse=True)
def data_docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """GX Data Docs of test runs go to a temporary folder, not the project's gx/uncommitted/."""
    directory = tmp_path_factory.mktemp("data_docs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_GX_DOCS_DIR", str(directory))
        yield directory


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Test runs record into a temporary Dagster instance, not the project's `.dagster_home/`
    (the tests of `dagster dev` itself remove DAGSTER_HOME again, as a user's shell has none)."""
    directory = tmp_path_factory.mktemp("dagster_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(directory))
        yield directory


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "warehouse"
    directory.mkdir()
    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
    return directory


def _build_generated_warehouse(directory: Path) -> tuple[PipelineOutcome, dict[str, str]]:
    """1,500 generated people run end to end into `directory`: (outcome, the environment of the
    process right after the run)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
        generate(directory / "build" / "funnel_build.duckdb", leads=1500, seed=7, as_of=AS_OF)
        outcome = run_pipeline(as_of=AS_OF.isoformat(sep=" "))
        return outcome, dict(os.environ)


@pytest.fixture(scope="session")
def built_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, PipelineOutcome, dict[str, str]]:
    """The shared build of `built`: (its folder, outcome, the environment the run left)."""
    outcome, environment = build_once_per_session(
        tmp_path_factory, "generated-warehouse", _build_generated_warehouse
    )
    return shared_dir(tmp_path_factory, "generated-warehouse"), outcome, environment


@pytest.fixture(scope="session")
def built(
    built_run: tuple[Path, PipelineOutcome, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, PipelineOutcome]]:
    """1,500 generated people built end to end at a fixed as-of: (working database, outcome).

    The working database holds every layer; the published one (`funnel.duckdb` beside `build/`)
    only marts and governance. Built once per session; each worker reads its own copy (some
    tests run dbt on it, which opens it read-write)."""
    shared, outcome, _ = built_run
    directory = tmp_path_factory.mktemp("warehouse")
    shutil.copytree(shared, directory, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
        yield directory / "build" / "funnel_build.duckdb", outcome


@pytest.fixture(scope="session")
def published_baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """The last good run the fault battery and the run-collision tests damage copies of (built
    once per session; read only, never written, by the tests)."""
    return build_once_per_session(tmp_path_factory, "baseline", build_published_baseline)
