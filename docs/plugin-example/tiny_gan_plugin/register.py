"""For a suite's `plugins = ["tiny_gan_plugin.register"]`, when the package is not installed
(installed, its entry point registers the model and a suite needs no plugins key)."""
from gan_bench.registry import register_model
from tiny_gan_plugin.model import TinyGan

register_model("tiny-gan", TinyGan)
