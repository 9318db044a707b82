"""The reports' PNG figures, drawn from `metrics.json` (and `bench.json`) with matplotlib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .models import DESCRIPTIONS

FIGURES = {
    "accuracy_vs_coverage": "Accuracy against catalogue coverage and novelty",
    "accuracy_vs_latency": "Accuracy against serving latency",
    "segments": "Accuracy by user activity and by item popularity",
}
# No software version or date in the PNG metadata: the same results give the same bytes.
_PNG_METADATA = {"Software": None}


def write_all(folder: Path, m: dict[str, Any], bench: dict[str, Any] | None) -> list[str]:
    """Draw every figure the data allows; return the names drawn."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn = {
        "accuracy_vs_coverage": accuracy_vs_coverage(m),
        "segments": segments(m),
    }
    if bench is not None:
        drawn["accuracy_vs_latency"] = accuracy_vs_latency(m, bench)
    for name, fig in drawn.items():
        fig.savefig(folder / f"{name}.png", dpi=110, metadata=_PNG_METADATA)
        plt.close(fig)
    return list(drawn)


def _metric(m: dict[str, Any]) -> str:
    return str(m["selection"]["metric"])


def _point(ax: Axes, x: float, entry: dict[str, Any], label: str, served: bool) -> None:
    """One model: its estimate with the interval, named in the legend (labels written
    beside the points overlapped when two models came close, and pushed the axes in)."""
    y, low, high = entry["value"], entry["low"], entry["high"]
    ax.errorbar(
        [x], [y], yerr=[[y - low], [high - y]], fmt="o" if not served else "*",
        markersize=8 if not served else 14, capsize=3,
        label=label + (" (served)" if served else ""),
    )  # fmt: skip


def accuracy_vs_coverage(m: dict[str, Any]) -> Figure:
    metric = _metric(m)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    for ax, key, label in (
        (axes[0], "coverage", "catalogue coverage (share of items ever recommended)"),
        (axes[1], "novelty", "novelty (mean self-information, bits)"),
    ):
        for name, e in m["models"].items():
            b = e["beyond"][key]
            x = b if not isinstance(b, dict) else b["value"]
            _point(ax, x, e["ranking"][metric], DESCRIPTIONS[name], name == m["served_model"])
        ax.set_xlabel(label)
        ax.set_ylabel(f"{metric} on the test split (95 % interval)")
        ax.grid(alpha=0.3)
    axes[0].set_xlim(0, 1)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(FIGURES["accuracy_vs_coverage"], fontsize=11)
    return fig


def accuracy_vs_latency(m: dict[str, Any], bench: dict[str, Any]) -> Figure:
    metric = _metric(m)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    for name, e in m["models"].items():
        timing = bench["models"].get(name)
        if timing is None:
            continue
        x = timing["top_k_ms"]["p50"]
        _point(ax, x, e["ranking"][metric], DESCRIPTIONS[name], name == m["served_model"])
    ax.axvline(bench["goals"]["top_k_p50_ms"], color="0.3", ls=":", label="goal (p50)")
    ax.set_xscale("log")
    ax.set_xlabel(f"top-{bench['k']} for one user, in process: p50 latency (ms, log scale)")
    ax.set_ylabel(f"{metric} on the test split")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(FIGURES["accuracy_vs_latency"], fontsize=11)
    return fig


def segments(m: dict[str, Any]) -> Figure:
    k = m["headline_k"]
    names = list(m["models"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    panels = (
        (axes[0], "user_activity", ("light", "heavy"), f"ndcg@{k}", "users by training activity"),
        (
            axes[1],
            "item_popularity",
            ("head", "tail"),
            f"recall@{k}",
            "relevant items by popularity",
        ),
    )
    width = 0.8 / len(names)
    for ax, group, labels, key, title in panels:
        x = np.arange(len(labels))
        for i, name in enumerate(names):
            seg = m["models"][name]["segments"][group]
            values = np.array([seg[label][key]["value"] for label in labels])
            lows = np.array([seg[label][key]["low"] for label in labels])
            highs = np.array([seg[label][key]["high"] for label in labels])
            ax.bar(
                x + (i - (len(names) - 1) / 2) * width, values, width=width,
                yerr=[values - lows, highs - values], capsize=3, label=DESCRIPTIONS[name],
            )  # fmt: skip
        first = m["models"][names[0]]["segments"][group]
        ax.set_xticks(x, [f"{label}\n(n={first[label]['users']:,} users)" for label in labels])
        ax.set_ylabel(key)
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8)
    fig.suptitle(FIGURES["segments"], fontsize=11)
    return fig
