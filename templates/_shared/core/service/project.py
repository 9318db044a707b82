"""What every family app factory does around its own routes: read the metadata that
types the app, build the demo's decision control from it, load the artefact in the
lifespan, and hand the loaded model to routes with its own type.

    metadata = read_metadata(settings.metadata_path)
    app = create_service(..., load=artefact_loader(settings, load_model, ServingModel.from_loaded))
    get_model = model_getter(ServingModel)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from fastapi import Request

from ..artefact import ArtefactError, LoadedModel
from ..demo import DecisionControl
from .app import served_model
from .settings import ServiceSettings

T = TypeVar("T")


class LoadModel(Protocol):
    def __call__(
        self, model_path: Path, metadata_path: Path, expected_sha256: str | None = None
    ) -> LoadedModel: ...


def read_metadata(path: Path) -> dict[str, Any]:
    """The metadata saved beside the model, or an ArtefactError saying to train first."""
    try:
        metadata: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArtefactError(f"{path} not found; train a model first with `make train`") from exc
    except ValueError as exc:
        raise ArtefactError(
            f"{path} is not valid JSON ({exc}); train again with `make train`"
        ) from exc
    return metadata


def artefact_loader(
    settings: ServiceSettings, load_model: LoadModel, serve: Callable[[LoadedModel], T]
) -> Callable[[], T]:
    """The lifespan's `load`: verify and load the artefact the settings name, then
    compile it for serving with `serve`."""

    def load() -> T:
        loaded = load_model(settings.model_path, settings.metadata_path, settings.expected_sha256)
        return serve(loaded)

    return load


def decision_control(
    metadata: dict[str, Any],
    *,
    score_field: str,
    score_label: str,
    reasons_field: str | None = None,
    reasons_label: str = "Reasons",
) -> DecisionControl:
    """The demo's decision control from the metadata of a cost-tuned binary decision:
    the served threshold, the cost ratio it was tuned for, the two actions."""
    costs = metadata["costs"]
    return DecisionControl(
        threshold=float(metadata["threshold"]),
        cost_ratio=float(costs["false_negative"]) / float(costs["false_positive"]),
        score_field=score_field,
        score_label=score_label,
        flagged_field="flagged",
        decision_field="decision",
        positive_action=str(metadata["actions"]["positive"]),
        negative_action=str(metadata["actions"]["negative"]),
        reasons_field=reasons_field,
        reasons_label=reasons_label,
    )


def model_getter(kind: type[T]) -> Callable[[Request], T]:
    """`get_model(request)`: the served model as a `kind` (a 503 until it is loaded).

    Routes call it directly rather than through `Depends`, which keeps the dependency
    machinery off the hot path; it may also be used with `Depends`.
    """

    def get_model(request: Request) -> T:
        return cast(T, served_model(request))

    get_model.__doc__ = f"The served {kind.__name__} (a 503 until it is loaded)."
    return get_model
