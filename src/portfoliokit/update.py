"""`update`: merge the installed template into a project, keeping the user's edits.

The project's own history holds every pristine render, so nothing about the old template
is needed on this machine: a fresh clone on another computer updates the same way.

1. The base is the last commit whose message carries the `Template-Render:` trailer (the
   first commit made by `new`, or the render an earlier update merged); a project made
   before the trailer existed falls back to its root commit "Initial commit from
   portfoliokit ...".
2. That commit is checked out in a temporary worktree, its files are replaced by a
   fresh render of the installed template from the recorded `.copier-answers.yml`, and
   the result is committed there with a new trailer, as a child of the base.
3. `git merge --no-ff --no-commit` brings that commit into the user's branch. Git's merge
   base is the old render, so this is a three-way merge: the user's edits and the
   template's changes combine, a file the user deleted and the template left alone stays
   deleted, and clashing edits become git's conflict markers, listed by `git status`.
   Nothing is committed on the user's branch; once they commit, the new render is an
   ancestor of their branch and becomes the next update's base, in every clone.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__, gitcmd
from .errors import ProjectError

__all__ = ["TRAILER_KEY", "UpdateResult", "render_trailer", "update_project"]

TRAILER_KEY = "Template-Render"
_LEGACY_SUBJECT = "Initial commit from portfoliokit "


def render_trailer(template_id: str) -> str:
    """The trailer line that marks a commit as a pristine render of the installed template."""
    return f"{TRAILER_KEY}: {template_id} {__version__}"


@dataclass(frozen=True)
class UpdateResult:
    """What `update_project` did; nothing is committed on the user's branch."""

    path: Path
    template_id: str
    from_version: str
    to_version: str
    up_to_date: bool
    render_commit: str | None
    changes: tuple[tuple[str, str], ...]  # (git status letter, path), conflicts included
    conflicts: tuple[str, ...]


def update_project(path: Path) -> UpdateResult:
    """Bring the project at `path` to the installed template; see the module docstring.

    Raises:
        ProjectError: not a repository, a merge in progress, uncommitted changes, no
            recorded answers, or no pristine render in the history.
    """
    from . import gitops
    from .pristine import ANSWERS_FILE, parse_answers, rendered

    gitcmd.require_git()
    if not path.is_dir():
        raise ProjectError(f"{path} is not a folder; pass the path of your project.")
    root = gitcmd.top_level(path)
    _require_ready(root)
    base, from_version = _last_render(root)
    shown = gitcmd.git_result("show", f"HEAD:{ANSWERS_FILE}", cwd=root)
    if shown.returncode != 0:
        raise ProjectError(
            f"the project has no committed {ANSWERS_FILE}, which records its template and "
            "answers; restore it from git history (`git log -- .copier-answers.yml`)."
        )
    answers = parse_answers(shown.stdout.decode("utf-8"))
    template_id = str(answers["template_id"])
    identity = gitops.read_identity()
    if identity is None:
        raise ProjectError(
            "git has no user name or e-mail to record the new template render with; set "
            'them with `git config --global user.name "Your Name"` and '
            "`git config --global user.email you@example.org`, then update again."
        )

    with tempfile.TemporaryDirectory(prefix="portfoliokit-update-") as scratch:
        worktree = Path(scratch) / "render"
        gitcmd.git("worktree", "add", "--detach", "--quiet", str(worktree), base, cwd=root)
        try:
            with rendered(answers) as fresh:
                _replace_files(worktree, fresh)
            _keep_own_data(worktree, answers)
            gitcmd.git("add", "--all", cwd=worktree)
            same = gitcmd.git_result("diff", "--cached", "--quiet", cwd=worktree)
            if same.returncode == 0:
                return UpdateResult(
                    root, template_id, from_version, __version__, True, None, (), ()
                )
            message = (
                f"Template render from portfoliokit {__version__} ({template_id})\n\n"
                f"{render_trailer(template_id)}"
            )
            env = {
                "GIT_AUTHOR_NAME": identity.name,
                "GIT_AUTHOR_EMAIL": identity.email,
                "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", identity.name),
                "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", identity.email),
            }
            gitcmd.git(
                "-c",
                "commit.gpgsign=false",
                "commit",
                "--no-verify",
                "--quiet",
                "-m",
                message,
                cwd=worktree,
                env=env,
            )
            render_commit = gitcmd.git("rev-parse", "HEAD", cwd=worktree).strip()
        finally:
            gitcmd.git_result("worktree", "remove", "--force", str(worktree), cwd=root)
            gitcmd.git_result("worktree", "prune", cwd=root)

    conflicts = _merge(root, render_commit, template_id)
    changes = tuple(
        (status[0], name)
        for status, _, name in (
            line.partition("\t")
            for line in gitcmd.git("diff", "--name-status", "HEAD", cwd=root).splitlines()
        )
    )
    return UpdateResult(
        root, template_id, from_version, __version__, False, render_commit, changes, conflicts
    )


def _require_ready(root: Path) -> None:
    if gitcmd.git_result("rev-parse", "--verify", "--quiet", "HEAD", cwd=root).returncode:
        raise ProjectError("the repository has no commit yet; nothing to update.")
    merging = gitcmd.git_result("rev-parse", "--verify", "--quiet", "MERGE_HEAD", cwd=root)
    if merging.returncode == 0:
        raise ProjectError(
            "a merge is in progress (perhaps an earlier update); finish it with `git commit` "
            "or undo it with `git merge --abort`, then update again."
        )
    status = gitcmd.git("status", "--porcelain", cwd=root).strip()
    if status:
        raise ProjectError(
            f"the working tree has {len(status.splitlines())} uncommitted change(s); commit "
            "or stash them (`git stash --include-untracked`), then update, so that your work "
            "and the template's changes stay apart."
        )


def _last_render(root: Path) -> tuple[str, str]:
    """The newest pristine render in HEAD's history and the portfoliokit version it used."""
    # Topological order: a later render descends from the earlier one, whatever the dates.
    found = gitcmd.git(
        "log",
        "-1",
        "--topo-order",
        f"--grep=^{TRAILER_KEY}:",
        f"--format=%H %(trailers:key={TRAILER_KEY},valueonly)",
        "HEAD",
        cwd=root,
    ).split()
    if found:
        return found[0], found[-1] if len(found) >= 3 else "unknown"
    roots = gitcmd.git("log", "--max-parents=0", "--format=%H %s", "HEAD", cwd=root)
    for line in roots.splitlines():
        sha, _, subject = line.partition(" ")
        if subject.startswith(_LEGACY_SUBJECT):
            return sha, subject.removeprefix(_LEGACY_SUBJECT).split()[0]
    shallow = gitcmd.git("rev-parse", "--is-shallow-repository", cwd=root).strip() == "true"
    if shallow:
        raise ProjectError(
            "this clone has only part of the history, without the commit `portfoliokit new` "
            "made; run `git fetch --unshallow`, then update again."
        )
    raise ProjectError(
        "no commit in this history is a template render from `portfoliokit new` (marked "
        f"`{TRAILER_KEY}:`), so there is nothing to merge the template onto; only projects "
        "made by `portfoliokit new` can be updated."
    )


def _replace_files(worktree: Path, fresh: Path) -> None:
    """Make `worktree`'s files exactly `fresh`'s, keeping its `.git` link."""
    for entry in worktree.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(fresh, worktree, dirs_exist_ok=True, symlinks=True)


def _keep_own_data(worktree: Path, answers: dict[str, object]) -> None:
    """Put back the user's data file that `new --dataset` committed with the render.

    The template does not hold that file, so a fresh render lacks it; without this the
    merge would delete it from the project.
    """
    path = answers.get("dataset_path")
    if not answers.get("dataset_sha256") or not isinstance(path, str):
        return
    if (worktree / path).exists():
        return
    tracked = gitcmd.git_result("cat-file", "-e", f"HEAD:{path}", cwd=worktree)
    if tracked.returncode == 0:
        gitcmd.git("checkout", "HEAD", "--", path, cwd=worktree)


def _merge(root: Path, render_commit: str, template_id: str) -> tuple[str, ...]:
    """Merge without committing; the conflicted paths (empty when it merged cleanly)."""
    message = f"Update to the portfoliokit {__version__} template ({template_id})"
    merged = gitcmd.git_result(
        "merge", "--no-ff", "--no-commit", "--no-verify", "-m", message, render_commit, cwd=root
    )
    conflicts = tuple(gitcmd.git("diff", "--name-only", "--diff-filter=U", cwd=root).splitlines())
    if merged.returncode != 0 and not conflicts:
        gitcmd.git_result("merge", "--abort", cwd=root)
        raise ProjectError(
            f"git could not merge the new template: {gitcmd.last_line(merged.stderr)}; "
            "the project was left as it was."
        )
    return conflicts
