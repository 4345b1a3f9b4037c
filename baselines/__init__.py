"""Built-in models; each module registers its models at import."""

from baselines import gan_mlp, vae_mlp  # noqa: F401
