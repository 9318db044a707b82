"""Ranking and beyond-accuracy metrics: pure functions over recommendation lists.

Conventions (L = a user's top-k list, T = that user's relevant held-out items, ranks
count from 1, gains are binary):

- precision@k = |L ∩ T| / k
- recall@k = |L ∩ T| / |T|
- NDCG@k = DCG / ideal DCG, DCG = Σ over hits of 1 / log2(rank + 1), the ideal list
  placing min(|T|, k) hits first
- MAP@k (average precision) = Σ over hits of (precision at that rank) / min(|T|, k)
- hit rate@k = 1 if L ∩ T is not empty
- MRR@k = 1 / rank of the first hit, 0 without a hit in the first k

Every ranking metric is per user, computed from a `hits` matrix (users x positions,
True where the item at that position is relevant) and `n_relevant` (|T| per user). A
user with no relevant item has no defined recall, NDCG, MAP, hit rate or MRR; those get
NaN, and the evaluation averages over users with at least one relevant item only.
A list shorter than k (padded with -1) counts its missing places as misses.

Beyond accuracy, over the lists of all evaluated users and the catalogue:

- catalogue coverage = (number of distinct items in all lists) / |catalogue|
- distributional coverage = entropy of how often each item is recommended, in bits,
  divided by log2(|catalogue|): 1 when every item is recommended equally often
- novelty = mean of -log2(share of training users who interacted with the item)
- intra-list diversity = mean over pairs in L of (1 - cosine similarity of the items)
- average recommended popularity = mean number of training users of the listed items
- exposure Gini = Gini coefficient of how often each catalogue item is recommended:
  0 when exposure is equal, near 1 when a few items get it all
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

Hits = npt.NDArray[np.bool_]
PerUser = npt.NDArray[np.float64]
Lists = npt.NDArray[np.int64]


def _check(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> Hits:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if hits.ndim != 2 or hits.shape[1] < k:
        raise ValueError(f"hits must hold at least {k} positions per user, got {hits.shape}")
    if len(n_relevant) != hits.shape[0]:
        raise ValueError("hits and n_relevant must describe the same users")
    if np.any(hits[:, :k].sum(axis=1) > n_relevant):
        raise ValueError("a user has more hits than relevant items")
    return hits[:, :k]


def _undefined_without_relevant(values: PerUser, n_relevant: npt.NDArray[np.int64]) -> PerUser:
    return np.where(n_relevant > 0, values, np.nan)


def precision(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    return _undefined_without_relevant(top.sum(axis=1) / k, n_relevant)


def recall(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _undefined_without_relevant(top.sum(axis=1) / n_relevant, n_relevant)


def ndcg(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (top * discount).sum(axis=1)
    ideal_cumulative = np.concatenate([[0.0], np.cumsum(discount)])
    ideal = ideal_cumulative[np.minimum(n_relevant, k)]
    with np.errstate(divide="ignore", invalid="ignore"):
        return _undefined_without_relevant(dcg / ideal, n_relevant)


def average_precision(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    ranks = np.arange(1, k + 1)
    precision_at_rank = np.cumsum(top, axis=1) / ranks
    with np.errstate(divide="ignore", invalid="ignore"):
        total = (precision_at_rank * top).sum(axis=1) / np.minimum(n_relevant, k)
    return _undefined_without_relevant(total, n_relevant)


def hit_rate(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    return _undefined_without_relevant(top.any(axis=1).astype(float), n_relevant)


def reciprocal_rank(hits: Hits, n_relevant: npt.NDArray[np.int64], k: int) -> PerUser:
    top = _check(hits, n_relevant, k)
    first = np.argmax(top, axis=1)
    values = np.where(top.any(axis=1), 1.0 / (first + 1), 0.0)
    return _undefined_without_relevant(values, n_relevant)


RankingMetric = Callable[[Hits, npt.NDArray[np.int64], int], PerUser]
# The one registry of ranking metrics: tables, tests and docs iterate over it.
RANKING: dict[str, RankingMetric] = {
    "precision": precision,
    "recall": recall,
    "ndcg": ndcg,
    "map": average_precision,
    "hit_rate": hit_rate,
    "mrr": reciprocal_rank,
}
RANKING_LABELS = {
    "precision": "precision",
    "recall": "recall",
    "ndcg": "NDCG",
    "map": "MAP",
    "hit_rate": "hit rate",
    "mrr": "MRR",
}


def hit_matrix(lists: Lists, relevant: npt.NDArray[np.bool_]) -> Hits:
    """True where the listed item is relevant to that user; padding (-1) is a miss.

    `relevant` is a dense users x items boolean matrix over the same users as `lists`.
    """
    padded = lists < 0
    hits = np.take_along_axis(relevant, np.where(padded, 0, lists), axis=1)
    return hits & ~padded


# --- beyond accuracy ---------------------------------------------------------------


def recommendation_counts(lists: Lists, n_items: int) -> npt.NDArray[np.int64]:
    """How often each catalogue item appears in the lists."""
    listed = lists[lists >= 0]
    return np.bincount(listed, minlength=n_items).astype(np.int64)


def catalogue_coverage(lists: Lists, n_items: int) -> float:
    return float(np.count_nonzero(recommendation_counts(lists, n_items)) / n_items)


def distributional_coverage(lists: Lists, n_items: int) -> float:
    counts = recommendation_counts(lists, n_items)
    if n_items < 2 or counts.sum() == 0:
        return 0.0
    share = counts[counts > 0] / counts.sum()
    return float(-(share * np.log2(share)).sum() / np.log2(n_items))


def exposure_gini(lists: Lists, n_items: int) -> float:
    """Gini coefficient of the recommendation counts over the whole catalogue."""
    counts = np.sort(recommendation_counts(lists, n_items)).astype(float)
    if counts.sum() == 0:
        return 0.0
    ranks = np.arange(1, n_items + 1)
    return float((2 * ranks - n_items - 1) @ counts / (n_items * counts.sum()))


def novelty(lists: Lists, user_share: npt.NDArray[np.float64]) -> PerUser:
    """Mean self-information -log2(p) of the listed items, p = share of training users."""
    valid = lists >= 0
    with np.errstate(divide="ignore"):
        information = -np.log2(user_share)
    values = np.where(valid, information[np.where(valid, lists, 0)], 0.0)
    return np.asarray(values.sum(axis=1) / np.maximum(valid.sum(axis=1), 1), dtype=np.float64)


def average_popularity(lists: Lists, popularity: npt.NDArray[np.float64]) -> PerUser:
    valid = lists >= 0
    values = np.where(valid, popularity[np.where(valid, lists, 0)], 0.0)
    return np.asarray(values.sum(axis=1) / np.maximum(valid.sum(axis=1), 1), dtype=np.float64)


def intra_list_diversity(lists: Lists, unit_vectors: sp.csr_matrix) -> PerUser:
    """Mean 1 - cosine similarity over the pairs of each list (NaN below two items).

    `unit_vectors` holds one L2-normalised row per catalogue item (its users in the
    training matrix; an item without interactions is a zero row). The sum of cosine
    similarities over ordered pairs i != j of a list is |sum of its vectors|^2 minus the
    sum of their squared lengths, which avoids forming any items x items matrix.
    """
    valid = lists >= 0
    n_users, n_items = lists.shape[0], unit_vectors.shape[0]
    rows = np.repeat(np.arange(n_users), valid.sum(axis=1))
    membership = sp.csr_matrix((np.ones(len(rows)), (rows, lists[valid])), shape=(n_users, n_items))
    summed = membership @ unit_vectors
    squared_sum = np.asarray(summed.multiply(summed).sum(axis=1)).ravel()
    lengths = np.asarray(unit_vectors.multiply(unit_vectors).sum(axis=1)).ravel()
    own = np.asarray(membership @ lengths).ravel()
    n = valid.sum(axis=1)
    pairs = n * (n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pairs > 0, 1.0 - (squared_sum - own) / pairs, np.nan)


def unit_item_vectors(interactions: sp.csr_matrix) -> sp.csr_matrix:
    """Each item's column of a users x items matrix as an L2-normalised row."""
    items = sp.csr_matrix(interactions.T, dtype=np.float64)
    norms = np.sqrt(np.asarray(items.multiply(items).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ items)


BEYOND_LABELS = {
    "coverage": "catalogue coverage",
    "distributional_coverage": "distributional coverage",
    "novelty": "novelty (bits)",
    "diversity": "intra-list diversity",
    "avg_popularity": "average recommended popularity (training users)",
    "exposure_gini": "exposure Gini",
}
