import math

import numpy as np
import pandas as pd

from gan_bench.reports.learning_curve import curve_blocks, curve_tables, plateau


def record(values, status="finished", every_steps=2500):
    """An MNIST run (500 steps an epoch at batch 100) whose curve is ``values``, one every
    ``every_steps``, between loss entries that have no curve value."""
    history = []
    for i, value in enumerate(values):
        history += [{"step": (i + 1) * every_steps - 500, "d_loss": 0.6},
                    {"step": (i + 1) * every_steps, "parzen_valid_ll_nats": float(value)}]
    return {"run_id": "gan__mnist__seed1", "status": status, "history": history,
            "config": {"dataset": "mnist", "train": {"batch_size": 100}}}


def test_blocks_of_a_rising_curve_and_its_gain():
    values = 100 + 0.5 * np.arange(30)
    blocks = curve_blocks(record(values))
    assert list(blocks["points"]) == [10, 10, 10]
    assert list(blocks["first_epoch"]) == [5, 55, 105] and list(blocks["last_epoch"]) == [50, 100, 150]
    assert list(blocks["last_step"]) == [25000, 50000, 75000]
    assert np.allclose(blocks["mean_nats"], [values[i:i + 10].mean() for i in (0, 10, 20)])
    within = np.std(values[:10], ddof=1)
    assert np.allclose(blocks["std_nats"], within)
    found = plateau(blocks)
    assert math.isclose(found["gain_nats"], 5.0)
    assert math.isclose(found["gain_stderr_nats"], math.sqrt(2 * within ** 2 / 10))
    assert math.isclose(found["trend_nats_per_block"], 5.0) and found["trend_stderr_nats_per_block"] < 1e-9
    assert found["at_plateau"] is False


def test_a_slow_drift_that_two_blocks_cannot_see_is_not_a_plateau():
    # 1 nat per block of 10 points under noise of 2 nats a point: the last gain is within 2 standard
    # errors, the slope over six blocks is not
    values = 200 + 0.1 * np.arange(60) + np.random.default_rng(3).normal(0, 2.0, 60)
    found = plateau(curve_blocks(record(values)))
    assert found["gain_nats"] < 2 * found["gain_stderr_nats"]
    assert found["trend_nats_per_block"] > 2 * found["trend_stderr_nats_per_block"]
    assert 0.5 < found["trend_nats_per_block"] < 1.5
    assert found["at_plateau"] is False


def test_a_flat_noisy_curve_is_at_its_plateau():
    values = 200 + np.random.default_rng(0).normal(0, 2.0, 40)
    found = plateau(curve_blocks(record(values)))
    assert abs(found["gain_nats"]) < 2 * found["gain_stderr_nats"]
    assert abs(found["trend_nats_per_block"]) < 2 * found["trend_stderr_nats_per_block"]
    assert found["at_plateau"] is True
    assert math.isclose(found["last_block_nats"], values[-10:].mean())


def test_blocks_are_counted_back_from_the_last_point():
    blocks = curve_blocks(record(np.arange(25.0)))
    assert list(blocks["points"]) == [5, 10, 10]
    assert blocks["last_step"].iloc[-1] == 25 * 2500
    assert math.isclose(blocks["mean_nats"].iloc[0], np.arange(5.0).mean())
    # a straight line: the short first block's mean sits on it at the block's mid step
    assert math.isclose(plateau(blocks)["trend_nats_per_block"], 10.0)


def test_a_run_that_stalled_is_not_judged_but_keeps_its_numbers():
    blocks = curve_blocks(record(np.full(30, 50.0) + np.random.default_rng(0).normal(0, 1.0, 30)))
    assert plateau(blocks)["at_plateau"] is True
    stalled = plateau(blocks, "stalled")
    assert stalled["at_plateau"] is None and math.isfinite(stalled["gain_nats"])


def test_a_short_curve_is_halved_and_one_too_short_is_not_judged():
    blocks = curve_blocks(record(np.arange(9.0)))  # the VAE's 8 or 9 points: two blocks of 4
    assert list(blocks["points"]) == [1, 4, 4] and math.isclose(plateau(blocks)["gain_nats"], 4.0)
    for values in ([1.0], [1.0, 2.0, 3.0]):  # one block; a last-but-one block of one point
        found = plateau(curve_blocks(record(values)))
        assert found["at_plateau"] is None and math.isnan(found["gain_nats"])
    assert math.isnan(plateau(curve_blocks(record(np.arange(20.0))))["trend_nats_per_block"])  # 2 blocks


def test_tables_cover_only_runs_with_a_curve():
    no_curve = {**record([]), "run_id": "vae__mnist__seed0"}
    blocks, plateaus = curve_tables([record(100 + 0.5 * np.arange(30), status="stalled"), no_curve])
    assert list(plateaus["run_id"]) == ["gan__mnist__seed1"] and plateaus["status"][0] == "stalled"
    assert plateaus["last_block_epochs"][0] == "105-150" and plateaus["last_block_steps"][0] == "52500-75000"
    assert plateaus["at_plateau"][0] is None  # stalled
    assert len(blocks) == 3 and set(blocks["run_id"]) == {"gan__mnist__seed1"}
    assert all(isinstance(t, pd.DataFrame) and t.empty for t in curve_tables([no_curve]))
