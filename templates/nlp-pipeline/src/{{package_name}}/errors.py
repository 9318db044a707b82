"""One error tree: every mistake a user can make is a `ProjectError` (the family's root,
`core/errors.py`), reported in one line; these are the pipeline's own."""

from .core.config import ConfigError
from .core.errors import ProjectError

__all__ = ["ConfigError", "DataError", "PipelineError", "ProjectError", "StageOrderError"]


class PipelineError(ProjectError, RuntimeError):
    """A stage cannot go on; the message says what is wrong and what to do."""


class DataError(PipelineError):
    """The input data cannot be read or does not have what the pipeline needs."""


class StageOrderError(PipelineError):
    """A stage needs the artefact of an earlier stage that has not run yet."""
