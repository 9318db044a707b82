"""The loaded models as the service skeleton sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..results import Estimate, Metrics
from ..service import Recommendations as Core
from .schemas import Evaluation, ModelInfo


@dataclass(frozen=True)
class ServingModel:
    core: Core
    metadata: dict[str, Any]
    default_k: int
    max_k: int
    metrics: Metrics | None = None

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
            skipped=m.get("skipped", {}),
            evaluation=self._evaluation(),
        )

    def _evaluation(self) -> Evaluation | None:
        if self.metrics is None:
            return None
        m = self.metrics
        k = m.headline_k
        served = m.models[m.served_model]
        at_k = [f"{name}@{k}" for name in ("ndcg", "recall", "hit_rate", "precision")]
        coverage = served.beyond["coverage"]  # a catalogue-level value, no interval
        return Evaluation(
            evaluated_users=int(m.split.test["evaluated_users"]),
            k=k,
            ranking={key: served.ranking[key] for key in at_k},
            vs_baseline=(
                None
                if served.vs_baseline is None  # the baseline itself is served
                else {key: served.vs_baseline[key] for key in at_k}
            ),
            catalogue_coverage=coverage.value if isinstance(coverage, Estimate) else coverage,
        )
