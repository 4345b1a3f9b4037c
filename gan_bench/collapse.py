"""When a GAN's generator lost the game for good: the collapse rule of the MNIST collapse study.

A run *collapsed* at the first log point from which the discriminator's mean output on generated
images, D(G(z)) as the model logs it (``d_fake``, the batch mean at each log point), stayed below
``COLLAPSE_D_FAKE`` at every log point to the end of the run, provided that stretch lasts at least
``COLLAPSE_HOLD_STEPS`` steps. In results/mnist the GAN paper's model did this in two of three
seeds: D(G(z)) near 1e-3 by step 2,500 and never back above 0.01, its samples a few saturated
images. A healthy run's D(G(z)) stays near 0.3-0.5.

Unlike the stall rule (gan_bench.stall), which ends a run once its game has been lost for
10,000 steps and so names the step it noticed, this rule names the step the collapse began, and
it is computed from a run's whole history when the run is recorded (``collapsed_at_step``).
"""

COLLAPSE_D_FAKE = 0.01
COLLAPSE_HOLD_STEPS = 1_000


def collapsed_at_step(history: list[dict]) -> int | None:
    """The step at which the collapse that lasts to the end of ``history`` began, or None (also
    for models that log no ``d_fake``)."""
    began = None
    for entry in history:
        d_fake = entry.get("d_fake")
        if d_fake is None:
            return None
        if d_fake >= COLLAPSE_D_FAKE:
            began = None
        elif began is None:
            began = entry["step"]
    if began is None or history[-1]["step"] - began < COLLAPSE_HOLD_STEPS:
        return None
    return began
