"""A results folder's reports rebuilt from its records: the leaderboards, then the figures."""

from pathlib import Path

import pandas as pd

from gan_bench.reports.figures import write_figures
from gan_bench.reports.leaderboard import write_leaderboard


def write_reports(results_dir: Path, published=(), headline_metrics=(), figures: bool = True) -> pd.DataFrame:
    """Leaderboards (gan_bench.reports.leaderboard) and, with ``figures``, the figures
    (gan_bench.reports.figures) of ``results_dir``; the leaderboard's table, empty (and no figures)
    when no run is recorded."""
    table = write_leaderboard(results_dir, published, headline_metrics)
    if figures and not table.empty:
        write_figures(results_dir)
    return table
