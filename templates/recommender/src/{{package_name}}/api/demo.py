"""The demo page: pick a user, see their history beside the lists of two models.

The family demo's ranked-lists view (`core.demo.lists_router`): the page, its script
and styles come from this app only, under a Content-Security-Policy of 'self'.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..config import Config
from ..core.demo import ListsLabels, lists_router
from ..models import DESCRIPTIONS
from ..service import BASELINE

UNKNOWN_EXAMPLE = "new-user"


def recommender_demo(cfg: Config, metadata: dict[str, Any]) -> APIRouter:
    w = cfg.wording
    return lists_router(
        title=f"{w.item.capitalize()} recommendations for a {w.user}",
        intro=(
            f"Pick a {w.user} (the examples are {w.users} of the test split; "
            f"{UNKNOWN_EXAMPLE!r} is one the models have never seen) and compare what two "
            f"models recommend. Their history is what the models learned from; none of it "
            "is recommended again."
        ),
        examples=[*metadata["example_users"], UNKNOWN_EXAMPLE],
        rankers=list(metadata["candidates"]),
        shown=(metadata["served_model"], BASELINE),
        default_k=cfg.api.default_k,
        max_k=cfg.api.max_k,
        history_path="/users/{id}/history",
        list_path="/recommendations/{id}?k={k}&model={model}",
        labels=ListsLabels(
            subject=w.user.capitalize(),
            missing=f"Give a {w.user} ID, or pick one of the examples.",
            history=f"The {w.user}'s history",
            rankers={
                name: DESCRIPTIONS[name] + (" (served)" if name == metadata["served_model"] else "")
                for name in metadata["candidates"]
            },
            fallback=(
                f"This {w.user} is new to the models: both lists are the most popular "
                f"{w.items}, a cold-start fallback, not a personal recommendation"
            ),
        ),
    )
