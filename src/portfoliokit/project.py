"""`new`: from a template id and answers to a committed project folder.

The order is the safety argument: every check that can fail on the user's input runs
before anything is written; the project is then rendered and committed in a staging
folder beside the destination and renamed into place, so no failure (Copier, git,
Ctrl-C) leaves a half-written destination or touches what existed before.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, catalogue, gitops
from .errors import AnswerError, DestinationError, GitError
from .naming import ProjectNames, project_names
from .render import render_template

__all__ = ["NewProjectRequest", "ProjectResult", "commit_message", "new_project"]

# Asks for the project name on a terminal: (help, default) -> answer.
NamePrompt = Callable[[str, str], str]


@dataclass(frozen=True)
class NewProjectRequest:
    """What the user asked for."""

    template_id: str
    destination: Path | None
    answers: Mapping[str, Any]
    defaults: bool = False
    interactive: bool = False
    git: bool = True
    dry_run: bool = False


@dataclass(frozen=True)
class ProjectResult:
    """What `new_project` made (or, for a dry run, would make)."""

    path: Path
    template_id: str
    names: ProjectNames
    files: tuple[str, ...]
    commit: str | None
    dry_run: bool


def commit_message(template_id: str) -> str:
    """The message of a generated project's one commit.

    Its trailer marks the commit as a pristine render: `update` merges later renders
    onto the last such commit.
    """
    from .update import render_trailer

    subject = f"Initial commit from portfoliokit {__version__} ({template_id})"
    return f"{subject}\n\n{render_trailer(template_id)}"


def new_project(request: NewProjectRequest, ask_name: NamePrompt | None = None) -> ProjectResult:
    """Create a project as `request` says; see the module docstring for the guarantees."""
    template = catalogue.get_template(request.template_id)
    answers = _user_answers(request)
    names = project_names(_project_name(request, answers, ask_name))
    answers["project_name"] = names.name
    destination = _destination(request.destination, names)

    identity: gitops.Identity | None = None
    if request.git:
        identity = gitops.require_identity()
        work_tree = gitops.enclosing_work_tree(destination)
        if work_tree is not None:
            raise DestinationError(
                f"{destination} is inside the git work tree {work_tree}; choose a path outside "
                "it, or pass --no-git to add the project to that repository yourself."
            )
    else:
        identity = _optional_identity()
    user_defaults = (
        {"author_name": identity.name, "author_email": identity.email} if identity else {}
    )
    answers["template_id"] = template.id
    answers["portfoliokit_version"] = __version__

    # A dry run renders far from the destination and throws the result away.
    staging_parent = Path(tempfile.gettempdir()) if request.dry_run else destination.parent
    staging = Path(tempfile.mkdtemp(prefix=f".{names.slug}.portfoliokit-", dir=staging_parent))
    try:
        render_template(
            staging,
            answers,
            user_defaults=user_defaults,
            interactive=request.interactive and not request.defaults,
        )
        commit = None
        if request.git and identity is not None and not request.dry_run:
            commit = gitops.initial_commit(staging, commit_message(template.id), identity)
        files = _relative_files(staging)
        if not request.dry_run:
            _apply_umask(staging)
            _move_into_place(staging, destination)
    finally:
        # After the move there is nothing left here; after a dry run or any failure
        # (Ctrl-C included) this removes everything that was rendered.
        shutil.rmtree(staging, ignore_errors=True)
    return ProjectResult(
        path=destination,
        template_id=template.id,
        names=names,
        files=files,
        commit=commit,
        dry_run=request.dry_run,
    )


def _user_answers(request: NewProjectRequest) -> dict[str, Any]:
    answers = dict(request.answers)
    given_template = answers.pop("template_id", request.template_id)
    if given_template != request.template_id:
        raise AnswerError(
            f"the answers are for template {given_template!r}, not {request.template_id!r}; "
            f"run `portfoliokit new {given_template}` or remove template_id from them."
        )
    catalogue.check_answer_keys(request.template_id, answers)
    if not request.interactive and not request.defaults:
        missing = [
            q.name
            for q in catalogue.questions_for(request.template_id)
            if q.asked and q.name not in answers
        ]
        if missing:
            raise AnswerError(
                "no terminal to ask questions on; pass --defaults (-y) to take the defaults, "
                f"or set answers with --data KEY=VALUE (missing: {', '.join(missing)})."
            )
    return answers


def _project_name(
    request: NewProjectRequest, answers: Mapping[str, Any], ask_name: NamePrompt | None
) -> str:
    """The project name is needed before Copier runs: it decides the destination."""
    if "project_name" in answers:
        return str(answers["project_name"])
    question = next(
        q for q in catalogue.questions_for(request.template_id) if q.name == "project_name"
    )
    default = str(catalogue.render_default(question, {"template_id": request.template_id}))
    if request.interactive and not request.defaults and ask_name is not None:
        return ask_name(question.help, default)
    return default


def _destination(given: Path | None, names: ProjectNames) -> Path:
    destination = (given if given is not None else Path(names.slug)).expanduser().absolute()
    if destination.exists() and not destination.is_dir():
        raise DestinationError(f"{destination} is a file; choose a new folder for the project.")
    if destination.is_dir() and any(destination.iterdir()):
        raise DestinationError(
            f"{destination} is not empty; choose a new path or empty that folder first."
        )
    if not destination.parent.is_dir():
        raise DestinationError(
            f"the parent folder {destination.parent} does not exist; create it first."
        )
    if not os.access(destination.parent, os.W_OK):
        raise DestinationError(f"cannot write to {destination.parent}; choose another path.")
    return destination


def _optional_identity() -> gitops.Identity | None:
    """With --no-git, git is only a source of author defaults, if it is there at all."""
    try:
        return gitops.read_identity()
    except GitError:
        return None


def _relative_files(root: Path) -> tuple[str, ...]:
    return tuple(
        sorted(
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(root).parts[:1]
        )
    )


def _apply_umask(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; give the project the user's usual mode."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _move_into_place(staging: Path, destination: Path) -> None:
    """Rename the finished project into place; an empty destination is replaced."""
    try:
        os.rename(staging, destination)
    except OSError as error:
        raise DestinationError(
            f"could not move the project into {destination}: {error.strerror}; nothing was "
            "written there."
        ) from error
