"""Writes that a crash (even SIGKILL) leaves either complete or not there at all.

Data goes to a temporary file in the same folder, is fsynced, then renamed over the target; the
rename is atomic on POSIX filesystems, so readers see the old file or the new one, never a part.
"""

import io
import os
import tempfile
from pathlib import Path

import torch


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def atomic_torch_save(path: Path, obj) -> None:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write_bytes(path, buffer.getvalue())
