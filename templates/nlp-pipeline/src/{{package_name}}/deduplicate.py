"""Stage `deduplicate`: one message per text, before the split, so that no text is
both learned from and tested on.

Two kinds of repeat are counted: exact (the same characters) and normalised (equal
once normalised, e.g. differing only in case, spacing or a phone number). Repeats whose
labels disagree cannot be resolved by the pipeline: the whole group goes to the
quarantine file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CONFLICT = "duplicate texts with different labels"


@dataclass(frozen=True)
class Message:
    """A validated, normalised message: the unit every later stage works on."""

    row: int
    source: str
    text: str
    normalised: str
    label: str


@dataclass(frozen=True)
class Deduplicated:
    kept: list[Message]
    exact_duplicates: int  # dropped rows whose raw text equals an earlier row's
    normalised_duplicates: int  # dropped rows equal to an earlier one only once normalised
    conflicting: list[Message]  # every row of a group whose labels disagree


def deduplicate(messages: Sequence[Message]) -> Deduplicated:
    """Keep the first message of each normalised text; order is kept."""
    groups: dict[str, list[Message]] = {}
    for m in messages:
        groups.setdefault(m.normalised, []).append(m)
    kept: list[Message] = []
    conflicting: list[Message] = []
    exact = near = 0
    for group in groups.values():
        if len({m.label for m in group}) > 1:
            conflicting.extend(group)
            continue
        kept.append(group[0])
        seen: set[str] = set()
        for m in group:
            if m.text in seen:
                exact += 1
            elif seen:
                near += 1
            seen.add(m.text)
    kept.sort(key=lambda m: (m.source, m.row))
    return Deduplicated(kept, exact, near, conflicting)


def duplicate_groups(messages: Sequence[Message]) -> list[str]:
    """The group key of each message (its normalised text), for duplicate-aware splits."""
    return [m.normalised for m in messages]
