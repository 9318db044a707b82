"""The git side of a new project: who commits, where a repo may go, the first commit.

The checks that run before anything is written call git directly (one short process
each); the repository itself is built with GitPython. Both are imported or started
only when `new` needs them, so `portfoliokit --help` and `list` stay fast.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import GitError

__all__ = [
    "Identity",
    "enclosing_work_tree",
    "initial_commit",
    "read_identity",
    "require_identity",
]

_HOW_TO_SET = (
    'set it with `git config --global user.name "Your Name"` and '
    "`git config --global user.email you@example.org`, or pass --no-git"
)
_IDENT = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> \d+ [+-]\d{4}$")


@dataclass(frozen=True)
class Identity:
    """The author of the first commit."""

    name: str
    email: str


def _run_git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise GitError(
            "git was not found on PATH; install git (https://git-scm.com) or pass --no-git."
        )
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
    )


def read_identity() -> Identity | None:
    """The author git would record (environment, then config), or None if it has none.

    `user.useConfigOnly` stops git from falling back to `login@hostname`, so a user and
    machine name never get into a commit by accident.
    """
    result = _run_git("-c", "user.useConfigOnly=true", "var", "GIT_AUTHOR_IDENT")
    match = _IDENT.match(result.stdout.strip()) if result.returncode == 0 else None
    if match is None or not match["name"].strip() or not match["email"].strip():
        return None
    return Identity(name=match["name"].strip(), email=match["email"].strip())


def require_identity() -> Identity:
    """The user's git identity, or an error saying how to set it."""
    identity = read_identity()
    if identity is None:
        raise GitError(f"git has no user name or e-mail to commit with; {_HOW_TO_SET}.")
    return identity


def enclosing_work_tree(path: Path) -> Path | None:
    """The top of the git work tree that `path` (existing or not) would fall inside."""
    probe = path
    while not probe.is_dir():
        probe = probe.parent
    result = _run_git("rev-parse", "--show-toplevel", cwd=probe)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def initial_commit(path: Path, message: str, identity: Identity) -> str:
    """Make `path` a repository on `main` with one commit of every non-ignored file.

    Returns the commit's hex SHA.
    """
    import git

    env = {
        "GIT_AUTHOR_NAME": identity.name,
        "GIT_AUTHOR_EMAIL": identity.email,
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", identity.name),
        "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", identity.email),
    }
    try:
        repo = git.Repo.init(path, initial_branch="main")
        with repo.git.custom_environment(**env):
            # `git add --all` honours the generated .gitignore; repo.index.add(".")
            # would stage .git itself (GitPython #292).
            repo.git.add(all=True)
            # --no-verify: the user's global hooks are for their own commits, not ours.
            # No automatic maintenance: a one-commit repository has nothing to pack,
            # and starting it would only delay the user.
            no_maintenance = ["maintenance.auto=false", "gc.auto=0"]
            repo.git(c=no_maintenance).commit("--no-verify", "--quiet", "-m", message)
        # rev-parse is one short process; repo.head.commit would start a cat-file
        # server for a single lookup.
        sha = repo.git.rev_parse("HEAD")
        repo.close()
    except git.GitCommandError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        raise GitError(
            f"git failed while making the first commit: {detail[-1] if detail else error}."
        ) from error
    return str(sha)
