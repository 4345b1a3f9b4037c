"""The model contract every model implements, its output checks, and the GAN losses."""
