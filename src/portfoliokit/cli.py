"""The `portfoliokit` command: parse, call one core function, print.

Heavy modules (Copier, GitPython) are imported inside the commands so that
`portfoliokit --help` stays fast.
"""

import gc
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import PortfolioKitError
from .interrupts import Interrupted, handled, last_signal

if TYPE_CHECKING:
    from .check import CheckReport
    from .own_data import ColumnQuestion
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
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Your own data (a UTF-8 CSV up to 50 MB): checked against the column answers, "
    "then copied into the project's data/ folder.",
)
@click.option("--no-git", is_flag=True, help="Do not create a git repository.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
def new_command(
    template: str,
    dest: Path | None,
    defaults: bool,
    pairs: tuple[str, ...],
    data_file: Path | None,
    dataset: Path | None,
    no_git: bool,
    dry_run: bool,
) -> None:
    """Create a new project from TEMPLATE in DEST (default: the project's slug here).

    On a terminal it asks each question, with help and a default; without one, pass
    --defaults or answer with --data. The project becomes a git repository on `main`
    with one commit, authored with your git identity.

    With --dataset FILE the project works on your data: before anything is written the
    file is checked against the column answers (on a terminal they offer its columns),
    then it is copied into data/ and the config, README and data card speak of it.

    \b
    Examples:
      portfoliokit new classification-api
      portfoliokit new classification-api credit-api -y
      portfoliokit new nlp-pipeline --data project_name="Spam Filter" --data license=none -y
      portfoliokit new recommender --data-file answers.yml --no-git
      portfoliokit new recommender --dry-run -y
      portfoliokit new classification-api churn-api --dataset churn.csv \\
          --data target_column=churned --data positive_class=yes --data subgroup_columns=region
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
        dataset=dataset,
    )
    result = new_project(request, ask_name=_ask_name, ask_choice=_ask_choice)
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
    if result.copied_from is not None:
        click.echo(
            f"Copied {result.copied_from.name} ({result.copied_rows:,} rows) to "
            f"{result.data_file}; state its licence where docs/data_card.md and data/README.md "
            "mark it (`portfoliokit check` lists what is left)."
        )
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


@cli.command("check", short_help="Report what a project still needs before it is shown.")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the report as JSON (schema portfoliokit-check/1, in the README).",
)
@click.option("--run-tests", is_flag=True, help="Also run the project's tests (`tasks.py test`).")
def check_command(path: Path, as_json: bool, run_tests: bool) -> None:
    """Check the project at PATH (default: here): places still to write, results, licences,
    README sections, CI, remote, large files and likely secrets. Exit 1 on any error.

    \b
    Examples:
      portfoliokit check
      portfoliokit check credit-risk-api --run-tests
      portfoliokit check --json > check.json
    """
    import json

    from .check import check_project

    report = check_project(path, run_tests=run_tests)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_check(report)
    if report.errors:
        sys.exit(1)


def _print_check(report: "CheckReport") -> None:
    template = f" ({report.template_id} {report.template_version})" if report.template_id else ""
    click.echo(f"Checked {_project_label(report.project)}{template}.")
    if report.findings:
        width = max(len(f.where()) for f in report.findings)
        width = min(max(width, 5), 40)
        click.echo(f"{'level':<8} {'where':<{width}} what to do")
        previous_fix = None
        for finding in report.findings:
            message = finding.message if len(finding.message) <= 70 else finding.message[:69] + "…"
            click.echo(f"{finding.level:<8} {finding.where():<{width}} {message}")
            if finding.fix != previous_fix:  # said once for a run of alike findings
                click.echo(f"{'':<8} {'':<{width}}   -> {finding.fix}")
            previous_fix = finding.fix
    tests = "" if report.tests_run else " Tests not run (add --run-tests)."
    click.echo(
        f"{report.errors} error(s), {report.warnings} warning(s), "
        f"{report.places} place(s) still to write.{tests}"
    )


@cli.command("publish", short_help="Check a project, then push its main branch to a remote.")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--remote", "remote_url", metavar="URL", help="An empty repository to push to.")
@click.option(
    "--force", is_flag=True, help="Publish although `check` reports errors (never a secret)."
)
@click.option("--github", is_flag=True, help="Create the repository with the GitHub CLI (gh).")
@click.option("--private", is_flag=True, help="With --github: make the repository private.")
def publish_command(
    path: Path, remote_url: str | None, force: bool, github: bool, private: bool
) -> None:
    """Push the main branch of the project at PATH (default: here), with upstream tracking.

    First: a clean working tree, no likely secret and no file over 50 MB in any commit to
    be pushed, and `portfoliokit check` without errors (--force overrides only that).
    It never force-pushes.

    \b
    Examples:
      portfoliokit publish --remote git@github.com:you/credit-risk-api.git
      portfoliokit publish credit-risk-api --github --private
      portfoliokit publish    # again, later: pushes to the remote already set
    """
    from .publish import PublishRequest, publish

    if private and not github:
        raise click.UsageError("--private only applies with --github.")
    result = publish(
        PublishRequest(
            path=path,
            remote_url=remote_url,
            force=force,
            github=github,
            private=private,
            interactive=sys.stdin.isatty(),
        )
    )
    if result.created_on_github:
        click.echo(f"Created {result.url} with the GitHub CLI.")
    click.echo(
        f"Pushed main ({result.commits} new commit(s)) to {result.url}; "
        "it is main's upstream, so `git push` sends later commits."
    )
    if result.check_errors_overridden:
        overridden = ", ".join(result.check_errors_overridden)
        click.echo(f"Published despite check errors (--force): {overridden}.")
    if result.check_warnings:
        click.echo(f"`portfoliokit check` lists {result.check_warnings} warning(s) to look at.")


@cli.command("update", short_help="Merge the installed template's changes into a project.")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
def update_command(path: Path) -> None:
    """Bring the project at PATH (default: here) up to this portfoliokit's template,
    keeping your edits (a three-way merge). Needs a clean working tree; works offline
    and on any clone. The result is staged, not committed: review it, then commit.

    \b
    Examples:
      portfoliokit update
      portfoliokit update credit-risk-api && git -C credit-risk-api diff --cached
    """
    from .update import update_project

    result = update_project(path)
    shown = _project_label(result.path)
    if result.up_to_date:
        click.echo(
            f"{shown} is up to date with the portfoliokit {result.to_version} template "
            f"({result.template_id}); nothing changed."
        )
        return
    conflicts = set(result.conflicts)
    click.echo(
        f"Merged the portfoliokit {result.to_version} template ({result.template_id}) into "
        f"{shown}, last rendered by {result.from_version}: {len(result.changes)} file(s) "
        f"changed, {len(conflicts)} conflict(s)."
    )
    for status, name in result.changes:
        click.echo(f"  {'conflict' if name in conflicts else status}  {name}")
    if conflicts:
        click.echo(
            "Resolve the conflicts: edit the <<<<<<< ======= >>>>>>> blocks in the files "
            "marked conflict (yours above =======, the template's below), `git add` them, "
            "then `git commit`."
        )
    else:
        click.echo("Review the staged changes with `git diff --cached`, then `git commit`.")
    click.echo("Nothing is committed yet; `git merge --abort` undoes the update.")


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


def _ask_choice(question: "ColumnQuestion") -> str:
    """Ask for a column (or a value) of the user's file, offering what the file holds."""
    choices = ", ".join(question.choices)
    width = max(20, shutil.get_terminal_size().columns - 2)
    click.echo(click.style(click.wrap_text(question.help, width), dim=True))
    none = " (or nothing for none)" if question.optional else ""
    many = "one or more, separated by commas, from" if question.many else "one of"
    click.echo(f"  Choose {many}: {choices}{none}")

    def validate(value: Any) -> str:
        text = str(value).strip()
        if not text and question.optional:
            return ""
        parts = [p.strip() for p in text.split(",")] if question.many else [text]
        wrong = [p for p in parts if p not in question.choices]
        if not text or wrong:
            raise click.BadParameter(f"choose {many}: {choices}{none}")
        return ",".join(parts)

    try:
        answer: str = click.prompt(
            question.name,
            default=question.default,
            value_proc=validate,
            show_default=bool(question.default),
        )
    except click.Abort as error:
        raise Interrupted(last_signal()) from error
    return answer


def _shown_path(path: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def _project_label(path: Path) -> str:
    """How a project is named in a message: its path, or its folder's name when it is here."""
    shown = _shown_path(path)
    return path.name if shown == "." else shown


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
