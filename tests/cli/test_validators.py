import pytest

from gan_bench.cli import main


@pytest.mark.parametrize("args, message", [
    (["bench", "--round-seconds", "nan"], "argument --round-seconds: must be a finite number above 0"),
    (["bench", "--round-seconds", "inf"], "argument --round-seconds: must be a finite number above 0"),
    (["run", "SUITE", "--mem", "nan"], "argument --mem: must be a finite number above 0"),
    (["run", "SUITE", "--mem", "-4"], "argument --mem: must be a finite number above 0"),
    (["run", "SUITE", "--cpus-per-run", "0"], "argument --cpus-per-run: must be at least 1, got 0"),
    (["run", "SUITE", "--time", "-5"], "argument --time: must be at least 1, got -5"),
    (["run", "SUITE", "--gpus-per-run", "-1"], "argument --gpus-per-run: must be at least 0"),
    (["run", "SUITE", "--array-parallelism", "0"], "argument --array-parallelism: must be at least 1"),
    (["run", "SUITE", "--slurm-option", "account"], "argument --slurm-option: expected KEY=VALUE"),
    (["run", "SUITE", "--slurm-option", "account=a\n#SBATCH --x=y"],
     "argument --slurm-option: a line break or NUL in"),
    (["run", "SUITE", "--slurm-option", "a b=c"], "argument --slurm-option: KEY must be letters"),
    (["run", "SUITE", "--seeds", "0"], "argument --seeds: must be at least 1, got 0"),
    (["run", "SUITE", "--jobs", "0"], "argument --jobs: must be at least 1, got 0"),
    (["run", "SUITE", "--threads", "0"], "argument --threads: must be at least 1, got 0"),
    (["evaluate", "SUITE", "--threads", "x"], "argument --threads: not a whole number: 'x'"),
    (["bench", "--threshold-for", "step/mog/gan"], "argument --threshold-for: expected WORKLOAD=FRACTION"),
    (["bench", "--threshold-for", "step/mog/gan=x"], "argument --threshold-for: expected WORKLOAD=FRACTION"),
    (["bench", "--pairs", "0"], "argument --pairs: must be at least 1, got 0"),
    (["bench", "--warmup-rounds", "-1"], "argument --warmup-rounds: must be at least 0, got -1"),
    (["fid", "--samples", "s.npy", "--dataset", "mnist", "--real-count", "0"],
     "argument --real-count: must be at least 1, got 0"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_a_bad_option_value_is_one_line_and_exit_2_before_anything_runs(tmp_path, capsys, args,
                                                                        message):
    suite = tmp_path / "tiny.toml"
    args = [str(suite) if arg == "SUITE" else arg for arg in args]
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--results", str(tmp_path / "results")] if args[0] in ("run", "evaluate") else args)
    assert exit_.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert not (tmp_path / "results").exists()
