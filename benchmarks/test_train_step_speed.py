"""Training-step throughput of the built-in models in a pytest-benchmark session.

The same workloads as ``gan-bench bench`` (gan_bench.gate.workloads), timed by pytest-benchmark
for its statistics and ``--benchmark-json`` files; each step's median is also reported as its
ratio to the reference workload (gan_bench.gate.reference_workload) timed in the same session,
``samples_per_reference_call``, which moves far less than the absolute time between machines.
The regression gate itself is ``gan-bench bench --compare``, which does not depend on
pytest-benchmark's machine-id folders.

Run: ``pytest -n 0 benchmarks/test_train_step_speed.py --benchmark-only``.
"""

import pytest
import torch

from gan_bench.gate.reference_workload import ReferenceWorkload
from gan_bench.gate.workloads import all_workloads

CPU = torch.device("cpu")
STEPS = [workload for workload in all_workloads() if workload.name.startswith("step/")]
_reference_s: list[float] = []


@pytest.fixture(scope="module", autouse=True)
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # gan-bench bench's default; steadier timings
    yield
    torch.set_num_threads(threads)


def test_reference_workload(benchmark):
    benchmark.pedantic(ReferenceWorkload(CPU), rounds=100, iterations=1, warmup_rounds=10)
    _reference_s.append(benchmark.stats.stats.median)


@pytest.mark.parametrize("workload", STEPS, ids=[workload.name for workload in STEPS])
def test_train_step(benchmark, workload):
    prepared = workload.build(CPU)
    benchmark.pedantic(prepared.run, rounds=30, iterations=1, warmup_rounds=5)
    benchmark.extra_info["samples_per_step"] = prepared.units_per_call
    if _reference_s:  # run the module whole for the ratio
        benchmark.extra_info["samples_per_reference_call"] = (
            _reference_s[0] / benchmark.stats.stats.median * prepared.units_per_call)
