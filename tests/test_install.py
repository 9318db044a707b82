"""The installer every generated project's `tasks.py install` and portfoliokit's
scripts/dev.py run (templates/_shared/tasks/install.py): where uv comes from, the
INSTALLER setting, and the pip constraints read from uv.lock.

The installs themselves, on the uv path and the pip path, are proved in
test_end_to_end.py (and the automatic fallback to pip below, as a slow test)."""

import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import run_module
from .installing import CACHES, INSTALLER, PIP_OWN, REPO, installed, locked_for_this_machine
from .installing import without_uv_on_path as no_uv

LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "numpy"
version = "2.2.6"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.12'"]

[[package]]
name = "numpy"
version = "2.4.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version >= '3.13'", "python_full_version == '3.12.*'"]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
"""


def test_pins_come_from_the_lock_with_the_pythons_each_version_is_for() -> None:
    assert INSTALLER["locked_pins"](tomllib.loads(LOCK)) == [
        "numpy==2.2.6 ; (python_full_version < '3.12')",
        "numpy==2.4.0 ; (python_full_version >= '3.13') or (python_full_version == '3.12.*')",
        "six==1.16.0",
    ]


def test_a_package_from_outside_a_registry_is_not_silently_unpinned() -> None:
    six = 'name = "six"\nversion = "1.16.0"\nsource = { registry = "https://pypi.org/simple" }'
    with pytest.raises(ValueError, match="not a registry"):
        INSTALLER["locked_pins"](tomllib.loads(LOCK.replace(six, six.replace("registry", "git"))))


def test_pip_refuses_a_dependency_the_lock_does_not_pin(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "demo"\ndependencies = ["NumPy>=2"]\n'
        "[project.optional-dependencies]\n"
        'dev = ["six", "Typing_Extensions; python_version<\'4\'"]\n'
    )
    assert INSTALLER["unlocked"](tmp_path, "dev", tomllib.loads(LOCK)) == ["typing-extensions"]
    assert INSTALLER["unlocked"](tmp_path, "other", tomllib.loads(LOCK)) == []


def fake_uv(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    uv = folder / "uv"
    uv.write_text(f"#!/bin/sh\necho 'uv {version} (fake)'\n")
    uv.chmod(uv.stat().st_mode | stat.S_IXUSR)
    return uv


def test_uv_on_path_is_used_unless_too_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools_copy = fake_uv(tmp_path / "project" / ".tools" / "uv" / "bin", INSTALLER["UV_VERSION"])
    on_path = fake_uv(tmp_path / "bin", "0.13.2")
    monkeypatch.setenv("PATH", f"{on_path.parent}{os.pathsep}{os.environ['PATH']}")
    assert INSTALLER["find_uv"](tmp_path / "project") == str(on_path)
    fake_uv(tmp_path / "bin", "0.4.30")  # cannot read today's uv.lock
    assert INSTALLER["find_uv"](tmp_path / "project") == str(tools_copy)


def generated(template_id: str, workdir: Path) -> Path:
    created = run_module("new", template_id, "-y", cwd=workdir)
    assert created.returncode == 0, created.stderr
    (project,) = [p for p in workdir.iterdir() if p.is_dir()]
    return project


def install(project: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = no_uv(os.environ | CACHES | settings)
    return subprocess.run(
        [sys.executable, "tasks.py", "install"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("value", ["poetry", "UV", " "])
def test_an_unknown_installer_is_one_clear_line(workdir: Path, value: str) -> None:
    project = generated("nlp-pipeline", workdir)
    completed = install(project, INSTALLER=value)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        f"INSTALLER={value} is not a choice: unset it (uv, else pip), or set it to uv or pip."
    ]
    assert not (project / ".venv").exists()


def block_the_tools_folder(project: Path) -> None:
    """A file where .tools/ would go: pip cannot fetch uv there, as on a read-only disk."""
    (project / ".tools").write_text("not a folder\n")


def test_installer_uv_refuses_to_fall_back_to_pip(workdir: Path) -> None:
    project = generated("nlp-pipeline", workdir)
    block_the_tools_folder(project)
    completed = install(project, INSTALLER="uv")
    assert completed.returncode == 1
    assert (
        completed.stderr.strip()
        .splitlines()[-1]
        .startswith("INSTALLER=uv, but uv is not on PATH and pip could not fetch it")
    )
    assert not (project / ".venv").exists()


def with_small_dependencies(project: Path) -> None:
    """The project asking for one small package, and one for its dev extra, relocked.

    The installer does not care what the dependencies are: with two small ones the
    fallback below takes seconds, not the minute or more pip takes over a template's
    sixty packages (which test_end_to_end.py's pip case spends once, on the real ones).
    """
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^dependencies = \[.*?^\]", 'dependencies = ["six>=1.16"]', text)
    text = re.sub(r"(?ms)^dev = \[.*?^\]", 'dev = ["iniconfig>=2"]', text)
    pyproject.write_text(text, encoding="utf-8")
    # six held at an older release than the newest: pip ignoring the lock would show
    relock = [INSTALLER["find_uv"](REPO), "lock", "-P", "six==1.16.0", "--python", sys.executable]
    subprocess.run(relock, cwd=project, env=os.environ | CACHES, check=True, capture_output=True)


@pytest.mark.slow
def test_without_uv_install_says_so_and_pins_pip_to_the_lock(workdir: Path) -> None:
    project = generated("nlp-pipeline", workdir)
    with_small_dependencies(project)
    assert locked_for_this_machine(project, "dev")["six"] == "1.16.0"
    assert set(locked_for_this_machine(project, "dev")) == {"six", "iniconfig"}
    block_the_tools_folder(project)
    completed = install(project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "uv could not be had: installing with pip, at the versions in uv.lock" in (
        completed.stdout
    )
    got = installed(project)
    assert set(got) - PIP_OWN == set(locked_for_this_machine(project, "dev"))
    assert {name: got[name] for name in locked_for_this_machine(project, "dev")} == (
        locked_for_this_machine(project, "dev")
    )


def test_generated_ci_installs_with_uv_from_the_lock() -> None:
    ci = (Path(__file__).resolve().parents[1] / "templates/_shared/ci.yml").read_text()
    assert "      - run: make install\n        env:\n          INSTALLER: uv\n" in ci


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_a_dependency_added_without_relocking_is_refused_with_the_command(
    workdir: Path, installer: str
) -> None:
    project = generated("nlp-pipeline", workdir)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("dev = [", 'dev = ["six", ', 1))
    uv_folder = str(Path(INSTALLER["find_uv"](REPO)).parent)
    env = {"INSTALLER": installer, "PATH": f"{uv_folder}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(
        [sys.executable, "tasks.py", "install"],
        cwd=project, env=os.environ | CACHES | env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1].startswith("uv.lock does not match")
    assert "run `python3 tasks.py lock`, then commit both files." in completed.stderr
