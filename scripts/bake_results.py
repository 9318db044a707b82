"""Bake templates' demo results into the templates, from a real run.

    python scripts/bake_results.py [TEMPLATE_ID ...] [--verify] [--keep]

e.g. `classification-api` or `recommender`; without an ID, every template, one after the
other (`python3 scripts/dev.py bake [TEMPLATE_ID]` runs this with `--verify`).

portfoliokit itself runs no ML: a project generated with default answers shows results
because they were produced here, by the generated project's own pipeline. This script

0. brings the template's uv.lock.jinja up to date with its pyproject.toml.jinja
   (scripts/template_locks.py: versions already locked stay unless the dependencies
   changed), so that the results come from, and ship with, the locked versions,
1. renders the template with its default answers into a temporary folder,
2. runs its verbs `install`, `all` and `bench` there (`python tasks.py VERB`),
3. copies `reports/` (metrics, evaluation, performance, figures) into the template's
   conditional folder `{% if demo_results %}reports{% endif %}/`, and the results block
   of every doc (README, model card, data card) into the `{% raw %}` section that
   follows a `{# baked-results ... #}` comment in the doc's template,
4. checks that nothing machine-specific (temporary or home paths) was copied, and that
   the template now renders exactly the docs and reports the run produced.

With `--verify` it then does what portfoliokit's end-to-end test does: render afresh,
commit, run its `install` and `all` verbs, and require `git diff --exit-code` to be
clean. A template whose bake fails at any step is put back as it was, so a failed bake
never leaves half-baked results (or empty result blocks) behind.
Only the standard library and copier are used.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copier import run_copy

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
REPORTS_DIR = "{% if demo_results %}reports{% endif %}"
MARKER_START = "<!-- results:start -->"
MARKER_END = "<!-- results:end -->"
BAKED = re.compile(
    r"(?P<head>\{# baked-results[^#]*#\}\n\{% raw %\}\n)(?P<body>.*?)(?P<tail>\n\{% endraw %\})",
    re.DOTALL,
)
# Every Markdown and JSON report the run wrote is shipped (metrics.json, evaluation.md,
# performance.md; the recommender's tradeoffs.md and bench.json too), with the figures.
SHIPPED_SUFFIXES = (".json", ".md")
COMPARED = (
    "README.md",
    "reports/metrics.json",
    "reports/evaluation.md",
    "reports/tradeoffs.md",
    "docs",
)
ANSWERS = {
    "author_name": "Demo Author",
    "author_email": "demo@example.org",
    "portfoliokit_version": "0.0.0",
}


class BakeError(RuntimeError):
    """The bake cannot go on; the message says why."""


def render(template_id: str, destination: Path, **answers: str) -> None:
    """Render a template with its default answers, except those given."""
    run_copy(
        str(TEMPLATES),
        str(destination),
        data={"template_id": template_id, **ANSWERS, **answers},
        defaults=True,
        quiet=True,
    )


def run_verbs(project: Path, *verbs: str) -> None:
    """Run the project's verbs through its tasks.py, as `make VERB` would."""
    for verb in verbs:
        started = time.perf_counter()
        print(f"  {verb} ...", flush=True)
        result = subprocess.run(
            [sys.executable, "tasks.py", verb],
            cwd=project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BakeError(
                f"`{verb}` failed in the rendered project:\n{result.stdout}\n{result.stderr}"
            )
        print(f"  {verb}: {time.perf_counter() - started:.1f} s", flush=True)


def extract_block(text: str, name: str) -> str:
    if text.count(MARKER_START) != 1 or text.count(MARKER_END) != 1:
        raise BakeError(f"{name} has no single pair of results markers")
    return text.split(MARKER_START)[1].split(MARKER_END)[0].strip()


def baked_docs(template: Path) -> dict[Path, Path]:
    """Template file -> rendered doc path, for every doc template with a baked block."""
    found = {}
    for path in sorted(template.rglob("*.jinja")):
        if BAKED.search(path.read_text(encoding="utf-8")):
            found[path] = path.relative_to(template).with_suffix("")
    if not found:
        raise BakeError(f"no `{{# baked-results #}}` block found under {template.name}/")
    return found


SHIPPED_NOTE = (
    "As shipped with the project these figures were measured on the machine below when the\n"
    "template was built, not on yours; `make bench` measures again here and rewrites this file.\n"
)


def mark_as_shipped(performance: Path) -> None:
    """Timings travel with the template: say whose machine they are from (third paragraph,
    after the title and the bench's own first line)."""
    paragraphs = performance.read_text(encoding="utf-8").split("\n\n")
    note = SHIPPED_NOTE.rstrip("\n")
    if note not in paragraphs:
        paragraphs.insert(2, note)
    performance.write_text("\n\n".join(paragraphs), encoding="utf-8")


def copy_reports(project: Path, template: Path) -> None:
    source = project / "reports"
    target = template / REPORTS_DIR
    if target.exists():
        shutil.rmtree(target)
    (target / "figures").mkdir(parents=True)
    for report in sorted(source.iterdir()):
        if report.suffix in SHIPPED_SUFFIXES:
            shutil.copy2(report, target / report.name)
    if (target / "performance.md").exists():
        mark_as_shipped(target / "performance.md")
    for png in sorted((source / "figures").glob("*.png")):
        shutil.copy2(png, target / "figures" / png.name)


def splice_docs(project: Path, template: Path) -> None:
    for template_file, rendered in baked_docs(template).items():
        block = extract_block((project / rendered).read_text(encoding="utf-8"), str(rendered))
        if not block:
            raise BakeError(
                f"the run left the results block of {rendered} empty: no verb the bake runs "
                "(install, all, bench) writes it"
            )
        if "{% endraw %}" in block:
            raise BakeError(f"the results block of {rendered} contains a raw-block terminator")
        text = template_file.read_text(encoding="utf-8")
        match = BAKED.search(text)
        assert match is not None  # baked_docs() only lists files that match
        new = text[: match.start("body")] + block + text[match.end("body") :]
        template_file.write_text(new, encoding="utf-8")
        print(f"  baked the results block of {rendered}")


def check_no_leaks(template: Path, forbidden: list[str]) -> None:
    """Refuse machine paths in anything the bake wrote into the template."""
    written = [p for p in (template / REPORTS_DIR).rglob("*") if p.suffix in {".json", ".md"}]
    written += list(baked_docs(template))
    for path in written:
        text = path.read_text(encoding="utf-8")
        for needle in forbidden:
            if needle and needle in text:
                raise BakeError(f"{path.relative_to(TEMPLATES)} contains a machine path: {needle}")


def check_rerender(template_id: str, project: Path, workdir: Path) -> None:
    """The template must now render the docs and reports the run produced, byte for byte."""
    again = workdir / "rerendered"
    render(template_id, again)
    for name in COMPARED:
        left, right = project / name, again / name
        if not left.exists():  # e.g. a template without reports/tradeoffs.md
            continue
        if left.is_dir():
            cmp = filecmp.dircmp(left, right)
            if cmp.diff_files or cmp.left_only or cmp.right_only:
                raise BakeError(f"re-rendered {name}/ differs from the run: {cmp.diff_files}")
            for sub in cmp.common_dirs:
                sub_cmp = filecmp.dircmp(left / sub, right / sub)
                if sub_cmp.diff_files or sub_cmp.left_only or sub_cmp.right_only:
                    raise BakeError(f"re-rendered {name}/{sub}/ differs from the run")
        elif left.read_bytes() != right.read_bytes():
            raise BakeError(f"re-rendered {name} differs from what the run produced")


def verify(template_id: str, workdir: Path) -> None:
    """Fresh render, first commit, its `install` and `all` verbs, then a clean git diff."""
    project = workdir / "verify"
    render(template_id, project)
    env = os.environ | {
        "GIT_AUTHOR_NAME": "bake",
        "GIT_AUTHOR_EMAIL": "bake@example.org",
        "GIT_COMMITTER_NAME": "bake",
        "GIT_COMMITTER_EMAIL": "bake@example.org",
    }
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "init"]):
        subprocess.run(command, cwd=project, check=True, env=env)
    run_verbs(project, "install", "all")
    compared = [name for name in COMPARED if (project / name).exists()]
    diff = subprocess.run(
        ["git", "diff", "--exit-code", "--stat", "--", *compared],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if diff.returncode != 0:
        raise BakeError(f"the `all` verb changed committed results:\n{diff.stdout}")
    print("  verified: a fresh project's `all` verb leaves README, reports and docs unchanged")


def template_ids() -> list[str]:
    """Every template folder: the ones with a pyproject.toml.jinja."""
    return sorted(p.parent.name for p in TEMPLATES.glob("*/pyproject.toml.jinja"))


class Snapshot:
    """The files a bake writes into one template, to put back if the bake fails."""

    def __init__(self, template: Path) -> None:
        self.template = template
        self.files: dict[Path, bytes] = {}
        for path in [*baked_docs(template), template / "uv.lock.jinja"]:
            if path.is_file():
                self.files[path] = path.read_bytes()
        reports = template / REPORTS_DIR
        self.reports = {p: p.read_bytes() for p in reports.rglob("*") if p.is_file()}

    def restore(self) -> None:
        for path, content in self.files.items():
            path.write_bytes(content)
        reports = self.template / REPORTS_DIR
        if reports.exists():
            shutil.rmtree(reports)
        for path, content in self.reports.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "template_ids",
        nargs="*",
        metavar="TEMPLATE_ID",
        help="template folders under templates/, e.g. classification-api (default: all)",
    )
    parser.add_argument(
        "--verify", action="store_true", help="also run the end-to-end reproduction check"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder for inspection"
    )
    args = parser.parse_args(argv)
    known = template_ids()
    wanted = args.template_ids or known
    unknown = [t for t in wanted if t not in known]
    if unknown:
        print(
            f"error: no template {unknown[0]!r} under templates/; the templates are "
            f"{', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    # SIGTERM as Ctrl-C: the template being baked is put back before the bake stops.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        for template_id in wanted:
            print(f"== {template_id}", flush=True)
            if code := bake(template_id, verify_after=args.verify, keep=args.keep):
                return code
    except KeyboardInterrupt:
        print("interrupted: the template being baked is left as it was", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def bake(template_id: str, verify_after: bool, keep: bool) -> int:
    """Bake one template; on any failure put its files back and return non-zero."""
    import template_locks  # here: it imports this module's render()

    template = TEMPLATES / template_id
    try:
        snapshot = Snapshot(template)
    except BakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="bake-"))
    try:
        stored = template / template_locks.LOCK_TEMPLATE
        before = stored.read_bytes() if stored.exists() else b""
        after = template_locks.lock_template(template_id).read_bytes()
        print(f"lock: {'updated' if after != before else 'unchanged'}")
        project = workdir / "project"
        print(f"rendering {template_id} with default answers")
        render(template_id, project)
        run_verbs(project, "install", "all", "bench")
        copy_reports(project, template)
        splice_docs(project, template)
        check_no_leaks(template, [str(workdir), str(Path.home()), str(project / ".venv"), "/tmp/"])
        check_rerender(template_id, project, workdir)
        print("baked: the template renders exactly what the run produced")
        if verify_after:
            verify(template_id, workdir)
    except (BakeError, OSError, template_locks.LockError) as exc:
        snapshot.restore()
        print(f"error: {template_id}: {exc} (the template is left as it was)", file=sys.stderr)
        return 1
    except BaseException:  # Ctrl-C or SIGTERM mid-bake: nothing half-baked either
        snapshot.restore()
        raise
    finally:
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
