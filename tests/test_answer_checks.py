"""Every answer that would break a project is refused, naming the question and its flag.

The property-based test gives every question arbitrary text (and the number questions
arbitrary floats): either `new` refuses it with one line naming that question and
`--data NAME=VALUE`, or the project's `config.toml` and `pyproject.toml` parse and hold
the answer as given.
"""

import math
import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portfoliokit.catalogue import questions_for
from portfoliokit.errors import AnswerError
from portfoliokit.project import NewProjectRequest, new_project

from .conftest import run_cli

ASKED = [q for q in questions_for("classification-api") if q.asked]
NUMBER_QUESTIONS = [q.name for q in ASKED if q.type == "float"]
BASE = {"author_name": "Ada Tester", "author_email": "ada.tester@example.org"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("cost_false_positive", "nan"),
        ("cost_false_positive", "inf"),
        ("cost_false_negative", "1e400"),
        ("cost_false_negative", "-inf"),
        ("cost_false_negative", "abc"),
        ("cost_false_positive", "0"),
        ("cost_false_positive", "-2"),
        ("cost_false_negative", "1e7"),
        ("cost_false_negative", ""),
        ("subgroup_columns", "age_band,,foreign_worker"),
        ("subgroup_columns", "age_band,age_band"),
        ("subgroup_columns", "credit_risk"),
        ("target_column", "credit\nrisk"),
        ("positive_class", 'say "bad"'),
        ("description", "two\nlines"),
        ("description", "emoji \U0001f600"),
        ("description", "x" * 301),
        ("author_name", "Ada\x7f"),
        ("author_name", "Ada\nLovelace"),
        ("author_email", "not an address"),
        ("dataset_path", "../outside.csv"),
        ("project_name", "../escape"),
        ("project_name", "json"),
    ],
)
def test_a_bad_answer_is_one_line_naming_question_and_flag(
    workdir: Path, name: str, value: str
) -> None:
    result = run_cli("new", "classification-api", "-y", "--data", f"{name}={value}")
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {name}")
    assert f"--data {name}=VALUE" in line
    assert "could not convert" not in line
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize("value", ["", "age_band", " foreign_worker , age_band "])
def test_subgroups_may_be_empty_or_a_few_columns(workdir: Path, value: str) -> None:
    result = run_cli(
        "new", "classification-api", "-y", "--no-git", "--data", f"subgroup_columns={value}"
    )
    assert result.exit_code == 0, result.output
    config = tomllib.loads((workdir / "credit-risk-api" / "config.toml").read_text())
    assert config["subgroups"]["columns"] == [c.strip() for c in value.split(",") if c.strip()]


def test_no_git_identity_with_no_git_says_how_to_give_an_author(
    workdir: Path, no_identity: Path
) -> None:
    result = run_cli("new", "recommender", "--no-git", "-y")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "--data author_name=" in line
    assert "--data author_email=" in line
    assert list(workdir.iterdir()) == []
    given = run_cli(
        "new",
        "recommender",
        "--no-git",
        "-y",
        "--data",
        "author_name=Ada",
        "--data",
        "author_email=ada@example.org",
    )
    assert given.exit_code == 0, given.output


def test_interactive_help_wraps_to_the_terminal_width(workdir: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "portfoliokit", "new", "classification-api"],
        cwd=str(workdir),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 60),
    )
    child.expect("project_name")
    child.sendline("")
    # The help of `description` is longer than 60 columns; its end must be on screen.
    child.expect(r"and\s+pyproject\.toml\)\.")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def text_or_number(name: str) -> st.SearchStrategy[Any]:
    if name in NUMBER_QUESTIONS:
        return st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
    return st.text(max_size=40)


answer = st.sampled_from([q.name for q in ASKED]).flatmap(
    lambda name: st.tuples(st.just(name), text_or_number(name))
)


@settings(
    max_examples=300,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer)
@example(("cost_false_positive", math.nan))
@example(("cost_false_negative", "1e400"))
@example(("cost_false_negative", "abc"))
@example(("description", "x\udcff"))
@example(("target_column", "y\U0001f600"))
@example(("positive_class", "\x7f"))
@example(("subgroup_columns", ""))
@example(("author_name", "Zoë O'Brien"))
def test_config_and_pyproject_always_parse(question_and_value: tuple[str, Any]) -> None:
    name, value = question_and_value
    with tempfile.TemporaryDirectory() as folder:
        destination = Path(folder) / "p"
        request = NewProjectRequest(
            template_id="classification-api",
            destination=destination,
            answers={**BASE, name: value},
            defaults=True,
            git=False,
        )
        try:
            new_project(request)
        except AnswerError as error:
            message = str(error)
            assert "\n" not in message
            assert f"--data {name}=VALUE" in message
            return
        config = tomllib.loads((destination / "config.toml").read_text("utf-8"))
        pyproject = tomllib.loads((destination / "pyproject.toml").read_text("utf-8"))
        shutil.rmtree(destination)
    if name in NUMBER_QUESTIONS:
        key = name.removeprefix("cost_")
        assert config["costs"][key] == float(value)
        assert 0 < config["costs"][key] < math.inf
    elif name == "dataset_path":
        assert config["data"]["path"] == value
    elif name in ("target_column", "positive_class"):
        assert config["data"][name] == value
    elif name == "description":
        assert pyproject["project"]["description"] == value
    elif name == "author_name":
        assert pyproject["project"]["authors"][0]["name"] == value
