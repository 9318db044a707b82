"""The demo: generate the classification-api project into demo/ and run it end to end.

What a new user would do by hand: `portfoliokit new`, then the generated project's own
verbs `install` and `all` (pipeline on the bundled data, every report and figure), run as
`python tasks.py VERB` so that no make is needed, then a request to its API on 127.0.0.1.
The generated project's `check` (its lint and about 260 tests, a minute or more) is left
to the user, and to portfoliokit's test suite, which runs it on every template: the demo
stays within half a minute on a warm machine. It prints how long each step took.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "credit-risk-api"


TIMES: list[tuple[str, float]] = []


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"\n==> {title}", flush=True)
    start = time.perf_counter()
    yield
    TIMES.append((title, time.perf_counter() - start))


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    print("$ " + " ".join(args), flush=True)
    completed = subprocess.run(args, cwd=cwd, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(f"demo stopped: `{' '.join(args)}` exited with {completed.returncode}.")


def git_identity_env() -> dict[str, str]:
    """Use the user's git identity; a fresh machine without one gets a demo identity."""
    env = os.environ.copy()
    configured = subprocess.run(
        ["git", "config", "user.email"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not configured and "GIT_AUTHOR_EMAIL" not in env:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = "portfoliokit demo"
            env[f"GIT_{role}_EMAIL"] = "demo@portfoliokit.invalid"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call_api(project: Path) -> None:
    """Start the generated service, ask it one question, stop it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "tasks.py", "serve", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/ready", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("demo stopped: the API did not become ready within 20 s.")
        example = json.loads((project / "examples" / "request.json").read_text())
        request = urllib.request.Request(
            f"{base}/predict",
            data=json.dumps(example).encode(),
            headers={"Content-Type": "application/json"},
        )
        print(f"$ curl -X POST {base}/predict -H 'Content-Type: application/json' \\")
        print("       -d @examples/request.json")
        with urllib.request.urlopen(request, timeout=5) as response:
            print(json.dumps(json.loads(response.read()), indent=2))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


def main() -> None:
    if DEMO.exists():
        if not (DEMO / ".copier-answers.yml").is_file():
            sys.exit(f"{DEMO} exists and was not made by the demo; move it away first.")
        shutil.rmtree(DEMO)  # a previous demo run: start afresh
    DEMO.parent.mkdir(exist_ok=True)

    with step("Generate the project"):
        # demo/ lies inside this repository's work tree, where portfoliokit rightly refuses
        # to nest a repository: the demo skips git (the tests cover the repository part).
        run(sys.executable, "-m", "portfoliokit", "new", "classification-api", str(DEMO), "-y",
            "--no-git", cwd=ROOT, env=git_identity_env())  # fmt: skip
    for verb, title in [
        ("install", "Install it in its own virtual environment"),
        ("all", "Run its pipeline on the bundled German Credit data"),
    ]:
        with step(title):
            run(sys.executable, "tasks.py", verb, cwd=DEMO)
    with step("Ask its API for a decision"):
        call_api(DEMO)
    print("\n==> Done")
    for title, seconds in TIMES:
        print(f"{seconds:6.1f} s  {title}")
    print(f"{sum(s for _, s in TIMES):6.1f} s  in all")
    where = DEMO.relative_to(ROOT)
    print(f"Open {where}/README.md and reports/evaluation.md to see the results;")
    print(f"`cd {where} && python3 tasks.py check` runs its own lint and tests.")


if __name__ == "__main__":
    main()
