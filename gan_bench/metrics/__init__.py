"""Metrics; each module registers the metrics it provides at import."""

from gan_bench.metrics import (  # noqa: F401
    class_coverage,
    data_copying,
    density_coverage,
    domain_fid,
    exact_ll,
    fid,
    fid_infinity,
    fid_metric,
    frechet,
    game,
    modes,
    ndb,
    nearest_neighbour_two_sample,
    parzen,
    parzen_curve,
    sharpness,
    stacked_modes,
    theory,
)
