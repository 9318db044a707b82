"""Dependencies shared by the routes, as `Annotated` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from ..fastpath import FastScorer


@dataclass(frozen=True)
class ServingModel:
    scorer: FastScorer
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["model_version"])


def get_model(request: Request) -> ServingModel:
    model = getattr(request.app.state, "model", None)
    if model is None:
        raise HTTPException(status_code=503, detail="model not loaded yet")
    assert isinstance(model, ServingModel)
    return model


ModelDep = Annotated[ServingModel, Depends(get_model)]
