"""Checkpoint files: a checksummed payload, read without unpickling anything but data.

A checkpoint is ``{"format": FORMAT, "sha256": HEX, "payload": BYTES}``, where the payload is the
``torch.save`` of the run's state and the SHA-256 is of those bytes, so that one flipped bit in
the weights is found on load instead of silently changing a recorded metric. Both layers are read
with gan_bench.storage.data_only_load (``torch.load(weights_only=True)``, admitting numpy's key array too in
checkpoints written before RNG states were stored as tensors), so a crafted file placed in a results
folder cannot run code when any command reads it. Checkpoints written before the checksum are read
as they were.
"""

import hashlib
import io
from pathlib import Path

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.data_only_load import load_data_only

FORMAT = "gan-bench-checkpoint/1"
# What a checkpoint written before RNG states were stored as tensors also holds: numpy's RNG key
# array. These rebuild a plain ndarray and nothing else.
OLDER_CHECKPOINT_GLOBALS = [np._core.multiarray._reconstruct, np.ndarray, np.dtype,
                            type(np.dtype(np.uint32))]


def write_checkpoint(path: Path, state: dict) -> None:
    """``state`` to ``path``, atomically, with the SHA-256 of its serialised bytes."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    payload = buffer.getvalue()
    wrapper = io.BytesIO()
    torch.save({"format": FORMAT, "sha256": hashlib.sha256(payload).hexdigest(), "payload": payload},
               wrapper)
    atomic_write_bytes(path, wrapper.getvalue())


def _restricted_load(source, path: Path):
    # checkpoints are written atomically, so an unreadable one is real corruption, not a torn write
    return load_data_only(source, f"checkpoint {path}", OLDER_CHECKPOINT_GLOBALS)


def read_checkpoint_file(path: Path) -> dict:
    """The state saved in ``path``, on the CPU, after checking its checksum."""
    outer = _restricted_load(path, path)
    if not (isinstance(outer, dict) and outer.get("format") == FORMAT):
        return outer  # written before checkpoints were checksummed
    found = hashlib.sha256(outer["payload"]).hexdigest()
    if found != outer["sha256"]:
        raise GanBenchError(f"checkpoint {path} is corrupted (payload sha256 {found[:12]}..., "
                            f"saved {outer['sha256'][:12]}...); delete it to train that run again")
    return _restricted_load(io.BytesIO(outer["payload"]), path)
