"""Interactive mode, driven through a real pseudo-terminal."""

import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from .datasets import churn

DOWN = "\x1b[B"
KILL_LINE = "\x15"  # Ctrl-U: clear the pre-filled default


def spawn(workdir: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "portfoliokit", "new", *args],
        cwd=str(workdir),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect(prompt)
    time.sleep(0.2)  # let prompt_toolkit finish drawing before keys arrive
    child.send(keys)


def test_questions_are_asked_with_help_and_defaults(workdir: Path) -> None:
    child = spawn(workdir, "recommender")
    child.expect(r"Project name, e\.g\.")
    child.expect(r"project_name \[Lecture Recommender\]: ")
    child.sendline("../bad")
    child.expect("use 1 to 64 letters")  # invalid name: asked again, nothing written
    child.sendline("Course Picks")
    answer(child, "One sentence on the problem", KILL_LINE + "Pick courses students will like.\r")
    answer(child, "Your name, as it should appear", "\r")  # default from git config
    answer(child, "Your e-mail address", "\r")
    answer(child, "Licence of your code", DOWN + DOWN + "\r")
    # The recommender's own questions, by their help text: take the defaults.
    for own in ("CSV file of interactions", "identifies the user", "identifies the item",
                "explicit rating", "orders interactions in time", "count as positive"):  # fmt: skip
        answer(child, own, "\r")
    child.expect("Created course-picks from recommender")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((workdir / "course-picks" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Course Picks"
    assert answers["description"] == "Pick courses students will like."
    assert answers["author_name"] == "Ada Tester"
    assert answers["license"] == "BSD-3-Clause"
    assert (workdir / "course-picks" / "LICENSE").read_text().startswith("BSD 3-Clause")


def test_ctrl_c_at_a_question_writes_nothing(workdir: Path) -> None:
    child = spawn(workdir, "recommender")
    child.expect("project_name")
    child.sendline("")
    answer(child, "One sentence on the problem", "\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert "Traceback" not in (child.before or "")
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize("flag", ["-y", "--defaults"])
def test_defaults_flag_asks_nothing_on_a_terminal(workdir: Path, flag: str) -> None:
    child = spawn(workdir, "recommender", flag)
    child.expect("Created lecture-recommender")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_with_a_dataset_the_column_questions_offer_its_columns(workdir: Path) -> None:
    churn(workdir.parent / "churn.csv")
    child = spawn(workdir, "classification-api", "--dataset", str(workdir.parent / "churn.csv"))
    child.expect(r"project_name \[Churn API\]: ")  # named after the file
    child.sendline("")
    columns = "customer_ref, tenure_months, plan, region, monthly_charges, churned"
    child.expect(f"Choose one of: {columns}\r\n")
    child.expect("target_column: ")  # no default: the demo's credit_risk is not in the file
    child.sendline("credit_risk")
    child.expect("Error: choose one of")  # only the file's columns are taken
    child.sendline("churned")
    child.expect(f"Choose one or more, separated by commas, from: {columns} \\(or nothing")
    child.sendline("region,plan")
    child.expect("Choose one of: no, yes\r\n")  # the target's values, read from the file
    child.expect("positive_class: ")
    child.sendline("yes")
    # Copier's own questions, by their help text: take the defaults.
    for own in ("One sentence on the problem", "Your name", "Your e-mail", "Licence of your",
                "Cost of one false positive", "Cost of one false negative"):  # fmt: skip
        answer(child, own, "\r")
    child.expect("Created churn-api from classification-api")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((workdir / "churn-api" / ".copier-answers.yml").read_text())
    assert answers["target_column"] == "churned"
    assert answers["subgroup_columns"] == "region,plan"
    assert answers["positive_class"] == "yes"
    assert answers["dataset_path"] == "data/churn.csv"
