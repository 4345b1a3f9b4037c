"""Each trial's sampled options, from Optuna's samplers, the same whatever trial count was asked.

``random``: trial k of a (model, dataset) asks a fresh ``RandomSampler`` seeded from (suite,
model, dataset, k), so its options depend on nothing else: the first N trials are the same for any
N, in any order, on any worker, resumed or not. ``tpe``: trial k asks a ``TPESampler`` seeded the
same way after it has been told trials 0..k-1 and their objective values, in trial order; its
options are a function of those earlier results, so trial k is sampled only once they are all
recorded, and two searches agree on trial k exactly when they agree on the trials before it.
"""

import hashlib
import math

from gan_bench.config.search_space import Distribution

SAMPLERS = ("random", "tpe")


def trial_seed(suite: str, model: str, dataset: str, trial: int) -> int:
    """The sampler's seed for one trial, a 32-bit number derived from its identity."""
    digest = hashlib.sha256(f"{suite}/{model}/{dataset}/{trial}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def optuna_distribution(distribution: Distribution):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if distribution.kind == "choice":
        return CategoricalDistribution(distribution.values)
    low, high = distribution.values
    if distribution.kind == "int-uniform":
        return IntDistribution(low, high)
    return FloatDistribution(float(low), float(high), log=distribution.kind == "log-uniform")


def sample_trial(space: dict[str, Distribution], sampler: str, seed: int,
                 earlier: list[tuple[dict, float]] = ()) -> dict:
    """One trial's options. ``earlier``: (options, objective value to maximise) of trials 0..k-1 in
    order, which TPE is told first (a trial without a value is told as failed)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = {name: optuna_distribution(space[name]) for name in sorted(space)}
    chosen = (optuna.samplers.RandomSampler(seed=seed) if sampler == "random"
              else optuna.samplers.TPESampler(seed=seed))
    study = optuna.create_study(direction="maximize", sampler=chosen)
    for params, value in earlier:
        failed = value is None or not math.isfinite(value)
        study.add_trial(optuna.trial.create_trial(
            params=params, distributions=distributions,
            state=optuna.trial.TrialState.FAIL if failed else optuna.trial.TrialState.COMPLETE,
            value=None if failed else value))
    trial = study.ask(distributions)
    return dict(trial.params)
