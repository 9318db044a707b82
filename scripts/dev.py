"""portfoliokit's own verbs, with or without make: `python3 scripts/dev.py VERB [ARGS]`.

    python3 scripts/dev.py demo    # generate the classification-api demo and run it end to end
    python3 scripts/dev.py test    # lint, type-check and run the whole test suite
    python3 scripts/dev.py test -m "not slow"   # ARGS go to the verb's last command

`make VERB` runs the same. Every verb first makes sure that .venv holds portfoliokit with
its test extra, and rebuilds it when pyproject.toml is newer than the last install. Only
the standard library is used, so a fresh machine needs nothing but Python 3.11+ and git.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PY = str(VENV / ("Scripts" if os.name == "nt" else "bin") / "python")
INSTALLED = VENV / ".installed"
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
            [PY, "-m", "pytest"],
        ],
    ),
    "bench": (
        "Measure `portfoliokit new` against plain Copier into docs/performance.md",
        [[PY, "benchmarks/bench_new.py"]],
    ),
    "bake": (
        "Re-run classification-api's pipeline, ship its results in the template, verify",
        [[PY, "scripts/bake_results.py", "classification-api", "--verify"]],
    ),
}


def run(command: list[str]) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)


def ensure_venv() -> int:
    """Create or refresh .venv when pyproject.toml changed since the last install."""
    pyproject = ROOT / "pyproject.toml"
    if INSTALLED.exists() and INSTALLED.stat().st_mtime >= pyproject.stat().st_mtime:
        return 0
    for command in (
        [sys.executable, "-m", "venv", str(VENV)],
        [PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [PY, "-m", "pip", "install", "--quiet", "-e", ".[test]"],
    ):
        if code := run(command):
            return code
    INSTALLED.touch()
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
    if code := ensure_venv():
        return code
    *commands, last = VERBS[verb][1]
    for command in [*commands, [*last, *extra]]:
        if code := run(command):
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
