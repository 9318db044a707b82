"""Where one `portfoliokit new TEMPLATE DEST -y` process spends its time.

Runs the real command in this process with timestamps between its phases, and prints
them as JSON (milliseconds). Python's own start-up, before this file's first line, is
not among them. benchmarks/bench_new.py runs it repeatedly and writes the medians into
docs/performance.md.

    python benchmarks/new_phases.py recommender /tmp/demo-project
"""

import contextlib
import io
import json
import sys
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()
marks: list[tuple[str, float]] = []


def mark(phase: str) -> None:
    marks.append((phase, time.perf_counter()))


def timed(phase_before: str | None, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `function` so the call, and optionally the time up to it, are phases."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if phase_before is not None:
            mark(phase_before)
        result = function(*args, **kwargs)
        mark(phase)
        return result

    return wrapper


def main() -> None:
    template_id, destination = sys.argv[1:3]
    import click  # noqa: F401  (timed: the CLI needs it)

    mark("import click")
    from portfoliokit import cli, gitops, project

    mark("import portfoliokit and Jinja")
    import copier  # noqa: F401

    mark("import Copier")
    import git  # noqa: F401

    mark("import GitPython")
    project.render_template = timed(
        "checks before writing", "Copier render", project.render_template
    )
    gitops.initial_commit = timed(None, "git init, add, commit", gitops.initial_commit)
    # The console script's own entry point, so the process ends as portfoliokit's does.
    sys.argv = ["portfoliokit", "new", template_id, destination, "-y"]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main()
        except SystemExit as finished:
            if finished.code:
                raise
    mark("rename into place")
    phases: dict[str, float] = {}
    previous = STARTED
    for phase, moment in marks:
        phases[phase] = phases.get(phase, 0.0) + (moment - previous) * 1000
        previous = moment
    json.dump(phases, sys.stdout)


if __name__ == "__main__":
    main()
