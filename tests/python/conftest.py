"""Shared fixtures: every test gets its own warehouse directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "warehouse"
    directory.mkdir()
    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
    return directory
