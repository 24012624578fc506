"""Train the small models of the compare stage on labelled dev data (deterministic).

- ``train_pairs(ecbplus_dir)``: the pairwise claim-alignment model (compare/align.py) on the
  ODD ECB+ topics: every pair of claims (within a sub-topic) whose predicates cover two gold
  event mentions is labelled 1 when the mentions share a ``coref_chain``; a logistic regression
  over ``align.FEATURES`` is fitted and written to ``data/align_weights.json``. Evaluate on
  the even topics (``newsprism eval omissions --split even``).
- ``train_roles(basil_dir)``: the sentence-role model (compare/roles.py) on the ODD BASIL
  triplets (by position in stream order): each sentence is labelled 1 when it holds an ``inf``
  span; written to ``data/roles_model.json``. Evaluate with ``--split even``.

Both files hold sorted keys and rounded weights: the same data give the same file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.settings import DEFAULT, Settings

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ROUND = 4
# Inverse regularisation strength of both logistic regressions (fixed, not tuned).
C = 1.0
# A noun enters the learned event-noun list when annotated as an event head this often.
MIN_NOUN_COUNT = 2
# Grouping thresholds tried for the pairwise model (probability of the average link).
THRESHOLDS = tuple(round(0.1 + 0.05 * k, 2) for k in range(17))


def _fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
    model.fit(x, y)
    return {
        "bias": round(float(model.intercept_[0]), ROUND),
        "weights": {n: round(float(w), ROUND) for n, w in zip(names, model.coef_[0], strict=True)},
    }


def _write(name: str, payload: dict[str, Any]) -> Path:
    path = DATA_DIR / name
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


@dataclass
class StoryPairs:
    """One ECB+ sub-topic: pairwise features of the claims covering gold mentions."""

    subtopic: str
    features: np.ndarray  # (n, n, len(FEATURES)) over the covering claims
    chains: list[str]  # gold chain of each covering claim (its first mention's)
    gold: dict[str, str]  # every gold mention of the sub-topic -> chain
    claim_of: dict[str, int]  # covered gold mention -> index of its covering claim


def story_pairs(
    data: Path,
    keep: Callable[[int], bool],
    full: bool = False,
    progress: bool = False,
    settings: Settings = DEFAULT,
) -> list[StoryPairs]:
    """Claims of each kept sub-topic, their pairwise features and the gold chains.

    ``full`` runs the whole analysis (analyze, concepts, event claims) as the eval does;
    without it only the event-word claims of a bare parse are used (about five times faster;
    the features are the same kind, with argument heads read from the parse).
    """
    from newsprism.analyze.nlp import parse
    from newsprism.compare.align import pair_features
    from newsprism.compare.events import event_claims
    from newsprism.eval.common import Stages
    from newsprism.eval.loaders.ecbplus import load_documents, load_event_mentions
    from newsprism.model import ArticleAnalysis, Concept
    from newsprism.pipeline import analyze_story

    documents = [d for d in load_documents(data) if keep(int(d.topic))]
    mentions = load_event_mentions(data, documents)
    out: list[StoryPairs] = []
    for sub in sorted({d.subtopic for d in documents}):
        docs = [d for d in documents if d.subtopic == sub]
        articles = [d.article for d in docs]
        concepts: list[Concept] = []
        if full:
            analyses, concepts = analyze_story(articles, settings, Stages().seconds)
        else:
            analyses = [ArticleAnalysis(article=a.id) for a in articles]
            for doc, article, analysis in zip(
                parse([a.text for a in articles]), articles, analyses, strict=True
            ):
                analysis.claims = event_claims(doc, article, analysis, settings.align)
        index = {a.id: i for i, a in enumerate(articles)}
        claims = sorted(
            (c for an in analyses for c in an.claims),
            key=lambda c: (index[c.article], c.start, c.predicate_start or 0, c.id),
        )
        name_of = {d.name: d.article.id for d in docs}
        story = [m for m in mentions if m.subtopic == sub]
        covering: dict[str, int] = {}
        for m in story:
            if m.start is None:
                continue
            for k, c in enumerate(claims):
                ps, pe = c.predicate_start, c.predicate_end
                inside = ps is not None and pe is not None and ps <= m.start < pe
                if c.article == name_of[m.doc] and inside:
                    covering[m.mention_id] = k
                    break
        used = sorted(set(covering.values()))
        position = {k: n for n, k in enumerate(used)}
        chains = [""] * len(used)
        for m in story:
            if m.mention_id in covering and not chains[position[covering[m.mention_id]]]:
                chains[position[covering[m.mention_id]]] = m.chain
        out.append(
            StoryPairs(
                subtopic=sub,
                features=pair_features([claims[k] for k in used], articles, concepts),
                chains=chains,
                gold={m.mention_id: m.chain for m in story},
                claim_of={mid: position[k] for mid, k in covering.items()},
            )
        )
        if progress:
            print(sub, len(claims), len(story), len(covering), flush=True)
    return out


def pair_examples(stories: list[StoryPairs]) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise feature rows and same-chain labels over all stories."""
    from newsprism.compare.align import FEATURES

    xs: list[np.ndarray] = [np.zeros((0, len(FEATURES)))]
    ys: list[np.ndarray] = [np.zeros(0, dtype=int)]
    for story in stories:
        i, j = np.triu_indices(len(story.chains), k=1)
        xs.append(story.features[i, j])
        ys.append(np.array([story.chains[a] == story.chains[b] for a, b in zip(i, j, strict=True)]))
    return np.concatenate(xs), np.concatenate(ys).astype(int)


def conll_at(
    stories: list[StoryPairs], bias: float, weights: list[float], threshold: float
) -> float:
    """CoNLL F1 over the stories' gold mentions when grouping at ``threshold``."""
    from newsprism.compare.align import PairModel, group_claims, pair_probabilities
    from newsprism.eval.metrics import coref_scores

    model = PairModel(bias, tuple(weights))
    gold: dict[Hashable, Hashable] = {}
    pred: dict[Hashable, Hashable] = {}
    for story in stories:
        groups = group_claims(pair_probabilities(story.features, model), threshold)
        label = {k: g for g, members in enumerate(groups) for k in members}
        gold.update(story.gold)
        for mention, k in story.claim_of.items():
            pred[mention] = (story.subtopic, label[k])
    return coref_scores(gold, pred)["conll_f1"]


def train_pairs(
    data: Path, progress: bool = False, full: bool = False, settings: Settings = DEFAULT
) -> Path:
    """Fit the pairwise alignment model on the odd ECB+ topics, tune its grouping threshold
    there (CoNLL F1), and write both to align_weights.json."""
    from newsprism.compare.align import FEATURES

    stories = story_pairs(data, lambda topic: topic % 2 == 1, full, progress, settings)
    x, y = pair_examples(stories)
    payload = _fit(x, y, FEATURES)
    weights = [payload["weights"][f] for f in FEATURES]
    # Features that never fired keep their hand-set weights from the settings.
    unseen = [f for k, f in enumerate(FEATURES) if not x[:, k].any()]
    for f in unseen:
        del payload["weights"][f]
    scores = {t: conll_at(stories, payload["bias"], weights, t) for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: (round(scores[t], 4), -t))
    payload["threshold"] = best
    payload["trained_on"] = "ECB+ odd topics (event mentions' coref_chain)"
    payload["pairs"] = int(len(y))
    payload["odd_conll_f1"] = round(scores[best], 4)
    return _write("align_weights.json", payload)


def role_examples(data: Path, keep: Callable[[int], bool]) -> tuple[np.ndarray, np.ndarray]:
    """Sentence-role features and labels of the BASIL triplets kept (1-based stream order)."""
    from newsprism.compare.roles import FEATURES, sentence_features
    from newsprism.eval.loaders.basil import load

    items = load(data)
    order: list[str] = []
    for b in items:
        if b.triplet not in order:
            order.append(b.triplet)
    chosen = {t for k, t in enumerate(order, start=1) if keep(k)}
    rows: list[list[float]] = []
    labels: list[int] = []
    for b in items:
        if b.triplet not in chosen:
            continue
        spans = b.sentence_spans
        for k, (s, e) in enumerate(spans):
            f = sentence_features(b.article.text[s:e], k, len(spans))
            rows.append([f[n] for n in FEATURES])
            labels.append(int(k in b.inf))
    return np.array(rows, dtype=float), np.array(labels, dtype=int)


def train_roles(data: Path) -> Path:
    """Fit the sentence-role model on the odd BASIL triplets; write roles_model.json."""
    from newsprism.compare.roles import FEATURES

    x, y = role_examples(data, lambda k: k % 2 == 1)
    payload = _fit(x, y, FEATURES)
    payload["trained_on"] = "BASIL odd triplets in stream order (sentences holding an inf span)"
    payload["sentences"] = int(len(y))
    return _write("roles_model.json", payload)


def train_event_nouns(data: Path) -> Path:
    """The noun lemmas the ODD ECB+ topics annotate as event heads (at least twice), written
    one a line to data/event_nouns_learned.txt for compare/events.py."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for path in sorted((data / "topics").glob("*/annotation/original/event_mentions_*.json")):
        topic = int(path.parent.parent.parent.name.replace("ecbplus", "").replace("ecb", ""))
        if topic % 2 == 0:
            continue
        for m in json.loads(path.read_text(encoding="utf-8")):
            if m.get("mention_head_pos") == "NOUN":
                counts[str(m.get("mention_head_lemma", "")).lower()] += 1
    lemmas = sorted(w for w, n in counts.items() if n >= MIN_NOUN_COUNT and w.isalpha())
    header = (
        "# Event-head noun lemmas of ECB+ odd topics (newsprism.train.align.train_event_nouns)\n"
    )
    path = DATA_DIR / "event_nouns_learned.txt"
    path.write_text(header + "".join(f"{w}\n" for w in lemmas), encoding="utf-8")
    return path


def train(ecbplus: Path, basil: Path, settings: Settings = DEFAULT) -> list[Path]:
    """Retrain all three files (``newsprism train align``): the event nouns and the pairwise
    model from ECB+, the sentence roles from BASIL; the claims read with ``settings``."""
    nouns = train_event_nouns(ecbplus)
    train_event_nouns_cache_clear()
    return [nouns, train_pairs(ecbplus, progress=True, settings=settings), train_roles(basil)]


def main(argv: list[str] | None = None) -> int:
    """``python -m newsprism.train.align ECBPLUS_DIR BASIL_DIR``: retrain all three files."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m newsprism.train.align ECBPLUS_DIR BASIL_DIR", file=sys.stderr)
        return 2
    for path in train(Path(args[0]), Path(args[1])):
        print(path)
    return 0


def train_event_nouns_cache_clear() -> None:
    """Forget the event-noun lexicon read before retraining (it was just rewritten)."""
    from newsprism.compare.events import event_nouns

    event_nouns.cache_clear()


if __name__ == "__main__":
    raise SystemExit(main())
