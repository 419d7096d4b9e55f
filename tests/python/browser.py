"""Open a local HTML file in headless Chromium the way a reader opens an emailed attachment, for
the tests of the review pages: offline, with nothing but the file itself loaded.

Playwright drives Debian's Chromium (`make test` installs it) and never downloads a browser of its
own. Every request other than the file itself and `data:` URLs (http(s), other `file://` paths,
WebSockets) is recorded and aborted before it leaves the process; on top of that, Chromium resolves
no host name and sends anything it opens itself (preconnects, prefetches) to a closed local proxy
port, so a page under test can never reach the network."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Page,
    Request,
    Route,
    WebSocketRoute,
    sync_playwright,
)

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

# `--no-sandbox`: Chromium's sandbox refuses to start as root, as in a container; containers'
# /dev/shm is often small. The last two make sure nothing slips past the route interception.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
]


@dataclass
class BrowserVisit:
    """What a reader's browser did with the page."""

    title: str
    text: str  # document.body.innerText: what the reader reads
    screenshot: Path  # full page, PNG
    console_errors: list[str] = field(default_factory=list)  # console errors and uncaught errors
    network_requests: list[str] = field(default_factory=list)  # URLs the page asked for (aborted)
    failed_requests: list[str] = field(default_factory=list)  # "URL: reason", blocked ones too


@dataclass
class _Recorder:
    console_errors: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


def chromium_path() -> Path:
    found = shutil.which("chromium")
    if found:
        return Path(found)
    if DEBIAN_CHROMIUM.exists():
        return DEBIAN_CHROMIUM
    raise RuntimeError(
        "no Chromium on this machine: install Debian's `chromium` package "
        "(`make test-prerequisites` does, as root); Playwright never downloads its own browser"
    )


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@contextmanager
def _opened(html: Path, *, width: int, height: int) -> Iterator[tuple[Page, _Recorder]]:
    """The page loaded from `html` with the recorders attached; the browser closed afterwards."""
    document_url = html.resolve().as_uri()
    seen = _Recorder()

    def route(route: Route) -> None:
        url = route.request.url
        if _without_fragment(url) == document_url or url.startswith("data:"):
            route.continue_()
        else:
            seen.network_requests.append(url)
            route.abort()

    def web_socket(socket: WebSocketRoute) -> None:
        seen.network_requests.append(socket.url)
        socket.close()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    def page_error(error: Error) -> None:
        seen.console_errors.append(f"uncaught {error.name or 'error'}: {error.message}")

    def request_failed(request: Request) -> None:
        seen.failed_requests.append(f"{request.url}: {request.failure}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path()), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                service_workers="block",
            )
            context.route("**/*", route)
            context.route_web_socket(re.compile(".*"), web_socket)
            page = context.new_page()
            page.on("console", console)
            page.on("pageerror", page_error)
            page.on("requestfailed", request_failed)
            page.goto(document_url, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            yield page, seen
        finally:
            browser.close()


def visit(html: Path, screenshot: Path, *, width: int = 1280, height: int = 900) -> BrowserVisit:
    """Open `html` offline in headless Chromium at `width` by `height` pixels, write a full-page PNG
    screenshot to `screenshot` and report what the page asked for and complained about."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with _opened(html, width=width, height=height) as (page, seen):
        title = page.title()
        text = page.evaluate("document.body ? document.body.innerText : ''")
        page.screenshot(path=str(screenshot), full_page=True, type="png")
        return BrowserVisit(
            title=title,
            text=text,
            screenshot=screenshot,
            console_errors=list(seen.console_errors),
            network_requests=list(seen.network_requests),
            failed_requests=list(seen.failed_requests),
        )


# Values a reader should never see: what pandas, Python, JavaScript and SQL print for missing or
# impossible numbers. Whole words only ("Nonetheless", "financial", "info" are fine) and
# case-sensitive, so that prose ("none of the leads", "a Null hypothesis") is left alone.
_JUNK = re.compile(r"\b(?:NaN|nan|None|null|NULL|undefined|inf|Infinity)\b%?")
_CONTEXT = 30


def visible_text_problems(text: str) -> list[str]:
    """Each placeholder value in `text` a reader would see (NaN, nan%, None, null, undefined,
    inf, Infinity), with some of the text around it."""
    problems = []
    for match in _JUNK.finditer(text):
        start, end = match.span()
        context = " ".join(text[max(0, start - _CONTEXT) : end + _CONTEXT].split())
        problems.append(f"{match.group()!r} in '…{context}…'")
    return problems
