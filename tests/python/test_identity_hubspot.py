"""Identity resolution when HubSpot is the only system, both CRM and MAS of record: every live
contact that was not merged into another is one person, and a merged-away contact (gone from the
contact table or deleted, named by its survivor's hs_calculated_merged_vids) is its survivor's
person, wherever in the chain it was merged. dim_person gives the contact id as the person's
record in the CRM of record and in the MAS of record."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from project_tools import run_project_tool

from orchestration.raw.generator import generate

AS_OF = datetime(2026, 11, 1)


@pytest.fixture(scope="module")
def hubspot_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 generated people rendered as HubSpot alone, built up to dim_person."""
    directory = tmp_path_factory.mktemp("hubspot_identity")
    database = directory / "build" / "funnel_build.duckdb"
    database.parent.mkdir()
    generate(database, leads=1500, seed=7, as_of=AS_OF, systems=("hubspot",))
    result = run_project_tool(
        "dbt",
        [
            "build",
            "--select",
            "+dim_person",
            "--exclude",
            "test_type:unit",
            "--indirect-selection",
            "cautious",
            "--vars",
            f"{{as_of: '{AS_OF.isoformat(sep=' ')}'}}",
            "--target-path",
            str(directory / "target"),
            "--log-path",
            str(directory / "logs"),
        ],
        directory,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return database


def _rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _merges(database: Path) -> dict[int, int]:
    """Merged-away contact id -> the live contact whose hs_calculated_merged_vids names it, read
    from the raw contacts (`<id>:<epoch ms>` items separated by ';')."""
    merges: dict[int, int] = {}
    for survivor, merged_vids in _rows(
        database,
        "select id, property_hs_calculated_merged_vids from hubspot.contact "
        "where not coalesce(_fivetran_deleted, false) "
        "and coalesce(trim(property_hs_calculated_merged_vids), '') <> ''",
    ):
        for item in merged_vids.split(";"):
            if item.strip():
                merges[int(item.split(":")[0])] = int(survivor)
    return merges


def test_every_contact_not_merged_away_is_one_person(hubspot_build: Path) -> None:
    merges = _merges(hubspot_build)
    assert len(merges) >= 5, "the generation should merge some contacts"
    live = {
        int(row[0])
        for row in _rows(
            hubspot_build,
            "select distinct id from hubspot.contact where not coalesce(_fivetran_deleted, false)",
        )
    }
    expected = live - set(merges)
    persons = _rows(
        hubspot_build,
        "select count(*), count(distinct person_key), count(crm_contact_id), "
        "count(*) filter (where crm_contact_id = cast(mas_lead_id as varchar)), "
        "count(*) filter (where is_known_to_crm and is_known_to_mas), count(crm_lead_id) "
        "from marts.dim_person",
    )[0]
    assert persons == (
        len(expected),
        len(expected),
        len(expected),
        len(expected),
        len(expected),
        0,
    ), persons
    published = {
        int(row[0]) for row in _rows(hubspot_build, "select crm_contact_id from marts.dim_person")
    }
    assert published == expected, (
        f"contacts without a person: {sorted(expected - published)[:10]}; "
        f"merged-away or unknown contacts published: {sorted(published - expected)[:10]}"
    )


def test_a_merged_away_contact_is_its_survivors_person(hubspot_build: Path) -> None:
    merges = _merges(hubspot_build)
    person_of = {
        int(record_id): (person_key, match_rule)
        for record_id, person_key, match_rule in _rows(
            hubspot_build,
            "select source_record_id, person_key, match_rule "
            "from intermediate.int_persons_resolved where record_system = 'hubspot'",
        )
    }
    apart = {
        merged: survivor
        for merged, survivor in merges.items()
        if person_of.get(merged, (None,))[0] != person_of[survivor][0]
    }
    assert not apart, f"merged-away contact -> survivor with another person: {apart}"
    assert all(person_of[merged][1] == "merged_into_survivor" for merged in merges)
    merged_pair = next(iter(merges.items()))
    keys = {person_of[contact_id][0] for contact_id in merged_pair}
    assert len(keys) == 1, merged_pair
