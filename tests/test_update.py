"""`portfoliokit update`: template version A generates, the user edits, version B merges.

Version A is a copy of the bundled templates in a temporary folder, selected with
PORTFOLIOKIT_TEMPLATES; the test then edits that copy into version B, as a later
portfoliokit release would.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfoliokit import __version__, catalogue
from portfoliokit.errors import RenderError
from portfoliokit.project import NewProjectRequest, new_project

from .conftest import run_cli
from .projects import commit_all, git

SHARED_README = "_shared/docs/README.md"  # the README's closing lines come from here
SHARED_FOOTER = "*Generated with portfoliokit"


def _clear_catalogue_caches() -> None:
    catalogue.list_templates.cache_clear()
    catalogue.questions_for.cache_clear()
    catalogue._question_specs.cache_clear()


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Version A of the templates, in use for this test; edit it to make version B."""
    copy = tmp_path / "templates"
    shutil.copytree(catalogue.templates_root(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("PORTFOLIOKIT_TEMPLATES", str(copy))
    _clear_catalogue_caches()
    yield copy
    _clear_catalogue_caches()


def generate(templates: Path, dest: Path, template_id: str = "classification-api") -> Path:
    assert catalogue.templates_root() == templates
    new_project(
        NewProjectRequest(template_id=template_id, destination=dest, answers={}, defaults=True)
    )
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new))


def head(project: Path) -> str:
    return git(project, "rev-parse", "HEAD").strip()


def merging(project: Path) -> bool:
    return (project / ".git" / "MERGE_HEAD").exists()


def test_first_commit_is_marked_as_a_pristine_render(templates: Path, tmp_path: Path) -> None:
    project = generate(templates, tmp_path / "p", "recommender")
    trailer = git(project, "log", "-1", "--format=%(trailers:key=Template-Render,valueonly)")
    assert trailer.strip() == f"recommender {__version__}"


def test_user_edit_and_template_change_in_one_file_both_survive(
    templates: Path, tmp_path: Path
) -> None:
    project = generate(templates, tmp_path / "p")
    edit(project / "README.md", "# Credit Risk API\n", "# Credit Risk API, my way\n")
    commit_all(project, "My title")
    before = head(project)
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")  # version B

    result = run_cli("update", str(project))
    assert result.exit_code == 0, result.output
    assert "1 file(s) changed, 0 conflict(s)" in result.output and "README.md" in result.output
    readme = (project / "README.md").read_text()
    assert readme.startswith("# Credit Risk API, my way\n")
    assert "*Made with portfoliokit" in readme and SHARED_FOOTER not in readme
    # Left for review: staged, in a merge, nothing committed.
    assert head(project) == before and merging(project)
    assert git(project, "diff", "--cached", "--name-only").split() == ["README.md"]
    assert git(project, "worktree", "list").count("\n") == 1  # the temporary one is gone

    git(project, "commit", "-q", "--no-edit")
    again = run_cli("update", str(project))
    assert again.exit_code == 0 and "up to date" in again.output
    assert not merging(project)


def test_conflicting_edit_is_reported_and_kept(templates: Path, tmp_path: Path) -> None:
    project = generate(templates, tmp_path / "p")
    readme = project / "README.md"
    footer = next(line for line in readme.read_text().splitlines() if SHARED_FOOTER in line)
    edit(readme, footer, "*My own footer.*")
    commit_all(project, "My footer")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")

    result = run_cli("update", str(project))
    assert result.exit_code == 0, result.output
    assert "1 conflict(s)" in result.output and "conflict  README.md" in result.output
    merged = readme.read_text()
    assert "<<<<<<<" in merged and ">>>>>>>" in merged
    assert "*My own footer.*" in merged and "*Made with portfoliokit" in merged  # nothing lost
    assert "UU README.md" in git(project, "status", "--porcelain")
    # Another update waits until this one is finished.
    blocked = run_cli("update", str(project))
    assert blocked.exit_code == 1 and "merge is in progress" in blocked.stderr

    # The user keeps their footer and commits; the next update starts from render B, so
    # the settled conflict does not come back when version C changes another file.
    git(project, "checkout", "--ours", "README.md")
    git(project, "add", "README.md")
    git(project, "commit", "-q", "--no-edit")
    (templates / "classification-api" / "docs" / "glossary.md").write_text("# Glossary\n")
    version_c = run_cli("update", str(project))
    assert version_c.exit_code == 0, version_c.output
    assert "0 conflict(s)" in version_c.output
    assert git(project, "diff", "--cached", "--name-only").split() == ["docs/glossary.md"]
    assert "*My own footer.*" in readme.read_text()


def test_deleted_file_stays_deleted_and_new_template_file_arrives(
    templates: Path, tmp_path: Path
) -> None:
    project = generate(templates, tmp_path / "p")
    git(project, "rm", "-q", "docs/decisions/0004-serving-artefact-and-fast-path.md")
    commit_all(project, "Not my decision")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    (templates / "classification-api" / "docs" / "glossary.md").write_text("# Glossary\n")
    # B also drops a file the user never touched: the update removes it.
    dropped = "docs/decisions/0003-subgroups-audited.md"
    next((templates / "classification-api").glob(f"{dropped}*")).unlink()

    result = run_cli("update", str(project))
    assert result.exit_code == 0, result.output
    assert not (project / "docs/decisions/0004-serving-artefact-and-fast-path.md").exists()
    assert (project / "docs" / "glossary.md").read_text() == "# Glossary\n"
    staged = git(project, "diff", "--cached", "--name-status").splitlines()
    assert sorted(staged) == ["A\tdocs/glossary.md", f"D\t{dropped}", "M\tREADME.md"]
    assert not (project / dropped).exists()


def test_deleted_file_the_template_changed_is_a_listed_conflict(
    templates: Path, tmp_path: Path
) -> None:
    project = generate(templates, tmp_path / "p")
    git(project, "rm", "-q", "README.md")
    commit_all(project, "No README")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    result = run_cli("update", str(project))
    assert result.exit_code == 0, result.output
    assert "1 conflict(s)" in result.output and "conflict  README.md" in result.output
    assert "DU README.md" in git(project, "status", "--porcelain")
    # Keeping the deletion is one command away.
    git(project, "rm", "-q", "README.md")
    git(project, "commit", "-q", "--no-edit")
    assert not (project / "README.md").exists()


def test_fresh_clone_updates_without_the_generating_machine(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = generate(templates, tmp_path / "p")
    edit(project / "README.md", "# Credit Risk API\n", "# Credit Risk API, my way\n")
    commit_all(project, "My title")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(project), str(remote))
    shutil.rmtree(project)  # the generating copy is gone
    monkeypatch.setenv("HOME", str(tmp_path / "another-home"))  # another machine's home
    (tmp_path / "another-home").mkdir()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")

    result = run_cli("update", str(clone))
    assert result.exit_code == 0, result.output
    readme = (clone / "README.md").read_text()
    assert readme.startswith("# Credit Risk API, my way\n") and "*Made with portfoliokit" in readme


def test_up_to_date_project_is_a_no_op(templates: Path, tmp_path: Path) -> None:
    project = generate(templates, tmp_path / "p")
    before = head(project)
    result = run_cli("update", str(project))
    assert result.exit_code == 0 and "up to date" in result.output
    assert head(project) == before and not merging(project)
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "worktree", "list").count("\n") == 1


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_dirty_tree_is_refused_untouched(templates: Path, tmp_path: Path, change: str) -> None:
    project = generate(templates, tmp_path / "p")
    if change == "modified":
        (project / "README.md").write_text("# Mine\n")
    else:
        (project / "notes.txt").write_text("mine\n")
    status = git(project, "status", "--porcelain")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    result = run_cli("update", str(project))
    assert result.exit_code == 1 and "uncommitted change(s)" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert git(project, "status", "--porcelain") == status and not merging(project)


def test_project_made_before_the_trailer_updates_from_its_first_commit(
    templates: Path, tmp_path: Path
) -> None:
    project = generate(templates, tmp_path / "p")
    subject = git(project, "log", "-1", "--format=%s").strip()
    git(project, "commit", "-q", "--amend", "-m", subject)  # as `new` wrote it before
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    result = run_cli("update", str(project))
    assert result.exit_code == 0, result.output
    assert "*Made with portfoliokit" in (project / "README.md").read_text()


def test_history_without_a_render_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / "README.md").write_text("# Mine\n")
    commit_all(project, "Start")
    result = run_cli("update", str(project))
    assert result.exit_code == 1 and "Template-Render:" in result.stderr


def test_missing_answers_are_refused(templates: Path, tmp_path: Path) -> None:
    project = generate(templates, tmp_path / "p")
    git(project, "rm", "-q", ".copier-answers.yml")
    commit_all(project, "No answers")
    result = run_cli("update", str(project))
    assert result.exit_code == 1 and ".copier-answers.yml" in result.stderr
    assert git(project, "worktree", "list").count("\n") == 1


@pytest.mark.parametrize(
    ("failure", "exit_code"),
    [(RenderError("the template could not be rendered: planted."), 1), (KeyboardInterrupt(), 130)],
)
def test_failed_or_interrupted_render_leaves_no_worktree_and_no_merge(
    templates: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    exit_code: int,
) -> None:
    project = generate(templates, tmp_path / "p")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    from portfoliokit import update

    def broken(worktree: Path, fresh: Path) -> None:
        raise failure

    monkeypatch.setattr(update, "_replace_files", broken)
    result = run_cli("update", str(project))
    assert result.exit_code == exit_code
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert git(project, "worktree", "list").count("\n") == 1 and not merging(project)
    assert git(project, "status", "--porcelain") == ""


def test_missing_identity_says_how_to_set_it(
    templates: Path, tmp_path: Path, isolated_git: Path
) -> None:
    project = generate(templates, tmp_path / "p")
    edit(templates / SHARED_README, SHARED_FOOTER, "*Made with portfoliokit")
    isolated_git.write_text("")  # this machine's git has no identity
    result = run_cli("update", str(project))
    assert result.exit_code == 1 and "git config --global user.name" in result.stderr
    assert "--no-git" not in result.stderr
    assert git(project, "status", "--porcelain") == "" and not merging(project)


def test_templates_override_without_copier_yml_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIOKIT_TEMPLATES", str(tmp_path))
    _clear_catalogue_caches()
    try:
        result = run_cli("list")
    finally:
        monkeypatch.delenv("PORTFOLIOKIT_TEMPLATES")
        _clear_catalogue_caches()
    assert result.exit_code == 1 and "PORTFOLIOKIT_TEMPLATES" in result.stderr
