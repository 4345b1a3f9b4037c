import numpy as np
import pytest

from gan_bench.gate import ab_noise
from gan_bench.gate.ab_statistics import judge, process_medians
from tests.gate.synthetic_rounds import rounds


def test_the_noise_of_an_aa_measurement_is_the_process_spread():
    rng = np.random.default_rng(0)
    base = {"w": process_medians(rounds(rng, 40, 0.1, 0.03, round_sigma=0.001))}
    candidate = {"w": process_medians(rounds(rng, 40, 0.1, 0.03, round_sigma=0.001))}
    noise = ab_noise.calibrate(base, candidate)
    assert noise["processes_per_side"] == 40
    assert noise["workloads"]["w"]["sigma_log"] == pytest.approx(0.03, rel=0.2)


def test_the_minimum_effect_has_a_floor_and_grows_with_the_noise():
    assert ab_noise.minimum_effect(0.0001, 10) == ab_noise.MIN_EFFECT_FLOOR
    assert ab_noise.minimum_effect(0.08, 10) > ab_noise.minimum_effect(0.04, 10) > ab_noise.MIN_EFFECT_FLOOR
    assert ab_noise.detectable_change(0.02, 20, 1) < ab_noise.detectable_change(0.02, 6, 1)
    assert ab_noise.detectable_change(0.02, 8, 12) >= ab_noise.detectable_change(0.02, 8, 1)


@pytest.mark.slow
def test_the_detectable_change_is_detected_in_most_synthetic_runs():
    """At the change ab_noise calls detectable (90% power), synthetic gate runs with that noise
    find it at least 80% of the time; at half of it, clearly less often."""
    rng = np.random.default_rng(4)
    sigma, n = 0.03, 8
    detectable = ab_noise.detectable_change(sigma, n, 1)
    min_effects = {"w": ab_noise.minimum_effect(sigma, n)}

    def rate(change: float) -> float:
        return np.mean([judge({"w": rounds(rng, n, 1.0, sigma)}, {"w": rounds(rng, n, 1 + change, sigma)},
                              min_effects)[0]["verdict"] == "SLOWER" for _ in range(150)])

    assert rate(detectable) >= 0.8
    assert rate(detectable / 2) < rate(detectable) - 0.3
