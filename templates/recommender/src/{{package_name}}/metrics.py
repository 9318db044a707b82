"""Ranking metrics for one user: a top-k list against the items held out for them."""

import math
from collections.abc import Sequence, Set


def precision_at_k(ranked: Sequence[int], held_out: Set[int], k: int) -> float:
    """Share of the first k recommendations that the user went on to rate."""
    _check_k(k)
    return sum(item in held_out for item in ranked[:k]) / k


def recall_at_k(ranked: Sequence[int], held_out: Set[int], k: int) -> float:
    """Share of the held-out items found in the first k recommendations."""
    _check_k(k)
    if not held_out:
        raise ValueError("recall is undefined for a user with no held-out items")
    return sum(item in held_out for item in ranked[:k]) / len(held_out)


def ndcg_at_k(ranked: Sequence[int], held_out: Set[int], k: int) -> float:
    """Binary-gain NDCG@k; the ideal list places min(|held_out|, k) hits first."""
    _check_k(k)
    if not held_out:
        raise ValueError("NDCG is undefined for a user with no held-out items")
    dcg = sum(1 / math.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in held_out)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(held_out), k)))
    return dcg / ideal


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
