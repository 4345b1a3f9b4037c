import re
from pathlib import Path

import pandas as pd

from gan_bench.reports.metric_glossary import GLOSSARY, HIGHER, LOWER, NEAR_HALF, NEAR_ONE, NO_DIRECTION

ROOT = Path(__file__).resolve().parents[2]
DOCS_WORD = {HIGHER: "higher", LOWER: "lower", NEAR_ONE: "nearer 1", NEAR_HALF: "nearer 0.5",
             NO_DIRECTION: "context"}


def _docs_glossary() -> dict[str, str]:
    """column -> the 'better' word of docs/metrics.md's glossary table."""
    text = (ROOT / "docs" / "metrics.md").read_text().split("## Glossary")[1]
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")] if line.startswith("| `") else []
        for column in re.findall(r"`([a-z0-9_]+)`", cells[0] if cells else ""):
            rows[column] = cells[1]
    return rows


def test_the_docs_glossary_gives_every_column_the_direction_the_legend_gives():
    docs = _docs_glossary()
    assert {column: DOCS_WORD[direction] for column, (direction, _) in GLOSSARY.items()} == docs


def test_every_committed_leaderboard_column_is_in_the_glossary():
    for csv in (ROOT / "results").glob("*/leaderboard.csv"):
        values = {c.removesuffix("_mean") for c in pd.read_csv(csv, nrows=0).columns if c.endswith("_mean")}
        assert values <= set(GLOSSARY), (csv, values - set(GLOSSARY))
