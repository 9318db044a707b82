"""The command line's glue: the common options, and one translation of errors.

Every family project's `cli.py` builds its own parser (its stages and commands) on
`parser(...)` and runs what was asked through `run`, which is the one place where an
error becomes an exit status:

- a `ProjectError`, a `MarkerError` or one of `also`: its message on one line of
  stderr, status 1;
- Ctrl-C or SIGTERM: one line saying the run was stopped, status 130 or 143;
- anything else is a bug and keeps its traceback.

    args = parser(prog, "Run a stage ...").parse_args(argv)
    return run(lambda: stages(args), also=(MyDataError,))
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .config import DEFAULT_CONFIG
from .errors import ProjectError
from .markers import MarkerError

INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
TERMINATED = 143  # 128 + SIGTERM
PIPELINE = ("data", "train", "evaluate", "report")


class Terminated(BaseException):
    """SIGTERM arrived; raised in the main thread like KeyboardInterrupt."""


def parser(prog: str, description: str, epilog: str | None = None) -> argparse.ArgumentParser:
    """A parser with the options every command shares (`--config`)."""
    made = argparse.ArgumentParser(prog=prog, description=description, epilog=epilog)
    made.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help=f"config file (default: {DEFAULT_CONFIG})",
    )
    return made


def expand(stage: str, pipeline: Sequence[str] = PIPELINE) -> tuple[str, ...]:
    """The stages one command runs: `all` is the whole pipeline, in order."""
    return tuple(pipeline) if stage == "all" else (stage,)


def run(command: Callable[[], int | None], also: tuple[type[BaseException], ...] = ()) -> int:
    """Run `command` and turn its outcome into an exit status (see the module's doc)."""
    # `markers` imports nothing of the package (tools load it on its own), so its error
    # is not a ProjectError and is named here.
    user_errors: tuple[type[BaseException], ...] = (ProjectError, MarkerError, *also)
    try:
        with _sigterm_raises():
            return command() or 0
    except user_errors as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; run the command again to finish it", file=sys.stderr)
        return INTERRUPTED
    except Terminated:
        print("terminated; run the command again to finish it", file=sys.stderr)
        return TERMINATED


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While the command runs, SIGTERM unwinds it as Ctrl-C does (so `finally` runs)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
