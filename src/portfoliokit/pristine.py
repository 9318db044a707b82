"""A fresh render of a project's template from the answers the project records.

`check` compares a project with it (which README sections the template writes) and
`update` merges it. Only the installed templates are used: nothing is fetched.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ProjectError

__all__ = ["ANSWERS_FILE", "parse_answers", "read_answers", "rendered"]

ANSWERS_FILE = ".copier-answers.yml"


def parse_answers(text: str) -> dict[str, Any]:
    """The answers recorded in an answers file's text (Copier's `_` keys dropped).

    Raises:
        ProjectError: the text is not a mapping with a `template_id`.
    """
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ProjectError(
            f"{ANSWERS_FILE} is not valid YAML ({str(error).splitlines()[0]}); restore it "
            "from git history, e.g. `git checkout HEAD~1 -- .copier-answers.yml`."
        ) from error
    if not isinstance(loaded, dict) or not isinstance(loaded.get("template_id"), str):
        raise ProjectError(
            f"{ANSWERS_FILE} does not name its template_id; restore the file written by "
            "`portfoliokit new` from git history."
        )
    return {str(k): v for k, v in loaded.items() if not str(k).startswith("_")}


def read_answers(project: Path) -> dict[str, Any]:
    """The answers recorded in `project`, or an error saying why there are none."""
    path = project / ANSWERS_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as error:
        raise ProjectError(
            f"{project} has no {ANSWERS_FILE}: it was not made by `portfoliokit new`, or the "
            "file was deleted (restore it from git history)."
        ) from error
    return parse_answers(text)


@contextmanager
def rendered(answers: dict[str, Any]) -> Iterator[Path]:
    """A temporary folder holding the installed template rendered from `answers`."""
    from .catalogue import get_template
    from .render import render_template

    get_template(str(answers["template_id"]))

    with tempfile.TemporaryDirectory(prefix="portfoliokit-render-") as folder:
        destination = Path(folder) / "project"
        destination.mkdir()
        render_template(
            destination,
            {**answers, "portfoliokit_version": __version__},
            user_defaults={},
            interactive=False,
        )
        yield destination
