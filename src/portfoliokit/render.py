"""Rendering a template with Copier, and nothing else: no git, no moving folders."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .catalogue import templates_root
from .errors import AnswerError, RenderError

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
        with _without_git_index_sync():
            copier.run_copy(
                str(templates_root()),
                str(destination),
                data=dict(answers),
                user_defaults=dict(user_defaults),
                defaults=not interactive,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
            )
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


@contextmanager
def _without_git_index_sync() -> Iterator[None]:
    """Skip Copier's per-file sync of executable bits into the destination's git index.

    Copier 9.19 runs `git config core.fileMode` once for every rendered file (about a
    third of a second for the classification-api template) so that an *existing*
    repository's index learns about mode changes. portfoliokit always renders into a
    fresh staging folder whose files no index tracks yet, where that sync is a no-op
    by Copier's own definition, so the processes are pure cost. A Copier without the
    method is left alone.
    """
    from copier._main import Worker

    original = getattr(Worker, "_sync_git_index_executable_bit", None)
    if original is None:
        yield
        return

    def skip(self: Any, dst_relpath: Path, src_mode: int) -> None:
        return None

    Worker._sync_git_index_executable_bit = skip  # type: ignore[method-assign]
    try:
        yield
    finally:
        Worker._sync_git_index_executable_bit = original  # type: ignore[method-assign]


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text.rstrip(".") + "."
