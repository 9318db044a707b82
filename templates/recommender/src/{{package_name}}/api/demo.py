"""The demo page: pick a user, see their history beside the lists of two models.

Served through the family's page machinery (`core.demo.page_router`): the page, its
script and styles come from this app only, under a Content-Security-Policy of 'self'.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import APIRouter

from ..config import Config
from ..core.demo import page_router
from ..models import DESCRIPTIONS
from ..service import BASELINE

UNKNOWN_EXAMPLE = "new-user"


def recommender_demo(cfg: Config, metadata: dict[str, Any]) -> APIRouter:
    w = cfg.wording
    page = files(__package__) / "page"
    family = files(f"{__package__.rsplit('.', 1)[0]}.core.demo")
    return page_router(
        page=(page / "index.html").read_text(encoding="utf-8"),
        assets={
            "demo.css": (family / "demo.css").read_bytes(),
            "recommend.css": (page / "recommend.css").read_bytes(),
            "recommend.js": (page / "recommend.js").read_bytes(),
        },
        config={
            "title": f"{w.item.capitalize()} recommendations for a {w.user}",
            "intro": (
                f"Pick a {w.user} (the examples are {w.users} of the test split; "
                f"{UNKNOWN_EXAMPLE!r} is one the models have never seen) and compare what two "
                f"models recommend. Their history is what the models learned from; none of it "
                "is recommended again."
            ),
            "example_users": [*metadata["example_users"], UNKNOWN_EXAMPLE],
            "candidates": list(metadata["candidates"]),
            "served_model": metadata["served_model"],
            "baseline": BASELINE,
            "default_k": cfg.api.default_k,
            "max_k": cfg.api.max_k,
            "labels": {
                "history": f"The {w.user}'s history",
                "models": {
                    name: DESCRIPTIONS[name]
                    + (" (served)" if name == metadata["served_model"] else "")
                    for name in metadata["candidates"]
                },
                "fallback": (
                    f"This {w.user} is new to the models: both lists are the most popular "
                    f"{w.items}, a cold-start fallback, not a personal recommendation"
                ),
            },
        },
    )
