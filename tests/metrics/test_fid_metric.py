"""The registered ``fid`` metric with Inception stood in for by 8 x 8 average pooling (64-d), so
that the 10,000 real test images cost seconds: its FID is torch-fidelity's on the features it was
given, it records the bootstrap standard error of gan_bench.metrics.frechet_bootstrap, every value
has a leaderboard legend, and with ``fid_infinity`` and ``density_coverage`` on the same samples
it runs the feature extractor over them once."""

import numpy as np
import pytest
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

from gan_bench.data.mnist import Mnist
from gan_bench.metrics import inception_features
from gan_bench.metrics.density_coverage import density_coverage_metric
from gan_bench.metrics.fid_infinity import fid_infinity_metric
from gan_bench.metrics.fid_metric import fid_metric
from gan_bench.metrics.frechet_bootstrap import frechet_bootstrap_stderr
from gan_bench.reports.metric_glossary import GLOSSARY, STDERR_OF

pytestmark = pytest.mark.filterwarnings("ignore::gan_bench.metrics.fid.FewSamplesWarning")

N_SAMPLES = 1200  # above torch-fidelity's KID subset of 1,000


def pooled(images: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.adaptive_avg_pool2d(images.float(), 8).flatten(1)


@pytest.fixture()
def extracted(monkeypatch):
    """Stand-in extraction in gan_bench.metrics.inception_features; the list holds the sizes of
    the generated sets it extracted."""
    sizes = []

    def extract(samples, *args, **kwargs):
        sizes.append(len(samples))
        return pooled(samples)

    monkeypatch.setattr(inception_features, "_last_generated", {})
    monkeypatch.setattr(inception_features, "inception_extractor", lambda device: None)
    monkeypatch.setattr(inception_features, "extract_features", extract)
    monkeypatch.setattr(inception_features, "real_features", lambda real, *args: pooled(real))
    return sizes


@pytest.fixture(scope="module")
def samples():
    """Test images with noise: a distance well away from 0."""
    images = Mnist().parzen_test()[:N_SAMPLES].reshape(-1, 1, 28, 28)
    noise = torch.from_numpy(np.random.default_rng(0).normal(scale=0.2, size=images.shape)).float()
    return (images + noise).clamp(0, 1)


def test_the_value_is_torch_fidelitys_and_the_stderr_the_bootstrap_of_its_features(extracted, samples):
    result = fid_metric(Mnist(), samples)
    generated = pooled(samples)
    reference = fid_features_to_statistics(pooled(Mnist().parzen_test().reshape(-1, 1, 28, 28)))
    theirs = fid_statistics_to_metric(fid_features_to_statistics(generated), reference, verbose=False)
    assert result["fid"] == pytest.approx(theirs[KEY_METRIC_FID], rel=1e-9)
    assert result["fid_stderr"] == frechet_bootstrap_stderr(generated, reference)
    assert 0 < result["fid_stderr"] < 0.2 * result["fid"]
    assert (result["fid_n_samples"], result["fid_n_real"]) == (N_SAMPLES, 10_000)
    assert set(result) <= set(GLOSSARY) and STDERR_OF["fid"] == "fid_stderr"


def test_fid_fid_infinity_and_density_coverage_of_one_sample_set_extract_it_once(extracted, samples):
    for metric in (fid_metric, fid_infinity_metric, density_coverage_metric):
        metric(Mnist(), samples)
    assert extracted == [N_SAMPLES]
    fid_metric(Mnist(), samples[:-1])  # other samples: extracted afresh
    assert extracted == [N_SAMPLES, N_SAMPLES - 1]
