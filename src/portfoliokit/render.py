"""Rendering a template with Copier, and nothing else: no git, no moving folders."""

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .catalogue import templates_root
from .copier_tuning import cache_dir, tuned_copier
from .errors import AnswerError, RenderError
from .interrupts import Interrupted, last_signal

__all__ = ["render_template"]


def render_template(
    destination: Path,
    answers: Mapping[str, Any],
    *,
    user_defaults: Mapping[str, Any],
    interactive: bool,
) -> dict[str, Any]:
    """Render into `destination` (an empty folder) from the bundled Copier root.

    `answers` must include `template_id`. With `interactive`, Copier asks every
    question not answered yet; otherwise it takes the defaults. Returns every answer
    the render used, the computed ones (e.g. `demo_data`) included.

    Raises:
        AnswerError: an answer failed the template's validator.
        RenderError: Copier failed for another reason.
    """
    import copier
    from copier.errors import CopierError, InteractiveSessionError

    try:
        root = templates_root()
        with tuned_copier(root, cache_dir()), _help_wrapped(interactive):
            worker = copier.run_copy(
                str(root),
                str(destination),
                data=dict(answers),
                user_defaults=dict(user_defaults),
                defaults=not interactive,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
            )
    except Interrupted:
        raise
    except KeyboardInterrupt as error:
        # Copier turns Ctrl-C (or our SIGTERM) at a question into CopierAnswersInterrupt,
        # a CopierError that carries every answer: it is an interruption, not a failure.
        raise Interrupted(last_signal()) from error
    except InteractiveSessionError as error:
        raise AnswerError(
            "cannot ask questions without a terminal; pass --defaults (-y) or set answers "
            "with --data KEY=VALUE."
        ) from error
    except ValueError as error:
        # Copier reports a missing or invalid answer as a plain ValueError.
        raise _answer_error(_one_line(error)) from error
    except CopierError as error:
        raise RenderError(f"the template could not be rendered: {_one_line(error)}") from error
    return dict(worker.answers.combined)


@contextmanager
def _help_wrapped(interactive: bool) -> Iterator[None]:
    """Wrap each question's help to the terminal's width while Copier asks.

    Copier shows the help as one line, which the prompt cuts at the terminal's edge.
    """
    if not interactive:
        yield
        return
    from copier._user_data import Question

    original = Question.get_message
    # The prompt puts a two-column microphone and a space before the first line. The
    # terminal's own size first: the prompt draws by it, whatever $COLUMNS says.
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        columns = shutil.get_terminal_size().columns
    width = max(20, columns - 4)

    def get_message(self: Question) -> str:
        message: str = original(self)
        body = message.rstrip()
        wrapped = "\n".join(textwrap.fill(line, width) for line in body.splitlines())
        return wrapped + message[len(body) :]

    Question.get_message = get_message  # type: ignore[method-assign]
    try:
        yield
    finally:
        Question.get_message = original  # type: ignore[method-assign]


_VALIDATION = re.compile(
    r"^(?:Validation error for question|Invalid choice for) '(?P<name>\w+)': (?P<problem>.*)$"
)


def _answer_error(message: str) -> AnswerError:
    """Copier's "Validation error for question 'x': ..." as `x: ...` with its flag."""
    match = _VALIDATION.match(message)
    if match is None:
        return AnswerError(message)
    return AnswerError(f"{match['name']}: {match['problem']}", match["name"])


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text.rstrip(".") + "."
