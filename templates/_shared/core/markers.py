"""Splice generated blocks into hand-written Markdown between marker comments.

The docs are the user's to edit; only the text between `<!-- results:start -->` and
`<!-- results:end -->` belongs to the pipeline and is replaced on every run (those two
are HTML comments: a reader needs no sign of where generated text begins). What the
author still has to write is the opposite: a visible line a reader on GitHub sees,
`> **YOUR STORY:** what to write`, one per place, so `story_prompts` (or grep) counts
them. Shared by every portfoliokit project.
"""

from __future__ import annotations

from pathlib import Path

START = "<!-- results:start -->"
END = "<!-- results:end -->"
# What the author still has to write: a quoted line starting with this, visible on GitHub.
STORY = "> **YOUR STORY:**"


class MarkerError(ValueError):
    """A document lacks its result markers, or has them twice or out of order."""


def splice(text: str, block: str, name: str = "document") -> str:
    """`text` with everything between the markers replaced by `block`."""
    head, _, tail = _parts(text, name)
    return f"{head}{START}\n{block.strip()}\n{END}{tail}"


def extract(text: str, name: str = "document") -> str:
    """The block currently between the markers, without the markers."""
    return _parts(text, name)[1].strip()


def _parts(text: str, name: str) -> tuple[str, str, str]:
    if text.count(START) != 1 or text.count(END) != 1:
        raise MarkerError(
            f"{name} must contain {START} and {END} exactly once each; "
            "put them back where the generated results should go"
        )
    head, rest = text.split(START)
    if END not in rest:
        raise MarkerError(f"{name}: the results end marker comes before the start marker")
    middle, tail = rest.split(END)
    return head, middle, tail


def splice_file(path: Path, block: str) -> bool:
    """Rewrite `path` with the new block; return whether its content changed."""
    old = path.read_text(encoding="utf-8")
    new = splice(old, block, path.name)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def story_prompts(text: str) -> list[tuple[int, str]]:
    """Line number and prompt of every place the author still has to write."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(STORY):
            found.append((number, line.removeprefix(STORY).strip()))
    return found
