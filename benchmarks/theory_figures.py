"""Figures and the summary table of the `theory` suite: the GAN paper's statements on real runs.

    python benchmarks/theory_figures.py --results results [--only value_curves]

reads results/theory (its records, and the final checkpoints of the seed-0 runs for the heat
maps) and writes into results/theory/figures:

- ``d_vs_d_star.png``: the trained discriminator D(x) beside the optimal D*(x) = p_data / (p_data +
  p_g) over the plane, p_g estimated from the run's samples (gan_bench.metrics.theory), modes marked;
- ``value_curves.png``: V(D, G) along training against -log 4 (V of any D = 1/2, and the minimum of
  C(G) = max_D V, at p_g = p_data; not an optimum of V itself), and mean D on real and generated
  batches against 1/2;
- ``saturation.png``, from the `saturation` suite (the MNIST GAN's first 600 steps, results/
  saturation): the generator's gradient norm under log(1 - D(G(z))) and under -log D(G(z))
  against D(G(z)) at every curve point of every run, beside the paper's per-sample picture
  (|dL/dlogit| = D and 1 - D); its numbers in results/saturation/saturation_table.md;
- ``jsd_and_modes.png``: JSD(p_data || p_g) ± s.e. and modes captured along training;

and ``theory_table.md`` / ``theory_table.json`` (with provenance): per model and dataset, the final
JSD ± s.e., C(G), |V + log 4| at the last log point, D* errors, modes, mean ± std over seeds, and
the early gradient norms of both losses.

``--only value_curves`` redraws that figure alone: it reads only the records, so it can be redrawn
where the seed-0 checkpoints the heat maps need are not kept.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from gan_bench.config.suite import load_suite
from gan_bench.metrics.theory import LOG_4, GeneratorDensity
from gan_bench.runs.evaluations import load_final_model
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runtime.provenance import how_made
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable, read_records
from gan_bench.storage.samples_io import read_run_samples

SUITE = "theory"
SATURATION_SUITE = "saturation"
EARLY_STEPS = 1000
GRID_CELLS = 200
LOSS_COLOURS = {"gan-nonsaturating": "tab:blue", "gan-minimax": "tab:red"}


def gan_records(results_dir: Path) -> list[dict]:
    return [r for r in read_records(results_dir) if r["config"]["model_name"] in LOSS_COLOURS]


def curve_entries(record: dict, key: str) -> list[dict]:
    return [entry for entry in record["history"] if key in entry]


def heat_maps(results_dir: Path, records: list[dict], out: Path) -> None:
    jobs = {job.run_id: job for job in expand_run_specs(load_suite(SUITE))}
    chosen = sorted((r for r in records if r["config"]["seed"] == 0),
                    key=lambda r: (r["config"]["dataset"], r["config"]["model_name"]))
    fig, axes = plt.subplots(len(chosen), 2, figsize=(7.5, 3.4 * len(chosen)), squeeze=False)
    for row, record in zip(axes, chosen, strict=True):
        dataset, model, _ = load_final_model(jobs[record["run_id"]], results_dir, torch.device("cpu"))
        samples = torch.from_numpy(read_run_samples(results_dir, record))
        density = GeneratorDensity.from_samples(dataset, samples)
        extent = float(dataset.means.abs().max()) * 1.4
        axis = torch.linspace(-extent, extent, GRID_CELLS)
        points = torch.cartesian_prod(axis, axis).flip(1)  # rows over y, columns over x
        with torch.no_grad():
            d = torch.sigmoid(model.discriminator(points)).reshape(GRID_CELLS, GRID_CELLS)
        d_star = density.optimal_discriminator(points).reshape(GRID_CELLS, GRID_CELLS)
        for ax, values, title in ((row[0], d, "trained D(x)"), (row[1], d_star, "D*(x) = p / (p + p_g)")):
            image = ax.imshow(values.numpy(), origin="lower", extent=(-extent, extent, -extent, extent),
                              vmin=0, vmax=1, cmap="coolwarm")
            ax.scatter(*dataset.means.T, marker="x", color="black", s=14, linewidths=0.8)
            ax.set_title(f"{record['run_id']}\n{title}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.colorbar(image, ax=row.tolist(), shrink=0.8)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def dataset_panels(records: list[dict]):
    """A figure of two rows and a column per dataset, the datasets, and for each run (in record
    order) its column, colour by loss, and a legend label on each loss's seed-0 run only."""
    datasets = sorted({r["config"]["dataset"] for r in records})
    fig, axes = plt.subplots(2, len(datasets), figsize=(5.5 * len(datasets), 7), squeeze=False)
    runs = [(datasets.index(r["config"]["dataset"]), r, LOSS_COLOURS[r["config"]["model_name"]],
             r["config"]["model_name"] if r["config"]["seed"] == 0 else None) for r in records]
    return fig, axes, datasets, runs


def value_curves(records: list[dict], out: Path) -> None:
    fig, axes, datasets, runs = dataset_panels(records)
    for column, record, colour, label in runs:
        steps = [e["step"] for e in record["history"]]
        axes[0, column].plot(steps, [e["value_nats"] for e in record["history"]], color=colour,
                             alpha=0.7, lw=0.8, label=label)
        axes[1, column].plot(steps, [e["d_real"] for e in record["history"]], color=colour,
                             alpha=0.7, lw=0.8, label=label and f"{label}: D(x)")
        axes[1, column].plot(steps, [e["d_fake"] for e in record["history"]], color=colour,
                             alpha=0.7, lw=0.8, ls="--", label=label and f"{label}: D(G(z))")
    for column, dataset in enumerate(datasets):
        axes[0, column].axhline(-LOG_4, color="black", lw=1, label="-log 4 (V at D = 1/2; min C(G))")
        axes[1, column].axhline(0.5, color="black", lw=1, label="1/2")
        axes[0, column].set(title=f"{dataset}: V(D, G) on training batches", xlabel="step",
                            ylabel="nats")
        axes[1, column].set(title=f"{dataset}: mean D on real and generated batches", xlabel="step")
        for ax in axes[:, column]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def saturation_points(records: list[dict]) -> pd.DataFrame:
    """One row per curve point of the saturation runs: the loss the run trains, step, D(G(z)) and
    the gradient norm under each loss."""
    return pd.DataFrame([{"trained_loss": r["config"]["model_options"].get("generator_loss", "nonsaturating"),
                          "seed": r["config"]["seed"], "step": e["step"], "d_fake": e["d_fake_probe"],
                          "grad_nonsaturating": e["g_grad_norm_nonsaturating"],
                          "grad_minimax": e["g_grad_norm_minimax"]}
                         for r in records for e in curve_entries(r, "g_grad_norm_minimax")])


def saturation(points: pd.DataFrame, out: Path) -> None:
    fig, (paper, measured) = plt.subplots(1, 2, figsize=(11, 4.2))
    d = np.linspace(1e-3, 1 - 1e-3, 200)
    paper.plot(d, d, color=LOSS_COLOURS["gan-minimax"], label="log(1 - D(G(z))): |dL/dlogit| = D")
    paper.plot(d, 1 - d, color=LOSS_COLOURS["gan-nonsaturating"], label="-log D(G(z)): |dL/dlogit| = 1 - D")
    paper.set(title="per sample, in theory", xlabel="D(G(z))", ylabel="|dL / d logit|")
    paper.legend(fontsize=8)
    for trained, marker in (("nonsaturating", "^"), ("minimax", "o")):
        runs = points[points["trained_loss"] == trained]
        for loss in ("minimax", "nonsaturating"):
            measured.scatter(runs["d_fake"], runs[f"grad_{loss}"], color=LOSS_COLOURS[f"gan-{loss}"],
                             marker=marker, s=10, alpha=0.5,
                             label=f"{loss} loss, runs training {trained}")
    measured.set(title="MNIST GAN, first 600 steps: generator gradient norm", xscale="log",
                 xlabel="mean D(G(z)) on the probe batch", ylabel="|grad_theta L| (L2)", yscale="log")
    measured.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def saturation_table(points: pd.DataFrame) -> pd.DataFrame:
    """Per trained loss and stretch of steps: mean D(G(z)), mean gradient norm under each loss,
    and their ratio (minimax over non-saturating), over seeds and curve points."""
    stretch = pd.cut(points["step"], [0, 100, 300, 600], labels=["steps 10-100", "steps 110-300",
                                                                "steps 310-600"])
    table = points.assign(stretch=stretch).groupby(["trained_loss", "stretch"], observed=True)[
        ["d_fake", "grad_nonsaturating", "grad_minimax"]].mean()
    return table.assign(minimax_over_nonsaturating=table["grad_minimax"] / table["grad_nonsaturating"])


def jsd_and_modes(records: list[dict], out: Path) -> None:
    fig, axes, datasets, runs = dataset_panels(records)
    for column, record, colour, label in runs:
        entries = curve_entries(record, "jsd_nats")
        steps = np.array([e["step"] for e in entries])
        jsd = np.array([e["jsd_nats"] for e in entries])
        stderr = np.array([e["jsd_stderr_nats"] for e in entries])
        axes[0, column].plot(steps, jsd, color=colour, lw=0.8, label=label)
        axes[0, column].fill_between(steps, jsd - stderr, jsd + stderr, color=colour, alpha=0.2)
        axes[1, column].plot(steps, [e["modes_captured"] for e in entries], color=colour, lw=0.8,
                             label=label)
    for column, dataset in enumerate(datasets):
        axes[0, column].axhline(math.log(2), color="grey", lw=0.8, ls=":", label="log 2 (disjoint)")
        axes[0, column].set(title=f"{dataset}: JSD(p_data || p_g) ± s.e.", xlabel="step", ylabel="nats")
        axes[1, column].set(title=f"{dataset}: modes captured", xlabel="step")
        for ax in axes[:, column]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def _mean_of(entries: list[dict], key: str) -> float | None:
    return float(np.mean([e[key] for e in entries])) if entries else None


def theory_table(results_dir: Path) -> pd.DataFrame:
    rows = []
    for record in read_records(results_dir):
        metrics = record["metrics"]
        last = record["history"][-1] if record["history"] else {}
        early = [e for e in curve_entries(record, "g_grad_norm_minimax") if e["step"] <= EARLY_STEPS]
        row = {"model": record["config"]["model_name"], "dataset": record["config"]["dataset"]}
        row |= {key: metrics.get(key) for key in ("jsd_nats", "jsd_stderr_nats", "c_of_g_nats")}
        row["abs_v_plus_log4_nats"] = abs(last["value_nats"] + LOG_4) if "value_nats" in last else None
        row |= {key: metrics.get(key) for key in ("d_star_mae_real", "d_star_mae_fake", "modes_captured")}
        row |= {"early_grad_nonsaturating": _mean_of(early, "g_grad_norm_nonsaturating"),
                "early_grad_minimax": _mean_of(early, "g_grad_norm_minimax"),
                "early_d_fake": _mean_of(early, "d_fake_probe")}
        rows.append(row)
    runs = pd.DataFrame(rows)
    values = [c for c in runs.columns if c not in ("model", "dataset")]
    runs[values] = runs[values].astype(float)
    return runs.groupby(["model", "dataset"], sort=True)[values].agg(["mean", "std"])


def markdown(table: pd.DataFrame) -> str:
    shown = pd.DataFrame(index=table.index)
    for name in table.columns.get_level_values(0).unique():
        shown[name] = [f"{m:.4g}" if pd.isna(s) else f"{m:.4g} ± {s:.2g}"
                       for m, s in zip(table[name, "mean"], table[name, "std"], strict=True)]
    return shown.reset_index().to_markdown(index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--only", choices=["value_curves"], default=None,
                        help="redraw only this figure (it needs no checkpoint)")
    args = parser.parse_args()
    results_dir = args.results / SUITE
    figures = results_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    records = gan_records(results_dir)
    if args.only == "value_curves":
        value_curves(records, figures / "value_curves.png")
        return 0
    heat_maps(results_dir, records, figures / "d_vs_d_star.png")
    value_curves(records, figures / "value_curves.png")
    saturation_dir = args.results / SATURATION_SUITE
    points = saturation_points(read_records(saturation_dir))
    saturation(points, figures / "saturation.png")
    summary = saturation_table(points)
    atomic_write_bytes(saturation_dir / "saturation_table.md", (
        "# Saturation of the minimax generator loss, MNIST GAN's first 600 steps\n\nMeans over "
        "3 seeds and the curve points (every 10 steps) of each stretch; gradient norms are the L2 "
        "norm of the generator's parameter gradient on one noise batch of 1,000 "
        "(gan_bench/metrics/game.py). Written by `python benchmarks/theory_figures.py`.\n\n"
        + summary.reset_index().to_markdown(index=False, floatfmt=".4g") + "\n").encode())
    print(summary)
    jsd_and_modes(records, figures / "jsd_and_modes.png")
    table = theory_table(results_dir)
    atomic_write_bytes(results_dir / "theory_table.md", (
        "# The GAN paper's theory on the theory suite's runs\n\nMean ± std over seeds; JSD and C(G) "
        "in nats (gan_bench/metrics/theory.py), |V + log 4| at the last log point, D* errors as mean "
        f"|D - D*| under p_data and p_g, early values averaged over the curve points of the first "
        f"{EARLY_STEPS} steps. Written by `python benchmarks/theory_figures.py`.\n\n"
        + markdown(table) + "\n").encode())
    flat = table.copy()
    flat.columns = [f"{name}_{stat}" for name, stat in flat.columns]
    atomic_write_bytes(results_dir / "theory_table.json", json.dumps(jsonable({
        "rows": flat.reset_index().to_dict("records"),
        **how_made({"suite": SUITE, "early_steps": EARLY_STEPS, "grid_cells": GRID_CELLS},
                   torch.device("cpu"))}), indent=1, sort_keys=True).encode())
    print(markdown(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
