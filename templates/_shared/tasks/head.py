"""This project's verbs: `python3 tasks.py VERB`, or `make VERB` where make is installed.

Each verb is one or more commands over the project's virtual environment (.venv),
printed before they run. `python3 tasks.py help` lists the verbs. `install` builds .venv
from uv.lock with uv (fetched into .tools/ if it is not on PATH), or with pip pinned to
the same versions when uv cannot be had or INSTALLER=pip is set.
"""

import ensurepip
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PY = str(ROOT / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python")
PKG = "{{ package_name }}"

# Options a verb's commands may use as "{NAME}": set as NAME=VALUE after the verb or in
# the environment (`make serve PORT=9000` passes it through the environment).
OPTIONS: dict[str, str] = {}
{% include "_shared/tasks/install.py" %}

# verb -> (what it does, the commands it runs, or the function that runs them)
VERBS: dict[str, tuple[str, list[list[str]] | Callable[[], int]]] = {
    "install": (
        "Create .venv with the project and its dev extra at the versions in uv.lock",
        lambda: install(ROOT, "dev"),
    ),
    "lock": (
        "Update uv.lock after a change to the dependencies in pyproject.toml",
        lambda: lock(ROOT),
    ),
    "lint": (
        "Check style and types (ruff, mypy)",
        [
            [PY, "-m", "ruff", "check", "."],
            [PY, "-m", "ruff", "format", "--check", "."],
            [PY, "-m", "mypy", "src"],
        ],
    ),
    "format": (
        "Apply ruff's formatting and safe fixes",
        [[PY, "-m", "ruff", "check", "--fix", "."], [PY, "-m", "ruff", "format", "."]],
    ),
    "test": ("Run the test suite", [[PY, "-m", "pytest"]]),
}
VERBS["check"] = ("Lint and test: what CI runs", VERBS["lint"][1] + VERBS["test"][1])
