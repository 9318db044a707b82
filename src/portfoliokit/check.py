"""`check`: is a generated project ready for an employer to read?

Each check is a function of the project returning findings (level, code, place, what
to do); `check_project` runs them in a fixed order, so the report and its JSON form are
stable. Nothing here writes to the project.
"""

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from . import gitcmd, secrets_scan
from .errors import PortfolioKitError, ProjectError
from .places import find_places
from .pristine import ANSWERS_FILE, parse_answers, rendered

__all__ = [
    "LARGE_FILE_BYTES",
    "SCHEMA",
    "CheckReport",
    "Finding",
    "Project",
    "check_project",
]

# The JSON output's schema name and version; bumped on any incompatible change.
SCHEMA = "portfoliokit-check/1"
# GitHub warns about files over 50 MB and refuses files over 100 MB.
LARGE_FILE_BYTES = 50 * 1024 * 1024
RESULTS_FILE = "reports/metrics.json"
# A README that shows results has a block filled from RESULTS_FILE.
RESULTS_BLOCK = "<!-- results:start -->"
# What the results are computed from: a change here after the results makes them stale.
RESULT_INPUTS = ("src", "config.toml", "data")
TESTS_TIMEOUT_SECONDS = 1800

Level = Literal["error", "warning"]
_NOISE_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
_LICENCE = re.compile(r"(?i)\blicen[cs]e")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Finding:
    """One thing to fix: `path` and `line` are None when it concerns the whole project."""

    level: Level
    code: str
    message: str
    fix: str
    path: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.path is None:
            return "(project)"
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class CheckReport:
    """Every finding about one project, in a stable order."""

    project: Path
    template_id: str | None
    template_version: str | None
    tests_run: bool
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.level == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level == "warning" for f in self.findings)

    @property
    def places(self) -> int:
        return sum(f.code == "place-unwritten" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """The documented `--json` form (schema `SCHEMA`)."""
        return {
            "schema": SCHEMA,
            "project": str(self.project),
            "template": self.template_id,
            "template_version": self.template_version,
            "tests_run": self.tests_run,
            "summary": {
                "ok": self.errors == 0,
                "errors": self.errors,
                "warnings": self.warnings,
                "places": self.places,
            },
            "findings": [
                {
                    "level": f.level,
                    "code": f.code,
                    "path": f.path,
                    "line": f.line,
                    "message": f.message,
                    "fix": f.fix,
                }
                for f in self.findings
            ],
        }


@dataclass
class Project:
    """What the checks read: the folder, its files (tracked ones in a repository)."""

    root: Path
    is_repository: bool
    files: list[str]
    answers: dict[str, Any] | None
    answers_problem: str | None
    _texts: dict[str, str | None] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """A file's text, or None when it is missing or not text."""
        if name not in self._texts:
            try:
                data = (self.root / name).read_bytes()
            except OSError:
                self._texts[name] = None
            else:
                self._texts[name] = (
                    None if b"\0" in data[:8192] else data.decode("utf-8", "replace")
                )
        return self._texts[name]

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()


def check_project(path: Path, *, run_tests: bool = False) -> CheckReport:
    """Every readiness check of the project at `path`.

    Raises:
        ProjectError: `path` is not a folder.
    """
    root = path.expanduser().absolute()
    if not root.is_dir():
        raise ProjectError(f"{path} is not a folder; pass the path of a generated project.")
    project = _load(_project_root(root))
    findings: list[Finding] = []
    for check in _checks(run_tests):
        findings.extend(check(project))
    version = None
    if project.answers is not None:
        version = _recorded_version(project)
    return CheckReport(
        project=project.root,
        template_id=str(project.answers["template_id"]) if project.answers else None,
        template_version=version,
        tests_run=run_tests,
        findings=tuple(findings),
    )


def _checks(run_tests: bool) -> list[Callable[[Project], Iterator[Finding]]]:
    checks: list[Callable[[Project], Iterator[Finding]]] = [
        _repository,
        _answers,
        _secrets,
        _large_files,
        _places,
        _results,
        _readme_sections,
        _project_licence,
        _data_licence,
        _ci,
        _remote,
    ]
    if run_tests:
        checks.append(_tests)
    return checks


def _project_root(path: Path) -> Path:
    """`path`, or the top of its repository when `path` is a folder inside a project."""
    gitcmd.require_git()
    if (path / ANSWERS_FILE).is_file() or not gitcmd.is_repository(path):
        return path
    top = gitcmd.top_level(path)
    return top if (top / ANSWERS_FILE).is_file() else path


def _load(root: Path) -> Project:
    gitcmd.require_git()
    is_repo = gitcmd.is_repository(root)
    if is_repo:
        listed = gitcmd.git("ls-files", "-z", "--cached", cwd=root).split("\0")
        files = sorted(name for name in listed if name and (root / name).is_file())
    else:
        files = sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not _NOISE_DIRS.intersection(p.relative_to(root).parts)
        )
    answers = problem = None
    text = (root / ANSWERS_FILE).read_text("utf-8") if (root / ANSWERS_FILE).is_file() else None
    if text is None:
        problem = f"no {ANSWERS_FILE}"
    else:
        try:
            answers = parse_answers(text)
        except ProjectError as error:
            problem = str(error)
    return Project(root, is_repo, files, answers, problem)


def _recorded_version(project: Project) -> str | None:
    import yaml

    loaded = yaml.safe_load(project.text(ANSWERS_FILE) or "")
    commit = loaded.get("_commit") if isinstance(loaded, dict) else None
    return str(commit).removeprefix("v") if commit else None


def _repository(project: Project) -> Iterator[Finding]:
    if not project.is_repository:
        yield Finding(
            "error",
            "not-a-repository",
            "the project is not a git repository, so nothing can be published",
            "run `git init -b main`, `git add --all` and `git commit` in it",
        )
        return
    status = gitcmd.git("status", "--porcelain", cwd=project.root)
    if status.strip():
        count = len(status.strip().splitlines())
        yield Finding(
            "warning",
            "uncommitted-changes",
            f"{count} changed or untracked file(s) are not committed",
            "commit them (`git add --all && git commit`) or remove them",
        )


def _answers(project: Project) -> Iterator[Finding]:
    if project.answers is None:
        yield Finding(
            "warning",
            "answers-missing",
            f"{project.answers_problem}: the checks against the template were skipped",
            f"restore {ANSWERS_FILE} from git history if the project came from portfoliokit",
            path=ANSWERS_FILE,
        )


def _secrets(project: Project) -> Iterator[Finding]:
    for name in project.files:
        try:
            with (project.root / name).open("rb") as handle:
                content = handle.read(secrets_scan.SCAN_LIMIT)
        except OSError:
            continue
        for hit in secrets_scan.scan_file(name, content):
            yield Finding(
                "error",
                "secret",
                f"likely secret ({hit.kind}): {hit.excerpt}",
                "remove it from the file and from git (`git rm --cached` for a whole file, "
                "then add it to .gitignore), and revoke it if it was ever pushed",
                path=name,
                line=hit.line,
            )


def _large_files(project: Project) -> Iterator[Finding]:
    for name in project.files:
        size = (project.root / name).stat().st_size
        if size > LARGE_FILE_BYTES:
            yield Finding(
                "error",
                "large-file",
                f"{size / 1024 / 1024:.0f} MB tracked; GitHub refuses files over 100 MB "
                "and warns over 50 MB",
                "keep it out of git (add it to .gitignore and say in data/README.md how to "
                "get it), or store it with Git LFS",
                path=name,
            )


def _places(project: Project) -> Iterator[Finding]:
    for name in project.files:
        if PurePosixPath(name).suffix.lower() != ".md":
            continue
        for place in find_places(project.text(name) or ""):
            yield Finding(
                "warning",
                "place-unwritten",
                place.prompt or "a place for your own text",
                "replace the marker line with your own words",
                path=name,
                line=place.line,
            )


def _results(project: Project) -> Iterator[Finding]:
    readme = project.text("README.md") or ""
    if RESULTS_BLOCK not in readme:
        return
    if not project.exists(RESULTS_FILE):
        yield Finding(
            "error",
            "results-missing",
            "the README shows results, but there are none yet",
            "run `make all` (or `python3 tasks.py all`) and commit reports/ and the docs",
            path=RESULTS_FILE,
        )
        return
    if project.is_repository and RESULTS_FILE not in project.files:
        yield Finding(
            "warning",
            "results-untracked",
            "the results are not committed, so GitHub will not show them",
            "commit reports/ and the docs' results blocks",
            path=RESULTS_FILE,
        )
    yield from _results_data(project)
    if project.is_repository and RESULTS_FILE in project.files:
        yield from _results_age(project)


def _results_data(project: Project) -> Iterator[Finding]:
    """The results name the data file and its sha256: is that the data there now?"""
    try:
        recorded = json.loads(project.text(RESULTS_FILE) or "").get("data", {})
    except (json.JSONDecodeError, AttributeError):
        yield Finding(
            "error",
            "results-unreadable",
            "the results file is not valid JSON",
            "run `make all` to write it again",
            path=RESULTS_FILE,
        )
        return
    if not isinstance(recorded, dict) or not recorded.get("sha256"):
        return
    data_path = _configured_data_path(project) or f"data/{recorded.get('file', '')}"
    file = project.root / data_path
    if not file.is_file():
        return
    if _sha256(file) != recorded["sha256"]:
        yield Finding(
            "error",
            "results-other-data",
            f"the results were computed from other data than {data_path} holds now",
            "run `make all` and commit the new results",
            path=RESULTS_FILE,
        )


def _results_age(project: Project) -> Iterator[Finding]:
    """Inputs committed after the results, or edited on disk since they were written."""
    root = project.root
    log = gitcmd.git_result("log", "-1", "--format=%H", "--", RESULTS_FILE, cwd=root)
    last = log.stdout.decode().strip() if log.returncode == 0 else ""
    inputs = [name for name in RESULT_INPUTS if (root / name).exists()]
    if not last or not inputs:
        return
    pathspec = ["--", *inputs, ":(exclude)*.md"]
    later = gitcmd.git("rev-list", f"{last}..HEAD", *pathspec, cwd=root).split()
    changed = gitcmd.git("diff", "--name-only", "HEAD", *pathspec, cwd=root).split()
    results_written = (root / RESULTS_FILE).stat().st_mtime
    newer = [name for name in changed if _mtime(root / name) > results_written]
    if later or newer:
        what = f"{len(later)} later commit(s)" if later else f"edits to {', '.join(newer[:3])}"
        yield Finding(
            "warning",
            "results-stale",
            f"code, config or data changed after the results were made ({what})",
            "run `make all` and commit reports/ and the docs",
            path=RESULTS_FILE,
        )


def _configured_data_path(project: Project) -> str | None:
    try:
        config = tomllib.loads(project.text("config.toml") or "")
    except tomllib.TOMLDecodeError:
        return None
    data = config.get("data")
    path = data.get("path") if isinstance(data, dict) else None
    return path if isinstance(path, str) else None


def _readme_sections(project: Project) -> Iterator[Finding]:
    readme = project.text("README.md")
    if readme is None:
        yield Finding(
            "error",
            "readme-missing",
            "there is no README.md, the first thing a reader opens",
            "restore it from git history or write one",
            path="README.md",
        )
        return
    if project.answers is None:
        return
    from .catalogue import templates_root

    answers = json.dumps(project.answers, sort_keys=True, default=str)
    try:
        expected = _template_headings(str(templates_root()), answers)
    except PortfolioKitError as error:  # e.g. a template this portfoliokit does not have
        yield Finding(
            "warning",
            "template-unavailable",
            f"the README could not be compared with its template: {error}",
            "install the portfoliokit version that made the project (see .copier-answers.yml)",
            path=ANSWERS_FILE,
        )
        return
    present = set(_headings(readme))
    for heading in expected:
        if heading not in present:
            yield Finding(
                "warning",
                "readme-section-missing",
                f"the README has no section '{heading}', which the template writes",
                "add the section back (see a fresh project: `portfoliokit new ... --dry-run`)",
                path="README.md",
            )


@cache
def _template_headings(root: str, answers_json: str) -> tuple[str, ...]:
    """The README sections the templates at `root` write for these answers.

    Cached per process (the templates do not change while portfoliokit runs), so that
    `publish`, which runs the checks, and a series of checks render only once.
    """
    with rendered(json.loads(answers_json)) as fresh:
        return tuple(_headings((fresh / "README.md").read_text("utf-8")))


def _headings(markdown: str) -> list[str]:
    """Second-level headings, outside fenced code blocks."""
    headings, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = _HEADING.match(line)
        if not fenced and match is not None and len(match[1]) == 2:
            headings.append(match[2])
    return headings


def _project_licence(project: Project) -> Iterator[Finding]:
    has_licence = any(
        PurePosixPath(name).name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))
        for name in project.files
        if "/" not in name
    )
    if has_licence:
        return
    chosen = str((project.answers or {}).get("license", ""))
    if chosen == "none":
        yield Finding(
            "warning",
            "license-none",
            "no licence was chosen, so nobody may legally reuse the code",
            "add a LICENSE file if you want others to reuse it (e.g. MIT)",
        )
    else:
        yield Finding(
            "error",
            "license-missing",
            "the project has no LICENSE file",
            "restore LICENSE from git history, or add one",
            path="LICENSE",
        )


def _data_licence(project: Project) -> Iterator[Finding]:
    """Data shipped in data/ needs its licence stated, in data/README.md or the data card."""
    shipped = [n for n in project.files if n.startswith("data/") and not n.endswith(".md")]
    if not shipped:
        return
    stated = False
    for name in ("data/README.md", "docs/data_card.md"):
        for line_number, unwritten in _licence_statements(project.text(name) or ""):
            if unwritten:
                yield Finding(
                    "error",
                    "data-license-unwritten",
                    "the data's licence is still to be written",
                    "state the data's licence and the attribution it requires",
                    path=name,
                    line=line_number,
                )
                return
            stated = True
    if not stated:
        yield Finding(
            "error",
            "data-license-missing",
            "the data in data/ has no stated licence",
            "state its licence and attribution in data/README.md and docs/data_card.md",
            path="data/README.md",
        )


def _licence_statements(markdown: str) -> Iterator[tuple[int, bool]]:
    """(line, still unwritten) of each licence statement: a licence line or section."""
    in_licence_section = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading is not None:
            in_licence_section = bool(_LICENCE.search(heading[2]))
            continue
        unwritten = bool(find_places(line))
        if (in_licence_section and (unwritten or line.strip())) or _LICENCE.search(line):
            yield number, unwritten


def _ci(project: Project) -> Iterator[Finding]:
    workflows = [
        n
        for n in project.files
        if n.startswith(".github/workflows/") and n.endswith((".yml", ".yaml"))
    ]
    if not workflows:
        yield Finding(
            "warning",
            "ci-missing",
            "no CI workflow in .github/workflows/, so GitHub will not run the tests",
            "restore .github/workflows/ci.yml from git history",
        )


def _remote(project: Project) -> Iterator[Finding]:
    if project.is_repository and not gitcmd.git("remote", cwd=project.root).strip():
        yield Finding(
            "warning",
            "remote-missing",
            "no git remote is set",
            "publish it: `portfoliokit publish --remote URL` (or --github)",
        )


def _tests(project: Project) -> Iterator[Finding]:
    if not project.exists("tasks.py"):
        yield Finding(
            "error",
            "tests-not-run",
            "there is no tasks.py to run the tests with",
            "restore tasks.py from git history",
            path="tasks.py",
        )
        return
    if not (project.root / ".venv").is_dir():
        yield Finding(
            "error",
            "tests-not-run",
            "the project's virtual environment is missing",
            "run `make install` (or `python3 tasks.py install`) first",
        )
        return
    try:
        result = subprocess.run(
            [sys.executable, "tasks.py", "test"],
            cwd=project.root,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=TESTS_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        yield Finding(
            "error",
            "tests-failed",
            f"the tests did not finish within {TESTS_TIMEOUT_SECONDS // 60} minutes",
            "run `make test` to see which one hangs",
        )
        return
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        yield Finding(
            "error",
            "tests-failed",
            f"the tests failed: {output[-1].strip('= ') if output else 'no output'}",
            "run `make test` and fix what fails",
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")  # deleted since the results: that is a change too
