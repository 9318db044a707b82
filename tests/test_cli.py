"""The command line: help, version, list, and one clear line for every user mistake."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import git
import pytest

from portfoliokit import __version__
from portfoliokit.answers import parse_pairs
from portfoliokit.catalogue import check_answer_keys

from .conftest import AUTHOR_EMAIL, AUTHOR_NAME, TEMPLATE_IDS, run_cli, run_module, snapshot


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["list", "-h"], ["new", "--help"]])
def test_every_command_has_help_with_examples(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0
    assert "Usage: portfoliokit" in result.output
    assert "Example" in result.output


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"portfoliokit, version {__version__}"


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    completed = run_module("--version", cwd=tmp_path)
    assert completed.returncode == 0
    assert __version__ in completed.stdout


def run_entry_point(args: list[str], before: str, after: str, cwd: Path) -> str:
    """Run `portfoliokit ARGS` through `main()` in a fresh interpreter; return stdout.

    `before` runs ahead of `main()`, `after` once it has exited (SystemExit caught).
    """
    code = (
        "import sys\n"
        "from portfoliokit.cli import main\n"
        f"{before}\n"
        f"sys.argv = ['portfoliokit', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    print('EXIT', exit.code)\n"
        f"{after}\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True
    )
    return completed.stdout


def test_help_does_not_import_copier_or_gitpython(tmp_path: Path) -> None:
    after = "print('HEAVY', sorted(m for m in ('copier', 'git', 'yaml') if m in sys.modules))"
    assert "HEAVY []" in run_entry_point(["--help"], "", after, tmp_path)


def test_entry_point_keeps_the_cycle_collector_out_of_shutdown(tmp_path: Path) -> None:
    before = (
        "import atexit, gc\natexit.register(lambda: print('FROZEN', gc.get_freeze_count() > 0))"
    )
    output = run_entry_point(["no-such-command"], before, "", tmp_path)
    assert "EXIT 2" in output  # the error exit still comes through
    assert "FROZEN True" in output


def test_list_shows_each_template_with_summary_and_product() -> None:
    result = run_cli("list")
    assert result.exit_code == 0
    for template_id in TEMPLATE_IDS:
        assert re.search(rf"^{template_id}$", result.output, re.MULTILINE)
    assert result.output.count("Produces:") == len(TEMPLATE_IDS)


def test_new_with_defaults_creates_a_committed_project(workdir: Path) -> None:
    result = run_cli("new", "recommender", "-y")
    assert result.exit_code == 0, result.output
    project = workdir / "lecture-recommender"
    sha = git.Repo(project).head.commit.hexsha
    assert "Created lecture-recommender from recommender" in result.output
    assert f"commit {sha[:12]}" in result.output
    assert "cd lecture-recommender" in result.output and "make install" in result.output
    answers = (project / ".copier-answers.yml").read_text()
    assert f"author_name: {AUTHOR_NAME}" in answers and f"author_email: {AUTHOR_EMAIL}" in answers


def test_new_takes_data_pairs_and_data_file(workdir: Path) -> None:
    data_file = workdir.parent / "answers.yml"
    data_file.write_text("license: none\ndescription: From a file.\n")
    result = run_cli(
        "new", "nlp-pipeline", "spam", "--data", "project_name=Spam Guard",
        "--data-file", str(data_file), "--no-git", "-y",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    project = workdir / "spam"
    assert not (project / "LICENSE").exists()
    assert not (project / ".git").exists()
    assert "description: From a file." in (project / ".copier-answers.yml").read_text()
    assert (project / "src" / "spam_guard" / "normalise.py").is_file()


def test_dry_run_lists_files_and_writes_nothing(workdir: Path) -> None:
    result = run_cli("new", "recommender", "--dry-run", "-y")
    assert result.exit_code == 0, result.output
    assert "Would create lecture-recommender" in result.output
    assert "  pyproject.toml" in result.output and "  LICENSE" in result.output
    assert "nothing was written" in result.output
    assert list(workdir.iterdir()) == []


def _assert_one_line_error(result_output: str, stderr: str, expected: str) -> None:
    assert "Traceback" not in result_output + stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["new", "classifier", "-y"], "unknown template 'classifier'; choose one of:"),
        (["new", "recommender", "-y", "--data", "licence=MIT"], "valid keys: project_name"),
        (["new", "recommender", "-y", "--data", "license"], "is not KEY=VALUE"),
        (["new", "recommender", "-y", "--data", "project_name=.."], "use 1 to 64 letters"),
        (["new", "recommender", "-y", "--data", "project_name=a/b"], "use 1 to 64 letters"),
        (["new", "recommender", "-y", "--data", "project_name="], "project_name is empty"),
        (["new", "recommender", "-y", "--data", "project_name=json"], "Python already uses"),
        (["new", "recommender", "-y", "--data", "license=GPL"], "license"),
        (["new", "recommender", "-y", "--data", "author_email=nope"], "name@example.org"),
        (["new", "recommender"], "no terminal to ask questions on; pass --defaults"),
        (["new", "recommender", "-y", "--data-file", "missing.yml"], "cannot read --data-file"),
    ],
)
def test_user_mistakes_are_one_line_and_write_nothing(
    workdir: Path, args: list[str], expected: str
) -> None:
    result = run_cli(*args)
    assert result.exit_code != 0
    _assert_one_line_error(result.output, result.stderr, expected)
    assert list(workdir.iterdir()) == []


def test_non_empty_destination_is_refused_untouched(workdir: Path) -> None:
    dest = workdir / "existing"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    before = snapshot(dest)
    result = run_cli("new", "recommender", "existing", "-y")
    assert result.exit_code != 0
    _assert_one_line_error(result.output, result.stderr, "is not empty; choose a new path")
    assert snapshot(dest) == before
    assert sorted(p.name for p in workdir.iterdir()) == ["existing"]


def test_destination_that_is_a_file_is_refused(workdir: Path) -> None:
    (workdir / "taken").write_text("x")
    result = run_cli("new", "recommender", "taken", "-y")
    assert result.exit_code != 0
    _assert_one_line_error(result.output, result.stderr, "is a file")


def test_empty_destination_is_used(workdir: Path) -> None:
    (workdir / "empty").mkdir()
    result = run_cli("new", "recommender", "empty", "-y")
    assert result.exit_code == 0, result.output
    assert (workdir / "empty" / "pyproject.toml").is_file()


def test_missing_identity_stops_before_writing(workdir: Path, no_identity: Path) -> None:
    result = run_cli("new", "recommender", "-y")
    assert result.exit_code != 0
    _assert_one_line_error(result.output, result.stderr, "git config --global user.name")
    assert list(workdir.iterdir()) == []


def test_no_git_without_identity_needs_an_author(workdir: Path, no_identity: Path) -> None:
    refused = run_cli("new", "recommender", "-y", "--no-git")
    assert refused.exit_code != 0
    _assert_one_line_error(refused.output, refused.stderr, "author_name")
    accepted = run_cli(
        "new", "recommender", "-y", "--no-git",
        "--data", "author_name=Ada", "--data", "author_email=ada@example.org",
    )  # fmt: skip
    assert accepted.exit_code == 0, accepted.output


def test_destination_inside_another_work_tree_is_refused_unless_no_git(workdir: Path) -> None:
    outer = workdir / "outer"
    git.Repo.init(outer)
    refused = run_cli("new", "recommender", "outer/inner", "-y")
    assert refused.exit_code != 0
    _assert_one_line_error(refused.output, refused.stderr, "is inside the git work tree")
    assert not (outer / "inner").exists()
    accepted = run_cli("new", "recommender", "outer/inner", "-y", "--no-git")
    assert accepted.exit_code == 0, accepted.output
    assert not (outer / "inner" / ".git").exists()


def test_without_terminal_a_child_process_fails_fast_instead_of_hanging(workdir: Path) -> None:
    completed = run_module("new", "recommender", cwd=workdir, timeout=60)
    assert completed.returncode != 0
    _assert_one_line_error(completed.stdout, completed.stderr, "no terminal to ask questions on")


def quick_start_commands() -> list[list[str]]:
    """Each `portfoliokit ...` command of the README's quick start, as a shell splits it."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            for command in line.split("&&"):
                words = shlex.split(command, comments=True)
                if words[:1] == ["portfoliokit"]:
                    commands.append(words[1:])
    return commands


def test_the_quick_start_shows_the_lifecycle_with_options_that_exist() -> None:
    commands = quick_start_commands()
    assert [c[0] for c in commands] == ["list", "new", "check", "publish", "update"]
    assert "--dataset" in commands[1]
    for command in commands:
        # --help is handled after the whole line is parsed: an unknown option fails first.
        result = run_cli(*command, "--help")
        assert result.exit_code == 0, (command, result.output)
    new = commands[1]
    pairs = [new[i + 1] for i, word in enumerate(new) if word == "--data"]
    check_answer_keys(new[1], parse_pairs(pairs))  # each answer is one the template asks
