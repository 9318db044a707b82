"""The wheel carries the templates: build it, install it in a fresh venv, generate."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> str:
    completed = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_installed_wheel_generates_a_project(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("portfoliokit-*.whl")

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)

    listing = run(env / "bin" / "portfoliokit", "list", cwd=tmp_path)
    assert "classification-api" in listing and "recommender" in listing
    work = tmp_path / "work"
    work.mkdir()
    run(env / "bin" / "portfoliokit", "new", "nlp-pipeline", "-y", cwd=work)

    project = work / "sms-spam-filter"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["template_id"] == "nlp-pipeline"
    # Bytes, not text: the project ships figures (PNG) beside its text files.
    everything = b"".join(
        p.read_bytes() for p in project.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    assert b"site-packages" not in everything and str(tmp_path).encode() not in everything
