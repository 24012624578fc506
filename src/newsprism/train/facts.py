"""``newsprism train facts``: the pairwise facts model from the hand-aligned BASIL triplets.

Every triplet is analysed as ``compare`` analyses it, its candidate sentence pairs are
labelled from the gold facts, and a standardised logistic model over the named features of
``compare/facts.py`` is fitted (lbfgs: deterministic) with the threshold that maximises pair
F1. The weights, the threshold and the triplets it saw go to ``data/facts_model.json``; the
evaluation cross-validates on exactly those triplets.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.eval.common import Stages, progress
from newsprism.eval.loaders.facts import fit_on, load_triplets, prepare
from newsprism.settings import DEFAULT, Settings


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / DEFAULT.facts.model_file


def train(
    facts: Path, out: Path | None = None, settings: Settings = DEFAULT, show: bool = False
) -> Path:
    """Fit the facts model on every triplet of ``facts`` and write it; returns the path."""
    triplets = load_triplets(facts)
    stages = Stages()
    prepared = [
        prepare(t, settings, stages)
        for t in progress(triplets, len(triplets), "facts: analyse", show)
    ]
    model = fit_on(prepared, settings)
    path = out or default_path()
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    return path
