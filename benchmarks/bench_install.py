"""Time a generated project's `python3 tasks.py install` with uv and with pip.

    python benchmarks/bench_install.py [--template classification-api] [--runs 3]
                                       [--write docs/performance.md]

Generates the project once with `portfoliokit new -y`, then times the whole install
process (wall clock, median of --runs) in each situation below, every run in a fresh copy
of the project unless the row says second run:

- uv on PATH: empty uv cache (a first install on a new machine), warm cache (a fresh clone
  on a machine that has installed before), and the second run in the same folder;
- uv not on PATH, fetched into .tools/ with pip (warm pip and uv caches);
- INSTALLER=pip: empty pip cache, warm pip cache, and the second run.

pip reads no configuration file and no local wheel folders here (PIP_CONFIG_FILE is the
null device), so that both installers download from PyPI as on a user's machine. With
--write, the table replaces the part of that file between the install-benchmark markers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START = "<!-- install-benchmark:start -->"
END = "<!-- install-benchmark:end -->"


def without_uv(path: str) -> str:
    return os.pathsep.join(f for f in path.split(os.pathsep) if f and not Path(f, "uv").exists())


def uv_folder() -> str:
    """A folder holding uv, for the rows that have uv on PATH."""
    found = shutil.which("uv") or str(REPO / ".tools" / "uv" / "bin" / "uv")
    if not Path(found).is_file():
        sys.exit(
            "bench_install: no uv; run `python3 scripts/dev.py help` first? (dev.py fetches it)"
        )
    return str(Path(found).parent)


def timed(project: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "tasks.py", "install"], cwd=project, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"bench_install: install failed:\n{completed.stdout}\n{completed.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default="classification-api")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, help="markdown file to put the table into")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-install-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    base = os.environ | {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    base.pop("PIP_FIND_LINKS", None)
    base.pop("INSTALLER", None)
    base["GIT_AUTHOR_NAME"] = base["GIT_COMMITTER_NAME"] = "bench"
    base["GIT_AUTHOR_EMAIL"] = base["GIT_COMMITTER_EMAIL"] = "bench@example.org"
    generated = work / "generated"
    subprocess.run(
        [sys.executable, "-m", "portfoliokit", "new", args.template, str(generated), "-y"],
        env=base, check=True, capture_output=True,
    )  # fmt: skip
    uv_cache, pip_cache = work / "uv-cache", work / "pip-cache"
    with_uv = base | {"PATH": uv_folder() + os.pathsep + without_uv(base["PATH"])}
    no_uv = base | {"PATH": without_uv(base["PATH"])}
    copies = iter(range(10_000))

    def fresh() -> Path:
        target = work / f"copy-{next(copies)}"
        shutil.copytree(generated, target, symlinks=True)
        return target

    def empty(cache: Path) -> Path:
        shutil.rmtree(cache, ignore_errors=True)
        return cache

    uv_env = with_uv | {"UV_CACHE_DIR": str(uv_cache)}
    fetch_env = no_uv | {"UV_CACHE_DIR": str(uv_cache), "PIP_CACHE_DIR": str(pip_cache)}
    pip_env = no_uv | {"INSTALLER": "pip", "PIP_CACHE_DIR": str(pip_cache)}
    second_uv, second_pip = fresh(), fresh()

    def cold_uv() -> float:
        return timed(fresh(), uv_env | {"UV_CACHE_DIR": str(empty(uv_cache))})

    def cold_pip() -> float:
        return timed(fresh(), pip_env | {"PIP_CACHE_DIR": str(empty(pip_cache))})

    rows: list[tuple[str, Callable[[], float]]] = [
        ("uv on PATH, empty uv cache", cold_uv),
        ("uv on PATH, warm uv cache", lambda: timed(fresh(), uv_env)),
        ("uv on PATH, second run in the same folder", lambda: timed(second_uv, uv_env)),
        ("uv not on PATH: fetched into .tools/ with pip, warm caches",
         lambda: timed(fresh(), fetch_env)),
        ("INSTALLER=pip, empty pip cache", cold_pip),
        ("INSTALLER=pip, warm pip cache", lambda: timed(fresh(), pip_env)),
        ("INSTALLER=pip, second run in the same folder", lambda: timed(second_pip, pip_env)),
    ]  # fmt: skip
    # Untimed: the first runs of the two second-run folders, and one fetch of uv with pip,
    # which leaves uv's wheel in the pip cache as a previous fetch would have.
    timed(second_uv, uv_env)
    timed(second_pip, pip_env)
    timed(fresh(), fetch_env)
    results = []
    load = os.getloadavg()
    for label, measure in rows:
        times = [measure() for _ in range(args.runs)]
        results.append((label, statistics.median(times), min(times), max(times)))
        print(f"{label}: median {statistics.median(times):.1f} s", flush=True)
    pip = subprocess.run(
        [str(second_pip / ".venv" / "bin" / "python"), "-m", "pip", "--version"],
        capture_output=True, text=True, check=True,
    ).stdout.split()[1]  # fmt: skip
    table = report(args, results, pip, load)
    print(table)
    if args.write:
        text = args.write.read_text(encoding="utf-8")
        if START not in text or END not in text:
            sys.exit(f"bench_install: {args.write} has no {START} ... {END} markers")
        head, rest = text.split(START, 1)
        args.write.write_text(head + START + "\n" + table + END + rest.split(END, 1)[1])
    return 0


def report(
    args: argparse.Namespace,
    results: list[tuple[str, float, float, float]],
    pip: str,
    load: tuple[float, float, float],
) -> str:
    uv = subprocess.run(
        [str(Path(uv_folder()) / "uv"), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    lines = [
        f"`python3 tasks.py install` in a fresh `{args.template}` project, wall time of the"
        f" whole process, median of {args.runs} runs (min to max); uv {uv}, pip {pip} (the one"
        f" `python -m venv` puts into .venv), Python {sys.version.split()[0]}, {os.cpu_count()}"
        f" cores; 1-minute load average {load[0]:.1f} before and {os.getloadavg()[0]:.1f} after"
        " the runs (other work on the machine slows every row alike).",
        "",
        f"Reproduce: `python benchmarks/bench_install.py --template {args.template}"
        f" --runs {args.runs} --write docs/performance.md`",
        "",
        "| install | median s | min s | max s |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | {mid:.1f} | {low:.1f} | {high:.1f} |" for label, mid, low, high in results
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
