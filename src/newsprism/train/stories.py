"""Train the story-joining model (stories/cluster.py) on labelled stories (deterministic).

The stream of each dataset is replayed in the ``stories`` task's order through a
``StoryClusterer`` whose assignments are forced to the gold stories (teacher forcing). At each
article the clusterer's own nearest-neighbour search proposes candidate stories exactly as it
would at run time; every (article, candidate) pair gives one row of ``PAIR_FEATURES``,
labelled 1 when the candidate is the article's gold story. A logistic regression over those
rows is written to ``data/story_weights.json`` with sorted keys and rounded weights, so the
same data give the same file.

Training data (dev/train splits only, never the sealed ones): ECB+ topics 1-35, BASIL, and
NeuS ``train`` (NeuS ``val`` stays out for an honest check). Each dataset weighs the same in
the fit, whatever its number of rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.model import Article
from newsprism.settings import DEFAULT, StorySettings
from newsprism.stories.cluster import PAIR_FEATURES, StoryClusterer, StoryModel
from newsprism.stories.features import extract_features

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WEIGHTS_FILE = "story_weights.json"
ROUND = 4
C = 1.0  # inverse regularisation strength (fixed, not tuned)


def pair_examples(
    pairs: list[tuple[Article, str]], settings: StorySettings = DEFAULT.stories
) -> tuple[np.ndarray, np.ndarray]:
    """Pair-feature rows and labels from one stream of (article, gold story)."""
    clusterer = StoryClusterer(settings, model=StoryModel(weights={}, bias=0.0))
    story_of_gold: dict[str, str] = {}
    rows: list[np.ndarray] = []
    labels: list[int] = []
    for article, gold in pairs:
        features = extract_features(article)
        clusterer.observe(features)
        target = story_of_gold.get(gold)
        for story_id, values in clusterer.candidates(features):
            rows.append(values)
            labels.append(int(story_id == target))
        story_of_gold.setdefault(gold, clusterer.join(article, features, target))
    x = np.array(rows) if rows else np.zeros((0, len(PAIR_FEATURES)))
    return x, np.array(labels, dtype=np.int64)


def fit(examples: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Logistic regression over the rows of every dataset, each dataset weighing the same."""
    from sklearn.linear_model import LogisticRegression

    names = sorted(examples)
    x = np.vstack([examples[n][0] for n in names])
    y = np.concatenate([examples[n][1] for n in names])
    weight = np.concatenate(
        [np.full(len(examples[n][1]), 1.0 / len(examples[n][1])) for n in names]
    )
    weight *= len(y) / weight.sum()
    model = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    model.fit(x, y, sample_weight=weight)
    return {
        "bias": round(float(model.intercept_[0]), ROUND),
        "weights": {
            n: round(float(w), ROUND) for n, w in zip(PAIR_FEATURES, model.coef_[0], strict=True)
        },
        "rows": {n: int(len(examples[n][1])) for n in names},
        "trained_on": ", ".join(names),
    }


def train(
    ecbplus: Path | None,
    basil: Path | None,
    neus: Path | None,
    settings: StorySettings = DEFAULT.stories,
    out: Path | None = None,
) -> Path:
    """Build the examples from the given dataset folders, fit and write the weights file."""
    from newsprism.splits import stream

    examples: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if ecbplus is not None:
        examples["ecbplus"] = pair_examples(stream(ecbplus, "ecbplus"), settings)
    if basil is not None:
        examples["basil"] = pair_examples(stream(basil, "basil"), settings)
    if neus is not None:
        examples["neus train"] = pair_examples(stream(neus, "neus", split="train"), settings)
    if not examples:
        raise ValueError("no training data: give at least one dataset folder")
    payload = fit(examples)
    path = out or DATA_DIR / WEIGHTS_FILE
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
