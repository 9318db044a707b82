"""A failure at any point leaves no destination and no staging folder behind."""

from pathlib import Path

import copier._main
import pytest

from portfoliokit import gitops
from portfoliokit.errors import GitError
from portfoliokit.project import NewProjectRequest, new_project

from .conftest import run_cli, snapshot

# Copier leaves a scandir iterator open when rendering is interrupted; that is
# Copier's, and harmless here.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def request(dest: Path) -> NewProjectRequest:
    return NewProjectRequest(template_id="recommender", destination=dest, answers={}, defaults=True)


def fail_after(count: int, error: BaseException, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make Copier raise `error` when it renders its `count`-th file."""
    rendered: list[Path] = []
    original = copier._main.Worker._render_file

    def render_file(self: copier._main.Worker, *args: object, **kwargs: object) -> None:
        if len(rendered) == count:
            raise error
        rendered.append(Path(str(args[0])))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(copier._main.Worker, "_render_file", render_file)
    return rendered


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_mid_render_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    rendered = fail_after(4, error, monkeypatch)
    with pytest.raises(type(error)):
        new_project(request(tmp_path / "p"))
    assert len(rendered) == 4  # the failure really came mid-render
    assert list(tmp_path.iterdir()) == []


def test_git_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, message: str, identity: gitops.Identity) -> str:
        assert (path / "pyproject.toml").is_file()  # rendered, not yet moved
        raise GitError("git failed while making the first commit: simulated.")

    monkeypatch.setattr(gitops, "initial_commit", broken)
    with pytest.raises(GitError):
        new_project(request(tmp_path / "p"))
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_an_existing_empty_destination_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "p"
    dest.mkdir()
    fail_after(2, RuntimeError("boom"), monkeypatch)
    with pytest.raises(RuntimeError):
        new_project(request(dest))
    assert [p.name for p in tmp_path.iterdir()] == ["p"]
    assert list(dest.iterdir()) == []


def test_ctrl_c_through_the_cli_is_one_line_and_leaves_nothing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    neighbour = workdir / "keep.txt"
    neighbour.write_text("mine")
    before = snapshot(workdir)
    fail_after(3, KeyboardInterrupt(), monkeypatch)
    result = run_cli("new", "recommender", "-y")
    assert result.exit_code == 130
    assert "Interrupted: nothing was written." in result.stderr
    assert snapshot(workdir) == before
