"""Shared fixtures: an isolated git identity, a CLI runner, and rendering helpers."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from portfoliokit.catalogue import list_templates
from portfoliokit.cli import cli
from portfoliokit.project import NewProjectRequest, new_project

TEMPLATE_IDS = [info.id for info in list_templates()]
AUTHOR_NAME = "Ada Tester"
AUTHOR_EMAIL = "ada.tester@example.org"
# A login name that must never reach a generated project.
MACHINE_USER = "pk-machine-user"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, in their collected order: run on several workers
    (scripts/dev.py test), each minutes-long test starts while the quick ones fill the
    gaps, instead of the longest ones starting last and running alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test sees its own git config with a known identity and a fake home.

    The fake home also holds the test's own template cache (~/.cache/portfoliokit).
    """
    home = tmp_path_factory.mktemp("home")
    config = home / "gitconfig"
    config.write_text(f"[user]\n\tname = {AUTHOR_NAME}\n\temail = {AUTHOR_EMAIL}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", MACHINE_USER)
    monkeypatch.setenv("LOGNAME", MACHINE_USER)
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "XDG_CACHE_HOME",
    ):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture
def no_identity(isolated_git: Path) -> Path:
    """git config without user.name and user.email."""
    isolated_git.write_text("")
    return isolated_git


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty current folder outside any git work tree."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    yield folder


def free_port() -> str:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def generate(destination: Path, template_id: str = "classification-api") -> Path:
    """`destination`, made a project of `template_id` with every default and no repository."""
    new_project(
        NewProjectRequest(
            template_id=template_id,
            destination=destination,
            answers={"author_name": AUTHOR_NAME, "author_email": "ada@example.org"},
            defaults=True,
            git=False,
        )
    )
    return destination


def run_cli(*args: str) -> Result:
    """Run the CLI in-process, as a user would type it."""
    return CliRunner().invoke(cli, list(args), prog_name="portfoliokit")


def run_module(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m portfoliokit` in a child process (no terminal attached)."""
    return subprocess.run(
        [sys.executable, "-m", "portfoliokit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )


def tree(root: Path) -> set[str]:
    """Every file below root (relative, POSIX), outside .git."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != ".git"
    }


def snapshot(root: Path) -> dict[str, bytes]:
    """Path -> content of every file below root, to prove nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
