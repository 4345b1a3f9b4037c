"""``gan-bench leaderboard`` and ``compare``: reports rebuilt from the recorded runs, never
training; neither imports a suite's plugins."""

import shlex
from pathlib import Path

from gan_bench.cli.arguments import DEFAULT_RESULTS
from gan_bench.errors import GanBenchError


def cmd_leaderboard(args) -> None:
    from gan_bench.reports.suite_reports import write_reports
    from gan_bench.search.budget_report import (
        holds_unreported_search,
        is_searched,
        refresh_search_leaderboard,
    )
    from gan_bench.storage.safe_paths import refuse_links_within

    folders = [args.results / args.suite] if args.suite else sorted(
        p.parent for p in args.results.glob("*/runs.jsonl"))
    if not folders or not (folders[0] / "runs.jsonl").exists():
        raise GanBenchError(f"no runs recorded under {args.results}"
                            + (f" for suite {args.suite!r}" if args.suite else ""))
    for folder in folders:
        refuse_links_within(folder)
        if holds_unreported_search(folder):
            raise GanBenchError(f"{folder} holds search trials but no search report (search.json): "
                                "the search stopped before it reported; run the same `gan-bench search` "
                                "command again to finish it and write its report and leaderboard")
    for folder in folders:
        # a searched suite's figure is the search's (a panel per trial would not read), and its
        # leaderboard.md its best configurations
        searched = is_searched(folder)
        if write_reports(folder, *_leaderboard_settings(folder), figures=not searched).empty:
            raise GanBenchError(f"no runs recorded in {folder / 'runs.jsonl'}")  # an empty runs.jsonl
        if searched:
            refresh_search_leaderboard(folder)
        print((folder / "leaderboard.md").read_text())


def _leaderboard_settings(folder: Path) -> tuple[tuple, tuple[str, ...]]:
    """(published rows, headline metrics) of the built-in suite named like ``folder``, else of the
    built-in suite its records name (a suite run into a folder of another name), else none."""
    from gan_bench.config.suite import NAME_PATTERN, SUITES_DIR, load_suite
    from gan_bench.storage.records import read_records

    def built_in(name) -> bool:  # a plain name, never a path a record could smuggle in
        return isinstance(name, str) and bool(NAME_PATTERN.fullmatch(name)) \
            and (SUITES_DIR / f"{name}.toml").is_file()

    named = {record["config"].get("suite") for record in read_records(folder)}
    name = folder.name if built_in(folder.name) else (named.pop() if len(named) == 1 else None)
    if not built_in(name):
        return (), ()
    suite = load_suite(name, import_plugins=False)
    return suite.published, suite.meta.headline_metrics


def cmd_compare(args) -> None:
    from gan_bench.reports.comparison_report import write_comparison
    from gan_bench.storage.safe_paths import refuse_links_within

    folder = args.results / args.suite
    if not (folder / "runs.jsonl").is_file():
        raise GanBenchError(f"no runs recorded under {args.results} for suite {args.suite!r}")
    refuse_links_within(folder)
    metrics = [m for m in args.metrics.split(",") if m] if args.metrics else None
    command = shlex.join(["gan-bench", "compare", args.suite, args.model_a, args.model_b]
                         + (["--metrics", args.metrics] if args.metrics else [])
                         + (["--include-stalled"] if args.include_stalled else [])
                         + (["--output", str(args.output)] if args.output else [])
                         + (["--results", str(args.results)] if args.results != DEFAULT_RESULTS else []))
    path, text = write_comparison(folder, args.model_a, args.model_b, metrics, args.include_stalled,
                                  command, args.output)
    print(text + f"\nwritten to {path}")


def add_commands(commands) -> None:
    board = commands.add_parser(
        "leaderboard", help="rebuild leaderboards and figures from the records; print as Markdown")
    board.add_argument("suite", nargs="?", help="one suite (default: every suite under --results)")
    board.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    board.set_defaults(handler=cmd_leaderboard)
    compare = commands.add_parser(
        "compare", help="each metric's difference between two models of a suite, with a 95%% "
                        "interval and a test; written to RESULTS/SUITE/compare-A-vs-B.md")
    compare.add_argument("suite", help="a suite whose runs are recorded under --results")
    compare.add_argument("model_a", metavar="A", help="a model (or published row) of the suite")
    compare.add_argument("model_b", metavar="B", help="the model (or published row) to set against A")
    compare.add_argument("--metrics", default=None, metavar="NAME[,NAME...]",
                         help="metric values to compare (default: every one both models have)")
    compare.add_argument("--include-stalled", action="store_true",
                         help="count stalled runs too (the leaderboard averages finished runs only)")
    compare.add_argument("--output", type=Path, default=None,
                         help="where to write the report (default: RESULTS/SUITE/compare-A-vs-B.md)")
    compare.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    compare.set_defaults(handler=cmd_compare)
