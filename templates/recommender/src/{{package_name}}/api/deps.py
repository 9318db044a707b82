"""The loaded models as the service skeleton sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..service import Recommendations as Core
from .schemas import ModelInfo


@dataclass(frozen=True)
class ServingModel:
    core: Core
    metadata: dict[str, Any]
    default_k: int
    max_k: int

    @property
    def version(self) -> str:
        return str(self.metadata["model_version"])

    def info(self) -> ModelInfo:
        m = self.metadata
        return ModelInfo(
            model_version=self.version,
            served_model=m["served_model"],
            candidates=list(m["candidates"]),
            models=m["models"],
            fit_on=m["fit_on"],
            data_file=m["data_file"],
            data_sha256=m["data_sha256"],
            artefact_sha256=m["artefact_sha256"],
            users=m["users"],
            items=m["items"],
            default_k=self.default_k,
            max_k=self.max_k,
        )
