"""Find each contract table's file in an export folder, whatever the naming convention."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.raw.contract import ContractTable, connector_column_name, contract_tables
from orchestration.raw.loader.problems import LoadProblem

SUFFIXES = (".csv.gz", ".csv", ".parquet")
snake_case = connector_column_name


@dataclass(frozen=True)
class TableFile:
    table: ContractTable
    path: Path

    @property
    def is_parquet(self) -> bool:
        return self.path.name.lower().endswith(".parquet")


def _stem(path: Path) -> str | None:
    lower = path.name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return path.name[: -len(suffix)]
    return None


def discover(folder: Path) -> tuple[dict[str, TableFile], list[LoadProblem], list[str]]:
    """Contract table -> its file; problems (missing folder, ambiguous files); ignored files."""
    problems: list[LoadProblem] = []
    ignored: list[str] = []
    found: dict[str, TableFile] = {}
    if not folder.is_dir():
        return found, [LoadProblem(str(folder), "is not a folder")], ignored
    by_source: dict[str, dict[str, ContractTable]] = {}
    for table in contract_tables():
        by_source.setdefault(table.source, {})[table.name] = table
    for source, tables in by_source.items():
        # `<system>/` in any case (`Crm/`, `crm/`), and on a case-sensitive disk maybe several.
        source_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.lower() == source)
        for path in sorted(p for source_dir in source_dirs for p in source_dir.iterdir()):
            stem = _stem(path)
            name = snake_case(stem) if stem else None
            if name not in tables:
                ignored.append(str(path))
                continue
            key = tables[name].qualified_name
            if key in found:
                problems.append(
                    LoadProblem(
                        str(path),
                        f"a second file for {key} (also {found[key].path.relative_to(folder)}); "
                        "keep one",
                    )
                )
                continue
            found[key] = TableFile(tables[name], path)
    return found, problems, ignored
