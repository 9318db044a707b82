"""Text normalisation: a pure function applied before training and before serving.

Order matters and is fixed: Unicode NFKC (full-width letters, ligatures, compatibility
digits become their plain forms), invisible direction marks and control characters
removed, links, phone numbers and other numbers replaced by tokens (each optional),
lower-casing, and all runs of whitespace collapsed to one space.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Eight or more digits, possibly with spaces, dots or dashes inside (UK numbers of
# spam campaigns such as 0845 281 0075, or +44 7700 900123).
PHONE = re.compile(r"\+?\d(?:[ .-]?\d){7,}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Direction marks and embeddings (LRM, RLM, LRE...PDF, LRI...PDI): invisible, and able
# to make a text display differently from what it says.
# Unicode category Cc (C0 and C1 controls, NUL included) becomes a space.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# The same without the line feed, which `normalise_many` uses to separate messages.
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
BIDI_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None
)


class Options(Protocol):
    lowercase: bool
    replace_urls: bool
    replace_phone_numbers: bool
    replace_numbers: bool
    url_token: str
    phone_token: str
    number_token: str


def normalise(text: str, options: Options) -> str:
    """The text as the model sees it. Idempotent: normalising twice changes nothing."""
    if not text.isascii():  # NFKC and direction marks change nothing in ASCII text
        text = unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS)
    text = _replace_and_fold(CONTROL.sub(" ", text), options)
    return " ".join(text.split())


def _replace_and_fold(text: str, options: Options) -> str:
    """URLs, phone numbers and other numbers by their tokens, then lower case, as
    configured; the one sequence both `normalise` and `normalise_many` apply."""
    if options.replace_urls:
        text = URL.sub(f" {options.url_token} ", text)
    if options.replace_phone_numbers:
        text = PHONE.sub(f" {options.phone_token} ", text)
    if options.replace_numbers:
        text = NUMBER.sub(f" {options.number_token} ", text)
    if options.lowercase:
        text = text.lower()
    return text


def normalise_many(texts: list[str], options: Options) -> list[str]:
    """`[normalise(t, options) for t in texts]`, several times faster for many texts.

    The texts are joined by line feeds (a line feed inside a text becomes the space
    `normalise` would make of it) and every substitution runs once over the whole
    chunk: none of the patterns can match across a line feed, so each text comes out
    exactly as `normalise` makes it (`tests/test_normalise.py` checks this).
    """
    if not texts:
        return []
    prepared = [
        (t if t.isascii() else unicodedata.normalize("NFKC", t).translate(BIDI_CONTROLS))
        for t in texts
    ]
    joined = "\n".join(t.replace("\n", " ") if "\n" in t else t for t in prepared)
    joined = _replace_and_fold(_CONTROL_BUT_NEWLINE.sub(" ", joined), options)
    return [" ".join(line.split()) for line in joined.split("\n")]
