import torch
from PIL import Image

from gan_bench.figures import plot_image_samples, plot_learning_curves
from gan_bench.samples_io import SAMPLES_DIR, save_samples


def record(model, seed=0, history=()):
    return {"run_id": f"{model}__mnist__seed{seed}", "status": "finished",
            "config": {"model_name": model, "dataset": "mnist", "seed": seed,
                       "train": {"batch_size": 100}},
            "history": list(history)}


def test_learning_curves_plot_runs_that_have_a_curve(tmp_path):
    curve = [{"step": 500, "loss": 1.0}, {"step": 2500, "parzen_valid_ll_nats": -100.0},
             {"step": 5000, "parzen_valid_ll_nats": 50.0}]
    assert plot_learning_curves(tmp_path, [record("vae")]) is None
    path = plot_learning_curves(tmp_path, [record("gan", history=curve), record("vae")])
    assert path.name == "learning_curves.png" and path.stat().st_size > 0


def test_saved_image_samples_are_drawn_as_a_grid(tmp_path):
    save_samples(tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy", torch.rand(300, 1, 28, 28))
    (path,) = plot_image_samples(tmp_path, [record("gan")])
    assert Image.open(path).size == (10 * 30 + 2, 10 * 30 + 2)  # 10 x 10 grid, 2-px padding
