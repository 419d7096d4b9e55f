"""Shared fixtures: every test gets its own warehouse directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def data_docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """GX Data Docs of test runs go to a temporary folder, not the project's gx/uncommitted/."""
    directory = tmp_path_factory.mktemp("data_docs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_GX_DOCS_DIR", str(directory))
        yield directory


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "warehouse"
    directory.mkdir()
    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
    return directory
