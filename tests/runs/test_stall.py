import math

from gan_bench.runs.stall import STALL_VALUE_NATS, STALL_WINDOW_STEPS, is_stalled

WON = -STALL_VALUE_NATS / 100  # D tells real from generated with a log-loss of 1e-5 nats
OPTIMUM = -math.log(4)


def log(values, every=500):
    return [{"step": every * (i + 1), "value_nats": v} for i, v in enumerate(values)]


def test_a_game_won_over_the_whole_window_is_stalled():
    history = log([OPTIMUM] * 3 + [WON] * (STALL_WINDOW_STEPS // 500 + 1))
    assert is_stalled(history, history[-1]["step"])


def test_one_contested_log_point_in_the_window_is_not_stalled():
    values = [WON] * (STALL_WINDOW_STEPS // 500 + 1)
    values[5] = -10 * STALL_VALUE_NATS
    history = log(values)
    assert not is_stalled(history, history[-1]["step"])
    # the contested point falls out of the window as the won game goes on
    history = log(values + [WON] * 6)
    assert is_stalled(history, history[-1]["step"])


def test_a_run_younger_than_the_window_is_not_stalled():
    history = log([WON] * (STALL_WINDOW_STEPS // 500 - 1))
    assert not is_stalled(history, history[-1]["step"])
    assert not is_stalled([], 10 * STALL_WINDOW_STEPS)


def test_a_healthy_game_and_a_model_without_a_game_never_stall():
    steps = 4 * STALL_WINDOW_STEPS // 500
    assert not is_stalled(log([OPTIMUM] * steps), steps * 500)
    vae_log = [{"step": 500 * (i + 1), "loss": 90.0} for i in range(steps)]
    assert not is_stalled(vae_log, steps * 500)
