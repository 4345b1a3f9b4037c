"""Our Parzen protocol against a direct port of the reference (parzen_reference.py), same session.

Run: ``pytest -n 0 benchmarks/test_parzen_speed.py --benchmark-only -s`` (fetches MNIST on first use).
The kernel centres stand in for a generator: the first 10,000 training images. Ours runs the whole
protocol: 10 sigmas on 1,000 validation images, then 10,000 test images, 20,000 (point, sigma)
evaluations. The reference takes about 40 ms per evaluation on two cores (it recomputes every
difference for every sigma), so it runs on the first REFERENCE_POINTS validation and test images
only, and its time is scaled per evaluation to the full protocol. Parity is checked on that
subset, where both implementations see the same points.
"""

import numpy as np
import parzen_reference
import pytest

from gan_bench.data.mnist import Mnist
from gan_bench.metrics.parzen import N_VALIDATION, PAPER_SIGMAS, parzen_evaluate

N_SAMPLES = 10_000
N_TEST = 10_000
REFERENCE_POINTS = 20
PARITY_NATS = 0.01
FULL_EVALUATIONS = N_VALIDATION * len(PAPER_SIGMAS) + N_TEST
SUBSET_EVALUATIONS = REFERENCE_POINTS * len(PAPER_SIGMAS) + REFERENCE_POINTS

_best_seconds: dict[str, float] = {}


@pytest.fixture(scope="module")
def mnist():
    dataset = Mnist()
    return (dataset.train_images()[:N_SAMPLES].flatten(1), dataset.parzen_validation(),
            dataset.parzen_test())


def test_ours_full_protocol(benchmark, mnist):
    samples, validation, test = mnist
    result = benchmark.pedantic(parzen_evaluate, args=(samples, validation, test), rounds=3,
                                iterations=1, warmup_rounds=1)
    assert (result["n_samples"], result["n_validation"], result["n_test"]) == (10_000, 1000, 10_000)
    _best_seconds["ours"] = benchmark.stats.stats.min
    benchmark.extra_info.update(protocol_s=benchmark.stats.stats.min,
                                parzen_ll_nats=result["parzen_ll_nats"], sigma=result["sigma"])


def test_reference_subset_parity_and_speed_ratio(benchmark, mnist):
    samples, validation, test = mnist
    validation, test = validation[:REFERENCE_POINTS], test[:REFERENCE_POINTS]
    ll_mean, stderr, sigma, validation_lls = benchmark.pedantic(
        parzen_reference.evaluate, args=(samples.numpy(), validation.numpy(), test.numpy(),
                                         np.array(PAPER_SIGMAS)), rounds=1, iterations=1)
    ours = parzen_evaluate(samples, validation, test)
    differences = {
        "validation_ll_nats": np.abs(np.array(ours["validation_ll_nats"]) - validation_lls).max(),
        "parzen_ll_nats": abs(ours["parzen_ll_nats"] - ll_mean),
        "stderr_nats": abs(ours["stderr_nats"] - stderr),
    }
    assert ours["sigma"] == sigma
    assert max(differences.values()) <= PARITY_NATS, differences
    reference_full_s = benchmark.stats.stats.min / SUBSET_EVALUATIONS * FULL_EVALUATIONS
    benchmark.extra_info.update(parity_max_difference_nats=max(differences.values()),
                                reference_full_protocol_estimate_s=reference_full_s)
    report = (f"\nParzen parity (subset of {REFERENCE_POINTS} + {REFERENCE_POINTS} points): max "
              f"difference {max(differences.values()):.2e} nats; reference full-protocol estimate "
              f"{reference_full_s:.0f} s")
    if "ours" in _best_seconds:  # run the whole module for the ratio
        ratio = reference_full_s / _best_seconds["ours"]
        benchmark.extra_info["speed_ratio"] = ratio
        report += f"; ours {_best_seconds['ours']:.2f} s; speed ratio {ratio:.0f}x"
    print(report)
