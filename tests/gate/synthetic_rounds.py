"""Synthetic A/B rounds with a known change: lognormal process effects and round noise."""

import numpy as np


def rounds(rng: np.random.Generator, processes: int, seconds: float, process_sigma: float,
           round_sigma: float = 0.01, rounds_per_process: int = 5) -> list[list[float]]:
    """Seconds per call: each process has its own speed (a lognormal factor of ``process_sigma``),
    each round its own noise around it."""
    return [list(seconds * np.exp(rng.normal(0, process_sigma)
                                  + rng.normal(0, round_sigma, rounds_per_process)))
            for _ in range(processes)]
