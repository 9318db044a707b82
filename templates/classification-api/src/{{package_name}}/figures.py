"""The report's PNG figures, drawn from `metrics.json` and the tuning's fold curves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .core.figures import new, save, style
from .results import FoldCurves, Metrics

FIGURES = {
    "summary": "Expected cost against the share of cases approved",
    "cost_vs_threshold": "Expected cost against the threshold, on the tuning's folds",
    "threshold_vs_cost_ratio": "Chosen threshold and test cost against the cost ratio",
    "calibration": "Calibration: observed rate against score, with counts per bin",
    "confusion_matrix": "Decisions on the test set at the chosen threshold",
    "subgroup_error_rates": "Error rates by subgroup, with 95 % Wilson intervals",
    "feature_effects": "Global feature effects: drop in test ROC-AUC when shuffled",
}


def write_all(folder: Path, m: Metrics, curves: FoldCurves | None) -> list[Path]:
    with style():
        drawn = {
            "summary": cost_vs_approval(m),
            "cost_vs_threshold": cost_vs_threshold(m, curves),
            "threshold_vs_cost_ratio": threshold_vs_cost_ratio(m),
            "calibration": calibration(m),
            "confusion_matrix": confusion_matrix(m),
            "subgroup_error_rates": subgroup_error_rates(m),
            "feature_effects": feature_effects(m),
        }
        return [save(fig, folder / f"{name}.png") for name, fig in drawn.items()]


def _policy_cost(m: Metrics, name: str) -> float:
    policy = next(p for p in m.test.policies if p.name == name)
    assert policy.cost_per_1k.estimate is not None
    return policy.cost_per_1k.estimate


def cost_vs_approval(m: Metrics) -> Figure:
    """What a manager reads first: cost per 1,000 against the share let through."""
    fig, (ax,) = new(6.4, 4.0)
    approved = 1 - np.asarray(m.test_flag_rate_curve)
    ax.plot(
        approved * 100, m.test_cost_curve_per_1k, color="C0", lw=2, label="model, any threshold"
    )
    chosen_flag = m.test.rates.flag_rate.estimate or 0.0
    ax.plot(
        [(1 - chosen_flag) * 100],
        [m.test.cost_per_1k.estimate or 0.0],
        "o",
        color="C2",
        ms=8,
        label=f"chosen threshold: {(1 - chosen_flag) * 100:.0f} % {m.meaning.negative_action}d",
    )
    for name, x, colour in (("flag_all", 0, "C3"), ("flag_none", 100, "C1")):
        action = m.meaning.positive_action if name == "flag_all" else m.meaning.negative_action
        ax.plot([x], [_policy_cost(m, name)], "s", color=colour, label=f"{action} everyone")
    ax.set_xlabel(f"share of test cases {m.meaning.negative_action}d (%)")
    ax.set_ylabel("expected cost per 1,000 decisions")
    ax.set_title(FIGURES["summary"])
    ax.set_ylim(0, None)
    ax.legend(loc="upper left")
    return fig


def cost_vs_threshold(m: Metrics, curves: FoldCurves | None) -> Figure:
    """The tuning's fold curves and their mean (its minimum is the chosen threshold)."""
    fig, (ax,) = new(7.0, 4.2)
    if curves is not None:
        grid = np.asarray(curves.grid)
        per_fold = np.asarray(curves.per_1k)
        repeats = np.asarray(curves.repeats)
        for row in per_fold:
            ax.plot(grid, row, color="0.8", lw=0.6)
        by_repeat = np.vstack([per_fold[repeats == r].mean(axis=0) for r in np.unique(repeats)])
        ax.fill_between(
            grid, by_repeat.min(axis=0), by_repeat.max(axis=0), color="C0", alpha=0.25,
            label=f"range over {len(by_repeat)} repeats of cross-validation",
        )  # fmt: skip
        ax.plot(grid, per_fold.mean(axis=0), color="C0", lw=2, label="mean over the tuning's folds")
        ax.plot(grid, m.test_cost_curve_per_1k, color="C1", ls="--", label="test rows")
    study = m.training.threshold_study
    low, high = study.spread
    ax.axvspan(
        low, high, color="C2", alpha=0.12, label=f"threshold per repeat: {low:.3f} to {high:.3f}"
    )
    ax.axvline(m.threshold, color="C2", ls="--", label=f"chosen threshold {m.threshold:.3f}")
    ax.axvline(
        m.training.formula_threshold, color="C4", ls="-.",
        label=f"C_fp/(C_fp+C_fn) = {m.training.formula_threshold:.3f}",
    )  # fmt: skip
    ax.axvline(0.5, color="0.4", ls=":", label="0.5")
    ax.set_xlabel("threshold on the score")
    ax.set_ylabel("expected cost per 1,000 decisions")
    ax.set_title(FIGURES["cost_vs_threshold"])
    top = max(_policy_cost(m, "flag_all"), _policy_cost(m, "flag_none"))
    ax.set_ylim(0, top * 1.15)
    ax.legend(loc="lower right")
    return fig


def threshold_vs_cost_ratio(m: Metrics) -> Figure:
    fig, (left, right) = new(9.0, 3.8, columns=2)
    ratios = [p.ratio for p in m.training.cost_ratios]
    configured = m.costs["false_negative"] / m.costs["false_positive"]
    left.plot(ratios, [p.threshold for p in m.training.cost_ratios], "o-", color="C0",
              label="chosen on the training folds")  # fmt: skip
    left.plot(ratios, [p.formula_threshold for p in m.training.cost_ratios], color="C4", ls="-.",
              label="C_fp/(C_fp+C_fn)")  # fmt: skip
    right.plot(ratios, m.cost_ratio_test_cost_per_1k, "o-", color="C1",
               label="test cost at that threshold")  # fmt: skip
    for ax in (left, right):
        ax.axvline(configured, color="C2", ls="--", label=f"configured ratio {configured:g}")
        ax.set_xscale("log")
        ax.set_xlabel("cost ratio C_fn / C_fp")
        ax.legend()
    left.set_ylabel("threshold")
    right.set_ylabel("expected cost per 1,000 (shifted costs)")
    fig.suptitle(FIGURES["threshold_vs_cost_ratio"], fontsize=11)
    return fig


def calibration(m: Metrics) -> Figure:
    fig, (ax,) = new(5.2, 4.6)
    ax.plot([0, 1], [0, 1], color="0.7", ls="--", label="perfectly calibrated")
    cal = m.training.calibration
    shown = [
        ("training folds, raw", cal.raw, "o-"),
        ("test rows, served", m.test.calibration, "s-"),
    ]
    if m.calibrated or cal.calibrated.brier < cal.raw.brier:
        shown.insert(1, ("training folds, Platt-scaled", cal.calibrated, "^-"))
    for label, result, marker in shown:
        xs = [b.mean_score for b in result.bins]
        ys = [b.observed.estimate or 0.0 for b in result.bins]
        ax.plot(xs, ys, marker, ms=4, label=f"{label} (error {result.calibration_error:.3f})")
    for b in m.test.calibration.bins:
        ax.annotate(str(b.n), (b.mean_score, b.observed.estimate or 0), fontsize=6,
                    xytext=(3, -8), textcoords="offset points")  # fmt: skip
    ax.set_xlabel("mean score in the bin (equal-count bins)")
    ax.set_ylabel("observed share of the positive class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Calibration (numbers: test rows per bin)", fontsize=10)
    ax.legend(loc="upper left")
    return fig


def confusion_matrix(m: Metrics) -> Figure:
    c = m.test.confusion
    cells = np.array([[c["tn"], c["fp"]], [c["fn"], c["tp"]]])
    fig, (ax,) = new(5.6, 4.4)
    ax.grid(False)
    ax.imshow(cells, cmap="Blues")
    notes = [["correct", m.meaning.false_positive], [m.meaning.false_negative, "correct"]]
    for i in range(2):
        share = cells[i] / max(cells[i].sum(), 1)
        for j in range(2):
            ax.text(
                j, i, f"{cells[i, j]}\n{share[j] * 100:.0f} % of this class\n{notes[i][j]}",
                ha="center", va="center", fontsize=8,
                color="white" if cells[i, j] > cells.max() / 2 else "black",
            )  # fmt: skip
    ax.set_xticks([0, 1], [m.meaning.negative_action, m.meaning.positive_action])
    ax.set_yticks(
        [0, 1], [f"actually {m.meaning.negative_class}", f"actually {m.meaning.positive_class}"]
    )
    ax.set_xlabel("decision")
    ax.set_title(f"Test set decisions at threshold {m.threshold:.3f}", fontsize=10)
    return fig


def subgroup_error_rates(m: Metrics) -> Figure:
    columns = m.subgroups or []
    fig, axes = new(4.4 * max(len(columns), 1), 4.0, columns=max(len(columns), 1))
    for ax, audit in zip(axes, columns, strict=False):
        x = np.arange(len(audit.groups))
        for offset, key, label in (
            (-0.18, "false_positive_rate", "false positive rate"),
            (0.18, "false_negative_rate", "false negative rate"),
        ):
            rates = [g.rates[key] for g in audit.groups]
            values = np.array([np.nan if r.estimate is None else r.estimate for r in rates])
            lows = np.array([np.nan if r.low is None else r.low for r in rates])
            highs = np.array([np.nan if r.high is None else r.high for r in rates])
            err = np.vstack([values - lows, highs - values])
            ax.bar(x + offset, values, width=0.36, yerr=err, capsize=3, label=label)
        ax.set_xticks(
            x,
            [
                f"{g.group}\n{g.rates['false_positive_rate'].denominator} neg. / "
                f"{g.rates['false_negative_rate'].denominator} pos."
                for g in audit.groups
            ],
            fontsize=7,
        )
        ax.set_ylim(0, 1)
        ax.set_title(audit.column, fontsize=10)
    axes[0].set_ylabel("rate on the test set")
    axes[0].legend()
    fig.suptitle(FIGURES["subgroup_error_rates"], fontsize=11)
    return fig


def feature_effects(m: Metrics) -> Figure:
    effects = m.feature_effects[:12][::-1]
    fig, (ax,) = new(6.4, 0.3 * len(effects) + 1.2)
    ax.barh(
        [e.feature for e in effects],
        [e.importance for e in effects],
        xerr=[e.spread for e in effects],
        color="C0",
    )
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_xlabel("mean drop in ROC-AUC when the feature is shuffled (5 shuffles)")
    ax.set_title(FIGURES["feature_effects"], fontsize=10)
    return fig
