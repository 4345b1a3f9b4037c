import numpy as np
import torch
from PIL import Image

from gan_bench.figures import plot_image_samples, plot_learning_curves
from gan_bench.suite import SAMPLES_DIR, save_samples


def record(model, seed=0, history=()):
    return {"run_id": f"{model}__mnist__seed{seed}", "status": "finished",
            "config": {"model_name": model, "dataset": "mnist", "seed": seed,
                       "train": {"batch_size": 100}},
            "history": list(history)}


def test_image_samples_are_kept_as_uint8_and_drawn_as_a_grid(tmp_path):
    images = torch.rand(300, 1, 28, 28)
    save_samples(tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy", images)
    kept = np.load(tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy")
    assert kept.shape == (100, 1, 28, 28) and kept.dtype == np.uint8
    assert np.abs(kept / 255.0 - images[:100].numpy()).max() <= 0.5 / 255 + 1e-6
    (path,) = plot_image_samples(tmp_path, [record("gan")])
    assert Image.open(path).size == (10 * 30 + 2, 10 * 30 + 2)  # 10 x 10 grid, 2-px padding


def test_points_are_kept_in_full(tmp_path):
    points = torch.randn(2500, 2)
    save_samples(tmp_path / SAMPLES_DIR / "x.npy", points)
    assert np.array_equal(np.load(tmp_path / SAMPLES_DIR / "x.npy"), points.numpy())


def test_learning_curves_plot_runs_that_have_a_curve(tmp_path):
    curve = [{"step": 500, "loss": 1.0}, {"step": 2500, "parzen_valid_ll_nats": -100.0},
             {"step": 5000, "parzen_valid_ll_nats": 50.0}]
    assert plot_learning_curves(tmp_path, [record("vae")]) is None
    path = plot_learning_curves(tmp_path, [record("gan", history=curve), record("vae")])
    assert path.name == "learning_curves.png" and path.stat().st_size > 0
