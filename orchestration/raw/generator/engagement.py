"""Marketing engagement that moves the lead score: form fills, email clicks, key page visits and
program successes. The score crossing the agreed threshold (usually) triggers the MQL."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.raw.generator.columns import SECONDS_PER_DAY, position_in_group, segment_starts

MQL_THRESHOLD = 100
# Trigger kinds and the points the MAS scoring program gives them.
FORM, CLICK, VISIT, PROGRAM = 0, 1, 2, 3
POINTS = np.array([30, 10, 5, 20])
KIND_WEIGHTS = np.array([0.2, 0.15, 0.5, 0.15])
REASONS = ("Filled out form", "Clicked email", "Visited key page", "Program success")


@dataclass
class Triggers:
    person: np.ndarray
    cycle: np.ndarray
    at: np.ndarray
    kind: np.ndarray
    program: np.ndarray
    score_after: np.ndarray

    @property
    def points(self) -> np.ndarray:
        return POINTS[self.kind]

    @staticmethod
    def concat(parts: list[Triggers]) -> Triggers:
        return Triggers(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Triggers.__annotations__)
        )


def _scores(person: np.ndarray, cycle: np.ndarray, at: np.ndarray, points: np.ndarray):
    """Cumulative score within each person x cycle (the MAS resets the score on recycle)."""
    order = np.lexsort((at, cycle, person))
    sorted_points = points[order]
    keys = person[order] * 8 + cycle[order]
    new_group = np.concatenate([[True], keys[1:] != keys[:-1]])
    sizes = np.diff(np.flatnonzero(np.concatenate([new_group, [True]])))
    running = np.cumsum(sorted_points)
    group_base = np.repeat(
        running[segment_starts(sizes)] - sorted_points[segment_starts(sizes)], sizes
    )
    score = np.empty_like(running)
    score[order] = running - group_base
    return score


def _make(
    rng: np.random.Generator,
    person: np.ndarray,
    cycle: np.ndarray,
    at: np.ndarray,
    programs: int,
) -> Triggers:
    kind = rng.choice(len(POINTS), len(person), p=KIND_WEIGHTS)
    return Triggers(
        person=person,
        cycle=cycle,
        at=at,
        kind=kind,
        program=rng.integers(1, programs + 1, len(person)),
        score_after=np.zeros(len(person), dtype=np.int64),
    )


def first_cycle_triggers(
    rng: np.random.Generator,
    inbound: np.ndarray,
    created_at: np.ndarray,
    as_of: float,
    programs: int,
) -> Triggers:
    """Engagement from each inbound person's creation; some people engage far more than others."""
    intensity = rng.lognormal(1.55, 0.8, len(inbound))
    counts = np.minimum(rng.poisson(intensity), 40)
    person = np.repeat(inbound, counts)
    gaps = rng.exponential(4.0 * SECONDS_PER_DAY, len(person))
    gaps[segment_starts(counts)[counts > 0]] = rng.uniform(0, 3600, int((counts > 0).sum()))
    offsets = _grouped_cumsum(gaps, counts)
    at = created_at[person] + offsets
    keep = at <= as_of
    triggers = _make(
        rng, person[keep], np.ones(int(keep.sum()), dtype=np.int64), at[keep], programs
    )
    return triggers


def requalifying_triggers(
    rng: np.random.Generator,
    person: np.ndarray,
    cycle: np.ndarray,
    recycled_at: np.ndarray,
    requalified_at: np.ndarray,
    programs: int,
) -> Triggers:
    """Nurture engagement between a recycle and the next MQL, enough to re-cross the threshold."""
    counts = rng.integers(9, 14, len(person))
    flat_person = np.repeat(person, counts)
    flat_cycle = np.repeat(cycle, counts)
    span = np.repeat(requalified_at - recycled_at, counts)
    position = position_in_group(counts)
    fraction = (position + rng.random(len(flat_person))) / np.repeat(counts, counts)
    at = np.repeat(recycled_at, counts) + fraction * span * 0.98
    triggers = _make(rng, flat_person, flat_cycle, at, programs)
    # Nurture content converts: make sure the last trigger pushes the score over the line.
    triggers.kind[np.cumsum(counts) - 1] = FORM
    return triggers


def finalize_scores(triggers: Triggers) -> Triggers:
    triggers.score_after = _scores(triggers.person, triggers.cycle, triggers.at, triggers.points)
    return triggers


def threshold_crossings(triggers: Triggers, people: int) -> np.ndarray:
    """When each person's cycle-1 score first reached the threshold (NaN if never)."""
    crossed = (triggers.cycle == 1) & (triggers.score_after >= MQL_THRESHOLD)
    crossing = np.full(people, np.inf)
    np.minimum.at(crossing, triggers.person[crossed], triggers.at[crossed])
    crossing[np.isinf(crossing)] = np.nan
    return crossing


def _grouped_cumsum(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    running = np.cumsum(values)
    starts = segment_starts(sizes)
    base = np.repeat(running[starts[sizes > 0]] - values[starts[sizes > 0]], sizes[sizes > 0])
    return running - base
