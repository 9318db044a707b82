"""The `portfoliokit` command: parse, call one core function, print.

Heavy modules (Copier, GitPython) are imported inside the commands so that
`portfoliokit --help` stays fast.
"""

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import PortfolioKitError
from .interrupts import Interrupted, handled, last_signal

if TYPE_CHECKING:
    from .project import ProjectResult

__all__ = ["cli", "main"]

_CREATED = "portfoliokit.created"  # ctx.meta key: the project exists, whatever happens next

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Translates portfoliokit's errors into one line on stderr, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with handled():
                return super().invoke(ctx)
        except PortfolioKitError as error:
            raise click.ClickException(str(error)) from error
        except KeyboardInterrupt as error:
            # Ctrl-C, SIGTERM or SIGHUP: one line, and 128 + the signal's number.
            code = error.exit_code if isinstance(error, Interrupted) else 130
            created = ctx.meta.get(_CREATED)
            what = f"{created} was already created" if created else "nothing was written"
            # On a terminal the line starts after the echoed ^C.
            start = "\n" if sys.stderr.isatty() else ""
            click.echo(f"{start}Interrupted: {what}.", err=True)
            ctx.exit(code)


@click.group(cls=_Group, context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="portfoliokit")
def cli() -> None:
    """Generate applied ML portfolio projects that already run, are evaluated and documented.

    \b
    Examples:
      portfoliokit list
      portfoliokit new classification-api
      portfoliokit new recommender movie-recs --defaults --data author_name="Ada Lovelace"
    """


@cli.command("list")
def list_command() -> None:
    """List the templates, what each one is for and what it produces.

    \b
    Example:
      portfoliokit list
    """
    from .catalogue import list_templates

    for info in list_templates():
        click.echo(f"{info.id}\n  {info.summary}\n  Produces: {info.produces}\n")


@cli.command("new", short_help="Create a new project from a template.")
@click.argument("template")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option(
    "-y", "--defaults", is_flag=True, help="Take the default of every question not answered."
)
@click.option(
    "--data",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Answer one question; repeat for more.",
)
@click.option(
    "--data-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML file of answers, e.g. another project's .copier-answers.yml.",
)
@click.option("--no-git", is_flag=True, help="Do not create a git repository.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
def new_command(
    template: str,
    dest: Path | None,
    defaults: bool,
    pairs: tuple[str, ...],
    data_file: Path | None,
    no_git: bool,
    dry_run: bool,
) -> None:
    """Create a new project from TEMPLATE in DEST (default: the project's slug here).

    On a terminal it asks each question, with help and a default; without one, pass
    --defaults or answer with --data. The project becomes a git repository on `main`
    with one commit, authored with your git identity.

    \b
    Examples:
      portfoliokit new classification-api
      portfoliokit new classification-api credit-api -y
      portfoliokit new nlp-pipeline --data project_name="Spam Filter" --data license=none -y
      portfoliokit new recommender --data-file answers.yml --no-git
      portfoliokit new recommender --dry-run -y
    """
    from .answers import collect_answers
    from .project import NewProjectRequest, new_project

    request = NewProjectRequest(
        template_id=template,
        destination=dest,
        answers=collect_answers(pairs, data_file),
        defaults=defaults,
        interactive=sys.stdin.isatty() and sys.stdout.isatty(),
        git=not no_git,
        dry_run=dry_run,
    )
    result = new_project(request, ask_name=_ask_name)
    shown = _shown_path(result.path)
    if not result.dry_run:
        click.get_current_context().meta[_CREATED] = shown
    if result.dry_run:
        click.echo(
            f"Would create {shown} from {result.template_id} with {len(result.files)} files:"
        )
        for name in result.files:
            click.echo(f"  {name}")
        if not no_git:
            click.echo("It would be a git repository on main with one commit.")
        click.echo("Dry run: nothing was written.")
        return
    commit = f", commit {result.commit[:12]}" if result.commit else ", no git repository"
    click.echo(f"Created {shown} from {result.template_id} ({len(result.files)} files{commit}).")
    click.echo("Next:")
    click.echo(f"  cd {shown}")
    click.echo("  make install   # virtual environment with the project and its dev tools")
    click.echo(f"  make all       # {_what_all_runs_on(result)}")
    click.echo("  make check     # lint and test")
    click.echo("(No make? `python3 tasks.py VERB` runs the same verbs.)")


def _what_all_runs_on(result: "ProjectResult") -> str:
    if result.data_file is None:
        return "run the pipeline on the bundled data"
    if result.demo_data:
        return f"run the pipeline on the bundled demo data ({result.data_file})"
    if result.data_file_present:
        return f"run the pipeline on {result.data_file}"
    return f"run the pipeline on {result.data_file}: put your CSV there first"


def _ask_name(help_text: str, default: str) -> str:
    from .errors import AnswerError
    from .naming import project_names

    def validate(value: Any) -> str:
        try:
            return project_names(str(value)).name
        except AnswerError as error:
            raise click.BadParameter(str(error)) from error

    click.echo(click.style(help_text, dim=True))
    try:
        answer: str = click.prompt("project_name", default=default, value_proc=validate)
    except click.Abort as error:
        # click turns Ctrl-C (and Ctrl-D) at a prompt into Abort ("Aborted!", exit 1).
        raise Interrupted(last_signal()) from error
    return answer


def _shown_path(path: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="portfoliokit")
    finally:
        # Shutting the interpreter down runs the cycle collector over every object the
        # run created, most of them Copier's import-time objects, only to free memory
        # the operating system frees anyway. Freezing them first skips that work; files
        # are closed and processes reaped by then, and atexit handlers still run.
        gc.freeze()
