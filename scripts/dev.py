"""portfoliokit's own verbs, with or without make: `python3 scripts/dev.py VERB [ARGS]`.

    python3 scripts/dev.py demo    # generate the classification-api demo and run it end to end
    python3 scripts/dev.py test    # lint, type-check and run the whole test suite
    python3 scripts/dev.py test -m "not slow"   # ARGS go to the verb's last command
    python3 scripts/dev.py bake recommender     # bake one template (default: all)

`make VERB` runs the same. Every verb first makes sure that .venv holds portfoliokit with
its test extra at the versions in uv.lock, and re-installs when pyproject.toml or uv.lock
is newer than the last install. It installs with uv (`uv sync --locked`), taken from PATH
or fetched with pip into .tools/; when uv cannot be had, or INSTALLER=pip is set, with pip
pinned to the same versions. The installer is the one every generated project's
`tasks.py install` runs (templates/_shared/tasks/install.py). Only the standard library is
used, so a fresh machine needs nothing but Python 3.11+ and git.

The verbs' commands run with Python's bytecode cache allowed, as a default Python has it,
even where PYTHONDONTWRITEBYTECODE is set machine-wide: the demo and the test suite start
many Python processes on the same packages (portfoliokit's CLI; a generated project's
pipeline, tests and server), and without the cache each one compiles scikit-learn, scipy,
pandas and the rest from source again (the demo's API took 7 s to answer instead of 3 s).
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PY = str(VENV / ("Scripts" if os.name == "nt" else "bin") / "python")
INSTALLED = VENV / ".installed"
INSTALLER_CODE = ROOT / "templates" / "_shared" / "tasks" / "install.py"
CHECKED = ["src", "tests", "benchmarks", "scripts"]

# verb -> (what it does, the commands it runs over .venv)
VERBS: dict[str, tuple[str, list[list[str]]]] = {
    "demo": (
        "Generate the classification-api demo into demo/ and run it end to end",
        [[PY, "scripts/demo.py"]],
    ),
    "test": (
        "Lint, type-check and run the whole test suite (slow tests included)",
        [
            [PY, "-m", "ruff", "check", *CHECKED],
            [PY, "-m", "ruff", "format", "--check", *CHECKED],
            [PY, "-m", "mypy"],
            # On every core (at most four). tests/conftest.py puts the slow tests first and
            # a chunk of one hands them out one at a time, so they run side by side while
            # the quick ones fill the gaps. `-n 0` after the verb runs it in one process.
            [
                PY,
                "-m",
                "pytest",
                "-n",
                "auto",
                "--maxprocesses",
                "4",
                "--dist",
                "load",
                "--maxschedchunk",
                "1",
                "--durations=15",  # the slowest tests, for keeping CI's time in check
            ],
        ],
    ),
    "bench": (
        "Measure `portfoliokit new` against plain Copier into docs/performance.md",
        [[PY, "benchmarks/bench_new.py"]],
    ),
    "lock": (
        "Update uv.lock and every template's uv.lock.jinja after a dependency change",
        [[PY, "scripts/template_locks.py"]],
    ),
    "bake": (
        "Re-run every template's pipeline (or the one named), ship its results, verify",
        [[PY, "scripts/bake_results.py", "--verify"]],
    ),
}


def run(command: list[str]) -> int:
    print("$ " + " ".join(command), flush=True)
    env = with_tools_on_path()
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # see the module's docstring
    return subprocess.call(command, cwd=ROOT, env=env)


def with_tools_on_path() -> dict[str, str]:
    """The environment, with the uv fetched into .tools/ on PATH (unless INSTALLER=pip), so
    that the projects a verb generates use it instead of fetching their own."""
    tools = ROOT / ".tools" / "uv" / ("Scripts" if os.name == "nt" else "bin")
    if os.environ.get("INSTALLER") == "pip" or shutil.which("uv") or not tools.is_dir():
        return dict(os.environ)
    return os.environ | {"PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}


def installer() -> dict[str, Any]:
    """The functions of the generated projects' installer, run here for portfoliokit with
    the names that tasks.py imports for it."""
    import importlib.util  # after main's version check: tomllib needs Python 3.11+

    modules = ["ensurepip", "importlib", "os", "re", "shutil", "subprocess", "sys", "tomllib"]
    names = {name: importlib.import_module(name) for name in modules}
    names |= {"Any": Any, "Callable": Callable, "Path": Path}
    return runpy.run_path(str(INSTALLER_CODE), init_globals=names)


def ensure_venv() -> int:
    """Install .venv when pyproject.toml or uv.lock changed since the last install."""
    wanted = os.environ.get("INSTALLER", "")
    inputs = [ROOT / "pyproject.toml", ROOT / "uv.lock"]
    if (
        INSTALLED.exists()
        and INSTALLED.read_text(encoding="utf-8") == wanted
        and all(INSTALLED.stat().st_mtime >= path.stat().st_mtime for path in inputs)
    ):
        return 0
    if code := installer()["install"](ROOT, "test", "python3 scripts/dev.py lock"):
        return int(code)
    INSTALLED.write_text(wanted, encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    verb, *extra = argv or ["help"]
    if verb == "help":
        for name, (purpose, _) in VERBS.items():
            print(f"  {name:<6} {purpose}")
        return 0
    if verb not in VERBS:
        print(
            f"dev.py: no verb {verb!r}; `python3 scripts/dev.py help` lists them.", file=sys.stderr
        )
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 the user has
        print("dev.py: portfoliokit needs Python 3.11 or newer; run it with one.", file=sys.stderr)
        return 2
    if verb == "lock" and (code := installer()["lock"](ROOT, "--upgrade" in extra)):
        return int(code)  # portfoliokit's own lock first: ensure_venv needs one that matches
    if code := ensure_venv():
        return code
    *commands, last = VERBS[verb][1]
    for command in [*commands, [*last, *extra]]:
        if code := run(command):
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
