"""Real signals at many points of `new`: one line, 128 + signal, nothing left behind.

Each run is a real `portfoliokit` process. To hit a chosen point exactly, the process
sends the signal to itself with `os.kill` from a wrapped function (the signal is real;
only its timing is chosen); other runs are signalled from outside after a delay.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import git
import pexpect
import pytest

from portfoliokit import staging

from .conftest import snapshot
from .datasets import churn

# Runs the CLI after arranging for `SIGNAL` to be sent to this very process at `POINT`.
RUNNER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    point, count, signum = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

    def fire():
        os.kill(os.getpid(), signum)
        if signum == signal.SIGKILL:
            raise SystemExit("not reached")

    import copier._main
    from portfoliokit import gitops, project

    seen = []
    if point == "render":
        original_render = copier._main.Worker._render_file
        def render_file(self, *args, **kwargs):
            seen.append(1)
            if len(seen) == count:
                fire()
            return original_render(self, *args, **kwargs)
        copier._main.Worker._render_file = render_file
    elif point == "commit":
        import git.cmd
        original_execute = git.cmd.Git.execute
        def execute(self, command, *args, **kwargs):
            if "commit" in command:
                fire()  # held: arrives once git has finished
            return original_execute(self, command, *args, **kwargs)
        git.cmd.Git.execute = execute
    elif point == "rename":
        original_move = project._move_into_place
        def move(staging, destination):
            original_move(staging, destination)
            fire()  # after the rename, inside the held step
        project._move_into_place = move
    elif point == "copy":
        from portfoliokit import dataset_file
        original_write = dataset_file._write_chunk
        def write_chunk(handle, chunk):
            original_write(handle, chunk)
            seen.append(1)
            if len(seen) == count:
                handle.flush()  # part of the file is on disk when the signal comes
                fire()
        dataset_file._write_chunk = write_chunk
    elif point == "checks":
        original_identity = gitops.require_identity
        def require_identity():
            fire()
            return original_identity()
        gitops.require_identity = require_identity

    from portfoliokit.cli import main
    sys.argv = ["portfoliokit", *sys.argv[4:]]
    main()
    """
)

POINTS = [
    ("checks", 1),
    ("render", 1),
    ("render", 5),
    ("render", 10),
    ("commit", 1),
    ("rename", 1),
]


def run_with_signal(
    workdir: Path, point: str, count: int, signum: int, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, point, str(count), str(signum), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def assert_one_line_and_nothing_left(
    completed: subprocess.CompletedProcess[str], workdir: Path, before: dict[str, bytes], code: int
) -> None:
    assert completed.returncode == code, completed.stderr
    assert completed.stderr == "Interrupted: nothing was written.\n"
    assert completed.stdout == ""
    assert snapshot(workdir) == before
    assert sorted(p.name for p in workdir.iterdir()) == sorted({p.split("/")[0] for p in before})


@pytest.mark.parametrize(("point", "count"), POINTS)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_at_a_chosen_point_leaves_nothing(
    workdir: Path, point: str, count: int, signum: int
) -> None:
    (workdir / "keep.txt").write_text("mine")
    before = snapshot(workdir)
    completed = run_with_signal(workdir, point, count, signum, "new", "recommender", "-y")
    assert_one_line_and_nothing_left(completed, workdir, before, 128 + signum)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_the_copy_of_the_users_data_leaves_nothing(
    workdir: Path, signum: int
) -> None:
    """The copy of a --dataset file is cut after its first megabyte of three."""
    churn(workdir / "churn.csv", rows=90_000)
    assert (workdir / "churn.csv").stat().st_size > 2 * 1024 * 1024
    before = snapshot(workdir)
    answers = ["--data", "target_column=churned", "--data", "positive_class=yes"]
    args = ["new", "classification-api", "-y", "--dataset", "churn.csv", *answers]
    completed = run_with_signal(
        workdir, "copy", 1, signum, *args, "--data", "subgroup_columns=region"
    )
    assert_one_line_and_nothing_left(completed, workdir, before, 128 + signum)


def test_signal_into_an_existing_empty_destination_keeps_it_empty(workdir: Path) -> None:
    (workdir / "p").mkdir()
    completed = run_with_signal(
        workdir, "rename", 1, signal.SIGTERM, "new", "recommender", "p", "-y"
    )
    assert completed.returncode == 143
    assert [p.name for p in workdir.iterdir()] == ["p"]
    assert list((workdir / "p").iterdir()) == []


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_sigterm_from_outside_at_any_moment_ends_cleanly(workdir: Path, fraction: float) -> None:
    """The signal comes from another process, at a fraction of a full run's time."""
    command = [sys.executable, "-m", "portfoliokit", "new", "recommender", "-y"]
    started = time.monotonic()
    subprocess.run(command, cwd=workdir, capture_output=True, check=True, timeout=120)
    duration = time.monotonic() - started
    for path in workdir.iterdir():
        subprocess.run(["rm", "-rf", str(path)], check=True)

    child = subprocess.Popen(
        command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(duration * fraction)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=120)
    entries = sorted(p.name for p in workdir.iterdir())
    assert "Traceback" not in stderr
    # Never a staging folder, never half a project: nothing, or the whole committed one.
    assert entries in ([], ["lecture-recommender"])
    if entries:
        assert git.Repo(workdir / "lecture-recommender").head.commit.message.startswith(
            "Initial commit from portfoliokit"
        )
    if child.returncode == 0:  # the run was already done
        assert entries
    elif child.returncode == -signal.SIGTERM:
        pass  # Python still starting, or already shutting down: no handler, nothing half-done
    else:
        assert child.returncode == 143, stderr
        last = stderr.strip().splitlines()[-1]
        if entries:  # the signal came after the project was in place
            assert last == "Interrupted: lecture-recommender was already created."
        else:
            assert last == "Interrupted: nothing was written."


def spawn(workdir: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "portfoliokit", "new", *args],
        cwd=str(workdir),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )


def test_ctrl_c_at_the_first_question_is_one_line_and_130(workdir: Path) -> None:
    child = spawn(workdir, "recommender")
    child.expect(r"project_name \[Lecture Recommender\]: ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    output = child.before or ""
    assert "Interrupted: nothing was written." in output
    assert "Aborted" not in output
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "SIGTERM"])
def test_interrupt_at_a_later_question_is_one_line(workdir: Path, signum: int) -> None:
    child = spawn(workdir, "recommender")
    child.expect("project_name")
    child.sendline("")
    child.expect("One sentence on the problem")
    time.sleep(0.3)  # let the prompt finish drawing
    if signum == signal.SIGINT:
        child.sendintr()  # prompt_toolkit reads ^C as a key in raw mode
    else:
        child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signum
    output = child.before or ""
    assert "Interrupted: nothing was written." in output
    assert "AnswersMap" not in output
    assert "Traceback" not in output
    assert "Error" not in output
    assert list(workdir.iterdir()) == []


def test_a_sigkilled_run_leaves_a_staging_folder_the_next_run_removes(workdir: Path) -> None:
    killed = run_with_signal(workdir, "render", 5, signal.SIGKILL, "new", "recommender", "-y")
    assert killed.returncode == -signal.SIGKILL
    (left,) = workdir.iterdir()
    assert left.name.startswith(".lecture-recommender.portfoliokit-")
    assert json.loads((left / staging.OWNER_FILE).read_text())["kind"] == "portfoliokit-staging"

    completed = subprocess.run(
        [sys.executable, "-m", "portfoliokit", "new", "recommender", "other", "-y"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["other"]


def make_lookalike(parent: Path, name: str, owner: dict[str, object] | None) -> Path:
    folder = parent / name
    (folder / "project").mkdir(parents=True)
    (folder / "project" / "notes.txt").write_text("my own work")
    if owner is not None:
        (folder / staging.OWNER_FILE).write_text(json.dumps(owner))
    return folder


def test_only_folders_of_a_dead_owner_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = staging.owner_record()
    reused_pid = {**alive, "start_time": "1"}  # same pid, another process's start
    rebooted = {**alive, "boot_id": "another-boot"}
    other_host = {**staging.owner_record(dead.pid), "host": "elsewhere.example"}
    user_json = {"pid": dead.pid}  # a user's owner.json that is not ours

    folders = {
        "mine-no-owner": make_lookalike(tmp_path, ".a.portfoliokit-1", None),
        "alive": make_lookalike(tmp_path, ".b.portfoliokit-2", alive),
        "other-host": make_lookalike(tmp_path, ".c.portfoliokit-3", other_host),
        "user-json": make_lookalike(tmp_path, ".d.portfoliokit-4", user_json),
        "not-hidden": make_lookalike(tmp_path, "e.portfoliokit-5", staging.owner_record(dead.pid)),
        "dead": make_lookalike(tmp_path, ".f.portfoliokit-6", staging.owner_record(dead.pid)),
        "reused-pid": make_lookalike(tmp_path, ".g.portfoliokit-7", reused_pid),
        "rebooted": make_lookalike(tmp_path, ".h.portfoliokit-8", rebooted),
    }
    (tmp_path / ".i.portfoliokit-9").write_text("a file, not a folder")

    removed = staging.remove_abandoned(tmp_path)

    gone = {"dead", "reused-pid", "rebooted"}
    assert sorted(removed) == sorted(folders[name] for name in gone)
    for name, folder in folders.items():
        assert folder.exists() == (name not in gone), name
    assert (tmp_path / ".i.portfoliokit-9").is_file()


def test_the_owner_file_never_reaches_the_project(workdir: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "portfoliokit", "new", "recommender", "-y"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.returncode == 0
    assert not list(workdir.rglob(staging.OWNER_FILE))
    assert os.listdir(workdir) == ["lecture-recommender"]
