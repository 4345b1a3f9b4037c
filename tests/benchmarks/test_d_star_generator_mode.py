import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.data.mixtures import Ring8

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "d_star_generator_mode.py"
spec = importlib.util.spec_from_file_location("d_star_generator_mode", SCRIPT)
d_star_generator_mode = importlib.util.module_from_spec(spec)
spec.loader.exec_module(d_star_generator_mode)


def test_train_mode_samples_normalise_each_batch_by_its_own_statistics_and_leave_the_model_alone():
    """A generator whose batch norm has running statistics far from its batches' (mean 5, var 9
    set by hand): in training mode each batch of 10 is normalised by its own mean and variance,
    so the samples differ from the evaluation-mode ones drawn from the same noise, and the running
    statistics of the model stay as they were."""
    torch.manual_seed(0)
    model = GanMlp(GanMlp.Options(generator_hidden=16, generator_layers=1), Ring8(), torch.device("cpu"))
    norm = model.generator[1]
    norm.running_mean.fill_(5.0)
    norm.running_var.fill_(9.0)
    torch.manual_seed(1)
    train_mode = d_star_generator_mode.train_mode_samples(model, 25, 10)
    torch.manual_seed(1)
    noise = model.noise(10)  # the first batch's noise
    with torch.no_grad():
        eval_mode = model.generator.eval()(noise)
        normalised = torch.nn.functional.batch_norm(model.generator[0](noise), None, None,
                                                    norm.weight, norm.bias, training=True)
        by_hand = model.generator[3](model.generator[2](normalised))
    assert train_mode.shape == (25, 2)
    assert torch.allclose(train_mode[:10], by_hand, atol=1e-6)
    assert not torch.allclose(train_mode[:10], eval_mode, atol=1e-3)
    assert float(norm.running_mean.max()) == 5.0 and float(norm.running_var.min()) == 9.0


@pytest.mark.slow
@pytest.mark.end_to_end
def test_an_unknown_run_is_one_line_on_stderr_and_exit_2(tmp_path):
    found = subprocess.run([sys.executable, str(SCRIPT), "theory", "no-such-run", "--results",
                            str(tmp_path)], capture_output=True, text=True, check=False)
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr.count("\n") == 1 and "has no run no-such-run" in found.stderr
