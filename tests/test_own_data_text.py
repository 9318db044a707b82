"""With the user's own data, nothing generated speaks of the demo data as if it were theirs.

The bundled demo file stays in `data/` (with its attribution, as its licence requires),
but every other text speaks of the configured file and marks what the user must write.
"""

import os
import re
from pathlib import Path

import pytest

from .conftest import run_cli

OWN = [
    "--data",
    "project_name=Churn Radar",
    "--data",
    "dataset_path=data/churn.csv",
    "--data",
    "target_column=churned",
    "--data",
    "positive_class=yes",
    "--data",
    "subgroup_columns=region",
]
# Naming the demo file (data/german_credit.csv), to say it may be deleted, is allowed.
DEMO_WORDS = re.compile(
    r"german(?!_credit\.csv)|uci\b|hofmann|applicant|(?<!german_)credit|loan|deutsche mark"
    r"|bundled data",
    re.IGNORECASE,
)
# The demo file itself and the attribution that must travel with it.
DEMO_FILES = {"data/german_credit.csv"}


@pytest.fixture(scope="module")
def own_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("own")
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = run_cli("new", "classification-api", "-y", "--no-git", *OWN)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return folder / "churn-radar", result.output


def text_of(project: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(project.rglob("*")):
        name = path.relative_to(project).as_posix()
        if path.is_file() and name not in DEMO_FILES and path.suffix not in {".png"}:
            texts[name] = path.read_text(encoding="utf-8")
    return texts


def test_no_file_speaks_of_the_demo_data_outside_its_attribution(
    own_data: tuple[Path, str],
) -> None:
    project, _ = own_data
    found = []
    for name, text in text_of(project).items():
        if name == "data/README.md":
            text = text.split("## german_credit.csv", 1)[0]  # the demo file's own section
        if name.startswith("tests/") or name.startswith("src/"):
            continue  # code and its tests never name the data; config.toml does
        found += [f"{name}: {m.group()}" for m in DEMO_WORDS.finditer(text)]
    assert found == []


def test_the_text_speaks_of_the_configured_file_and_marks_what_to_write(
    own_data: tuple[Path, str],
) -> None:
    project, _ = own_data
    readme = (project / "README.md").read_text(encoding="utf-8")
    data_readme = (project / "data" / "README.md").read_text(encoding="utf-8")
    data_card = (project / "docs" / "data_card.md").read_text(encoding="utf-8")
    for text in (readme, data_readme, data_card):
        assert "data/churn.csv" in text
        assert "**YOUR STORY:**" in text
    assert not (project / "examples").exists()
    assert not (project / "reports").exists()
    assert "Hofmann" in data_readme  # the demo file keeps its attribution while it is there


def test_new_prints_next_steps_for_the_configured_data(own_data: tuple[Path, str]) -> None:
    _, output = own_data
    assert "bundled" not in output
    assert "data/churn.csv" in output


def test_the_description_default_follows_the_data(own_data: tuple[Path, str]) -> None:
    project, _ = own_data
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "credit" not in answers.lower()


def test_with_the_demo_data_the_next_steps_name_it(workdir: Path) -> None:
    result = run_cli("new", "classification-api", "-y", "--no-git")
    assert result.exit_code == 0, result.output
    assert "bundled demo data (data/german_credit.csv)" in result.output
