"""A run's learning curve and whether it has levelled off.

The curve is the validation Parzen estimate (``parzen_valid_ll_nats``) that a suite with
``curve_metrics = ["parzen_valid"]`` scores every ``curve_every_steps``. From one point to the next it
moves by a few nats of noise, so a run is judged on block means: its points split into blocks of
BLOCK_POINTS consecutive points (or half the points, for a curve shorter than two such blocks),
counted back from the last point (a leading remainder makes a shorter first block). The last
block's gain over the block before it has the standard error sqrt(s_last^2 / n_last +
s_before^2 / n_before), with s the spread (ddof 1) of the points within a block. Two blocks cannot
see a slow drift, so the *trend* is judged too: the least-squares slope of the last TREND_BLOCKS
block means (fewer if the curve has fewer, at least three) against their mid steps, in nats per
block, with the slope's standard error from the residuals (scipy.stats.linregress, n - 2 degrees
of freedom). A finished run is *at its plateau* when the gain is below PLATEAU_STDERRS standard
errors and so is the trend (where there is one). It cannot be judged with fewer than two blocks of
at least two points, nor when it stalled or diverged: such a run stopped, it did not level off.

On MNIST a block of 10 points 2,500 steps apart is 50 epochs.
"""

import math

import pandas as pd
from scipy import stats

from gan_bench import lookup

CURVE_KEY = "parzen_valid_ll_nats"
BLOCK_POINTS = 10
PLATEAU_STDERRS = 2.0
TREND_BLOCKS = 6
BLOCK_COLUMNS = ["block", "first_step", "last_step", "first_epoch", "last_epoch", "points", "mean_nats",
                 "std_nats"]


def curve_points(record: dict) -> pd.DataFrame:
    """The run's curve: step, epoch (NaN where the dataset has no epochs) and value, by step."""
    points = [(h["step"], h[CURVE_KEY]) for h in record.get("history", []) if CURVE_KEY in h]
    table = pd.DataFrame(points, columns=["step", "value"]).sort_values("step", ignore_index=True)
    dataset = lookup.get_dataset(record["config"]["dataset"])()
    per_epoch = getattr(dataset, "train_size", None)
    batch = record["config"]["train"]["batch_size"]
    table.insert(1, "epoch", table["step"] * batch / per_epoch if per_epoch else math.nan)
    return table


def curve_blocks(record: dict) -> pd.DataFrame:
    """The run's curve in blocks of consecutive points counted back from the last (see the module):
    first and last step and epoch, number of points, mean and std (ddof 1) of the values."""
    points = curve_points(record)
    block_points = max(1, min(BLOCK_POINTS, len(points) // 2))
    from_end = (len(points) - 1 - points.index) // block_points
    points["block"] = from_end.max() - from_end
    blocks = points.groupby("block").agg(
        first_step=("step", "min"), last_step=("step", "max"), first_epoch=("epoch", "min"),
        last_epoch=("epoch", "max"), points=("value", "size"), mean_nats=("value", "mean"),
        std_nats=("value", "std"))
    return blocks.reset_index().assign(run_id=record["run_id"])[["run_id", *BLOCK_COLUMNS]]


def trend(blocks: pd.DataFrame) -> dict:
    """The least-squares slope of the last TREND_BLOCKS block means against their mid steps, in
    nats per block (the steps between the last two blocks' ends), and its standard error; NaN with
    fewer than three blocks."""
    window = blocks.iloc[-TREND_BLOCKS:]
    if len(window) < 3:
        return {"trend_nats_per_block": math.nan, "trend_stderr_nats_per_block": math.nan}
    mid_steps = (window["first_step"] + window["last_step"]) / 2
    fit = stats.linregress(mid_steps, window["mean_nats"])
    steps_per_block = window["last_step"].iloc[-1] - window["last_step"].iloc[-2]
    return {"trend_nats_per_block": fit.slope * steps_per_block,
            "trend_stderr_nats_per_block": fit.stderr * steps_per_block}


def plateau(blocks: pd.DataFrame, status: str = "finished") -> dict:
    """The last block's mean, its gain over the block before with the gain's standard error, the
    :func:`trend`, and whether a run that ended with ``status`` is at its plateau (None when it
    cannot be judged, see the module)."""
    if len(blocks) < 2 or (blocks["points"].iloc[-2:] < 2).any():
        return {"last_block_nats": blocks["mean_nats"].iloc[-1] if len(blocks) else math.nan,
                "gain_nats": math.nan, "gain_stderr_nats": math.nan, **trend(blocks), "at_plateau": None}
    before, last = blocks.iloc[-2], blocks.iloc[-1]
    stderr = math.sqrt(last.std_nats ** 2 / last.points + before.std_nats ** 2 / before.points)
    gain = last.mean_nats - before.mean_nats
    slope = trend(blocks)
    # a NaN trend (fewer than three blocks) compares False: only the gain then decides
    rising = (gain >= PLATEAU_STDERRS * stderr or slope["trend_nats_per_block"]
              >= PLATEAU_STDERRS * slope["trend_stderr_nats_per_block"])
    return {"last_block_nats": last.mean_nats, "gain_nats": gain, "gain_stderr_nats": stderr, **slope,
            "at_plateau": None if status != "finished" else not rising}


def curve_tables(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every block of every run that has a curve, and one plateau row per such run (its status, its
    last block's steps and epochs, and :func:`plateau`)."""
    all_blocks, rows = [], []
    for record in records:
        if not any(CURVE_KEY in h for h in record.get("history", [])):
            continue
        blocks = curve_blocks(record)
        last = blocks.iloc[-1]
        all_blocks.append(blocks)
        rows.append({"run_id": record["run_id"], "status": record["status"],
                     "last_block_steps": f"{last.first_step}-{last.last_step}",
                     "last_block_epochs": (f"{last.first_epoch:g}-{last.last_epoch:g}"
                                           if not math.isnan(last.first_epoch) else ""),
                     **plateau(blocks, record["status"])})
    if not rows:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(all_blocks, ignore_index=True), pd.DataFrame(rows)
