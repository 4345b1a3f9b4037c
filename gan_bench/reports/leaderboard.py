"""Leaderboards rebuilt from runs.jsonl with pandas: one row per model x dataset.

Every metric (those scored at the end of training and those scored afterwards, see evaluations)
and throughput figure is reported as mean and std over the finished runs, beside the number of
runs, of diverged runs and of stalled runs (gan_bench.runs.stall) and the configuration that produced
them. A stalled run's own numbers are in runs.csv; they are not averaged with the finished runs',
whose mean would otherwise mix a failed game into the model's score. leaderboard.md shows the
suite's ``headline_metrics`` (about 10 columns), leaderboard-full.md and leaderboard.csv every
value; each Markdown table has a legend of its columns (gan_bench.reports.metric_glossary). Runs with a
learning curve get a closing section on whether they have levelled off (gan_bench.reports.learning_curve).
"""

import math
from pathlib import Path

import pandas as pd

from gan_bench.metrics.collapse import collapsed_at_step
from gan_bench.reports.leaderboard_cells import INTERVAL_MIN_RUNS, measured_cell, published_cell
from gan_bench.reports.learning_curve import (
    BLOCK_POINTS,
    CURVE_KEY,
    PLATEAU_STDERRS,
    TREND_BLOCKS,
    curve_tables,
)
from gan_bench.reports.metric_glossary import STDERR_OF, legend
from gan_bench.runs.evaluations import runs_with_evaluations
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.safe_paths import inside

GROUP_KEYS = ["model", "dataset"]
TIMING_COLUMNS = ["samples_per_s", "steps_per_s"]
DEFAULT_HEADLINE_METRICS = 5  # a suite without headline_metrics shows its first 5 and samples/s


def _float(value):
    if isinstance(value, str) and value in ("inf", "-inf"):
        return float(value)
    return math.nan if value is None else value


def runs_table(records: list[dict]) -> pd.DataFrame:
    """One row per run: identity, status, every metric, throughput, training seconds, the runs it
    continued (``--extend-from``), commit and the flattened config."""
    rows = []
    for record in records:
        config = record["config"]
        row = {"model": config["model_name"], "dataset": config["dataset"],
               "seed": config["seed"], "kind": record.get("kind", "model"),
               "status": record["status"], "steps": record["steps"],
               "diverged_at_step": record.get("diverged_at_step"),
               "stalled_at_step": record.get("stalled_at_step"),
               # records written before the collapse rule: the rule applied to their history
               "collapsed_at_step": record["collapsed_at_step"] if "collapsed_at_step" in record
               else collapsed_at_step(record.get("history", []))}
        row.update({k: _float(v) for k, v in record["metrics"].items()})
        timed = row["kind"] == "model"  # a calibration row's "training" is not a training speed
        row.update({k: _float(record["timing"].get(k)) if timed else math.nan
                    for k in TIMING_COLUMNS})
        row["train_seconds"] = record.get("train_seconds")
        row["extended_from"] = _extension_chain(record.get("extended_from"))
        if "invocations" in record:  # no empty column in the tables of older records
            row["invocations"] = _invocations_summary(record["invocations"])
        row["git_commit"] = record.get("git_commit")
        row["hardware"] = _machine_name(record["hardware"]) if "hardware" in record else None
        row.update({f"model_options.{k}": v for k, v in config["model_options"].items()})
        row.update({f"train.{k}": v for k, v in config["train"].items()})
        rows.append(row)
    return pd.DataFrame(rows)


def _extension_chain(extended_from: dict | None) -> str | None:
    """The checkpoints a run continued, nearest first: 'path@step <- path@step', each followed by
    the commit of the code that wrote it where the checkpoint names one ('path@step (commit
    abc123def456, dirty)'), or None."""
    links = []
    while extended_from:
        link = f"{extended_from['checkpoint']}@{extended_from['step']}"
        if extended_from.get("git_commit"):
            dirty = ", dirty" if extended_from.get("git_dirty") else ""
            link += f" (commit {extended_from['git_commit'][:12]}{dirty})"
        links.append(link)
        extended_from = extended_from.get("extended_from")
    return " <- ".join(links) or None


def _invocations_summary(invocations: list[dict]) -> str:
    """Which code and hardware trained which steps, one invocation after another:
    'steps 0-100000: commit abc123def456 on cpu, 1 thread, <CPU model>; steps 100000-...'."""
    parts = []
    for invocation in invocations:
        commit = (invocation["git_commit"] or "unknown")[:12]
        dirty = ", dirty" if invocation["git_dirty"] else ""
        parts.append(f"steps {invocation['from_step']}-{invocation['to_step']}: "
                     f"commit {commit}{dirty} on {_machine_name(invocation['hardware'])}")
    return "; ".join(parts)


def _machine_name(hardware: dict) -> str:
    """'cpu, 2 threads, <CPU model>' or 'cuda, 16 threads, <GPU name>' from a hardware fingerprint."""
    threads = hardware["torch_threads"]
    return (f"{hardware['device']}, {threads} thread{'s' if threads != 1 else ''}, "
            + (hardware["gpu_name"] or hardware["cpu_model"]))


def _machines_summary(machines: pd.Series) -> str | None:
    """The machines all of a row's runs ran on (stalled and diverged ones too), with how many runs
    each: 'A (2 runs); B (1 run)'. Where the finished runs span machines, the row's throughput mean
    is not one machine's speed."""
    counts = machines.dropna().value_counts(sort=False)
    return "; ".join(f"{name} ({n} run{'s' if n != 1 else ''})" for name, n in counts.items()) or None


def metric_columns(records: list[dict]) -> list[str]:
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record["metrics"]))
    return list(names)


def published_table(published) -> pd.DataFrame:
    """Published rows (config.PublishedRow) in the leaderboard's columns: the value as the mean,
    a published standard error as ``{metric}_stderr`` with the number of ``trials``."""
    return pd.DataFrame([{"model": row.model, "dataset": row.dataset, "kind": "published",
                          "runs": 0, "finished": 0, "diverged": 0, "stalled": 0, "source": row.source,
                          **{f"{k}_mean": float(v) for k, v in row.metrics.items()},
                          **{f"{k}_stderr": float(v) for k, v in row.stderr.items()},
                          **({"trials": row.trials} if row.trials else {})}
                         for row in published])


def leaderboard_table(records: list[dict], published=()) -> pd.DataFrame:
    """One row per model x dataset, then the ``published`` rows (config.PublishedRow)."""
    runs = runs_table(records)
    values = metric_columns(records) + TIMING_COLUMNS
    finished = runs[runs["status"] == "finished"]
    stats = finished.groupby(GROUP_KEYS, sort=False)[values].agg(["mean", "std", "count"])
    stats.columns = [f"{name}_{stat}" for name, stat in stats.columns]
    counts = runs.groupby(GROUP_KEYS, sort=False).agg(
        kind=("kind", "first"), runs=("seed", "size"),
        finished=("status", lambda s: int((s == "finished").sum())),
        diverged=("status", lambda s: int((s == "diverged").sum())),
        stalled=("status", lambda s: int((s == "stalled").sum())),
        steps=("train.steps", "first"), git_commit=("git_commit", "first"),
        hardware=("hardware", _machines_summary))
    table = pd.concat([counts.join(stats, how="left").reset_index(), published_table(published)])
    # per dataset: measured models, then calibration rows, then published numbers
    rank = table["kind"].map({"model": 0, "reference": 1, "published": 2})
    return table.assign(_rank=rank).sort_values(["dataset", "_rank"], kind="stable").drop(
        columns="_rank").reset_index(drop=True)


def full_markdown_table(table: pd.DataFrame, value_names: list[str]) -> str:
    """Every column: the counts of runs, diverged and stalled runs, steps, every value, hardware."""
    shown = table[GROUP_KEYS + ["kind", "runs", "diverged", "stalled"]].copy()
    shown["steps"] = ["" if pd.isna(steps) else str(int(steps)) for steps in table["steps"]]
    for name in value_names:
        shown[name] = value_cells(table, name)
    shown["hardware"] = table["hardware"].fillna("")
    return shown.to_markdown(index=False)


def headline_markdown_table(table: pd.DataFrame, value_names: list[str]) -> str:
    """The headline values only, the runs counted in one column: '3 (2 stalled)'."""
    shown = table[GROUP_KEYS + ["kind"]].copy()
    shown["runs"] = [_runs_cell(*row) for row in zip(table["runs"], table["diverged"], table["stalled"],
                                                     table["kind"], strict=True)]
    for name in value_names:
        shown[name] = value_cells(table, name)
    return shown.to_markdown(index=False)


def _runs_cell(runs: int, diverged: int, stalled: int, kind: str) -> str:
    if kind == "published":
        return ""
    failed = [f"{n} {why}" for n, why in ((stalled, "stalled"), (diverged, "diverged")) if n]
    return f"{runs} ({', '.join(failed)})" if failed else str(runs)


def value_cells(table: pd.DataFrame, name: str) -> list[str]:
    """One column's cells (gan_bench.reports.leaderboard_cells); a value no row has is n/a throughout."""
    if f"{name}_mean" not in table:
        return ["n/a"] * len(table)
    missing = pd.Series(math.nan, index=table.index)
    cells = []
    for index, row in table.iterrows():
        if row["kind"] == "published":
            cells.append(published_cell(row[f"{name}_mean"], table.get(f"{name}_stderr", missing)[index],
                                        table.get("trials", missing)[index]))
        else:
            stderr = row.get(f"{STDERR_OF[name]}_mean", math.nan) if name in STDERR_OF else math.nan
            cells.append(measured_cell(row[f"{name}_mean"], row[f"{name}_std"], row[f"{name}_count"],
                                       row["runs"], row["stalled"], row["diverged"], stderr))
    return cells


def headline_columns(value_names: list[str], headline_metrics=()) -> list[str]:
    """The suite's ``headline_metrics``, or, for a suite without them, its first
    DEFAULT_HEADLINE_METRICS metrics and samples/s."""
    if headline_metrics:
        return list(headline_metrics)
    metrics = [name for name in value_names if name not in TIMING_COLUMNS]
    return metrics[:DEFAULT_HEADLINE_METRICS] + ["samples_per_s"]


def write_leaderboard(results_dir: Path, published=(), headline_metrics=()) -> pd.DataFrame:
    """Rebuild leaderboard.csv, leaderboard.md (the ``headline_metrics``), leaderboard-full.md
    (every value) and runs.csv in ``results_dir`` from its records, with the suite's ``published``
    rows (config.PublishedRow) listed after the measured ones."""
    results_dir = Path(results_dir)
    records = runs_with_evaluations(results_dir)
    if not records:
        return pd.DataFrame()
    table = leaderboard_table(records, published)
    atomic_write_bytes(inside(results_dir, "leaderboard.csv"), table.to_csv(index=False).encode())
    atomic_write_bytes(inside(results_dir, "runs.csv"), runs_table(records).to_csv(index=False).encode())
    values = metric_columns(records) + TIMING_COLUMNS
    headline = headline_columns(values, headline_metrics)
    curves = curves_section(results_dir, records)
    boards = {"leaderboard.md": (headline_markdown_table(table, headline), headline,
                                 "its headline metrics; every metric, the steps and the hardware are in "
                                 "[leaderboard-full.md](leaderboard-full.md) and leaderboard.csv"),
              "leaderboard-full.md": (full_markdown_table(table, values), values, "every metric")}
    for name, (markdown_table, columns, which) in boards.items():
        markdown = (f"# Leaderboard: {results_dir.name}\n\n"
                    + _introduction(which) + "\n\n" + markdown_table + "\n\n"
                    + "Columns (the glossary, at length: docs/metrics.md):\n\n" + legend(columns) + "\n"
                    + _sources(published) + curves)
        atomic_write_bytes(inside(results_dir, name), markdown.encode())
    return table


def _introduction(which: str) -> str:
    return (f"One row per model and dataset, {which}. Measured cells: mean ± std over seeds of the "
            "finished runs, then [the 95% Student-t interval for the mean] where at least "
            f"{INTERVAL_MIN_RUNS} seeds finished; a single run's value of a metric that records its "
            "standard error over its evaluation samples (Parzen's over the test images, the bootstrap's "
            "of the JSD, the FID and the domain FID, the sharpness ratios' over the samples) is that "
            "value ± its s.e. [the 95% normal interval], which leaves out the spread between seeds; "
            "a cell from fewer runs than the row's says how many and why ('(1 of 3 runs; 2 stalled)': "
            "stalled and diverged runs are counted, not averaged; "
            "runs.csv has each run's numbers). Published cells: the paper's number ± its standard error "
            "(s.e.), not measured here. Rows of kind `reference` are calibration rows, not models. "
            "Throughput is after warm-up, on the machines the hardware column of leaderboard-full.md "
            "lists. Generated from runs.jsonl by `gan-bench leaderboard`.")


def _sources(published) -> str:
    sources = "".join(f"- {row.model} ({row.dataset}): {row.source}\n" for row in published)
    return f"\nPublished rows:\n\n{sources}" if sources else ""


def curves_section(results_dir: Path, records: list[dict]) -> str:
    """Write curve_blocks.csv for the runs with a learning curve and return leaderboard.md's section on
    whether each has levelled off (gan_bench.reports.learning_curve); empty when no run has a curve."""
    blocks, plateaus = curve_tables(records)
    if plateaus.empty:
        return ""
    atomic_write_bytes(inside(results_dir, "curve_blocks.csv"), blocks.to_csv(index=False).encode())
    shown = plateaus[["run_id", "status", "last_block_steps", "last_block_epochs"]].assign(
        last_block_nats=[f"{v:.4g}" for v in plateaus["last_block_nats"]],
        gain_nats=_with_stderr(plateaus["gain_nats"], plateaus["gain_stderr_nats"]),
        trend_nats_per_block=_with_stderr(plateaus["trend_nats_per_block"],
                                          plateaus["trend_stderr_nats_per_block"]),
        at_plateau=[{True: "yes", False: "no"}.get(v, "n/a") for v in plateaus["at_plateau"]])
    return (f"\n## Learning curves\n\n`{CURVE_KEY}` in blocks of {BLOCK_POINTS} consecutive points (half "
            "the points of a shorter curve) counted back from each run's last point; gain: the last "
            "block's mean minus the block before's, ± its standard error; trend: the least-squares slope "
            f"of the last {TREND_BLOCKS} block means (at least 3) per block, ± its standard error. A "
            f"finished run is at its plateau when the gain and the trend are both below {PLATEAU_STDERRS:g} "
            "standard errors; a stalled or diverged run is not judged (gan_bench/reports/learning_curve.py). "
            "Every block is in curve_blocks.csv.\n\n"
            + shown.to_markdown(index=False) + "\n")


def _with_stderr(values: pd.Series, stderrs: pd.Series) -> list[str]:
    return ["n/a" if pd.isna(v) else f"{v:+.3g} ± {e:.2g}" for v, e in zip(values, stderrs, strict=True)]
