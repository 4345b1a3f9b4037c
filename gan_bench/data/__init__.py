"""Datasets; each module registers its datasets at import."""

from gan_bench.data import mixtures, mnist  # noqa: F401
