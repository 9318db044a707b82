"""The report's PNG figures, drawn from the evaluation results with matplotlib (Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

FIGURES = {
    "cost_vs_threshold": "Expected cost against the decision threshold",
    "calibration": "Calibration: predicted probability against observed rate",
    "confusion_matrix": "Decisions on the test set at the chosen threshold",
    "subgroup_error_rates": "Error rates by subgroup, with 95 % intervals",
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
        "calibration": calibration(metrics),
        "confusion_matrix": confusion_matrix(metrics),
        "subgroup_error_rates": subgroup_error_rates(metrics),
    }
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
    ax.plot(grid, oof_cost, color="0.55", label="training rows (cross-validated)")
    ax.plot(grid, test_cost, color="C0", lw=2, label="test rows")
    base = metrics["baselines"]
    ax.axhline(
        base["flag_all"], color="C3", ls=":", label=f"flag everyone ({base['flag_all']:.0f})"
    )
    ax.axhline(
        base["flag_none"], color="C1", ls=":", label=f"flag no one ({base['flag_none']:.0f})"
    )
    ax.axvline(
        metrics["threshold"],
        color="C2",
        ls="--",
        label=f"chosen threshold {metrics['threshold']:.3f}",
    )
    ax.axvline(
        metrics["bayes_threshold"],
        color="C4",
        ls="-.",
        label=f"C_fp/(C_fp+C_fn) = {metrics['bayes_threshold']:.3f}",
    )
    ax.set_xlabel("threshold on the predicted probability of the positive class")
    ax.set_ylabel("expected cost per 1,000 decisions")
    ax.set_title(FIGURES["cost_vs_threshold"])
    ax.set_ylim(0, max(base["flag_all"], base["flag_none"]) * 1.15)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def calibration(metrics: dict[str, Any]) -> Figure:
    fig, ax = plt.subplots(figsize=(4.8, 4.5), layout="constrained")
    ax.plot([0, 1], [0, 1], color="0.7", ls="--", label="perfect calibration")
    for bins, label, style in (
        (metrics["calibration"]["training_oof"]["bins"], "training rows (cross-validated)", "o-"),
        (metrics["calibration"]["test_bins"], "test rows", "s-"),
    ):
        ax.plot(
            [b["mean_predicted"] for b in bins],
            [b["observed_rate"] for b in bins],
            style,
            label=label,
        )
    ax.set_xlabel("mean predicted probability (equal-count bins)")
    ax.set_ylabel("observed share of the positive class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Calibration", fontsize=11)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def confusion_matrix(metrics: dict[str, Any]) -> Figure:
    c = metrics["test"]["confusion"]
    meaning = metrics["costs"]["meaning"]
    n = sum(c.values())
    cells = np.array([[c["tn"], c["fp"]], [c["fn"], c["tp"]]])
    fig, ax = plt.subplots(figsize=(5.4, 4.4), layout="constrained")
    ax.imshow(cells, cmap="Blues")
    notes = [["correct", meaning["false_positive"]], [meaning["false_negative"], "correct"]]
    for i in range(2):
        for j in range(2):
            ax.text(
                j,
                i,
                f"{cells[i, j]}\n({cells[i, j] / n * 10_000:,.0f} per 10k)\n{notes[i][j]}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if cells[i, j] > cells.max() / 2 else "black",
                wrap=True,
            )
    ax.set_xticks([0, 1], [meaning["negative_action"], meaning["positive_action"]])
    negative = metrics["data"]["classes"]["negative"]
    ax.set_yticks([0, 1], [f"actually {negative}", f"actually {meaning['positive_class']}"])
    ax.set_xlabel("decision")
    ax.set_title(f"Test set decisions at threshold {metrics['threshold']:.3f}", fontsize=10)
    return fig


def subgroup_error_rates(metrics: dict[str, Any]) -> Figure:
    columns = list(metrics["subgroups"])
    fig, axes = plt.subplots(
        1,
        max(len(columns), 1),
        figsize=(4.2 * max(len(columns), 1), 4),
        layout="constrained",
        squeeze=False,
    )
    for ax, column in zip(axes[0], columns, strict=False):
        groups = metrics["subgroups"][column]
        names = list(groups)
        x = np.arange(len(names))
        for offset, rate, label in (
            (-0.18, "fpr", "false positive rate"),
            (0.18, "fnr", "false negative rate"),
        ):
            values = np.array(
                [np.nan if groups[g][rate] is None else groups[g][rate] for g in names]
            )
            lows = np.array(
                [
                    np.nan if groups[g][f"{rate}_ci"][0] is None else groups[g][f"{rate}_ci"][0]
                    for g in names
                ]
            )
            highs = np.array(
                [
                    np.nan if groups[g][f"{rate}_ci"][1] is None else groups[g][f"{rate}_ci"][1]
                    for g in names
                ]
            )
            err = np.vstack([np.clip(values - lows, 0, None), np.clip(highs - values, 0, None)])
            ax.bar(x + offset, values, width=0.36, yerr=err, capsize=3, label=label)
        ax.set_xticks(x, [f"{g}\n(n={groups[g]['n']})" for g in names], fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title(column, fontsize=10)
    axes[0][0].set_ylabel("rate on the test set")
    if columns:
        axes[0][0].legend(fontsize=8)
    else:  # an empty [subgroups] columns is allowed: say so instead of drawing nothing
        axes[0][0].text(0.5, 0.5, "no subgroup audited\n([subgroups] columns is empty)")
    fig.suptitle(FIGURES["subgroup_error_rates"], fontsize=11)
    return fig
