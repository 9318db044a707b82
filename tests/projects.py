"""Generated projects for the lifecycle tests (check, publish, update).

Generating takes a second or two, so each template is generated once per session and
every test gets its own copy (a plain copy of the folder, repository included).
"""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from portfoliokit.project import NewProjectRequest, new_project

from .conftest import AUTHOR_EMAIL, AUTHOR_NAME

MakeProject = Callable[..., Path]


def isolate_git_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """The same isolation as conftest's `isolated_git`, for session-scoped fixtures."""
    config = home / "gitconfig"
    config.write_text(f"[user]\n\tname = {AUTHOR_NAME}\n\temail = {AUTHOR_EMAIL}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pristine_projects(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """template id (and answers) -> a project generated once for the whole session."""
    made: dict[tuple[str, tuple[tuple[str, str], ...]], Path] = {}

    def get(template_id: str, **answers: str) -> Path:
        key = (template_id, tuple(sorted(answers.items())))
        if key not in made:
            base = tmp_path_factory.mktemp("pristine")
            with pytest.MonkeyPatch.context() as monkeypatch:
                isolate_git_env(monkeypatch, base)
                dest = base / "project"
                new_project(
                    NewProjectRequest(
                        template_id=template_id, destination=dest, answers=answers, defaults=True
                    )
                )
            made[key] = dest
        return made[key]

    return get


@pytest.fixture
def make_project(tmp_path: Path, pristine_projects: Callable[..., Path]) -> MakeProject:
    """A fresh copy of a generated project, in this test's tmp_path."""

    def make(template_id: str = "classification-api", name: str = "proj", **answers: str) -> Path:
        copy = tmp_path / name
        shutil.copytree(pristine_projects(template_id, **answers), copy, symlinks=True)
        return copy

    return make


def git(project: Path, *args: str) -> str:
    """Run git in `project`; fail the test on error."""
    return subprocess.run(
        ["git", *args], cwd=project, check=True, capture_output=True, text=True
    ).stdout


def commit_all(project: Path, message: str = "Edit") -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--no-verify", "-m", message)
