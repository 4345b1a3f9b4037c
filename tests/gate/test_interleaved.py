import pytest
import torch

from gan_bench.gate.interleaved import Prepared, measure
from gan_bench.gate.reference_workload import ReferenceWorkload

CPU = torch.device("cpu")


def costing(clock, seconds: float, units: int = 10, flops: float | None = None) -> Prepared:
    """A workload whose every call costs ``seconds`` on the fake clock."""
    return Prepared(lambda: clock.advance(seconds), units, "samples", flops_per_call=flops)


def test_twice_the_work_halves_the_ratio_and_the_rate(fake_clock):
    def reference():
        fake_clock.advance(0.001)

    once = measure(costing(fake_clock, 0.002, flops=4e6), reference, CPU, rounds=5, warmup_rounds=1,
                   round_seconds=0.05)
    twice = measure(costing(fake_clock, 0.004, flops=8e6), reference, CPU, rounds=5, warmup_rounds=1,
                    round_seconds=0.05)
    assert twice["ratio"] / once["ratio"] == pytest.approx(0.5)
    assert twice["units_per_s"] / once["units_per_s"] == pytest.approx(0.5)
    # the ratio is units per reference call: 10 units in 2 ms, against 1 ms per reference call
    assert once["ratio"] == pytest.approx(5.0) and once["units_per_s"] == pytest.approx(5000)
    assert once["calls_per_round"] == 25 and once["rounds"] == 5 and once["units_per_call"] == 10
    assert once["flops_per_s"] == pytest.approx(4e6 / 0.002)


def test_the_best_round_is_reported_and_interference_only_widens_the_range(fake_clock):
    """Interference adds time to some rounds: the best (minimum) time and its ratio are those of
    the quiet rounds; the round ratios' range shows the disturbed ones."""
    slow_calls = iter([0.0] * 40 + [0.003] * 20 + [0.0] * 1000)

    def run():
        fake_clock.advance(0.002 + next(slow_calls))

    result = measure(Prepared(run, 10, "samples"), lambda: fake_clock.advance(0.001), CPU, rounds=5,
                     warmup_rounds=0, round_seconds=0.02)
    assert result["seconds_per_call"] == pytest.approx(0.002)
    assert result["round_ratio_min"] < result["ratio"] == pytest.approx(result["round_ratio_max"])
    assert result["median_seconds_per_call"] == pytest.approx(0.002)


def test_the_reference_workload_is_the_same_work_every_call():
    reference = ReferenceWorkload(CPU)
    before = [p.clone() for p in reference.mlp.parameters()]
    reference()
    assert any(not torch.equal(a, b) for a, b in zip(before, reference.mlp.parameters(), strict=True))
    again = ReferenceWorkload(CPU)
    assert all(torch.equal(a, b) for a, b in zip(before, again.mlp.parameters(), strict=True))
