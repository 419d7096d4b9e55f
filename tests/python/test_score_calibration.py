"""What the threshold review reads: the lead-score calibration and the scoring audit on generated
data. Engagement that earns points raises the odds of conversion, so leads scored at or above
the agreed threshold are accepted and won more often than those below it; the MAS scores by the
agreed rules, so the audit flags only the leads a legacy campaign scored differently."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orchestration.pipeline import PipelineOutcome

Built = tuple[Path, PipelineOutcome]


def _frame(built: Built, sql: str) -> pd.DataFrame:
    working, _ = built
    with duckdb.connect(str(working), read_only=True) as connection:
        return connection.execute(sql).df()


def test_sales_ready_bands_are_accepted_and_won_more_often_than_the_bands_below(
    built: Built,
) -> None:
    bands = _frame(
        built,
        "select score_band, is_sales_ready_band, mqls, reached_sal, won "
        "from marts.mart_lead_score_calibration where score_band <> 'unscored'",
    )
    by_side = bands.groupby("is_sales_ready_band")[["mqls", "reached_sal", "won"]].sum()
    assert set(by_side.index) == {True, False}, bands
    rates = by_side.assign(
        sal_rate=lambda f: f.reached_sal / f.mqls, win_rate=lambda f: f.won / f.mqls
    )
    assert rates.loc[True, "sal_rate"] > rates.loc[False, "sal_rate"] + 0.1, rates
    assert rates.loc[True, "win_rate"] > rates.loc[False, "win_rate"], rates


def test_unscored_mqls_are_persons_the_mas_never_scored_not_a_score_of_zero(built: Built) -> None:
    unscored = _frame(
        built,
        "select count(*) as mqls, count(dim_person.mas_lead_id) as known_to_mas "
        "from marts.fct_lead_score_audit as audit "
        "inner join marts.dim_person as dim_person on audit.person_key = dim_person.person_key "
        "where audit.mql_at is not null and audit.mas_score_at_mql is null",
    )
    calibration = _frame(
        built,
        "select coalesce(sum(mqls), 0) as mqls from marts.mart_lead_score_calibration "
        "where score_band = 'unscored'",
    )
    assert int(calibration.mqls[0]) == int(unscored.mqls[0])
    zero_band = _frame(
        built,
        "select coalesce(sum(mqls), 0) as mqls from marts.mart_lead_score_calibration "
        "where band_floor = 0",
    )
    scored_below_25 = _frame(
        built,
        "select count(*) as mqls from marts.fct_lead_score_audit "
        "where mql_at is not null and mas_score_at_mql < 25",
    )
    assert int(zero_band.mqls[0]) == int(scored_below_25.mqls[0])


def test_the_audit_flags_the_legacy_scored_leads_and_almost_nobody_else(built: Built) -> None:
    findings = _frame(
        built,
        "select audit_finding, count(*) as cycles from marts.fct_lead_score_audit "
        "where mql_at is not null group by audit_finding",
    ).set_index("audit_finding")["cycles"]
    disagree = int(findings.get("mas_and_rules_disagree", 0))
    share = disagree / int(findings.sum())
    # 4% of inbound people get legacy points; before the MAS scored by the rules, 67% disagreed.
    assert 0.01 < share < 0.10, findings
