"""Rendering a template with Copier, and nothing else: no git, no moving folders."""

from collections.abc import Mapping
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
) -> None:
    """Render into `destination` (an empty folder) from the bundled Copier root.

    `answers` must include `template_id`. With `interactive`, Copier asks every
    question not answered yet; otherwise it takes the defaults.

    Raises:
        AnswerError: an answer failed the template's validator.
        RenderError: Copier failed for another reason.
    """
    import copier
    from copier.errors import CopierError, InteractiveSessionError

    try:
        root = templates_root()
        with tuned_copier(root, cache_dir()):
            copier.run_copy(
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
        raise AnswerError(_one_line(error)) from error
    except CopierError as error:
        raise RenderError(f"the template could not be rendered: {_one_line(error)}") from error


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text.rstrip(".") + "."
