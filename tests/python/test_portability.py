"""Static checks that keep the project buildable on every engine it supports."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration.settings import PROJECT_DIR

# PostgreSQL truncates identifiers at 63 bytes and dbt refuses longer relation names; a dbt unit
# test builds a relation named after itself.
POSTGRES_MAX_IDENTIFIER = 63


def _unit_test_names() -> list[tuple[Path, str]]:
    names = []
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for unit_test in document.get("unit_tests", []) or []:
            names.append((path.relative_to(PROJECT_DIR), unit_test["name"]))
    return names


def test_there_are_unit_tests_to_check() -> None:
    assert len(_unit_test_names()) >= 10


def test_unit_test_names_fit_a_postgres_identifier() -> None:
    too_long = [
        f"{path}: {name} ({len(name)} characters)"
        for path, name in _unit_test_names()
        if len(name) > POSTGRES_MAX_IDENTIFIER
    ]
    assert not too_long, (
        f"unit test names longer than {POSTGRES_MAX_IDENTIFIER} characters fail on PostgreSQL:\n"
        + "\n".join(too_long)
    )
