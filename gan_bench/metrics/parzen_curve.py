"""A Parzen estimate cheap enough to score every few epochs: the learning-curve metric.

``parzen_valid`` runs only the sigma-selection half of the Table 1 protocol: the mean LL of the
first 1,000 validation points at the best grid sigma. It is the quantity the protocol maximises,
so it sits slightly above what the same samples score on the test set, and it never touches the
test set, which stays for the final number.
"""

import torch

from gan_bench.metrics.parzen import N_VALIDATION, has_parzen_points, protocol_points, select_sigma
from gan_bench.registry import register_metric


def parzen_validation_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    validation, _, sigmas = protocol_points(dataset)
    sigma, mean_ll = select_sigma(samples, validation[:N_VALIDATION], sigmas)
    return {"parzen_valid_ll_nats": float(mean_ll.max()), "parzen_valid_sigma": sigma}


register_metric("parzen_valid", parzen_validation_metric, supports=has_parzen_points)
