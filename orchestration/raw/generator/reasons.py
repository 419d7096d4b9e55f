"""Sales' verdicts as an org records them: the reason a rep picks when a cycle ends (the lead
reason custom field, tracked in the lead's field history), the loss reason on lost deals, and the
reason the MAS writes on its own status changes. Every value is a row of
seeds/feedback_reasons.csv.

The reasons tell a story: small companies lack budget, enterprises buy from a competitor or wait,
people who barely engaged never answer, social leads are often no buyers at all, webinar
attendees are early; lost enterprise deals go to competitors, lost small ones fail on price. And
sales accepts MQLs from trade shows and webinars more readily than those from social.

The program a person first came through is drawn after the lifecycle, from its odds given the
person's first verdict (Bayes: P(channel | accepted) is proportional to P(channel) times the
channel's acceptance odds), so the rest of the generated data keeps its random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.raw.generator import engagement, vocabulary
from orchestration.raw.generator.lifecycle import STATUS_INDEX, Events

# The lead reason field's picklist, by category (seeds/feedback_reasons.csv: system
# salesforce, applies_to person).
LEAD_REASONS = (
    ("Not a fit - company too small", "bad_fit"),
    ("Not a fit - wrong industry", "bad_fit"),
    ("Not a fit - no use case", "bad_fit"),
    ("Student / job seeker", "not_a_buyer"),
    ("Spam or fake details", "not_a_buyer"),
    ("No budget", "no_budget"),
    ("Budget frozen this fiscal year", "no_budget"),
    ("Not ready to buy", "bad_timing"),
    ("Project on hold", "bad_timing"),
    ("No response after 5 attempts", "no_response"),
    ("Unresponsive", "no_response"),
    ("Using a competitor", "competitor"),
    ("Signed with a competitor", "competitor"),
    ("Duplicate", "duplicate"),
    ("Existing customer", "existing_customer"),
    ("Wrong contact - no authority", "wrong_contact"),
)
# The opportunity loss reason picklist (seeds/feedback_reasons.csv: applies_to opportunity).
LOSS_REASONS = (
    ("Lost to competitor", "competitor"),
    ("Price", "no_budget"),
    ("No budget", "no_budget"),
    ("No decision / status quo", "no_decision"),
    ("Timing", "bad_timing"),
    ("Missing feature", "product_gap"),
    ("Champion left", "no_decision"),
    ("Not a fit", "bad_fit"),
)
# What the MAS writes on a Lead Status change (seeds/feedback_reasons.csv: system marketo): its
# own MQL by score, its recycle of a lead sales never followed up, and a change it took over from
# the CRM.
MAS_BY_SCORE = "Marketing qualified by score"
MAS_NO_FOLLOW_UP = "No sales activity within 30 days"
MAS_SYNCED = "Synced from CRM"
MAS_REASONS = (MAS_BY_SCORE, MAS_NO_FOLLOW_UP, MAS_SYNCED)

SKIPPED_SHARE = 0.11  # rep-ended cycles whose rep leaves the reason empty
CLEARED_SHARE = 0.5  # requalified leads whose rep clears the old reason
LOSS_REASON_SHARE = 0.92  # lost deals with a loss reason
LOW_ENGAGEMENT, HIGH_ENGAGEMENT = 0.85, 1.2  # of the engagement lift at the MQL
NO_CHANNEL = len(vocabulary.PROGRAM_CHANNELS)
# MQL acceptance odds by the person's first program channel (last: no program touch).
CHANNEL_ACCEPTANCE = dict(
    zip(
        (*vocabulary.PROGRAM_CHANNELS, None),
        (1.12, 1.0, 0.94, 1.16, 1.0, 0.72, 1.0),
        strict=True,
    )
)
SMB, MID_MARKET, ENTERPRISE = 2, 1, 0  # people.segment_index


def _categories(reasons: tuple[tuple[str, str], ...]) -> np.ndarray:
    return np.array([category for _, category in reasons])


def _factor(reasons: tuple[tuple[str, str], ...], **by_category: float) -> np.ndarray:
    """Weight multipliers per reason: by its category, or by its own value (`value=` keys use
    the value's position, `at_<i>`)."""
    factor = np.ones(len(reasons))
    categories = _categories(reasons)
    for key, value in by_category.items():
        if key.startswith("at_"):
            factor[int(key[3:])] = value
        else:
            factor[categories == key] = value
    return factor


# Base weights: the reasons a rep gives for a disqualification, and for a recycle.
_DISQUALIFIED = np.array([4, 3, 4, 2, 2, 4, 1.5, 1.5, 1, 4, 3, 3, 2, 2, 1, 3], float)
_RECYCLED = np.array([0.4, 0.2, 0.5, 0.2, 0.1, 3, 3, 6, 5, 5, 4, 1.5, 0.5, 0.2, 0.2, 1], float)
_BY_SEGMENT = np.stack(
    [
        _factor(LEAD_REASONS, competitor=4, bad_timing=3, no_budget=0.5, at_0=0.05),  # enterprise
        _factor(LEAD_REASONS, no_budget=1.3),  # mid-market
        _factor(LEAD_REASONS, no_budget=3, at_0=4, competitor=0.5),  # SMB
    ]
)
_BY_ENGAGEMENT = np.stack(
    [
        _factor(LEAD_REASONS, no_response=3.5),  # low
        _factor(LEAD_REASONS),
        _factor(LEAD_REASONS, no_response=0.4),  # high
    ]
)
_BY_CHANNEL = np.stack(
    [
        _factor(LEAD_REASONS, bad_timing=3),  # Webinar
        _factor(LEAD_REASONS),  # Content
        _factor(LEAD_REASONS, at_2=2.5),  # Paid Search: no use case
        _factor(LEAD_REASONS, wrong_contact=2),  # Trade Show
        _factor(LEAD_REASONS),  # Email Nurture
        _factor(LEAD_REASONS, not_a_buyer=6, bad_fit=2),  # Social
        _factor(LEAD_REASONS),  # no program touch
    ]
)
_BY_SOURCE = np.stack(
    [
        _factor(LEAD_REASONS),  # inbound
        _factor(LEAD_REASONS, at_3=3),  # content syndication: students and job seekers
        _factor(LEAD_REASONS, wrong_contact=2.5, no_response=2, not_a_buyer=0.2),  # outbound
    ]
)
_LOSS = np.array([4, 3, 2, 4, 2, 2, 1, 1], float)
_LOSS_BY_SEGMENT = np.stack(
    [
        _factor(LOSS_REASONS, competitor=3.5, at_5=1.5, at_1=0.4, at_2=0.3),  # enterprise
        _factor(LOSS_REASONS, no_decision=1.5),  # mid-market
        _factor(LOSS_REASONS, at_1=3.5, at_2=3, competitor=0.5),  # SMB
    ]
)
_LOSS_BY_ENGAGEMENT = np.stack(
    [
        _factor(LOSS_REASONS, no_decision=2, bad_fit=2),
        _factor(LOSS_REASONS),
        _factor(LOSS_REASONS, bad_fit=0.5),
    ]
)


def draw(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column index per row of `weights` (rows need not sum to 1)."""
    cumulative = np.cumsum(weights, axis=1, out=weights)
    target = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative < target[:, None]).sum(axis=1), weights.shape[1] - 1)


def first_channels(
    triggers: engagement.Triggers, channel_index: np.ndarray, people: int
) -> np.ndarray:
    """Per person, the channel of the program they first engaged with (form, email or program
    success), NO_CHANNEL when none."""
    touch = triggers.kind != engagement.VISIT
    person, at, program = triggers.person[touch], triggers.at[touch], triggers.program[touch]
    order = np.lexsort((at, person))
    person, program = person[order], program[order]
    first = np.concatenate([[True], person[1:] != person[:-1]]) if len(person) else person > 0
    channel = np.full(people, NO_CHANNEL, dtype=np.int64)
    channel[person[first]] = channel_index[program[first] - 1]
    return channel


def first_verdicts(events: Events, qualified: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per person, whether sales accepted their first MQL, and whether sales decided on it yet
    (accepted, rejected, disqualified or recycled); `qualified` per person: had a first MQL."""
    status = events.get("status").astype(np.int64)
    person = events.get("person").astype(np.int64)
    verdict = (events.get("cycle") == 1) & ~np.isin(
        status, [STATUS_INDEX[value] for value in vocabulary.MQL_STATUSES]
    )
    is_sal = np.isin(status, [STATUS_INDEX[value] for value in vocabulary.SAL_STATUSES])
    decided = np.zeros(len(qualified), dtype=bool)
    decided[person[verdict]] = True
    accepted = np.zeros(len(qualified), dtype=bool)
    accepted[person[verdict & is_sal]] = True
    return accepted & qualified, decided & qualified


def assign_first_programs(
    rng: np.random.Generator,
    triggers: engagement.Triggers,
    channel_index: np.ndarray,
    accepted: np.ndarray,
    decided: np.ndarray,
    base_acceptance: float,
) -> None:
    """Redraw, in place, the program of each decided person's first program engagement (form,
    email or program success) by the channel's odds of sales accepting them: `accepted` and
    `decided` per person (sales' first verdict); `base_acceptance` the overall share accepted."""
    touch = np.flatnonzero(triggers.kind != engagement.VISIT)
    order = touch[np.lexsort((triggers.at[touch], triggers.person[touch]))]
    person = triggers.person[order]
    first = order[np.concatenate([[True], person[1:] != person[:-1]])] if len(order) else order
    first = first[decided[triggers.person[first]]]
    if not len(first):
        return
    channels = len(vocabulary.PROGRAM_CHANNELS)
    prior = np.bincount(channel_index, minlength=channels).astype(float)
    odds = np.clip(base_acceptance * np.array(list(CHANNEL_ACCEPTANCE.values()))[:channels], 0, 1)
    given_accepted = prior * odds
    given_rejected = prior * (1 - odds)
    weights = np.where(
        accepted[triggers.person[first], None], given_accepted, given_rejected
    ).astype(float)
    channel = draw(rng, weights)
    # A program of the drawn channel, uniformly among that channel's programs.
    programs_by_channel = np.argsort(channel_index, kind="stable")
    starts = np.concatenate([[0], np.cumsum(prior.astype(np.int64))[:-1]])
    pick = starts[channel] + (rng.random(len(first)) * prior[channel]).astype(np.int64)
    triggers.program[first] = programs_by_channel[pick] + 1


def engagement_level(lift: np.ndarray) -> np.ndarray:
    return np.select([lift < LOW_ENGAGEMENT, lift > HIGH_ENGAGEMENT], [0, 2], default=1)


@dataclass
class Verdicts:
    """`reason` per status event (index into LEAD_REASONS, -1 = none); the reasons reps clear
    when a recycled lead qualifies again (person, at, actor); `loss` per opportunity."""

    reason: np.ndarray
    cleared_person: np.ndarray
    cleared_at: np.ndarray
    cleared_by: np.ndarray
    loss: np.ndarray


def lead_reasons(
    rng: np.random.Generator,
    status: np.ndarray,
    actor: np.ndarray,
    person: np.ndarray,
    integration_user: int,
    segment: np.ndarray,
    lift: np.ndarray,
    channel: np.ndarray,
    source_kind: np.ndarray,
) -> np.ndarray:
    """The reason (index into LEAD_REASONS, -1 = none) a rep records with each status change;
    only a rep's change into a recycled or disqualified status carries one. `segment`, `lift`,
    `channel` and `source_kind` (0 inbound, 1 content syndication, 2 sales-sourced) are per
    person."""
    recycled = np.isin(status, [STATUS_INDEX[s] for s in vocabulary.RECYCLED_STATUSES])
    disqualified = np.isin(status, [STATUS_INDEX[s] for s in vocabulary.DISQUALIFIED_STATUSES])
    ends = (recycled | disqualified) & (actor != integration_user)
    ended = np.flatnonzero(ends & (rng.random(len(status)) >= SKIPPED_SHARE))
    p = person[ended]
    weights = np.where(recycled[ended, None], _RECYCLED, _DISQUALIFIED)
    weights *= _BY_SEGMENT[segment[p]]
    weights *= _BY_ENGAGEMENT[engagement_level(lift[p])]
    weights *= _BY_CHANNEL[channel[p]]
    weights *= _BY_SOURCE[source_kind[p]]
    reason = np.full(len(status), -1, dtype=np.int64)
    reason[ended] = draw(rng, weights)
    return reason


def cleared_on_requalification(
    rng: np.random.Generator,
    person: np.ndarray,
    cycle: np.ndarray,
    at: np.ndarray,
    owner: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reps clearing the old reason when they first work a lead that qualified again."""
    again = (cycle > 1) & (rng.random(len(person)) < CLEARED_SHARE)
    return person[again], at[again], owner[again]


def loss_reasons(
    rng: np.random.Generator, lost: np.ndarray, segment: np.ndarray, lift: np.ndarray
) -> np.ndarray:
    """Per opportunity, its loss reason (index into LOSS_REASONS, -1 = none): on most lost deals,
    never on open or won ones. `segment` and `lift` are per opportunity."""
    given = np.flatnonzero(lost & (rng.random(len(lost)) < LOSS_REASON_SHARE))
    weights = np.tile(_LOSS, (len(given), 1))
    weights *= _LOSS_BY_SEGMENT[segment[given]]
    weights *= _LOSS_BY_ENGAGEMENT[engagement_level(lift[given])]
    loss = np.full(len(lost), -1, dtype=np.int64)
    loss[given] = draw(rng, weights)
    return loss
