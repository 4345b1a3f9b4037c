"""``gan-bench bench bisect GOOD BAD --only WORKLOAD``: the first commit that slowed a workload.

A binary search over the first-parent commits after GOOD up to BAD. Each probe is the A/B
measurement of the probed commit against GOOD (both checked out into temporary worktrees): a
significant slowdown beyond the minimum effect (gan_bench.gate.ab_statistics) marks the probe
bad. The search first confirms that BAD itself is slower than GOOD, so that it never names a
commit for noise, then takes about log2(commits) probes.
"""

import sys
from collections.abc import Callable

from gan_bench.errors import GanBenchError
from gan_bench.gate.ab_runs import AbOptions, comparable_rounds, measure_pairs
from gan_bench.gate.ab_statistics import judge
from gan_bench.gate.git_trees import checked_out, commit_of, commits_between, git, working_tree


def ab_row(good: str, probe: str, options: AbOptions) -> dict:
    """The verdict row of ``options.only``'s single workload, ``probe`` against ``good``."""
    tree = working_tree()
    with checked_out(good, tree) as base_tree, checked_out(probe, tree) as probe_tree:
        base, candidate = measure_pairs(base_tree, probe_tree, options)
    base_rounds, candidate_rounds, _ = comparable_rounds(base, candidate)
    rows = judge(base_rounds, candidate_rounds, {})
    if len(rows) != 1 or "change %" not in rows[0]:
        raise GanBenchError(f"--only {options.only!r} must select one workload present at both commits; "
                            f"got {[row['workload'] for row in rows]}")
    return rows[0]


def first_slow_commit(good: str, bad: str, options: AbOptions,
                      measure: Callable[[str, str, AbOptions], dict] = ab_row, log=print) -> str:
    tree = working_tree()
    good = commit_of(good, tree)
    commits = commits_between(good, bad, tree)

    def slower(commit: str) -> bool:
        row = measure(good, commit, options)
        log(f"{commit[:12]}: {row['change %']:+.1f}% {row['95% interval %']} p(Holm)={row['p (Holm)']:.2g} "
            f"{row['verdict']}")
        return row["verdict"] == "SLOWER"

    if not slower(commits[-1]):
        raise GanBenchError(f"{bad!r} is not significantly slower than {good[:12]} on {options.only!r}; "
                            f"nothing to bisect")
    known_good, known_bad = -1, len(commits) - 1
    while known_bad - known_good > 1:
        middle = (known_good + known_bad) // 2
        if slower(commits[middle]):
            known_bad = middle
        else:
            known_good = middle
    return commits[known_bad]


def describe(commit: str) -> str:
    return git("log", "-1", "--format=%h %s", commit, cwd=working_tree())


def run_bisect(good: str, bad: str, options: AbOptions) -> int:
    if not options.only:
        raise GanBenchError("bisect needs --only WORKLOAD (one workload's regular expression)")
    commit = first_slow_commit(good, bad, options, log=lambda line: print(line, file=sys.stderr))
    print(f"first slow commit: {describe(commit)}")
    return 0
