"""Offline evaluation of one model on one fold, vectorised over users.

Every evaluated user gets a top-k list over the whole catalogue (no sampled negatives),
with the items seen in training filtered out. The results are per-user arrays, so the
same numbers give means, bootstrap intervals over users, paired differences between
models and segment slices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import metrics
from .matrix import Fold
from .models import Recommender, top_k

# Users scored at once: bounds the dense users x items score block in memory.
BATCH_USERS = 2048


@dataclass(frozen=True)
class UserResults:
    """Per-user results of one model on the evaluated users of a fold."""

    lists: npt.NDArray[np.int64]
    hits: npt.NDArray[np.bool_]
    n_relevant: npt.NDArray[np.int64]

    def ranking(self, name: str, k: int) -> npt.NDArray[np.float64]:
        return metrics.RANKING[name](self.hits, self.n_relevant, k)


def recommend_lists(
    model: Recommender, fold: Fold, rows: npt.NDArray[np.int64], k: int
) -> npt.NDArray[np.int64]:
    """Top-k lists for the given user rows, seen items excluded, in batches."""
    out = np.empty((len(rows), k), dtype=np.int64)
    for start in range(0, len(rows), BATCH_USERS):
        chunk = rows[start : start + BATCH_USERS]
        scores = model.score(fold.fit[chunk])
        out[start : start + len(chunk)] = top_k(scores, k, fold.seen[chunk])
    return out


def evaluate_model(model: Recommender, fold: Fold, k: int) -> UserResults:
    rows = fold.eval_users
    lists = recommend_lists(model, fold, rows, k)
    relevant = fold.relevant[rows]
    hits = metrics.hit_matrix(lists, relevant.toarray() > 0)
    n_relevant = np.diff(relevant.indptr).astype(np.int64)
    return UserResults(lists=lists, hits=hits, n_relevant=n_relevant)


def head_items(popularity: npt.NDArray[np.float64], head_share: float) -> npt.NDArray[np.bool_]:
    """The most popular `head_share` of the catalogue (ties to the lower index)."""
    n_head = max(1, round(head_share * len(popularity)))
    order = np.lexsort((np.arange(len(popularity)), -popularity))
    head = np.zeros(len(popularity), dtype=bool)
    head[order[:n_head]] = True
    return head


def segment_recall(
    results: UserResults,
    relevant_rows: npt.NDArray[np.bool_],
    in_segment: npt.NDArray[np.bool_],
    k: int,
) -> tuple[npt.NDArray[np.float64], int]:
    """Recall@k restricted to one item segment, over users with a relevant item in it.

    Returns the per-user values (only users with at least one relevant segment item) and
    the number of relevant segment items: the denominators of the segment's rate.
    """
    relevant_in = relevant_rows & in_segment[None, :]
    n_in = relevant_in.sum(axis=1)
    lists = results.lists[:, :k]
    listed_in = np.where(lists >= 0, in_segment[np.where(lists >= 0, lists, 0)], False)
    hits_in = (results.hits[:, :k] & listed_in).sum(axis=1)
    users = n_in > 0
    return hits_in[users] / n_in[users], int(n_in.sum())


def beyond_accuracy(
    lists: npt.NDArray[np.int64],
    popularity: npt.NDArray[np.float64],
    n_users: int,
    unit_vectors: sp.csr_matrix,
) -> tuple[dict[str, float], dict[str, npt.NDArray[np.float64]]]:
    """Catalogue-level values, and per-user values (for intervals over users)."""
    n_items = len(popularity)
    catalogue = {
        "coverage": metrics.catalogue_coverage(lists, n_items),
        "distributional_coverage": metrics.distributional_coverage(lists, n_items),
        "exposure_gini": metrics.exposure_gini(lists, n_items),
    }
    per_user = {
        "novelty": metrics.novelty(lists, popularity / n_users),
        "diversity": metrics.intra_list_diversity(lists, unit_vectors),
        "avg_popularity": metrics.average_popularity(lists, popularity),
    }
    return catalogue, per_user
