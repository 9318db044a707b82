"""Recommender (preview): ranking metrics over a top-k list and held-out items."""

from .metrics import ndcg_at_k, precision_at_k, recall_at_k

__all__ = ["ndcg_at_k", "precision_at_k", "recall_at_k"]
