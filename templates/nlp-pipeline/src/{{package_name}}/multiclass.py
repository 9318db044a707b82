"""Decisions between more than two labels, under a cost matrix.

`matrix[j, k]` is the cost of deciding label `k` for a message whose true label is `j`;
the diagonal is 0 and every error costs 1 unless `[costs.matrix]` in config.toml says
otherwise. The decision for a message minimises its expected cost under the model's
probabilities, `sum_j p_j * matrix[j, k]`; with every error at 1 that is the most
probable label. The review band sends the messages whose top-class probability is
lowest to a person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .errors import DataError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def cost_matrix(labels: Sequence[str], entries: Mapping[str, Mapping[str, float]]) -> FloatArray:
    """The K x K matrix (rows: true label, columns: decided label) from config entries
    `{true: {decided: cost}}`; 0 on the diagonal, 1 for any error not listed."""
    index = {label: k for k, label in enumerate(labels)}
    matrix = 1.0 - np.eye(len(labels))
    for true, row in entries.items():
        for decided, cost in row.items():
            for name in (true, decided):
                if name not in index:
                    raise DataError(
                        f"[costs.matrix] names the label {name!r}, which is not in the data "
                        f"(labels: {', '.join(labels)}); fix config.toml"
                    )
            if true == decided and cost != 0:
                raise DataError(
                    f"[costs.matrix] {true}.{decided} = {cost}: deciding the true label "
                    "costs nothing; remove that entry"
                )
            matrix[index[true], index[decided]] = float(cost)
    return matrix


def expected_costs(probabilities: FloatArray, matrix: FloatArray) -> FloatArray:
    """Per message and label: the expected cost of deciding that label."""
    return np.asarray(probabilities @ matrix, dtype=float)


def decide(probabilities: FloatArray, matrix: FloatArray) -> IntArray:
    """The label of least expected cost for each message (ties: the earlier label)."""
    return np.asarray(np.argmin(expected_costs(probabilities, matrix), axis=1), dtype=np.int64)


def row_costs(y: IntArray, decided: IntArray, matrix: FloatArray) -> FloatArray:
    """The cost each message's decision incurred."""
    return np.asarray(matrix[y, decided], dtype=float)


def confidence(probabilities: FloatArray) -> FloatArray:
    """The top-class probability of each message: what the review band cuts on."""
    return np.asarray(probabilities.max(axis=1), dtype=float)


def automation_curve(
    y: IntArray,
    probabilities: FloatArray,
    matrix: FloatArray,
    review_cost: float,
    cutoffs: FloatArray,
) -> list[dict[str, float]]:
    """For each cut-off on the top-class probability: the share decided automatically
    (top-class probability at least the cut-off), the error rate among those, and the
    cost per 1,000 messages when a person decides the rest (assumed without error)."""
    decided = decide(probabilities, matrix)
    unit = row_costs(y, decided, matrix)
    wrong = decided != y
    top = confidence(probabilities)
    points = []
    for cutoff in cutoffs:
        auto = top >= cutoff
        n_auto = int(auto.sum())
        cost = (unit[auto].sum() + review_cost * (len(y) - n_auto)) / len(y) * 1000
        points.append(
            {
                "cutoff": float(cutoff),
                "automated_share": n_auto / len(y),
                "error_rate_automated": float(wrong[auto].mean()) if n_auto else 0.0,
                "cost_per_1k": float(cost),
            }
        )
    return points


def cutoff_grid(probabilities: FloatArray, max_review_share: float = 0.5) -> FloatArray:
    """Cut-offs that send 0 %, 0.5 %, 1 %, ... up to `max_review_share` of the messages
    (those with the lowest top-class probability) to a person."""
    shares = np.arange(0.0, max_review_share + 1e-9, 0.005)
    cuts = np.quantile(confidence(probabilities), shares)
    cuts[0] = 0.0
    return np.asarray(np.unique(cuts), dtype=float)
