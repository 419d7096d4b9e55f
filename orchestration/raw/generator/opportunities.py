"""Deals: new business from converted leads, then renewals and expansions on customers, each
walking Salesforce's default stages and recorded in opportunity history.

A deal's history holds one row per change a rep makes: a stage entered, an amount revised, the
expected close date moved, the forecast category changed (Pipeline -> Best Case -> Commit), and
the close. Reps commit the deals they expect to win this quarter or within the coming weeks (at
the forecast call before the quarter, or weeks before the close); some committed deals slip or
are lost, some wins come from Best Case. Before a deal is committed its rep re-dates it when its
close date passes; deals that stall (no decision) are re-dated for a while, then left to go stale
and closed lost in a pipeline clean-up months later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    position_in_group,
    segment_starts,
)

NEW_BUSINESS, EXPANSION, RENEWAL = "New Business", "Expansion", "Renewal"
OPPORTUNITY_TYPES = (NEW_BUSINESS, EXPANSION, RENEWAL)
N_OPEN = len(vocab.OPEN_OPPORTUNITY_STAGES)
WON_INDEX, LOST_INDEX = N_OPEN, N_OPEN + 1
STAGE_NAMES = (*vocab.OPEN_OPPORTUNITY_STAGES, vocab.WON, vocab.LOST)
PIPELINE, BEST_CASE, COMMIT, CLOSED, OMITTED = range(5)
FORECAST_CATEGORIES = ("Pipeline", "Best Case", "Commit", "Closed", "Omitted")
# The API values of the same categories (opportunity.forecast_category beside the label).
FORECAST_CATEGORY_API_VALUES = ("Pipeline", "BestCase", "Forecast", "Closed", "Omitted")
DAY = SECONDS_PER_DAY
REDATES = 6  # at most this many re-dates before a deal is committed or closed


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
    category: np.ndarray  # current forecast category index into FORECAST_CATEGORIES
    # history: one row per change, each carrying the deal's full state after it
    history_opportunity: np.ndarray
    history_stage: np.ndarray
    history_at: np.ndarray
    history_amount: np.ndarray
    history_close_at: np.ndarray
    history_category: np.ndarray

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
    lift: np.ndarray | None = None,
) -> Opportunities:
    """`lift` (per converted person, default 1) scales a new-business deal's odds of a win: the
    more engaged the buyer, the likelier the deal closes won."""
    # New business from conversions: a third won, some lost, the rest open or stalled.
    account = person_account[converted_person]
    created = np.minimum(converted_at + rng.uniform(60, 900, len(converted_person)), as_of)
    employees = account_employees[account]
    base_amount = np.select(
        [employees < 100, employees < 1000], [8_000.0, 30_000.0], default=120_000.0
    )
    amount = np.round(base_amount * rng.lognormal(0, 0.5, len(account)), -2)
    win = 0.32 * (np.ones(len(account)) if lift is None else lift)
    win = np.clip(win, 0.05, 0.75)
    parts: list[tuple[Any, ...]] = [
        (account, converted_person, np.zeros(len(account), int), created, amount, win, 0.63)
    ]

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
            0.5,
        ),
        (
            won_account[expand],
            np.full(expand.sum(), -1),
            np.full(expand.sum(), 1),
            expansion_at[expand],
            np.round(won_amount[expand] * rng.uniform(0.2, 0.6, expand.sum()), -2),
            0.45,
            0.64,
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
    win = np.concatenate([np.broadcast_to(p[5], len(p[0])) for p in parts])
    lose = np.concatenate([np.broadcast_to(p[6], len(p[0])) for p in parts])
    n = len(account)
    # Outcomes: won, lost, or no decision (stalls, then a clean-up closes it lost).
    draw = rng.random(n)
    won = draw < win
    # `lose`: the share of the deals not won that are lost; the rest stall.
    stalls = ~won & (draw >= win + (1 - win) * lose)
    renewal = type_index == 2
    steps = np.where(renewal, rng.integers(1, 3, n), rng.integers(1, N_OPEN + 1, n))
    stage_at, stage_deal, stage_index, close_at = _stages(rng, created, steps, renewal, stalls)
    plan = _forecast_plan(rng, created, close_at, won, stalls, renewal, amount)
    rows = _history_rows(rng, created, close_at, won, stalls, plan)
    later = stage_index > 0  # the creation row is the first stage's
    rows.append(
        (stage_deal[later], stage_at[later], stage_index[later], None, None, _revisions(rng, later))
    )
    rows.append(
        (
            np.arange(n),
            close_at,
            np.where(won, WON_INDEX, LOST_INDEX),
            np.where(won, CLOSED, OMITTED),
            close_at,
            None,
        )
    )
    history = _merge(rows, as_of, amount)
    h_deal, h_at, h_stage, h_category, h_close, h_amount = history
    last_row = np.zeros(n, dtype=np.int64)
    last_row[h_deal] = np.arange(len(h_deal))  # later rows overwrite earlier ones
    closed = h_stage[last_row] >= N_OPEN
    owner = owners[account] if owners is not None else np.zeros(n, dtype=np.int64)
    return Opportunities(
        account=account,
        person=person,
        type_index=type_index,
        owner=owner,
        created_at=created,
        amount=h_amount[last_row],
        stage=h_stage[last_row],
        closed_at=np.where(closed, h_at[last_row], np.nan),
        expected_close_at=h_close[last_row],
        last_modified_at=h_at[last_row],
        category=h_category[last_row],
        history_opportunity=h_deal,
        history_stage=h_stage,
        history_at=h_at,
        history_amount=h_amount,
        history_close_at=h_close,
        history_category=h_category,
    )


def _stages(rng, created, steps, renewal, stalls):
    """Stage entries (renewals jump from Prospecting to Negotiation) and the close: a few weeks
    between stages; a stalled deal sits in its last stage for months until the clean-up."""
    n = len(created)
    deal = np.repeat(np.arange(n), steps)
    position = position_in_group(steps)
    gap = rng.uniform(5, 30, len(deal)) * DAY
    gap[position == 0] = 0
    running = np.cumsum(gap)
    starts = segment_starts(steps)
    at = created[deal] + running - np.repeat(running[starts], steps)
    stage = np.minimum(position, N_OPEN - 1)
    stage = np.where(renewal[deal] & (position > 0), N_OPEN - 1, stage)
    last_stage_at = at[starts + steps - 1]
    close_gap = np.where(stalls, rng.uniform(90, 240, n), rng.uniform(5, 30, n)) * DAY
    return at, deal, stage, last_stage_at + close_gap


def _quarter_start(at: np.ndarray) -> np.ndarray:
    month = at.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return (month - month % 3).astype("datetime64[M]").astype("datetime64[s]").astype(float)


def _forecast_plan(rng, created, close_at, won, stalls, renewal, amount):
    """When each deal reaches Best Case and Commit (NaN: never), and the close date set then."""
    n = len(created)
    span = close_at - created
    decided = ~stalls
    # Big deals get the forecast call's scrutiny: nearly all wins committed, fewer false calls.
    big = amount >= 100_000
    committed = won & (rng.random(n) < np.where(big | renewal, 0.95, 0.85))
    committed |= decided & ~won & (rng.random(n) < np.where(big, 0.12, 0.22))  # then lost
    # The forecast call before the quarter it closes in, or a few weeks before the close.
    call = _quarter_start(close_at) - rng.uniform(0, 10, n) * DAY
    weeks_before = close_at - rng.uniform(7, 35, n) * DAY
    earliest = created + rng.uniform(0.1, 0.3, n) * span
    commit_at = np.where(committed, np.maximum(np.minimum(call, weeks_before), earliest), np.nan)
    # A won deal's committed date is mostly right; a quarter of reps are optimistic and slip.
    optimistic = won & (rng.random(n) < 0.2)
    commit_close = np.where(
        won,
        close_at + np.where(optimistic, -rng.uniform(7, 30, n), rng.uniform(-5, 5, n)) * DAY,
        close_at + rng.uniform(0, 30, n) * DAY,
    )
    commit_close = np.maximum(commit_close, commit_at + DAY)
    slips = committed & won & (commit_close < close_at - 2 * DAY)
    slip_at = np.where(
        slips,
        np.clip(commit_close + rng.uniform(-2, 4, n) * DAY, commit_at + 3600, close_at - 3600),
        np.nan,
    )
    best_case = committed | won | (decided & (rng.random(n) < 0.6)) | (rng.random(n) < 0.3)
    reference = np.where(committed, commit_at, close_at)
    raw = np.where(
        committed,
        commit_at - rng.uniform(5, 40, n) * DAY,
        np.where(
            stalls, created + rng.uniform(10, 60, n) * DAY, close_at - rng.uniform(10, 60, n) * DAY
        ),
    )
    lower = created + rng.uniform(0.1, 0.4, n) * (reference - created)
    best_case_at = np.where(best_case, np.clip(raw, lower, reference - 3600), np.nan)
    return best_case_at, commit_at, commit_close, slip_at


def _redates(rng, created, close_at, won, stalls, until):
    """Close dates a rep sets before `until` (the commit or the close): the first plan at
    creation, then a new date each time the old one passes (give or take a week); once the close
    is near the rep knows it. Stalled deals lose their rep's attention, re-date by re-date."""
    n = len(created)
    deals, times, dates = [np.arange(n)], [created], []
    planned = created + rng.uniform(30, 90, n) * DAY
    dates.append(planned)
    tended = np.ones(n, dtype=bool)
    previous = created
    decided = ~stalls
    for _ in range(REDATES):
        tended &= ~stalls | (rng.random(n) < 0.7)
        redate_at = np.maximum(planned + rng.uniform(-7, 10, n) * DAY, previous + 3600)
        active = tended & (planned < until - DAY) & (redate_at < until)
        near = decided & (close_at - redate_at < 60 * DAY)
        known = np.maximum(close_at + rng.uniform(-5, 10, n) * DAY, redate_at + 3 * DAY)
        new_date = np.where(near, known, redate_at + rng.uniform(21, 60, n) * DAY)
        deals.append(np.flatnonzero(active))
        times.append(redate_at[active])
        dates.append(new_date[active])
        planned = np.where(active, new_date, planned)
        previous = np.where(active, redate_at, previous)
        tended &= active
    return np.concatenate(deals), np.concatenate(times), np.concatenate(dates)


def _history_rows(rng, created, close_at, won, stalls, plan):
    """Rows (deal, at, stage, category, close date, amount), None where a row leaves a value as
    it was: the creation, re-dates, Best Case, Commit and slips."""
    best_case_at, commit_at, commit_close, slip_at = plan
    until = np.fmin(commit_at, close_at)
    r_deal, r_at, r_date = _redates(rng, created, close_at, won, stalls, until)
    n = len(created)
    creation = np.arange(len(r_deal)) < n  # the first n rows are the creation
    rows = [
        (
            r_deal,
            r_at,
            np.where(creation, 0, np.nan),
            np.where(creation, PIPELINE, np.nan),
            r_date,
            None,
        )
    ]
    for at, category, date in (
        (best_case_at, BEST_CASE, None),
        (commit_at, COMMIT, commit_close),
        (slip_at, None, close_at + rng.uniform(-3, 3, n) * DAY),
    ):
        happens = ~np.isnan(at)
        rows.append(
            (
                np.flatnonzero(happens),
                at[happens],
                None,
                None if category is None else np.full(happens.sum(), category),
                None if date is None else date[happens],
                None,
            )
        )
    return rows


def _revisions(rng, rows: np.ndarray) -> np.ndarray:
    """Amount changes on some stage rows (a factor; NaN: unchanged)."""
    n = int(rows.sum())
    return np.where(rng.random(n) < 0.15, rng.uniform(0.8, 1.2, n), np.nan)


def _merge(rows, as_of, amount):
    """History rows in time order per deal up to as_of, each carrying forward the stage,
    category and close date rows before it set, and the amount revised by every factor so far."""
    deal = np.concatenate([r[0] for r in rows]).astype(np.int64)
    at = np.concatenate([r[1] for r in rows])

    def column(index: int) -> np.ndarray:
        return np.concatenate(
            [
                np.full(len(r[0]), np.nan) if r[index] is None else np.asarray(r[index], float)
                for r in rows
            ]
        )

    columns = [column(2), column(3), column(4), column(5)]
    keep = at <= as_of
    order = np.lexsort((at[keep], deal[keep]))
    deal, at = deal[keep][order], at[keep][order]
    stage, category, close, factor = (c[keep][order] for c in columns)
    log_factor = np.cumsum(np.log(np.nan_to_num(factor, nan=1.0)))
    first = np.searchsorted(deal, deal)
    revised = amount[deal] * np.exp(log_factor - log_factor[first])
    return (
        deal,
        at,
        _forward(stage).astype(np.int64),
        _forward(category).astype(np.int64),
        _forward(close),
        np.round(revised, -2),
    )


def _forward(values: np.ndarray) -> np.ndarray:
    """Fill NaNs with the last value before them (each deal's first row has every value)."""
    index = np.where(np.isnan(values), 0, np.arange(len(values)))
    return values[np.maximum.accumulate(index)]
