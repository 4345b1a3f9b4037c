from gan_bench.config.search_space import parse_distribution
from gan_bench.config.suite import load_suite
from gan_bench.search.search_loop import SearchOptions, planned_trials
from gan_bench.search.trial_params import sample_trial, trial_seed


def _plan(suite_path, trials: int, sampler: str = "random", records=()):
    suite = load_suite(str(suite_path))
    return planned_trials(suite, suite.models[0], suite.datasets[0], SearchOptions(trials, sampler),
                          list(records))


def test_the_first_n_trials_are_the_same_whatever_n_was_asked(searched_suite):
    three, eight = _plan(searched_suite, 3), _plan(searched_suite, 8)
    assert [job.config() for job in three] == [job.config() for job in eight[:3]]
    assert [job.run_id for job in eight] == [f"gan.random{k:03d}__ring8__seed{k}" for k in range(8)]
    # the trials differ from one another and stay inside the space
    params = [job.search["params"] for job in eight]
    assert len({p["learning_rate"] for p in params}) == 8
    assert all(1e-5 <= p["learning_rate"] <= 1e-3 and 0 <= p["beta1"] <= 0.9
               and p["discriminator_steps"] in (1, 2) for p in params)
    assert all(job.config()["model_options"]["learning_rate"] == job.search["params"]["learning_rate"]
               for job in eight)


def test_a_trials_options_depend_on_its_identity_only():
    space = {"x": parse_distribution("uniform(0, 1)", "x"), "n": parse_distribution("choice(1, 2, 3)", "n")}
    seeds = [trial_seed("suite", "gan", "ring8", k) for k in range(3)]
    forwards = [sample_trial(space, "random", seed) for seed in seeds]
    backwards = [sample_trial(space, "random", seed) for seed in reversed(seeds)][::-1]
    assert forwards == backwards
    assert trial_seed("suite", "gan", "ring8", 0) != trial_seed("suite", "gan", "grid25", 0)


def test_tpe_plans_a_trial_only_after_the_ones_before_it(searched_suite):
    (first,) = _plan(searched_suite, 5, "tpe")
    assert first.run_id == "gan.tpe000__ring8__seed0"


def test_tpe_is_a_function_of_the_earlier_trials_results():
    space = {"x": parse_distribution("uniform(0, 1)", "x")}
    earlier = [({"x": x}, -(x - 0.3) ** 2) for x in (0.1, 0.5, 0.9, 0.2, 0.7, 0.35, 0.6, 0.05, 0.8, 0.4, 0.3)]
    again = sample_trial(space, "tpe", 7, earlier)
    assert sample_trial(space, "tpe", 7, earlier) == again
    assert sample_trial(space, "tpe", 7, [(p, -v) for p, v in earlier]) != again
