"""The report's PNG figures, drawn from the evaluation results with matplotlib (Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

FIGURES = {
    "cost_vs_threshold": "Expected cost per 1,000 messages against the decision threshold",
    "confusion_matrix": "Decisions on the test messages at the chosen threshold",
    "automation_curve": "Share decided automatically against the error rate of those decisions",
    "slices": "Error rates by slice of the test messages, with 95 % intervals",
}
# No software version or date in the PNG metadata: the same results give the same bytes.
_PNG_METADATA = {"Software": None}


def write_all(
    folder: Path,
    metrics: dict[str, Any],
    grid: npt.NDArray[np.float64],
    test_cost: npt.NDArray[np.float64],
    oof_cost: npt.NDArray[np.float64],
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    drawn = {
        "cost_vs_threshold": cost_vs_threshold(metrics, grid, test_cost, oof_cost),
        "confusion_matrix": confusion_matrix(metrics),
        "automation_curve": automation_curve(metrics),
        "slices": slice_chart(metrics),
    }
    return _save(folder, drawn)


def _save(folder: Path, drawn: dict[str, Figure]) -> list[Path]:
    paths = []
    for name, fig in drawn.items():
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110, metadata=_PNG_METADATA)
        plt.close(fig)
        paths.append(path)
    return paths


def cost_vs_threshold(
    metrics: dict[str, Any],
    grid: npt.NDArray[np.float64],
    test_cost: npt.NDArray[np.float64],
    oof_cost: npt.NDArray[np.float64],
) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    ax.plot(grid, oof_cost, color="0.55", label="training messages (out of fold)")
    ax.plot(grid, test_cost, color="C0", lw=2, label="test messages")
    none = metrics["baselines"]["flag_none"]["cost_per_1k"]["estimate"]
    action = metrics["costs"]["meaning"]["negative_action"]
    ax.axhline(none, color="C3", ls=":", label=f"{action} everything ({none:.0f})")
    t = metrics["threshold"]["value"]
    ax.axvline(t, color="C2", ls="--", label=f"chosen threshold {t:.3f}")
    ax.set_xlabel("threshold on the probability of the positive class")
    ax.set_ylabel("expected cost per 1,000 messages")
    ax.set_ylim(0, max(none * 1.5, float(np.nanmax(test_cost[: len(grid) // 2 + 1]))))
    ax.set_title(FIGURES["cost_vs_threshold"], fontsize=10)
    ax.legend(fontsize=8)
    return fig


def confusion_matrix(metrics: dict[str, Any]) -> Figure:
    c = metrics["test"]["confusion"]
    classes = metrics["data"]["split"]["classes"]
    cells = np.array([[c["tn"], c["fp"]], [c["fn"], c["tp"]]])
    fig, ax = plt.subplots(figsize=(4.2, 3.8), layout="constrained")
    ax.imshow(cells, cmap="Blues")
    for (i, j), v in np.ndenumerate(cells):
        ax.text(j, i, f"{v:,}", ha="center", va="center", color="black", fontsize=12)
    labels = [classes["negative"], classes["positive"]]
    ax.set_xticks([0, 1], [f"decided {x}" for x in labels])
    ax.set_yticks([0, 1], [f"really {x}" for x in labels])
    ax.set_title(FIGURES["confusion_matrix"], fontsize=9)
    return fig


def automation_curve(metrics: dict[str, Any]) -> Figure:
    a = metrics["automation"]
    share = [pt["automated_share"] * 100 for pt in a["curve"]]
    error = [pt["error_rate_automated"] * 100 for pt in a["curve"]]
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(share, error, color="C0", marker=".", ms=3)
    rec = a["recommended"]
    ax.scatter(
        [rec["automated"]["estimate"] * 100],
        [(rec["errors_automated"]["estimate"] or 0) * 100],
        color="C3",
        zorder=3,
        label=f"recommended: {rec['reviewed_per_1k']:.0f} per 1,000 to a person",
    )
    ax.set_xlabel("messages decided automatically (%)")
    ax.set_ylabel("errors among them (%)")
    ax.set_title(FIGURES["automation_curve"], fontsize=9)
    ax.legend(fontsize=8)
    return fig


def slice_chart(metrics: dict[str, Any]) -> Figure:
    names, fp, fn = [], [], []
    for family in metrics["slices"].values():
        for name, entry in family.items():
            names.append(name)
            fp.append(entry["fp_share"])
            fn.append(entry["fn_share"])
    fig, axes = plt.subplots(1, 2, figsize=(9, 0.45 * len(names) + 1.5), layout="constrained")
    meaning = metrics["costs"]["meaning"]
    for ax, rates, title in (
        (axes[0], fp, meaning["false_positive"]),
        (axes[1], fn, meaning["false_negative"]),
    ):
        _rate_rows(ax, names, rates, f"{title} (% of the class in the slice)")
    fig.suptitle(FIGURES["slices"], fontsize=10)
    return fig


def _rate_rows(ax: Axes, names: list[str], rates: list[dict[str, Any]], xlabel: str) -> None:
    """One row per slice: its rate in % with the interval, the denominator by its name;
    an undefined rate leaves its row empty."""
    ypos = np.arange(len(names))
    for k, r in enumerate(rates):
        if r["estimate"] is None:
            continue
        ax.errorbar(
            r["estimate"] * 100,
            ypos[k],
            xerr=[[(r["estimate"] - r["low"]) * 100], [(r["high"] - r["estimate"]) * 100]],
            fmt="o",
            color="C0",
            capsize=3,
        )
    ax.set_yticks(ypos, [f"{n} ({r['denominator']})" for n, r in zip(names, rates, strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)


def write_multiclass(folder: Path, metrics: dict[str, Any]) -> list[Path]:
    """The figures for more than two labels: no threshold, so no cost-threshold curve
    (a stale one from an earlier two-label run is removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cost_vs_threshold.png").unlink(missing_ok=True)
    drawn = {
        "confusion_matrix": confusion_matrix_multiclass(metrics),
        "automation_curve": automation_curve(metrics),
        "slices": slice_chart_multiclass(metrics),
    }
    return _save(folder, drawn)


def confusion_matrix_multiclass(metrics: dict[str, Any]) -> Figure:
    cells = np.asarray(metrics["test"]["confusion_matrix"])
    labels = metrics["test"]["labels"]
    k = len(labels)
    fig, ax = plt.subplots(figsize=(1.1 * k + 2.5, 1.0 * k + 2), layout="constrained")
    ax.imshow(cells, cmap="Blues")
    for (i, j), v in np.ndenumerate(cells):
        ax.text(j, i, f"{v:,}", ha="center", va="center", color="black", fontsize=10)
    ax.set_xticks(range(k), [f"decided {x}" for x in labels], rotation=30, ha="right")
    ax.set_yticks(range(k), [f"really {x}" for x in labels])
    ax.set_title("Least-expected-cost decisions on the test messages", fontsize=9)
    return fig


def slice_chart_multiclass(metrics: dict[str, Any]) -> Figure:
    names, rates = [], []
    for family in metrics["slices"].values():
        for name, entry in family.items():
            names.append(name)
            rates.append(entry["error_share"])
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(names) + 1.5), layout="constrained")
    _rate_rows(ax, names, rates, "wrong label (% of the messages in the slice)")
    fig.suptitle(FIGURES["slices"], fontsize=10)
    return fig
