"""Stopping a suite cleanly on Ctrl-C (SIGINT) or SIGTERM, with or without worker processes.

While a suite runs, the first SIGINT or SIGTERM only records a request: each training loop sees it
at its next step, saves its checkpoint and raises :class:`Stopped`; nothing partial is recorded,
and the next invocation resumes from those checkpoints. The parent process passes the signal on to
its worker processes (a SIGTERM sent to the parent alone reaches them too; a Ctrl-C reaches the
whole process group anyway), collects the runs that did finish, and ``gan-bench`` exits
128 + the signal number (130 for SIGINT, 143 for SIGTERM) after one line. A second signal to the
parent stops it at once (KeyboardInterrupt), for a stop that cannot wait for the next step.
"""

import multiprocessing
import os
import signal
import threading
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None  # the signal that asked for a stop, in this process


class Stopped(Exception):
    """Training stopped at a signal; the run's checkpoint holds its progress."""

    def __init__(self, signum: int,
                 aftermath: str = "checkpoints saved, nothing partial recorded; run the same command "
                                  "again to resume"):
        super().__init__(signum)
        self.signum = signum
        self.aftermath = aftermath

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


def requested() -> int | None:
    """The signal that asked this process to stop, or None."""
    return _requested


def raise_if_requested() -> None:
    if _requested is not None:
        raise Stopped(_requested)


def _request(signum, frame) -> None:
    global _requested
    _requested = _requested or signum


def _request_and_pass_on(signum, frame) -> None:
    """The parent's handler: a second signal stops at once; the first is passed to the workers."""
    if _requested is not None:
        raise KeyboardInterrupt
    _request(signum, frame)
    for child in multiprocessing.active_children():
        try:
            os.kill(child.pid, signum)
        except ProcessLookupError:  # it ended meanwhile
            continue


def handle_in_worker() -> None:
    """In a worker process: a signal only requests the stop (the parent passes each signal on, so
    a Ctrl-C arrives twice: from the terminal and from the parent)."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _request)


@contextmanager
def stop_at_once_on_signals(aftermath: str):
    """SIGINT and SIGTERM stop the block at once (:class:`Stopped`, saying ``aftermath``), so that
    its ``finally`` clauses run: for commands with nothing to checkpoint whose clean-up is what
    matters (the A/B gate's temporary worktrees; ``subprocess.run`` kills its child on the way)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Stopped(signum, aftermath)

    with _handling(stop):
        yield


@contextmanager
def _handling(handler):
    """``handler`` for SIGINT and SIGTERM inside the block, the previous handlers after it."""
    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def stop_on_signals():
    """SIGINT and SIGTERM request a stop inside the block (the main thread only: elsewhere
    Python delivers no signals and the block changes nothing); the previous handlers after it."""
    global _requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _requested = None
    try:
        with _handling(_request_and_pass_on):
            yield
    finally:
        _requested = None
