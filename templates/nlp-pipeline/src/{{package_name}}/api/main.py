"""App factory: the family's service skeleton with this project's routes and demo page.

Start with `uvicorn --factory <package>.api.main:create_app`. Building the app reads only
the model metadata and the config; the artefact itself is verified and loaded in the
lifespan, and a failed check stops the service from starting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from ..artefact import load_model
from ..config import Config, load_config
from ..core.demo import DecisionControl, demo_router
from ..core.service import artefact_loader, create_service, decision_control, read_metadata
from ..errors import PipelineError
from ..prepare import load_split
from .deps import ServingModel
from .routes import build_router
from .schemas import ModelInfo, batch_model, message_model
from .settings import Settings, get_settings

# The page's opening message when no held-out message can be read (no `make data` yet).
PLACEHOLDER = "Type or paste a message here, then classify it."


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    metadata = read_metadata(settings.metadata_path)
    cfg = load_config(settings.config_path)
    message = message_model(cfg.api.max_chars)
    batch = batch_model(cfg.api.max_chars, cfg.api.max_batch)
    title, intro, decision = _page(metadata)
    demo = demo_router(
        request_model=message,
        example={"text": _example(cfg)},
        predict_path="/classify",
        title=f"{title}: try a message",
        intro=intro,
        decision=decision,
    )
    return create_service(
        title=title,
        summary="Cost-aware decisions on text messages, with the tokens behind each.",
        version=str(metadata["model_version"]),
        load=artefact_loader(settings, load_model, ServingModel.from_loaded),
        info_model=ModelInfo,
        max_body_bytes=settings.max_body_bytes,
        routers=[build_router(message, batch, cfg.api.max_batch), demo],
    )


def _example(cfg: Config) -> str:
    """The first held-out test message of the configured data: a real case the model has
    not seen, from whatever data this project runs on."""
    try:
        _, test, _ = load_split(cfg)
    except (PipelineError, OSError, ValueError):
        return PLACEHOLDER
    return test[0].text if test else PLACEHOLDER


def _page(metadata: dict[str, Any]) -> tuple[str, str, DecisionControl]:
    """Title, introduction and decision control of the demo page: a threshold with its
    cost-ratio slider for two labels; the cost-matrix decision, no slider, for more."""
    positive = str(metadata["classes"]["positive"])
    if metadata.get("task", "binary") == "multiclass":
        decision = DecisionControl(
            threshold=None,
            cost_ratio=None,
            score_field="probability",
            score_label="Probability of the most probable label",
            flagged_field="flagged",
            decision_field="decision",
            positive_action=positive,
            negative_action="",
            reasons_field="tokens",
            reasons_label="Terms that drove the decided label",
            reasons_note="In brackets: each term's part of the decided label's decision "
            "value (+ pushes towards that label, - away from it).",
        )
        intro = (
            "Paste a message and classify it: the decision is the label of least expected "
            "cost under the cost matrix; the list shows the terms that pushed it up (+) or "
            "down (-)."
        )
        return f"Text classifier ({len(metadata['labels'])} labels)", intro, decision
    decision = replace(
        decision_control(
            metadata,
            score_field="probability",
            score_label=f"Probability of {positive!r}",
            reasons_field="tokens",
            reasons_label="Terms that drove the score",
        ),
        reasons_note=f"In brackets: each term's part of the log-odds of {positive!r} "
        "(+ pushes towards flagging, - away from it).",
    )
    intro = (
        "Paste a message and classify it; the list shows the terms that pushed the "
        "score up (+) or down (-)."
    )
    return f"{positive!r} filter", intro, decision
