"""Built-in models; each module registers its models at import."""

from baselines import gan_mlp, gan_mnist, kmeans, training_data, vae_mlp, vae_mnist  # noqa: F401
