"""Datasets; each module registers its datasets at import."""

from gan_bench.data import mixtures, mnist, stacked_mnist  # noqa: F401
