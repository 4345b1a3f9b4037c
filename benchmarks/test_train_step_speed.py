"""Training-step throughput of the built-in models, for catching performance regressions.

Absolute times on a shared machine are noisy, so each model's step is also reported as a ratio
to a fixed reference workload timed in the same session: the float32 matrix products of one
forward and backward pass of a 400-unit MLP layer at batch 100 (``reference_matmul``). A change
that slows a model shows up as a larger ``steps_per_reference`` ratio whatever the machine.

Run: ``pytest benchmarks/test_train_step_speed.py --benchmark-only``.
"""

import pytest
import torch

from baselines.gan_mlp import GanMlp
from baselines.vae_mlp import VaeMlp
from gan_bench.data.mixtures import Ring8

CPU = torch.device("cpu")
_reference_s: list[float] = []


def reference_matmul(a: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward product, then the input- and weight-gradient products of the backward pass."""
    out = a @ w
    return out @ w.T, a.T @ out


@pytest.fixture(scope="module", autouse=True)
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the harness's default for parallel jobs; steadier timings
    yield
    torch.set_num_threads(threads)


def test_reference_workload(benchmark):
    generator = torch.Generator().manual_seed(0)
    a, w = torch.randn(100, 400, generator=generator), torch.randn(400, 400, generator=generator)
    benchmark.pedantic(reference_matmul, args=(a, w), rounds=200, iterations=5, warmup_rounds=20)
    _reference_s.append(benchmark.stats.stats.median)


@pytest.mark.parametrize("model_class, options", [
    (GanMlp, GanMlp.Options()),
    (GanMlp, GanMlp.Options(generator_loss="minimax")),
    (VaeMlp, VaeMlp.Options()),
], ids=["gan-mlp-nonsaturating", "gan-mlp-minimax", "vae-mlp"])
def test_train_step(benchmark, model_class, options):
    torch.manual_seed(0)
    dataset = Ring8()
    model = model_class(options, dataset, CPU)
    batches = [dataset.train_batch(step, 100, seed=0) for step in range(8)]
    state = {"step": 0}

    def step():
        model.train_step(batches[state["step"] % len(batches)])
        state["step"] += 1

    benchmark.pedantic(step, rounds=60, iterations=1, warmup_rounds=10)
    if _reference_s:
        benchmark.extra_info["steps_per_reference"] = benchmark.stats.stats.median / _reference_s[0]
    assert benchmark.stats.stats.median > 0
