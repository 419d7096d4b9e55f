"""A review page as a test reads it: the HTML parsed with the standard library into a small tree,
and the page's contract (`data-metric` names) as accessors: a headline figure's value and detail,
a table row's cells, a section's explanations, the visible text of `<main>`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
HIDDEN = {"style", "script", "title"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def metric(self) -> str | None:
        return self.attrs.get("data-metric")

    def text(self) -> str:
        """The text a reader sees, whitespace collapsed (no CSS, SVG titles or tooltips)."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            elif node.tag not in HIDDEN:
                parts.append(" ")
                for child in node.children:
                    walk(child)
                parts.append(" ")

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, cls: str | None = None, metric: str | None = None
    ) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (cls is None or cls in element.classes)
            and (metric is None or element.metric == metric)
        ]

    def find(self, tag: str | None = None, *, cls: str | None = None) -> Element:
        found = self.find_all(tag, cls=cls)
        assert found, f"no <{tag or '*'}{'.' + cls if cls else ''}> in <{self.tag}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    detail: str
    verdict: str  # "good", "bad" or ""


class ReviewPage:
    """One rendered review page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.html = path.read_text(encoding="utf-8")
        self.document = parse(self.html)
        self.main = self.document.find("main")

    @property
    def title(self) -> str:
        head = self.document.find("head")
        (title,) = [c for c in head.children if isinstance(c, Element) and c.tag == "title"]
        return " ".join("".join(c for c in title.children if isinstance(c, str)).split())

    @property
    def provenance(self) -> str:
        return self.one(metric="provenance").text()

    def one(self, tag: str | None = None, *, metric: str) -> Element:
        found = self.document.find_all(tag, metric=metric)
        assert len(found) == 1, f"{len(found)} elements with data-metric={metric!r} on {self.path}"
        return found[0]

    def figure(self, metric: str) -> Figure:
        (element,) = [e for e in self.main.find_all(metric=metric) if "figure" in e.classes]
        details = element.find_all(cls="detail")
        return Figure(
            label=element.find(cls="label").text(),
            value=element.find(cls="value").text(),
            detail=details[0].text() if details else "",
            verdict=" ".join(sorted(element.classes & {"good", "bad"})),
        )

    def figure_metrics(self) -> list[str]:
        return [e.metric or "" for e in self.main.find_all(cls="figure") if e.metric]

    def rows(self, metric: str) -> list[list[str]]:
        """The cells' text of every table row named `metric`, in page order."""
        return [
            [cell.text() for cell in row.find_all("td")]
            for row in self.main.find_all("tr", metric=metric)
        ]

    def row(self, metric: str) -> list[str]:
        found = self.rows(metric)
        assert len(found) == 1, f"{len(found)} rows named {metric!r}: {found}"
        return found[0]

    def cell_verdicts(self, metric: str) -> list[str]:
        (row,) = self.main.find_all("tr", metric=metric)
        return [" ".join(sorted(cell.classes & {"good", "bad"})) for cell in row.find_all("td")]

    def section(self, anchor: str) -> Element:
        (found,) = [s for s in self.main.find_all("section") if s.attrs.get("id") == anchor]
        return found

    def explanations(self, anchor: str) -> list[str]:
        return [e.text() for e in self.section(anchor).find_all(metric="empty")]

    def tables(self, anchor: str) -> list[str]:
        """Captions of the tables a section shows."""
        return [t.find("caption").text() for t in self.section(anchor).find_all("table")]

    def charts(self, anchor: str | None = None) -> list[Element]:
        where = self.section(anchor) if anchor else self.main
        return where.find_all("figure", cls="chart")

    @property
    def main_text(self) -> str:
        return self.main.text()
