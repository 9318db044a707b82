"""This project's verbs: `python3 tasks.py VERB`, or `make VERB` where make is installed.

Each verb is one or more commands over the project's virtual environment (.venv),
printed before they run. `python3 tasks.py help` lists the verbs.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PY = str(ROOT / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python")
PKG = "{{ package_name }}"

# Options a verb's commands may use as "{NAME}": set as NAME=VALUE after the verb or in
# the environment (`make serve PORT=9000` passes it through the environment).
OPTIONS: dict[str, str] = {}

# verb -> (what it does, the commands it runs)
VERBS: dict[str, tuple[str, list[list[str]]]] = {
    "install": (
        "Create .venv and install the project with its dev extra",
        [
            [sys.executable, "-m", "venv", str(ROOT / ".venv")],
            [PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]"],
        ],
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
