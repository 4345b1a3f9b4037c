"""The GAN paper's theory measured on the 2-D mixtures, where p_data is known in closed form.

Goodfellow et al. 2014, "Generative Adversarial Nets", Proposition 1 and Theorem 1: for a fixed
generator the optimal discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and the virtual
training criterion C(G) = max_D V(G, D) = -log 4 + 2 JSD(p_data || p_g), whose minimum -log 4 is
reached exactly at p_g = p_data.

p_data is the mixture's exact density (gan_bench.metrics.exact_ll). p_g is known only through the
generator's samples, and is estimated by a Gaussian kernel density estimate q: isotropic kernels
of width sigma centred on half of the samples (the *fit* half), drawn by a seeded permutation
(``SPLIT_SEED``) so that the estimate does not depend on the order of the samples: p_data's own
samples sorted by mode would otherwise fit q to some modes and choose its width on others (0.68
nats on ring8, 0.66 on grid25, against a true 0). sigma is chosen by
likelihood cross-validation, the Parzen protocol of the GAN paper applied to the generator's own
samples: the grid value (``KDE_SIGMA_DECADES`` around the mixture's std) with the highest mean
log-likelihood of the other half (the *held-out* half). Scott's and Silverman's rules are not
used: they set the width from the samples' overall spread, about 1 for ring8, fifty times the
width of its modes, and would blur every mode.

JSD(p || q) = 1/2 E_p[log 2p / (p + q)] + 1/2 E_q[log 2q / (p + q)] in nats, by Monte Carlo: the
first expectation over ``N_POINTS`` fresh draws from p_data, the second over ``N_POINTS`` draws from
q itself (a kernel centre picked at random plus sigma times Gaussian noise), both with fixed
seeds. Drawing the second from q rather than taking the generator's samples as its draws keeps
the estimate one of a true divergence, never below 0 in expectation. Every log term is formed with
logaddexp, so it stays finite where one density underflows.

Its error, two parts:

- The standard error is a bootstrap's (Efron and Tibshirani 1993, "An Introduction to the
  Bootstrap", chapter 6; scipy.stats.bootstrap): each of ``BOOTSTRAP_RESAMPLES`` replicates
  resamples the fit half and the held-out half with replacement, each apart (a point drawn into
  both would pull the width selection towards 0), refits q, and redraws both sets of evaluation
  points with fresh seeds. It spans the variation across sample draws as well as the Monte Carlo
  error; the Monte Carlo error given the one fitted q is reported beside it (``jsd_mc_stderr_nats``).
- The bias: q is p_g smoothed by the kernel and fitted on finitely many points, so samples of
  p_data itself score above 0, by more than the standard error (at 2,500 samples about 0.017 nats
  on ring8 and 0.027 on grid25, 6-10 standard errors: results/theory/jsd_p_data_bias.json).
  Every JSD comes with the estimate on as many draws of p_data itself (``jsd_p_data_bias_nats``),
  and below ``FEW_SAMPLES`` samples a ``JsdBiasWarning``.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.exact_ll import mixture_log_likelihood
from gan_bench.metrics.parzen import parzen_log_likelihood, select_sigma
from gan_bench.registry import register_metric, require_metric_support

LOG_4 = math.log(4.0)
N_POINTS = 10_000
DATA_POINTS_SEED = 3  # the Parzen protocol's test and validation draws use seeds 1 and 2
KDE_POINTS_SEED = 4
KDE_SIGMA_DECADES = (-1.0, 2.0)  # the sigma grid: the mixture's std times 10^-1 .. 10^2
KDE_SIGMAS = 16
MIN_SAMPLES = 20
SPLIT_SEED = 7
BOOTSTRAP_RESAMPLES = 20
BOOTSTRAP_SEED = 5
P_DATA_BIAS_SEED = 6  # the draws of p_data whose JSD estimate is the bias beside every JSD
FEW_SAMPLES = 5_000


class JsdBiasWarning(UserWarning):
    """Fewer than FEW_SAMPLES samples: the JSD's bias is several times its standard error."""


def has_closed_form_density(dataset) -> bool:
    return hasattr(dataset, "means") and hasattr(dataset, "std")


@dataclass
class GeneratorDensity:
    """q, the kernel density estimate of p_g, beside the exact p_data of ``dataset``."""

    dataset: object
    fit: torch.Tensor  # the kernel centres (n_fit, 2), float64
    held_out: torch.Tensor  # the generator samples q was not fitted to (n_held, 2), float64
    sigma: float

    @classmethod
    def from_samples(cls, dataset, samples: torch.Tensor) -> "GeneratorDensity":
        samples = samples.detach().to("cpu", torch.float64)
        if samples.ndim != 2 or samples.shape[0] < MIN_SAMPLES:
            raise GanBenchError(f"the theory metrics need at least {MIN_SAMPLES} samples shaped "
                                f"(N, 2), got {tuple(samples.shape)}")
        order = torch.randperm(samples.shape[0], generator=torch.Generator().manual_seed(SPLIT_SEED))
        half = samples.shape[0] // 2
        return cls.from_halves(dataset, samples[order[:half]], samples[order[half:]])

    @classmethod
    def from_halves(cls, dataset, fit: torch.Tensor, held_out: torch.Tensor) -> "GeneratorDensity":
        """q centred on ``fit``, its width chosen on ``held_out`` (both float64 (n, 2))."""
        sigmas = dataset.std * np.logspace(*KDE_SIGMA_DECADES, KDE_SIGMAS)
        sigma, _ = select_sigma(fit, held_out, tuple(sigmas.tolist()))
        return cls(dataset, fit, held_out, sigma)

    def log_q(self, points: torch.Tensor) -> torch.Tensor:
        return parzen_log_likelihood(self.fit, points.to(torch.float64), self.sigma)

    def log_p(self, points: torch.Tensor) -> torch.Tensor:
        return mixture_log_likelihood(points.to(torch.float64), self.dataset.means, self.dataset.std)

    def optimal_discriminator(self, points: torch.Tensor) -> torch.Tensor:
        """D*(x) = p(x) / (p(x) + q(x)) at ``points`` (n, 2): float64 (n,)."""
        log_p = self.log_p(points)
        return torch.exp(log_p - torch.logaddexp(log_p, self.log_q(points)))

    def data_points(self, n: int = N_POINTS, seed: int = DATA_POINTS_SEED) -> torch.Tensor:
        """``n`` draws from p_data (seeded): float64 (n, 2)."""
        return self.dataset.held_out(n, seed).to(torch.float64)

    def kde_points(self, n: int = N_POINTS, seed: int = KDE_POINTS_SEED) -> torch.Tensor:
        """``n`` draws from q (seeded): float64 (n, 2)."""
        generator = torch.Generator().manual_seed(seed)
        centres = self.fit[torch.randint(0, self.fit.shape[0], (n,), generator=generator)]
        return centres + self.sigma * torch.randn(n, 2, generator=generator, dtype=torch.float64)


def jsd_estimate(density: GeneratorDensity, n_points: int = N_POINTS,
                 seeds: tuple[int, int] = (DATA_POINTS_SEED, KDE_POINTS_SEED)) -> tuple[float, float]:
    """JSD(p_data || q) in nats and its Monte Carlo standard error given q, on ``n_points`` draws
    from p_data and from q with ``seeds``."""
    real, fake = density.data_points(n_points, seeds[0]), density.kde_points(n_points, seeds[1])
    log_p_real, log_q_real = density.log_p(real), density.log_q(real)
    log_p_fake, log_q_fake = density.log_p(fake), density.log_q(fake)
    on_data = math.log(2.0) + log_p_real - torch.logaddexp(log_p_real, log_q_real)
    on_generator = math.log(2.0) + log_q_fake - torch.logaddexp(log_p_fake, log_q_fake)
    jsd = 0.5 * float(on_data.mean()) + 0.5 * float(on_generator.mean())
    stderr = 0.5 * math.sqrt(float(on_data.var()) / on_data.numel()
                             + float(on_generator.var()) / on_generator.numel())
    return jsd, stderr


def jsd_bootstrap_stderr(density: GeneratorDensity, n_resamples: int = BOOTSTRAP_RESAMPLES,
                         n_points: int = N_POINTS, seed: int = BOOTSTRAP_SEED) -> float:
    """The bootstrap standard error of ``jsd_estimate`` in nats: q refitted to each replicate of
    the two halves, the evaluation points redrawn (module docstring)."""
    from scipy.stats import bootstrap

    rng = np.random.default_rng(seed)

    def replicate(fit_rows: np.ndarray, held_out_rows: np.ndarray) -> float:
        refit = GeneratorDensity.from_halves(density.dataset, density.fit[fit_rows],
                                             density.held_out[held_out_rows])
        seeds = tuple(int(s) for s in rng.integers(1_000, 2**31, size=2))
        return jsd_estimate(refit, n_points, seeds)[0]

    rows = (np.arange(density.fit.shape[0]), np.arange(density.held_out.shape[0]))
    return float(bootstrap(rows, replicate, n_resamples=n_resamples, vectorized=False,
                           method="percentile", rng=rng).standard_error)


def p_data_bias(dataset, n_samples: int, n_points: int = N_POINTS) -> float:
    """The JSD estimate, in nats, on ``n_samples`` draws of p_data itself, whose JSD is 0."""
    samples = dataset.held_out(n_samples, P_DATA_BIAS_SEED)
    return jsd_estimate(GeneratorDensity.from_samples(dataset, samples), n_points)[0]


def d_star_error(density: GeneratorDensity, discriminator, n_points: int = N_POINTS
                 ) -> dict[str, float]:
    """Mean |D(x) - D*(x)| under p_data and under p_g (over the generator's held-out samples), for
    ``discriminator``: points (n, 2) float32 -> probabilities (n,)."""
    errors = {}
    for key, points in (("real", density.data_points(n_points)), ("fake", density.held_out)):
        with torch.no_grad():
            d = discriminator(points.to(torch.float32)).to(torch.float64).reshape(-1).cpu()
        errors[f"d_star_mae_{key}"] = float((d - density.optimal_discriminator(points)).abs().mean())
    return errors


def theory_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``jsd``: JSD(p_data || p_g) in nats with its bootstrap and Monte Carlo
    standard errors, the estimate's bias on as many samples of p_data, C(G) = -log 4 + 2 JSD, and
    the kernel width of the p_g estimate. Warns (JsdBiasWarning) below FEW_SAMPLES samples."""
    require_metric_support("jsd", dataset)
    density = GeneratorDensity.from_samples(dataset, samples)
    n_samples = samples.shape[0]
    if n_samples < FEW_SAMPLES:
        warnings.warn(f"the JSD on {n_samples} samples is biased upwards by several standard "
                      f"errors (jsd_p_data_bias_nats); use at least {FEW_SAMPLES}", JsdBiasWarning,
                      stacklevel=2)
    jsd, mc_stderr = jsd_estimate(density)
    return {"jsd_nats": jsd, "jsd_stderr_nats": jsd_bootstrap_stderr(density),
            "jsd_mc_stderr_nats": mc_stderr, "jsd_p_data_bias_nats": p_data_bias(dataset, n_samples),
            "jsd_n_samples": n_samples, "c_of_g_nats": -LOG_4 + 2.0 * jsd, "kde_sigma": density.sigma}


register_metric("jsd", theory_metric, supports=has_closed_form_density)
