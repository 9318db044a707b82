"""Stage `ingest`: read messages from a CSV file, a JSON Lines file or a folder of
label sub-folders of `.txt` files, one `RawRecord` per input row, nothing dropped.

Reading is lazy (`iter_records`), so batch inference can stream a file of any size.
Bytes that are not UTF-8 are kept as surrogate escapes instead of failing the whole
file: `validate` then sends exactly those rows to the quarantine file.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import DataError

# A field may hold a whole message of several kilobytes; csv's default limit is 128 KiB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class RawRecord:
    """One input row as read: where it came from, its text and label, or what failed."""

    row: int  # line in the file where the record starts (CSV, JSON Lines), or file number
    source: str  # file name, or sub-folder/file for a folder of .txt files
    text: str | None
    label: str | None
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RawRecord:
        return cls(**raw)


def input_kind(path: Path) -> str:
    """'csv', 'jsonl' or 'folder'; anything else is a user mistake."""
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in {".csv", ".jsonl"} and path.is_file():
        return suffix[1:]
    if not path.exists():
        raise DataError(f"{path.name} not found; check [data] path in config.toml")
    raise DataError(
        f"{path.name}: give a .csv or .jsonl file or a folder of label sub-folders of .txt files"
    )


def iter_records(
    path: Path, text_column: str, label_column: str | None
) -> Generator[RawRecord, None, None]:
    """Every row of the input, in file order. `label_column=None` reads texts only."""
    kind = input_kind(path)
    if kind == "csv":
        yield from _csv(path, text_column, label_column)
    elif kind == "jsonl":
        yield from _jsonl(path, text_column, label_column)
    else:
        yield from _folder(path, with_labels=label_column is not None)


def _csv(path: Path, text_column: str, label_column: str | None) -> Iterator[RawRecord]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path.name} is empty; it needs a header row")
        columns = {name.strip(): i for i, name in enumerate(header)}
        wanted = [text_column] + ([label_column] if label_column else [])
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise DataError(
                f"{path.name} has no column {missing[0]!r}; its columns are "
                f"{', '.join(columns)}; set [data] text_column / label_column in config.toml"
            )
        t = columns[text_column]
        lab = columns[label_column] if label_column else None
        start = reader.line_num + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRecord(start, path.name, None, None, f"unreadable CSV: {exc}")
                start = reader.line_num + 1
                continue
            if fields:  # csv yields [] for a blank line
                text = fields[t] if t < len(fields) else None
                label = fields[lab] if lab is not None and lab < len(fields) else None
                problem = None if t < len(fields) else "row has fewer fields than the header"
                yield RawRecord(start, path.name, text, label, problem)
            start = reader.line_num + 1


def _jsonl(path: Path, text_column: str, label_column: str | None) -> Iterator[RawRecord]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield RawRecord(number, path.name, None, None, f"not valid JSON: {exc.args[0]}")
                continue
            if not isinstance(obj, dict):
                yield RawRecord(number, path.name, None, None, "line is not a JSON object")
                continue
            yield RawRecord(
                number,
                path.name,
                _as_text(obj.get(text_column)),
                _as_text(obj.get(label_column)) if label_column else None,
            )


def _folder(path: Path, with_labels: bool) -> Iterator[RawRecord]:
    files = sorted(p for p in path.rglob("*.txt") if p.is_file())
    if not files:
        raise DataError(f"{path.name}/ holds no .txt files; put one sub-folder per label in it")
    for number, file in enumerate(files, start=1):
        relative = file.relative_to(path).as_posix()
        label = file.parent.name if with_labels and file.parent != path else None
        raw = file.read_bytes()
        text = raw.decode("utf-8-sig", errors="surrogateescape")
        yield RawRecord(number, relative, text, label)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def ingest(path: Path, text_column: str, label_column: str) -> list[RawRecord]:
    """All records of a labelled input."""
    return list(iter_records(path, text_column, label_column))
