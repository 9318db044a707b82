"""What check, publish and update share on the command line: help, and git missing."""

from pathlib import Path

import pytest

from .conftest import run_cli, run_module
from .projects import MakeProject, git, make_project, pristine_projects

__all__ = ["make_project", "pristine_projects"]  # fixtures used below

COMMANDS = {
    "check": [],
    "publish": ["--remote", "/nowhere/remote.git"],
    "update": [],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"portfoliokit {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_git_missing_from_path_is_one_line(
    command: str, make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run_cli(command, str(project), *COMMANDS[command])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: git was not found on PATH; install git (https://git-scm.com) and retry."
    )


def test_lifecycle_as_a_user_runs_it(workdir: Path) -> None:
    """new, check, publish, then update on a fresh clone: each in its own process."""

    def portfoliokit(*args: str, cwd: Path = workdir) -> str:
        completed = run_module(*args, cwd=cwd)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    portfoliokit("new", "recommender", "movie-recs", "-y")
    project = workdir / "movie-recs"
    assert "0 error(s)" in portfoliokit("check", cwd=project)
    remote = workdir / "movie-recs.git"
    git(workdir, "init", "-q", "--bare", "-b", "main", str(remote))
    assert "Pushed main (1 new commit(s))" in portfoliokit(
        "publish", "--remote", str(remote), cwd=project
    )
    clone = workdir / "clone"
    git(workdir, "clone", "-q", str(remote), str(clone))
    assert "up to date" in portfoliokit("update", cwd=clone)
    assert git(clone, "status", "--porcelain") == ""
