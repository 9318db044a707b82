"""The generated repository: branch, one commit, author, ignore rules, clean tree."""

from pathlib import Path

import git
import pytest

from portfoliokit import __version__
from portfoliokit.project import NewProjectRequest, new_project

from .conftest import AUTHOR_EMAIL, AUTHOR_NAME, tree


def create(template_id: str, dest: Path) -> Path:
    new_project(
        NewProjectRequest(template_id=template_id, destination=dest, answers={}, defaults=True)
    )
    return dest


@pytest.mark.parametrize("template_id", ["recommender", "nlp-pipeline"])
def test_one_commit_on_main_with_every_file_and_a_clean_tree(
    tmp_path: Path, template_id: str
) -> None:
    project = create(template_id, tmp_path / "p")
    repo = git.Repo(project)
    assert repo.active_branch.name == "main"
    commits = list(repo.iter_commits())
    assert len(commits) == 1
    assert commits[0].summary == f"Initial commit from portfoliokit {__version__} ({template_id})"
    # The trailer that marks a pristine render for `update`.
    assert commits[0].message.strip().endswith(f"\n\nTemplate-Render: {template_id} {__version__}")
    assert set(repo.git.ls_files().splitlines()) == tree(project)
    assert not repo.is_dirty(untracked_files=True)


def test_author_comes_from_git_config(tmp_path: Path) -> None:
    commit = git.Repo(create("recommender", tmp_path / "p")).head.commit
    assert (commit.author.name, commit.author.email) == (AUTHOR_NAME, AUTHOR_EMAIL)
    assert (commit.committer.name, commit.committer.email) == (AUTHOR_NAME, AUTHOR_EMAIL)


def test_author_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.org")
    commit = git.Repo(create("recommender", tmp_path / "p")).head.commit
    assert (commit.author.name, commit.author.email) == ("Env Author", "env@example.org")


def test_generated_gitignore_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Render, then drop files the generated .gitignore covers before committing.
    from portfoliokit import gitops

    original = gitops.initial_commit

    def with_junk(path: Path, message: str, identity: gitops.Identity) -> str:
        (path / ".venv").mkdir()
        (path / ".venv" / "pyvenv.cfg").write_text("home = /somewhere\n")
        (path / ".env").write_text("SECRET=1\n")
        return original(path, message, identity)

    monkeypatch.setattr(gitops, "initial_commit", with_junk)
    project = create("recommender", tmp_path / "p")
    tracked = git.Repo(project).git.ls_files().splitlines()
    assert ".env" not in tracked and not [f for f in tracked if f.startswith(".venv/")]
    assert ".gitignore" in tracked


def test_user_hooks_do_not_run_on_the_initial_commit(tmp_path: Path, isolated_git: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text("#!/bin/sh\necho blocked >&2\nexit 1\n")
    hook.chmod(0o755)
    with isolated_git.open("a") as config:
        config.write(f"[core]\n\thooksPath = {hooks}\n")
    project = create("recommender", tmp_path / "p")
    assert len(list(git.Repo(project).iter_commits())) == 1
