"""The channels-last Inception extractor against torch-fidelity's own, on real MNIST digits."""

import pytest
import torch
from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

from gan_bench.data.mnist import Mnist
from gan_bench.metrics import inception_weights
from gan_bench.metrics.inception_channels_last import InceptionV3ChannelsLast

pytestmark = [pytest.mark.slow, pytest.mark.network]

pytestmark = [pytest.mark.slow, pytest.mark.network, pytest.mark.usefixtures("one_thread")]


def test_features_equal_torch_fidelity_extractor_on_mnist():
    weights = str(inception_weights.inception_weights_path())
    theirs = FeatureExtractorInceptionV3("inception-v3-compat", ["2048"],
                                         feature_extractor_weights_path=weights).eval()
    ours = InceptionV3ChannelsLast("inception-v3-compat-channels-last", ["2048"],
                                   feature_extractor_weights_path=weights).eval()
    weight = ours.Conv2d_2a_3x3.conv.weight
    assert weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
    digits = Mnist().parzen_test()[:4].reshape(4, 1, 28, 28)
    images = (digits * 255).round().to(torch.uint8).repeat(1, 3, 1, 1)
    with torch.no_grad():
        expected, features = theirs(images)[0], ours(images)[0]
    assert features.shape == expected.shape == (4, 2048)
    assert expected.abs().max() > 1  # real activations, not a blank network
    assert (features - expected).abs().max() <= 1e-4
