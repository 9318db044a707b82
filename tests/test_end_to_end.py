"""Stage 2 of template testing: generate each template as a user would, then run the
generated project's own install, pipeline and checks in its own virtual environment."""

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import git
import pytest

from .conftest import TEMPLATE_IDS, run_module

pytestmark = pytest.mark.slow

# Files whose content comes from the pipeline's run and is shipped already filled in;
# a fresh run must reproduce them exactly (figures and timings excepted).
REPRODUCED = ["README.md", "reports/metrics.json", "reports/evaluation.md", "docs"]


def make(project: Path, verb: str, timeout: float) -> None:
    completed = subprocess.run(
        ["make", verb], cwd=project, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert completed.returncode == 0, f"make {verb} failed:\n{completed.stdout}\n{completed.stderr}"


def numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Flatten the numeric leaves of a JSON document."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in numbers(item, f"{prefix}{key}.").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in numbers(item, f"{prefix}{i}.").items()}
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {}
    return {prefix.rstrip("."): float(value)}


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_generated_project_installs_runs_and_passes_its_own_checks(
    template_id: str, workdir: Path
) -> None:
    created = run_module("new", template_id, "-y", cwd=workdir)
    assert created.returncode == 0, created.stderr
    (project,) = [p for p in workdir.iterdir() if p.is_dir()]
    shipped_metrics = project / "reports" / "metrics.json"
    shipped = json.loads(shipped_metrics.read_text()) if shipped_metrics.is_file() else None

    make(project, "install", timeout=900)
    make(project, "all", timeout=600)
    make(project, "check", timeout=900)

    repo = git.Repo(project)
    present = [path for path in REPRODUCED if (project / path).exists()]
    changed = repo.git.diff("--stat", "--", *present) if present else ""
    assert changed == "", f"the run changed shipped results:\n{changed}"
    if shipped is not None:
        fresh = numbers(json.loads(shipped_metrics.read_text()))
        expected = numbers(shipped)
        assert fresh.keys() == expected.keys()
        assert all(math.isclose(fresh[k], expected[k], rel_tol=1e-9, abs_tol=1e-12) for k in fresh)
