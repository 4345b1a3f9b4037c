"""The figure of a search, figures/budget-curves.png: per dataset, each model's expected best
objective against the number of trials, with its 95% bootstrap band."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from gan_bench.reports.figures import save_figure
from gan_bench.search.budget_curves import BudgetCurve

FIGURE_NAME = "budget-curves.png"


def draw_budget_curves(curves: dict[str, list[BudgetCurve]], results_dir: Path) -> Path:
    """One row of panels per metric, one panel per dataset, one line and band per model."""
    datasets = list(dict.fromkeys(c.dataset for shown in curves.values() for c in shown))
    fig, axes = plt.subplots(len(curves), len(datasets), squeeze=False,
                             figsize=(5.0 * len(datasets), 4.0 * len(curves)))
    for row, (metric, shown) in zip(axes, curves.items(), strict=True):
        for ax, dataset in zip(row, datasets, strict=True):
            for curve in (c for c in shown if c.dataset == dataset):
                budgets = np.arange(1, curve.scored + 1)
                (line,) = ax.plot(budgets, curve.expected, marker=".",
                                  label=f"{curve.model} ({curve.scored} trials)")
                ax.fill_between(budgets, curve.low, curve.high, color=line.get_color(), alpha=0.2)
            ax.set_title(f"{dataset}: {metric}")
            ax.set_xlabel("trials (tuning budget n)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(f"expected best {metric} of n trials")
            ax.legend(fontsize=8, title="model (band: 95% bootstrap)", title_fontsize=8)
            ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, results_dir, FIGURE_NAME)
