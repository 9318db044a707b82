"""Stage 2 of template testing: generate each template as a user would, then run the
generated project's own install, pipeline and checks in its own virtual environment.

Each template installs on the uv path, as a new user without uv would: `tasks.py install`
fetches uv with pip into the project's .tools/ (INSTALLER=uv, so that a failure cannot
pass on the pip path unseen). classification-api, the template that ships results, also
installs on the pip path (INSTALLER=pip): the same locked versions must reproduce the same
results. The pip path runs for that one template, and without its `check` verb (lint and
tests, which the uv case runs on the same versions), because CI time goes mostly to the
pipeline and the checks; for the other templates it would differ in nothing but the
dependency list, and the automatic fallback to pip is proved in test_install.py (on an
nlp-pipeline project cut down to two small dependencies, one held at an older release)."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import git
import pytest

from .conftest import TEMPLATE_IDS, free_port, run_module
from .dockerfile import copy_into, stages
from .installing import CACHES, PIP_OWN, installed, locked_for_this_machine, without_uv_on_path

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
# Templates that ship baked results with their default answers: for these the check
# below must find them (all but the recommender's own trade-off report, which only the
# recommender writes), so a template cannot pass by shipping none.
SHIPS_RESULTS = {"classification-api", "nlp-pipeline", "recommender"}
OWN_REPORTS = {"reports/tradeoffs.md": "recommender"}


def run_verb(project: Path, verb: str, timeout: float, env: dict[str, str]) -> None:
    """`python3 tasks.py VERB`: what `make VERB` runs, on machines with or without make."""
    completed = subprocess.run(
        [sys.executable, "tasks.py", verb],
        cwd=project, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, f"{verb} failed:\n{completed.stdout}\n{completed.stderr}"


def serves_from_the_image_files(project: Path, folder: Path) -> None:
    """The runtime stage's own files (config.toml and the model's), copied as it copies
    them into an otherwise empty folder, are all its command needs: the service, started
    there by that command with the project's .venv for /opt/venv, becomes ready."""
    runtime = stages((project / "Dockerfile").read_text())[-1]
    folder.mkdir()
    for instruction, arguments in runtime:
        if instruction == "COPY" and not arguments.startswith("--from="):
            copy_into(project, arguments, folder)
    (command,) = [
        json.loads(arguments) for instruction, arguments in runtime if instruction == "CMD"
    ]
    port = free_port()
    command = [project / ".venv" / "bin" / "python", *command[1:]]
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = port
    (metadata,) = [f for f in folder.glob("models/*.json")]
    sha = json.loads(metadata.read_text())["artefact_sha256"]  # the build's MODEL_SHA256
    server = subprocess.Popen(
        command, cwd=folder, env=os.environ | {"API_EXPECTED_SHA256": sha},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            assert server.poll() is None, server.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as ready:
                    assert ready.status == 200
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the service did not become ready within 60 s")
    finally:
        server.terminate()
        server.communicate(timeout=30)


CASES = [(template_id, "uv") for template_id in TEMPLATE_IDS] + [("classification-api", "pip")]


@pytest.mark.parametrize(("template_id", "installer"), CASES)
def test_generated_project_installs_runs_and_passes_its_own_checks(
    template_id: str, installer: str, workdir: Path
) -> None:
    created = run_module("new", template_id, "-y", cwd=workdir)
    assert created.returncode == 0, created.stderr
    (project,) = [p for p in workdir.iterdir() if p.is_dir()]
    env = without_uv_on_path(os.environ | CACHES | {"INSTALLER": installer})

    run_verb(project, "install", timeout=900, env=env)
    # The environment is the lock's: each package uv.lock pins for this machine, at its
    # version, and nothing else but the installer's own (pip keeps pip in .venv).
    locked = locked_for_this_machine(project, "dev")
    got = installed(project)
    extra = PIP_OWN if installer == "pip" else set()
    assert {name: got[name] for name in set(got) - extra} == locked
    assert (project / ".tools" / "uv").is_dir() == (installer == "uv")
    repo = git.Repo(project)
    assert repo.git.status("--porcelain") == "", "install changed or left files git sees"
    run_verb(project, "all", timeout=600, env=env)
    if installer == "uv":
        run_verb(project, "check", timeout=900, env=env)
        serves_from_the_image_files(project, workdir / "image")

    present = [path for path in REPRODUCED if (project / path).exists()]
    if template_id in SHIPS_RESULTS:
        expected = [p for p in REPRODUCED if OWN_REPORTS.get(p, template_id) == template_id]
        assert present == expected, f"{template_id} ships no results: {present}"
    changed = repo.git.diff("--stat", "--", *present) if present else ""
    assert changed == "", f"the run changed shipped results:\n{changed}"
