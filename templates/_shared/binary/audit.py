"""Subgroup audit of binary decisions: rates with denominators, signed gaps to a reference.

Shared by the portfoliokit projects that make a binary decision. For each group of an
audited column: its base rate (positives / rows), selection rate (flagged / rows), false
positive rate (false positives / negatives), false negative rate (false negatives /
positives), each with a Wilson interval and its denominator, and its cost per decision
with a bootstrap interval. Each is compared with a stated reference group (the largest)
as a signed difference, group minus reference: Newcombe intervals for rates, a paired
bootstrap over the test rows for cost. A rate is "too few to conclude" when its own
denominator (not the group's row count) is below `min_denominator`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from ..core.stats import Bootstrap, Interval, group_mean_difference, mean, rate, rate_difference
from .costs import Costs, row_costs

# rate name -> (numerator mask, denominator mask), from (y == 1, flagged == 1)
_Masks = Callable[[npt.NDArray[np.bool_], npt.NDArray[np.bool_]], tuple[Any, Any]]
RATES: dict[str, tuple[str, _Masks]] = {
    "base_rate": ("positives / rows", lambda y, f: (y, np.ones_like(y))),
    "selection_rate": ("flagged / rows", lambda y, f: (f, np.ones_like(y))),
    "false_positive_rate": ("false positives / negatives", lambda y, f: (f & ~y, ~y)),
    "false_negative_rate": ("false negatives / positives", lambda y, f: (~f & y, y)),
}


class GroupResult(BaseModel):
    """One group's rates and cost, and their signed gaps to the reference group.

    Gaps are None for the reference group itself. `too_few` lists the rates whose
    denominator is below the audit's `min_denominator`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: str
    n: int
    is_reference: bool
    rates: dict[str, Interval]
    cost: Interval
    rate_gaps: dict[str, Interval] | None
    cost_gap: Interval | None
    too_few: list[str]


class ColumnAudit(BaseModel):
    """The audit of one column: its groups (largest first) and the reference group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str
    reference: str
    min_denominator: int
    groups: list[GroupResult]

    def group(self, name: str) -> GroupResult:
        return next(g for g in self.groups if g.group == name)


def audit_column(
    column: str,
    groups: npt.ArrayLike,
    y_true: npt.ArrayLike,
    flagged: npt.ArrayLike,
    costs: Costs,
    setting: Bootstrap,
    min_denominator: int = 30,
) -> ColumnAudit:
    """Audit the decisions `flagged` (0/1) on rows labelled `y_true` (0/1) by group.

    The reference is the largest group (ties: the first name in sorted order). Costs are
    per decision, in the units of `costs`.
    """
    g = np.asarray(groups).astype(str)
    y = np.asarray(y_true) == 1
    f = np.asarray(flagged) == 1
    if not g.shape == y.shape == f.shape:
        raise ValueError("groups, labels and decisions need the same length")
    names = sorted(set(g.tolist()), key=lambda name: (-int(np.sum(g == name)), name))
    if not names:
        raise ValueError("an audit needs at least one row")
    reference = names[0]
    in_ref = g == reference
    per_row = row_costs(y, f, costs)
    results = []
    for name in names:
        in_group = g == name
        rates = {key: _rate(masks, y, f, in_group, setting) for key, (_, masks) in RATES.items()}
        is_ref = name == reference
        rate_gaps = None
        if not is_ref:
            ref_rates = {k: _rate(m, y, f, in_ref, setting) for k, (_, m) in RATES.items()}
            rate_gaps = {
                key: rate_difference(
                    _count(rates[key]),
                    _denominator(rates[key]),
                    _count(ref_rates[key]),
                    _denominator(ref_rates[key]),
                    setting.confidence,
                )
                for key in RATES
            }
        results.append(
            GroupResult(
                group=name,
                n=int(in_group.sum()),
                is_reference=is_ref,
                rates=rates,
                cost=mean(per_row[in_group], setting),
                rate_gaps=rate_gaps,
                cost_gap=None
                if is_ref
                else group_mean_difference(per_row, in_group, in_ref, setting),
                too_few=[k for k, v in rates.items() if _denominator(v) < min_denominator],
            )
        )
    return ColumnAudit(
        column=column, reference=reference, min_denominator=min_denominator, groups=results
    )


def _rate(
    masks: _Masks,
    y: npt.NDArray[np.bool_],
    f: npt.NDArray[np.bool_],
    in_group: npt.NDArray[np.bool_],
    setting: Bootstrap,
) -> Interval:
    numerator, denominator = masks(y, f)
    return rate(
        int(np.sum(numerator & in_group)), int(np.sum(denominator & in_group)), setting.confidence
    )


def _count(value: Interval) -> int:
    assert value.count is not None
    return value.count


def _denominator(value: Interval) -> int:
    assert value.denominator is not None
    return value.denominator
