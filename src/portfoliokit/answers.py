"""Answers given on the command line: `--data KEY=VALUE` pairs and `--data-file`."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import AnswerError

__all__ = ["collect_answers", "parse_pairs", "read_answers_file"]


def parse_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """Turn `KEY=VALUE` strings into a dict; the value may itself contain '='."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnswerError(f"--data {pair!r} is not KEY=VALUE; write e.g. --data license=MIT.")
        answers[key.strip()] = value
    return answers


def read_answers_file(path: Path) -> dict[str, Any]:
    """Read a YAML mapping of answers, e.g. a previous project's answers."""
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text("utf-8"))
    except OSError as error:
        raise AnswerError(f"cannot read --data-file {path}: {error.strerror}.") from error
    except yaml.YAMLError as error:
        raise AnswerError(f"--data-file {path} is not valid YAML: {_first_line(error)}.") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(key, str) for key in loaded):
        raise AnswerError(f"--data-file {path} must hold a mapping of KEY: value lines.")
    # Keys starting with '_' are Copier's own bookkeeping (e.g. in .copier-answers.yml).
    return {key: value for key, value in loaded.items() if not key.startswith("_")}


def collect_answers(pairs: Iterable[str], data_file: Path | None) -> dict[str, Any]:
    """Answers from the file, overridden by the `--data` pairs."""
    answers: dict[str, Any] = read_answers_file(data_file) if data_file else {}
    answers.update(parse_pairs(pairs))
    return answers


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
