"""Hand-aligned facts of BASIL triplets (``facts/basil_dev.json``, articles in ``../basil``).

Each triplet's three articles are handed to newsprism as a user would: three JSON inputs
(title, text, outlet, published, url) read by ``newsprism.ingest.load``. BASIL's own
sentences are then found in the clean text, in order, so that a claim's span maps back to
the sentence indices the annotators used. Gold facts and singles are read only by scorers
and trainers. ``prepare`` analyses a triplet as ``compare`` does and labels its candidate
pairs; ``fit_on`` fits the facts model on prepared triplets: ``newsprism train facts`` and the
facts task's cross-validation both use them.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.compare.facts import (
    FactModel,
    FactUnit,
    PairBlock,
    candidate_pairs,
    clause_vectors,
    fit_story_model,
    story_units,
    unit_encodings,
)
from newsprism.eval.common import EvalError, Stages
from newsprism.eval.loaders.basil import BasilArticle, user_record
from newsprism.eval.loaders.basil import load as load_basil
from newsprism.model import Article, ArticleAnalysis, Concept
from newsprism.settings import Settings

OUTLETS = ("fox", "nyt", "hpo")
# A sentence pair: (outlet, sentence index, outlet, sentence index), outlets in OUTLETS order.
Pair = tuple[str, int, str, int]


@dataclass
class GoldFact:
    fact: str
    sentences: dict[str, list[int]]  # outlet -> sentence indices stating it
    relation: str  # "agreed" or "contradicted"
    on: str = ""


@dataclass
class Triplet:
    uuid: str
    articles: dict[str, Article]  # outlet -> the article as ingest made it
    spans: dict[str, list[tuple[int, int] | None]]  # outlet -> BASIL sentence spans in text
    facts: list[GoldFact] = field(default_factory=list)
    single: dict[str, list[int]] = field(default_factory=dict)

    def ordered(self) -> list[Article]:
        return [self.articles[o] for o in OUTLETS if o in self.articles]

    def outlet_of(self, article_id: str) -> str:
        return next(o for o, a in self.articles.items() if a.id == article_id)

    def sentences_of(self, outlet: str, start: int, end: int) -> list[int]:
        """BASIL sentence indices of ``outlet`` that the span [start, end) overlaps."""
        return [
            k
            for k, span in enumerate(self.spans[outlet])
            if span is not None and span[0] < end and start < span[1]
        ]

    def gold_pairs(self) -> set[Pair]:
        pairs: set[Pair] = set()
        for fact in self.facts:
            for x, y in combinations(OUTLETS, 2):
                for i in fact.sentences.get(x, []):
                    for j in fact.sentences.get(y, []):
                        pairs.add((x, i, y, j))
        return pairs


def pair_key(outlet_a: str, i: int, outlet_b: str, j: int) -> Pair:
    """The pair with its outlets in ``OUTLETS`` order."""
    if OUTLETS.index(outlet_a) > OUTLETS.index(outlet_b):
        return (outlet_b, j, outlet_a, i)
    return (outlet_a, i, outlet_b, j)


def _find_sentences(text: str, sentences: list[str]) -> list[tuple[int, int] | None]:
    """Each sentence's span in ``text``, searched in order (whitespace may differ)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for sentence in sentences:
        words = sentence.split()
        if not words:
            spans.append(None)
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        found = pattern.search(text, cursor)
        if found is None:
            spans.append(None)
            continue
        spans.append((found.start(), found.end()))
        cursor = found.end()
    return spans


def _as_user_input(items: dict[str, BasilArticle], folder: Path) -> dict[str, Article]:
    from newsprism.ingest import load

    paths: dict[str, Path] = {}
    for outlet, item in items.items():
        path = folder / f"{outlet}.json"
        path.write_text(json.dumps(user_record(item.article)), encoding="utf-8")
        paths[outlet] = path
    result = load([str(paths[o]) for o in OUTLETS if o in paths])
    by_source = {Path(a.source).name: a for a in result.articles}
    return {o: by_source[f"{o}.json"] for o in paths if f"{o}.json" in by_source}


def load_triplets(folder: Path, limit: int | None = None) -> list[Triplet]:
    """The aligned triplets of ``folder`` (facts/) in BASIL stream order, first ``limit``."""
    gold_files = sorted(folder.glob("*.json"))
    if not gold_files:
        raise FileNotFoundError(f"{folder}: no aligned facts (*.json)")
    gold: dict[str, dict[str, object]] = {}
    for path in gold_files:
        gold.update(json.loads(path.read_text(encoding="utf-8"))["triplets"])
    basil = folder.parent / "basil"
    if not (basil / "articles").is_dir():
        raise FileNotFoundError(f"{basil}: the BASIL articles must lie beside {folder.name}/")
    by_triplet: dict[str, dict[str, BasilArticle]] = {}
    order: list[str] = []
    for item in load_basil(basil):
        if item.triplet not in gold:
            continue
        if item.triplet not in by_triplet:
            order.append(item.triplet)
        by_triplet.setdefault(item.triplet, {})[item.source.lower()] = item
    if limit is not None:
        order = order[:limit]
    out: list[Triplet] = []
    for uuid in order:
        items = by_triplet[uuid]
        with tempfile.TemporaryDirectory() as tmp:
            articles = _as_user_input(items, Path(tmp))
        spans = {}
        for outlet, article in articles.items():
            item = items[outlet]
            sentences = [item.article.text[s:e] for s, e in item.sentence_spans]
            spans[outlet] = _find_sentences(article.text, sentences)
        raw: dict[str, Any] = dict(gold[uuid])
        facts = [
            GoldFact(
                fact=str(f["fact"]),
                sentences={o: [int(k) for k in f.get(o, [])] for o in OUTLETS if f.get(o)},
                relation=str(f.get("relation", "agreed")),
                on=str(f.get("on", "")),
            )
            for f in raw.get("facts", [])
        ]
        single_raw: dict[str, list[int]] = raw.get("single", {})
        single = {o: [int(k) for k in single_raw.get(o, [])] for o in OUTLETS}
        out.append(Triplet(uuid, articles, spans, facts, single))
    return out


def unit_sentences(
    triplet: Triplet, article_id: str, start: int, end: int
) -> tuple[str, list[int]]:
    """The outlet of an article of the triplet and the BASIL sentences a span overlaps."""
    outlet = triplet.outlet_of(article_id)
    return outlet, triplet.sentences_of(outlet, start, end)


def pair_labels(
    triplet: Triplet,
    articles: list[Article],
    units: list[list[FactUnit]],
    blocks: list[PairBlock],
) -> np.ndarray:
    """1 for each candidate pair whose two sentences share a gold fact, else 0 (in block
    order, pair order): the training labels."""
    gold = triplet.gold_pairs()
    labels: list[int] = []
    for block in blocks:
        for i, j in block.pairs.tolist():
            a = units[block.left][i]
            b = units[block.right][j]
            oa, sa = unit_sentences(triplet, articles[block.left].id, a.start, a.end)
            ob, sb = unit_sentences(triplet, articles[block.right].id, b.start, b.end)
            hit = any(pair_key(oa, x, ob, y) in gold for x in sa for y in sb)
            labels.append(int(hit))
    return np.array(labels, dtype=np.int8)


@dataclass
class Prepared:
    """One triplet analysed once, with its candidate pairs and (for training) their labels."""

    triplet: Triplet
    articles: list[Article]
    analyses: list[ArticleAnalysis]
    concepts: list[Concept]
    units: list[list[FactUnit]]
    vectors: list[np.ndarray]
    blocks: list[PairBlock]
    labels: np.ndarray


def prepare(triplet: Triplet, settings: Settings, stages: Stages) -> Prepared:
    """Analyse a triplet as ``compare`` does and label its candidate pairs from the gold."""
    from newsprism.pipeline import analyze_story

    articles = triplet.ordered()
    analyses, concepts = analyze_story(articles, settings, stages.seconds)
    with stages("pairs"):
        units = story_units(articles, analyses)
        vectors, pieces = unit_encodings(units)
        blocks = candidate_pairs(units, vectors, pieces, settings.facts, clause_vectors(units))
        labels = pair_labels(triplet, articles, units, blocks)
    return Prepared(triplet, articles, analyses, concepts, units, vectors, blocks, labels)


def fit_on(items: list[Prepared], settings: Settings) -> FactModel:
    """The facts model fitted on these prepared triplets (``newsprism train facts``)."""
    labels = [p.labels for p in items]
    if not labels or not np.concatenate(labels).any():
        raise EvalError("no labelled fact pairs to fit the model on")
    stories = [([len(u) for u in p.units], p.blocks, p.labels) for p in items]
    return fit_story_model(stories, settings.facts, sorted(p.triplet.uuid for p in items))
