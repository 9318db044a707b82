"""What check, publish and update share on the command line: help, and git missing."""

from pathlib import Path

import pytest

from .conftest import run_cli
from .projects import MakeProject, make_project, pristine_projects

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
