"""Each template's uv.lock, so that a generated project's first commit pins every package.

    python scripts/template_locks.py [TEMPLATE ...] [--upgrade]   # write uv.lock.jinja
    python scripts/template_locks.py --check [TEMPLATE ...]       # fail if one is stale

A template ships `uv.lock.jinja`, made from `uv lock` on the template rendered with its
default answers. uv records the project itself as one `[[package]]` entry under its
name, and sorts entries by name; everything else in the lock depends only on the
dependencies in `pyproject.toml.jinja`. So the stored lock is the rendered lock with that
one entry turned into a macro that takes the project's name (`project_slug`, already in
the lower-case, hyphenated form uv normalises names to) and is placed, for any name,
where uv would sort it. `--check` renders each template and asks `uv lock --check`
whether the rendered lock still matches the rendered pyproject.toml.

Locking keeps the versions already in the lock where they still satisfy pyproject.toml,
as `uv lock` does; `--upgrade` moves every package to its newest allowed version.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bake_results import TEMPLATES, render
from dev import installer

LOCK_TEMPLATE = "uv.lock.jinja"
RELOCK = "python3 scripts/dev.py lock"
PACKAGE_START = re.compile(r"\n(?=\[\[package\]\]\n)")
NAME_LINE = re.compile(r'\A\[\[package\]\]\nname = "(?P<name>[^"]+)"\n')
PROJECT_SOURCE = 'source = { editable = "." }\n'
REGISTRY = 'source = { registry = "https://pypi.org/simple" }'
HEADER = """\
{#- uv.lock of this template: written by `python3 scripts/dev.py lock` from `uv lock` on the
    template rendered with its default answers (scripts/template_locks.py). The project's own
    entry takes the project's name and the place uv sorts it into. Change the dependencies
    in pyproject.toml.jinja and run that command; never edit this file by hand. -#}
"""


class LockError(RuntimeError):
    """A lock cannot be made or is stale; the message says what to do."""


def template_ids() -> list[str]:
    return sorted(p.parent.name for p in TEMPLATES.glob("*/pyproject.toml.jinja"))


def raw(text: str) -> str:
    if "{% endraw %}" in text:
        raise LockError("uv.lock contains a Jinja raw-block terminator")
    return "{% raw %}" + text + "{% endraw %}"


def to_jinja(lock_text: str, project_name: str) -> str:
    """The Jinja template that renders `lock_text` for a project of any name."""
    header, *packages = PACKAGE_START.split(lock_text)
    names = []
    for package in packages:
        match = NAME_LINE.match(package)
        if match is None:
            raise LockError(f"unexpected package entry in uv.lock: {package[:60]!r}")
        names.append(match["name"])
    if names != sorted(names):
        raise LockError("uv.lock entries are not sorted by name as expected")
    if names.count(project_name) != 1:
        raise LockError(f"uv.lock has no single entry for the project {project_name!r}")
    index = names.index(project_name)
    project = packages.pop(index)
    names.pop(index)
    if PROJECT_SOURCE not in project:
        raise LockError(f"the entry for {project_name!r} is not the editable project")
    for package, name in zip(packages, names, strict=True):
        if REGISTRY not in package:
            raise LockError(f"uv.lock takes {name} from elsewhere than PyPI ({REGISTRY})")
    after_name = project[NAME_LINE.match(project).end() :]  # type: ignore[union-attr]
    macro = (
        "{% macro project() %}"
        + raw("\n[[package]]\nname = ")
        + "{{ project_slug | tojson }}"
        + raw("\n" + after_name)
        + "{% endmacro -%}\n"
    )
    parts = [HEADER, macro, raw(header)]
    for index, package in enumerate(packages):
        parts.append(gap(names[index - 1] if index else "", names[index]))
        parts.append(raw("\n" + package))
    parts.append(gap(names[-1] if names else "", None))
    return "".join(parts)


def gap(low: str, high: str | None) -> str:
    """The project's entry, if its name sorts between `low` and `high`."""
    test = f"project_slug > {json.dumps(low)}"
    if high is not None:
        test += f" and project_slug < {json.dumps(high)}"
    return f"{{% if {test} %}}{{{{ project() }}}}{{% endif %}}"


def uv_binary() -> str:
    uv = installer()["find_uv"](TEMPLATES.parent)
    if uv is None:
        raise LockError("uv is needed to lock the templates: install uv, or let pip fetch it")
    return str(uv)


def uv(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [uv_binary(), *args, "--python", sys.executable],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip


def project_name_of(project: Path) -> str:
    import tomllib

    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["name"])


def lock_template(template_id: str, upgrade: bool = False) -> Path:
    """Write templates/<id>/uv.lock.jinja from `uv lock` on the rendered template."""
    with tempfile.TemporaryDirectory(prefix="lock-") as folder:
        project = Path(folder) / "project"
        render(template_id, project)
        locked = uv("lock", *(["--upgrade"] if upgrade else []), cwd=project)
        if locked.returncode != 0:
            raise LockError(f"`uv lock` failed for {template_id}:\n{locked.stderr}")
        lock_text = (project / "uv.lock").read_text(encoding="utf-8")
        target = TEMPLATES / template_id / LOCK_TEMPLATE
        target.write_text(to_jinja(lock_text, project_name_of(project)), encoding="utf-8")
    return target


def check_lock(project: Path, stale: str) -> None:
    """Require uv.lock in `project` to be what `uv lock` would write for its pyproject.toml.

    `uv lock --check` accepts a lock whose versions satisfy pyproject.toml; that uv would
    also write the entries in this order (sorted by name), with the project's own entry
    under the project's name, is checked here. `stale` says what to run if not.
    """
    import tomllib

    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    names = [package["name"] for package in lock.get("package", [])]
    own = [p["name"] for p in lock.get("package", []) if "editable" in p.get("source", {})]
    if names != sorted(names) or own != [project_name_of(project)]:
        raise LockError(f"uv.lock is not in the order or under the name uv gives: {stale}")
    checked = uv("lock", "--check", "--offline", cwd=project)
    if checked.returncode != 0:
        checked = uv("lock", "--check", cwd=project)  # the cache may lack a package
    if checked.returncode != 0:
        raise LockError(f"{stale}\nuv said: {checked.stderr.strip()}")


def check_own_lock(root: Path = TEMPLATES.parent) -> None:
    """portfoliokit's own uv.lock against its pyproject.toml."""
    check_lock(root, f"uv.lock does not match pyproject.toml: run `{RELOCK}` and commit both.")


def check_template(template_id: str, **answers: str) -> None:
    """Render the template (default answers but those given) and check its lock."""
    with tempfile.TemporaryDirectory(prefix="lock-check-") as folder:
        project = Path(folder) / "project"
        render(template_id, project, **answers)
        check_lock(
            project,
            f"templates/{template_id}/{LOCK_TEMPLATE} does not match its pyproject.toml.jinja:"
            f" run `{RELOCK}` and commit the result.",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("template_ids", nargs="*", help="templates to lock (default: all)")
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    parser.add_argument("--upgrade", action="store_true", help="newest allowed versions")
    args = parser.parse_args(argv)
    chosen = args.template_ids or template_ids()
    unknown = sorted(set(chosen) - set(template_ids()))
    if unknown:
        print(f"error: no template {', '.join(unknown)}; known: {template_ids()}", file=sys.stderr)
        return 2
    try:
        if args.check and not args.template_ids:
            check_own_lock()
            print("portfoliokit: uv.lock matches pyproject.toml")
        for template_id in chosen:
            if args.check:
                check_template(template_id)
                print(f"{template_id}: uv.lock matches pyproject.toml")
            else:
                target = lock_template(template_id, upgrade=args.upgrade)
                print(f"{template_id}: wrote {target.relative_to(TEMPLATES.parent)}")
    except LockError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
