"""Samples files: reading a user's for evaluation without training, and keeping a run's.

Accepted: ``.npy``, or ``.npz`` (the key ``samples``, else the first array), shaped N x 2 (2-D
mixtures) or, for images, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28, float in
[0, 1] or uint8 in [0, 255]. Images come back as float32 (N, C, 28, 28) in [0, 1], points as
float32 (N, 2).

What is read is bounded before it is read: only a regular file is opened (a FIFO would block for
ever, a link to ``/dev/zero`` never ends), an array's ``.npy`` header may claim at most
MAX_SAMPLES_BYTES and no more than the file holds, and an ``.npz`` member may declare at most that
many bytes uncompressed, expanded no more than its compression method can (1:1 stored, 1032:1
deflated), so a zip bomb or a zip64 size that lies is a one-line error, not gigabytes of memory.
"""

import hashlib
import io
import os
import stat
import tokenize
import zipfile
from pathlib import Path

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.safe_paths import inside

SAMPLES_DIR = "samples"  # a run's samples, in its suite's results folder
SAVED_IMAGES = 100  # images keep only a grid's worth, as uint8: the evaluation set is megabytes
ACCEPTED_SHAPES = "N x 2, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28"
# A samples file's array data: 10,000 RGB 28 x 28 images in float64 take 188 MB, 10^7 points of a
# mixture in float64 160 MB.
MAX_SAMPLES_BYTES = 256 * 2**20
# The most each compression method numpy's .npz uses can expand: none for a stored member; 1032:1
# for deflate (zlib's technical details, https://zlib.net/zlib_tech.html), so a larger declared
# ratio is a lie.
MOST_EXPANSION = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: 1032}
FILE_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
              stat.S_IFDIR: "a folder", stat.S_IFSOCK: "a socket"}


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
    if claimed > MAX_SAMPLES_BYTES:
        raise ValueError(f"its header claims {shape} {dtype} ({claimed} bytes), more than the "
                         f"{MAX_SAMPLES_BYTES} bytes a samples file may hold")


def _read_checked_array(stream, stored_bytes: int) -> np.ndarray:
    """The array of a ``.npy`` stream, its header checked first (:func:`_check_claimed_size`)."""
    _check_claimed_size(stream, stored_bytes)
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)


def _check_declared_sizes(member: zipfile.ZipInfo) -> None:
    """Refuse an ``.npz`` member declaring more than MAX_SAMPLES_BYTES uncompressed, or more than
    its compression method can expand its stored bytes to: checked before anything is inflated."""
    if member.file_size > MAX_SAMPLES_BYTES:
        raise ValueError(f"{member.filename} declares {member.file_size} bytes uncompressed, more than "
                         f"the {MAX_SAMPLES_BYTES} bytes a samples file may hold")
    most = MOST_EXPANSION.get(member.compress_type)
    if most is None:
        raise ValueError(f"{member.filename} uses compression method {member.compress_type}; numpy "
                         f"writes stored or deflated members only")
    if member.file_size > most * member.compress_size:
        raise ValueError(f"{member.filename} declares {member.file_size} bytes uncompressed from "
                         f"{member.compress_size} stored, more than its compression method can expand")


def _read_checked(stream, suffix: str) -> np.ndarray:
    if suffix == ".npy":
        return _read_checked_array(stream, os.fstat(stream.fileno()).st_size)
    with zipfile.ZipFile(stream) as archive:
        names = [n for n in archive.namelist() if n.endswith(".npy")]
        if not names:
            raise ValueError("the .npz file holds no arrays")
        member = archive.getinfo("samples.npy" if "samples.npy" in names else names[0])
        _check_declared_sizes(member)
        with archive.open(member) as array_stream:
            return _read_checked_array(array_stream, member.file_size)


def open_regular_file(path: Path):
    """``path`` opened for binary reading, refused (one line) unless it is a regular file. The
    check is made on the opened descriptor, and the open does not wait (O_NONBLOCK), so neither a
    FIFO nor a device (a link to /dev/zero) is ever read, whatever ``path`` is by then."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise GanBenchError(f"{path}: cannot read samples: it is {kind}, not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_array(path: Path) -> np.ndarray:
    """The samples array of a ``.npy`` or ``.npz`` file; anything else it may hold (no file, an
    empty or truncated one, object arrays, a header claiming more than the file holds) is a
    one-line error naming the file."""
    path = Path(path)
    if path.suffix not in (".npy", ".npz"):
        raise GanBenchError(f"{path}: samples must be a .npy or .npz file")
    try:
        with open_regular_file(path) as stream:
            return _read_checked(stream, path.suffix)
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
    return shaped_samples(read_array(path), expected_shape, str(path))


def shaped_samples(array: np.ndarray, expected_shape: tuple[int, ...], where: str) -> torch.Tensor:
    """:func:`to_tensor` of ``array``, refused unless shaped (N, *expected_shape)."""
    samples = to_tensor(array, where)
    if tuple(samples.shape[1:]) != tuple(expected_shape):
        raise GanBenchError(f"{where}: samples of shape {tuple(samples.shape)} do not fit a dataset "
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
        with open_regular_file(path) as stream:
            found = hashlib.file_digest(stream, "sha256").hexdigest()
        if found != saved:
            raise GanBenchError(f"samples file {path} is corrupted (sha256 {found[:12]}..., recorded "
                                f"{saved[:12]}...); restore it from a copy, or delete it and the "
                                f"figures leave that run out")
    return read_array(path)


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
