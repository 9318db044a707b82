"""Stage 2 of template testing: generate each template as a user would, then run the
generated project's own install, pipeline and checks in its own virtual environment."""

import subprocess
import sys
from pathlib import Path

import git
import pytest

from .conftest import TEMPLATE_IDS, run_module

pytestmark = pytest.mark.slow

# Files whose content comes from the pipeline's run and is shipped already filled in
# (see scripts/bake_results.py); a fresh run must reproduce them exactly, so every
# number a new project shows is one its own `make all` produces. Figures (PNG bytes
# depend on the matplotlib build) and timings (reports/performance.md) are excepted.
REPRODUCED = [
    "README.md",
    "reports/metrics.json",
    "reports/evaluation.md",
    "reports/tradeoffs.md",
    "docs",
]


def run_verb(project: Path, verb: str, timeout: float) -> None:
    """`python3 tasks.py VERB`: what `make VERB` runs, on machines with or without make."""
    completed = subprocess.run(
        [sys.executable, "tasks.py", verb],
        cwd=project, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, f"{verb} failed:\n{completed.stdout}\n{completed.stderr}"


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_generated_project_installs_runs_and_passes_its_own_checks(
    template_id: str, workdir: Path
) -> None:
    created = run_module("new", template_id, "-y", cwd=workdir)
    assert created.returncode == 0, created.stderr
    (project,) = [p for p in workdir.iterdir() if p.is_dir()]

    run_verb(project, "install", timeout=900)
    run_verb(project, "all", timeout=600)
    run_verb(project, "check", timeout=900)

    repo = git.Repo(project)
    present = [path for path in REPRODUCED if (project / path).exists()]
    changed = repo.git.diff("--stat", "--", *present) if present else ""
    assert changed == "", f"the run changed shipped results:\n{changed}"
