"""Plain `git` processes for the lifecycle commands (check, publish, update).

One short process per question keeps each step visible and testable; the messages
say what to do when git is missing or a project is not a repository.
"""

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .errors import GitError

__all__ = ["git", "git_result", "is_repository", "last_line", "require_git", "top_level"]

# No pager, no editor, no prompt for credentials that nobody can type, English output.
_QUIET_ENV = {"GIT_PAGER": "cat", "GIT_EDITOR": "true", "LC_ALL": "C", "LANGUAGE": ""}


def require_git() -> None:
    """Raise a clear error when git is not installed."""
    if shutil.which("git") is None:
        raise GitError("git was not found on PATH; install git (https://git-scm.com) and retry.")


def git_result(
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    input_bytes: bytes | None = None,
    timeout: float | None = 120,
) -> subprocess.CompletedProcess[bytes]:
    """Run git and return the finished process, whatever its exit status."""
    require_git()
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input_bytes,
        capture_output=True,
        check=False,
        timeout=timeout,
        env={**os.environ, **_QUIET_ENV, **(env or {})},
    )


def git(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run git; its standard output as text, or a GitError naming the failed step."""
    result = git_result(*args, cwd=cwd, env=env)
    if result.returncode != 0:
        raise GitError(f"`git {' '.join(args)}` failed: {last_line(result.stderr)}.")
    return result.stdout.decode("utf-8", errors="replace")


def last_line(stderr: bytes) -> str:
    """The most telling line of git's error output."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", errors="replace").splitlines()
        if line.strip() and not line.startswith("hint:")
    ]
    errors = [line for line in lines if line.startswith(("error:", "fatal:", "remote:", "!"))]
    return (errors or lines or ["no message"])[-1].rstrip(".")


def is_repository(path: Path) -> bool:
    """Whether `path` is inside a git work tree."""
    result = git_result("rev-parse", "--is-inside-work-tree", cwd=path)
    return result.returncode == 0 and result.stdout.strip() == b"true"


def top_level(path: Path) -> Path:
    """The top of the work tree holding `path`, or an error saying it is no repository."""
    result = git_result("rev-parse", "--show-toplevel", cwd=path)
    if result.returncode != 0:
        raise GitError(
            f"{path} is not a git repository; run this inside a project made by "
            "`portfoliokit new` (or `git init` it first)."
        )
    return Path(result.stdout.decode().strip())
