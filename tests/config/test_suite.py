import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gan_bench.config.suite import SUITES_DIR, load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.storage.checkpoint_compatibility import extension_differences
from tests.conftest import TINY_SUITE


def write(tmp_path, text):
    path = tmp_path / "suite.toml"
    path.write_text(text)
    return path


def test_builtin_suites_load():
    names = sorted(path.stem for path in SUITES_DIR.glob("*.toml"))
    assert {"smoke", "mog", "mog-pacgan", "mnist", "stacked-mnist"} <= set(names)
    for name in names:
        suite = load_suite(name)
        assert suite.name == name and suite.models and suite.datasets


@pytest.mark.parametrize("extending, source", [("mnist-long", "mnist"), ("mnist-1000-epochs", "mnist-long"),
                                               ("mnist-vae-long", "mnist")])
def test_extension_suites_are_their_source_runs_with_a_larger_budget(extending, source):
    sources = {job.run_id: job.config() for job in expand_run_specs(load_suite(source))}
    for job in expand_run_specs(load_suite(extending)):
        config = job.config()
        saved = sources[job.run_id]
        assert saved["train"]["steps"] < config["train"]["steps"]
        assert extension_differences(saved, config) == []


def test_mog_suite_matches_the_issue():
    suite = load_suite("mog")
    assert suite.meta.seeds == 3
    assert {m.options.get("generator_loss", "n/a") for m in suite.models} >= {"minimax",
                                                                                "nonsaturating"}
    assert [d.name for d in suite.datasets] == ["ring8", "grid25"]


def test_pacgan_suite_is_full_budget():
    suite = load_suite("mog-pacgan")
    assert suite.train.steps * suite.train.batch_size == 400 * 100_000
    assert suite.meta.seeds >= 3


def test_unknown_key_names_key_and_file(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("steps = 12", "stpes = 12"))
    with pytest.raises(GanBenchError, match=r"suite\.toml.*\[train\].*'stpes'"):
        load_suite(str(path))


def test_unknown_top_level_table(tmp_path):
    path = write(tmp_path, TINY_SUITE + "\n[extra]\nx = 1\n")
    with pytest.raises(GanBenchError, match="unknown key 'extra'"):
        load_suite(str(path))


def test_wrong_type_is_an_error(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("steps = 12", 'steps = "many"'))
    with pytest.raises(GanBenchError, match="'steps' must be int"):
        load_suite(str(path))


def test_malformed_toml(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("[train]", "[train"))
    with pytest.raises(GanBenchError, match="malformed TOML"):
        load_suite(str(path))


def test_unknown_model_and_dataset(tmp_path):
    with pytest.raises(GanBenchError, match="unknown model 'gan-mpl'.*known: .*gan-mlp"):
        load_suite(str(write(tmp_path, TINY_SUITE.replace('"gan-mlp"', '"gan-mpl"'))))
    with pytest.raises(GanBenchError, match="unknown dataset 'ring9'"):
        load_suite(str(write(tmp_path, TINY_SUITE.replace('"ring8"', '"ring9"'))))


def test_unknown_model_option_names_the_model(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("hidden = 16 }", "hiden = 16 }"))
    with pytest.raises(GanBenchError, match="model 'vae' options: unknown key 'hiden'"):
        load_suite(str(path))


def test_invalid_option_value(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("generator_hidden = 16",
                                              'generator_loss = "wasserstein"'))
    with pytest.raises(GanBenchError, match="generator_loss.*one of 'nonsaturating', 'minimax'"):
        load_suite(str(path))


def test_missing_suite_lists_builtins():
    with pytest.raises(GanBenchError, match="built-in suites: .*mog"):
        load_suite("no-such-suite")


def test_nonpositive_budget(tmp_path):
    with pytest.raises(GanBenchError, match="steps must be positive"):
        load_suite(str(write(tmp_path, TINY_SUITE.replace("steps = 12", "steps = 0"))))


def test_model_entry_overrides_the_training_budget(tmp_path):
    from gan_bench.config.suite import model_train

    path = write(tmp_path, TINY_SUITE.replace('options = { hidden = 16 }',
                                              'options = { hidden = 16 }\ntrain = { steps = 3 }'))
    suite = load_suite(str(path))
    gan, vae = suite.models
    assert model_train(suite.train, gan).steps == 12
    assert model_train(suite.train, vae).steps == 3
    assert model_train(suite.train, vae).batch_size == 16
    bad = write(tmp_path, TINY_SUITE.replace('options = { hidden = 16 }',
                                             'options = { hidden = 16 }\ntrain = { step = 3 }'))
    with pytest.raises(GanBenchError, match="model 'vae' train: unknown key 'step'"):
        load_suite(str(bad))


def test_curve_interval_must_fall_on_logged_steps(tmp_path):
    path = write(tmp_path, TINY_SUITE.replace("log_every_steps = 4",
                                              "log_every_steps = 4\ncurve_every_steps = 6"))
    with pytest.raises(GanBenchError, match=r"curve_every_steps \(6\) must be a multiple"):
        load_suite(str(path))


def test_published_rows_are_read_and_checked(tmp_path):
    suite = load_suite("mnist")
    gan_paper = [row for row in suite.published if row.model == "Adversarial nets"]
    assert gan_paper[0].metrics == {"parzen_ll_nats": 225.0, "parzen_stderr_nats": 2.0}
    bad = write(tmp_path, TINY_SUITE + '\n[[published]]\nmodel = "x"\ndataset = "ring8"\n'
                'source = "y"\nmetrics = { kl = "low" }\n')
    with pytest.raises(GanBenchError, match="metrics must be numbers"):
        load_suite(str(bad))
    pacgan = {(row.model, row.dataset): row for row in load_suite("mog-pacgan").published}
    assert len(pacgan) == 10 and pacgan["GAN (PacGAN)", "grid25"].trials == 10
    assert pacgan["GAN (PacGAN)", "grid25"].stderr["modes_captured"] == 0.8
    stray = write(tmp_path, TINY_SUITE + '\n[[published]]\nmodel = "x"\ndataset = "ring8"\n'
                  'source = "y"\nmetrics = { kl = 1.0 }\nstderr = { modes = 0.1 }\n')
    with pytest.raises(GanBenchError, match="stderr names metrics the row does not list: modes"):
        load_suite(str(stray))


@pytest.mark.parametrize("name", ["/tmp/x", "../../escape", "a/b", ".hidden", "nul\x00byte", "x" * 300, ""])
def test_a_model_name_that_is_not_a_safe_file_name_is_refused_at_load(tmp_path, name):
    """Model names become parts of checkpoint and sample paths; before this check a suite could
    write outside its results folder with a name such as '../../escape'."""
    text = TINY_SUITE.replace('name = "gan"', f"name = {json.dumps(name)}")  # JSON strings are TOML
    path = write(tmp_path, text)
    with pytest.raises(GanBenchError, match=r"\[\[models\]\] #1: name .* must be 1-64 letters") as caught:
        load_suite(str(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
@pytest.mark.slow
def test_fuzzed_suite_files_load_or_give_a_one_line_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "suite.toml"
    path.write_text(text)
    try:
        load_suite(str(path))
    except GanBenchError as error:
        assert "\n" not in str(error).strip()


@settings(max_examples=100, deadline=None)
@given(position=st.integers(0, len(TINY_SUITE) - 1), insert=st.text(max_size=12))
def test_mutated_suites_load_or_give_a_one_line_error(tmp_path_factory, position, insert):
    """Edits of a valid suite reach past the TOML parser into the checks of names and options."""
    path = tmp_path_factory.mktemp("fuzz") / "suite.toml"
    path.write_text(TINY_SUITE[:position] + insert + TINY_SUITE[position + len(insert):])
    try:
        load_suite(str(path))
    except GanBenchError as error:
        assert "\n" not in str(error).strip()


@pytest.mark.parametrize("key", ["metrics", "curve_metrics", "evaluation_metrics"])
def test_a_metric_that_cannot_score_a_dataset_is_refused_at_load(tmp_path, key):
    """Before, metrics = ["fid"] on ring8 trained every run, then failed, and every rerun trained
    again."""
    added = 'metrics = ["modes", "fid"]' if key == "metrics" else f'metrics = ["modes"]\n{key} = ["fid"]'
    text = TINY_SUITE.replace('metrics = ["modes"]', added)
    path = write(tmp_path, text)
    with pytest.raises(GanBenchError, match=r"metric 'fid' is not available for dataset 'ring8'") as caught:
        load_suite(str(path))
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("edit, message", [
    (("generator_hidden = 16", "generator_hidden = -3"), "generator_hidden must be > 0, got -3"),
    (("generator_hidden = 16", "generator_hidden = 0"), "generator_hidden must be > 0, got 0"),
    (("options = { hidden = 16 }", "options = { hidden = 16, latent_dim = 0 }"), "latent_dim must be > 0"),
    (("batch_size = 16", "batch_size = 100000000000"), "batch_size must be at most 1000000"),
    (("eval_samples = 200", "eval_samples = 100000000000"), "eval_samples must be at most 10000000"),
])
def test_option_ranges_are_checked_at_load(tmp_path, edit, message):
    """Before, a negative layer width failed inside torch and 10^11 eval samples tried to
    allocate them, both after the suite had started."""
    path = write(tmp_path, TINY_SUITE.replace(*edit))
    with pytest.raises(GanBenchError, match=message) as caught:
        load_suite(str(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_stacked_mnist_published_rows_carry_pacgan_table_2s_kl_with_its_standard_errors():
    """PacGAN (Lin et al. 2018) Table 2, modes of 1000 / KL: DCGAN as quoted from VEEGAN 99.0 /
    3.40; PacGAN's own DCGAN 78.9 ± 6.46 / 4.50 ± 0.127 and PacDCGAN2-4, 10 trials, ± s.e."""
    rows = {row.model: row for row in load_suite("stacked-mnist").published}
    assert rows["DCGAN (VEEGAN)"].metrics == {"stacked_modes_covered": 99.0, "stacked_mode_kl_nats": 3.40}
    pacgan = rows["DCGAN (PacGAN)"]
    assert pacgan.metrics == {"stacked_modes_covered": 78.9, "stacked_mode_kl_nats": 4.50}
    assert pacgan.stderr == {"stacked_modes_covered": 6.46, "stacked_mode_kl_nats": 0.127}
    assert pacgan.trials == 10
    assert [rows[f"PacDCGAN{m}"].metrics["stacked_mode_kl_nats"] for m in (2, 3, 4)] == [0.06, 0.06, 0.07]
    assert all("Table 2" in row.source and "not re-checked" not in row.source for row in rows.values())


@pytest.mark.parametrize("line, message", [
    ('headline_metrics = "fid"', "'headline_metrics' must be tuple"),
    ('headline_metrics = ["a", "b", "c", "d", "e", "f", "g"]', "headline_metrics names 7 values; at most 6"),
    ('headlines = ["fid"]', "unknown key 'headlines'"),
])
def test_headline_metrics_are_checked_like_every_suite_key(tmp_path, line, message):
    path = write(tmp_path, TINY_SUITE.replace('metrics = ["modes"]', f'metrics = ["modes"]\n{line}'))
    with pytest.raises(GanBenchError, match=message):
        load_suite(str(path))
