"""Who buys: personas from job titles (seed personas), company size bands, and the industry,
company_size and persona breakdowns of the conversion and win-rate KPIs in mart_shared_kpis."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from recompute.raw import SEEDS, seed

from orchestration.pipeline import PipelineOutcome
from orchestration.raw.generator import vocabulary

ICP_BREAKDOWNS = ("industry", "company_size", "persona")
ICP_KPIS = (
    "lead_to_mql_rate",
    "mql_to_sal_rate",
    "sal_to_sql_rate",
    "sql_to_opportunity_rate",
    "mql_to_won_rate",
    "win_rate_count",
    "win_rate_amount",
    "pipeline_cohort_win_rate",
)
GENERATED_TITLES = {
    "VP Marketing": "marketing_leader",
    "Director of Sales": "sales_leader",
    "CTO": "technical",
    "Head of Operations": "operations",
    "Marketing Manager": "marketing_practitioner",
    "Analyst": "individual_contributor",
    "CFO": "finance",
    "Engineer": "technical",
}
# Titles as real CRMs hold them, and the persona the agreement gives each.
REAL_TITLES = {
    "Chief Marketing Officer": "marketing_leader",
    "CMO": "marketing_leader",
    "Vice President, Marketing": "marketing_leader",
    "Head of Marketing": "marketing_leader",
    "Director of Demand Generation": "marketing_leader",
    "Senior Director, Product Marketing": "marketing_leader",
    "Chief Revenue Officer": "sales_leader",
    "VP of Sales": "sales_leader",
    "Regional Sales Manager": "sales_leader",
    "Chief Financial Officer": "finance",
    "Finance Manager": "finance",
    "Financial Analyst": "finance",
    "Controller": "finance",
    "CIO": "technical",
    "VP Engineering": "technical",
    "IT Manager": "technical",
    "Senior Software Developer": "technical",
    "Solutions Architect": "technical",
    "COO": "operations",
    "Director of Revenue Operations": "operations",
    "RevOps Lead": "operations",
    "CEO": "executive",
    "Co-Founder": "executive",
    "Owner": "executive",
    "Content Marketing Manager": "marketing_practitioner",
    "Demand Generation Specialist": "marketing_practitioner",
    "Account Executive": "sales_practitioner",
    "SDR": "sales_practitioner",
    "Business Development Representative": "sales_practitioner",
    "Data Analyst": "individual_contributor",
    "Project Coordinator": "individual_contributor",
    "Office Manager": "individual_contributor",
}


def _persona_of(titles: list[str]) -> dict[str, str]:
    """The agreement applied as dim_person applies it: the lower-cased, trimmed title LIKE a
    pattern, the lowest priority winning."""
    with duckdb.connect() as connection:
        connection.execute(
            "create table personas as select * from read_csv(?, all_varchar = true)",
            [str(SEEDS / "personas.csv")],
        )
        connection.execute("create table titles (title varchar)")
        connection.executemany("insert into titles values (?)", [[t] for t in titles])
        rows = connection.execute(
            """
            select title, arg_min(persona_code, (cast(priority as integer), persona_code))
            from titles
            inner join personas on lower(trim(title)) like lower(title_pattern)
            group by title
            """
        ).fetchall()
    return dict(rows)


def test_generated_titles_have_their_persona_in_the_warehouse(
    built: tuple[Path, PipelineOutcome],
) -> None:
    assert set(GENERATED_TITLES) == set(vocabulary.TITLES)
    with duckdb.connect(str(built[0]), read_only=True) as connection:
        rows = connection.execute(
            "select distinct title, persona_code from marts.dim_person where title is not null"
        ).fetchall()
    generated = {title: persona for title, persona in rows if title in GENERATED_TITLES}
    assert generated == {title: GENERATED_TITLES[title] for title in generated}
    assert len(generated) >= 6, rows


def test_real_world_titles_map_to_the_agreed_persona() -> None:
    assert _persona_of(list(REAL_TITLES)) == REAL_TITLES


def test_an_unknown_title_matches_no_pattern() -> None:
    assert _persona_of(["Beekeeper", "Pilot"]) == {}


def test_company_size_bands_nest_in_segments_without_gaps() -> None:
    sizes = seed("company_sizes").sort_values("min_employees")
    upper = sizes["max_employees"].iloc[:-1].astype(int).to_numpy()
    assert (sizes["min_employees"].iloc[1:].to_numpy() == upper + 1).all()
    assert sizes["min_employees"].iloc[0] == 0 and pd.isna(sizes["max_employees"].iloc[-1])
    for segment in seed("segments").itertuples():
        assert segment.min_employees in set(sizes["min_employees"]), segment


@pytest.fixture(scope="module")
def kpis(built: tuple[Path, PipelineOutcome]) -> pd.DataFrame:
    with duckdb.connect(str(built[0]), read_only=True) as connection:
        return connection.execute(
            "select period_grain, period_start_date, breakdown, breakdown_value, kpi_code, "
            "numerator, denominator, kpi_value, pending_count from marts.mart_shared_kpis "
            "where kpi_code in ?",
            [list(ICP_KPIS)],
        ).df()


def test_every_icp_breakdown_of_every_kpi_is_published(kpis: pd.DataFrame) -> None:
    published = set(kpis.loc[kpis["breakdown"].isin(ICP_BREAKDOWNS), "kpi_code"])
    assert published == set(ICP_KPIS)
    for breakdown in ICP_BREAKDOWNS:
        values = set(kpis.loc[kpis["breakdown"] == breakdown, "breakdown_value"])
        assert len(values) >= 3, (breakdown, values)
    personas = set(seed("personas")["persona_code"]) | {"unclassified", "unknown"}
    sizes = set(seed("company_sizes")["company_size_code"]) | {"unknown"}
    assert set(kpis.loc[kpis["breakdown"] == "persona", "breakdown_value"]) <= personas
    assert set(kpis.loc[kpis["breakdown"] == "company_size", "breakdown_value"]) <= sizes


def test_icp_numerators_and_denominators_add_up_to_the_total(kpis: pd.DataFrame) -> None:
    keys = ["period_grain", "period_start_date", "kpi_code"]
    totals = kpis[kpis["breakdown"] == "total"].set_index(keys)
    problems = []
    for breakdown in ICP_BREAKDOWNS:
        parts = (
            kpis[kpis["breakdown"] == breakdown]
            .groupby(keys)[["numerator", "denominator", "pending_count"]]
            .sum(min_count=1)
        )
        joined = totals.join(parts.add_suffix("_parts"), how="outer")
        for column in ("numerator", "denominator", "pending_count"):
            whole, summed = joined[column].fillna(0), joined[f"{column}_parts"].fillna(0)
            differs = ~pd.Series(
                [
                    math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
                    for a, b in zip(whole, summed, strict=True)
                ],
                index=joined.index,
            )
            problems += [f"{breakdown} {column} {key}" for key in joined.index[differs]]
    assert not problems, "\n".join(problems[:20])
    assert (totals["denominator"] > 0).any()


def test_each_icp_rate_is_its_numerator_over_its_denominator(kpis: pd.DataFrame) -> None:
    rows = kpis[kpis["breakdown"].isin(ICP_BREAKDOWNS) & (kpis["denominator"] > 0)]
    assert len(rows) > 100
    expected = rows["numerator"] / rows["denominator"]
    assert ((rows["kpi_value"] - expected).abs() < 1e-9).all()
