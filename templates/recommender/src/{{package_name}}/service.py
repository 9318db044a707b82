"""Serving core: recommendations and similar items from the trained bundle.

The CLI, the API and the benchmark all go through `Recommendations`, so they give the
same answers. A user the models have never seen (a cold-start user) gets the
most-popular list instead, and the result says so (`fallback`), so no caller mistakes
it for a personal recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .bundle import Bundle, load_verified
from .config import Config
from .models import DESCRIPTIONS, top_k_one

BASELINE = "most_popular"


class UnknownItemError(LookupError):
    """An item ID that is not in the catalogue the models were trained on."""


@dataclass(frozen=True)
class Scored:
    item_id: str
    score: float


@dataclass(frozen=True)
class Result:
    model: str
    items: list[Scored]
    fallback: bool = False
    reason: str | None = None
    user_id: str | None = None

    def headline(self) -> str:
        if self.fallback:
            return (
                f"user {self.user_id!r}: {self.reason}; showing the most popular items instead "
                "(cold-start fallback, not personal)"
            )
        return f"user {self.user_id!r}: top {len(self.items)} from {DESCRIPTIONS[self.model]}"


class Recommendations:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self._user_row = {str(u): i for i, u in enumerate(bundle.index.users)}
        self._item_column = {str(v): i for i, v in enumerate(bundle.index.items)}
        self._item_ids = [str(v) for v in bundle.index.items]

    @classmethod
    def load(cls, cfg: Config) -> Recommendations:
        return cls(load_verified(cfg.paths.model("bundle"), cfg.paths.model_metadata("bundle")))

    @property
    def served(self) -> str:
        return self.bundle.served

    def known_user(self, user_id: str) -> bool:
        return user_id in self._user_row

    def recommend(self, user_id: str, k: int, model: str | None = None) -> Result:
        """Top-k unseen items for `user_id` from `model` (default: the served one)."""
        name = model or self.served
        row = self._user_row.get(user_id)
        if row is None:
            return self._fallback(user_id, k, "not in the training data")
        start, end = self.bundle.fit.indptr[row], self.bundle.fit.indptr[row + 1]
        history = self.bundle.fit.indices[start:end].astype(np.int64)
        if history.size == 0 and name != BASELINE:
            return self._fallback(user_id, k, "no training interactions the model learns from")
        scores = self.bundle.models[name].score_one(history)
        return Result(model=name, items=self._ranked(scores, k, self._seen(row)), user_id=user_id)

    def similar(self, item_id: str, k: int, model: str | None = None) -> Result:
        column = self._item_column.get(item_id)
        if column is None:
            raise UnknownItemError(f"item {item_id!r} is not in the catalogue")
        name = model or self.served
        scores = self.bundle.models[name].similar(column)
        return Result(model=name, items=self._ranked(scores, k, np.array([column], dtype=np.int64)))

    def history(self, user_id: str) -> list[str]:
        """The user's training items, in catalogue order."""
        row = self._user_row.get(user_id)
        return [] if row is None else [self._item_ids[i] for i in self._seen(row)]

    def info(self) -> dict[str, Any]:
        meta = self.bundle.metadata
        return {
            "served_model": self.served,
            "models": meta["models"],
            "fit_on": meta["fit_on"],
            "data_file": meta["data_file"],
            "data_sha256": meta["data_sha256"],
            "users": meta["users"],
            "items": meta["items"],
        }

    def _fallback(self, user_id: str, k: int, reason: str) -> Result:
        scores = self.bundle.models[BASELINE].score_one(np.zeros(0, dtype=np.int64))
        return Result(
            model=BASELINE,
            items=self._ranked(scores, k, np.zeros(0, dtype=np.int64)),
            fallback=True,
            reason=reason,
            user_id=user_id,
        )

    def _seen(self, row: int) -> npt.NDArray[np.int64]:
        seen = self.bundle.seen
        return np.asarray(seen.indices[seen.indptr[row] : seen.indptr[row + 1]], dtype=np.int64)

    def _ranked(
        self, scores: npt.NDArray[np.floating[Any]], k: int, exclude: npt.NDArray[np.int64]
    ) -> list[Scored]:
        masked = np.array(scores, dtype=np.float64)
        masked[exclude] = -np.inf
        best = top_k_one(masked, k)
        return [Scored(self._item_ids[i], float(masked[i])) for i in best]
