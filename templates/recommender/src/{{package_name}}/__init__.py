"""Top-k recommender: leak-free offline evaluation, models against a popularity baseline,
an accuracy and coverage trade-off, and an API that serves the chosen model."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version(__name__.replace("_", "-"))
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
