"""Staging folders: where a project is rendered before it is renamed into place.

A staging folder is `.<slug>.portfoliokit-<random>/` beside the destination. It holds
the project in `project/` and an owner file, `owner.json`, written before anything else,
that says which process made it: pid, the process's start time and the machine's boot
id (Linux's `/proc`), and the host name. Every exit path removes the folder, but a
process killed with SIGKILL (or a power cut) cannot; the next `new` into the same
parent removes such a leftover when its owner is provably gone. A folder without a
readable owner file, or whose owner may still run, is never touched: a user's folder
that merely looks like ours stays as it is.
"""

import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["OWNER_FILE", "create", "owner_alive", "owner_record", "remove_abandoned"]

OWNER_FILE = "owner.json"
_SUFFIX = ".portfoliokit-"
_KIND = "portfoliokit-staging"


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
    except OSError:
        return None


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; fields after the last
    # ')' are plain. starttime is field 22, the 20th after the name.
    return stat.rsplit(")", 1)[1].split()[19]


def owner_record(pid: int | None = None) -> dict[str, Any]:
    """What identifies a running process across pid reuse and reboots."""
    pid = os.getpid() if pid is None else pid
    return {
        "kind": _KIND,
        "pid": pid,
        "start_time": _start_time(pid),
        "boot_id": _boot_id(),
        "host": socket.gethostname(),
    }


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def owner_alive(record: dict[str, Any]) -> bool:
    """False only when the owner is provably gone; any doubt counts as alive."""
    if record.get("host") != socket.gethostname():
        return True  # a folder shared with another machine: we cannot tell
    boot_id = _boot_id()
    if boot_id is not None and record.get("boot_id") not in (None, boot_id):
        return False  # made before the last reboot
    pid = record.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    if not _pid_exists(pid):
        return False
    recorded_start = record.get("start_time")
    current_start = _start_time(pid)
    if recorded_start is not None and current_start is not None:
        return bool(recorded_start == current_start)  # else the pid was reused
    return True


def create(parent: Path, slug: str) -> Path:
    """A new staging folder in `parent`, owner file written; the project goes in `project/`."""
    folder = Path(tempfile.mkdtemp(prefix=f".{slug}{_SUFFIX}", dir=parent))
    (folder / OWNER_FILE).write_text(json.dumps(owner_record()), "utf-8")
    return folder


def _read_owner(folder: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((folder / OWNER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("kind") != _KIND:
        return None
    return record


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove staging folders in `parent` whose owner process is gone; return them."""
    removed: list[Path] = []
    try:
        candidates = [
            entry
            for entry in parent.iterdir()
            if entry.name.startswith(".") and _SUFFIX in entry.name
        ]
    except OSError:
        return removed
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        record = _read_owner(folder)
        if record is None or owner_alive(record):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed
