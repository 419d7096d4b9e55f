"""A review page printed to PDF by a local Chromium (headless), for leaders who file or mail a
PDF. The page prints as it reads on screen: the page's print stylesheet sets A4 and margins."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfUnavailable(Exception):
    """No Chromium on this machine, or it failed to print."""


def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PdfUnavailable(
        "printing to PDF needs Chromium or Google Chrome on PATH (Debian: apt-get install "
        "chromium); the HTML pages print from any browser too"
    )


def print_to_pdf(page: Path) -> Path:
    """`page` printed to `page` with a .pdf suffix; returns that path."""
    target = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="funnel-review-pdf-") as profile:
        command = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            # The page is self-contained: nothing may leave the machine while it prints.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"Chromium did not finish printing {page} in 120 s") from None
    if finished.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise PdfUnavailable(
            f"Chromium could not print {page} (exit {finished.returncode}): "
            f"{finished.stderr.strip()[-400:]}"
        )
    return target
