"""Parzen window log-likelihood, the protocol of the GAN paper's Table 1 (docs/protocols/parzen.md).

The model's samples mu_i (N, d) are the centres of Gaussian kernels; a point x scores
``LL(x) = logmeanexp_i(-|x - mu_i|^2 / (2 sigma^2)) - d log(sigma sqrt(2 pi))`` nats. sigma is the
grid value with the highest mean LL on the first 1,000 validation points; the test points are then
scored with it and reported as mean and standard error (numpy std, ddof=0, over sqrt(N_test)).
"""

import math

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.registry import register_metric

KEY_PARZEN_LL = "parzen_ll_nats"
KEY_STDERR = "stderr_nats"
KEY_SIGMA = "sigma"

PAPER_SIGMAS = tuple(np.logspace(-1, 0, 10).tolist())
N_VALIDATION = 1000
CHUNK_POINTS = 500  # points per distance block: 500 x 10,000 samples is 40 MB of float64
# The mixtures have no fixed split: held-out draws, whose streams training never uses. The test
# seed is frechet_data's, so both metrics score against the same 10,000 real points.
MIXTURE_TEST_SEED = 1
MIXTURE_VALIDATION_SEED = 2
MIXTURE_N_TEST = 10_000
# A decade either side of the component std: a perfect generator's best sigma lies below the std
# (about 0.3 std for 10,000 samples in 2-D), a blurry one's above it.
MIXTURE_SIGMA_DECADES = (-1.0, 1.0)

# float32 rounds the cancelling sum |x|^2 + |mu|^2 - 2 x.mu in proportion to the norms, and the
# kernel divides that by 2 sigma^2. Against float64, the worst per-point LL error of a float32
# product was 0.7 to 4.3 times the estimate eps32 (max|x|^2 + max|mu|^2) / (2 sigma_min^2): MNIST at
# sigma 0.1 (10,000 training images as centres, 1,000 validation images): estimate 0.0012, worst
# 0.0052, error of the mean 2.9e-4; ring8 at sigma 0.001: 0.13, 0.091, 0.0017; grid25 at sigma
# 0.005: 0.16, 0.08, 7.5e-4. float32 is used when FLOAT32_ERROR_PER_ESTIMATE times the estimate is
# within FLOAT32_MAX_ERROR_NATS. Real MNIST qualifies (estimate at most 0.0033 for any two of its
# images), and float32 cuts the product, most of the protocol's time, by a third to a half (2.6 to
# 3.4 s against 5.0 to 5.2 s for 11,000 x 10,000 x 668 on two busy cores); the mixtures get float64,
# which costs little at d = 2.
FLOAT32_MAX_ERROR_NATS = 0.02
FLOAT32_ERROR_PER_ESTIMATE = 5
EXP_FLOOR = 700.0


def _matmul_dtype(largest_sq_norms: float, sigma_min: float) -> torch.dtype:
    if torch.get_float32_matmul_precision() != "highest":  # TF32 or bfloat16 void the estimate
        return torch.float64
    estimate = torch.finfo(torch.float32).eps * largest_sq_norms / (2 * sigma_min**2)
    return (torch.float32 if FLOAT32_ERROR_PER_ESTIMATE * estimate <= FLOAT32_MAX_ERROR_NATS
            else torch.float64)


def _sq_norms(rows: torch.Tensor) -> torch.Tensor:
    # Half the time of rows.double().square().sum(1), equal to 1e-15 relative.
    return torch.linalg.vector_norm(rows, dim=1, dtype=torch.float64).square()


def parzen_log_likelihood_grid(samples: torch.Tensor, points: torch.Tensor, sigmas,
                               chunk_size: int = CHUNK_POINTS,
                               matmul_dtype: torch.dtype | None = None) -> torch.Tensor:
    """LL in nats of each point at each sigma: float64 (n_points, n_sigmas), on samples' device.

    ``samples`` (N, ...) are the kernel centres and ``points`` (n, ...) have the same shape per
    item; both are flattened to d values. Squared distances come from one matrix product per chunk
    of points and serve the whole sigma grid. The product runs in ``matmul_dtype``: by default
    float32 where its rounding costs at most FLOAT32_MAX_ERROR_NATS per point (see above), else
    float64; norms, exponentials and sums are float64. In float64 the result does not depend on
    ``chunk_size`` (1e-12); in float32 only within the rounding, as BLAS picks kernels by shape.
    """
    centres = samples.flatten(1)
    points = points.flatten(1).to(centres.device)
    if points.shape[1] != centres.shape[1]:
        raise GanBenchError(f"Parzen points have {points.shape[1]} values each, samples "
                            f"{centres.shape[1]}")
    sigmas = torch.as_tensor(sigmas, dtype=torch.float64, device=centres.device).reshape(-1)
    n_centres, dim = centres.shape
    point_sq_norms, centre_sq_norms = _sq_norms(points), _sq_norms(centres)
    matmul_dtype = matmul_dtype or _matmul_dtype(
        float(point_sq_norms.max() + centre_sq_norms.max()), float(sigmas.min()))
    # Coordinates that are zero in every point add nothing to x.mu: the product skips them, which
    # leaves 668 of MNIST's 784 pixels for the test images (the norms above keep every one).
    used = (points != 0).any(0).nonzero()[:, 0]
    points, centres = (rows.index_select(1, used).to(matmul_dtype) for rows in (points, centres))
    centre_sq_norms_row = centre_sq_norms.to(matmul_dtype)[None]
    inv_two_var = 0.5 / sigmas.square()
    log_norm = math.log(n_centres) + dim * torch.log(sigmas * math.sqrt(2 * math.pi))
    # (chunk, N) buffers shared by all chunks: fresh ones would page-fault on every chunk.
    rows = min(chunk_size, points.shape[0])
    products = centres.new_empty(rows, n_centres)
    excess, terms = (centres.new_empty(rows, n_centres, dtype=torch.float64) for _ in range(2))
    blocks = []
    for chunk, chunk_sq_norms in zip(points.split(chunk_size), point_sq_norms.split(chunk_size),
                                     strict=True):
        n = chunk.shape[0]
        # |x - mu|^2 = |x|^2 + (|mu|^2 - 2 x.mu): only the bracket needs an (n, N) matrix.
        torch.addmm(centre_sq_norms_row, chunk, centres.T, alpha=-2, out=products[:n])
        row_min = products[:n].min(1, keepdim=True).values
        nearest_sq = (chunk_sq_norms + row_min[:, 0]).clamp_min_(0)
        excess[:n].copy_(products[:n].sub_(row_min))
        blocks.append(_log_sum_exp_grid(excess[:n], nearest_sq, inv_two_var, terms[:n]) - log_norm)
    return torch.cat(blocks)


def _log_sum_exp_grid(excess: torch.Tensor, nearest_sq: torch.Tensor, inv_two_var: torch.Tensor,
                      terms: torch.Tensor) -> torch.Tensor:
    """log sum_i exp(-k |x - mu_i|^2) for each k in ``inv_two_var`` (S,): (n, S), given
    ``excess`` (n, N) = |x - mu_i|^2 - ``nearest_sq`` (n,) >= 0; ``terms`` is (n, N) scratch."""
    # The nearest centre gives the largest term at every sigma, so one shift makes the sum stable
    # for the whole grid (a third of torch.logsumexp's passes over the matrix per sigma).
    # Exponents below -EXP_FLOOR add under 1e-300 to a sum of at least 1; flooring them keeps exp
    # off its slow subnormal path (7x slower, measured on the mixtures' small sigmas).
    return torch.stack([torch.mul(excess, -k, out=terms).clamp_min_(-EXP_FLOOR).exp_().sum(1).log_()
                        - k * nearest_sq for k in inv_two_var], 1)


def parzen_log_likelihood(samples: torch.Tensor, points: torch.Tensor, sigma: float,
                          chunk_size: int = CHUNK_POINTS,
                          matmul_dtype: torch.dtype | None = None) -> torch.Tensor:
    """LL in nats of each point under kernels of width ``sigma``: float64 (n_points,)."""
    return parzen_log_likelihood_grid(samples, points, [sigma], chunk_size, matmul_dtype)[:, 0]


def select_sigma(samples: torch.Tensor, validation: torch.Tensor, sigmas,
                 chunk_size: int = CHUNK_POINTS) -> tuple[float, torch.Tensor]:
    """The grid sigma with the highest mean validation LL (first on ties, like numpy.argmax),
    and the mean validation LL in nats for every sigma, float64 (n_sigmas,)."""
    mean_ll = parzen_log_likelihood_grid(samples, validation, sigmas, chunk_size).mean(0)
    return float(torch.as_tensor(sigmas, dtype=torch.float64)[int(mean_ll.argmax())]), mean_ll


def parzen_evaluate(samples: torch.Tensor, validation: torch.Tensor, test: torch.Tensor,
                    sigmas=PAPER_SIGMAS, n_validation: int = N_VALIDATION,
                    chunk_size: int = CHUNK_POINTS) -> dict:
    """The full protocol: sigma from ``validation[:n_validation]``, then mean and standard error
    of the test LL. Points are shaped like the samples, (n, ...)."""
    sigma, validation_ll = select_sigma(samples, validation[:n_validation], sigmas, chunk_size)
    test_ll = parzen_log_likelihood(samples, test, sigma, chunk_size)
    return {
        KEY_PARZEN_LL: float(test_ll.mean()),
        KEY_STDERR: float(test_ll.std(correction=0) / math.sqrt(test_ll.shape[0])),
        KEY_SIGMA: sigma,
        "n_samples": samples.shape[0],
        "n_test": test_ll.shape[0],
        "n_validation": min(n_validation, validation.shape[0]),
        "sigmas": [float(s) for s in sigmas],
        "validation_ll_nats": validation_ll.tolist(),
    }


def has_held_out_draws(dataset) -> bool:
    return hasattr(dataset, "held_out") and hasattr(dataset, "std")


def has_parzen_points(dataset) -> bool:
    """Whether :func:`protocol_points` knows ``dataset``: its own split, or held-out draws."""
    return hasattr(dataset, "parzen_validation") or has_held_out_draws(dataset)


def protocol_points(dataset) -> tuple[torch.Tensor, torch.Tensor, tuple[float, ...]]:
    """Validation points, test points (n, d) and sigma grid for ``dataset``: its own split and the
    paper's grid when it has one (MNIST), else held-out draws and a grid scaled to its std."""
    if hasattr(dataset, "parzen_validation"):
        return dataset.parzen_validation(), dataset.parzen_test(), PAPER_SIGMAS
    if has_held_out_draws(dataset):
        sigmas = tuple((dataset.std * np.logspace(*MIXTURE_SIGMA_DECADES, 10)).tolist())
        return (dataset.held_out(N_VALIDATION, MIXTURE_VALIDATION_SEED),
                dataset.held_out(MIXTURE_N_TEST, MIXTURE_TEST_SEED), sigmas)
    raise GanBenchError(f"metric 'parzen' is not available for dataset {dataset.name!r}")


def parzen_for_dataset(dataset, samples: torch.Tensor) -> dict:
    """:func:`parzen_evaluate` on ``dataset``'s points; samples (N, *dataset.shape), any device."""
    validation, test, sigmas = protocol_points(dataset)
    return parzen_evaluate(samples, validation, test, sigmas)


def parzen_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``parzen``: the scalar results, prefixed so they stay apart from other
    metrics' keys in a run record's flat metrics dict."""
    result = parzen_for_dataset(dataset, samples)
    return {KEY_PARZEN_LL: result[KEY_PARZEN_LL], "parzen_stderr_nats": result[KEY_STDERR],
            "parzen_sigma": result[KEY_SIGMA]}


register_metric("parzen", parzen_metric, supports=has_parzen_points)
