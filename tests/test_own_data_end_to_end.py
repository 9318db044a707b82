"""Stage 2 on the user's own data: `new --dataset` on a file the tests make, then the
generated project's own install and pipeline, as a user would run them.

One case per template, each on a data set unlike the bundled one (other column names,
missing values, a string target; a text set with empty and repeated texts; interactions
without ratings). The run must finish, record the user's file as its data, and leave
`check` with no complaint about the results. On classification-api the test goes on
through the rest of the README's quick start: the project's own checks, `check` until
the data's licence is written, `publish` to a bare repository, and `update`.
"""

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from portfoliokit.check import check_project

from .conftest import TEMPLATE_IDS, run_module
from .datasets import churn, clicks, reviews
from .installing import CACHES, without_uv_on_path
from .projects import commit_all, git
from .test_end_to_end import run_verb

pytestmark = pytest.mark.slow

CASES: dict[str, tuple[Callable[[Path], Path], str, list[str]]] = {
    "classification-api": (
        churn,
        "churn.csv",
        ["target_column=churned", "positive_class=yes", "subgroup_columns=region"],
    ),
    "nlp-pipeline": (
        reviews,
        "reviews.csv",
        ["text_column=body", "label_column=sentiment", "positive_class=neg"],
    ),
    "recommender": (
        clicks,
        "clicks.csv",
        ["user_column=visitor", "item_column=article", "rating_column=", "time_column=read_at"],
    ),
}


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_a_project_made_on_the_users_file_runs_its_pipeline_on_it(
    template_id: str, workdir: Path, tmp_path: Path
) -> None:
    make, name, answers = CASES[template_id]
    source = make(tmp_path / "inputs" / name)
    pairs = [arg for answer in answers for arg in ("--data", answer)]
    created = run_module(
        "new", template_id, "proj", "-y", "--dataset", str(source), *pairs, cwd=workdir
    )
    assert created.returncode == 0, created.stderr
    project = workdir / "proj"
    env = without_uv_on_path(os.environ | CACHES | {"INSTALLER": "uv"})

    run_verb(project, "install", timeout=900, env=env)
    run_verb(project, "all", timeout=900, env=env)

    metrics = (project / "reports" / "metrics.json").read_text()
    assert hashlib.sha256(source.read_bytes()).hexdigest() in metrics
    findings = {f.code for f in check_project(project).findings}
    assert not findings & {"results-missing", "results-other-data", "results-unreadable"}
    card = (project / "docs" / "data_card.md").read_text()
    assert "Run `make all`" not in card  # the composition table was filled in

    if template_id == "classification-api":
        follow_the_quick_start(project, env, workdir)


def follow_the_quick_start(project: Path, env: dict[str, str], workdir: Path) -> None:
    """The README's quick start after `make all`, each command as a user types it."""
    run_verb(project, "check", timeout=900, env=env)  # the project's lint and tests
    commit_all(project, "Results on my data")

    checked = run_module("check", cwd=project)
    assert checked.returncode == 1
    errors = [line for line in checked.stdout.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "the data's licence is still to be written" in errors[0]

    for name in ("README.md", "data/README.md", "docs/data_card.md"):
        path = project / name
        lines = path.read_text().splitlines()
        written = [
            "Licence: CC BY 4.0, made by the portfoliokit tests."
            if line.startswith("> **YOUR STORY:**") and "licence" in line
            else line
            for line in lines
        ]
        assert written != lines, name
        path.write_text("\n".join(written) + "\n")
    commit_all(project, "The data's licence")
    checked = run_module("check", cwd=project)
    assert checked.returncode == 0, checked.stdout
    assert re.search(r"(?m)^0 error\(s\)", checked.stdout), checked.stdout  # not "10 error(s)"

    remote = workdir / "churn-api.git"
    git(workdir, "init", "-q", "--bare", "-b", "main", str(remote))
    published = run_module("publish", "--remote", str(remote), cwd=project)
    assert published.returncode == 0, published.stderr
    assert git(remote, "ls-tree", "-r", "--name-only", "main").count("data/churn.csv") == 1
    updated = run_module("update", cwd=project)
    assert updated.returncode == 0, updated.stderr
    assert "up to date" in updated.stdout
