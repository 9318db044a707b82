"""portfoliokit: generate applied ML portfolio projects that run, are evaluated and documented."""

# The one place the version is written: pyproject.toml reads it from here (hatch).
# A literal rather than importlib.metadata, whose import alone costs ~60 ms of the
# 150 ms budget for `portfoliokit --help`.
__version__ = "0.1.0"

__all__ = ["__version__"]
