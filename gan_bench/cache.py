"""The cache folder for downloaded data and weights, and the content digest that verifies them."""

import hashlib
import os
from pathlib import Path

import numpy as np

CACHE_ENV = "GAN_BENCH_CACHE"


def cache_dir() -> Path:
    """``$GAN_BENCH_CACHE``, else ``~/.cache/gan-bench``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "gan-bench")


def content_sha256(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over each array's name, dtype, shape and bytes, in a fixed order: independent of the
    file format that stores them."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
