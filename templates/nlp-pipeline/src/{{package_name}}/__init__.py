"""Text classification pipeline: data stages, cost-aware decisions, batch inference, API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version(__name__.replace("_", "-"))
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
