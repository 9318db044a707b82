"""The git side of a new project: who commits, where a repo may go, the first commit.

GitPython is imported inside the functions so that `portfoliokit --help` and
`portfoliokit list` stay fast.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Identity:
    """The author of the first commit."""

    name: str
    email: str


def _git(cwd: Path | None = None) -> Any:
    """A GitPython command runner, after checking that the git executable exists."""
    if shutil.which("git") is None:
        raise GitError(
            "git was not found on PATH; install git (https://git-scm.com) or pass --no-git."
        )
    import git

    return git.Git(cwd)


def read_identity() -> Identity | None:
    """The user's git identity, as git itself would find it, or None if incomplete.

    git falls back to `login@hostname` when nothing is configured; portfoliokit never
    lets that guess (a user and machine name) into a commit.
    """
    import git

    runner = _git()

    def config(key: str) -> str:
        try:
            return str(runner.config("--get", key)).strip()
        except git.GitCommandError:
            return ""

    name = os.environ.get("GIT_AUTHOR_NAME") or config("user.name")
    email = (
        os.environ.get("GIT_AUTHOR_EMAIL") or config("user.email") or os.environ.get("EMAIL", "")
    )
    if not name.strip() or not email.strip():
        return None
    return Identity(name=name.strip(), email=email.strip())


def require_identity() -> Identity:
    """The user's git identity, or an error saying how to set it."""
    identity = read_identity()
    if identity is None:
        raise GitError(f"git has no user name or e-mail to commit with; {_HOW_TO_SET}.")
    return identity


def enclosing_work_tree(path: Path) -> Path | None:
    """The top of the git work tree that `path` (existing or not) would fall inside."""
    import git

    probe = path
    while not probe.exists():
        probe = probe.parent
    if probe.is_file():
        probe = probe.parent
    try:
        top = _git(probe).rev_parse("--show-toplevel")
    except git.GitCommandError:
        return None
    return Path(str(top).strip())


def initial_commit(path: Path, message: str, identity: Identity) -> str:
    """Make `path` a repository on `main` with one commit of every non-ignored file.

    Returns the commit's hex SHA.
    """
    import git

    try:
        repo = git.Repo.init(path, initial_branch="main")
        # `git add --all` honours the generated .gitignore; repo.index.add(".")
        # would stage .git itself (GitPython #292).
        repo.git.add(all=True)
        author = f"{identity.name} <{identity.email}>"
        env = {
            "GIT_AUTHOR_NAME": identity.name,
            "GIT_AUTHOR_EMAIL": identity.email,
            "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", identity.name),
            "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", identity.email),
        }
        # --no-verify: the user's global hooks are for their own commits, not ours.
        with repo.git.custom_environment(**env):
            repo.git.commit("--no-verify", "--quiet", "-m", message, author=author)
        sha = repo.head.commit.hexsha
        repo.close()
    except git.GitCommandError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        raise GitError(
            f"git failed while making the first commit: {detail[-1] if detail else error}."
        ) from error
    return sha
