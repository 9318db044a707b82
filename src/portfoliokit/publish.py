"""`publish`: push a project's `main` to its remote, after the checks that matter.

Order is the safety argument. Everything that can refuse runs before anything changes:
a clean tree; no likely secret and no file over 50 MB in any commit about to be pushed
(not only the last one; `--force` never overrides this); `check` without errors (unless
`--force`). Only then is the GitHub repository created (with `--github`), the remote
added and `main` pushed with upstream tracking. The push names its refspec without `+`
and git is never given `--force`, so nothing on the remote is ever overwritten. A push
that fails removes the remote it added, so the project is as it was.
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import gitcmd, secrets_scan
from .check import LARGE_FILE_BYTES, check_project
from .errors import PortfolioKitError, PublishError

__all__ = ["REMOTE", "HistoryScan", "PublishRequest", "PublishResult", "publish", "scan_history"]

REMOTE = "origin"
BRANCH = "main"
PUSH_TIMEOUT_SECONDS = 900
_GH_HELP = (
    "install the GitHub CLI (https://cli.github.com) and run `gh auth login`, then publish "
    "again; or create an empty repository on github.com and pass its URL with --remote"
)


@dataclass(frozen=True)
class PublishRequest:
    """What the user asked for."""

    path: Path
    remote_url: str | None = None
    force: bool = False
    github: bool = False
    private: bool = False
    # On a terminal git may ask for credentials; otherwise it must fail instead of waiting.
    interactive: bool = False


@dataclass(frozen=True)
class PublishResult:
    """What was pushed where."""

    path: Path
    url: str
    commits: int
    created_on_github: bool
    check_errors_overridden: tuple[str, ...]
    check_warnings: int


@dataclass(frozen=True)
class HistoryScan:
    """Likely secrets and large files in the commits about to be pushed."""

    secrets: tuple[secrets_scan.SecretHit, ...]
    large_files: tuple[tuple[str, int], ...]  # (path, bytes)


def publish(request: PublishRequest) -> PublishResult:
    """Check, then push `main` as `request` says; see the module docstring."""
    gitcmd.require_git()
    if not request.path.is_dir():
        raise PublishError(f"{request.path} is not a folder; pass the path of your project.")
    root = gitcmd.top_level(request.path)
    if request.github and request.remote_url:
        raise PublishError("pass either --remote URL or --github, not both.")
    _require_main(root)
    _require_clean(root)
    existing = _remote_url(root)
    if existing is not None and request.remote_url and existing != request.remote_url:
        raise PublishError(
            f"the remote {REMOTE!r} already points at {existing}; publish there by leaving "
            f"out --remote, or change it with `git remote set-url {REMOTE} URL`."
        )
    if existing is not None and request.github:
        raise PublishError(
            f"the remote {REMOTE!r} already points at {existing}; leave out --github to "
            "publish there."
        )
    if existing is None and not request.remote_url and not request.github:
        raise PublishError(
            "there is no remote yet; pass --remote URL (an empty repository you created) "
            "or --github to create one with the GitHub CLI."
        )

    revisions = [BRANCH, "--not", f"--remotes={REMOTE}"] if existing else [BRANCH]
    commits = len(gitcmd.git("rev-list", *revisions, cwd=root).split())
    _refuse_history_problems(scan_history(root, revisions))

    report = check_project(root)
    overridden = tuple(sorted({f.code for f in report.findings if f.level == "error"}))
    if overridden and not request.force:
        raise PublishError(
            f"`portfoliokit check` found {report.errors} error(s) ({', '.join(overridden)}); "
            "run it to see them and fix them, or pass --force to publish anyway."
        )

    created = False
    url = existing or request.remote_url
    if request.github:
        url = _create_on_github(root, private=request.private)
        created = True
    assert url is not None
    added = existing is None
    if added:
        gitcmd.git("remote", "add", REMOTE, url, cwd=root)
    _push(root, request.interactive, added, created, url)
    return PublishResult(
        path=root,
        url=url,
        commits=commits,
        created_on_github=created,
        check_errors_overridden=overridden,
        # The missing remote that `check` warns about is what publishing just fixed.
        check_warnings=sum(
            f.level == "warning" and f.code != "remote-missing" for f in report.findings
        ),
    )


def scan_history(root: Path, revisions: list[str]) -> HistoryScan:
    """Every blob reachable from `revisions` (a `git rev-list` range), by name and content.

    Paths come from every commit in the range, so a `.env` added and later deleted is
    found; contents are read once per distinct blob.
    """
    listed = gitcmd.git("rev-list", "--objects", *revisions, cwd=root).splitlines()
    paths_of: dict[str, set[str]] = {}
    for line in listed:
        sha, _, path = line.partition(" ")
        if path:
            paths_of.setdefault(sha, set()).add(path)
    if not paths_of:
        return HistoryScan((), ())
    query = "".join(f"{sha}\n" for sha in paths_of).encode()
    checked = gitcmd.git_result(
        "cat-file",
        "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        cwd=root,
        input_bytes=query,
    )
    blobs: dict[str, int] = {}
    for line in checked.stdout.decode().splitlines():
        sha, kind, size = line.split()
        if kind == "blob":
            blobs[sha] = int(size)
    touched = gitcmd.git(
        "log", "--format=", "--name-only", "--no-renames", *revisions, cwd=root
    ).splitlines()

    hits: list[secrets_scan.SecretHit] = []
    for path in sorted({p for p in touched if p}):
        file_kind = secrets_scan.secret_file_kind(path)
        if file_kind is not None:
            hits.append(secrets_scan.SecretHit(path, None, file_kind, path.rsplit("/", 1)[-1]))
    for sha, content in _blob_heads(root, [s for s in blobs if blobs[s] <= LARGE_FILE_BYTES]):
        path = sorted(paths_of[sha])[0]
        hits.extend(hit for hit in secrets_scan.scan_file(path, content) if hit.line is not None)
    large = sorted(
        (sorted(paths_of[sha])[0], size) for sha, size in blobs.items() if size > LARGE_FILE_BYTES
    )
    return HistoryScan(tuple(hits), tuple(large))


def _blob_heads(root: Path, shas: list[str]) -> list[tuple[str, bytes]]:
    """The first `SCAN_LIMIT` bytes of each blob, read through one `git cat-file` process."""
    if not shas:
        return []
    result = gitcmd.git_result(
        "cat-file", "--batch", cwd=root, input_bytes="".join(f"{s}\n" for s in shas).encode()
    )
    out, heads, position = result.stdout, [], 0
    for _ in shas:
        header_end = out.index(b"\n", position)
        sha, _kind, size = out[position:header_end].split()
        start = header_end + 1
        heads.append((sha.decode(), out[start : start + min(int(size), secrets_scan.SCAN_LIMIT)]))
        position = start + int(size) + 1  # content, then a newline
    return heads


def _refuse_history_problems(scan: HistoryScan) -> None:
    if scan.secrets:
        shown = "; ".join(
            f"{hit.path}{f':{hit.line}' if hit.line else ''} ({hit.kind})"
            for hit in scan.secrets[:3]
        )
        more = f" and {len(scan.secrets) - 3} more" if len(scan.secrets) > 3 else ""
        raise PublishError(
            f"likely secret in the history to be pushed: {shown}{more}; remove it from every "
            "commit (e.g. with git filter-repo, or start a new repository), revoke it if it "
            "was ever shared, then publish again (--force does not override this)."
        )
    if scan.large_files:
        path, size = scan.large_files[0]
        more = f" and {len(scan.large_files) - 1} more" if len(scan.large_files) > 1 else ""
        raise PublishError(
            f"{path} ({size / 1024 / 1024:.0f} MB){more} in the history to be pushed is over "
            "50 MB; remove it from every commit (e.g. with git filter-repo) and keep it out of "
            "git, or store it with Git LFS, then publish again."
        )


def _require_main(root: Path) -> None:
    result = gitcmd.git_result("rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}", cwd=root)
    if result.returncode != 0:
        raise PublishError(
            f"the repository has no branch {BRANCH!r} with a commit; commit your work on "
            f"{BRANCH} (`git branch -m {BRANCH}` renames the current branch), then publish."
        )


def _require_clean(root: Path) -> None:
    status = gitcmd.git("status", "--porcelain", cwd=root).strip()
    if status:
        count = len(status.splitlines())
        raise PublishError(
            f"the working tree has {count} uncommitted change(s); commit or remove them "
            "(`git status` lists them), then publish."
        )


def _remote_url(root: Path) -> str | None:
    result = gitcmd.git_result("remote", "get-url", REMOTE, cwd=root)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def _create_on_github(root: Path, *, private: bool) -> str:
    """Create an empty repository with `gh`; its URL."""
    if shutil.which("gh") is None:
        raise PublishError(f"the GitHub CLI (gh) is not installed; {_GH_HELP}.")
    status = _gh(["auth", "status"], root)
    if status.returncode != 0:
        raise PublishError(f"the GitHub CLI (gh) is not logged in; {_GH_HELP}.")
    name, description = _name_and_description(root)
    args = ["repo", "create", name, "--private" if private else "--public"]
    if description:
        args += ["--description", description]
    created = _gh(args, root)
    if created.returncode != 0:
        detail = (created.stderr.strip().splitlines() or ["no message"])[-1]
        raise PublishError(
            f"gh could not create the repository {name!r}: {detail}; nothing was pushed."
        )
    lines = created.stdout.strip().splitlines()
    if not lines:
        raise PublishError("gh created the repository but printed no URL; pass it with --remote.")
    return lines[-1].strip()


def _gh(args: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["gh", *args],
        cwd=root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )


def _name_and_description(root: Path) -> tuple[str, str]:
    from .naming import project_names
    from .pristine import read_answers

    try:
        answers = read_answers(root)
        name = project_names(str(answers.get("project_name", root.name))).slug
        return name, " ".join(str(answers.get("description", "")).split())
    except PortfolioKitError:  # no answers, or a name that is no longer valid
        return root.name, ""


def _push(root: Path, interactive: bool, added: bool, created: bool, url: str) -> None:
    env = {} if interactive else {"GIT_TERMINAL_PROMPT": "0"}
    result = gitcmd.git_result(
        "push",
        "--set-upstream",
        REMOTE,
        f"refs/heads/{BRANCH}:refs/heads/{BRANCH}",
        cwd=root,
        env=env,
        timeout=PUSH_TIMEOUT_SECONDS,
    )
    if result.returncode == 0:
        return
    if added:
        gitcmd.git_result("remote", "remove", REMOTE, cwd=root)
    where = "the repository was created on GitHub, but " if created else ""
    raise PublishError(
        f"{where}the push to {url} failed: {_push_failure(result.stderr)}; "
        f"nothing was changed in the project{' (the remote was not kept)' if added else ''}. "
        "Check the URL and your access to it, then publish again."
    )


def _push_failure(stderr: bytes) -> str:
    """What the remote said and which ref it refused, else git's own last error."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    said = [line.removeprefix("remote:").strip() for line in lines if line.startswith("remote:")]
    said = [line for line in said if line]
    refused = [line.lstrip("! ").strip() for line in lines if line.startswith("!")]
    parts = refused[-1:] + [f"the remote says: {line}" for line in said[-1:]]
    return "; ".join(parts) or gitcmd.last_line(stderr)
