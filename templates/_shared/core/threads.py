"""Run a pipeline stage with one BLAS/OpenMP thread. Shared by every portfoliokit project.

On the small data sets these projects ship, extra threads cost more in start-up and
contention than they save (training ran ten times slower with two threads than with one
on a busy 2-core machine), and one thread keeps floating-point sums in the same order
from run to run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def single_threaded(stage: Callable[P, R]) -> Callable[P, R]:
    """Decorate a stage so numpy, scipy and scikit-learn use one thread while it runs."""

    @functools.wraps(stage)
    def run_single_threaded(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1):
            return stage(*args, **kwargs)

    return run_single_threaded
