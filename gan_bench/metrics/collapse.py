"""When a GAN's generator lost the game for good: the collapse rule of the MNIST collapse study.

A run *collapsed* at the first log point from which the discriminator's mean output on generated
images, D(G(z)) as the model logs it (``d_fake``, the batch mean at each log point), stayed below
``COLLAPSE_D_FAKE`` at every log point to the end of the run, provided that stretch lasts at least
``COLLAPSE_HOLD_STEPS`` steps. In results/mnist the GAN paper's model did this in two of three
seeds: D(G(z)) near 1e-3 by step 2,500 and never back above 0.01, its samples a few saturated
images. A healthy run's D(G(z)) stays near 0.3-0.5.

A stretch below ``COLLAPSE_D_FAKE`` that lasts to the end of the run but for fewer than
``COLLAPSE_HOLD_STEPS`` steps is *censored* at the horizon: the run may have collapsed, but ended
before the rule could tell (right-censoring; Klein and Moeschberger 2003, "Survival Analysis",
section 1.2). ``censored_at_step`` names where such a stretch began, and reports of the rate count
those runs apart rather than as healthy.

This rule is about the game: D wins. Whether the generator dropped modes is a separate question,
answered by the classifier on its samples (``classes_covered``, gan_bench.metrics.class_coverage).

Unlike the stall rule (gan_bench.runs.stall), which ends a run once its game has been lost for
10,000 steps and so names the step it noticed, this rule names the step the collapse began, and
it is computed from a run's whole history when the run is recorded (``collapsed_at_step``).
"""

COLLAPSE_D_FAKE = 0.01
COLLAPSE_HOLD_STEPS = 1_000


def final_low_stretch(history: list[dict]) -> tuple[int, int] | None:
    """(first step, steps held) of the stretch of D(G(z)) below COLLAPSE_D_FAKE that lasts to the
    end of ``history``, or None (also for models that log no ``d_fake``)."""
    began = None
    for entry in history:
        d_fake = entry.get("d_fake")
        if d_fake is None:
            return None
        if d_fake >= COLLAPSE_D_FAKE:
            began = None
        elif began is None:
            began = entry["step"]
    return None if began is None else (began, history[-1]["step"] - began)


def collapsed_at_step(history: list[dict]) -> int | None:
    """The step at which the collapse that lasts to the end of ``history`` began, or None."""
    stretch = final_low_stretch(history)
    return stretch[0] if stretch and stretch[1] >= COLLAPSE_HOLD_STEPS else None


def censored_at_step(history: list[dict]) -> int | None:
    """The step at which a collapse censored at the end of ``history`` began (below the threshold
    to the end, for fewer than COLLAPSE_HOLD_STEPS steps), or None."""
    stretch = final_low_stretch(history)
    return stretch[0] if stretch and stretch[1] < COLLAPSE_HOLD_STEPS else None
