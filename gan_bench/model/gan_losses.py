"""GAN losses on discriminator logits (Goodfellow et al. 2014).

D(x) = sigmoid(logit). With the binary cross-entropy CE, the discriminator minimises
CE(1, D(x)) + CE(0, D(G(z))); the generator either minimises log(1 - D(G(z))) (``minimax``, the
game as written, which saturates when D rejects fakes confidently) or maximises log D(G(z))
(``nonsaturating``, what the paper trains with).
"""

from typing import Literal

import torch
import torch.nn.functional as F

GeneratorLoss = Literal["nonsaturating", "minimax"]


def discriminator_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -log D(x) - log(1 - D(G(z))), i.e. -V(D, G)."""
    return F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()


def generator_loss(logits_fake: torch.Tensor, kind: GeneratorLoss) -> torch.Tensor:
    if kind == "nonsaturating":
        return F.softplus(-logits_fake).mean()  # -log D(G(z))
    return -F.softplus(logits_fake).mean()  # log(1 - D(G(z)))


def game_diagnostics(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> dict[str, torch.Tensor]:
    """Mean D on real and fake points and the value V(D, G) in nats (-log 4 at the optimum), as
    0-d tensors on the logits' device (read on the host only at the trainer's log points)."""
    logits_real, logits_fake = logits_real.detach(), logits_fake.detach()
    return {
        "d_real": torch.sigmoid(logits_real).mean(),
        "d_fake": torch.sigmoid(logits_fake).mean(),
        "value_nats": -discriminator_loss(logits_real, logits_fake),
    }
