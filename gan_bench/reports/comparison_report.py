"""The file ``gan-bench compare`` writes: results/SUITE/compare-A-vs-B.md, its table (from
gan_bench.reports.model_comparison) under a header naming the command and the git commit that made it."""

import re
from pathlib import Path

from gan_bench.config.suite import SUITES_DIR, load_suite
from gan_bench.errors import GanBenchError
from gan_bench.reports.leaderboard import metric_columns, published_table, runs_table
from gan_bench.reports.model_comparison import MIN_SEEDS, check_request, chosen_runs, comparison_table
from gan_bench.runs.evaluations import runs_with_evaluations
from gan_bench.runtime.provenance import git_commit
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.safe_paths import inside


def report_path(results_dir: Path, model_a: str, model_b: str) -> Path:
    """results/SUITE/compare-A-vs-B.md, characters other than letters, digits, '.', '_' and '-' as
    '_' (a published row's name has spaces and brackets)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"compare-{model_a}-vs-{model_b}") + ".md"
    return inside(results_dir, name)


def comparison_report(results_dir: Path, model_a: str, model_b: str, metrics: list[str] | None,
                      include_stalled: bool, command: str) -> str:
    """The Markdown report comparing ``model_a`` with ``model_b`` on ``metrics`` (default: every
    metric both have) from the records in ``results_dir``; ``command`` is the one that asked."""
    if not (results_dir / "runs.jsonl").is_file():
        raise GanBenchError(f"no runs recorded in {results_dir / 'runs.jsonl'}")
    records = runs_with_evaluations(results_dir)
    runs = chosen_runs(runs_table(records), include_stalled)
    suite_name = results_dir.name
    builtin = (SUITES_DIR / f"{suite_name}.toml").is_file()
    published = published_table(load_suite(suite_name, import_plugins=False).published if builtin else ())
    known = metric_columns(records)
    check_request(runs, published, (model_a, model_b), metrics or [], known, str(results_dir))
    table = comparison_table(runs, published, model_a, model_b, metrics or known)
    if table.empty:
        raise GanBenchError(f"{model_a!r} and {model_b!r} share no scored metric on a dataset in "
                            f"{results_dir}")
    made = git_commit()
    commit = (made["git_commit"] or "unknown")[:12] + (", uncommitted changes" if made["git_dirty"] else "")
    counted = "finished and stalled runs" if include_stalled else "finished runs (stalled ones left out)"
    return (f"# {model_a} against {model_b}: {suite_name}\n\n"
            f"A - B is the difference of the means over {counted}, with a 95% interval of the kind "
            f"named: Welch's t over seeds where each side has at least {MIN_SEEDS} runs, else a "
            "normal interval from the runs' standard errors over their evaluation samples where "
            "they are recorded, else none (gan_bench/reports/model_comparison.py). Written by "
            f"`{command}` at commit {commit} from {results_dir.name}/runs.jsonl and "
            f"evaluations.jsonl.\n\n" + table.to_markdown(index=False, disable_numparse=True) + "\n")


def write_comparison(results_dir: Path, model_a: str, model_b: str, metrics: list[str] | None,
                     include_stalled: bool, command: str, output: Path | None = None) -> tuple[Path, str]:
    """Write the report (to ``output``, default results/SUITE/compare-A-vs-B.md); (path, text)."""
    text = comparison_report(results_dir, model_a, model_b, metrics, include_stalled, command)
    path = output or report_path(results_dir, model_a, model_b)
    atomic_write_bytes(path, text.encode())
    return path, text
