"""Writes that a crash (even SIGKILL) leaves either complete or not there at all.

Data goes to a temporary file in the same folder, is fsynced, then renamed over the target; the
rename is atomic on POSIX filesystems, so readers see the old file or the new one, never a part.
"""

import io
import os
import tempfile
import time
from pathlib import Path

import torch

from gan_bench.errors import GanBenchError

ORPHAN_AGE_S = 600.0  # no write of ours takes this long between mkstemp and rename


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, with the permissions a plain ``open`` would give it
    (0666 less the umask; ``mkstemp`` alone leaves 0600). The temporary file is made by
    ``mkstemp`` (O_EXCL: never an existing file or a symlink) in ``path``'s folder and renamed over
    ``path``; a ``path`` that is a symbolic link is refused (the rename would replace the link, not
    write through it, but a link where an output goes is not gan-bench's to replace). An OSError
    without a file name (ENOSPC from the write or fsync) is raised again naming ``path``."""
    path = Path(path)
    if path.is_symlink():
        raise GanBenchError(f"refusing to write {path}: it is a symbolic link; remove it")
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except OSError as error:  # a full disk: the write and fsync say so without a file name
        Path(tmp_name).unlink(missing_ok=True)
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def remove_orphan_temporaries(folder: Path, older_than_s: float = ORPHAN_AGE_S) -> list[Path]:
    """Delete the temporary files (``.NAME.*.tmp``) that a writer killed before its rename left
    in ``folder`` and its subfolders; returns them. Only those untouched for ``older_than_s``:
    a younger one may belong to a write still under way in another process."""
    removed = []
    now = time.time()
    for path in Path(folder).rglob(".*.tmp"):
        try:
            if path.is_file() and not path.is_symlink() and now - path.stat().st_mtime > older_than_s:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # its writer finished or another cleaner got there first
            continue
    return removed


def atomic_torch_save(path: Path, obj) -> None:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write_bytes(path, buffer.getvalue())
