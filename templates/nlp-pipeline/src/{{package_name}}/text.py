"""Pure text clean-up applied to every message before it is vectorised."""

import re
import unicodedata

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d\s-]{6,}\d")
_WORD = re.compile(r"[a-z0-9£$€]+(?:'[a-z]+)?")


def normalise(text: str) -> str:
    """Lower-case text and replace URLs and phone numbers with placeholder tokens.

    Spam campaigns vary their links and numbers; the placeholders let a model learn
    "contains a phone number" instead of memorising one campaign's number.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _URL.sub(" urltoken ", folded)
    folded = _PHONE.sub(" phonetoken ", folded)
    return " ".join(folded.split())


def tokens(text: str) -> list[str]:
    """Split normalised text into word tokens, keeping currency symbols."""
    return _WORD.findall(normalise(text))
