"""Lock files in a results folder: ``flock`` on a file opened without following a symlink.

A lock path made a symbolic link to another file would otherwise be opened, and could be
truncated, in its place. ``flock`` locks are released when their holder exits, however it exits
(a SIGKILL included), so a crash never leaves a folder locked. On Linux, ``flock`` on NFS is
carried out as an ``fcntl`` byte-range lock, which NFSv4 servers honour across clients.
"""

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from gan_bench.errors import GanBenchError


def open_lock_file(path: Path) -> int:
    """A descriptor of ``path``, created if missing, never through a symlink or truncated."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise GanBenchError(f"refusing lock file {path}: it is a symbolic link; remove it") from None
        raise


@contextmanager
def exclusive_lock(path: Path):
    """Hold an exclusive lock on ``path`` in the block, waiting for any other holder."""
    descriptor = open_lock_file(path)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


@contextmanager
def lock_if_free(path: Path):
    """Yield True holding an exclusive lock on ``path``, or False at once if another holds it.
    The holder's pid is written into the file (``holder_pid`` reads it)."""
    descriptor = open_lock_file(path)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield True
    finally:
        os.close(descriptor)


def holder_pid(path: Path) -> int | None:
    """The pid written by the holder of a lock taken with :func:`lock_if_free`, if readable."""
    try:
        return int(Path(path).read_text())
    except (OSError, ValueError):
        return None
