"""`new --dataset FILE`: from the user's file and answers to checked answers and facts.

Before anything is written: the file is read, the column answers are taken from
`--data`, asked on a terminal (offering the file's columns, and the class column's
values for the positive class) or defaulted, and the file is checked against the
template's rules (`templates/datasets.toml`). The result says where in the project the
file goes and the facts the data card records; `project` copies the checked bytes there.
"""

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import catalogue
from .dataset_file import DataFile, open_data_file, profile
from .dataset_rules import ColumnRule, check_data, columns_named, rules_for
from .errors import AnswerError, DatasetError

__all__ = [
    "FACT_ANSWERS",
    "ChoicePrompt",
    "ColumnQuestion",
    "OwnData",
    "default_project_name",
    "prepare_own_data",
]

# Answers that record the copied file (questions/dataset.yml); only `new` sets them.
FACT_ANSWERS = ("dataset_source", "dataset_bytes", "dataset_rows", "dataset_sha256")


@dataclass(frozen=True)
class ColumnQuestion:
    """A question whose answer is a column of the file (or a value of one), for a prompt."""

    name: str
    help: str
    choices: tuple[str, ...]
    default: str | None  # None: no default, an answer is needed
    optional: bool = False  # an empty answer means none
    many: bool = False  # a comma-separated list of choices


# Asks one such question on a terminal and returns the answer.
ChoicePrompt = Callable[[ColumnQuestion], str]


@dataclass(frozen=True)
class OwnData:
    """A checked file: where it goes in the project, and the answers that describe it."""

    data: DataFile
    project_path: str
    answers: dict[str, Any]


def prepare_own_data(
    template_id: str,
    source: Path,
    answers: MutableMapping[str, Any],
    ask: ChoicePrompt | None,
) -> OwnData:
    """Check `source` against the answers (asking the missing ones with `ask`).

    `answers` gains the answers asked. Raises `DatasetError` with every problem found,
    or `AnswerError` for a dataset_path that cannot take the file.
    """
    rules = rules_for(template_id)
    if source.suffix.lower() not in rules.formats:
        raise DatasetError(
            [
                f"--dataset takes a {' or '.join(rules.formats)} file for {template_id}, not "
                f"{source.name}; to use another format, copy the file into the project "
                "yourself and set dataset_path."
            ]
        )
    project_path = _project_path(template_id, source, answers)
    opened = open_data_file(source)
    for rule in rules.columns:
        if rule.answer not in answers and ask is not None:
            answers[rule.answer] = ask(_column_question(template_id, rule, opened.header))
    checked = _with_defaults(template_id, answers)
    class_rule = rules.class_rule
    class_column = str(checked[class_rule.answer]).strip() if class_rule else None
    named = [
        column
        for rule in rules.columns
        for column in columns_named(rule, str(checked.get(rule.answer, "")))
    ]
    counted = [str(checked[answer]).strip() for answer in rules.count_rows_with]
    data = profile(opened, named, class_column, counted)
    if class_rule is not None and class_column in data.columns:
        _ask_positive(template_id, class_rule, data, class_column, answers, ask)
    problems = check_data(rules, _with_defaults(template_id, answers), data)
    if problems:
        raise DatasetError(problems)
    facts = {
        "dataset_path": project_path,
        "dataset_source": source.name,
        "dataset_bytes": data.size,
        "dataset_rows": data.rows,
        "dataset_sha256": data.sha256,
    }
    return OwnData(data=data, project_path=project_path, answers=facts)


def _ask_positive(
    template_id: str,
    rule: ColumnRule,
    data: DataFile,
    column: str,
    answers: MutableMapping[str, Any],
    ask: ChoicePrompt | None,
) -> None:
    values_seen = data.columns[column]
    if ask is None or rule.positive is None or rule.positive in answers:
        return
    if len(values_seen.values) < 2 or values_seen.more_values:
        return  # the check says what is wrong with the column
    values = tuple(sorted(values_seen.values))
    default = str(_default(template_id, rule.positive, answers))
    question = _question(template_id, rule.positive)
    answers[rule.positive] = ask(
        ColumnQuestion(
            name=rule.positive,
            help=question.help if question else "",
            choices=values,
            default=default if default in values else None,
        )
    )


def _column_question(template_id: str, rule: ColumnRule, header: tuple[str, ...]) -> ColumnQuestion:
    question = _question(template_id, rule.answer)
    default = str(_default(template_id, rule.answer, {}))
    if rule.many:
        fits = all(column in header for column in columns_named(rule, default))
    else:
        fits = default in header
    # The template's default only where the file has it; else none, or no default at all.
    offered: str | None = default if fits else ("" if rule.optional else None)
    derived = tuple(name for name, column in rule.derived.items() if column in header)
    return ColumnQuestion(
        name=rule.answer,
        help=question.help if question else "",
        choices=header + derived,
        default=offered,
        optional=rule.optional,
        many=rule.many,
    )


def _question(template_id: str, name: str) -> catalogue.Question | None:
    return next((q for q in catalogue.questions_for(template_id) if q.name == name), None)


def _default(template_id: str, name: str, answers: MutableMapping[str, Any]) -> Any:
    question = _question(template_id, name)
    if question is None:
        return ""
    return catalogue.render_default(question, {**answers, "template_id": template_id})


def _with_defaults(template_id: str, answers: MutableMapping[str, Any]) -> dict[str, Any]:
    """The answers, each column question not answered taking its default, as Copier will."""
    rules = rules_for(template_id)
    names = [rule.answer for rule in rules.columns] + [
        rule.positive for rule in rules.columns if rule.positive
    ]
    filled = dict(answers)
    for name in names:
        if name not in filled:
            filled[name] = _default(template_id, name, filled)
    return filled


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_WORD = re.compile(r"[A-Za-z0-9]+")
_MAX_NAME = 64  # questions/common.yml: project_name


def default_project_name(template_id: str, source: Path) -> str | None:
    """The project named after the user's file, e.g. churn.csv -> "Churn API".

    None when the file's name has no word to start with: the template's default then.
    """
    words = _WORD.findall(source.stem)
    while words and not words[0][0].isalpha():
        words.pop(0)
    if not words:
        return None
    kind = rules_for(template_id).project_kind
    stem = " ".join(word[0].upper() + word[1:] for word in words)
    room = _MAX_NAME - len(kind) - 1
    return f"{stem[:room].rstrip()} {kind}".strip()


def _project_path(template_id: str, source: Path, answers: MutableMapping[str, Any]) -> str:
    """Where the file goes: the dataset_path answered, else data/<the file's name>.

    Never the demo file's path, which would make the docs speak of the demo data: the
    answers of a demo project (e.g. from --data-file) name it.
    """
    demo = str(_default(template_id, "dataset_path", {}))
    given = answers.get("dataset_path")
    if given is not None and str(given) != demo:
        path = str(given)
        if PurePosixPath(path).suffix != ".csv":
            raise AnswerError(
                f"dataset_path {path} must end in .csv to receive the --dataset file",
                "dataset_path",
            )
        return path
    stem = _UNSAFE.sub("_", source.stem).strip("_") or "data"
    if not stem[0].isalnum():
        stem = "data" + stem
    path = f"data/{stem}.csv"
    if path == demo:
        path = f"data/own_{stem}.csv"
    return path
