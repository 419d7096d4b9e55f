"""Marketing engagement that moves the lead score: form fills, email clicks, key page visits and
program successes, scored as seeds/lead_scoring_rules.csv agrees (points that expire after their
decay days, which the MAS records as a score change of its own). The score crossing the agreed
threshold (usually) triggers the MQL. A legacy scoring campaign still gives a few people extra
points no rule knows of: the MAS and the rules disagree about them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.raw.generator.columns import SECONDS_PER_DAY, position_in_group, segment_starts

MQL_THRESHOLD = 100
# Trigger kinds, the points the agreed rules give them and the days until those points decay.
FORM, CLICK, VISIT, PROGRAM = 0, 1, 2, 3
POINTS = np.array([25, 10, 5, 15])
DECAY_DAYS = np.array([90, 90, 60, 180])
KIND_WEIGHTS = np.array([0.2, 0.15, 0.5, 0.15])
# Score change reasons: one per trigger kind, then decay, legacy points and the recycle reset.
REASONS = (
    "Filled out form",
    "Clicked email",
    "Visited key page",
    "Program success",
    "Score decay",
    "Legacy scoring: job title",
    "Recycled: score reset",
)
DECAY, LEGACY, RESET = 4, 5, 6
LEGACY_SHARE, LEGACY_POINTS = 0.04, 30
SESSION_SHARE = 0.3  # engagement that follows the previous within the same web session


@dataclass
class Triggers:
    person: np.ndarray
    cycle: np.ndarray
    at: np.ndarray
    kind: np.ndarray
    program: np.ndarray

    @property
    def points(self) -> np.ndarray:
        return POINTS[self.kind]

    @staticmethod
    def concat(parts: list[Triggers]) -> Triggers:
        return Triggers(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Triggers.__annotations__)
        )


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
    in_session = rng.random(len(person)) < SESSION_SHARE
    gaps[in_session] = rng.uniform(60, 1200, int(in_session.sum()))
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
    """Nurture engagement in the weeks before a recycled lead qualifies again: enough points to
    cross the threshold (topped up with form fills), the crossing just before the MQL. Within
    the weeks no points decay."""
    drawn = _make(
        rng, np.repeat(person, 8), np.repeat(cycle, 8), np.zeros(8 * len(person)), programs
    )
    points = drawn.points.reshape(-1, 8)
    before = np.cumsum(points, axis=1) - points
    kept = before < MQL_THRESHOLD
    short = np.maximum(MQL_THRESHOLD - (points * kept).sum(axis=1), 0)
    extra = -(-short // POINTS[FORM])
    counts = kept.sum(axis=1) + extra
    flat_person = np.repeat(person, counts)
    flat_cycle = np.repeat(cycle, counts)
    kind = np.concatenate([drawn.kind.reshape(-1, 8)[kept], np.full(extra.sum(), FORM)])
    group = np.concatenate(
        [
            np.repeat(np.arange(len(person)), kept.sum(axis=1)),
            np.repeat(np.arange(len(person)), extra),
        ]
    )
    kind = kind[np.argsort(group, kind="stable")]
    start = np.maximum(requalified_at - 40 * SECONDS_PER_DAY, recycled_at + 3600)
    end = requalified_at - rng.uniform(60, 900, len(person))
    position = position_in_group(counts)
    fraction = (position + 1) / np.repeat(counts, counts)
    at = np.repeat(start, counts) + fraction * np.repeat(end - start, counts)
    return Triggers(
        person=flat_person,
        cycle=flat_cycle,
        at=at,
        kind=kind,
        program=rng.integers(1, programs + 1, len(flat_person)),
    )


@dataclass
class ScoreLog:
    """The MAS's score changes in time order per person: each trigger's points, their decay, the
    legacy campaign's points and the reset on recycle, with the score after each change."""

    person: np.ndarray
    cycle: np.ndarray
    at: np.ndarray
    change: np.ndarray
    score: np.ndarray
    reason: np.ndarray  # index into REASONS
    program: np.ndarray  # 0 for none
    trigger: np.ndarray  # the trigger a change belongs to, -1 for none

    def score_at(self, person: np.ndarray, cycle: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The score at each moment (changes at or before it count), 0 before any change."""
        keys = _key(self.person, self.cycle)
        found = np.searchsorted(keys * _SPAN + self.at, _key(person, cycle) * _SPAN + at, "right")
        before = np.maximum(found - 1, 0)
        same = (found > 0) & (keys[before] == _key(person, cycle))
        return np.where(same, self.score[before], 0)


_SPAN = 2.0**36  # seconds: more than any generated moment


def _key(person: np.ndarray, cycle: np.ndarray) -> np.ndarray:
    return person.astype(np.int64) * 8 + cycle


def score_log(
    triggers: Triggers,
    legacy: tuple[np.ndarray, np.ndarray],
    resets: tuple[np.ndarray, np.ndarray, np.ndarray],
    as_of: float,
) -> ScoreLog:
    """`legacy`: (person, at) of the legacy campaign's points, in cycle 1; `resets`: (person,
    cycle, at) of recycles, which zero the score and end the decays of the cycle's points."""
    t = triggers
    reset_person, reset_cycle, reset_at = resets
    reset_key = _key(reset_person, reset_cycle)
    order = np.argsort(reset_key)
    decay_at = t.at + DECAY_DAYS[t.kind] * SECONDS_PER_DAY
    if len(order):
        found = np.minimum(
            np.searchsorted(reset_key[order], _key(t.person, t.cycle)), len(order) - 1
        )
        matched = reset_key[order][found] == _key(t.person, t.cycle)
        ends = np.where(matched, reset_at[order][found], np.inf)
    else:
        ends = np.full(len(t.at), np.inf)
    decays = (decay_at < ends) & (decay_at <= as_of)
    legacy_person, legacy_at = legacy
    n_trigger = len(t.at)
    parts = [
        (t.person, t.cycle, t.at, t.points, t.kind, t.program, np.arange(n_trigger)),
        (
            t.person[decays],
            t.cycle[decays],
            decay_at[decays],
            -t.points[decays],
            np.full(decays.sum(), DECAY),
            t.program[decays],
            np.flatnonzero(decays),
        ),
        (
            legacy_person,
            np.ones(len(legacy_person), np.int64),
            legacy_at,
            np.full(len(legacy_person), LEGACY_POINTS),
            np.full(len(legacy_person), LEGACY),
            np.zeros(len(legacy_person), np.int64),
            np.full(len(legacy_person), -1),
        ),
    ]
    person, cycle, at, change, reason, program, trigger = (
        np.concatenate([part[i] for part in parts]) for i in range(7)
    )
    person, cycle = person.astype(np.int64), cycle.astype(np.int64)
    order = np.lexsort((at, _key(person, cycle)))
    person, cycle, at, change = person[order], cycle[order], at[order], change[order]
    reason, program, trigger = reason[order], program[order], trigger[order]
    score = _grouped_running_sum(change, _key(person, cycle))
    # A reset takes away whatever the cycle's score was by then.
    keys = _key(person, cycle)
    last = np.searchsorted(keys, _key(reset_person, reset_cycle), "right") - 1
    has_score = (last >= 0) & (keys[np.maximum(last, 0)] == _key(reset_person, reset_cycle))
    reset_score = np.where(has_score, score[np.maximum(last, 0)], 0)
    keep = reset_score > 0
    resets_part = (
        reset_person[keep],
        reset_cycle[keep],
        reset_at[keep],
        -reset_score[keep],
        np.zeros(keep.sum(), np.int64),
    )
    person = np.concatenate([person, resets_part[0]]).astype(np.int64)
    cycle = np.concatenate([cycle, resets_part[1]]).astype(np.int64)
    at = np.concatenate([at, resets_part[2]])
    change = np.concatenate([change, resets_part[3]])
    score = np.concatenate([score, resets_part[4]])
    reason = np.concatenate([reason, np.full(keep.sum(), RESET)])
    program = np.concatenate([program, np.zeros(keep.sum(), np.int64)])
    trigger = np.concatenate([trigger, np.full(keep.sum(), -1)])
    order = np.lexsort((at, _key(person, cycle)))
    return ScoreLog(
        *(v[order] for v in (person, cycle, at, change, score, reason, program, trigger))
    )


def threshold_crossings(log: ScoreLog, people: int) -> np.ndarray:
    """When each person's cycle-1 score first reached the threshold (NaN if never)."""
    crossed = (log.cycle == 1) & (log.score >= MQL_THRESHOLD) & (log.change > 0)
    crossing = np.full(people, np.inf)
    np.minimum.at(crossing, log.person[crossed], log.at[crossed])
    crossing[np.isinf(crossing)] = np.nan
    return crossing


def legacy_points(rng: np.random.Generator, inbound: np.ndarray, created_at: np.ndarray, as_of):
    """The people the legacy campaign scores: points a few days after they arrive."""
    person = inbound[rng.random(len(inbound)) < LEGACY_SHARE]
    at = created_at[person] + rng.uniform(0.1, 3, len(person)) * SECONDS_PER_DAY
    return person[at <= as_of], at[at <= as_of]


def conversion_lift(score_at_mql: np.ndarray) -> np.ndarray:
    """How much likelier than usual an MQL with this score is to be accepted, qualified and won;
    the lifts of a set of MQLs average about 1."""
    return np.clip((np.nan_to_num(score_at_mql) / 110.0) ** 1.6, 0.25, 2.0)


def _grouped_running_sum(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Running sum within runs of equal keys (sorted)."""
    running = np.cumsum(values)
    first = np.searchsorted(keys, keys)
    return running - running[first] + values[first]


def _grouped_cumsum(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    running = np.cumsum(values)
    starts = segment_starts(sizes)
    base = np.repeat(running[starts[sizes > 0]] - values[starts[sizes > 0]], sizes[sizes > 0])
    return running - base
