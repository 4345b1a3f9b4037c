"""The training loop reads the device on the host a fixed number of times per log point.

On a GPU every host read of a device tensor (``.item()``, ``float()``, ``bool()``, ``.tolist()``,
``.cpu()``, ``.numpy()``) waits for the device. On the CPU those calls are counted instead: each
one made from gan-bench's own code (the package or the built-in models; torch's internals, such as
an optimiser reading its CPU step counter, are not host reads of the device) is a host
synchronisation it would make on a GPU. Twice the steps between the same number of log points must
make exactly as many.
"""

import dataclasses
import sys
from collections import Counter
from pathlib import Path

import pytest
import torch

from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.baselines.gan_mnist import GanMnist
from gan_bench.baselines.vae_mlp import VaeMlp
from gan_bench.baselines.vae_mnist import VaeMnist
from gan_bench.config.suite import TrainConfig
from gan_bench.data.mixtures import Ring8
from gan_bench.runs.trainer import Trainer
from gan_bench.runtime.seeding import seed_everything, stream_seed

CPU = torch.device("cpu")
PROJECT = Path(__file__).resolve().parents[2]
OUR_CODE = (str(PROJECT / "gan_bench"), str(PROJECT / "baselines"))
HOST_READS = ("item", "tolist", "cpu", "numpy", "__bool__", "__float__", "__int__", "__index__")


class SyntheticDigits:
    """Random 28 x 28 images standing in for MNIST: the models' step costs the same."""

    shape = (1, 28, 28)
    mean_train_pixel = torch.full((784,), 0.13)

    def train_batch(self, step, batch_size, seed, device=CPU):
        generator = torch.Generator().manual_seed(stream_seed(seed, step))
        return torch.rand(batch_size, *self.shape, generator=generator).to(device)


@pytest.fixture
def host_reads(monkeypatch) -> Counter:
    """Counts host reads of tensors made from gan-bench's own code, by the line that made them."""
    counts: Counter = Counter()
    for name in HOST_READS:
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _original=original, **kwargs):
            caller = sys._getframe(1)
            if caller.f_code.co_filename.startswith(OUR_CODE):
                counts[f"{caller.f_code.co_filename}:{caller.f_lineno}"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    return counts


MODELS = {
    "gan-mlp-nonsaturating": (GanMlp, GanMlp.Options(generator_hidden=32), Ring8),
    "gan-mlp-minimax": (GanMlp, GanMlp.Options(generator_hidden=32, generator_loss="minimax"), Ring8),
    "vae-mlp": (VaeMlp, VaeMlp.Options(hidden=32), Ring8),
    "gan-mnist": (GanMnist, GanMnist.Options(generator_hidden=64, discriminator_units=16), SyntheticDigits),
    "vae-mnist": (VaeMnist, VaeMnist.Options(hidden=32), SyntheticDigits),
}


def count_host_reads(tmp_path, counts: Counter, name: str, steps: int, between_logs: int) -> int:
    model_class, options, dataset_class = MODELS[name]
    train = TrainConfig(steps=steps, batch_size=16, warmup_steps=2, log_every_steps=between_logs,
                        checkpoint_every_steps=between_logs, eval_samples=10)
    seed_everything(0)
    dataset = dataset_class()
    trainer = Trainer(model_class(options, dataset, CPU), dataset, train, 0, CPU,
                      tmp_path / f"{name}-{steps}.pt", {"train": dataclasses.asdict(train)})
    counts.clear()
    assert trainer.fit().status == "finished"
    return sum(counts.values())


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.slow
def test_host_reads_do_not_grow_with_the_steps_between_log_points(tmp_path, host_reads, name):
    # 2 log points each: every 50 steps of 100, then every 100 steps of 200
    short = count_host_reads(tmp_path, host_reads, name, steps=100, between_logs=50)
    where_short = dict(host_reads)
    long = count_host_reads(tmp_path, host_reads, name, steps=200, between_logs=100)
    assert long == short, (where_short, dict(host_reads))
    assert 0 < short <= 2 * 12  # a handful per log point: the losses and the divergence check


@pytest.mark.slow
def test_a_host_read_per_step_is_caught(tmp_path, host_reads, monkeypatch):
    """The counter sees a loop that reads a loss every step, as the loop did before."""
    original = GanMlp.train_step

    def reads_its_loss(self, batch):
        losses = original(self, batch)
        return {**losses, "d_loss": losses["d_loss"].item()}

    monkeypatch.setattr(GanMlp, "train_step", reads_its_loss)
    # reads_its_loss lives in tests/, so count it as if it were the model's own line
    monkeypatch.setattr(sys.modules[__name__], "OUR_CODE", OUR_CODE + (__file__,))
    short = count_host_reads(tmp_path, host_reads, "gan-mlp-nonsaturating", 100, 50)
    long = count_host_reads(tmp_path, host_reads, "gan-mlp-nonsaturating", 200, 100)
    assert long - short == 100
