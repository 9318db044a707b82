"""A generated project's `tasks.py` lets a server stop in its own way on Ctrl-C or SIGTERM.

A real HTTP server on 127.0.0.1 (the standard library's, so the test needs no project
virtual environment) is run as a verb of a freshly rendered project's `tasks.py`, driven
through a pseudo-terminal as a user would run it; the signals are real.
"""

import shutil
import signal
import sys
import urllib.request
from pathlib import Path

import pexpect
import pytest

from .conftest import free_port, generate

# Runs tasks.py as `python3 tasks.py serve` would, with `serve` bound to http.server.
RUNNER = """
import runpy, sys
sys.argv = ["tasks.py", "serve"]
tasks = runpy.run_path("tasks.py", run_name="tasks")
server = [sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", sys.argv_port]
tasks["VERBS"]["serve"] = ("Serve files", [server])
sys.exit(tasks["main"](["serve"]))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("tasks") / "p"
    generate(dest, "classification-api")
    return dest


def as_in_a_terminal() -> None:
    """Ctrl-C at its default, as a terminal's shell leaves it: a test run started in the
    background of a non-interactive shell inherits SIGINT ignored, and Python then never
    raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(project: Path, via_make: bool) -> tuple[pexpect.spawn, str]:
    port = free_port()
    runner = RUNNER.replace("sys.argv_port", repr(port))
    (project / "serve_runner.py").write_text(runner)
    if via_make:
        makefile = project / "Makefile"
        makefile.write_text(makefile.read_text().replace("tasks.py $@", "serve_runner.py"))
        child = pexpect.spawn(
            "make", ["serve"], cwd=str(project), encoding="utf-8", timeout=30,
            preexec_fn=as_in_a_terminal,
        )  # fmt: skip
    else:
        child = pexpect.spawn(
            sys.executable, ["serve_runner.py"], cwd=str(project), encoding="utf-8", timeout=30,
            preexec_fn=as_in_a_terminal,
        )  # fmt: skip
    child.expect("Serving HTTP on 127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as reply:
        assert reply.status == 200  # a real server answers before it is stopped
    return child, port


def output_after_stop(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before or ""


def test_ctrl_c_ends_with_the_servers_own_lines(project: Path) -> None:
    child, _ = start(project, via_make=False)
    child.sendintr()  # the terminal's Ctrl-C: SIGINT to the whole foreground group
    output = output_after_stop(child)
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1] == "Keyboard interrupt received, exiting."
    assert child.exitstatus in (0, 130)


def test_sigterm_to_tasks_py_reaches_the_server(project: Path) -> None:
    child, port = start(project, via_make=False)
    child.kill(signal.SIGTERM)  # e.g. `kill` or a supervisor: only tasks.py gets it
    output = output_after_stop(child)
    assert "Traceback" not in output
    assert child.exitstatus == 143
    with pytest.raises(OSError):  # the server is gone, not orphaned
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_ctrl_c_under_make_has_no_traceback(project: Path) -> None:
    child, _ = start(project, via_make=True)
    child.sendintr()
    output = output_after_stop(child)
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1] == "Keyboard interrupt received, exiting."
