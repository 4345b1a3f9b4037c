"""What ``gan-bench search`` writes into results/SUITE from the records: budget-report.md (the
expected best objective at budgets 1, 5, 10, 20 and N with bands, the equal-budget comparisons,
the best configurations re-run on fresh seeds, the cost and the provenance), budget-curves.csv,
figures/budget-curves.png, search.json (the settings) and, as the suite's leaderboard.md, the
best configurations (gan_bench.search.best_configurations)."""

import itertools
import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from gan_bench.reports.leaderboard_cells import interval_cell
from gan_bench.reports.metric_glossary import GLOSSARY
from gan_bench.runs.cluster import ClusterOptions
from gan_bench.runtime.provenance import git_commit, invoking_command, library_versions
from gan_bench.search.best_configurations import best_configurations_table
from gan_bench.search.budget_curves import (
    BOOTSTRAP_SEED,
    BudgetCurve,
    budget_curve,
    budget_difference,
    table_budgets,
)
from gan_bench.search.budget_figure import FIGURE_NAME, draw_budget_curves
from gan_bench.search.expected_max import BOOTSTRAP_RESAMPLES
from gan_bench.search.search_loop import SearchOptions
from gan_bench.search.trial_scores import first_trials, objective_sign, search_runs
from gan_bench.search.trial_specs import RERUN_FIRST_SEED
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import read_records
from gan_bench.storage.safe_paths import inside

SETTINGS_FILE = "search.json"
REPORT_FILE = "budget-report.md"
RERUN_METRICS = ("modes_captured", "high_quality_pct", "reverse_kl_nats")
# reported beside the objective where the trials have them: modes captured saturates on ring8
ALSO_REPORTED = ("modes_captured", "high_quality_pct")


def searched_pairs_in(records: list[dict], sampler: str) -> list[tuple[str, str]]:
    """(model, dataset) of every recorded trial by ``sampler``, in the order first recorded."""
    return list(dict.fromkeys((r["config"]["search"]["model"], r["config"]["dataset"])
                              for r in records if r["config"].get("search", {}).get("sampler") == sampler))


def _cell(curve: BudgetCurve, n: int) -> str:
    if n > curve.scored:
        return "n/a"
    return interval_cell(curve.expected[n - 1], curve.low[n - 1], curve.high[n - 1])


def budget_table(curves: list[BudgetCurve], trials: int) -> pd.DataFrame:
    return pd.DataFrame([{"dataset": c.dataset, "model": c.model,
                          "trials scored (failed)": f"{c.scored} ({c.failed})",
                          **{f"n = {n}": _cell(c, n) for n in table_budgets(trials)}} for c in curves])


def comparison_lines(curves: list[BudgetCurve], metric: str, trials: int) -> list[str]:
    """'ring8, 10 trials: gan beats gan-minimax by 1.2 [0.3, 2.0] modes_captured', for every pair
    of models on a dataset at each table budget both reach. 'beats' where the 95% interval of the
    difference lies on the better side of 0, 'trails' on the worse, 'is level with' across 0."""
    sign, lines = objective_sign(metric), []
    for a, b in itertools.combinations(curves, 2):
        if a.dataset != b.dataset:
            continue
        for n in [n for n in table_budgets(trials) if n <= min(a.scored, b.scored)]:
            found = budget_difference(a, b, n)
            better_low, better_high = sorted((sign * found.low, sign * found.high))
            verdict = "beats" if better_low > 0 else "trails" if better_high < 0 else "is level with"
            trials_text = f"{n} trial{'s' if n > 1 else ''}"
            lines.append(f"- {a.dataset}, {trials_text}: {a.model} {verdict} {b.model}: difference in "
                         f"expected best {metric} "
                         f"{interval_cell(found.difference, found.low, found.high, signed=True)}")
    return lines


def _core_hours(records: list[dict]) -> str:
    trials = sum(r["train_seconds"] for r in records if not r["config"]["search"].get("rerun"))
    reruns = sum(r["train_seconds"] for r in records if r["config"]["search"].get("rerun"))
    return (f"{(trials + reruns) / 3600:.2f} core-hours of training ({trials / 3600:.2f} in the trials, "
            f"{reruns / 3600:.2f} in the fresh-seed re-runs): the wall-clock time of each run's "
            "training steps on its one thread; start-up and scoring not counted")


def _hardware(records: list[dict]) -> str:
    machines = sorted({f"{r['hardware']['device']}, {r['hardware']['torch_threads']} thread(s), "
                       f"{r['hardware']['gpu_name'] or r['hardware']['cpu_model']}" for r in records})
    return "; ".join(machines)


def curves_by_metric(records: list[dict], pairs, options: SearchOptions) -> dict[str, list[BudgetCurve]]:
    """The objective's curves, then those of ALSO_REPORTED metrics the trials have, each model's
    from its first N trials."""
    found = {}
    for metric in dict.fromkeys([options.objective, *ALSO_REPORTED]):
        curves = [c for model, dataset in pairs
                  if (c := budget_curve(model, dataset, first_trials(
                      records, model, dataset, options.sampler, options.trials), metric)) is not None]
        if curves or metric == options.objective:
            found[metric] = curves
    return found


def _metric_sections(curves: dict[str, list[BudgetCurve]], trials: int) -> str:
    sections = []
    for metric, shown in curves.items():
        sections.append(
            f"## Expected best {metric} ({GLOSSARY[metric][0]}) at each budget\n\n"
            + budget_table(shown, trials).to_markdown(index=False) + "\n\n"
            f"Equal-budget comparisons: the difference of two models' expected best {metric}, with "
            "the 95% interval over their independent bootstrap resamples.\n\n"
            + "\n".join(comparison_lines(shown, metric, trials)) + "\n\n")
    return "".join(sections)


def _write_settings(results_dir: Path, options: SearchOptions, command: str, made: dict) -> None:
    settings = {"command": command, **made, "options": asdict(options), "libraries": library_versions(),
                "bootstrap": {"resamples": BOOTSTRAP_RESAMPLES, "seed": BOOTSTRAP_SEED},
                "trial_seeds": "trial k trains on seed k",
                "rerun_seeds": list(range(RERUN_FIRST_SEED, RERUN_FIRST_SEED + options.rerun_seeds))}
    atomic_write_bytes(inside(results_dir, SETTINGS_FILE),
                       json.dumps(settings, indent=2, sort_keys=True).encode())


def _write_points(results_dir: Path, curves: dict[str, list[BudgetCurve]]) -> None:
    points = pd.DataFrame([{"metric": metric, "dataset": c.dataset, "model": c.model, "trials": n,
                            "expected_best": c.expected[n - 1], "band_low": c.low[n - 1],
                            "band_high": c.high[n - 1]}
                           for metric, shown in curves.items() for c in shown
                           for n in range(1, c.scored + 1)])
    atomic_write_bytes(inside(results_dir, "budget-curves.csv"), points.to_csv(index=False).encode())


def write_budget_report(results_dir: Path, options: SearchOptions) -> Path:
    """Write the report files from the records of ``results_dir``; returns budget-report.md."""
    records = read_records(results_dir)
    metric, sampler = options.objective, options.sampler
    pairs = searched_pairs_in(records, sampler)
    chosen = [r for model, dataset in pairs
              for r in first_trials(records, model, dataset, sampler, options.trials)]
    reruns = [r for model, dataset in pairs
              for r in search_runs(records, model, dataset, sampler, reruns=True)]
    curves = curves_by_metric(records, pairs, options)
    made, command = git_commit(), invoking_command()
    _write_settings(results_dir, options, command, made)
    _write_points(results_dir, curves)
    if curves[metric]:
        draw_budget_curves(curves, results_dir)
    best = best_configurations_table(records, pairs, sampler, options.trials, metric, list(RERUN_METRICS))
    commit = (made["git_commit"] or "unknown")[:12] + (", uncommitted changes" if made["git_dirty"] else "")
    configs = sorted({json.dumps(_shared_config(r["config"]), sort_keys=True) for r in chosen})
    report = (
        f"# Expected best score against the tuning budget: {results_dir.name}\n\n"
        f"Written by `{command}` at commit {commit} from {results_dir.name}/runs.jsonl "
        f"(the trials' own commits and commands are in each record). Each (model, dataset) was "
        f"searched on its own by Optuna's {sampler} sampler over the suite's search space; trial k "
        f"trains on seed k. {options.trials} trials were asked for each; the tables count those "
        f"recorded. The objective, which picks each model's best trial, is `{metric}` "
        f"({GLOSSARY[metric][0]}); {', '.join(f'`{m}`' for m in list(curves)[1:]) or 'no other metric'} "
        "of the same trials follow it.\n\n"
        "E[best of n] is the expected best value among n trials drawn with replacement from the "
        "N scored (Dodge et al. 2019, \"Show Your Work\": with the scores sorted, "
        "sum_i v_(i) ((i/N)^n - ((i-1)/N)^n), for the lower-is-better metrics on the negated scores); "
        f"[low, high] is its 95% percentile bootstrap band over {BOOTSTRAP_RESAMPLES} resamples of "
        f"the trials (seed {BOOTSTRAP_SEED}). Trials that diverged or have no finite value are left "
        f"out and counted as failed. The figure is figures/{FIGURE_NAME}; every point is in "
        "budget-curves.csv.\n\n"
        + _metric_sections(curves, options.trials)
        + "## Best configurations, re-run on fresh seeds\n\n"
        f"Each model's best trial by `{metric}` among those counted (the earliest of ties), re-run on "
        f"seeds {RERUN_FIRST_SEED} onwards (mean ± std over them): the number to report, since the "
        "best of N trials is biased upwards.\n\n"
        + best.to_markdown(index=False) + "\n\n## Cost and provenance\n\n"
        f"- {_core_hours(chosen + reruns)}.\n- Hardware: {_hardware(chosen + reruns)}.\n"
        f"- Settings, library versions and seeds: {SETTINGS_FILE}.\n"
        "- The configurations the trials share (everything but the searched options, seed and name):\n\n"
        + "".join(f"  - `{c}`\n" for c in configs))
    path = inside(results_dir, REPORT_FILE)
    atomic_write_bytes(path, report.encode())
    write_search_leaderboard(results_dir, best, options)
    return path


def _shared_config(config: dict) -> dict:
    """A trial's config without what differs between trials: its name, seed, search block and
    searched options."""
    searched = config["search"]["params"]
    return {**{k: v for k, v in config.items() if k not in ("seed", "search", "model_name")},
            "model_options": {k: v for k, v in config["model_options"].items() if k not in searched}}


def read_settings(results_dir: Path) -> SearchOptions | None:
    """The options of the search that last reported in ``results_dir``, or None if none did."""
    path = results_dir / SETTINGS_FILE
    if not path.is_file():
        return None
    options = json.loads(path.read_text())["options"]
    if options.get("cluster") is not None:  # a search through --executor slurm or submitit-local
        options["cluster"] = ClusterOptions(**options["cluster"])
    return SearchOptions(**options)


def write_search_leaderboard(results_dir: Path, best: pd.DataFrame, options: SearchOptions) -> Path:
    """leaderboard.md of a searched suite: the ``best`` configurations re-run on fresh seeds."""
    text = (f"# Leaderboard: {results_dir.name} (searched)\n\n"
            f"Each model tuned by {options.sampler} search on each dataset ({REPORT_FILE}): its best "
            f"trial by `{options.objective}`, the trials behind it, and its scores re-run on fresh "
            "seeds (mean ± std over them). Every trial's own row is in leaderboard-full.md and "
            "runs.csv. Generated from runs.jsonl by `gan-bench search` and `gan-bench leaderboard`.\n\n"
            + best.to_markdown(index=False) + "\n")
    path = inside(results_dir, "leaderboard.md")
    atomic_write_bytes(path, text.encode())
    return path


def is_searched(results_dir: Path) -> bool:
    """Whether ``results_dir`` holds a searched suite (one with search.json)."""
    return read_settings(results_dir) is not None


def holds_unreported_search(results_dir: Path) -> bool:
    """Whether ``results_dir`` holds search trials but no search.json: a search stopped before
    it reported, whose trials a plain leaderboard would list as models."""
    return not is_searched(results_dir) and any("search" in record["config"]
                                                for record in read_records(results_dir))


def refresh_search_leaderboard(results_dir: Path) -> None:
    """Rebuild leaderboard.md of a searched suite (gan_bench.search.budget_report.is_searched)
    from its records."""
    options = read_settings(results_dir)
    records = read_records(results_dir)
    best = best_configurations_table(records, searched_pairs_in(records, options.sampler), options.sampler,
                                     options.trials, options.objective, list(RERUN_METRICS))
    write_search_leaderboard(results_dir, best, options)
