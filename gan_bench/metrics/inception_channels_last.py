"""torch-fidelity's Inception-v3 feature extractor, run with channels-last activations.

The same class (``FeatureExtractorInceptionV3``), weights, input resize and arithmetic as
torch-fidelity's ``inception-v3-compat``; only the memory layout of the weights, and so of every
activation after the first convolution, is NHWC instead of NCHW. oneDNN's CPU convolutions and
pooling are faster on NHWC: in one process on 2 cores, 152 against 250 ms per MNIST image (batch
64), features equal up to float32 rounding (7e-6 at most). ``tests/metrics/test_inception_channels_last.py``
checks the equality on real digits and ``benchmarks/test_fid_speed.py`` times the two. On CUDA
channels-last is cuDNN's preferred layout as well.

It is registered with torch-fidelity under its own name, so cache entries of features it computed
never mix with those of torch-fidelity's own extractor.
"""

import torch
import torch_fidelity
from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

from gan_bench.metrics.feature_extractor_names import INCEPTION_EXTRACTOR as FEATURE_EXTRACTOR


class InceptionV3ChannelsLast(FeatureExtractorInceptionV3):
    """``FeatureExtractorInceptionV3`` with its parameters converted to channels-last."""

    def __init__(self, name: str, features_list: list[str], **kwargs):
        super().__init__(name, features_list, **kwargs)
        self.to(memory_format=torch.channels_last)


torch_fidelity.register_feature_extractor(FEATURE_EXTRACTOR, InceptionV3ChannelsLast)
