"""Vectorised column builders: ids, timestamps and text as Arrow arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SECONDS_PER_DAY = 86_400.0


def sf_ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """Salesforce-style 18-character ids: 3-character key prefix + 12 digits + `AAA`."""
    digits = pc.utf8_lpad(pa.array(np.asarray(numbers, dtype=np.int64)).cast(pa.string()), 12, "0")
    return pc.binary_join_element_wise(prefix, digits, "AAA", "")


def sf_ids_or_null(prefix: str, numbers: np.ndarray, valid: np.ndarray) -> pa.Array:
    ids = sf_ids(prefix, np.where(valid, numbers, 0))
    return pc.if_else(pa.array(valid), ids, pa.scalar(None, pa.string()))


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds (NaN = never happened) -> Arrow timestamp[us], null where NaN."""
    seconds = np.asarray(seconds, dtype=np.float64)
    missing = np.isnan(seconds)
    micros = np.where(missing, 0, np.round(seconds * 1e6)).astype(np.int64)
    return pa.array(micros, type=pa.timestamp("us"), mask=missing)


def dates(seconds: np.ndarray) -> pa.Array:
    return timestamps(seconds).cast(pa.date32())


def choice_text(vocabulary: Sequence[str], indices: np.ndarray) -> pa.Array:
    """Repeated text without materialising one Python string per row."""
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)), pa.array(list(vocabulary))
    )
    return dictionary.cast(pa.string())


def concat_text(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def segment_starts(group_sizes: np.ndarray) -> np.ndarray:
    """Start offset of each group in a flattened array built with np.repeat."""
    return np.concatenate([[0], np.cumsum(group_sizes)[:-1]]).astype(np.int64)


def position_in_group(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each group, for arrays built with np.repeat(x, group_sizes)."""
    total = int(group_sizes.sum())
    starts = np.repeat(segment_starts(group_sizes), group_sizes)
    return np.arange(total, dtype=np.int64) - starts
