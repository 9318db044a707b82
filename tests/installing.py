"""Helpers for the tests that install: the package caches and the lock's view of a venv.

The autouse fixture in conftest.py gives every test a fake home, which would also give
uv and pip empty caches; the tests that install keep the real ones (read here, at
import, before any fixture runs), so that packages are downloaded once per machine.
"""

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from dev import installer
from packaging.markers import Marker
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHES = {
    "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR") or str(_CACHE / "uv"),
    "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR") or str(_CACHE / "pip"),
}
INSTALLER: dict[str, Any] = installer()
# Installed by `python -m venv` itself, so present on the pip path only.
PIP_OWN = {"pip", "setuptools"}


def without_uv_on_path(env: dict[str, str]) -> dict[str, str]:
    """env with PATH stripped of every folder that holds a `uv`."""
    folders = env.get("PATH", "").split(os.pathsep)
    kept = [f for f in folders if f and not (Path(f) / "uv").exists()]
    return env | {"PATH": os.pathsep.join(kept)}


def installed(project: Path, venv: Path | None = None) -> dict[str, str]:
    """Distribution name -> version in the project's .venv (or `venv`), the project itself
    left out."""
    script = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    python = (venv or project / ".venv") / "bin" / "python"
    said = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True)
    found = {canonicalize_name(name): version for name, version in json.loads(said.stdout).items()}
    own = tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"]
    found.pop(canonicalize_name(own), None)
    return found


def locked_for_this_machine(project: Path, extra: str) -> dict[str, str]:
    """What uv.lock says this machine's .venv holds: the project's dependencies and its
    `extra`, followed through the lock, each edge's marker judged on this machine."""
    lock = tomllib.loads((project / "uv.lock").read_text())
    packages = lock["package"]
    own = next(p for p in packages if "editable" in p["source"])
    wanted = list(own.get("dependencies", [])) + list(
        own.get("optional-dependencies", {}).get(extra, [])
    )
    chosen: dict[str, str] = {}
    while wanted:
        edge = wanted.pop()
        if "marker" in edge and not Marker(edge["marker"]).evaluate({"extra": ""}):
            continue
        name = edge["name"]
        if name in chosen:
            continue
        # A package locked at two versions: the edge names one, or the Python decides.
        (package,) = [
            p
            for p in packages
            if p["name"] == name
            and (p["version"] == edge["version"] if "version" in edge else holds(p))
        ]
        chosen[name] = package["version"]
        wanted += package.get("dependencies", [])
        for extra_name in edge.get("extra", []):
            wanted += package.get("optional-dependencies", {}).get(extra_name, [])
    return chosen


def holds(package: dict[str, Any]) -> bool:
    markers = package.get("resolution-markers")
    return markers is None or any(Marker(m).evaluate() for m in markers)
