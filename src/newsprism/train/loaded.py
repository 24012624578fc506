"""Train the loaded-wording token model (``newsprism train loaded --data DIR``).

Reads the training part of the Propaganda Techniques Corpus (gold: ``Loaded_Language`` and
``Name_Calling,Labeling`` spans) and, when given, of BASIL (gold: ``lex`` spans), labels each
token 1 when it overlaps a gold span, and fits a logistic regression over the explainable
features of ``newsprism.analyze.loaded.token_features``. The weights go to
``src/newsprism/data/loaded_model.json`` (sorted keys, rounded: the same data give the same
file byte for byte).

Held-out part: an item (PTC article id, BASIL triplet) whose SHA-1 falls in the first quarter
(``splits.is_held_out``) is never trained on; ``newsprism eval loaded`` scores only those by
default, and the model file records which datasets it was trained on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from newsprism.analyze.loaded import MODEL_FILE, token_features
from newsprism.model import Article
from newsprism.splits import HELD_OUT_MODULUS, is_held_out

# Word features seen in fewer training articles are dropped: they would learn one article's
# topic rather than loaded wording, and they keep the model small.
MIN_FEATURE_ARTICLES = 5
# Inverse regularisation strength of the logistic regression (PTC train part, 4-fold CV SI
# F1 at threshold 0.15 with the lexicon floor: C=0.03 0.244, C=0.3 0.259).
C = 0.3
# Add the parser's contextual token vectors (doc.tensor) as dense features. Off: on the PTC
# train part (4-fold CV) they moved SI F1 only from 0.236 to 0.239, and they would tie the
# model to one spaCy pipeline and make its weights unexplainable.
USE_TENSOR = False
LEMMA_PREFIXES = ("lem=", "prev_lem=", "next_lem=")


@dataclass
class Example:
    """One training article: its parse and its gold loaded spans (offsets into the text)."""

    key: str  # the held-out key (PTC id, BASIL triplet)
    article: Article
    doc: Doc
    gold: list[tuple[int, int]]


def token_labels(doc: Doc, gold: list[tuple[int, int]]) -> list[int]:
    """1 for every non-space token that overlaps a gold span, else 0."""
    labels = [0] * len(doc)
    for start, end in gold:
        for t in doc.char_span(start, end, alignment_mode="expand") or []:
            if not t.is_space:
                labels[t.i] = 1
    return labels


def dataset_folders(data: Path) -> dict[str, Path]:
    """The dataset folders to train on: ``data`` itself, or its ``ptc``/``basil`` children."""
    from newsprism.eval.common import EvalError, detect_dataset

    found: dict[str, Path] = {}
    try:
        found[detect_dataset(data)] = data
    except EvalError:
        for name in ("ptc", "basil"):
            if (data / name).is_dir():
                found[detect_dataset(data / name)] = data / name
    return {k: v for k, v in found.items() if k in ("ptc", "basil")}


def read_examples(data: Path, held_out: bool = False) -> list[Example]:
    """Parse the training (or, with ``held_out``, the held-out) articles under ``data``."""
    from newsprism.analyze.nlp import parse

    items: list[tuple[str, Article, list[tuple[int, int]]]] = []
    folders = dataset_folders(data)
    if "ptc" in folders:
        from newsprism.eval.loaders import ptc

        for p in ptc.load(folders["ptc"]):
            items.append((p.id, p.article, p.gold()))
    if "basil" in folders:
        from newsprism.eval.loaders import basil

        for b in basil.load(folders["basil"]):
            spans = [s for k in sorted(b.lex) for s in b.lex[k]]
            items.append((b.triplet, b.article, spans))
    items = [it for it in items if is_held_out(it[0]) == held_out]
    docs = parse(a.text for _, a, _ in items)
    return [
        Example(key=k, article=a, doc=d, gold=g) for (k, a, g), d in zip(items, docs, strict=True)
    ]


def fit(examples: Iterable[Example], c: float = C) -> dict[str, Any]:
    """Fit the token model on the examples; returns the JSON-ready model."""
    import numpy as np

    rows: list[dict[str, float]] = []
    y: list[int] = []
    tensors = []
    articles: Counter[str] = Counter()
    for ex in examples:
        features = token_features(ex.doc)
        articles.update({k for r in features for k in r if k.startswith(LEMMA_PREFIXES)})
        rows.extend(features)
        y.extend(token_labels(ex.doc, ex.gold))
        tensors.append(ex.doc.tensor)
    dense = np.vstack(tensors) if USE_TENSOR else None
    rare = {k for k, n in articles.items() if n < MIN_FEATURE_ARTICLES}
    return fit_rows(rows, y, c, dense, rare)


def fit_rows(
    rows: list[dict[str, float]],
    y: list[int],
    c: float = C,
    dense: Any = None,
    rare: set[str] | None = None,
) -> dict[str, Any]:
    """Fit the token model on feature rows, optional dense token vectors, and 0/1 labels.

    Features named in ``rare`` are dropped (by default: word features seen fewer than
    ``MIN_FEATURE_ARTICLES`` times).
    """
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if rare is None:
        counts = Counter(k for r in rows for k in r if k.startswith(LEMMA_PREFIXES))
        rare = {k for k, n in counts.items() if n < MIN_FEATURE_ARTICLES}
    rows = [{k: v for k, v in r.items() if k not in rare} for r in rows]
    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform(rows)
    if dense is not None:
        x = sp.hstack([x, sp.csr_matrix(np.asarray(dense, dtype=np.float64))])
    x = x.tocsr()
    x.indices = x.indices.astype(np.int32)  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype(np.int32)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(x, y)
    names = vectorizer.get_feature_names_out()
    coef = model.coef_[0]
    weights = {
        str(n): round(float(w), 4)
        for n, w in zip(names, coef[: len(names)], strict=True)
        if abs(w) >= 1e-4
    }
    return {
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
        "dense": [round(float(w), 4) for w in coef[len(names) :]],
        "meta": {"tokens": len(y), "positive_tokens": int(sum(y)), "c": c},
    }


def default_output() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / MODEL_FILE


def train(data: Path, out: Path | None = None) -> dict[str, Any]:
    """Train on the non-held-out part of ``data`` (a ptc or basil folder, or their parent).

    Writes the model file (default: the package's ``data/loaded_model.json``) and returns
    its metadata.
    """
    folders = dataset_folders(data)
    if not folders:
        raise ValueError(f"{data}: neither a ptc nor a basil folder, nor a folder holding them")
    examples = read_examples(data)
    model = fit(examples)
    model["meta"].update(
        {
            "trained_on": sorted(folders),
            "articles": len(examples),
            "held_out": f"sha1(key) % {HELD_OUT_MODULUS} == 0 (PTC article id, BASIL triplet)",
        }
    )
    target = out or default_output()
    target.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return dict(model["meta"])
