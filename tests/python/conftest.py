"""Shared fixtures: every test gets its own warehouse directory; the end-to-end suites share one
generated-and-built warehouse per session, since a whole run takes about half a minute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from published_baseline import Baseline, build_published_baseline

from orchestration.pipeline import PipelineOutcome, run_pipeline
from orchestration.raw.generator import generate

AS_OF = datetime(2026, 11, 1)


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


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PipelineOutcome]]:
    """1,500 generated people built end to end at a fixed as-of: (working database, outcome).

    The working database holds every layer; the published one (`funnel.duckdb` beside `build/`)
    only marts and governance."""
    directory = tmp_path_factory.mktemp("warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
        working = directory / "build" / "funnel_build.duckdb"
        generate(working, leads=1500, seed=7, as_of=AS_OF)
        outcome = run_pipeline(as_of=AS_OF.isoformat(sep=" "))
        yield working, outcome


@pytest.fixture(scope="session")
def published_baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """The last good run the fault battery and the run-collision tests damage copies of."""
    return build_published_baseline(tmp_path_factory.mktemp("baseline"))
