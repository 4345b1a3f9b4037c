import time

import torch

from gan_bench.runs.timing import PhaseTimer


def test_warmup_steps_are_excluded_and_phases_add_up():
    timer = PhaseTimer(torch.device("cpu"), warmup_steps=2)
    for step in range(6):
        with timer.step():
            with timer.phase("data"):
                time.sleep(0.05 if step < 2 else 0.002)  # slow warm-up must not count
            with timer.phase("update"):
                time.sleep(0.004)
    summary = timer.summary(samples_per_step=10)
    assert summary["timed_steps"] == 4
    assert 0.002 * 1000 <= summary["data_ms_per_step"] < 0.05 * 1000
    step_ms = 1000 / summary["steps_per_s"]
    assert summary["data_ms_per_step"] + summary["update_ms_per_step"] <= step_ms
    assert abs(summary["samples_per_s"] - 10 * summary["steps_per_s"]) < 1e-9
    assert summary["peak_mem_bytes"] > 1_000_000


def test_timer_state_survives_a_resume():
    timer = PhaseTimer(torch.device("cpu"), warmup_steps=0)
    with timer.step(), timer.phase("x"):
        pass
    restored = PhaseTimer(torch.device("cpu"), warmup_steps=0)
    restored.load_state_dict(timer.state_dict())
    assert restored.summary(1)["timed_steps"] == 1
