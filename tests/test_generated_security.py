"""The generated CI workflow and Dockerfile pass the linters a security reviewer runs.

zizmor audits GitHub Actions workflows (offline: no GitHub API calls), hadolint lints
Dockerfiles; both come from the package index with the test extra.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE_IDS, generate

BIN = Path(sys.executable).parent
WORKFLOW = Path(".github/workflows/ci.yml")
PINNED = re.compile(r"^\s*- uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module", params=TEMPLATE_IDS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("security") / request.param
    generate(dest, request.param)
    return dest


def test_zizmor_finds_nothing_in_the_workflow(project: Path) -> None:
    audit = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", str(project / WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_workflow_is_least_privilege_and_pinned(project: Path) -> None:
    text = (project / WORKFLOW).read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
        steps = [step for step in job["steps"] if "uses" in step]
        assert steps
        for step in steps:
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    uses_lines = [line for line in text.splitlines() if "uses:" in line]
    assert uses_lines
    for line in uses_lines:
        assert PINNED.match(line), line


def test_hadolint_finds_nothing_in_the_dockerfile(project: Path) -> None:
    dockerfile = project / "Dockerfile"
    lint = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
