"""``gan-bench bench --calibrate --noise FILE``: the working tree timed against itself (A/A).

Both sides are the same code, so every difference is noise: each workload's spread between
processes is stored (gan_bench.gate.ab_noise) with the provenance of the run, and the table says
the minimum effect and the smallest change each workload can detect at this number of processes.
"""

from pathlib import Path

import torch

from gan_bench.gate import ab_noise
from gan_bench.gate.ab_runs import AbOptions, measure_pairs
from gan_bench.gate.ab_statistics import judge, process_medians
from gan_bench.gate.format_files import print_table, write_format_file
from gan_bench.gate.git_trees import working_tree
from gan_bench.runtime.provenance import how_made


def run_calibration(options: AbOptions, noise_file: Path) -> int:
    tree = working_tree()
    first, second = measure_pairs(tree, tree, options)
    noise = ab_noise.calibrate({name: process_medians(r) for name, r in first.rounds().items()},
                               {name: process_medians(r) for name, r in second.rounds().items()})
    verdicts = {row["workload"]: row["verdict"] for row in judge(first.rounds(), second.rounds(), {})}
    print_table(f"A/A noise, {options.pairs} processes per side", [
        {"workload": name, "sigma %": 100 * entry["sigma_log"], "min effect %": 100 * entry["min_effect"],
         "detectable %": 100 * entry["detectable"], "A/A verdict": verdicts[name]}
        for name, entry in noise["workloads"].items()])
    report = {**noise, **how_made({"ab": options.__dict__}, torch.device(options.device))}
    write_format_file(noise_file, report)
    print(f"\nsaved: {noise_file}")
    return 0
