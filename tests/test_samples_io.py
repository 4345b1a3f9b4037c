import numpy as np
import torch

from gan_bench.samples_io import SAMPLES_DIR, load_samples, save_samples


def test_image_samples_are_kept_as_uint8_and_read_back(tmp_path):
    images = torch.rand(300, 1, 28, 28)
    path = tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy"
    save_samples(path, images)
    kept = np.load(path)
    assert kept.shape == (100, 1, 28, 28) and kept.dtype == np.uint8
    assert np.abs(kept / 255.0 - images[:100].numpy()).max() <= 0.5 / 255 + 1e-6
    assert torch.allclose(load_samples(path, (1, 28, 28)), images[:100], atol=0.5 / 255 + 1e-6)


def test_points_are_kept_in_full(tmp_path):
    points = torch.randn(2500, 2)
    path = tmp_path / SAMPLES_DIR / "x.npy"
    save_samples(path, points)
    assert np.array_equal(np.load(path), points.numpy())
    assert torch.equal(load_samples(path, (2,)), points)


def test_flat_and_square_images_become_channel_images(tmp_path):
    flat = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    np.save(tmp_path / "flat.npy", flat)
    np.save(tmp_path / "square.npy", flat.reshape(5, 28, 28))
    for name in ("flat.npy", "square.npy"):
        assert torch.equal(load_samples(tmp_path / name, (1, 28, 28)),
                           torch.from_numpy(flat).reshape(5, 1, 28, 28))
