import pytest
import torch

from gan_bench.bench.interleaved import Prepared, measure
from gan_bench.bench.reference_workload import ReferenceWorkload

CPU = torch.device("cpu")


def matmuls(repeats: int) -> Prepared:
    a = torch.randn(256, 256, generator=torch.Generator().manual_seed(0))

    def run():
        for _ in range(repeats):
            torch.mm(a, a)

    return Prepared(run, 10, "samples", flops_per_call=repeats * 2.0 * 256**3)


def test_twice_the_work_halves_the_ratio_and_the_rate():
    reference = ReferenceWorkload(CPU)
    once = measure(matmuls(4), reference, CPU, rounds=5, warmup_rounds=1, round_seconds=0.05)
    twice = measure(matmuls(8), reference, CPU, rounds=5, warmup_rounds=1, round_seconds=0.05)
    assert 0.35 < twice["ratio"] / once["ratio"] < 0.65
    assert 0.35 < twice["units_per_s"] / once["units_per_s"] < 0.65
    assert once["seconds_per_call"] <= once["median_seconds_per_call"]
    assert once["ratio"] == once["reference_seconds_per_call"] / once["seconds_per_call"] * 10
    # the ratio is units per reference call: the units processed in one reference call's time
    assert once["ratio"] > 0 and once["rounds"] == 5 and once["units_per_call"] == 10
    assert twice["flops_per_call"] == 2 * once["flops_per_call"]
    calls_per_s = once["units_per_s"] / once["units_per_call"]
    assert once["flops_per_s"] == pytest.approx(calls_per_s * once["flops_per_call"])


def test_the_reference_workload_is_the_same_work_every_call():
    reference = ReferenceWorkload(CPU)
    before = [p.clone() for p in reference.mlp.parameters()]
    reference()
    assert any(not torch.equal(a, b) for a, b in zip(before, reference.mlp.parameters(), strict=True))
    again = ReferenceWorkload(CPU)
    assert all(torch.equal(a, b) for a, b in zip(before, again.mlp.parameters(), strict=True))
