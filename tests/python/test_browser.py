"""The browser helper catches what a reader's browser would: requests to the network (none of
which leaves the machine), console and uncaught errors, junk values in the visible text; and it
renders a clean self-contained page to a screenshot."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import visible_text_problems, visit

BAR_RGB = (0x1F, 0x77, 0xB4)


def _page(path: Path, body: str, head: str = "") -> Path:
    path.write_text(
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that records every request it receives."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _png_pixels(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (no PIL in the venv)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        position += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    channels = 3 if color == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for row_index in range(height):
        start = row_index * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
                nearest = (left, up, up_left)[distances.index(min(distances))]
                row[i] = (row[i] + nearest) & 0xFF
        pixels.extend((row[i], row[i + 1], row[i + 2]) for i in range(0, stride, channels))
        previous = row
    return width, height, pixels


def test_requests_to_the_network_are_reported_and_never_leave_the_machine(
    tmp_path: Path, local_server: tuple[str, list[str]]
) -> None:
    server_url, hits = local_server
    other_file = (tmp_path / "elsewhere" / "logo.png").as_uri()
    html = _page(
        tmp_path / "page.html",
        head='<link rel="stylesheet" href="http://fonts.example/css2?family=Inter">',
        body=(
            '<img src="https://example.com/x.png">'
            f'<img src="{server_url}/tracker.png">'
            f'<img src="{other_file}">'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "<p>Pipeline review</p>"
        ),
    )

    seen = visit(html, tmp_path / "page.png")

    assert sorted(seen.network_requests) == sorted(
        [
            "http://fonts.example/css2?family=Inter",
            "https://example.com/x.png",
            f"{server_url}/tracker.png",
            other_file,
        ]
    )
    assert hits == [], "a request reached the (loopback) network"
    assert {failed.split(": ")[0] for failed in seen.failed_requests} >= {
        "https://example.com/x.png",
        f"{server_url}/tracker.png",
    }
    assert "Pipeline review" in seen.text


def test_console_errors_uncaught_errors_and_junk_values_are_reported(tmp_path: Path) -> None:
    html = _page(
        tmp_path / "broken.html",
        head="<title>Broken review</title>",
        body=(
            '<p id="rate">Conversion rate: </p>'
            "<script>"
            'document.getElementById("rate").append((0 / 0).toFixed(1) + "%");'
            'console.error("chart data missing");'
            'throw new Error("render failed");'
            "</script>"
        ),
    )

    seen = visit(html, tmp_path / "broken.png")

    assert seen.title == "Broken review"
    assert any("chart data missing" in error for error in seen.console_errors), seen
    assert any("render failed" in error for error in seen.console_errors), seen
    assert seen.network_requests == []
    problems = visible_text_problems(seen.text)
    assert len(problems) == 1 and "'NaN%'" in problems[0] and "Conversion rate" in problems[0]


def test_clean_self_contained_page_reports_nothing_and_renders(tmp_path: Path) -> None:
    fill = "#{:02x}{:02x}{:02x}".format(*BAR_RGB)
    html = _page(
        tmp_path / "clean.html",
        head="<title>Funnel review</title><style>body{margin:0;font-family:sans-serif}</style>",
        body=(
            "<h1>Closed Won by segment</h1>"
            '<svg width="200" height="100" xmlns="http://www.w3.org/2000/svg">'
            f'<rect width="200" height="100" fill="{fill}"/></svg>'
            "<p>Nonetheless, financial services converted 12.5% of leads.</p>"
        ),
    )
    screenshot = tmp_path / "shots" / "clean.png"

    seen = visit(html, screenshot, width=400, height=300)

    assert seen.console_errors == []
    assert seen.network_requests == []
    assert seen.failed_requests == []
    assert seen.title == "Funnel review"
    assert "Closed Won by segment" in seen.text
    assert visible_text_problems(seen.text) == []
    assert seen.screenshot == screenshot
    width, height, pixels = _png_pixels(screenshot.read_bytes())
    assert (width, height) == (400, 300)
    assert any(pixel != (255, 255, 255) for pixel in pixels), "the screenshot is blank"
    assert pixels.count(BAR_RGB) >= 200 * 100 * 0.9, "the inline SVG bar did not render"


def test_visible_text_problems_finds_junk_values_as_whole_words() -> None:
    text = (
        "Win rate: NaN\nOwner: None\nregion null, stage undefined, cycle inf days, "
        "share nan% of leads"
    )

    problems = visible_text_problems(text)

    found = [problem.split(" in ")[0] for problem in problems]
    assert found == ["'NaN'", "'None'", "'null'", "'undefined'", "'inf'", "'nan%'"]
    assert "Win rate: NaN" in problems[0]
    assert "\n" not in problems[0]
    assert (
        visible_text_problems(
            "Nonetheless, financial leads: none lost; information on Nancy's nullable "
            "inflow, nano-units and infinite nuance."
        )
        == []
    )
