"""Metrics; each module registers the metrics it provides at import."""

from gan_bench.metrics import frechet, modes  # noqa: F401
