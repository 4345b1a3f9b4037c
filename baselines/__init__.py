"""Built-in models; each module registers its models at import."""

from gan_bench.baselines import (  # noqa: F401
    gan_mlp,
    gan_mnist,
    kmeans,
    training_data,
    true_distribution,
    vae_mlp,
    vae_mnist,
)
