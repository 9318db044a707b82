"""The places a generated project leaves for its author to write, found in its docs.

Generated docs mark each such place with the marker word and a prompt saying what to
write there. The marker's form is defined once, in `PLACE_PATTERN`: when the templates
change how the marker looks, this one line changes and every command follows.
"""

import re
from dataclasses import dataclass

__all__ = ["PLACE_PATTERN", "Place", "find_places"]

# `YOUR-STORY` (or `YOUR STORY`), then an optional colon and the prompt, up to the end
# of the line or a closing `-->`, `**` or `]`. Matches the HTML-comment form
# `<!-- YOUR-STORY: ... -->` and visible forms such as `> **YOUR STORY:** ...`.
PLACE_PATTERN = re.compile(
    r"YOUR[- ]STORY\b\s*(?:\*\*)?:?(?:\*\*)?\s*(?P<prompt>.*?)\s*(?:-->|\*\*|\]|$)"
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
        match = PLACE_PATTERN.search(line)
        if match is not None:
            places.append(Place(line=number, prompt=match["prompt"].strip()))
    return places
