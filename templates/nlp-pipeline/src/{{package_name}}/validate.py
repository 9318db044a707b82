"""Stage `validate`: every record either passes or goes to the quarantine file with the
reason and its row number; the counts per reason are reported. Nothing disappears
silently: passed + quarantined always equals what was read.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .ingest import RawRecord

UNDECODABLE = "undecodable bytes (not UTF-8)"
EMPTY_TEXT = "empty text"
MISSING_LABEL = "missing label"
_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Quarantined:
    record: RawRecord
    reason: str


def problem_of(record: RawRecord, max_chars: int, need_label: bool = True) -> str | None:
    """Why a record cannot be used, or None when it can."""
    if record.problem:
        return record.problem
    reason = text_problem(record.text, max_chars, record.label)
    if reason is not None:
        return reason
    if need_label and (record.label is None or not record.label.strip()):
        return MISSING_LABEL
    return None


def text_problem(text: str | None, max_chars: int, label: str | None = None) -> str | None:
    """Why a text (and its label, if any) cannot be used: empty, undecodable bytes in
    either, or too long; None when it can."""
    if text is None or not text.strip():
        return EMPTY_TEXT
    if _undecodable(text) or (label is not None and _undecodable(label)):
        return UNDECODABLE
    if len(text) > max_chars:
        return f"text longer than {max_chars:,} characters"
    return None


def validate(
    records: Iterable[RawRecord], max_chars: int
) -> tuple[list[RawRecord], list[Quarantined]]:
    """Split records into the usable ones and the quarantined ones, order kept."""
    passed: list[RawRecord] = []
    quarantined: list[Quarantined] = []
    for record in records:
        reason = problem_of(record, max_chars)
        if reason is None:
            assert record.label is not None
            passed.append(RawRecord(record.row, record.source, record.text, record.label.strip()))
        else:
            quarantined.append(Quarantined(record, reason))
    return passed, quarantined


def reason_counts(quarantined: Iterable[Quarantined]) -> dict[str, int]:
    return dict(sorted(Counter(q.reason for q in quarantined).items()))


def write_quarantine(path: Path, quarantined: Iterable[Quarantined]) -> None:
    """A CSV of reason, source, row and the text as read (bad bytes shown as \\xNN)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp")
    with staging.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["reason", "source", "row", "label", "text"])
        for q in quarantined:
            r = q.record
            writer.writerow([q.reason, r.source, r.row, _shown(r.label), _shown(r.text)])
    staging.replace(path)


def _undecodable(text: str) -> bool:
    # Bytes that were not UTF-8 were read as lone surrogates (errors="surrogateescape").
    return _SURROGATE.search(text) is not None


def _shown(value: str | None) -> str:
    if value is None:
        return ""
    return value.encode("utf-8", errors="surrogateescape").decode(
        "utf-8", errors="backslashreplace"
    )
