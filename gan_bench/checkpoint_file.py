"""Checkpoint files: a checksummed payload, read without unpickling anything but data.

A checkpoint is ``{"format": FORMAT, "sha256": HEX, "payload": BYTES}``, where the payload is the
``torch.save`` of the run's state and the SHA-256 is of those bytes, so that one flipped bit in
the weights is found on load instead of silently changing a recorded metric. Both layers are read
with ``torch.load(weights_only=True)``: torch's restricted unpickler admits tensors, numbers,
strings, bytes, and lists, tuples and dicts of them (plus numpy's key array in checkpoints written
before RNG states were stored as tensors), so a crafted file placed in a results folder cannot
run code when any command reads it. Checkpoints written before the checksum are read as they were.
"""

import hashlib
import io
import pickle
import warnings
from pathlib import Path

import numpy as np
import torch

from gan_bench.atomic_files import atomic_write_bytes
from gan_bench.errors import GanBenchError

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
    try:
        with torch.serialization.safe_globals(OLDER_CHECKPOINT_GLOBALS), warnings.catch_warnings():
            # a bare pickle (not torch's zip format) draws a warning before the refusal below
            warnings.filterwarnings("ignore", message="Detected pickle protocol", category=UserWarning)
            return torch.load(source, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GanBenchError(f"refusing checkpoint {path}: it holds more than weights, numbers and "
                            f"strings ({first_line}); delete it if you did not write it") from None
    except (OSError, RuntimeError, EOFError, ValueError) as error:
        # checkpoints are written atomically, so this is real corruption, not a torn write
        raise GanBenchError(f"cannot read checkpoint {path}: {error}") from None


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
