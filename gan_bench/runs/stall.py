"""When a GAN's game has stopped: the discriminator has won it outright and kept it won.

A run is *stalled* when the value of the game, V(D, G) = E log D(x) + E log(1 - D(G(z))) as the
model logs it (``value_nats``, 0 when D tells real from generated with certainty, -log 4 at the
optimum), stayed above ``-STALL_VALUE_NATS`` at every log point over the last
``STALL_WINDOW_STEPS`` steps. The GAN paper's MNIST model reaches this when its generator's
sigmoid output saturates (mode collapse onto a few saturated images): no generator loss, the
non-saturating one included, gets a gradient back through a saturated sigmoid, so such a run
cannot recover, and training it to the end of its budget only burns compute. The Trainer ends a
stalled run and records it as stalled at that step, as it does a diverged run at a non-finite loss.

For a generator whose output does not saturate (the 2-D mixture GANs' linear output) the rule is
a judgement, not a proof: a non-saturating loss still sends a gradient, so such a game might come
back after 10,000 lost steps; the mixture GANs in results/mog stay below -0.87 nats throughout.

The rule is fixed, not a suite option, so that it applies the same way to every run; models that
log no ``value_nats`` (the VAE) never stall. The threshold is a mean log-loss of 0.001 nats for D,
a confidence above 0.999 on every minibatch; healthy reference-GAN runs in results/ stay below
-0.006 nats at every log point.
"""

STALL_WINDOW_STEPS = 10_000
STALL_VALUE_NATS = 1e-3


def is_stalled(history: list[dict], step: int) -> bool:
    """Whether the log entries of ``history`` (dicts with ``step`` and, for a GAN, ``value_nats``)
    show the discriminator winning at every log point of the ``STALL_WINDOW_STEPS`` up to
    ``step``. The window must be covered: a run younger than it, or one whose log points in it
    lack ``value_nats``, is not stalled."""
    start = step - STALL_WINDOW_STEPS
    if not history or history[0]["step"] > start:
        return False
    window = [entry.get("value_nats") for entry in history if start <= entry["step"] <= step]
    return bool(window) and all(value is not None and value > -STALL_VALUE_NATS
                                for value in window)
