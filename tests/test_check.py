"""`portfoliokit check`: each readiness finding on a real generated project and on
hand-made fixtures, the documented JSON, and the exit status."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portfoliokit.check import LARGE_FILE_BYTES, SCHEMA, check_project
from portfoliokit.places import find_places

from .conftest import run_cli
from .projects import MakeProject, commit_all, git, make_project, pristine_projects

__all__ = ["make_project", "pristine_projects"]  # fixtures used below


def codes(project: Path, **kwargs: bool) -> list[str]:
    return [f.code for f in check_project(project, **kwargs).findings]


def test_fresh_project_has_no_error_and_lists_its_places(make_project: MakeProject) -> None:
    project = make_project()
    report = check_project(project)
    assert report.errors == 0, report.findings
    assert report.template_id == "classification-api"
    places = [(f.path, f.line) for f in report.findings if f.code == "place-unwritten"]
    assert places and report.places == len(places)
    # The project's own marker code (what its docs are written with) agrees, file by file.
    source = next(
        path
        for path in sorted((project / "src").rglob("markers.py"))
        if "def story_prompts" in path.read_text()
    )
    spec = importlib.util.spec_from_file_location("generated_markers", source)
    assert spec is not None and spec.loader is not None
    markers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(markers)
    expected = sorted(
        (path.relative_to(project).as_posix(), line)
        for path in project.rglob("*.md")
        for line, _ in markers.story_prompts(path.read_text("utf-8"))
    )
    assert sorted(places) == expected  # type: ignore[arg-type]


def test_written_place_is_no_longer_listed(make_project: MakeProject) -> None:
    project = make_project()
    readme = project / "README.md"
    first = find_places(readme.read_text())[0]
    lines = readme.read_text().splitlines()
    lines[first.line - 1] = "I built this to learn how costs change a decision."
    readme.write_text("\n".join(lines) + "\n")
    commit_all(project)
    report = check_project(project)
    assert ("README.md", first.line) not in [(f.path, f.line) for f in report.findings]
    assert "uncommitted-changes" not in codes(project)


def test_run_inside_a_subfolder_checks_the_whole_project(make_project: MakeProject) -> None:
    project = make_project()
    report = check_project(project / "src")
    assert report.project == project and report.errors == 0 and report.places > 0


def test_tracked_env_file_is_an_error_with_exit_1(make_project: MakeProject) -> None:
    project = make_project()
    (project / ".env").write_text("API_TOKEN=not-really\n")
    git(project, "add", "--force", ".env")
    git(project, "commit", "-q", "-m", "Add env")
    result = run_cli("check", str(project))
    assert result.exit_code == 1
    assert "error" in result.output and ".env" in result.output
    assert "secret" in codes(project)


def test_key_in_a_tracked_file_is_found_with_its_line(make_project: MakeProject) -> None:
    project = make_project()
    with (project / "config.toml").open("a") as handle:
        handle.write('\n[service]\ntoken = "' + "ghp_" + "Zx9" * 13 + '"\n')
    finding = next(f for f in check_project(project).findings if f.code == "secret")
    assert finding.path == "config.toml" and finding.level == "error"
    assert finding.line == len((project / "config.toml").read_text().splitlines())
    assert "Zx9Zx9Zx9" not in finding.message  # never repeated in full


def test_file_over_50_mb_is_an_error(make_project: MakeProject) -> None:
    project = make_project()
    with (project / "data" / "big.bin").open("wb") as handle:
        handle.truncate(LARGE_FILE_BYTES + 1)
    commit_all(project, "Add big file")
    findings = [f for f in check_project(project).findings if f.code == "large-file"]
    assert [(f.path, f.level) for f in findings] == [("data/big.bin", "error")]


def test_file_of_exactly_50_mb_is_accepted(make_project: MakeProject) -> None:
    project = make_project()
    with (project / "data" / "big.bin").open("wb") as handle:
        handle.truncate(LARGE_FILE_BYTES)
    commit_all(project, "Add big file")
    assert "large-file" not in codes(project)


def test_missing_results_are_an_error(make_project: MakeProject) -> None:
    project = make_project()
    git(project, "rm", "-q", "reports/metrics.json")
    commit_all(project, "Drop results")
    assert "results-missing" in codes(project)


def test_results_from_other_data_are_an_error(make_project: MakeProject) -> None:
    project = make_project()
    data = project / "data" / "german_credit.csv"
    lines = data.read_text().splitlines()
    data.write_text("\n".join(lines[:-1]) + "\n")  # one applicant fewer
    commit_all(project, "Fewer rows")
    found = codes(project)
    assert "results-other-data" in found
    assert "results-stale" in found  # committed after the results, too


def test_config_committed_after_the_results_makes_them_stale(make_project: MakeProject) -> None:
    project = make_project()
    config = project / "config.toml"
    config.write_text(config.read_text().replace("seed = 42", "seed = 7"))
    commit_all(project, "Other seed")
    assert "results-stale" in codes(project)
    # Re-running the pipeline and committing its results clears it.
    metrics = project / "reports" / "metrics.json"
    metrics.write_text(metrics.read_text().replace('"seed": 42', '"seed": 7'))
    commit_all(project, "Results")
    assert "results-stale" not in codes(project)


def test_code_edited_after_the_results_on_disk_makes_them_stale(make_project: MakeProject) -> None:
    project = make_project()
    assert "results-stale" not in codes(project)
    source = project / "src" / "credit_risk_api" / "train.py"
    metrics_time = (project / "reports" / "metrics.json").stat().st_mtime
    source.write_text(source.read_text() + "\n# tuned\n")
    os.utime(source, (metrics_time + 10, metrics_time + 10))
    assert "results-stale" in codes(project)
    # A docs-only change in data/ is not an input of the results.
    git(project, "checkout", "--", str(source))
    with (project / "data" / "README.md").open("a") as handle:
        handle.write("\nMore notes.\n")
    assert "results-stale" not in codes(project)


def test_missing_readme_section_is_named(make_project: MakeProject) -> None:
    project = make_project()
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Limitations", "Limitations:"))
    messages = [f.message for f in check_project(project).findings if f.code.startswith("readme")]
    assert messages == ["the README has no section 'Limitations', which the template writes"]


def test_answers_naming_an_unknown_template_are_a_warning(make_project: MakeProject) -> None:
    project = make_project()
    answers = project / ".copier-answers.yml"
    edit_text = answers.read_text().replace("classification-api", "time-series-api")
    answers.write_text(edit_text)
    report = check_project(project)
    finding = next(f for f in report.findings if f.code == "template-unavailable")
    assert finding.level == "warning" and "time-series-api" in finding.message


def test_missing_licence_is_an_error_unless_none_was_chosen(make_project: MakeProject) -> None:
    project = make_project()
    git(project, "rm", "-q", "LICENSE")
    commit_all(project, "No licence")
    assert "license-missing" in codes(project)
    unlicensed = make_project("recommender", name="none", license="none")
    report = check_project(unlicensed)
    assert [f.level for f in report.findings if f.code.startswith("license")] == ["warning"]


def test_data_without_a_stated_licence_is_an_error(make_project: MakeProject) -> None:
    project = make_project()
    for name in ("data/README.md", "docs/data_card.md"):
        path = project / name
        kept = [line for line in path.read_text().splitlines() if "icen" not in line]
        path.write_text("\n".join(kept) + "\n")
    assert "data-license-missing" in codes(project)


def test_data_licence_still_marked_is_an_error_at_its_line(make_project: MakeProject) -> None:
    project = make_project()
    card = project / "docs" / "data_card.md"
    lines = card.read_text().splitlines()
    start = lines.index("## Distribution and licence")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    marker = "> **YOUR STORY:** who may use the data, and how to credit it."
    lines[start + 1 : end] = ["", marker, ""]
    card.write_text("\n".join(lines) + "\n")
    (project / "data" / "README.md").write_text("# Data\n\nmy.csv: my own data.\n")
    finding = next(f for f in check_project(project).findings if f.code.startswith("data-lic"))
    assert (finding.code, finding.path, finding.line) == (
        "data-license-unwritten",
        "docs/data_card.md",
        start + 3,
    )


def test_missing_ci_workflow_and_remote_are_warnings(make_project: MakeProject) -> None:
    project = make_project()
    git(project, "rm", "-q", ".github/workflows/ci.yml")
    commit_all(project, "No CI")
    report = check_project(project)
    levels = {f.code: f.level for f in report.findings}
    assert levels["ci-missing"] == "warning" and levels["remote-missing"] == "warning"
    git(project, "remote", "add", "origin", "https://example.org/me/project.git")
    assert "remote-missing" not in codes(project)


def test_project_without_git_is_an_error(workdir: Path) -> None:
    assert run_cli("new", "recommender", "plain", "-y", "--no-git").exit_code == 0
    report = check_project(workdir / "plain")
    assert report.findings[0].code == "not-a-repository"
    assert run_cli("check", "plain").exit_code == 1


def test_json_output_follows_the_documented_schema(make_project: MakeProject) -> None:
    project = make_project()
    (project / ".env").write_text("A=1\n")
    git(project, "add", "--force", ".env")
    result = run_cli("check", str(project), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {
        "schema",
        "project",
        "template",
        "template_version",
        "tests_run",
        "summary",
        "findings",
    }
    assert report["schema"] == SCHEMA == "portfoliokit-check/1"
    assert report["template"] == "classification-api" and report["tests_run"] is False
    assert set(report["summary"]) == {"ok", "errors", "warnings", "places"}
    assert report["summary"]["ok"] is False
    for finding in report["findings"]:
        assert set(finding) == {"level", "code", "path", "line", "message", "fix"}
        assert finding["level"] in {"error", "warning"}
    counted = sum(f["level"] == "error" for f in report["findings"])
    assert report["summary"]["errors"] == counted >= 1


def write_fake_project(root: Path, test_exit: int) -> Path:
    """A minimal project whose `tasks.py test` exits with `test_exit`."""
    root.mkdir()
    (root / ".venv").mkdir()
    (root / "README.md").write_text("# Fake\n")
    (root / "tasks.py").write_text(
        "import sys\n"
        "assert sys.argv[1:] == ['test']\n"
        f"print('===== 1 failed, 3 passed =====' if {test_exit} else 'all good')\n"
        f"sys.exit({test_exit})\n"
    )
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Fake")
    return root


def test_run_tests_reports_failing_and_passing_tests(tmp_path: Path) -> None:
    failing = write_fake_project(tmp_path / "failing", 1)
    finding = next(
        f for f in check_project(failing, run_tests=True).findings if f.code.startswith("tests")
    )
    assert (finding.code, finding.message) == (
        "tests-failed",
        "the tests failed: 1 failed, 3 passed",
    )
    passing = write_fake_project(tmp_path / "passing", 0)
    report = check_project(passing, run_tests=True)
    assert report.tests_run and not [f for f in report.findings if f.code.startswith("tests")]
    assert "tests-failed" not in codes(failing)  # only with --run-tests


def test_run_tests_without_an_environment_says_to_install(make_project: MakeProject) -> None:
    project = make_project()
    finding = next(f for f in check_project(project, run_tests=True).findings if "tests" in f.code)
    assert finding.code == "tests-not-run" and "install" in finding.fix


def test_not_a_folder_is_one_line(tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and len(result.stderr.splitlines()) == 1


def test_check_runs_as_a_command(make_project: MakeProject) -> None:
    project = make_project()
    completed = subprocess.run(
        [sys.executable, "-m", "portfoliokit", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "0 error(s)" in completed.stdout and "place(s) still to write" in completed.stdout
    assert shutil.which("git")


def test_readme_documents_every_finding_code() -> None:
    import ast

    import portfoliokit.check as module

    tree = ast.parse(Path(module.__file__).read_text())
    emitted = {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Finding"
        and isinstance(node.args[1], ast.Constant)
    }
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert len(emitted) >= 20
    assert [code for code in sorted(emitted) if f"`{code}`" not in readme] == []


@pytest.mark.slow
def test_run_tests_runs_a_generated_projects_own_suite(make_project: MakeProject) -> None:
    project = make_project("nlp-pipeline")
    install = subprocess.run(
        [sys.executable, "tasks.py", "install"], cwd=project, capture_output=True, check=False
    )
    assert install.returncode == 0, install.stderr[-2000:]
    passing = run_cli("check", str(project), "--run-tests")
    assert passing.exit_code == 0, passing.output
    assert "tests-failed" not in passing.output and "Tests not run" not in passing.output
    # the whole suite has just passed: one failing test alone shows the failure as well
    for passed in (project / "tests").glob("test_*.py"):
        passed.unlink()
    (project / "tests" / "test_planted.py").write_text("def test_planted():\n    assert 1 == 2\n")
    failing = run_cli("check", str(project), "--run-tests", "--json")
    assert failing.exit_code == 1
    found = [f for f in json.loads(failing.stdout)["findings"] if f["code"] == "tests-failed"]
    assert len(found) == 1 and "1 failed" in found[0]["message"]
