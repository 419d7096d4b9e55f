"""The `funnel` command as users type it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main


def _table_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        names = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('salesforce', 'marketo')"
        ).fetchall()
        return {
            name: connection.execute(f"select count(*) from {name}").fetchone()[0]  # type: ignore[index]
            for (name,) in names
        }


def test_generate_reports_throughput_and_writes_the_raw_schemas(
    warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--leads", "200", "--seed", "5", "--as-of", "2026-11-01"]) == 0
    output = capsys.readouterr().out
    assert "rows/s" in output
    counts = _table_counts(warehouse_dir / "build" / "funnel_build.duckdb")
    assert counts["salesforce.lead"] > 0
    assert counts["marketo.activity_change_score"] > 0


def test_generate_with_faults_lists_every_injected_fault(
    warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--leads", "200", "--faults", "--as-of", "2026-11-01"]) == 0
    output = capsys.readouterr().out
    assert "Injected faults" in output
    assert "rows" in output.split("Injected faults", 1)[1]


def test_a_bad_as_of_is_a_usage_error_not_a_traceback(
    warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--as-of", "yesterday-ish"])
    assert exit_info.value.code == 2
    assert "--as-of" in capsys.readouterr().err


def test_load_of_a_broken_folder_exits_non_zero_and_keeps_the_warehouse(
    warehouse_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--leads", "100", "--as-of", "2026-11-01"]) == 0
    database = warehouse_dir / "build" / "funnel_build.duckdb"
    before = _table_counts(database)
    exports = tmp_path / "exports"
    (exports / "salesforce").mkdir(parents=True)
    (exports / "salesforce" / "lead.csv").write_text("id,email\n00Q000000000001AAA,a@b.co\n")
    capsys.readouterr()
    assert main(["load", str(exports)]) == 1
    error = capsys.readouterr().err
    assert "unchanged" in error
    assert "salesforce.user" in error or "user" in error
    assert _table_counts(database) == before


def test_a_profile_that_builds_outside_the_working_database_is_refused_by_name(
    warehouse_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A profiles.yml copied before runs built into build/ would put the marts where the gates
    don't look; every command stops before writing anything and says how to fix it."""
    from orchestration import settings

    old_profile = tmp_path / "profiles.yml"
    example = (settings.PROJECT_DIR / "profiles.example.yml").read_text()
    old_profile.write_text(example.replace("/build/funnel_build.duckdb", "/funnel.duckdb"))
    monkeypatch.setattr(settings, "ensure_profiles", lambda: old_profile)
    assert main(["generate", "--leads", "50"]) == 2
    error = capsys.readouterr().err
    assert str(warehouse_dir / "funnel.duckdb") in error
    assert "build/funnel_build.duckdb" in error
    assert not (warehouse_dir / "build").exists()

    old_profile.write_text(example)
    assert settings.stale_profile_problem() is None
