"""Domain FID through torch-fidelity on the frozen classifier's penultimate features.

Real sets are 500 MNIST test images against 500 others: the classifier reads them in a fraction
of a second and the FID's eigenvalues are those of a 128 x 128 matrix. All evaluations share one
fresh cache of the real features under tmp_path.
"""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch_fidelity.utils

from gan_bench import lookup
from gan_bench.data.mnist import Mnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics import domain_fid, fid
from gan_bench.metrics.classifier import WEIGHTS_SHA256, load_classifier
from gan_bench.metrics.real_features_cache import cache_file
from tests.conftest import RunsCodeWhenUnpickled

N_EACH = 500


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def digits():
    """Two disjoint sets of test digits, float (500, 1, 28, 28): samples-like and real."""
    images = Mnist().parzen_test()[:2 * N_EACH].reshape(-1, 1, 28, 28)
    return SimpleNamespace(samples=images[:N_EACH], real=images[N_EACH:])


@pytest.fixture(scope="module")
def runs(digits, tmp_path_factory):
    """Evaluations against ``digits.real`` on one fresh cache; ``extracted`` lists, per evaluation,
    the sizes of the sets whose features torch-fidelity computed."""
    cache = tmp_path_factory.mktemp("cache")
    name = domain_fid.domain_cache_name(N_EACH)
    noise = torch.randn(digits.samples.shape, generator=torch.Generator().manual_seed(0))
    inputs = {"real_digits": digits.samples, "again": digits.samples, "identical": digits.real,
              "blurred": torch.nn.functional.avg_pool2d(digits.samples, 3, stride=1, padding=1),
              "noisy": (digits.samples + 0.3 * noise).clamp(0, 1)}
    original = torch_fidelity.utils.get_featuresdict_from_dataset
    extracted, distances = {}, {}
    with pytest.MonkeyPatch.context() as patch:
        for label, samples in inputs.items():
            def counting(input, *args, label=label):
                extracted.setdefault(label, []).append(len(input))
                return original(input, *args)

            patch.setattr(torch_fidelity.utils, "get_featuresdict_from_dataset", counting)
            distances[label] = domain_fid.domain_frechet_distance(samples, digits.real, name,
                                                                  cache_root=cache)["domain_fid"]
    return SimpleNamespace(distances=distances, extracted=extracted, cache=cache, name=name)


def frechet_distance_float64(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^1/2), written out independently of torch-fidelity:
    tr (S_a S_b)^1/2 is the sum of the square roots of the eigenvalues of the symmetric
    S_a^1/2 S_b S_a^1/2 (torch-fidelity takes them of S_a S_b)."""
    mean_a, mean_b = features_a.mean(0), features_b.mean(0)
    cov_a, cov_b = np.cov(features_a, rowvar=False), np.cov(features_b, rowvar=False)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = vectors @ np.diag(np.sqrt(values.clip(0))) @ vectors.T
    trace_root = np.sqrt(np.linalg.eigvalsh(root_a @ cov_b @ root_a).clip(0)).sum()
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root)


@pytest.mark.slow
@pytest.mark.network
def test_equals_a_float64_frechet_distance_on_the_penultimate_features(runs, digits):
    with torch.no_grad():
        features = [load_classifier().penultimate(images).double().numpy()
                    for images in (digits.samples, digits.real)]
    direct = frechet_distance_float64(*features)
    print(f"\ndomain FID {runs.distances}\ndirect float64 {direct}")
    assert runs.distances["real_digits"] == pytest.approx(direct, rel=1e-5)


@pytest.mark.slow
def test_identical_sets_are_near_zero_and_degraded_digits_far(runs):
    distances = runs.distances
    assert abs(distances["identical"]) < 1e-6
    floor = distances["real_digits"]  # two disjoint sets of 500 real digits
    assert 1 < floor < 50
    assert distances["blurred"] > 5 * floor and distances["noisy"] > 5 * floor


def test_second_evaluation_reuses_the_cached_real_statistics(runs):
    assert runs.extracted["real_digits"] == [N_EACH, N_EACH]
    assert runs.extracted["again"] == [N_EACH]  # the samples only
    assert runs.distances["again"] == runs.distances["real_digits"]
    assert [path.name for path in runs.cache.iterdir()] == [
        f"{runs.name}-features-{domain_fid.FEATURE_LAYER}.pt"]  # gan-bench's own cache only


def test_cache_name_holds_dataset_split_count_extractor_and_classifier_hash(monkeypatch):
    name = domain_fid.domain_cache_name(10_000)
    assert name == f"gan-bench-mnist-test-n10000-gan-bench-mnist-classifier-weights-{WEIGHTS_SHA256}"
    assert name != fid.real_cache_name("mnist", "test", 10_000)  # the Inception FID's entry
    monkeypatch.setattr(domain_fid, "WEIGHTS_SHA256", "0" * 64)
    assert domain_fid.domain_cache_name(10_000) == name.replace(WEIGHTS_SHA256, "0" * 64)


@pytest.mark.network
def test_registered_metric_compares_with_the_10000_test_digits(monkeypatch, digits):
    calls = []
    found = {"domain_fid": 1.5, "domain_fid_stderr": 0.1}
    monkeypatch.setattr(domain_fid, "domain_frechet_distance", lambda *args: calls.append(args) or found)
    assert lookup.get_metric("domain_fid")(Mnist(), digits.samples) == found
    samples, real, name, device = calls[0]
    assert samples is digits.samples and real.shape == (10_000, 1, 28, 28)
    assert name == domain_fid.domain_cache_name(10_000) and device == torch.device("cpu")


@pytest.mark.parametrize("samples, message", [
    (torch.zeros(10, 1, 32, 32), r"samples shaped N x 1 x 28 x 28, got \(10, 1, 32, 32\)"),
    (torch.zeros(10, 3, 28, 28), r"samples shaped N x 1 x 28 x 28, got \(10, 3, 28, 28\)"),
    (torch.zeros(10, 784), r"samples shaped N x 1 x 28 x 28, got \(10, 784\)"),
    (torch.zeros(1, 1, 28, 28), "at least 2 samples, got 1"),
    (torch.full((10, 1, 28, 28), 1.5), r"finite image values in \[0, 1\]"),
    (torch.full((10, 1, 28, 28), float("nan")), r"finite image values in \[0, 1\]"),
])
@pytest.mark.network
def test_bad_samples_are_clear_errors(digits, tmp_path, samples, message):
    with pytest.raises(GanBenchError, match=message):
        domain_fid.domain_frechet_distance(samples, digits.real, "unused", cache_root=tmp_path)
    assert not any(tmp_path.iterdir())


@pytest.mark.network
def test_bad_dataset_or_real_count_is_a_clear_error(digits):
    ring = lookup.get_dataset("ring8")()
    with pytest.raises(GanBenchError, match="metric 'domain_fid' is not available for dataset 'ring8'"):
        domain_fid.domain_fid_for_dataset(ring, digits.samples)
    with pytest.raises(GanBenchError, match=r"real image count must lie in 1\.\.10000, got 10001"):
        domain_fid.domain_fid_for_dataset(Mnist(), digits.samples, real_count=10_001)


@pytest.mark.slow
@pytest.mark.network
def test_no_file_in_torch_fidelitys_cache_is_ever_unpickled(digits, tmp_path, monkeypatch):
    """Before, the domain FID turned torch-fidelity's cache on, in $GAN_BENCH_CACHE/torch-fidelity,
    which torch-fidelity reads with weights_only=False: pickles planted there ran. Now torch-fidelity
    gets tensors only, and those files are never opened."""
    monkeypatch.setenv("GAN_BENCH_CACHE", str(tmp_path))
    marker = tmp_path / "code-ran"
    planted = tmp_path / "torch-fidelity"
    planted.mkdir()
    prefix = f"{domain_fid.domain_cache_name(N_EACH)}-{domain_fid.FEATURE_EXTRACTOR}"
    for kind in ("features", "stat-fid"):
        torch.save(RunsCodeWhenUnpickled(marker), planted / f"{prefix}-{kind}-{domain_fid.FEATURE_LAYER}.pt")
    distance = domain_fid.domain_fid_for_dataset(Mnist(), digits.samples, real_count=N_EACH)["domain_fid"]
    assert not marker.exists()
    assert abs(distance) < 1e-6  # the real set is the first 500 test digits, digits.samples too


@pytest.mark.slow
@pytest.mark.network
def test_a_pickle_planted_in_gan_benchs_own_cache_is_refused(digits, tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_BENCH_CACHE", str(tmp_path))
    marker = tmp_path / "code-ran"
    path = cache_file(f"{domain_fid.domain_cache_name(N_EACH)}-features-{domain_fid.FEATURE_LAYER}")
    path.parent.mkdir()
    torch.save({"features": RunsCodeWhenUnpickled(marker)}, path)
    with pytest.raises(GanBenchError, match=f"refusing real-set features cache file {path}"):
        domain_fid.domain_fid_for_dataset(Mnist(), digits.samples, real_count=N_EACH)
    assert not marker.exists()
