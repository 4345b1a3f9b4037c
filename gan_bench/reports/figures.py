"""Figures for a suite's results folder: samples over the true modes, sample grids, training curves,
and the trained models' samples side by side with their sharpness and FID."""

import io
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

from gan_bench import lookup
from gan_bench.reports.learning_curve import CURVE_KEY, curve_points
from gan_bench.runs.evaluations import SCORED_STATUSES, runs_with_evaluations
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.safe_paths import inside
from gan_bench.storage.samples_io import read_run_samples

FIGURES_DIR = "figures"
PANELS_PER_ROW = 3  # loss-curve panels a row, each readable at its size
GRID_IMAGES = 100  # images a sample grid shows
# shown under each model's samples in the comparison figure, when the runs have them
COMPARISON_METRICS = {"laplacian_var_ratio": "Laplacian var / real", "high_freq_share_ratio":
                      "high-freq share / real", "fid": "FID (Inception)", "domain_fid": "FID (classifier)",
                      "parzen_ll_nats": "Parzen LL (nats)"}


def _first_seed_runs(records: list[dict]) -> dict[tuple[str, str], dict]:
    """The lowest-seed finished run of each (model, dataset)."""
    chosen: dict[tuple[str, str], dict] = {}
    for record in sorted(records, key=lambda r: r["config"]["seed"]):
        key = (record["config"]["model_name"], record["config"]["dataset"])
        chosen.setdefault(key, record)
    return chosen


def _saved_samples(results_dir: Path, records: list[dict]) -> dict[tuple[str, str], tuple[np.ndarray, int]]:
    """(samples, seed) of the lowest-seed finished run of each (model, dataset) that saved samples."""
    found = {}
    for key, record in _first_seed_runs(records).items():
        samples = read_run_samples(results_dir, record)  # a damaged file is a one-line error
        if samples is not None:
            found[key] = samples, record["config"]["seed"]
    return found


def plot_mixture_samples(results_dir: Path, records: list[dict]) -> Path | None:
    runs = {k: v for k, v in _saved_samples(results_dir, records).items() if v[0].ndim == 2}
    if not runs:
        return None
    models = sorted({m for m, _ in runs})
    datasets = sorted({d for _, d in runs})
    fig, axes = plt.subplots(len(datasets), len(models), squeeze=False,
                             figsize=(3.2 * len(models), 3.2 * len(datasets)))
    for i, dataset_name in enumerate(datasets):
        dataset = lookup.get_dataset(dataset_name)()
        for j, model in enumerate(models):
            ax = axes[i, j]
            points, seed = runs.get((model, dataset_name), (None, None))
            if points is not None:
                ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, label="samples")
            means = dataset.means.numpy()
            ax.scatter(means[:, 0], means[:, 1], s=30, marker="x", c="red", label="true modes")
            span = np.abs(means).max() * 1.4
            ax.set_xlim(-span, span)
            ax.set_ylim(-span, span)
            ax.set_aspect("equal")
            ax.set_xlabel("x1")
            ax.set_ylabel("x2")
            ax.set_title(f"{model} / {dataset_name}" + ("" if seed is None else f", seed {seed}"), fontsize=9)
    # one key for every panel, above them, where it hides no mode
    legend = fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="upper center", ncol=2, fontsize=9)
    legend.legend_handles[0].set_sizes([12])  # the samples' dots, visible in the key
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    return save_figure(fig, results_dir, "samples.png")


def plot_loss_curves(results_dir: Path, records: list[dict]) -> Path | None:
    runs = {k: r for k, r in _first_seed_runs(records).items()
            if r.get("history") and any(_is_loss(name) for name in r["history"][0])}
    if not runs:
        return None
    keys = sorted(runs)
    rows, columns = math.ceil(len(keys) / PANELS_PER_ROW), min(len(keys), PANELS_PER_ROW)
    fig, axes = plt.subplots(rows, columns, squeeze=False, figsize=(4.6 * columns, 3.6 * rows))
    for ax in axes.flat[len(keys):]:
        ax.set_axis_off()
    for ax, key in zip(axes.flat, keys, strict=False):
        history = runs[key]["history"]
        steps = [h["step"] for h in history]
        for name in history[0]:
            if _is_loss(name):
                ax.plot(steps, [h.get(name) for h in history], label=name, lw=1)
        if "value_nats" in history[0]:
            ax.axhline(-np.log(4), color="grey", ls=":", lw=1, label="-log 4")
        ax.set_title(f"{key[0]} / {key[1]}, seed {runs[key]['config']['seed']}", fontsize=9)
        ax.set_xlabel("training step")
        ax.set_ylabel("loss on the training batch (nats)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure(fig, results_dir, "loss_curves.png")


def plot_image_samples(results_dir: Path, records: list[dict]) -> list[Path]:
    """One grid per model and dataset, titled with its seed: figures/samples_MODEL_DATASET.png."""
    made = []
    for (model, dataset), (images, seed) in _saved_samples(results_dir, records).items():
        if images.ndim != 4:
            continue
        fig, ax = plt.subplots(figsize=(6.0, 6.4))
        ax.imshow(_grid(images), interpolation="nearest")
        ax.set_axis_off()
        ax.set_title(f"{model} / {dataset}, seed {seed}: first {min(len(images), GRID_IMAGES)} samples",
                     fontsize=9)
        fig.tight_layout()
        made.append(save_figure(fig, results_dir, f"samples_{model}_{dataset}.png"))
    return made


def _grid(images: np.ndarray) -> np.ndarray:
    """The first GRID_IMAGES uint8 images (N, C, H, W), 10 a row, as one (H', W', 3) float image."""
    grid = make_grid(torch.from_numpy(images[:GRID_IMAGES]).float() / 255, nrow=10, padding=2, pad_value=1.0)
    return grid.permute(1, 2, 0).numpy()


def plot_model_comparison(results_dir: Path, records: list[dict]) -> list[Path]:
    """Per image dataset with two or more trained models, their sample grids side by side, each
    titled with its metrics' means over seeds (COMPARISON_METRICS): figures/MODEL_vs_MODEL.png."""
    samples = _saved_samples(results_dir, [r for r in records if r.get("kind") == "model"])
    made = []
    for dataset in sorted({d for (_, d), (images, _) in samples.items() if images.ndim == 4}):
        models = sorted(m for m, d in samples if d == dataset)
        if len(models) < 2:
            continue
        fig, axes = plt.subplots(1, len(models), squeeze=False, figsize=(4.2 * len(models), 6.8))
        for ax, model in zip(axes[0], models, strict=True):
            images, seed = samples[model, dataset]
            ax.imshow(_grid(images), interpolation="nearest")
            ax.set_axis_off()
            runs = [r["metrics"] for r in records if r["config"]["model_name"] == model
                    and r["config"]["dataset"] == dataset]
            lines = [_metric_line(label, [m[key] for m in runs if key in m], len(runs))
                     for key, label in COMPARISON_METRICS.items() if any(key in m for m in runs)]
            ax.set_title("\n".join([f"{model} / {dataset}: samples of seed {seed}",
                                     f"mean over {len(runs)} finished seed{'s' if len(runs) != 1 else ''}:",
                                     *lines]), fontsize=9)
        fig.tight_layout()
        made.append(save_figure(fig, results_dir, "_vs_".join(models) + ".png"))
    return made


def _metric_line(label: str, values: list[float], n_runs: int) -> str:
    """``label: mean``, saying on how many runs when a metric was scored on only some."""
    line = f"{label}: {np.mean(values):.3g}"
    return line if len(values) == n_runs else f"{line} ({len(values)} of {n_runs} runs)"


def plot_learning_curves(results_dir: Path, records: list[dict]) -> Path | None:
    """Every run's CURVE_KEY against epochs (or steps where the dataset has no epochs)."""
    runs = [r for r in records if any(CURVE_KEY in h for h in r.get("history", []))]
    if not runs:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for record in sorted(runs, key=lambda r: r["run_id"]):
        points = curve_points(record)
        by_epoch = points["epoch"].notna().all()
        stalled = record["status"] == "stalled"
        ax.plot(points["epoch"] if by_epoch else points["step"], points["value"], lw=1, marker=".",
                ls="--" if stalled else "-", label=record["run_id"] + (" (stalled)" if stalled else ""))
    ax.set_xlabel("epoch" if by_epoch else "step")
    ax.set_ylabel(f"{CURVE_KEY} (1,000 validation points)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure(fig, results_dir, "learning_curves.png")


def _is_loss(name: str) -> bool:
    return name.endswith("loss") or name == "value_nats"


def save_figure(fig, results_dir: Path, name: str) -> Path:
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110)
    plt.close(fig)
    return _write_png(results_dir, name, png)


def _write_png(results_dir: Path, name: str, png: io.BytesIO) -> Path:
    """figures/NAME written atomically (a full disk leaves the old figure whole), never through a
    link (gan_bench.storage.safe_paths)."""
    path = inside(results_dir, FIGURES_DIR, name)
    path.parent.mkdir(exist_ok=True)
    atomic_write_bytes(path, png.getvalue())
    return path


def write_figures(results_dir: Path) -> list[Path]:
    """Every figure of a results folder. The learning curves include stalled runs (a failed game is
    seen in its curve); the other figures show finished runs only."""
    scored = [r for r in runs_with_evaluations(results_dir) if r["status"] in SCORED_STATUSES]
    records = [r for r in scored if r["status"] == "finished"]
    made = [plot_mixture_samples(results_dir, records), plot_loss_curves(results_dir, records),
            plot_learning_curves(results_dir, scored)]
    return ([p for p in made if p is not None] + plot_image_samples(results_dir, records)
            + plot_model_comparison(results_dir, records))
