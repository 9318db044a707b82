"""Figure style and saving, shared by every portfoliokit project (matplotlib, Agg).

One look for the family: the same sizes, fonts and colours, and PNGs without a date or
software version in their metadata, so the same results draw the same bytes on the same
matplotlib.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

STYLE: dict[str, Any] = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
}
DPI = 110
# No software version or date in the PNG metadata: the same results give the same bytes.
_PNG_METADATA: dict[str, Any] = {"Software": None}


def style() -> Any:
    """The family style as a context: draw and save every figure inside it."""
    return plt.rc_context(STYLE)  # type: ignore[arg-type]


def new(width: float = 7.0, height: float = 4.2, columns: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with `columns` side-by-side axes (sizes in inches); call inside `style()`."""
    fig, axes = plt.subplots(
        1, columns, figsize=(width, height), layout="constrained", squeeze=False
    )
    for ax in axes[0]:
        ax.set_axisbelow(True)
    return fig, list(axes[0])


def save(fig: Figure, path: Path) -> Path:
    """Write `fig` as a PNG at `path` and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata=_PNG_METADATA)
    plt.close(fig)
    return path
