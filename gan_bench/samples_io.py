"""Reading a user's samples file for evaluation without training.

Accepted: ``.npy``, or ``.npz`` (the key ``samples``, else the first array), shaped N x 2 (2-D
mixtures) or, for images, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28, float in
[0, 1] or uint8 in [0, 255]. Images come back as float32 (N, C, 28, 28) in [0, 1], points as
float32 (N, 2).
"""

import zipfile
from pathlib import Path

import numpy as np
import torch

from gan_bench.errors import GanBenchError

ACCEPTED_SHAPES = "N x 2, N x 784, N x 28 x 28, N x 1 x 28 x 28 or N x 3 x 28 x 28"


def read_array(path: Path) -> np.ndarray:
    path = Path(path)
    if path.suffix not in (".npy", ".npz"):
        raise GanBenchError(f"{path}: samples must be a .npy or .npz file")
    try:
        loaded = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise GanBenchError(f"{path}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise GanBenchError(f"{path}: cannot read samples: {error}") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            if not loaded.files:
                raise GanBenchError(f"{path}: the .npz file holds no arrays")
            key = "samples" if "samples" in loaded.files else loaded.files[0]
            return loaded[key]
    return loaded


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
