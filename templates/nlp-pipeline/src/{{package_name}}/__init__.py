"""Text classification pipeline (preview): text normalisation used before vectorising."""

from .text import normalise, tokens

__all__ = ["normalise", "tokens"]
