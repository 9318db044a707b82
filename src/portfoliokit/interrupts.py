"""Ctrl-C, SIGTERM and SIGHUP as one exception, and short stretches that must not be cut.

A signal becomes `Interrupted`, a `KeyboardInterrupt`, so that every cleanup written for
Ctrl-C (Copier's, ours) runs for SIGTERM too, and the exit status can still say which
signal it was (128 + its number: 130 for SIGINT, 143 for SIGTERM).
"""

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType

__all__ = ["Interrupted", "handled", "held", "last_signal"]

_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """The user (or a supervisor such as `timeout` or CI) asked the process to stop."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    last: int | None = None
    holding = 0
    pending: int | None = None


def last_signal() -> int:
    """The last signal received while `handled` was active (SIGINT if none was)."""
    return _State.last if _State.last is not None else signal.SIGINT


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _State.last = signum
    if _State.holding:
        _State.pending = _State.pending or signum
        return
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into `Interrupted` while inside; restore afterwards."""
    previous = {signum: signal.signal(signum, _on_signal) for signum in _SIGNALS}
    _State.last = None
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Held:
    """Hold signals while inside: a signal that arrives is raised on leaving.

    For steps that must finish once started (the rename into place, removing the staging
    folder, the first commit) that are short. A held signal wins over an exception that
    leaves the block: a git killed by the same Ctrl-C is an interruption, not a git error.
    """

    def __enter__(self) -> None:
        _State.holding += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _State.holding -= 1
        if _State.holding == 0 and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            raise Interrupted(signum) from exc


def held() -> _Held:
    """`with held():` holds SIGINT, SIGTERM and SIGHUP for the length of the block."""
    return _Held()
