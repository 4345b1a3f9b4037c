"""``gan-bench search --executor submitit-local``: each trial a cluster job, the same records as a
search trained in this process."""

import pytest
import torch

from gan_bench.cli import main
from gan_bench.runs.cluster import ClusterOptions, submitted_jobs
from gan_bench.search.budget_report import read_settings
from gan_bench.storage.records import read_records

VOLATILE = ("command", "finished_at", "git_commit", "git_dirty", "hardware", "invocations", "timing",
            "train_seconds")


def comparable(record: dict) -> dict:
    return {key: value for key, value in record.items() if key not in VOLATILE}


@pytest.mark.slow
@pytest.mark.end_to_end
def test_trials_and_reruns_as_submitit_jobs_match_a_search_in_this_process(searched_suite, tmp_path, capsys):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as each job runs (--threads 1): the same kernels, the same sums
    try:
        arguments = ["search", str(searched_suite), "--trials", "2", "--rerun-seeds", "1", "--device",
                     "cpu", "--threads", "1"]
        assert main([*arguments, "--results", str(tmp_path / "here")]) == 0
        assert main([*arguments, "--results", str(tmp_path / "jobs"), "--executor", "submitit-local"]) == 0
    finally:
        torch.set_num_threads(threads)
    here = {r["run_id"]: r for r in read_records(tmp_path / "here" / "searched")}
    jobs = {r["run_id"]: r for r in read_records(tmp_path / "jobs" / "searched")}
    assert sorted(jobs) == sorted(here) and len(jobs) == 3  # two trials and one re-run
    for run_id, record in jobs.items():
        assert comparable(record) == comparable(here[run_id]), run_id
    notes = submitted_jobs(tmp_path / "jobs" / "searched")
    assert sorted(notes) == sorted(jobs) and all(n["job_state"] == "ENDED" for n in notes.values())
    assert "report:" in capsys.readouterr().out
    assert read_settings(tmp_path / "jobs" / "searched").cluster == ClusterOptions("submitit-local")


def test_jobs_with_a_cluster_executor_is_a_one_line_error(searched_suite, tmp_path, capsys):
    assert main(["search", str(searched_suite), "--trials", "2", "--executor", "submitit-local",
                 "--jobs", "2", "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--jobs works with --executor local" in err and err.count("\n") == 1
    assert not (tmp_path / "searched").exists()
