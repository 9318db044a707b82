"""Stage 1 of template testing: render every template and inspect the files.

The expected file lists live in tests/expected_files/<template>.txt; after a deliberate
change to a template, regenerate them with `python tests/expected_files/update.py`.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from portfoliokit.project import NewProjectRequest, ProjectResult, new_project

from .conftest import AUTHOR_NAME, MACHINE_USER, TEMPLATE_IDS, tree

EXPECTED = Path(__file__).parent / "expected_files"
# Jinja left in a rendered file; GitHub Actions' `${{ }}` is not Jinja.
UNRENDERED = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#")
CACHE_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".venv", ".DS_Store"}
BINARY_SUFFIXES = {".png", ".skops", ".parquet"}


def render(template_id: str, dest: Path, **answers: str) -> ProjectResult:
    request = NewProjectRequest(
        template_id=template_id, destination=dest, answers=answers, defaults=True, git=False
    )
    return new_project(request)


@pytest.fixture(scope="module", params=TEMPLATE_IDS)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Module-scoped for speed: the autouse git fixture is function-scoped, so give
    # the author explicitly.
    dest = tmp_path_factory.mktemp("render") / request.param
    render(request.param, dest, author_name=AUTHOR_NAME, author_email="ada@example.org")
    return dest


def text_files(root: Path) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix not in BINARY_SUFFIXES and ".git" not in p.parts
    ]


def test_exact_file_set(rendered: Path) -> None:
    expected = set((EXPECTED / f"{rendered.name}.txt").read_text().split())
    assert tree(rendered) == expected


def test_no_unrendered_jinja(rendered: Path) -> None:
    # `.j2` files are the generated project's own report templates, rendered by its pipeline.
    leftovers = [
        f"{p.relative_to(rendered)}: {m.group()}"
        for p in text_files(rendered)
        if p.suffix != ".j2"
        for m in [UNRENDERED.search(p.read_text(encoding="utf-8"))]
        if m
    ]
    assert leftovers == []
    assert not [p for p in rendered.rglob("*") if UNRENDERED.search(p.name)]


def test_every_place_to_write_is_visible_on_github(rendered: Path) -> None:
    """Places are quoted `> **YOUR STORY:**` lines, which GitHub shows; the older HTML
    comment form, which it hides, is only read for projects generated before."""
    hidden = [
        f"{p.relative_to(rendered)}:{n}"
        for p in text_files(rendered)
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "<!-- YOUR-STORY" in line
    ]
    assert hidden == []


def test_no_cache_files(rendered: Path) -> None:
    assert not [p for p in rendered.rglob("*") if CACHE_PARTS & set(p.parts) or p.suffix == ".pyc"]


def test_pyproject_parses_and_names_the_project(rendered: Path) -> None:
    pyproject = tomllib.loads((rendered / "pyproject.toml").read_text())
    answers = yaml.safe_load((rendered / ".copier-answers.yml").read_text())
    slug = re.sub(r"[^a-z0-9]+", "-", answers["project_name"].lower()).strip("-")
    assert pyproject["project"]["name"] == slug
    assert pyproject["project"]["authors"][0]["name"] == AUTHOR_NAME
    assert (rendered / "src" / slug.replace("-", "_") / "__init__.py").is_file()


def test_answers_record_template_and_version_without_machine_paths(rendered: Path) -> None:
    answers = yaml.safe_load((rendered / ".copier-answers.yml").read_text())
    assert answers["template_id"] == rendered.name
    assert re.fullmatch(r"v\d+\.\d+\.\d+.*", answers["_commit"])
    assert answers["_src_path"].startswith("~/")


def test_no_machine_path_user_name_or_home(rendered: Path) -> None:
    forbidden = [str(Path.home()), str(rendered.parent), "/tmp/", MACHINE_USER, "site-packages"]
    leaks = [
        f"{p.relative_to(rendered)}: {needle}"
        for p in text_files(rendered)
        for needle in forbidden
        if needle in p.read_text(encoding="utf-8")
    ]
    assert leaks == []


@pytest.mark.parametrize(
    ("license_id", "first_line"),
    [("MIT", "MIT License"), ("Apache-2.0", "Apache License"), ("BSD-3-Clause", "BSD 3-Clause")],
)
def test_each_licence_renders_its_text(tmp_path: Path, license_id: str, first_line: str) -> None:
    render("recommender", tmp_path / "p", license=license_id)
    assert (tmp_path / "p" / "LICENSE").read_text().strip().startswith(first_line)
    pyproject = tomllib.loads((tmp_path / "p" / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == license_id


def test_no_licence_means_no_licence_file(tmp_path: Path) -> None:
    render("recommender", tmp_path / "p", license="none")
    assert not (tmp_path / "p" / "LICENSE").exists()
    assert (
        "license" not in tomllib.loads((tmp_path / "p" / "pyproject.toml").read_text())["project"]
    )


def test_toml_and_yaml_special_characters_are_escaped(tmp_path: Path) -> None:
    tricky = 'Quotes " and \\ backslash: and # hash'
    render("recommender", tmp_path / "p", description=tricky, author_name='O"Brien')
    pyproject = tomllib.loads((tmp_path / "p" / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == tricky
    assert pyproject["project"]["authors"][0]["name"] == 'O"Brien'
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert answers["description"] == tricky


def tasks(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "tasks.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def listed_verbs(project: Path) -> list[str]:
    listed = tasks(project, "help")
    assert listed.returncode == 0, listed.stderr
    return [row.split()[0] for row in listed.stdout.splitlines()]


def test_tasks_py_offers_the_family_verbs(rendered: Path) -> None:
    assert {"install", "lint", "format", "test", "check", "all"} <= set(listed_verbs(rendered))


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_runs_every_verb_through_tasks_py(rendered: Path) -> None:
    verbs = listed_verbs(rendered)
    dry_run = subprocess.run(
        ["make", "-n", *verbs], cwd=rendered, capture_output=True, text=True, check=True
    )
    assert dry_run.stdout.splitlines() == [f"python3 tasks.py {verb}" for verb in verbs]
    through_make = subprocess.run(
        ["make"], cwd=rendered, capture_output=True, text=True, check=True
    )
    assert through_make.stdout == tasks(rendered, "help").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["no-such-verb"], "no verb 'no-such-verb'"), (["test", "COLOUR=red"], "cannot use")],
)
def test_tasks_py_refuses_a_mistake_in_one_line(
    rendered: Path, args: list[str], message: str
) -> None:
    refused = tasks(rendered, *args)
    assert refused.returncode == 2
    assert message in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
