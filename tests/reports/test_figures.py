import pytest
import torch
from PIL import Image

import gan_bench.reports.figures
from gan_bench.data.mixtures import Ring8
from gan_bench.reports.figures import (
    _metric_line,
    plot_image_samples,
    plot_learning_curves,
    plot_loss_curves,
    plot_mixture_samples,
    plot_model_comparison,
)
from gan_bench.storage.samples_io import SAMPLES_DIR, save_samples


def record(model, seed=0, history=(), kind="model", metrics=None):
    return {"run_id": f"{model}__mnist__seed{seed}", "status": "finished", "kind": kind,
            "metrics": metrics or {},
            "config": {"model_name": model, "dataset": "mnist", "seed": seed,
                       "train": {"batch_size": 100}},
            "history": list(history)}


def test_learning_curves_plot_runs_that_have_a_curve(tmp_path):
    curve = [{"step": 500, "loss": 1.0}, {"step": 2500, "parzen_valid_ll_nats": -100.0},
             {"step": 5000, "parzen_valid_ll_nats": 50.0}]
    assert plot_learning_curves(tmp_path, [record("vae")]) is None
    path = plot_learning_curves(tmp_path, [record("gan", history=curve), record("vae")])
    assert path.name == "learning_curves.png" and path.stat().st_size > 0


@pytest.fixture
def drawn(monkeypatch):
    """The figures a plot function saved, kept open: their axes can be read."""
    figures = []
    real_save = gan_bench.reports.figures.save_figure

    def keep(fig, results_dir, name):
        figures.append(fig)
        return real_save(fig, results_dir, name)
    monkeypatch.setattr(gan_bench.reports.figures, "save_figure", keep)
    monkeypatch.setattr(gan_bench.reports.figures.plt, "close", lambda fig: None)
    return figures


def test_saved_image_samples_are_drawn_as_a_grid_titled_with_their_seed(tmp_path, drawn):
    save_samples(tmp_path / SAMPLES_DIR / "gan__mnist__seed3.npy", torch.rand(300, 1, 28, 28))
    (path,) = plot_image_samples(tmp_path, [record("gan", seed=3)])
    (ax,) = drawn[0].axes
    assert ax.get_images()[0].get_array().shape == (10 * 30 + 2, 10 * 30 + 2, 3)  # 10 x 10, 2-px padding
    assert ax.get_title() == "gan / mnist, seed 3: first 100 samples" and path.stat().st_size > 0


def test_loss_curves_label_both_axes_name_the_seed_and_wrap_into_rows(tmp_path, drawn):
    losses = [{"step": 50 * (i + 1), "d_loss": 1.0 / (i + 1), "g_loss": 0.5} for i in range(4)]
    plot_loss_curves(tmp_path, [record(f"m{k}", seed=k, history=losses) for k in range(4)])
    axes = drawn[0].axes
    shown = [ax for ax in axes if ax.axison]
    assert len(axes) == 6 and len(shown) == 4  # 2 rows of at most 3 panels
    for k, ax in enumerate(shown):
        assert ax.get_xlabel() and "loss" in ax.get_ylabel() and ax.get_title().endswith(f"seed {k}")
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["d_loss", "g_loss"]


def test_mixture_samples_have_labelled_axes_a_legend_and_their_seed(tmp_path, drawn):
    points, _ = Ring8().sample(200, torch.Generator().manual_seed(0))
    save_samples(tmp_path / SAMPLES_DIR / "gan__ring8__seed2.npy", points)
    run = record("gan", seed=2)
    run["config"]["dataset"] = "ring8"
    run["run_id"] = "gan__ring8__seed2"
    plot_mixture_samples(tmp_path, [run])
    (ax,) = drawn[0].axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2") and ax.get_title() == "gan / ring8, seed 2"
    (legend,) = drawn[0].legends
    assert [t.get_text() for t in legend.get_texts()] == ["samples", "true modes"]


def test_model_comparison_sets_trained_models_side_by_side_without_reference_rows(tmp_path):
    for model in ("gan", "vae", "training-data"):
        save_samples(tmp_path / SAMPLES_DIR / f"{model}__mnist__seed0.npy", torch.rand(100, 1, 28, 28))
    records = [record("gan", metrics={"laplacian_var_ratio": 0.9}),
               record("vae", metrics={"laplacian_var_ratio": 0.4}),
               record("training-data", kind="reference")]
    assert plot_model_comparison(tmp_path, records[1:]) == []  # one trained model: nothing to compare
    (path,) = plot_model_comparison(tmp_path, records)
    assert path.name == "gan_vs_vae.png"
    width, height = Image.open(path).size
    assert width > height > 0


def test_comparison_titles_say_when_a_metric_covers_only_some_runs():
    assert _metric_line("FID", [10.0, 20.0, 30.0], 3) == "FID: 20"
    assert _metric_line("FID", [12.5], 3) == "FID: 12.5 (1 of 3 runs)"


def test_a_stalled_run_is_in_the_learning_curves_and_not_in_the_sample_grids(tmp_path):
    from gan_bench.reports.figures import write_figures
    from gan_bench.storage.records import append_record

    stalled = record("gan", history=[{"step": 2500, "parzen_valid_ll_nats": -400.0}])
    stalled.update(status="stalled", steps=2500, timing={}, git_commit="abc")
    stalled["config"].update(model_options={}, train={"batch_size": 100, "steps": 5000})
    append_record(tmp_path, stalled)
    save_samples(tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy", torch.rand(100, 1, 28, 28))
    made = {path.name for path in write_figures(tmp_path)}
    assert made == {"learning_curves.png"}


@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_figure_rewrite_that_runs_out_of_space_leaves_the_old_figure_whole(tmp_path):
    """Before, savefig wrote over the figure in place: a disk that filled during the rewrite left a
    truncated PNG. Here a file-size limit (RLIMIT_FSIZE) below the figure's size stands in for the
    full disk, in a child process."""
    import resource
    import signal
    import subprocess
    import sys

    from gan_bench.reports.figures import write_figures
    from gan_bench.storage.records import append_record

    losses = [{"step": 500, "loss": 1.0}, {"step": 1000, "loss": 0.5}]
    finished = record("gan", history=losses) | {"steps": 10, "timing": {}}
    finished["config"].update(model_options={}, train={"batch_size": 100, "steps": 10})
    append_record(tmp_path, finished)
    (path,) = write_figures(tmp_path)
    before = path.read_bytes()
    limit = len(before) // 2

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    rewrite = ("import sys; from pathlib import Path; from gan_bench.reports.figures import write_figures; "
               "write_figures(Path(sys.argv[1]))")
    child = subprocess.run([sys.executable, "-c", rewrite, str(tmp_path)], preexec_fn=small_files,
                           capture_output=True, text=True)
    assert child.returncode != 0 and "File too large" in child.stderr
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
