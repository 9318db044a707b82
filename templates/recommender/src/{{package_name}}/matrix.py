"""From interactions to sparse matrices: the training matrix and what is held out.

The catalogue and the user list come from the training interactions only, so nothing
about a held-out interaction can reach a model: not its item, not its user, not its
rating. Held-out interactions are then mapped onto that index; the ones that fall
outside it (cold-start users and items) are counted, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .data import Interactions

Matrix: TypeAlias = sp.csr_matrix


@dataclass(frozen=True)
class Index:
    """User and item IDs of the training interactions, sorted; row/column positions."""

    users: npt.NDArray[np.str_]
    items: npt.NDArray[np.str_]

    @classmethod
    def of(cls, train: Interactions) -> Index:
        return cls(users=np.unique(train.users), items=np.unique(train.items))

    def user_rows(self, users: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
        """Row of each user; -1 for a user not in the index."""
        return _positions(self.users, users)

    def item_columns(self, items: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
        """Column of each item; -1 for an item not in the catalogue."""
        return _positions(self.items, items)


def _positions(
    sorted_ids: npt.NDArray[np.str_], ids: npt.NDArray[np.str_]
) -> npt.NDArray[np.int64]:
    at = np.searchsorted(sorted_ids, ids)
    at = np.minimum(at, len(sorted_ids) - 1)
    found = sorted_ids[at] == ids
    return np.where(found, at, -1).astype(np.int64)


def binary_matrix(
    rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64], shape: tuple[int, int]
) -> Matrix:
    """A users x items 0/1 matrix (float32); repeated pairs count once."""
    m = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape, dtype=np.float32
    )
    m.sum_duplicates()
    m.data[:] = 1.0
    m.sort_indices()
    matrix: Matrix = m
    return matrix


@dataclass(frozen=True)
class Fold:
    """Everything an evaluation needs about one training part and its held-out part."""

    index: Index
    fit: Matrix  # what the models learn from ([training] fit_on)
    seen: Matrix  # every training interaction: never recommended again
    relevant: Matrix  # held-out positives of known users on catalogue items, not seen
    eval_users: npt.NDArray[np.int64]  # rows with at least one relevant item
    counts: dict[str, Any]
    cold_users: npt.NDArray[np.str_]  # held-out users without training interactions
    cold_user_positives: dict[str, list[str]]  # their positive held-out items


def make_fold(train: Interactions, held_out: Interactions, fit_on: str) -> Fold:
    index = Index.of(train)
    shape = (len(index.users), len(index.items))
    rows, columns = index.user_rows(train.users), index.item_columns(train.items)
    seen = binary_matrix(rows, columns, shape)
    keep = train.positive if fit_on == "positive" else np.ones(len(train), dtype=bool)
    fit = binary_matrix(rows[keep], columns[keep], shape)

    h_rows, h_cols = index.user_rows(held_out.users), index.item_columns(held_out.items)
    warm_user, known_item = h_rows >= 0, h_cols >= 0
    positive = held_out.positive
    candidate = positive & warm_user & known_item
    already_seen = np.zeros(len(held_out), dtype=bool)
    if candidate.any():
        already_seen[candidate] = np.asarray(seen[h_rows[candidate], h_cols[candidate]]).ravel() > 0
    usable = candidate & ~already_seen
    relevant = binary_matrix(h_rows[usable], h_cols[usable], shape)
    eval_users = np.flatnonzero(np.diff(relevant.indptr) > 0).astype(np.int64)

    cold = np.unique(held_out.users[~warm_user])
    cold_positive = ~warm_user & positive
    cold_user_positives: dict[str, list[str]] = {}
    for user, item in zip(
        held_out.users[cold_positive], held_out.items[cold_positive], strict=True
    ):
        cold_user_positives.setdefault(str(user), []).append(str(item))
    counts = {
        "train_interactions": len(train),
        "held_out_interactions": len(held_out),
        "held_out_positives": int(positive.sum()),
        "users_in_training": shape[0],
        "catalogue_items": shape[1],
        "held_out_users": len(np.unique(held_out.users)),
        "cold_start_users": len(cold),
        "cold_start_user_positives": int(cold_positive.sum()),
        "cold_start_items": len(np.unique(held_out.items[~known_item])),
        "positives_on_cold_start_items": int((positive & warm_user & ~known_item).sum()),
        "positives_already_seen_in_training": int(already_seen.sum()),
        "relevant_positives": int(relevant.nnz),
        "evaluated_users": len(eval_users),
    }
    return Fold(
        index=index,
        fit=fit,
        seen=seen,
        relevant=relevant,
        eval_users=eval_users,
        counts=counts,
        cold_users=cold,
        cold_user_positives=cold_user_positives,
    )
