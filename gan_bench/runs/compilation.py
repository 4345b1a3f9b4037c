"""``--compile``: a built-in model's networks compiled with ``torch.compile``.

Each network the model holds (generator, discriminator, encoder, decoder: its direct submodules)
is compiled in place with ``nn.Module.compile``, so its parameters, state-dict keys and
checkpoints stay those of the eager model, and the optimisers and training step are untouched.
Compiled kernels may round differently from eager ones, so a compiled run's configuration says
``compile = true``: it is a different run from the eager one, and neither resumes the other's
checkpoint. ``tests/runs/test_compilation.py`` checks 20 compiled steps against eager ones.
"""

from torch import nn


def compile_networks(model: nn.Module) -> nn.Module:
    """``model`` with each of its direct submodules compiled in place; returns ``model``."""
    for network in model.children():
        network.compile()
    return model
