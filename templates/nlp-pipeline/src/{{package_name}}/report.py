"""Stage `report`: turn `reports/metrics.json` into Markdown.

The wording lives in Jinja templates beside this module (`report_templates/`), filled
from `metrics.json`; this module only loads them and supplies formatting filters, so a
sentence can be changed without reading the code that computes its numbers. Wording
that depends on a number (is a saving distinguishable from zero) is decided from the
intervals by the `verdict` filter, never written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .config import Config
from .core.markers import splice_file
from .figures import FIGURES
from .modelling import NAMES

TEMPLATES = Path(__file__).with_name("report_templates")
# Decision records whose measured numbers come from metrics.json (0004 from `make bench`).
DECISIONS = {
    "0001": "0001-tfidf-and-linear-models.md",
    "0002": "0002-deduplicate-before-splitting.md",
    "0003": "0003-operating-point.md",
}


def run(cfg: Config) -> list[str]:
    """Write the evaluation report and splice the doc blocks; return what changed."""
    m = json.loads(cfg.paths.metrics.read_text(encoding="utf-8"))
    cfg.paths.reports_dir.mkdir(parents=True, exist_ok=True)
    (cfg.paths.reports_dir / "evaluation.md").write_text(
        render("evaluation.md.j2", m, prefix=""), encoding="utf-8"
    )
    changed = []
    targets = {
        cfg.paths.readme: render("readme.md.j2", m, prefix="reports/"),
        cfg.paths.docs_dir / "model_card.md": render("model_card.md.j2", m, prefix="../reports/"),
        cfg.paths.docs_dir / "data_card.md": render("data_card.md.j2", m, prefix="../reports/"),
    }
    for number, name in DECISIONS.items():
        targets[cfg.paths.docs_dir / "decisions" / name] = render(
            f"decision_{number}.md.j2", m, prefix="../../reports/"
        )
    for path, block in targets.items():
        if path.is_file() and splice_file(path, block):
            changed.append(path.name)
    return changed


def render(name: str, metrics: dict[str, Any], prefix: str) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(num=num, pct=pct, ci=ci, verdict=verdict, saves=saves, md=md)
    if metrics.get("task") == "multiclass":
        # More than two labels: a template's multi-class variant where it has one.
        variant = name.replace(".md.j2", "_multiclass.md.j2")
        name = variant if (TEMPLATES / variant).is_file() else name
    text = env.get_template(name).render(
        m=metrics, prefix=prefix, figures=FIGURES, model_names=NAMES
    )
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


# --- filters ------------------------------------------------------------------------


def num(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f} %"


def ci(estimate: dict[str, Any], digits: int = 0, scale: float = 1.0, unit: str = "") -> str:
    """'[low, high]' of an estimate dict, optionally scaled (100 for per cent)."""
    low, high = estimate.get("low"), estimate.get("high")
    if low is None or high is None:
        return "n/a"
    return f"[{low * scale:,.{digits}f}{unit}, {high * scale:,.{digits}f}{unit}]"


def verdict(estimate: dict[str, Any], claim: str) -> str:
    """What an interval of a saving or difference allows one to say."""
    if estimate["low"] is None:
        return "undefined"
    if estimate["low"] > 0:
        return "the interval is clear of zero"
    if estimate["high"] < 0:
        return "the interval lies below zero"
    return f"the interval includes zero, so this test set cannot show that {claim}"


def saves(value: float, digits: int = 1) -> str:
    return f"saves {value:,.{digits}f}" if value >= 0 else f"costs {-value:,.{digits}f} more"


def md(text: str) -> str:
    """A message shown inside a Markdown table cell or quote: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;")
