"""The generated Dockerfile's build stage installs exactly what uv.lock pins.

No Docker engine runs here, so the stage is carried out as Docker would, outside it: its
ENV settings, its COPY lines (into a folder that holds only what is copied) and its RUN
commands in order, with /opt/venv moved into the test's folder and `python` being a
fresh virtual environment of this machine's Python (the image's Python release). Every
template renders the same file (templates/_shared/Dockerfile), whose build stage names no
template's files, so classification-api stands for all three. The hadolint check is in
test_generated_security.py, the runtime stage's files in test_end_to_end.py.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import generate
from .dockerfile import copy_into, stages
from .installing import CACHES, INSTALLER, REPO, installed, locked_for_this_machine

pytestmark = pytest.mark.slow

IMAGE_VENV = "/opt/venv"
# The lock is moved to an older release of one small dependency, still allowed by
# pyproject.toml: an image built from the lock has it, one resolved afresh (a plain
# `pip install .`) would take the newest release instead.
OLDER = ("cycler", "0.11.0")


def run_build_stage(project: Path, work: Path) -> Path:
    """Carry out the build stage of project/Dockerfile in `work`; the venv it made."""
    app, venv, base = work / "app", work / "opt-venv", work / "base"
    subprocess.run([sys.executable, "-m", "venv", base], check=True)
    env = os.environ | CACHES | {"PATH": f"{base / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    build = stages((project / "Dockerfile").read_text())[0]
    assert re.fullmatch(r"FROM \S+ AS build", " ".join(build[0])), build[0]
    for instruction, arguments in build[1:]:
        if instruction == "ENV":
            for setting in shlex.split(arguments):
                name, _, value = setting.partition("=")
                env[name] = value.replace(IMAGE_VENV, str(venv))
            # the image starts with empty caches; here the machine's caches save downloads
            env.pop("UV_NO_CACHE", None)
            env.pop("PIP_NO_CACHE_DIR", None)
        elif instruction == "WORKDIR":
            assert arguments == "/app", arguments
            app.mkdir()
        elif instruction == "COPY":
            copy_into(project, arguments, app)
        elif instruction == "RUN":
            subprocess.run(arguments.replace(IMAGE_VENV, str(venv)), shell=True, cwd=app,
                           env=env, check=True)  # fmt: skip
        else:
            raise AssertionError(f"the test does not know {instruction} {arguments}")
    return venv


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("docker") / "classification-api"
    generate(dest, "classification-api")
    uv = INSTALLER["find_uv"](REPO)
    relock = [uv, "lock", "--upgrade-package", "==".join(OLDER), "--python", sys.executable]
    subprocess.run(relock, cwd=dest, env=os.environ | CACHES, check=True, capture_output=True)
    assert locked_for_this_machine(dest, "")[OLDER[0]] == OLDER[1]
    return dest


def test_the_build_stage_installs_the_locked_runtime_as_a_package(
    project: Path, tmp_path: Path
) -> None:
    venv = run_build_stage(project, tmp_path)
    # exactly the lock's versions of the dependencies, and nothing of the dev extra
    assert installed(project, venv) == locked_for_this_machine(project, "")
    package = next((project / "src").iterdir()).name
    # compiled by the install (looked at before anything is imported from the venv)
    compiled = list((venv / "lib").glob(f"python3.*/site-packages/{package}/__pycache__/*.pyc"))
    assert compiled, "the image's packages are not compiled to bytecode"
    shutil.rmtree(tmp_path / "app")  # the runtime stage copies /opt/venv alone
    imported = subprocess.run(
        [venv / "bin" / "python", "-c", f"import {package}.api.main as m; print(m.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(str(venv)), imported.stdout


def test_the_image_fetches_the_uv_the_generated_installer_fetches(project: Path) -> None:
    pins = re.findall(r"uv==([\d.]+)", (project / "Dockerfile").read_text())
    assert pins == [INSTALLER["UV_VERSION"]]
