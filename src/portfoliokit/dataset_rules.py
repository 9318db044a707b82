"""Each template's column roles and rules, read from `templates/datasets.toml`, and the
check of a data file against them. Pure functions: the file is read in `dataset_file`.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .catalogue import templates_root
from .dataset_file import DataFile
from .errors import PortfolioKitError

__all__ = ["ColumnRule", "DatasetRules", "check_data", "columns_named", "rules_for"]

RULES_FILE = "datasets.toml"
_LISTED = 10  # values named in a message


@dataclass(frozen=True)
class ColumnRule:
    """What the column named by one answer must hold (see datasets.toml)."""

    answer: str
    optional: bool = False
    many: bool = False
    derived: Mapping[str, str] = field(default_factory=dict)
    cells: str = ""  # "all", "some" or "" (no rule)
    numeric: bool = False
    distinct: int = 0
    classes: tuple[int, int] | None = None  # (fewest, most); most 0: no limit
    positive: str | None = None


@dataclass(frozen=True)
class DatasetRules:
    """A template's rules for a file given with `--dataset`."""

    template_id: str
    formats: tuple[str, ...]
    columns: tuple[ColumnRule, ...]
    min_rows_per_class: int = 0
    count_rows_with: tuple[str, ...] = ()
    project_kind: str = ""

    @property
    def class_rule(self) -> ColumnRule | None:
        return next((rule for rule in self.columns if rule.classes is not None), None)


@cache
def rules_for(template_id: str) -> DatasetRules:
    """The rules of `template_id`, as declared in the templates' datasets.toml."""
    with (templates_root() / RULES_FILE).open("rb") as handle:
        declared = tomllib.load(handle)
    spec: dict[str, Any] | None = declared.get(template_id)
    if spec is None:
        raise PortfolioKitError(
            f"{template_id} takes no --dataset (it has no entry in {RULES_FILE}); "
            "generate it without --dataset."
        )
    columns = []
    for column in spec.get("columns", []):
        classes = column.get("classes")
        columns.append(
            ColumnRule(
                answer=column["answer"],
                optional=bool(column.get("optional", False)),
                many=bool(column.get("many", False)),
                derived=dict(column.get("derived", {})),
                cells=str(column.get("cells", "")),
                numeric=bool(column.get("numeric", False)),
                distinct=int(column.get("distinct", 0)),
                classes=(int(classes[0]), int(classes[1])) if classes else None,
                positive=column.get("positive"),
            )
        )
    return DatasetRules(
        template_id=template_id,
        formats=tuple(spec.get("formats", [".csv"])),
        columns=tuple(columns),
        min_rows_per_class=int(spec.get("min_rows_per_class", 0)),
        count_rows_with=tuple(spec.get("count_rows_with", ())),
        project_kind=str(spec.get("project_kind", "")),
    )


def columns_named(rule: ColumnRule, answer: str) -> list[str]:
    """The file columns an answer names: none, one, or a list (derived ones resolved)."""
    names = [part.strip() for part in answer.split(",")] if rule.many else [answer.strip()]
    return [rule.derived.get(name, name) for name in names if name]


def check_data(rules: DatasetRules, answers: Mapping[str, Any], data: DataFile) -> list[str]:
    """Every way the file fails the rules, one line each; empty when it fits.

    A column that is missing or fails its own rule is not counted against the class
    minimum as well: one cause, one line.
    """
    problems: list[str] = []
    failed: set[str] = set()
    name = data.path.name
    header = data.header
    for rule in rules.columns:
        answer = str(answers.get(rule.answer, ""))
        if not answer.strip():
            if not rule.optional:
                problems.append(
                    f"{rule.answer}: no column given; choose one of {_list(header)} "
                    f"(--data {rule.answer}=COLUMN)."
                )
            continue
        missing = _missing(rule, answer, header)
        failed.add(rule.answer)  # until its checks pass
        if missing:
            none = f", or --data {rule.answer}= for none" if rule.optional else ""
            problems.append(
                f"{rule.answer}: {name} has no column {' or '.join(missing)}; its columns "
                f"are {_list(header)} (--data {rule.answer}=COLUMN{none})."
            )
            continue
        found = _column_problems(rules, rule, answer.strip(), answers, data, failed)
        if not found:
            failed.discard(rule.answer)
        problems += found
    return problems


def _column_problems(
    rules: DatasetRules,
    rule: ColumnRule,
    column: str,
    answers: Mapping[str, Any],
    data: DataFile,
    failed: set[str],
) -> list[str]:
    if rule.many:
        return []
    profile = data.columns[column]
    where = f"{rule.answer} {column!r}"
    name = data.path.name
    if rule.cells and profile.filled == 0:
        return [f"{where} is empty on every row of {name}; choose a column that holds values."]
    if rule.cells == "all" and profile.empty:
        return [
            f"{where} is empty on {profile.empty} row(s) of {name} (first on line "
            f"{profile.first_empty_line}); fill those cells in or remove the rows."
        ]
    if rule.numeric and profile.first_non_number is not None:
        line, cell = profile.first_non_number
        return [
            f"{where} must hold numbers, but line {line} of {name} has {cell!r}; fix the "
            "values or choose another column."
        ]
    values = sorted(profile.values)
    shown = _values(values, profile.more_values)
    if rule.distinct and len(values) < rule.distinct:
        return [f"{where} needs at least {rule.distinct} different values; {name} has {shown}."]
    if rule.classes is None:
        return []
    fewest, most = rule.classes
    count = f"more than {len(values)}" if profile.more_values else str(len(values))
    if len(values) < fewest or (most and (len(values) > most or profile.more_values)):
        wanted = f"exactly {fewest}" if fewest == most else f"at least {fewest}"
        return [
            f"{where} must hold {wanted} classes for {rules.template_id}; {name} has "
            f"{count}: {shown}."
        ]
    problems = []
    if rule.positive is not None:
        positive = str(answers.get(rule.positive, "")).strip()
        if positive not in values:
            problems.append(
                f"{rule.positive} {positive!r} is not a value of {column!r} in {name}; its "
                f"values are {shown} (--data {rule.positive}=VALUE)."
            )
    if rules.min_rows_per_class and not failed.intersection(rules.count_rows_with) - {rule.answer}:
        counted = ", ".join(f"{value!r}: {data.class_rows[value]}" for value in values[:_LISTED])
        few = [value for value in values if data.class_rows[value] < rules.min_rows_per_class]
        if few:
            usable = " with every needed column filled" if len(rules.count_rows_with) > 1 else ""
            problems.append(
                f"{where}: {rules.template_id} needs at least {rules.min_rows_per_class} rows "
                f"of each class{usable}; {name} has {counted}."
            )
    return problems


def _list(names: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(names[:30])
    return shown + (f" and {len(names) - 30} more" if len(names) > 30 else "")


def _missing(rule: ColumnRule, answer: str, header: tuple[str, ...]) -> list[str]:
    """The answer's columns that are not in the header, each as a message names it."""
    names = [part.strip() for part in answer.split(",")] if rule.many else [answer.strip()]
    missing = []
    for name in filter(None, names):
        source = rule.derived.get(name, name)
        if source not in header:
            derived = f" (from which {name} is derived)" if source != name else ""
            missing.append(f"{source!r}{derived}")
    return missing


def _values(values: list[str], more: bool) -> str:
    shown = ", ".join(repr(value) for value in values[:_LISTED])
    if more or len(values) > _LISTED:
        shown += ", ..."
    return shown or "none"
