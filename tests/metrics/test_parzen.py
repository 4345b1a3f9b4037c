import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gan_bench import lookup
from gan_bench.cli import main
from gan_bench.data.mixtures import Grid25, Ring8
from gan_bench.errors import GanBenchError
from gan_bench.metrics.exact_ll import mixture_log_likelihood
from gan_bench.metrics.parzen import (
    FLOAT32_MAX_ERROR_NATS,
    PAPER_SIGMAS,
    parzen_evaluate,
    parzen_for_dataset,
    parzen_log_likelihood,
    parzen_log_likelihood_grid,
    parzen_metric,
    protocol_points,
    select_sigma,
)

SIGMAS = (0.05, 0.1, 0.3, 1.0)


def brute_force_ll(samples: torch.Tensor, points: torch.Tensor, sigma: float) -> np.ndarray:
    """Per-point LL from the definition: explicit float64 differences, scipy's logsumexp."""
    mu = samples.reshape(len(samples), -1).double().numpy()
    x = points.reshape(len(points), -1).double().numpy()
    sq_dist = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(2)
    return (logsumexp(-sq_dist / (2 * sigma**2), axis=1) - math.log(len(mu))
            - mu.shape[1] * math.log(sigma * math.sqrt(2 * math.pi)))


@pytest.fixture
def cloud():
    """300 centres and 40 points in [0, 1]^6; the first point lies far from every centre."""
    generator = torch.Generator().manual_seed(0)
    samples, points = torch.rand(300, 6, generator=generator), torch.rand(40, 6, generator=generator)
    points[0] += 50
    return samples, points


def test_float64_matches_brute_force(cloud):
    samples, points = cloud
    ours = parzen_log_likelihood_grid(samples, points, SIGMAS, matmul_dtype=torch.float64)
    assert ours.shape == (40, len(SIGMAS)) and ours.dtype == torch.float64
    expected = np.stack([brute_force_ll(samples, points, s) for s in SIGMAS], 1)
    np.testing.assert_allclose(ours.numpy(), expected, rtol=0, atol=1e-6)


def test_default_precision_stays_within_its_stated_bound(cloud):
    samples, points = cloud
    ours = parzen_log_likelihood_grid(samples, points, SIGMAS)
    expected = np.stack([brute_force_ll(samples, points, s) for s in SIGMAS], 1)
    np.testing.assert_allclose(ours.numpy(), expected, rtol=0, atol=FLOAT32_MAX_ERROR_NATS)


def test_mixture_scale_data_gets_float64_automatically():
    # float32 would be off by about 0.1 nats here (sigma = 0.1 std of ring8)
    dataset = Ring8()
    samples = dataset.sample(500, torch.Generator().manual_seed(1))[0]
    points = dataset.held_out(50, seed=5)
    sigma = 0.1 * dataset.std
    np.testing.assert_allclose(parzen_log_likelihood(samples, points, sigma).numpy(),
                               brute_force_ll(samples, points, sigma), rtol=0, atol=1e-6)


def test_single_sigma_is_one_column_of_the_grid(cloud):
    samples, points = cloud
    grid = parzen_log_likelihood_grid(samples, points, SIGMAS)
    torch.testing.assert_close(parzen_log_likelihood(samples, points, SIGMAS[2]), grid[:, 2])


@pytest.mark.parametrize("chunk_size", [1, 7, 59, 1000])
@pytest.mark.slow
def test_independent_of_chunk_size(chunk_size):
    generator = torch.Generator().manual_seed(2)
    samples, points = torch.rand(500, 784, generator=generator), torch.rand(60, 784, generator=generator)
    sigmas = (1.0, 2.0)
    exact = parzen_log_likelihood_grid(samples, points, sigmas, chunk_size=60, matmul_dtype=torch.float64)
    torch.testing.assert_close(parzen_log_likelihood_grid(samples, points, sigmas, chunk_size=chunk_size,
                                                          matmul_dtype=torch.float64),
                               exact, rtol=0, atol=1e-9)
    # float32 products may round differently per chunk shape, within the bound
    fast = parzen_log_likelihood_grid(samples, points, sigmas, chunk_size=chunk_size)
    torch.testing.assert_close(fast, exact, rtol=0, atol=FLOAT32_MAX_ERROR_NATS)


def test_select_sigma_picks_the_argmax_of_the_mean_validation_ll(cloud):
    samples, points = cloud
    sigmas = tuple(np.logspace(-1.5, 0.5, 9).tolist())
    validation = points[1:]  # without the far point, so that the optimum is inside the grid
    expected = [brute_force_ll(samples, validation, s).mean() for s in sigmas]
    best = int(np.argmax(expected))
    assert 0 < best < len(sigmas) - 1
    sigma, mean_ll = select_sigma(samples, validation, sigmas)
    assert sigma == sigmas[best]
    np.testing.assert_allclose(mean_ll.numpy(), expected, rtol=0, atol=FLOAT32_MAX_ERROR_NATS)


def test_evaluate_follows_the_protocol(cloud):
    samples, test = cloud
    validation = torch.rand(30, 6, generator=torch.Generator().manual_seed(3))
    result = parzen_evaluate(samples, validation, test, SIGMAS, n_validation=20)
    sigma, validation_ll = select_sigma(samples, validation[:20], SIGMAS)
    test_ll = parzen_log_likelihood(samples, test, sigma).numpy()
    assert result["sigma"] == sigma
    assert result["parzen_ll_nats"] == pytest.approx(test_ll.mean(), abs=1e-12)
    assert result["stderr_nats"] == pytest.approx(test_ll.std(ddof=0) / math.sqrt(40), abs=1e-12)
    assert (result["n_samples"], result["n_test"], result["n_validation"]) == (300, 40, 20)
    assert result["sigmas"] == list(SIGMAS)
    assert result["validation_ll_nats"] == validation_ll.tolist()


def test_mixture_log_likelihood_matches_scipy_and_torch():
    dataset = Grid25()
    points = torch.cat([dataset.held_out(300, seed=4), torch.tensor([[9.0, -9.0], [0.9, 1.1]])])
    ours = mixture_log_likelihood(points, dataset.means, dataset.std).numpy()
    cov = dataset.std**2 * np.eye(2)
    per_mode = [multivariate_normal(mean, cov).logpdf(points.double().numpy())
                for mean in dataset.means.double().numpy()]
    np.testing.assert_allclose(ours, logsumexp(per_mode, axis=0) - math.log(25), rtol=0, atol=1e-9)
    components = torch.distributions.Independent(
        torch.distributions.Normal(dataset.means.double(), dataset.std), 1)
    mixture = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(torch.ones(25, dtype=torch.float64)), components)
    np.testing.assert_allclose(ours, mixture.log_prob(points.double()).numpy(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("dataset", [Ring8(), Grid25()], ids=["ring8", "grid25"])
@pytest.mark.slow
def test_parzen_of_true_samples_approaches_the_exact_ll(dataset):
    samples = dataset.sample(10_000, torch.Generator().manual_seed(11))[0]
    result = parzen_for_dataset(dataset, samples)
    _, test, sigmas = protocol_points(dataset)
    exact_ll_nats = float(mixture_log_likelihood(test, dataset.means, dataset.std).mean())
    assert result["n_test"] == 10_000 and result["sigma"] in sigmas
    assert exact_ll_nats - 0.1 < result["parzen_ll_nats"] < exact_ll_nats
    noise = torch.randn(samples.shape, generator=torch.Generator().manual_seed(0))
    spread = samples + 4 * dataset.std * noise
    assert parzen_for_dataset(dataset, spread)["parzen_ll_nats"] < exact_ll_nats - 1


def test_mixture_points_are_fixed_and_distinct():
    validation, test, sigmas = protocol_points(Ring8())
    again = protocol_points(Ring8())
    assert validation.shape == (1000, 2) and test.shape == (10_000, 2)
    assert torch.equal(validation, again[0]) and torch.equal(test, again[1])
    assert not (validation[:, None, :] == test[None, :, :]).all(2).any()
    assert sigmas[0] == pytest.approx(0.1 * 0.01) and sigmas[-1] == pytest.approx(10 * 0.01)


def test_image_datasets_use_their_split_and_the_paper_grid():
    generator = torch.Generator().manual_seed(5)
    validation, test = torch.rand(1200, 784, generator=generator), torch.rand(30, 784, generator=generator)
    dataset = SimpleNamespace(name="fake-mnist", parzen_validation=lambda: validation,
                              parzen_test=lambda: test)
    samples = torch.rand(40, 1, 28, 28, generator=generator)
    result = parzen_for_dataset(dataset, samples)
    assert result == parzen_evaluate(samples.flatten(1), validation[:1000], test, PAPER_SIGMAS)
    assert result["n_validation"] == 1000


@pytest.mark.slow
def test_metric_is_registered_and_returns_prefixed_scalars():
    assert lookup.get_metric("parzen") is parzen_metric
    dataset = Ring8()
    result = lookup.get_metric("parzen")(dataset, dataset.sample(2000, torch.Generator().manual_seed(6))[0])
    assert set(result) == {"parzen_ll_nats", "parzen_stderr_nats", "parzen_sigma"}
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.values())


def test_unsupported_dataset_and_mismatched_points_are_user_errors():
    with pytest.raises(GanBenchError, match="not available for dataset 'other'"):
        parzen_metric(SimpleNamespace(name="other"), torch.zeros(3, 2))
    with pytest.raises(GanBenchError, match="784 values each, samples 2"):
        parzen_log_likelihood(torch.zeros(3, 2), torch.zeros(4, 784), 0.1)


@pytest.mark.slow
def test_cli_prints_the_protocol_as_json(tmp_path, capsys):
    points = Ring8().sample(3000, torch.Generator().manual_seed(7))[0]
    np.save(tmp_path / "s.npy", points.numpy())
    assert main(["parzen", "--samples", str(tmp_path / "s.npy"), "--dataset", "ring8", "--json",
                 "--device", "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"parzen_ll_nats", "stderr_nats", "sigma", "n_samples", "n_test"} <= set(result)
    assert result["n_samples"] == 3000 and result["n_test"] == 10_000
