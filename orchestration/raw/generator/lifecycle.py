"""The lifecycle both systems record: MQL, follow-up, acceptance or rejection, SQL, conversion,
recycling and re-qualification (a new cycle), and sales-sourced leads that skip stages.
Every transition after `as_of` is cut off, so current statuses are as of that instant."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator import workhours
from orchestration.raw.generator.columns import SECONDS_PER_DAY

STATUSES = (
    *vocab.LEAD_STATUSES,
    *vocab.MQL_STATUSES,
    *vocab.SAL_STATUSES,
    *vocab.SQL_STATUSES,
    vocab.CONVERTED_STATUS,
    *vocab.RECYCLED_STATUSES,
    *vocab.DISQUALIFIED_STATUSES,
)
STATUS_INDEX = {status: index for index, status in enumerate(STATUSES)}
MAX_CYCLES = 3


def _status_choice(rng: np.random.Generator, values: tuple[str, ...], size: int) -> np.ndarray:
    return np.array([STATUS_INDEX[v] for v in values])[rng.integers(0, len(values), size)]


@dataclass
class Events:
    """Columns of equal length, appended chunk by chunk."""

    columns: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, mask: np.ndarray, **values: np.ndarray) -> None:
        for name, value in values.items():
            self.columns.setdefault(name, []).append(np.asarray(value)[mask])

    def get(self, name: str) -> np.ndarray:
        parts = self.columns.get(name, [])
        return np.concatenate(parts) if parts else np.array([])


@dataclass
class Lifecycle:
    crm_created_at: np.ndarray  # per person, NaN = never in the CRM
    crm_initial_status: np.ndarray
    in_mas: np.ndarray
    status_events: Events  # person, cycle, at, status, actor
    touches: Events  # person, at, owner, is_meeting, is_completed
    conversions: Events  # person, at
    recycles: Events  # person, cycle, at
    requalifications: Events  # person, cycle (new), recycled_at, at
    first_touches: Events  # person, cycle, at, owner: the first sales touch of a cycle


class _Clock:
    def __init__(self, rng: np.random.Generator, as_of: float) -> None:
        self.rng = rng
        self.as_of = as_of

    def after(self, base: np.ndarray, low_days: float, high_days: float, mask: np.ndarray):
        """base + U(low, high) days where mask and base happened, NaN otherwise or after as_of."""
        delay = self.rng.uniform(low_days, high_days, len(base)) * SECONDS_PER_DAY
        at = np.where(mask, base + delay, np.nan)
        at[at > self.as_of] = np.nan
        return at


def simulate(
    rng: np.random.Generator,
    as_of: float,
    created_at: np.ndarray,
    is_outbound: np.ndarray,
    first_mql_at: np.ndarray,
    sdr: np.ndarray,
    account_ae: np.ndarray,
    integration_user: int,
    user_offset_hours: np.ndarray,
    lift: np.ndarray,
) -> Lifecycle:
    """`user_offset_hours[u]` is user number u's UTC offset (for working hours); `account_ae` is
    the AE who owns each person's account and meets the SQLs. `lift` scales a person's odds of
    acceptance and qualification in the first cycle (engagement at the MQL)."""
    people = len(created_at)
    clock = _Clock(rng, as_of)
    status_events, touches, conversions = Events(), Events(), Events()
    recycles, requalifications, first_touches = Events(), Events(), Events()

    early_sync = ~is_outbound & (rng.random(people) < 0.2)
    crm_created = np.full(people, np.nan)
    crm_created[early_sync] = created_at[early_sync] + rng.uniform(
        600, SECONDS_PER_DAY, early_sync.sum()
    )
    synced_at_mql = ~is_outbound & ~early_sync & ~np.isnan(first_mql_at)
    crm_created[synced_at_mql] = first_mql_at[synced_at_mql] + rng.uniform(
        60, 180, synced_at_mql.sum()
    )
    crm_created[is_outbound] = created_at[is_outbound]
    crm_created[crm_created > as_of] = np.nan
    initial_status = _status_choice(rng, vocab.LEAD_STATUSES, people)
    in_mas = ~is_outbound | (rng.random(people) < 0.2)

    # Cycle 1: inbound people at their MQL, sales-sourced people at lead creation.
    starts_mql = ~is_outbound & ~np.isnan(first_mql_at) & ~np.isnan(crm_created)
    starts_outbound = is_outbound & ~np.isnan(crm_created)
    person = np.concatenate([np.flatnonzero(starts_mql), np.flatnonzero(starts_outbound)])
    start = np.concatenate([first_mql_at[starts_mql], crm_created[starts_outbound]])
    via_mql = np.concatenate(
        [np.ones(starts_mql.sum(), bool), np.zeros(starts_outbound.sum(), bool)]
    )
    cycle = 1
    while len(person) and cycle <= MAX_CYCLES:
        m = len(person)
        owner = sdr[person]
        cycle_of = np.full(m, cycle)
        everyone = np.ones(m, bool)
        status_events.add(
            via_mql,
            person=person,
            cycle=cycle_of,
            at=start,
            status=_status_choice(rng, vocab.MQL_STATUSES, m),
            actor=np.full(m, integration_user),
        )
        # First sales touch: fast, within the day, days late, or never (leakage). Most touches
        # land in the rep's working day; some reps answer at night or on weekends.
        speed = rng.random(m)
        delay_minutes = np.select(
            [speed < 0.42, speed < 0.62, speed < 0.81],
            [rng.uniform(2, 55, m), rng.uniform(60, 240, m), rng.uniform(720, 8640, m)],
            default=np.nan,
        )
        delay_minutes[~via_mql] = rng.uniform(30, 4320, (~via_mql).sum())
        touch_at = start + delay_minutes * 60
        offset = user_offset_hours[owner]
        touch_at = workhours.into_working_time(rng, touch_at, offset, rng.random(m) < 0.75)
        touch_at[touch_at > as_of] = np.nan
        followed = ~np.isnan(touch_at)
        is_meeting = rng.random(m) < 0.12
        touches.add(
            followed,
            person=person,
            at=touch_at,
            owner=owner,
            is_meeting=is_meeting,
            is_completed=np.ones(m, bool),
        )
        first_touches.add(followed, person=person, cycle=cycle_of, at=touch_at, owner=owner)
        second_touch = clock.after(touch_at, 0.5, 3, followed & (rng.random(m) < 0.4))
        second_touch = workhours.into_working_time(rng, second_touch, offset, np.ones(m, bool))
        second_touch[second_touch > as_of] = np.nan
        touches.add(
            ~np.isnan(second_touch),
            person=person,
            at=second_touch,
            owner=owner,
            is_meeting=np.zeros(m, bool),
            is_completed=rng.random(m) > 0.05,
        )

        odds = lift[person] if cycle == 1 else np.ones(m)
        fate = rng.random(m)
        accepted = np.clip(0.66 * odds, 0.05, 0.92)
        # The fates other than acceptance keep their proportions (of the original 0.66-1 range).
        rest = 0.66 + (fate - accepted) / (1 - accepted) * 0.34
        accept = np.where(via_mql, followed & (fate < accepted), fate < 0.5)
        direct_sql = ~via_mql & (fate >= 0.5) & (fate < 0.8)
        reject = np.where(via_mql, followed & (fate >= accepted) & (rest < 0.78), fate >= 0.8)
        recycle_now = via_mql & followed & (fate >= accepted) & (rest >= 0.78) & (rest < 0.9)
        leak_recycle = via_mql & ~followed & (fate < 0.15)

        sal_at = clock.after(touch_at, 0, 3, accept)
        sql_at = clock.after(touch_at, 0, 15, direct_sql)
        dq_at = clock.after(touch_at, 0, 10, reject)
        recycle_at = np.where(
            recycle_now,
            clock.after(touch_at, 0, 5, everyone),
            clock.after(start, 30, 60, leak_recycle),
        )
        recycle_at[~(recycle_now | leak_recycle)] = np.nan
        recycle_actor = np.where(leak_recycle, integration_user, owner)

        after_sal = rng.random(m)
        qualified = np.clip(0.55 * odds, 0.05, 0.9)
        sql_from_sal = clock.after(sal_at, 1, 21, after_sal < qualified)
        sql_at = np.where(np.isnan(sql_at), sql_from_sal, sql_at)
        recycle_from_sal = clock.after(sal_at, 14, 75, after_sal >= np.maximum(qualified, 0.75))

        after_sql = rng.random(m)
        converted_at = clock.after(sql_at, 1, 14, after_sql < 0.8)
        recycle_from_sql = clock.after(sql_at, 10, 60, after_sql >= 0.9)
        recycle_at = np.fmin(recycle_at, np.fmin(recycle_from_sal, recycle_from_sql))

        for at, statuses in (
            (sal_at, vocab.SAL_STATUSES),
            (sql_at, vocab.SQL_STATUSES),
            (converted_at, (vocab.CONVERTED_STATUS,)),
            (dq_at, vocab.DISQUALIFIED_STATUSES),
        ):
            status_events.add(
                ~np.isnan(at),
                person=person,
                cycle=cycle_of,
                at=at,
                status=_status_choice(rng, statuses, m),
                actor=owner,
            )
        recycled = ~np.isnan(recycle_at)
        status_events.add(
            recycled,
            person=person,
            cycle=cycle_of,
            at=recycle_at,
            status=_status_choice(rng, vocab.RECYCLED_STATUSES, m),
            actor=recycle_actor,
        )
        meeting_at = clock.after(sql_at, 0.5, 5, rng.random(m) < 0.3)
        ae = account_ae[person]
        meeting_at = workhours.into_working_time(
            rng, meeting_at, user_offset_hours[ae], np.ones(m, bool)
        )
        meeting_at[meeting_at > as_of] = np.nan
        touches.add(
            ~np.isnan(meeting_at),
            person=person,
            at=meeting_at,
            owner=ae,
            is_meeting=np.ones(m, bool),
            is_completed=np.ones(m, bool),
        )
        conversions.add(~np.isnan(converted_at), person=person, at=converted_at, lift=odds)
        recycles.add(recycled, person=person, cycle=cycle_of, at=recycle_at)

        # A recycled lead that engages again qualifies again: the next lifecycle cycle.
        wants_back = recycled & (rng.random(m) < 0.35) & (cycle < MAX_CYCLES)
        requalified_at = clock.after(recycle_at, 30, 200, wants_back)
        again = ~np.isnan(requalified_at)
        requalifications.add(
            again,
            person=person,
            cycle=np.full(m, cycle + 1),
            recycled_at=recycle_at,
            at=requalified_at,
        )
        person, start = person[again], requalified_at[again]
        via_mql = np.ones(len(person), bool)
        cycle += 1

    return Lifecycle(
        crm_created_at=crm_created,
        crm_initial_status=initial_status,
        in_mas=in_mas,
        status_events=status_events,
        touches=touches,
        conversions=conversions,
        recycles=recycles,
        requalifications=requalifications,
        first_touches=first_touches,
    )


def status_log(
    person: np.ndarray,
    at: np.ndarray,
    status: np.ndarray,
    other: np.ndarray,
    seen: np.ndarray,
    initial: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One system's record of the status events it saw: in time order per person, each with the
    status it replaced (`initial` for a person's first change). `other` rides along."""
    person, at, status, other = person[seen], at[seen], status[seen], other[seen]
    order = np.lexsort((at, person))
    person, at, status, other = person[order], at[order], status[order], other[order]
    same_person = np.concatenate([[False], person[1:] == person[:-1]])
    previous = np.where(same_person, np.roll(status, 1), initial[person])
    return person, at, status, other, previous
