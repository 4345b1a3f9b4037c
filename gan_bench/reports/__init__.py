"""Leaderboards, figures, learning curves and comparisons, rebuilt from the records."""
