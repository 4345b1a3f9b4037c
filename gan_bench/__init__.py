"""gan-bench: a benchmark and evaluation suite for generative adversarial networks.

``gan_bench.score(samples, dataset="mnist", metrics=["fid", "parzen"])`` scores samples from
Python (gan_bench.scoring); the ``gan-bench`` command runs suites.
"""

__version__ = "0.1.0"
__all__ = ["score"]


def __getattr__(name: str):
    # imported on first use: `import gan_bench` (and the CLI's --help) does not wait for torch
    if name == "score":
        from gan_bench.scoring import score

        return score
    raise AttributeError(f"module 'gan_bench' has no attribute {name!r}")
