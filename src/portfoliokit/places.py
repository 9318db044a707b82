"""The places a generated project leaves for its author to write, found in its docs.

Generated docs mark each such place with the marker word and a prompt saying what to
write there. The marker's form is defined once, in `PLACE_PATTERN`: when the templates
change how the marker looks, this one line changes and every command follows.
"""

import re
from dataclasses import dataclass

__all__ = ["PLACE_PATTERN", "Place", "find_places"]

# A line that starts with the marker, then the prompt: the quoted, visible form
# `> **YOUR STORY:** what to write` that every template now emits, and the older HTML
# comment `<!-- YOUR-STORY: ... -->`, still counted so that a project generated before the
# visible form does not pass for finished while its hidden places are unwritten.
# Prose that merely mentions the marker is not a place.
PLACE_PATTERN = re.compile(
    r"^\s*(?:>\s*\*\*YOUR STORY:\*\*|<!--\s*YOUR-STORY:)\s*(?P<prompt>.*?)\s*(?:-->\s*)?$"
)


@dataclass(frozen=True)
class Place:
    """One place still to write: 1-based line number and what to write there."""

    line: int
    prompt: str


def find_places(text: str) -> list[Place]:
    """Every marked place in `text`, in order; one per line that carries a marker."""
    places = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = PLACE_PATTERN.match(line)
        if match is not None:
            places.append(Place(line=number, prompt=match["prompt"].strip()))
    return places
