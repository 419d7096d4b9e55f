"""What went wrong while loading, told by file, line and column; and what went right."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadProblem:
    """One thing wrong with the input. `line` is 1-based with the header as line 1 (CSV), or the
    1-based row number (Parquet, `line_unit = "row"`)."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    line_unit: str = "line"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", {self.line_unit} {self.line}"
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
    """What a successful load did. `warnings` deserve a user's attention (contract columns the
    export lacks, empty required tables); `info` is routine (absent optional tables, ignored
    files, missing connector bookkeeping columns)."""

    rows_per_table: dict[str, int] = field(default_factory=dict)
    systems: list[str] = field(default_factory=list)  # the systems loaded, in contract order
    files_read: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows_per_table.values())
