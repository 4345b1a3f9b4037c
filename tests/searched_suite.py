"""A tiny suite with a search space, for the search's tests."""

SEARCH = ('search = { learning_rate = "log-uniform(1e-5, 1e-3)", beta1 = "uniform(0.0, 0.9)", '
          'discriminator_steps = "choice(1, 2)" }')

# one tiny GAN on ring8: a trial trains 20 steps in well under a second
SEARCHED_SUITE = """
[suite]
seeds = 1
metrics = ["modes"]

[train]
steps = 20
batch_size = 16
warmup_steps = 0
checkpoint_every_steps = 10
log_every_steps = 10
eval_samples = 200

[[models]]
name = "gan"
model = "gan-mlp"
options = { generator_hidden = 16, generator_layers = 1, discriminator_units = 8, discriminator_layers = 1 }
SEARCH

[[datasets]]
name = "ring8"
""".replace("SEARCH\n", SEARCH + "\n")
