"""The one exception tree of portfoliokit.

Every error a user can cause is a `PortfolioKitError` whose message is one line that
says what is wrong and what to do. Library errors (Copier's, GitPython's) are wrapped
where they are raised; `cli.py` turns these into messages in one place.
"""

__all__ = [
    "AnswerError",
    "DatasetError",
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
    """An answer is missing, unknown or invalid.

    With `question`, the message also says how to give that answer on the command line,
    so every complaint about an answer names both the question and its flag.
    """

    def __init__(self, message: str, question: str | None = None) -> None:
        if question is not None:
            message = f"{message.rstrip('.')}; answer it with --data {question}=VALUE."
        super().__init__(message)
        self.question = question


class DatasetError(PortfolioKitError):
    """The file given with `--dataset` cannot be read, or does not fit the answers.

    Each problem is one line naming the column (or the file) and what is there; the
    message is those lines.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


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
