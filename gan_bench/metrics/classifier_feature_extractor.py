"""The frozen MNIST classifier's features as a torch-fidelity feature extractor (``domain_fid``).

Importing this module registers the extractor with torch-fidelity under the name
``feature_extractor_names.CLASSIFIER_EXTRACTOR``; ``domain_fid`` imports it where it extracts,
so that torch-fidelity (and torchvision with it) is imported only by the commands that need it.
"""

import torch
import torch_fidelity
from torch_fidelity.feature_extractor_base import FeatureExtractorBase
from torch_fidelity.helpers import vassert

from gan_bench.metrics.classifier import load_classifier
from gan_bench.metrics.feature_extractor_names import CLASSIFIER_EXTRACTOR as FEATURE_EXTRACTOR
from gan_bench.metrics.feature_extractor_names import CLASSIFIER_LAYER as FEATURE_LAYER


class ClassifierFeatures(FeatureExtractorBase):
    """The frozen classifier's 128-d penultimate features, in torch-fidelity's extractor protocol.

    torch-fidelity hands over uint8 (N, 3, 28, 28) batches. gan-bench's ``Uint8Images`` makes them
    from gray images by repeating the one channel, so the first channel is the image, and dividing
    it by 255 gives back the [0, 1] values the classifier reads (exactly, for MNIST's pixel / 255).
    """

    def __init__(self, name: str, features_list: list[str], **kwargs):
        super().__init__(name, features_list)  # kwargs: all calculate_metrics options, none needed
        self.classifier = load_classifier()

    @staticmethod
    def get_provided_features_list():
        return (FEATURE_LAYER,)

    @staticmethod
    def get_default_feature_layer_for_metric(metric: str) -> str:
        return FEATURE_LAYER

    @staticmethod
    def can_be_compiled() -> bool:
        return False

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor]:
        vassert(images.dtype == torch.uint8 and images.dim() == 4
                and tuple(images.shape[1:]) == (3, 28, 28),
                f"{FEATURE_EXTRACTOR} needs uint8 images N x 3 x 28 x 28, got {images.dtype} "
                f"{tuple(images.shape)}")
        return (self.classifier.penultimate(images[:, :1].float() / 255),)


torch_fidelity.register_feature_extractor(FEATURE_EXTRACTOR, ClassifierFeatures)
