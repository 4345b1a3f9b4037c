"""The names under which gan-bench registers its feature extractors with torch-fidelity, and the
layer each provides; in a module of their own so that the metrics can name an extractor without
importing it (and torch-fidelity with it) before they extract."""

INCEPTION_EXTRACTOR = "inception-v3-compat-channels-last"  # gan_bench.metrics.inception_channels_last
INCEPTION_LAYER = "2048"  # the only valid layer of the converted weights: their logits are NaN
CLASSIFIER_EXTRACTOR = "gan-bench-mnist-classifier"  # gan_bench.metrics.classifier_feature_extractor
CLASSIFIER_LAYER = "penultimate"
