"""Run the project's command-line tools (dbt, mf) the way a user does, against a test warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_DIR


def run_project_tool(
    tool: str, args: list[str], warehouse_dir: Path
) -> subprocess.CompletedProcess:
    """`tool` installed beside this interpreter, run in the project with the warehouse at
    `warehouse_dir`; the caller asserts on the return code and output."""
    return subprocess.run(
        [str(Path(sys.executable).parent / tool), *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "FUNNEL_WAREHOUSE_DIR": str(warehouse_dir)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
