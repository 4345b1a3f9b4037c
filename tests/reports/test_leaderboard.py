import math

import numpy as np
import pandas as pd

from gan_bench.reports.leaderboard import leaderboard_table, write_leaderboard
from gan_bench.storage.records import append_record


def record(model, seed, status="finished", modes=8, kl=0.1, speed=1000.0):
    metrics = {"modes_captured": modes, "reverse_kl_nats": kl} if status == "finished" else {}
    return {"run_id": f"{model}-{seed}", "status": status, "steps": 10,
            "diverged_at_step": 4 if status == "diverged" else None, "metrics": metrics,
            "timing": {"samples_per_s": speed, "steps_per_s": speed / 100},
            "config": {"model_name": model, "dataset": "ring8", "seed": seed,
                       "model_options": {"lr": 1e-4}, "train": {"steps": 10}},
            "git_commit": "abc"}


def test_mean_and_std_over_seeds_count_runs_and_divergences():
    records = [record("gan", 0, modes=8, kl=0.1, speed=900.0),
               record("gan", 1, modes=6, kl=0.3, speed=1100.0),
               record("gan", 2, status="diverged"),
               record("vae", 0, modes=3, kl=math.inf)]
    table = leaderboard_table(records).set_index("model")
    assert table.loc["gan", "runs"] == 3 and table.loc["gan", "diverged"] == 1
    assert table.loc["gan", "modes_captured_mean"] == 7
    assert np.isclose(table.loc["gan", "modes_captured_std"], np.std([8, 6], ddof=1))
    assert np.isclose(table.loc["gan", "samples_per_s_mean"], 1000.0)
    assert table.loc["vae", "diverged"] == 0 and np.isinf(table.loc["vae", "reverse_kl_nats_mean"])


def test_written_markdown_has_one_row_per_model_and_dataset(tmp_path):
    for r in [record("gan", 0), record("gan", 1), record("vae", 0)]:
        append_record(tmp_path, r)
    write_leaderboard(tmp_path)
    rows = [line for line in (tmp_path / "leaderboard.md").read_text().splitlines()
            if line.startswith(("| gan", "| vae"))]
    assert len(rows) == 2
    assert "8 ± 0" in rows[0]


def test_published_rows_follow_the_measured_ones(tmp_path):
    from gan_bench.config.suite import PublishedRow

    append_record(tmp_path, record("gan", 0, kl=0.2))
    paper = PublishedRow("Paper GAN", "ring8", "Someone et al., Table 1",
                         {"reverse_kl_nats": 0.45, "modes_captured": 6.3})
    table = write_leaderboard(tmp_path, [paper])
    assert list(table["kind"]) == ["model", "published"]
    assert table.loc[1, "reverse_kl_nats_mean"] == 0.45
    markdown = (tmp_path / "leaderboard.md").read_text()
    assert "| Paper GAN" in markdown and "Someone et al., Table 1" in markdown


def test_a_published_standard_error_is_shown_as_one_not_as_a_std(tmp_path):
    from gan_bench.config.suite import PublishedRow

    append_record(tmp_path, record("gan", 0, modes=7))
    append_record(tmp_path, record("gan", 1, modes=8))
    paper = PublishedRow("PacGAN2", "ring8", "Lin et al. 2018, Table 1",
                         {"modes_captured": 7.9, "reverse_kl_nats": 0.07}, {"modes_captured": 0.1}, 10)
    table = write_leaderboard(tmp_path, [paper])
    assert table.loc[1, "modes_captured_stderr"] == 0.1 and table.loc[1, "trials"] == 10
    rows = {line.split("|")[1].strip(): line for line in
            (tmp_path / "leaderboard.md").read_text().splitlines() if line.startswith("| ")}
    assert "7.9 ± 0.1 (s.e., 10 trials)" in rows["PacGAN2"]
    assert "| 0.07 " in rows["PacGAN2"]  # no spread published for this metric
    assert "7.50 ± 0.71 " in rows["gan"]  # the measured row: std over seeds, to the std's precision


def test_a_metric_scored_on_some_runs_says_on_how_many(tmp_path):
    scored = record("gan", 0)
    scored["metrics"]["fid"] = 12.5
    for r in [scored, record("gan", 1), record("gan", 2)]:
        append_record(tmp_path, r)
    table = write_leaderboard(tmp_path)
    assert table.loc[0, "fid_count"] == 1 and table.loc[0, "modes_captured_count"] == 3
    row = next(line for line in (tmp_path / "leaderboard.md").read_text().splitlines()
               if line.startswith("| gan"))
    assert "12.5 (1 of 3 runs; 2 not scored)" in row and "8 ± 0 " in row and "8 ± 0 (" not in row


def test_a_single_runs_parzen_gets_the_interval_of_its_own_standard_error(tmp_path):
    """One run finished of three: no seeds to take an interval over, so its Parzen value gets the
    normal interval of its standard error over the test images, named as such; the row with 3
    runs keeps the t-interval over seeds."""
    def parzen_run(model, seed, nats, stderr, status="finished"):
        run = record(model, seed, status=status)
        run["metrics"].update(parzen_ll_nats=nats, parzen_stderr_nats=stderr)
        return run

    for r in [parzen_run("gan", 0, 191.04, 2.3), parzen_run("gan", 1, -374.0, 1.0, "stalled"),
              *(parzen_run("vae", seed, nats, 2.4) for seed, nats in enumerate([195.0, 198.0, 200.7]))]:
        append_record(tmp_path, r)
    write_leaderboard(tmp_path, headline_metrics=["parzen_ll_nats"])
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")]
            for line in (tmp_path / "leaderboard.md").read_text().splitlines() if line.startswith("| ")}
    assert "191.0 ± 2.3 (s.e.) [186.5, 195.5] (1 of 2 runs; 1 stalled)" in rows["gan"]
    assert any(cell.startswith("197.9 ± 2.9 [") and "s.e." not in cell for cell in rows["vae"])


def test_a_single_runs_domain_fid_gets_the_interval_of_its_bootstrap_standard_error(tmp_path):
    run = record("gan", 0)
    run["metrics"].update(domain_fid=9.765, domain_fid_stderr=0.21)
    append_record(tmp_path, run)
    write_leaderboard(tmp_path, headline_metrics=["domain_fid"])
    row = next(line for line in (tmp_path / "leaderboard.md").read_text().splitlines()
               if line.startswith("| gan"))
    assert "9.77 ± 0.21 (s.e.) [9.35, 10.18]" in [cell.strip() for cell in row.split("|")]


def test_stalled_runs_are_counted_and_not_averaged(tmp_path):
    stalled = record("gan", 2, modes=1, kl=2.0)
    stalled.update(status="stalled", stalled_at_step=8)
    for r in [record("gan", 0, modes=8), record("gan", 1, modes=6), stalled]:
        append_record(tmp_path, r)
    table = write_leaderboard(tmp_path).set_index("model")
    assert (table.loc["gan", "runs"], table.loc["gan", "finished"], table.loc["gan", "stalled"]) == (3, 2, 1)
    assert table.loc["gan", "modes_captured_mean"] == 7  # the stalled run's 1 mode is not in it
    row = next(line for line in (tmp_path / "leaderboard.md").read_text().splitlines()
               if line.startswith("| gan"))
    assert "7.0 ± 1.4 (2 of 3 runs; 1 stalled)" in [cell.strip() for cell in row.split("|")]
    assert "| 3 (1 stalled) |" in row
    runs = (tmp_path / "runs.csv").read_text()
    assert "stalled" in runs and ",1," in runs  # its own numbers stay in the per-run table


def test_runs_with_a_learning_curve_get_its_blocks_and_a_plateau_row(tmp_path):
    append_record(tmp_path, record("vae", 0))
    write_leaderboard(tmp_path)
    assert not (tmp_path / "curve_blocks.csv").exists()
    assert "Learning curves" not in (tmp_path / "leaderboard.md").read_text()
    rising = record("gan", 0)
    rising["config"]["train"]["batch_size"] = 100
    rising["history"] = [{"step": 10 * (i + 1), "parzen_valid_ll_nats": float(i)} for i in range(20)]
    append_record(tmp_path, rising)
    write_leaderboard(tmp_path)
    blocks = pd.read_csv(tmp_path / "curve_blocks.csv")
    assert list(blocks["mean_nats"]) == [4.5, 14.5] and set(blocks["run_id"]) == {"gan-0"}
    row = next(line for line in (tmp_path / "leaderboard.md").read_text().splitlines()
               if line.startswith("| gan-0"))
    assert "+10 ± 1.4" in row and "| no " in row
    assert "trend_nats_per_block" in (tmp_path / "leaderboard.md").read_text() and "| n/a " in row  # 2 blocks


def test_runs_csv_says_how_long_each_run_trained_and_which_runs_it_continued(tmp_path):
    extended = record("gan", 1)
    extended.update(train_seconds=3600.0, extended_from={
        "checkpoint": "results/long/checkpoints/gan-1.pt", "step": 8, "git_commit": "0123456789abcdef",
        "git_dirty": True,
        "extended_from": {"checkpoint": "results/short/checkpoints/gan-1.pt", "step": 4,
                          "extended_from": None}})  # a checkpoint written before they named their code
    for r in [record("gan", 0), extended]:
        append_record(tmp_path, r)
    write_leaderboard(tmp_path)
    runs = pd.read_csv(tmp_path / "runs.csv").set_index("seed")
    assert runs.loc[1, "train_seconds"] == 3600.0 and math.isnan(runs.loc[0, "train_seconds"])
    assert runs.loc[1, "extended_from"] == ("results/long/checkpoints/gan-1.pt@8 (commit 0123456789ab, "
                                            "dirty) <- results/short/checkpoints/gan-1.pt@4")
    assert pd.isna(runs.loc[0, "extended_from"])


def test_runs_csv_says_which_code_and_hardware_trained_which_steps(tmp_path):
    resumed = record("gan", 1)
    cpu = {"device": "cpu", "torch_threads": 1, "gpu_name": None, "cpu_model": "Some CPU"}
    gpu = {"device": "cuda", "torch_threads": 16, "gpu_name": "Some GPU", "cpu_model": "Other CPU"}
    resumed["invocations"] = [
        {"from_step": 0, "to_step": 5, "git_commit": "0123456789abcdef", "git_dirty": False, "hardware": cpu},
        {"from_step": 5, "to_step": 10, "git_commit": None, "git_dirty": True, "hardware": gpu}]
    for r in [record("gan", 0), resumed]:
        append_record(tmp_path, r)
    write_leaderboard(tmp_path)
    runs = pd.read_csv(tmp_path / "runs.csv").set_index("seed")
    assert runs.loc[1, "invocations"] == ("steps 0-5: commit 0123456789ab on cpu, 1 thread, Some CPU; "
                                          "steps 5-10: commit unknown, dirty on cuda, 16 threads, Some GPU")
    assert pd.isna(runs.loc[0, "invocations"])  # a record written before invocations were listed


def test_each_row_names_the_machines_its_runs_ran_on(tmp_path):
    def on(machine, r):
        return r | {"hardware": {"device": "cpu", "torch_threads": 2, "gpu_name": None, "cpu_model": machine}}

    for r in [on("CPU A", record("gan", 0)), on("CPU B", record("gan", 1)), on("CPU A", record("gan", 2)),
              on("CPU A", record("vae", 0))]:
        append_record(tmp_path, r)
    table = write_leaderboard(tmp_path).set_index("model")
    assert table.loc["gan", "hardware"] == "cpu, 2 threads, CPU A (2 runs); cpu, 2 threads, CPU B (1 run)"
    assert table.loc["vae", "hardware"] == "cpu, 2 threads, CPU A (1 run)"
    runs = pd.read_csv(tmp_path / "runs.csv").set_index(["model", "seed"])
    assert runs.loc[("gan", 1), "hardware"] == "cpu, 2 threads, CPU B"
    assert "CPU A (2 runs); cpu, 2 threads, CPU B (1 run) |" in (tmp_path / "leaderboard-full.md").read_text()


def test_runs_csv_dates_a_collapse_also_for_records_written_before_the_rule(tmp_path):
    from gan_bench.reports.leaderboard import runs_table

    history = [{"step": 500 * (i + 1), "d_fake": d} for i, d in enumerate([0.3, 0.2, 0.004, 0.002, 0.001])]
    older = record("gan", 0) | {"history": history}  # no collapsed_at_step: written before the rule
    newer = record("gan", 1) | {"history": history[:2], "collapsed_at_step": None}
    table = runs_table([older, newer]).set_index("seed")
    assert table.loc[0, "collapsed_at_step"] == 1500 and pd.isna(table.loc[1, "collapsed_at_step"])


def _header(path) -> list[str]:
    line = next(line for line in path.read_text().splitlines() if line.startswith("| model"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_leaderboard_md_shows_the_headline_metrics_and_the_full_board_every_value(tmp_path):
    for r in [record("gan", 0), record("gan", 1), record("vae", 0)]:
        append_record(tmp_path, r)
    write_leaderboard(tmp_path, headline_metrics=["reverse_kl_nats", "samples_per_s"])
    assert _header(tmp_path / "leaderboard.md") == ["model", "dataset", "kind", "runs", "reverse_kl_nats",
                                                    "samples_per_s"]
    full = _header(tmp_path / "leaderboard-full.md")
    assert {"modes_captured", "reverse_kl_nats", "steps_per_s", "steps", "hardware"} <= set(full)
    legend = (tmp_path / "leaderboard.md").read_text().split("Columns")[1]
    assert "`reverse_kl_nats`: lower is better" in legend and "`samples_per_s`: higher is better" in legend
    assert "modes_captured" not in legend


def test_without_headline_metrics_the_board_shows_the_first_metrics_and_samples_per_s(tmp_path):
    append_record(tmp_path, record("gan", 0))
    write_leaderboard(tmp_path)
    assert _header(tmp_path / "leaderboard.md")[4:] == ["modes_captured", "reverse_kl_nats", "samples_per_s"]


def test_the_leaderboard_command_takes_the_headline_of_the_suite_the_records_name(tmp_path, capsys):
    from gan_bench.cli import main
    from gan_bench.config.suite import load_suite

    for r in [record("gan", 0), record("gan", 1)]:
        r["config"]["suite"] = "mog"  # the mog suite run into a folder of another name
        (tmp_path / "mog-elsewhere").mkdir(exist_ok=True)
        append_record(tmp_path / "mog-elsewhere", r)
    assert main(["leaderboard", "mog-elsewhere", "--results", str(tmp_path)]) == 0
    headline = list(load_suite("mog", import_plugins=False).meta.headline_metrics)
    assert _header(tmp_path / "mog-elsewhere" / "leaderboard.md")[4:] == headline
