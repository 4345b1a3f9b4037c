"""Samples files: reading a user's for evaluation without training, and keeping a run's.

Accepted: ``.npy``, or ``.npz`` (the key ``samples``, else the first array), shaped N x 2 (2-D
mixtures) or, for images, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28, float in
[0, 1] or uint8 in [0, 255]. Images come back as float32 (N, C, 28, 28) in [0, 1], points as
float32 (N, 2).
"""

import hashlib
import io
import tokenize
import zipfile
from pathlib import Path

import numpy as np
import torch

from gan_bench.atomic_files import atomic_write_bytes
from gan_bench.errors import GanBenchError
from gan_bench.safe_paths import inside

SAMPLES_DIR = "samples"  # a run's samples, in its suite's results folder
SAVED_IMAGES = 100  # images keep only a grid's worth, as uint8: the evaluation set is megabytes
ACCEPTED_SHAPES = "N x 2, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28"


def run_samples_path(results_dir: Path, run_id: str) -> Path:
    """Where a run's saved samples live in its suite's results folder."""
    return inside(results_dir, SAMPLES_DIR, f"{run_id}.npy")


HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _check_claimed_size(stream, stored_bytes: int) -> None:
    """Refuse an array whose ``.npy`` header (read from ``stream``) claims more data than the
    ``stored_bytes`` that follow the start of the header: checked before anything is allocated, so
    a 100-byte file claiming 10^12 rows is an error, not an attempt at a terabyte."""
    start = stream.tell()
    version = np.lib.format.read_magic(stream)
    if version not in HEADER_READERS:
        raise ValueError(f".npy format version {version} is not supported")
    shape, _, dtype = HEADER_READERS[version](stream)
    if dtype.hasobject:
        raise ValueError("it holds Python objects, which are never unpickled")
    claimed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if claimed > stored_bytes - (stream.tell() - start):
        raise ValueError(f"its header claims {shape} {dtype} ({claimed} bytes), more than the file holds")


def _read_checked_array(stream, stored_bytes: int) -> np.ndarray:
    """The array of a ``.npy`` stream, its header checked first (:func:`_check_claimed_size`)."""
    _check_claimed_size(stream, stored_bytes)
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)


def _read_checked(path: Path) -> np.ndarray:
    if path.suffix == ".npy":
        with open(path, "rb") as stream:
            return _read_checked_array(stream, path.stat().st_size)
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".npy")]
        if not names:
            raise ValueError("the .npz file holds no arrays")
        name = "samples.npy" if "samples.npy" in names else names[0]
        with archive.open(name) as stream:
            return _read_checked_array(stream, archive.getinfo(name).file_size)


def read_array(path: Path) -> np.ndarray:
    """The samples array of a ``.npy`` or ``.npz`` file; anything else it may hold (no file, an
    empty or truncated one, object arrays, a header claiming more than the file holds) is a
    one-line error naming the file."""
    path = Path(path)
    if path.suffix not in (".npy", ".npz"):
        raise GanBenchError(f"{path}: samples must be a .npy or .npz file")
    try:
        return _read_checked(path)
    except FileNotFoundError:
        raise GanBenchError(f"{path}: no such file") from None
    except (OSError, ValueError, EOFError, SyntaxError, TypeError, KeyError, OverflowError,
            tokenize.TokenError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        # the last six from numpy's parsing of a malformed header (ast and tokenize underneath)
        raise GanBenchError(f"{path}: cannot read samples: {error or type(error).__name__}") from None


def to_tensor(array: np.ndarray, where: str) -> torch.Tensor:
    """Validate dtype, values and shape; return points (N, 2) or images (N, C, 28, 28) in [0, 1]."""
    if array.dtype == np.uint8:
        values = torch.from_numpy(array.astype(np.float32) / 255.0)
    elif np.issubdtype(array.dtype, np.floating):
        values = torch.from_numpy(array.astype(np.float32))
        if not torch.isfinite(values).all():
            bad = int((~torch.isfinite(values)).sum())
            raise GanBenchError(f"{where}: samples contain {bad} NaN or infinite values")
    else:
        raise GanBenchError(f"{where}: samples must be float or uint8, got {array.dtype}")
    shape = tuple(values.shape)
    if len(shape) < 2 or shape[0] == 0:
        raise GanBenchError(f"{where}: got shape {shape}; accepted shapes: {ACCEPTED_SHAPES}")
    rest = shape[1:]
    if rest == (2,):
        return values
    if rest == (784,) or rest == (28, 28):
        images = values.reshape(-1, 1, 28, 28)
    elif rest in ((1, 28, 28), (3, 28, 28)):
        images = values
    else:
        raise GanBenchError(f"{where}: got shape {shape}; accepted shapes: {ACCEPTED_SHAPES}")
    if images.min() < 0 or images.max() > 1:
        raise GanBenchError(f"{where}: float images must lie in [0, 1], got "
                            f"[{float(images.min()):.4g}, {float(images.max()):.4g}]")
    return images


def load_samples(path: Path, expected_shape: tuple[int, ...]) -> torch.Tensor:
    """Samples from ``path`` shaped (N, *expected_shape), the evaluating dataset's shape."""
    samples = to_tensor(read_array(path), str(path))
    if tuple(samples.shape[1:]) != tuple(expected_shape):
        raise GanBenchError(f"{path}: samples of shape {tuple(samples.shape)} do not fit a dataset "
                            f"whose points are shaped {tuple(expected_shape)}")
    return samples


def save_samples(path: Path, samples: torch.Tensor) -> str:
    """Keep a run's samples beside its record, in the samples-file format gan-bench reads: all
    of them for points (N, d), the first SAVED_IMAGES as uint8 for images (N, C, H, W). Returns
    the file's SHA-256, which the run's record keeps (read_run_samples checks it)."""
    path.parent.mkdir(exist_ok=True)
    samples = samples.detach().cpu()
    if samples.dim() > 2:
        samples = (samples[:SAVED_IMAGES] * 255).round().to(torch.uint8)
    data = _npy_bytes(samples.numpy())
    atomic_write_bytes(path, data)
    return hashlib.sha256(data).hexdigest()


def read_run_samples(results_dir: Path, record: dict) -> np.ndarray | None:
    """The samples a recorded run saved, or None if it saved none; a file whose SHA-256 differs
    from the one in the record (records written before samples were checksummed have none) is a
    one-line error naming it."""
    path = run_samples_path(results_dir, record["run_id"])
    if not path.exists():
        return None
    saved = record.get("samples_sha256")
    if saved is not None:
        found = hashlib.sha256(path.read_bytes()).hexdigest()
        if found != saved:
            raise GanBenchError(f"samples file {path} is corrupted (sha256 {found[:12]}..., recorded "
                                f"{saved[:12]}...); restore it from a copy, or delete it and the "
                                f"figures leave that run out")
    return read_array(path)


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
