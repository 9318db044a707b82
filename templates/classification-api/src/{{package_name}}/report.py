"""Stage `report`: turn `reports/metrics.json` into Markdown.

Writes `reports/evaluation.md` and splices result blocks into the README, the model card,
the data card and the decision records between their results markers. The numbers come
from `metrics.json` through its pydantic model; every sentence is in a template under
`report_templates/`, including the ones that depend on a number (is a saving clear of
zero, is a rate too few to conclude from).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import results
from .config import Config
from .core.markers import splice_file
from .core.report import environment, render
from .figures import FIGURES

MODEL_NAMES = {
    "dummy": "a constant baseline (DummyClassifier)",
    "logistic_regression": "logistic regression",
    "gradient_boosting": "gradient-boosted trees (HistGradientBoostingClassifier)",
}
RATE_NAMES = {
    "base_rate": "base rate",
    "selection_rate": "selection rate",
    "false_positive_rate": "false positive rate",
    "false_negative_rate": "false negative rate",
}
# Rendered doc -> its template under report_templates/ (paths relative to the project).
BLOCKS = {
    Path("README.md"): "readme.md.j2",
    Path("docs/model_card.md"): "model_card.md.j2",
    Path("docs/data_card.md"): "data_card.md.j2",
    Path("docs/decisions/0001-model-family.md"): "decision_model_family.md.j2",
    Path("docs/decisions/0002-threshold-from-costs.md"): "decision_threshold.md.j2",
    Path("docs/decisions/0003-subgroups-audited.md"): "decision_subgroups.md.j2",
    Path("docs/decisions/0005-calibration.md"): "decision_calibration.md.j2",
}


def run(cfg: Config) -> list[str]:
    """Write the evaluation report and splice the doc blocks; return what changed."""
    m = results.read(cfg.paths.metrics, results.Metrics)
    env = environment(__package__ or __name__.rpartition(".")[0])
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    (cfg.paths.reports_dir / "evaluation.md").write_text(
        render(env, "evaluation.md.j2", **context(m, "figures/")), encoding="utf-8"
    )
    changed = []
    root = cfg.paths.readme.parent
    for doc, template in BLOCKS.items():
        path = (
            cfg.paths.readme
            if doc == Path("README.md")
            else cfg.paths.docs_dir / doc.relative_to("docs")
        )
        prefix = "reports/figures/" if doc.parent == Path(".") else _up(doc) + "reports/figures/"
        if path.is_file() and splice_file(path, render(env, template, **context(m, prefix))):
            changed.append(str(path.relative_to(root)) if path.is_relative_to(root) else path.name)
    return changed


def context(m: results.Metrics, figures: str) -> dict[str, Any]:
    """What every template may use: the metrics and a few look-ups on them."""
    policies = {p.name: p for p in m.test.policies}
    best = m.test.best_trivial_policy
    return {
        "m": m,
        "t": m.test,
        "mean": m.meaning,
        "figures": figures,
        "titles": FIGURES,
        "policies": policies,
        "best_name": _policy_words(m, best),
        "policy_words": {name: _policy_words(m, name) for name in policies},
        "model_names": MODEL_NAMES,
        "rate_names": RATE_NAMES,
        "selected": m.training.candidate(m.training.selected),
        "option": {o.name: o for o in m.training.threshold_study.options},
        "ratio": m.costs["false_negative"] / m.costs["false_positive"],
        "served_calibration": m.training.calibration.served,
        "errors": {
            kind: [e for e in m.errors if e.kind == kind]
            for kind in ("false positive", "false negative")
        },
    }


def _policy_words(m: results.Metrics, name: str) -> str:
    words = {
        "model": f"the model at threshold {m.threshold:.3f}",
        "threshold_0_5": "the model at threshold 0.5",
        "formula_threshold": f"the model at C_fp/(C_fp+C_fn) = {m.training.formula_threshold:.3f}",
        "flag_all": f"{m.meaning.positive_action} everyone",
        "flag_none": f"{m.meaning.negative_action} everyone",
    }
    return words[name]


def _up(doc: Path) -> str:
    return "../" * len(doc.parent.parts)
