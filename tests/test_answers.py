"""Answers from --data pairs and --data-file."""

from pathlib import Path

import pytest

from portfoliokit.answers import collect_answers, parse_pairs, read_answers_file
from portfoliokit.errors import AnswerError


def test_pairs_split_on_the_first_equals_sign() -> None:
    assert parse_pairs(["license=MIT", "description=a=b", "author_name="]) == {
        "license": "MIT",
        "description": "a=b",
        "author_name": "",
    }


@pytest.mark.parametrize("pair", ["license", "=MIT", " =x"])
def test_malformed_pairs_are_refused(pair: str) -> None:
    with pytest.raises(AnswerError, match="is not KEY=VALUE"):
        parse_pairs([pair])


def test_data_file_skips_copier_bookkeeping_and_pairs_win(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("_commit: v1\nlicense: BSD-3-Clause\nproject_name: Old\n")
    assert collect_answers(["project_name=New"], answers) == {
        "license": "BSD-3-Clause",
        "project_name": "New",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a\n- b\n", "must hold a mapping"),
        ("key: [unclosed\n", "is not valid YAML"),
        ("1: x\n", "must hold a mapping"),
    ],
)
def test_bad_data_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(content)
    with pytest.raises(AnswerError, match=message):
        read_answers_file(answers)


def test_missing_data_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AnswerError, match="cannot read --data-file"):
        read_answers_file(tmp_path / "absent.yml")


def test_empty_data_file_is_no_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("")
    assert read_answers_file(answers) == {}
