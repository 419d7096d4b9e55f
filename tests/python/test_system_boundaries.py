"""A source system lives in its own folders: its staging models and contract
(`models/staging/<system>/`), its staging macros (`macros/staging/<system>/`), its conformed
models (`models/intermediate/conformed/<system>/`), its raw gate suites
(`gx/suites/raw/<system>__*`), the generator that renders it (`orchestration/raw/generator/`)
and its seeds' rows. Everything else reads the conformed interfaces and the role configuration,
so the next system comes in without touching the funnel.

The count of lines elsewhere that still name a system only goes down: lower CEILING when you
remove some, never raise it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from orchestration.raw.contract import load_contract
from orchestration.settings import PROJECT_DIR

CEILING = 0
SCANNED = ("models/", "macros/", "orchestration/", "gx/suites/")
SUFFIXES = (".sql", ".py", ".yml", ".json")


def _systems() -> tuple[str, ...]:
    return tuple(sorted(load_contract()))


def _is_the_systems_own(path: str, systems: tuple[str, ...]) -> bool:
    parts = path.split("/")
    if path.startswith("orchestration/raw/generator/"):
        return True
    if path.startswith(("models/staging/", "macros/staging/")):
        return parts[2] in systems
    if path.startswith("models/intermediate/conformed/") and len(parts) > 4:
        return parts[3] in systems
    if path.startswith("gx/suites/raw/"):
        return parts[-1].split("__")[0] in systems
    return False


def places_naming_a_system(root: Path = PROJECT_DIR) -> dict[str, list[int]]:
    """{path: [line numbers]} of tracked files outside the systems' own folders naming one."""
    systems = _systems()
    pattern = re.compile("|".join(systems), re.IGNORECASE)
    tracked = subprocess.run(
        ["git", "ls-files", *SCANNED], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    places: dict[str, list[int]] = {}
    for path in tracked:
        if not path.endswith(SUFFIXES) or _is_the_systems_own(path, systems):
            continue
        lines = (root / path).read_text().splitlines()
        found = [number for number, line in enumerate(lines, 1) if pattern.search(line)]
        if found:
            places[path] = found
    return places


def test_the_places_naming_a_system_outside_its_folders_only_go_down() -> None:
    places = places_naming_a_system()
    count = sum(len(lines) for lines in places.values())
    by_count = sorted(places.items(), key=lambda place: -len(place[1]))
    listing = "\n".join(f"  {len(lines):3} {path}" for path, lines in by_count)
    assert count <= CEILING, (
        f"{count} lines outside the systems' own folders name a source system (ceiling "
        f"{CEILING}); read the conformed interfaces or the role configuration instead:\n{listing}"
    )
    print(f"\n{count} lines in {len(places)} files name a source system:\n{listing}")


def test_the_count_sees_a_new_mention() -> None:
    """The counter finds a system named in a model outside the system's folders."""
    systems = _systems()
    assert not _is_the_systems_own("models/intermediate/lifecycle/int_x.sql", systems)
    assert _is_the_systems_own(f"models/intermediate/conformed/{systems[0]}/int_x.sql", systems)
    assert not _is_the_systems_own("models/intermediate/conformed/int_person_records.sql", systems)
