import numpy as np
import pytest
import torch

import gan_bench
from gan_bench import lookup
from gan_bench.data.mixtures import Ring8
from gan_bench.errors import GanBenchError


@pytest.fixture(scope="module")
def ring8_points():
    points, _ = Ring8().sample(1000, torch.Generator().manual_seed(0))
    return points


def test_score_gives_the_registered_metrics_numbers(ring8_points):
    scored = gan_bench.score(ring8_points, dataset="ring8", metrics=["modes", "frechet_data"])
    dataset = lookup.get_dataset("ring8")()
    expected = (lookup.get_metric("modes")(dataset, ring8_points)
                | lookup.get_metric("frechet_data")(dataset, ring8_points))
    assert scored == pytest.approx(expected)
    assert scored["modes_captured"] == 8  # draws of p_data itself reach every mode


@pytest.mark.slow
def test_score_tells_a_collapsed_generator_from_p_data(ring8_points):
    collapsed = ring8_points[:1].repeat(1000, 1)
    good = gan_bench.score(ring8_points, dataset="ring8", metrics=["modes", "parzen"])
    bad = gan_bench.score(collapsed, dataset="ring8", metrics=["modes", "parzen"])
    assert bad["modes_captured"] == 1 and bad["parzen_ll_nats"] < good["parzen_ll_nats"]


def test_score_reads_a_samples_file_an_array_and_a_tensor_alike(ring8_points, tmp_path):
    np.save(tmp_path / "samples.npy", ring8_points.numpy())
    given = [tmp_path / "samples.npy", str(tmp_path / "samples.npy"), ring8_points.numpy(), ring8_points]
    scores = [gan_bench.score(samples, dataset="ring8", metrics=["modes"]) for samples in given]
    assert all(s == scores[0] for s in scores)


@pytest.mark.parametrize("samples, metrics, message", [
    (np.zeros((10, 3), np.float32), ["modes"], "accepted shapes"),
    (np.zeros((10, 784), np.float32), ["modes"], "do not fit a dataset whose points are shaped (2,)"),
    (np.zeros((10, 2), np.float32), ["nothing"], "unknown metric 'nothing'"),
    (np.zeros((10, 2), np.float32), ["fid"], "metric 'fid' is not available for dataset 'ring8'"),
    (np.zeros((10, 2), np.float32), ["game"], "reads the model"),
    ([[0.0, 0.0]], ["modes"], "a file path, a numpy array or a torch tensor"),
])
def test_bad_input_is_a_one_line_error(samples, metrics, message):
    with pytest.raises(GanBenchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gan_bench.score(samples, dataset="ring8", metrics=metrics)
