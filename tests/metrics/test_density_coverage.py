import numpy as np
import pytest
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

from gan_bench.data.mnist import Mnist
from gan_bench.metrics import fid
from gan_bench.metrics.density_coverage import NEAREST_K, density_coverage
from gan_bench.metrics.inception_features import features_of

pytestmark = [pytest.mark.slow, pytest.mark.network]

pytestmark = [pytest.mark.slow, pytest.mark.network, pytest.mark.usefixtures("one_thread")]


def gaussian_features(n, seed, shift=0.0):
    return np.random.default_rng(seed).normal(size=(n, 16)) + shift


def test_two_draws_of_one_distribution_score_near_1_and_a_shifted_one_near_0():
    real = gaussian_features(2000, 0)
    same = density_coverage(gaussian_features(2000, 1), real)
    assert same["density"] == pytest.approx(1.0, abs=0.1)
    assert same["coverage"] == pytest.approx(0.97, abs=0.03)
    assert (same["prdc_k"], same["prdc_n_samples"], same["prdc_n_real"]) == (NEAREST_K, 2000, 2000)
    shifted = density_coverage(gaussian_features(2000, 1, shift=2.0), real)
    assert shifted["density"] < 0.2 and shifted["coverage"] < 0.3
    collapsed = density_coverage(np.repeat(gaussian_features(1, 2) * 0.1, 2000, axis=0), real)
    assert collapsed["coverage"] < 0.05  # one point covers few real balls, however dense


def test_the_features_are_the_ones_fid_is_computed_on(tmp_path):
    """FID from these features with torch-fidelity's statistics equals ``fid``'s own FID."""
    real = Mnist().parzen_test()[:6].reshape(-1, 1, 28, 28)
    samples = 1 - real
    name = fid.real_cache_name("mnist", "test", 6)
    generated, reference = features_of(samples, real, name, cache_root=tmp_path)
    assert generated.shape == reference.shape == (6, 2048)
    ours = fid_statistics_to_metric(fid_features_to_statistics(generated.double()),
                                    fid_features_to_statistics(reference.double()), verbose=False)
    with pytest.warns(fid.FewSamplesWarning):
        theirs = fid.fid_kid_prc(samples, real, name, kid_subset_size=3, cache_root=tmp_path)
    assert ours[KEY_METRIC_FID] == pytest.approx(theirs["fid"], rel=1e-4)
    assert torch.isfinite(generated).all()


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:Matrix is singular")
def test_fid_on_these_features_agrees_with_pytorch_fids_arithmetic(tmp_path):
    """pytorch-fid's Inception weights download from GitHub, out of reach here, so the two
    implementations are compared on the same features: pytorch-fid's Fréchet distance (scipy's
    sqrtm) against torch-fidelity's, which ``fid`` and ``fid_infinity`` use. 20 images give a
    singular covariance (scipy warns); the two still agree to 1e-3. The arithmetic does not depend
    on the dimension, so the first 256 of the 2,048 features are compared: scipy's sqrtm of a
    2,048 x 2,048 matrix alone takes about a minute on one core."""
    from pytorch_fid.fid_score import calculate_frechet_distance

    real = Mnist().parzen_test()[:40].reshape(-1, 1, 28, 28)
    name = fid.real_cache_name("mnist", "test", 20)
    generated, reference = (features[:, :256] for features in
                            features_of(real[20:], real[:20], name, cache_root=tmp_path))
    ours = fid_statistics_to_metric(fid_features_to_statistics(generated.double()),
                                    fid_features_to_statistics(reference.double()), verbose=False)
    a, b = generated.double().numpy(), reference.double().numpy()
    theirs = calculate_frechet_distance(a.mean(0), np.cov(a, rowvar=False),
                                        b.mean(0), np.cov(b, rowvar=False))
    assert ours[KEY_METRIC_FID] == pytest.approx(theirs, rel=1e-3)


def test_one_samples_tensor_goes_through_inception_once(tmp_path, monkeypatch):
    """density_coverage and fid_infinity on one run's samples share the generated features; new
    samples are extracted afresh."""
    from gan_bench.metrics import inception_features

    extracted = []
    extract = inception_features.extract_features
    real = Mnist().parzen_test()[:8].reshape(-1, 1, 28, 28)

    def counting(images, *args, **kwargs):
        extracted.append("real" if torch.equal(images, real[:4]) else "samples")
        return extract(images, *args, **kwargs)

    monkeypatch.setattr(inception_features, "extract_features", counting)  # the samples
    monkeypatch.setattr(fid, "extract_features", counting)  # the real set, on a cache miss
    name = fid.real_cache_name("mnist", "test", 4)
    first, _ = features_of(real[4:], real[:4], name, cache_root=tmp_path)
    again, _ = features_of(real[4:].clone(), real[:4], name, cache_root=tmp_path)
    assert extracted == ["samples", "real"] and torch.equal(first, again)  # the real set cached
    other, _ = features_of(1 - real[4:], real[:4], name, cache_root=tmp_path)
    assert extracted == ["samples", "real", "samples"] and not torch.equal(first, other)
