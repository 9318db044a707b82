"""Splitting interactions into training, validation and test: pure functions.

With a time column the split is a global cut: every interaction at or after the cut time
is held out, whoever made it, so nothing from the future of the test period reaches
training (a per-user "leave last out" that ignores the shared timeline leaks it).
Interactions at the same time are never separated. Without a time column each user's
interactions are held out at random, with a seed. The same rule applied to the training
part gives the inner validation split on which hyperparameters are chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Part codes, one per interaction, as stored in data/processed/split_parts.npy.
INNER_TRAIN, VALIDATION, TEST = 0, 1, 2


class SplitError(ValueError):
    """The data cannot be split as configured; the message says why."""


@dataclass(frozen=True)
class Cut:
    """Which interactions a split holds out, and how it chose them."""

    held_out: npt.NDArray[np.bool_]
    method: str
    cut_time: float | None = None


def time_cut(time: npt.NDArray[np.float64], fraction: float) -> Cut:
    """Hold out the latest interactions: at least `fraction` of them, whole time steps.

    The cut is the latest time `t` for which the interactions at or after `t` make up at
    least `fraction`; with a coarse clock the held-out share can be larger.

    >>> time_cut(np.array([1.0, 2, 2, 3]), 0.25).held_out.tolist()
    [False, False, False, True]
    """
    values, counts = np.unique(time, return_counts=True)
    if len(values) < 2:
        raise SplitError(
            "the time column has a single value, so no time cut can separate training from "
            'test; set [data] time_column = "" for a per-user holdout'
        )
    latest_first = np.cumsum(counts[::-1]) / len(time)
    position = int(np.searchsorted(latest_first, fraction))
    # Never hold out every time step: the earliest one always stays for training.
    position = min(position, len(values) - 2)
    cut = float(values[::-1][position])
    return Cut(held_out=time >= cut, method="global time cut", cut_time=cut)


def user_holdout(users: npt.NDArray[np.str_], fraction: float, seed: int) -> Cut:
    """Hold out `fraction` of each user's interactions (at least one, never all), seeded.

    Users with a single interaction keep it for training.
    """
    _, codes, sizes = np.unique(users, return_inverse=True, return_counts=True)
    keys = np.random.default_rng(seed).random(len(users))
    order = np.lexsort((keys, codes))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(users), dtype=np.int64)
    rank[order] = np.arange(len(users)) - np.repeat(starts, sizes)
    n_held = np.where(sizes >= 2, np.clip(np.rint(fraction * sizes), 1, sizes - 1), 0)
    return Cut(held_out=rank < n_held[codes], method="seeded per-user holdout")


def assign_parts(
    users: npt.NDArray[np.str_],
    time: npt.NDArray[np.float64] | None,
    test_fraction: float,
    validation_fraction: float,
    seed: int,
) -> tuple[npt.NDArray[np.int8], Cut, Cut]:
    """One part code per interaction: inner training, validation or test."""
    if time is not None:
        test = time_cut(time, test_fraction)
    else:
        test = user_holdout(users, test_fraction, seed)
    train = ~test.held_out
    if time is not None:
        inner = time_cut(time[train], validation_fraction)
    else:
        inner = user_holdout(users[train], validation_fraction, seed + 1)
    parts = np.full(len(users), TEST, dtype=np.int8)
    train_parts = np.where(inner.held_out, VALIDATION, INNER_TRAIN).astype(np.int8)
    parts[train] = train_parts
    return parts, test, inner
