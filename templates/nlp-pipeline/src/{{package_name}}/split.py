"""Stage `split`: one held-out test set, stratified by label, seeded, duplicate-aware.

Messages with the same normalised text share a group and always land on the same side,
so the split cannot leak even when deduplication is switched off.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import StratifiedGroupKFold

IntArray = npt.NDArray[np.int64]


def group_codes(keys: Sequence[str]) -> IntArray:
    """A small integer per distinct key."""
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(k, len(codes)) for k in keys], dtype=np.int64)


def held_out_split(
    labels: Sequence[str], groups: Sequence[str], test_size: float, seed: int
) -> tuple[IntArray, IntArray]:
    """Positions of the training and the test messages.

    The test set is one fold of a stratified group k-fold with k = round(1 / test_size),
    so its share is close to `test_size` and its class mix close to the whole data's.
    """
    n_splits = max(2, round(1 / test_size))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    positions = np.arange(len(labels))
    train, test = next(splitter.split(positions, np.asarray(labels), group_codes(groups)))
    return np.sort(train).astype(np.int64), np.sort(test).astype(np.int64)


def folds(
    labels: Sequence[str], groups: Sequence[str], n_splits: int, seed: int
) -> list[tuple[IntArray, IntArray]]:
    """Cross-validation folds over the training messages, with the same guarantees."""
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    positions = np.arange(len(labels))
    return [
        (tr.astype(np.int64), te.astype(np.int64))
        for tr, te in splitter.split(positions, np.asarray(labels), group_codes(groups))
    ]
