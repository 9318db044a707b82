"""Whole-process wall time of `portfoliokit new` against plain `copier copy`.

For each template: the median of --runs runs of `portfoliokit new TEMPLATE DEST -y`
(render, git init and first commit included) beside `copier copy` of the same Copier
root with the same answers; also `portfoliokit --help`, and optionally
cookiecutter-data-science's generator on a local checkout of its template (this
machine has no network to let `ccds` clone it). Writes docs/performance.md.

    make bench
    python benchmarks/bench_new.py --runs 9 --ccds-template /path/to/cookiecutter-data-science
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PHASES_SCRIPT = ROOT / "benchmarks" / "new_phases.py"
OUTSIDE_PHASES = "Python start-up and shut-down"
ANSWERS = {"author_name": "Bench Author", "author_email": "bench@example.org"}
GOAL_RATIO = 1.25
GOAL_HELP_MS = 150.0
HELP = "`portfoliokit --help`"
IMPORT_COPIER = "`python -c 'import copier'`"
PYTHON_STARTUP = "`python -c pass`"
CCDS = "`ccds --no-input` (cookiecutter-data-science, local template)"


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> str:
        return (
            f"| {self.label} | {self.median * 1000:.0f} | {min(self.seconds) * 1000:.0f} "
            f"| {max(self.seconds) * 1000:.0f} |"
        )


def settle() -> None:
    """Write out what earlier runs left in the page cache, outside the timed span.

    Without this, a run pays for the writes of the runs before it (the kernel makes a
    writer wait while much is pending), and the template that writes most pays most.
    A user's single `new` starts without that backlog.
    """
    os.sync()


def measure(
    runs: int, commands: dict[str, Callable[[Path], Sequence[str]]], env: dict[str, str]
) -> list[Timing]:
    """Time each command `runs` times into a fresh folder, after one warm-up run each.

    The commands take turns within every round, so a slow spell of the machine falls on
    all of them alike instead of on whichever happened to run then.
    """
    seconds: dict[str, list[float]] = {label: [] for label in commands}
    with tempfile.TemporaryDirectory() as scratch:
        for attempt in range(runs + 1):
            for index, (label, command) in enumerate(commands.items()):
                dest = Path(scratch) / f"run{attempt}-{index}"
                settle()
                started = time.perf_counter()
                subprocess.run(command(dest), env=env, cwd=scratch, check=True, capture_output=True)
                elapsed = time.perf_counter() - started
                if attempt:  # the first round warms the file and template caches
                    seconds[label].append(elapsed)
                shutil.rmtree(dest, ignore_errors=True)
    return [Timing(label, values) for label, values in seconds.items()]


def isolated_env(scratch: Path) -> dict[str, str]:
    """The environment every timed command runs in.

    A git identity of its own, so the benchmark never depends on the user's config; a
    cache folder of its own, which the warm-up round fills as a user's first run would;
    and bytecode writing allowed, so an editable checkout's modules load from .pyc files
    like an installed wheel's (pip byte-compiles on install).
    """
    config = scratch / "gitconfig"
    config.write_text("[user]\n\tname = Bench Author\n\temail = bench@example.org\n")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CACHE_HOME": str(scratch / "cache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_commands(
    ccds_template: Path | None, ccds: str
) -> tuple[list[tuple[str, str]], dict[str, Callable[[Path], Sequence[str]]]]:
    """Every timed command by label, and (portfoliokit, copier) label pairs per template."""
    from portfoliokit.catalogue import list_templates, templates_root

    pk_version = version("portfoliokit")
    data = [f"{k}={v}" for k, v in ANSWERS.items()]
    pairs: list[tuple[str, str]] = []
    table: dict[str, Callable[[Path], Sequence[str]]] = {}
    for info in list_templates():
        pk_label = f"`portfoliokit new {info.id} -y`"
        copier_label = f"`copier copy` ({info.id}, same answers)"
        pairs.append((pk_label, copier_label))
        table[pk_label] = lambda d, t=info.id: [
            str(BIN / "portfoliokit"), "new", t, str(d), "-y",
            *[a for pair in data for a in ("--data", pair)],
        ]  # fmt: skip
        table[copier_label] = lambda d, t=info.id: [
            str(BIN / "copier"), "copy", "--defaults", "--quiet",
            "-d", f"template_id={t}", "-d", f"portfoliokit_version={pk_version}",
            *[a for pair in data for a in ("-d", pair)],
            str(templates_root()), str(d),
        ]  # fmt: skip
    table[HELP] = lambda d: [str(BIN / "portfoliokit"), "--help"]
    table[IMPORT_COPIER] = lambda d: [sys.executable, "-c", "import copier"]
    table[PYTHON_STARTUP] = lambda d: [sys.executable, "-c", "pass"]
    if ccds_template is not None:
        table[CCDS] = lambda d: [ccds, str(ccds_template), "--no-input", "-o", str(d)]
    return pairs, table


def phase_medians(runs: int, env: dict[str, str]) -> dict[str, dict[str, float]]:
    """Template id -> phase -> median milliseconds, from benchmarks/new_phases.py."""
    from portfoliokit.catalogue import list_templates

    samples: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for attempt in range(runs):
            for info in list_templates():
                dest = Path(scratch) / f"{info.id}-{attempt}"
                settle()
                started = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, str(PHASES_SCRIPT), info.id, str(dest)],
                    env=env, cwd=scratch, check=True, capture_output=True, text=True,
                )  # fmt: skip
                whole_ms = (time.perf_counter() - started) * 1000
                phases = json.loads(result.stdout)
                phases[OUTSIDE_PHASES] = whole_ms - sum(phases.values())
                for phase, ms in phases.items():
                    samples.setdefault(info.id, {}).setdefault(phase, []).append(ms)
                shutil.rmtree(dest, ignore_errors=True)
    return {
        template: {phase: statistics.median(values) for phase, values in by_phase.items()}
        for template, by_phase in samples.items()
    }


def phase_report(phases: dict[str, dict[str, float]], startup: Timing, runs: int) -> str:
    templates = list(phases)
    lines = [
        "",
        "## Phases of one `portfoliokit new -y` process",
        "",
        f"Median milliseconds of {runs} runs of `python benchmarks/new_phases.py TEMPLATE DEST` "
        "(the real command with timestamps between phases), run after the rounds above. "
        "A phase that imports a module counts only what earlier phases have not imported "
        f"yet. The last phase is the whole process's wall time minus the others: Python's "
        f"start-up (`python -c pass` alone takes {startup.median * 1000:.0f} ms) and its "
        "shut-down, which `portfoliokit` shortens by freezing its objects out of the cycle "
        "collector's last passes (`main` in `src/portfoliokit/cli.py`).",
        "",
        "| phase | " + " | ".join(templates) + " |",
        "|---|" + "---:|" * len(templates),
    ]
    for phase in phases[templates[0]]:
        cells = " | ".join(f"{phases[t].get(phase, 0.0):.0f}" for t in templates)
        lines.append(f"| {phase} | {cells} |")
    totals = " | ".join(f"{sum(phases[t].values()):.0f}" for t in templates)
    lines.append(f"| sum of medians | {totals} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (median)")
    parser.add_argument(
        "--ccds-template", type=Path, help="local checkout of cookiecutter-data-science"
    )
    parser.add_argument("--ccds", default="ccds", help="the ccds executable")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")

    pairs, table = timed_commands(args.ccds_template, args.ccds)
    with tempfile.TemporaryDirectory() as scratch_dir:
        env = isolated_env(Path(scratch_dir))
        timings = {t.label: t for t in measure(args.runs, table, env)}
        phases = phase_medians(args.runs, env)
        ccds_repository = makes_git_repository(table[CCDS], env) if CCDS in table else None
    ccds_about = describe_ccds(args.ccds, args.ccds_template) if args.ccds_template else None
    for label, timing in timings.items():
        print(f"{timing.median * 1000:6.0f} ms  {label}")
    rows = [(timings[pk], timings[plain]) for pk, plain in pairs]
    report_text = report(
        rows,
        timings[HELP],
        timings[IMPORT_COPIER],
        timings[PYTHON_STARTUP],
        timings.get(CCDS),
        args.runs,
        ccds_repository,
        ccds_about,
    )
    report_text += phase_report(phases, timings[PYTHON_STARTUP], args.runs)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report_text)
    print(f"wrote {args.output}")


def paired_ratio(first: Timing, second: Timing) -> float:
    """Median over the rounds of first/second, both measured in the same round."""
    return statistics.median(a / b for a, b in zip(first.seconds, second.seconds, strict=True))


def describe_ccds(ccds: str, template: Path) -> str:
    """The ccds package version and the template checkout's commit, as far as known."""
    python = Path(ccds).parent / "python"
    package = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; "
         "print(m.version('cookiecutter-data-science'))"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    commit = subprocess.run(
        ["git", "-C", str(template), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return f"package {package or 'version unknown'}, template " + (
        f"checkout at commit {commit}" if commit else "checkout of unknown commit"
    )


def makes_git_repository(command: Callable[[Path], Sequence[str]], env: dict[str, str]) -> bool:
    """Run `command` once and say whether its output holds a git repository."""
    with tempfile.TemporaryDirectory() as scratch:
        dest = Path(scratch) / "out"
        subprocess.run(command(dest), env=env, cwd=scratch, check=True, capture_output=True)
        return any(dest.rglob(".git"))


def report(
    rows: list[tuple[Timing, Timing]],
    help_timing: Timing,
    import_timing: Timing,
    startup: Timing,
    ccds: Timing | None,
    runs: int,
    ccds_repository: bool | None = None,
    ccds_about: str | None = None,
) -> str:
    lines = [
        "# Performance of `portfoliokit new`",
        "",
        "Whole-process wall time (Python start-up, Copier render, and for portfoliokit the git",
        "init and first commit), median of "
        f"{runs} runs after one warm-up round, each into a fresh folder. Every command below "
        "takes one turn in every round, so a slow spell of the machine (wall times on this VM "
        "swing by 15 % or more between minutes) falls on all of them alike. The commands run "
        "with a git identity and a cache folder of their own, and may write .pyc files, as "
        "an installed wheel has them. Before each run (outside the timed span) `sync` writes "
        "out what earlier runs left pending, so that no run waits on its predecessors' "
        "writes, as a user's single run does not.",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, copier {version('copier')}, "
        f"GitPython {version('gitpython')}, portfoliokit {version('portfoliokit')}.",
        "",
        "Reproduce: `make bench`, or `python benchmarks/bench_new.py --runs 15 "
        "--ccds-template PATH --ccds CCDS` with a local checkout of cookiecutter-data-science "
        "(this machine cannot reach GitHub for `ccds` to clone it) and its `ccds` installed "
        "(`pip install cookiecutter-data-science`).",
        "",
        *([f"cookiecutter-data-science: {ccds_about}.", ""] if ccds_about else []),
        "| command | median ms | min ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for pk, plain in rows:
        lines += [pk.row(), plain.row()]
    lines += [help_timing.row(), import_timing.row(), startup.row()]
    if ccds is not None:
        lines.append(ccds.row())
    lines += [
        "",
        "## Goals",
        "",
        "A ratio is the median over the rounds of the two commands' times in the same round, "
        "which cancels most of a slow spell that the medians above each absorb on their own.",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
    ]
    for pk, plain in rows:
        ratio = paired_ratio(pk, plain)
        lines.append(
            f"| {pk.label} at most {GOAL_RATIO:.2f} x plain Copier | {ratio:.2f} x "
            f"| {'yes' if ratio <= GOAL_RATIO else 'no'} |"
        )
        if ccds is not None:
            ratio = paired_ratio(pk, ccds)
            lines.append(
                f"| {pk.label} no slower than ccds | {ratio:.2f} x "
                f"| {'yes' if ratio <= 1 else 'no'} |"
            )
    help_ms = help_timing.median * 1000
    lines.append(
        f"| `portfoliokit --help` under {GOAL_HELP_MS:.0f} ms | {help_ms:.0f} ms "
        f"| {'yes' if help_ms < GOAL_HELP_MS else 'no'} |"
    )
    lines += [
        "",
        "## Where the time goes",
        "",
        "portfoliokit's own share is the difference between its median and plain Copier's: "
        + ", ".join(
            f"{(pk.median - plain.median) * 1000:+.0f} ms for {pk.label.split()[2]}"
            for pk, plain in rows
        )
        + ". It covers Python importing click and GitPython (Copier is imported by both), "
        "reading the question files, two `git` checks before writing, `git init`, `git add`, "
        "the commit and the rename into place; the phases table below splits it up. It can "
        "come out negative because portfoliokit shortens its own shut-down (see the phases "
        "table) and spares Copier repeated work "
        "(`src/portfoliokit/copier_tuning.py`): compiling the same path and question strings "
        "again and again, compiling template files and strings that are already in its "
        "bytecode cache (filled by the warm-up round, as by a user's first run), a fresh "
        "render context for the answers file's name at every path part, parsing YAML in "
        "pure Python, one `git config` per rendered file, and three git probes of the "
        "template folder.",
        "",
        "The rest is Copier itself. A Python process that only imports it takes "
        f"{import_timing.median * 1000:.0f} ms, and rendering grows with the number and size "
        "of a template's files (tests/expected_files/ lists them). classification-api is "
        "the largest: 60 files, among them the German Credit CSV (240 KB) and four "
        "figures, which Copier copies and git hashes and compresses.",
    ]
    if ccds is None:
        lines += [
            "",
            "cookiecutter-data-science was not measured in this run (no --ccds-template).",
        ]
    elif ccds_repository is not None:
        lines += [
            "",
            "`ccds --no-input` "
            + ("makes a git repository too." if ccds_repository else "makes no git repository")
            + (
                ""
                if ccds_repository
                else " (checked on one more run of it), while every portfoliokit figure above "
                "includes `git init`, `git add` and the first commit (see the phases table)."
            ),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
