"""uv.lock: every template renders a lock that uv accepts for its pyproject.toml, whatever
the project is called, and portfoliokit's own lock matches portfoliokit's pyproject.toml.
A failure says which command brings the lock up to date."""

import shutil
from pathlib import Path

import pytest
import template_locks
from template_locks import LockError, check_own_lock, check_template, to_jinja

from .conftest import TEMPLATE_IDS
from .installing import CACHES

REPO = Path(__file__).resolve().parents[1]
RELOCK = "run `python3 scripts/dev.py lock`"
# Names whose entry uv sorts before, among and after the locked packages (the
# classification-api lock runs from annotated-types to wcwidth).
PROJECT_NAMES = ["Aardvark", "Model 2", "zz top"]


@pytest.fixture(autouse=True)
def package_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """uv's real cache, so that the checks run offline once the packages are there."""
    monkeypatch.setenv("UV_CACHE_DIR", CACHES["UV_CACHE_DIR"])


@pytest.mark.parametrize("project_name", PROJECT_NAMES)
@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_rendered_lock_matches_pyproject_for_any_name(template_id: str, project_name: str) -> None:
    check_template(template_id, project_name=project_name)


def test_portfoliokit_lock_matches_its_pyproject() -> None:
    check_own_lock(REPO)


def rendered_then(change: object) -> object:
    """template_locks.render, followed by `change(project)`: a planted mistake."""
    original = template_locks.render

    def render(template_id: str, destination: Path, **answers: str) -> None:
        original(template_id, destination, **answers)
        change(destination)  # type: ignore[operator]

    return render


def add_dependency(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("dependencies = [", 'dependencies = ["six",', 1))


def move_project_entry_first(project: Path) -> None:
    lock = project / "uv.lock"
    header, *packages = template_locks.PACKAGE_START.split(lock.read_text(encoding="utf-8"))
    own = next(p for p in packages if template_locks.PROJECT_SOURCE in p)
    packages.remove(own)
    lock.write_text("\n".join([header, own, *packages]), encoding="utf-8")


@pytest.mark.parametrize(
    ("mistake", "said"),
    [(add_dependency, "does not match"), (move_project_entry_first, "not in the order")],
)
def test_a_lock_that_disagrees_is_refused_with_the_command_to_run(
    monkeypatch: pytest.MonkeyPatch, mistake: object, said: str
) -> None:
    monkeypatch.setattr(template_locks, "render", rendered_then(mistake))
    with pytest.raises(LockError, match=said) as refused:
        check_template("nlp-pipeline")
    assert RELOCK in str(refused.value)


def test_portfoliokit_lock_check_fails_when_a_dependency_is_added(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "uv.lock", "README.md", "src/portfoliokit/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(text.replace('"click>=8.1",', '"click>=8.1", "six",'))
    with pytest.raises(LockError, match="does not match") as refused:
        check_own_lock(tmp_path)
    assert RELOCK in str(refused.value)


LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "SOURCE" }
"""


def test_to_jinja_refuses_packages_from_another_index() -> None:
    assert "six" in to_jinja(LOCK.replace("SOURCE", "https://pypi.org/simple"), "demo")
    with pytest.raises(LockError, match="elsewhere than PyPI"):
        to_jinja(LOCK.replace("SOURCE", "https://mirror.example.org/simple"), "demo")
