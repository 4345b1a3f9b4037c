from gan_bench.metrics.collapse import COLLAPSE_HOLD_STEPS, censored_at_step, collapsed_at_step


def history(d_fakes, every=100):
    return [{"step": every * (i + 1), "d_fake": value} for i, value in enumerate(d_fakes)]


def test_a_collapse_lasting_to_the_end_is_dated_from_its_first_log_point():
    # healthy until step 300, a dip that recovers, then down for good from step 600
    log = history([0.4, 0.3, 0.3, 0.005, 0.2, 0.002] + [0.001] * 12)
    assert collapsed_at_step(log) == 600


def test_no_collapse_when_it_recovers_or_is_too_recent_or_nothing_is_logged():
    assert collapsed_at_step(history([0.4, 0.001, 0.001, 0.3])) is None
    recent = history([0.4] * 10 + [0.001] * (COLLAPSE_HOLD_STEPS // 100 - 1))
    assert collapsed_at_step(recent) is None
    assert collapsed_at_step(history([0.4] * 10 + [0.001] * (COLLAPSE_HOLD_STEPS // 100 + 1))) == 1100
    assert collapsed_at_step([{"step": 100, "elbo": -3.0}]) is None  # a VAE logs no d_fake
    assert collapsed_at_step([]) is None


def test_a_collapse_cut_short_by_the_end_of_the_run_is_censored_not_healthy():
    """results/mnist-collapse gan seed 16: below 0.01 from step 3,800, one log point of 0.014 at
    step 4,600, then below again to step 5,000 (300 steps, short of the rule's span)."""
    log = history([0.03] * 37 + [1e-3] * 8 + [0.014] + [1e-4] * 4)
    assert log[-1]["step"] == 5000 and log[45] == {"step": 4600, "d_fake": 0.014}
    assert collapsed_at_step(log) is None
    assert censored_at_step(log) == 4700
    collapsed = history([0.4] * 10 + [0.001] * (COLLAPSE_HOLD_STEPS // 100 + 1))
    healthy = history([0.4, 0.001, 0.3])
    assert censored_at_step(collapsed) is None and censored_at_step(healthy) is None
    assert censored_at_step([{"step": 100, "elbo": -3.0}]) is None
