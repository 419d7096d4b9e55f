"""Reps work weekdays 09:00-17:00 in their own time zone; most of their touches land there."""

from __future__ import annotations

import numpy as np

from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import SECONDS_PER_DAY

# Standard-time UTC offsets of vocab.TIME_ZONES (DST moves them by an hour: close enough for
# placing synthetic touches; the warehouse itself converts with real zone rules).
UTC_OFFSET_HOURS = np.array([-5.0, -6.0, -8.0, 0.0, 1.0, 5.5])
assert len(UTC_OFFSET_HOURS) == len(vocab.TIME_ZONES)

DAY_START_HOUR, DAY_END_HOUR = 9, 17
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


def is_working_time(at: np.ndarray, offset_hours: np.ndarray) -> np.ndarray:
    local = at + offset_hours * 3600
    day = np.floor(local / SECONDS_PER_DAY)
    hour = (local - day * SECONDS_PER_DAY) / 3600
    weekday = (day + _EPOCH_WEEKDAY) % 7
    return (weekday < 5) & (hour >= DAY_START_HOUR) & (hour < DAY_END_HOUR)


def into_working_time(
    rng: np.random.Generator, at: np.ndarray, offset_hours: np.ndarray, move: np.ndarray
) -> np.ndarray:
    """Where `move` and `at` falls outside the rep's working day, the next working morning
    (plus a little); other moments are returned unchanged."""
    local = at + offset_hours * 3600
    day = np.floor(local / SECONDS_PER_DAY)
    hour = (local - day * SECONDS_PER_DAY) / 3600
    next_day = day + (hour >= DAY_START_HOUR)
    weekday = (next_day + _EPOCH_WEEKDAY) % 7
    next_day += np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))
    morning = next_day * SECONDS_PER_DAY + DAY_START_HOUR * 3600
    morning += rng.uniform(5 * 60, 3 * 3600, len(at))
    shifted = morning - offset_hours * 3600
    outside = ~is_working_time(at, offset_hours)
    return np.where(move & outside & ~np.isnan(at), shifted, at)
