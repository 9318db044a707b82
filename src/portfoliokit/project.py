"""`new`: from a template id and answers to a committed project folder.

The order is the safety argument: every check that can fail on the user's input runs
before anything is written (with `--dataset`, reading the user's file and checking it
against the answers, in `own_data`); the project is then rendered, the file's checked
bytes copied in, and committed in a staging folder beside the destination and renamed
into place, so no failure (Copier, git,
Ctrl-C, SIGTERM) leaves a half-written destination or touches what existed before. A
staging folder left by a process that could not clean up (SIGKILL) is removed by the
next `new` into the same parent (see `staging`).
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, catalogue, gitops, staging
from .errors import AnswerError, DestinationError, GitError
from .interrupts import held
from .naming import ProjectNames, project_names
from .own_data import (
    FACT_ANSWERS,
    ChoicePrompt,
    OwnData,
    default_project_name,
    prepare_own_data,
)
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
    # The user's own data file (`--dataset`): checked, then copied into the project.
    dataset: Path | None = None


@dataclass(frozen=True)
class ProjectResult:
    """What `new_project` made (or, for a dry run, would make)."""

    path: Path
    template_id: str
    names: ProjectNames
    files: tuple[str, ...]
    commit: str | None
    dry_run: bool
    # The data file the project's config names, for templates that ask for one; whether
    # it is the demo data bundled with the template; whether the file is in the project.
    data_file: str | None = None
    demo_data: bool = False
    data_file_present: bool = False
    # With --dataset: the user's file as given, and its rows (the header not counted).
    copied_from: Path | None = None
    copied_rows: int | None = None


def commit_message(template_id: str) -> str:
    """The message of a generated project's one commit.

    Its trailer marks the commit as a pristine render: `update` merges later renders
    onto the last such commit.
    """
    from .update import render_trailer

    subject = f"Initial commit from portfoliokit {__version__} ({template_id})"
    return f"{subject}\n\n{render_trailer(template_id)}"


def new_project(
    request: NewProjectRequest,
    ask_name: NamePrompt | None = None,
    ask_choice: ChoicePrompt | None = None,
) -> ProjectResult:
    """Create a project as `request` says; see the module docstring for the guarantees.

    On a terminal, `ask_name` asks for the project name and `ask_choice` the column
    questions of a `--dataset` file, offering its columns.
    """
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
    if identity is None and not (request.interactive and not request.defaults):
        _require_author(answers)
    user_defaults = (
        {"author_name": identity.name, "author_email": identity.email} if identity else {}
    )
    own: OwnData | None = None
    if request.dataset is not None:
        asking = request.interactive and not request.defaults
        own = prepare_own_data(
            template.id, request.dataset, answers, ask_choice if asking else None
        )
        answers.update(own.answers)
    answers["template_id"] = template.id
    answers["portfoliokit_version"] = __version__

    # A dry run renders far from the destination and throws the result away.
    staging_parent = Path(tempfile.gettempdir()) if request.dry_run else destination.parent
    staging.remove_abandoned(staging_parent)
    with held():
        folder = staging.create(staging_parent, names.slug)
    project = folder / "project"
    existed = destination.is_dir()
    moved = False
    try:
        rendered = render_template(
            project,
            answers,
            user_defaults=user_defaults,
            interactive=request.interactive and not request.defaults,
        )
        if own is not None and not request.dry_run:
            _copy_data(own, project)
        commit = None
        if request.git and identity is not None and not request.dry_run:
            # Held so that git is never left writing into a folder being removed.
            with held():
                commit = gitops.initial_commit(project, commit_message(template.id), identity)
        files = _relative_files(project)
        if own is not None and request.dry_run:
            files = tuple(sorted({*files, own.project_path}))
        data_file = rendered.get("dataset_path")
        if not request.dry_run:
            _apply_umask(project)
            with held():
                _move_into_place(project, destination)
                moved = True
    except BaseException:
        # A signal held during the rename arrives here: the caller was never told of a
        # project, so there must not be one.
        if moved:
            with held():
                _undo_move(destination, existed)
        raise
    finally:
        # After the move only the owner file is left here; after a dry run or any
        # failure (Ctrl-C and SIGTERM included) this removes everything rendered.
        with held():
            shutil.rmtree(folder, ignore_errors=True)
    return ProjectResult(
        path=destination,
        template_id=template.id,
        names=names,
        files=files,
        commit=commit,
        dry_run=request.dry_run,
        data_file=str(data_file) if data_file is not None else None,
        demo_data=bool(rendered.get("demo_data", False)),
        data_file_present=data_file is not None and str(data_file) in files,
        copied_from=own.data.path if own else None,
        copied_rows=own.data.rows if own else None,
    )


def _copy_data(own: OwnData, project: Path) -> None:
    """Write the checked bytes of the user's file to its place in the rendered project."""
    from .dataset_file import write_copy

    target = project / own.project_path
    if target.exists():
        raise DestinationError(
            f"the template already has a file at {own.project_path}; pass --data "
            "dataset_path=data/OTHER_NAME.csv to put your data elsewhere."
        )
    write_copy(own.data.content, target)


def _user_answers(request: NewProjectRequest) -> dict[str, Any]:
    answers = dict(request.answers)
    for fact in FACT_ANSWERS:  # records of an earlier --dataset file, e.g. from --data-file
        answers.pop(fact, None)
    given_template = answers.pop("template_id", request.template_id)
    if given_template != request.template_id:
        raise AnswerError(
            f"the answers are for template {given_template!r}, not {request.template_id!r}; "
            f"run `portfoliokit new {given_template}` or remove template_id from them."
        )
    catalogue.check_answer_keys(request.template_id, answers)
    catalogue.check_answer_types(request.template_id, answers)
    if not request.interactive and not request.defaults:
        missing = [
            q.name
            for q in catalogue.questions_for(request.template_id)
            if q.asked
            and q.name not in answers
            and not (q.name == "dataset_path" and request.dataset is not None)
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
    if request.dataset is not None:
        default = default_project_name(request.template_id, request.dataset) or default
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


def _require_author(answers: Mapping[str, Any]) -> None:
    """Without a git identity and without a terminal, the author must come from --data."""
    missing = [name for name in ("author_name", "author_email") if name not in answers]
    if missing:
        raise AnswerError(
            f"no author: git has no user.name or user.email to take {' and '.join(missing)} "
            'from; pass --data author_name="Your Name" --data author_email=you@example.org, '
            "or set them with `git config --global user.name/user.email`."
        )


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


def _undo_move(destination: Path, existed: bool) -> None:
    shutil.rmtree(destination, ignore_errors=True)
    if existed:
        destination.mkdir(exist_ok=True)


def _apply_umask(folder: Path) -> None:
    """Give the project folder the user's usual mode, whoever created it."""
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
