"""portfoliokit: generate applied ML portfolio projects that run, are evaluated and documented."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("portfoliokit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
