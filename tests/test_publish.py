"""`portfoliokit publish` against local bare repositories standing in for GitHub."""

import http.server
import os
import shlex
import shutil
import stat
import sys
import threading
from pathlib import Path

import pytest

from portfoliokit.check import LARGE_FILE_BYTES, check_project

from .conftest import run_cli
from .projects import MakeProject, commit_all, git, make_project, pristine_projects

__all__ = ["make_project", "pristine_projects"]  # fixtures used below


def bare(tmp_path: Path, name: str = "remote.git") -> Path:
    path = tmp_path / name
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def remote_heads(remote: Path) -> str:
    return git(remote, "for-each-ref", "--format=%(refname) %(objectname)")


def assert_refused(result_output: str, exit_code: int, project: Path, remote: Path) -> None:
    assert exit_code == 1
    assert result_output.startswith("Error:") and len(result_output.splitlines()) == 1
    assert git(project, "remote").strip() == ""  # no remote left behind
    assert remote_heads(remote) == ""  # nothing arrived


def test_pushes_main_with_upstream(make_project: MakeProject, tmp_path: Path) -> None:
    project, remote = make_project(), bare(tmp_path)
    result = run_cli("publish", str(project), "--remote", str(remote))
    assert result.exit_code == 0, result.output
    assert "Pushed main (1 new commit(s))" in result.output
    assert git(remote, "rev-parse", "main") == git(project, "rev-parse", "main")
    assert git(project, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"
    # The warnings it mentions are those `check` still reports once the remote is set.
    assert f"lists {check_project(project).warnings} warning(s)" in result.output
    # Later commits: publishing again needs no --remote and pushes only what is new.
    (project / "notes.md").write_text("# Notes\n")
    commit_all(project, "Notes")
    again = run_cli("publish", str(project))
    assert again.exit_code == 0 and "(1 new commit(s))" in again.output
    assert git(remote, "rev-parse", "main") == git(project, "rev-parse", "main")


def test_dirty_tree_is_refused(make_project: MakeProject, tmp_path: Path) -> None:
    project, remote = make_project(), bare(tmp_path)
    (project / "README.md").write_text("# Changed\n")
    result = run_cli("publish", str(project), "--remote", str(remote))
    assert_refused(result.stderr, result.exit_code, project, remote)
    assert "uncommitted" in result.stderr


def test_env_file_deleted_from_history_is_still_refused_even_with_force(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    (project / ".env").write_text("DB_PASSWORD=hunter2hunter2\n")
    git(project, "add", "--force", ".env")
    commit_all(project, "Add env")
    git(project, "rm", "-q", ".env")
    commit_all(project, "Remove env")
    for extra in ([], ["--force"]):
        result = run_cli("publish", str(project), "--remote", str(remote), *extra)
        assert_refused(result.stderr, result.exit_code, project, remote)
        assert ".env (.env file)" in result.stderr and "--force does not override" in result.stderr


def test_token_in_an_earlier_version_of_a_file_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    config = project / "config.toml"
    original = config.read_text()
    config.write_text(original + "\n[hub]\ntoken = '" + "hf_" + "Q7rT" * 9 + "'\n")
    commit_all(project, "Token")
    config.write_text(original)
    commit_all(project, "No token")
    result = run_cli("publish", str(project), "--remote", str(remote), "--force")
    assert_refused(result.stderr, result.exit_code, project, remote)
    assert "config.toml:" in result.stderr and "Hugging Face token" in result.stderr
    assert "Q7rTQ7rT" not in result.stderr


def test_large_file_anywhere_in_history_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    with (project / "data" / "huge.bin").open("wb") as handle:
        handle.truncate(LARGE_FILE_BYTES + 1)
    commit_all(project, "Huge")
    git(project, "rm", "-q", "data/huge.bin")
    commit_all(project, "No longer huge")
    result = run_cli("publish", str(project), "--remote", str(remote))
    assert_refused(result.stderr, result.exit_code, project, remote)
    assert "data/huge.bin (50 MB)" in result.stderr and "over 50 MB" in result.stderr


def test_check_errors_refuse_unless_forced(make_project: MakeProject, tmp_path: Path) -> None:
    project, remote = make_project(), bare(tmp_path)
    git(project, "rm", "-q", "LICENSE")
    commit_all(project, "No licence")
    refused = run_cli("publish", str(project), "--remote", str(remote))
    assert_refused(refused.stderr, refused.exit_code, project, remote)
    assert "license-missing" in refused.stderr and "--force" in refused.stderr
    forced = run_cli("publish", str(project), "--remote", str(remote), "--force")
    assert forced.exit_code == 0, forced.output
    assert "despite check errors (--force): license-missing" in forced.output
    assert git(remote, "rev-parse", "main") == git(project, "rev-parse", "main")


def test_push_the_remote_rejects_is_reported_and_leaves_no_remote(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes to this repository are closed' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    result = run_cli("publish", str(project), "--remote", str(remote))
    assert_refused(result.stderr, result.exit_code, project, remote)
    assert "pushes to this repository are closed" in result.stderr


def test_unreachable_remote_is_one_line(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project()
    result = run_cli("publish", str(project), "--remote", str(tmp_path / "nowhere.git"))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert "failed" in result.stderr and git(project, "remote").strip() == ""


def test_never_force_pushes_over_commits_on_the_remote(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    assert run_cli("publish", str(project), "--remote", str(remote)).exit_code == 0
    # Someone else pushes a commit; ours diverges from it.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "theirs.md").write_text("# Theirs\n")
    commit_all(other, "Theirs")
    git(other, "push", "-q", "origin", "main")
    theirs = git(remote, "rev-parse", "main")
    (project / "ours.md").write_text("# Ours\n")
    commit_all(project, "Ours")
    result = run_cli("publish", str(project))
    assert result.exit_code == 1 and "failed" in result.stderr
    assert git(remote, "rev-parse", "main") == theirs  # their commit survives
    assert git(project, "remote", "get-url", "origin").strip() == str(remote)  # kept: not ours


def test_existing_remote_elsewhere_is_not_changed(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, remote = make_project(), bare(tmp_path)
    git(project, "remote", "add", "origin", "https://example.org/someone/else.git")
    result = run_cli("publish", str(project), "--remote", str(remote))
    assert result.exit_code == 1 and "already points at https://example.org" in result.stderr
    assert git(project, "remote", "get-url", "origin").strip().endswith("else.git")


def test_no_remote_and_no_github_says_what_to_pass(make_project: MakeProject) -> None:
    result = run_cli("publish", str(make_project()))
    assert result.exit_code == 1 and "--remote URL" in result.stderr


def test_private_needs_github(make_project: MakeProject) -> None:
    result = run_cli("publish", str(make_project()), "--private")
    assert result.exit_code == 2 and "--private only applies with --github" in result.stderr


def path_with_only(tmp_path: Path, tools: dict[str, str]) -> str:
    """A PATH holding only these tools (name -> script text, or "" for the real one)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, script in tools.items():
        target = folder / name
        if script:
            target.write_text(script)
            target.chmod(0o755)
        else:
            real = shutil.which(name)
            assert real is not None
            target.symlink_to(real)
    return str(folder)


FAKE_GH = """#!/bin/sh
echo "$@" >> "$GH_LOG"
case "$1 $2" in
  "auth status") exit "${GH_AUTH_EXIT:-0}" ;;
  "repo create") git init -q --bare -b main "$GH_REMOTES/$3.git" && echo "$GH_REMOTES/$3.git" ;;
  *) exit 2 ;;
esac
"""


@pytest.fixture
def fake_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    remotes = tmp_path / "github"
    remotes.mkdir()
    monkeypatch.setenv("PATH", path_with_only(tmp_path, {"git": "", "gh": FAKE_GH}))
    monkeypatch.setenv("GH_LOG", str(tmp_path / "gh.log"))
    monkeypatch.setenv("GH_REMOTES", str(remotes))
    return remotes


def test_github_creates_the_repository_with_gh_then_pushes(
    make_project: MakeProject, fake_gh: Path, tmp_path: Path
) -> None:
    project = make_project()
    result = run_cli("publish", str(project), "--github", "--private")
    assert result.exit_code == 0, result.output
    created = fake_gh / "credit-risk-api.git"
    assert git(created, "rev-parse", "main") == git(project, "rev-parse", "main")
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[0] == "auth status"
    assert calls[1].startswith("repo create credit-risk-api --private --description Decide")


def test_github_without_login_says_how_and_creates_nothing(
    make_project: MakeProject, fake_gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_AUTH_EXIT", "1")
    project = make_project()
    result = run_cli("publish", str(project), "--github")
    assert result.exit_code == 1 and "gh auth login" in result.stderr
    assert list(fake_gh.iterdir()) == [] and git(project, "remote").strip() == ""


def test_github_without_gh_says_how(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    monkeypatch.setenv("PATH", path_with_only(tmp_path, {"git": ""}))
    result = run_cli("publish", str(project), "--github")
    assert result.exit_code == 1
    assert "not installed" in result.stderr and "https://cli.github.com" in result.stderr
    assert "--remote" in result.stderr


def test_checks_fail_before_the_github_repository_is_created(
    make_project: MakeProject, fake_gh: Path
) -> None:
    project = make_project()
    (project / "README.md").write_text("# Changed\n")
    assert run_cli("publish", str(project), "--github").exit_code == 1
    assert list(fake_gh.iterdir()) == []


class _AskForPassword(http.server.BaseHTTPRequestHandler):
    """A git host on 127.0.0.1 that wants credentials for everything."""

    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_remote_that_wants_credentials_fails_without_waiting_for_input(
    make_project: MakeProject,
) -> None:
    import pexpect

    project = make_project()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AskForPassword)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/me/project.git"
    # A terminal git could prompt on, but input from elsewhere (a script): git must not ask.
    command = shlex.join([sys.executable, "-m", "portfoliokit", "publish", str(project)])
    try:
        child = pexpect.spawn(
            "/bin/sh",
            ["-c", f"{command} --remote {shlex.quote(url)} < /dev/null"],
            env=dict(os.environ),
            encoding="utf-8",
            timeout=60,
        )
        asked = child.expect([r"(?<!read )Username for", pexpect.EOF])
        output = child.before or ""
        child.close(force=True)
    finally:
        server.shutdown()
        server.server_close()
    assert asked == 1, "git asked for a user name that no one can type"
    assert child.exitstatus == 1
    assert "Error: the push to http://127.0.0.1:" in output
    assert "could not read Username" in output
    assert git(project, "remote").strip() == ""
