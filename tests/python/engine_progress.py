"""Progress of the cross-engine test on the terminal while it runs.

Each engine's build takes from seconds to minutes, and pytest captures what a test prints until
the test is over. `timed_step` writes a line as a step starts and one as it ends, with its
seconds, past pytest's capture, so `pytest -m engines` (and `make test`) shows which engine is
building and how long each took:

    [engines] spark: started
    [engines] spark: finished in 271.4 s
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

import pytest

PREFIX = "[engines]"

T = TypeVar("T")


def timed_step(config: pytest.Config, step: str, run: Callable[[], T]) -> T:
    """`run()`, announced on the terminal as it starts and ends; returns what it returned.

    A result with `succeeded` false (an `EngineBuild` whose dbt build failed) is announced as
    FAILED, and an exception with its type; either way the test decides what fails."""
    say(config, f"{step}: started")
    started = time.monotonic()
    try:
        result = run()
    except BaseException as error:
        say(config, f"{step}: raised {type(error).__name__} after {_since(started)}")
        raise
    failed = getattr(result, "succeeded", True) is False
    say(config, f"{step}: {'FAILED' if failed else 'finished'} in {_since(started)}")
    return result


def say(config: pytest.Config, message: str) -> None:
    """One line on the terminal now, even while pytest captures the test's output."""
    line = f"{PREFIX} {message}"
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
        if reporter is not None:
            reporter.write_line(line)
            reporter.flush()  # before capturing resumes, or the line lands in the capture
        else:
            print(line, file=sys.stderr, flush=True)


def _since(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"
