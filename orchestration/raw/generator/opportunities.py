"""Deals: new business from converted leads, then renewals and expansions on customers, each
walking Salesforce's default stages and recorded in opportunity history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import SECONDS_PER_DAY, position_in_group

NEW_BUSINESS, EXPANSION, RENEWAL = "New Business", "Expansion", "Renewal"
OPPORTUNITY_TYPES = (NEW_BUSINESS, EXPANSION, RENEWAL)
N_OPEN = len(vocab.OPEN_OPPORTUNITY_STAGES)
WON_INDEX, LOST_INDEX = N_OPEN, N_OPEN + 1
STAGE_NAMES = (*vocab.OPEN_OPPORTUNITY_STAGES, vocab.WON, vocab.LOST)


@dataclass
class Opportunities:
    account: np.ndarray
    person: np.ndarray  # -1 for renewals and expansions
    type_index: np.ndarray
    owner: np.ndarray
    created_at: np.ndarray
    amount: np.ndarray
    stage: np.ndarray  # current stage index into STAGE_NAMES
    closed_at: np.ndarray  # NaN while open
    expected_close_at: np.ndarray
    last_modified_at: np.ndarray
    # history: one row per stage entered, plus amount revisions
    history_opportunity: np.ndarray
    history_stage: np.ndarray
    history_at: np.ndarray
    history_amount: np.ndarray
    history_close_at: np.ndarray

    @property
    def count(self) -> int:
        return len(self.account)


def make_opportunities(
    rng: np.random.Generator,
    as_of: float,
    converted_person: np.ndarray,
    converted_at: np.ndarray,
    person_account: np.ndarray,
    account_employees: np.ndarray,
    account_owner: np.ndarray,
) -> Opportunities:
    # New business from conversions: a third won, some lost, the rest open or stalled.
    account = person_account[converted_person]
    created = np.minimum(converted_at + rng.uniform(60, 900, len(converted_person)), as_of)
    employees = account_employees[account]
    base_amount = np.select(
        [employees < 100, employees < 1000], [8_000.0, 30_000.0], default=120_000.0
    )
    amount = np.round(base_amount * rng.lognormal(0, 0.5, len(account)), -2)
    parts = [(account, converted_person, np.zeros(len(account), int), created, amount, 0.32, 0.43)]

    first = _assemble(rng, as_of, parts)
    won_nb = first.stage == WON_INDEX
    won_at = first.closed_at[won_nb]
    # Renewals a year after a win; expansions on a quarter of new customers.
    renewal_at = won_at + 335 * SECONDS_PER_DAY
    renew = renewal_at <= as_of
    expand = rng.random(len(won_at)) < 0.25
    expansion_at = won_at + rng.uniform(60, 300, len(won_at)) * SECONDS_PER_DAY
    expand &= expansion_at <= as_of
    won_account = first.account[won_nb]
    won_amount = first.amount[won_nb]
    parts = [
        parts[0],
        (
            won_account[renew],
            np.full(renew.sum(), -1),
            np.full(renew.sum(), 2),
            renewal_at[renew],
            np.round(won_amount[renew] * rng.uniform(0.95, 1.15, renew.sum()), -2),
            0.8,
            0.1,
        ),
        (
            won_account[expand],
            np.full(expand.sum(), -1),
            np.full(expand.sum(), 1),
            expansion_at[expand],
            np.round(won_amount[expand] * rng.uniform(0.2, 0.6, expand.sum()), -2),
            0.45,
            0.35,
        ),
    ]
    result = _assemble(rng, as_of, parts, owners=account_owner)
    return result


def _assemble(rng, as_of, parts, owners: np.ndarray | None = None) -> Opportunities:
    account = np.concatenate([p[0] for p in parts]).astype(np.int64)
    person = np.concatenate([p[1] for p in parts]).astype(np.int64)
    type_index = np.concatenate([p[2] for p in parts]).astype(np.int64)
    created = np.concatenate([p[3] for p in parts])
    amount = np.concatenate([p[4] for p in parts])
    win = np.concatenate([np.full(len(p[0]), p[5]) for p in parts])
    lose = np.concatenate([np.full(len(p[0]), p[6]) for p in parts])
    n = len(account)
    # per-deal odds: draw outcome against each deal's own win/lose rates
    outcome_draw = rng.random(n)
    closes = outcome_draw < win + lose
    won = outcome_draw < win
    steps = np.where(type_index == 2, rng.integers(1, 3, n), rng.integers(1, N_OPEN + 1, n))
    rows = steps + closes
    position = position_in_group(rows)
    deal = np.repeat(np.arange(n), rows)
    gap = rng.uniform(5, 30, len(deal)) * SECONDS_PER_DAY
    gap[position == 0] = 0
    running = np.cumsum(gap)
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]])
    at = created[deal] + running - np.repeat(running[starts], rows)
    is_close = closes[deal] & (position == rows[deal] - 1)
    open_stage = np.minimum(position, N_OPEN - 1)
    if (type_index == 2).any():  # renewals jump to negotiation
        open_stage = np.where(
            type_index[deal] == 2, np.where(position == 0, 0, N_OPEN - 1), open_stage
        )
    stage = np.where(is_close, np.where(won[deal], WON_INDEX, LOST_INDEX), open_stage)
    final_step_at = at[starts + rows - 1]  # the close, for a deal that closes
    happened = at <= as_of
    deal, stage, at = deal[happened], stage[happened], at[happened]
    history_amount = amount[deal].copy()
    revised = (rng.random(len(deal)) < 0.15) & (stage < N_OPEN)
    history_amount[revised] = np.round(
        history_amount[revised] * rng.uniform(0.7, 1.3, revised.sum()), -2
    )
    # the deal's amount is its latest history amount
    last_row = np.zeros(n, dtype=np.int64)
    last_row[deal] = np.arange(len(deal))  # later rows overwrite earlier ones
    current_stage = stage[last_row]
    closed = current_stage >= N_OPEN
    closed_at = np.where(closed, at[last_row], np.nan)
    planned_close = created + rng.uniform(30, 120, n) * SECONDS_PER_DAY
    # Reps date a deal that will close near its real close (a fixed per-deal slip of -10 to +20
    # days, so forecasts are neither perfect nor random); a deal that stalls keeps its plan.
    estimate_slip = ((np.arange(n) * 7919) % 31 - 10) * SECONDS_PER_DAY
    rep_estimate = np.where(closes, final_step_at + estimate_slip, planned_close)
    expected_close = np.where(closed, closed_at, rep_estimate)
    history_close = np.where(stage >= N_OPEN, at, rep_estimate[deal])
    owner = owners[account] if owners is not None else np.zeros(n, dtype=np.int64)
    return Opportunities(
        account=account,
        person=person,
        type_index=type_index,
        owner=owner,
        created_at=created,
        amount=history_amount[last_row],
        stage=current_stage,
        closed_at=closed_at,
        expected_close_at=expected_close,
        last_modified_at=at[last_row],
        history_opportunity=deal,
        history_stage=stage,
        history_at=at,
        history_amount=history_amount,
        history_close_at=history_close,
    )
