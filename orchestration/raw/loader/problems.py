"""What went wrong while loading, told by file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadProblem:
    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        return text


class LoadError(Exception):
    """Raised before anything is written: the warehouse is unchanged."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{len(self.problems)} problem(s) found; nothing was loaded:"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass
class LoadReport:
    rows_per_table: dict[str, int] = field(default_factory=dict)
    files_read: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    seconds: float = 0.0
