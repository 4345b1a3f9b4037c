"""The cache folder for downloaded data and weights, and the content digest that verifies them."""

import hashlib
import os
from pathlib import Path

import numpy as np

from gan_bench.errors import GanBenchError

CACHE_ENV = "GAN_BENCH_CACHE"


def cache_dir() -> Path:
    """``$GAN_BENCH_CACHE``, else ``~/.cache/gan-bench``. A ``HOME`` set to an empty or relative
    path (``HOME=''`` would put the cache at ``/.cache``) is a one-line error; an unset one is
    looked up in the password database, as Python does."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    home = os.environ.get("HOME")
    if home is not None and not os.path.isabs(home):
        raise GanBenchError(f"no cache folder: HOME is {home!r}, not an absolute path; set HOME, "
                            f"or {CACHE_ENV} to the folder for downloads")
    return Path.home() / ".cache" / "gan-bench"


def content_sha256(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over each array's name, dtype, shape and bytes, in a fixed order: independent of the
    file format that stores them."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
