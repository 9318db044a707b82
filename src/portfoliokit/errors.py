"""The one exception tree of portfoliokit.

Every error a user can cause is a `PortfolioKitError` whose message is one line that
says what is wrong and what to do. Library errors (Copier's, GitPython's) are wrapped
where they are raised; `cli.py` turns these into messages in one place.
"""

__all__ = [
    "AnswerError",
    "DestinationError",
    "GitError",
    "PortfolioKitError",
    "ProjectError",
    "PublishError",
    "RenderError",
    "TemplateNotFoundError",
]


class PortfolioKitError(Exception):
    """Base class: the message is shown to the user as it is."""


class TemplateNotFoundError(PortfolioKitError):
    """The template id is not in the catalogue."""


class AnswerError(PortfolioKitError):
    """An answer is missing, unknown or invalid."""


class DestinationError(PortfolioKitError):
    """The destination folder cannot receive a new project."""


class GitError(PortfolioKitError):
    """git is missing, has no identity, or failed."""


class RenderError(PortfolioKitError):
    """Copier failed to render the template."""


class ProjectError(PortfolioKitError):
    """A project is not in a state the command can work on (not a repository, dirty)."""


class PublishError(PortfolioKitError):
    """A project may not be pushed (a check failed), or the push failed."""
