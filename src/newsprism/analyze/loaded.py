"""Loaded, emotive and labelling wording as scored character spans.

Each token gets a probability of being part of loaded wording from a small logistic
regression over explainable features (the word's lemma, its part of speech and dependency,
its VADER valence, whether it is in the shipped loaded-term or label lexicons, whether it
sits inside a quotation, and the same cues of its neighbours and syntactic head). The weights
ship as ``data/loaded_model.json``, written by ``newsprism train loaded`` (see
``newsprism.train.loaded``). Tokens above a threshold become spans, neighbouring ones merge,
and each span is named:

- ``label``: it holds a labelling / name-calling term ("regime", "thugs", "so-called");
- ``emotive``: its strongest word carries strong affect in VADER ("horrific", "outrage");
- ``loaded``: any other judgemental wording ("categorically rejected", "slammed").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from newsprism.analyze.sentences import sentence_spans
from newsprism.model import Article, LoadedSpan
from newsprism.settings import LoadedSettings

MODEL_FILE = "loaded_model.json"
LOADED_TERMS_FILE = "loaded_terms.txt"
LABELS_FILE = "labels.txt"
SUBJECTIVITY_FILE = "subjectivity.tsv"
_WORDS = re.compile(r"\w+|[^\w\s]")
_QUOTE_CHARS = set('"“”«»„')
_BRIDGE = {"and", ",", "-", "or", "&"}
# Stop words that still carry judgement ("very", "never", "too" are stop words in spaCy).
_KEEP_POS = {"ADJ", "ADV"}
# Longest lexicon phrase, in tokens, that the matcher tries.
_MAX_PHRASE = 5


@dataclass(frozen=True)
class Lexicons:
    """The shipped term lists as tuples of lower-cased words."""

    loaded: frozenset[tuple[str, ...]]
    labels: frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class TokenModel:
    """A logistic regression over named token features and, optionally, the parser's
    contextual token vectors (``doc.tensor``; ``dense`` holds one weight per dimension)."""

    bias: float
    weights: dict[str, float]
    meta: dict[str, Any]
    dense: tuple[float, ...] = ()

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: dict[str, float], vector: Any = None) -> float:
        z = self.logit(features)
        if self.dense and vector is not None and len(vector) == len(self.dense):
            z += float(sum(w * float(x) for w, x in zip(self.dense, vector, strict=True)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _read_terms(name: str) -> frozenset[tuple[str, ...]]:
    text = resources.files("newsprism.data").joinpath(name).read_text(encoding="utf-8")
    terms = set()
    for line in text.splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            terms.add(tuple(_WORDS.findall(line)))
    return frozenset(terms)


@lru_cache(maxsize=1)
def get_lexicons() -> Lexicons:
    """The shipped loaded-term and label lexicons, read once."""
    return Lexicons(loaded=_read_terms(LOADED_TERMS_FILE), labels=_read_terms(LABELS_FILE))


@lru_cache(maxsize=1)
def get_model() -> TokenModel | None:
    """The shipped token model, or None when the package has none (lexicon-only scoring)."""
    path = resources.files("newsprism.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return TokenModel(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        meta=dict(data.get("meta", {})),
        dense=tuple(float(w) for w in data.get("dense", [])),
    )


@lru_cache(maxsize=1)
def _subjectivity() -> dict[str, float]:
    text = resources.files("newsprism.data").joinpath(SUBJECTIVITY_FILE).read_text("utf-8")
    table: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            table[parts[0]] = float(parts[1])
    return table


@lru_cache(maxsize=1)
def _vader() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def valence(token: Token) -> float:
    """VADER valence of a word (-4..4), 0 when the word is not in the lexicon."""
    lexicon = _vader()
    lower = token.lower_
    return lexicon.get(lower, lexicon.get(token.lemma_.lower(), 0.0))


def _lexicon_hits(doc: Doc, terms: frozenset[tuple[str, ...]]) -> list[bool]:
    """Which tokens lie inside a longest match of a term (word by word, text or lemma)."""
    hits = [False] * len(doc)
    lower = [t.lower_ for t in doc]
    lemma = [t.lemma_.lower() for t in doc]
    lengths = sorted({len(t) for t in terms if len(t) <= _MAX_PHRASE}, reverse=True)
    i = 0
    while i < len(doc):
        matched = 0
        for n in lengths:
            if i + n <= len(doc) and (
                tuple(lower[i : i + n]) in terms or tuple(lemma[i : i + n]) in terms
            ):
                matched = n
                break
        for j in range(i, i + matched):
            hits[j] = True
        i += max(matched, 1)
    return hits


def _in_quotes(doc: Doc) -> list[bool]:
    """Tokens between an opening and a closing quotation mark within one paragraph."""
    inside = [False] * len(doc)
    state = False
    for t in doc:
        if "\n" in t.text:
            state = False
        if t.text in _QUOTE_CHARS or t.text == "''" or t.text == "``":
            if t.text == "“" or t.text == "``":
                state = True
            elif t.text == "”" or t.text == "''":
                state = False
            else:
                state = not state
            continue
        inside[t.i] = state
    return inside


def token_features(doc: Doc) -> list[dict[str, float]]:
    """Explainable features of every token of ``doc`` (names match the model's weights)."""
    lex = get_lexicons()
    loaded_hit = _lexicon_hits(doc, lex.loaded)
    label_hit = _lexicon_hits(doc, lex.labels)
    quoted = _in_quotes(doc)
    val = [valence(t) for t in doc]
    subjectivity = _subjectivity()
    sent_val: dict[int, float] = {}
    for sent in doc.sents:
        strongest = max((abs(val[t.i]) for t in sent), default=0.0)
        for t in sent:
            sent_val[t.i] = strongest
    out: list[dict[str, float]] = []
    n = len(doc)
    for t in doc:
        i = t.i
        f: dict[str, float] = {
            f"pos={t.pos_}": 1.0,
            f"tag={t.tag_}": 1.0,
            f"dep={t.dep_}": 1.0,
            "val_abs": abs(val[i]) / 4.0,
            "sent_val": sent_val.get(i, 0.0) / 4.0,
        }
        # Names of people, groups and places never carry a learned weight of their own
        # (a corpus's topics must not make "Muslim" or "Church" loaded); their type does.
        if not t.ent_type_:
            f[f"lem={t.lemma_.lower()}"] = 1.0
        subj = subjectivity.get(t.lower_, subjectivity.get(t.lemma_.lower(), -1.0))
        if subj >= 0:
            f["subj"] = subj
            f["subj_known"] = 1.0
        if val[i] < 0:
            f["val_neg"] = 1.0
        elif val[i] > 0:
            f["val_pos"] = 1.0
        if loaded_hit[i]:
            f["lex_loaded"] = 1.0
        if label_hit[i]:
            f["lex_label"] = 1.0
        if quoted[i]:
            f["quoted"] = 1.0
        if t.is_stop:
            f["stop"] = 1.0
        if t.is_punct or t.is_space:
            f["punct"] = 1.0
        if t.ent_type_:
            f[f"ent={t.ent_type_}"] = 1.0
        if len(t.text) > 2 and t.text.isupper():
            f["caps"] = 1.0
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < n:
                u = doc[j]
                f[f"{side}_pos={u.pos_}"] = 1.0
                f[f"{side}_val_abs"] = abs(val[j]) / 4.0
                if loaded_hit[j] or label_hit[j]:
                    f[f"{side}_lex"] = 1.0
                if not u.ent_type_:
                    f[f"{side}_lem={u.lemma_.lower()}"] = 1.0
        head = t.head
        if head.i != i:
            f[f"head_pos={head.pos_}"] = 1.0
            f["head_val_abs"] = abs(val[head.i]) / 4.0
            if loaded_hit[head.i] or label_hit[head.i]:
                f["head_lex"] = 1.0
        child_val = max((abs(val[c.i]) for c in t.children), default=0.0)
        if child_val:
            f["child_val_abs"] = child_val / 4.0
        if any(loaded_hit[c.i] or label_hit[c.i] for c in t.children):
            f["child_lex"] = 1.0
        out.append(f)
    return out


def _fallback_probability(features: dict[str, float]) -> float:
    """Lexicon-only score when no trained model ships: a term hit, raised by strong valence."""
    if features.get("punct") or features.get("stop") and not features.get("lex_loaded"):
        return 0.0
    base = 0.55 if features.get("lex_loaded") or features.get("lex_label") else 0.0
    return max(base, min(1.0, features["val_abs"] * 1.2 - 0.2))


def token_scores(doc: Doc) -> list[float]:
    """Probability of every token of ``doc`` being part of loaded wording."""
    model = get_model()
    feats = token_features(doc)
    if model is None:
        return [_fallback_probability(f) for f in feats]
    if model.dense and doc.tensor is not None and doc.tensor.shape == (len(doc), len(model.dense)):
        import numpy as np

        dense = doc.tensor @ np.asarray(model.dense, dtype=np.float32)
        return [
            1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, model.logit(f) + float(d)))))
            for f, d in zip(feats, dense, strict=True)
        ]
    return [model.probability(f) for f in feats]


def find_loaded(doc: Doc, article: Article, settings: LoadedSettings) -> list[LoadedSpan]:
    """Loaded, emotive and labelling wording of one parsed article, sorted by start."""
    if len(doc) == 0:
        return []
    return spans_from_scores(doc, article, token_scores(doc), settings)


def spans_from_scores(
    doc: Doc, article: Article, token_probabilities: list[float], settings: LoadedSettings
) -> list[LoadedSpan]:
    """Turn per-token probabilities into named, scored spans (see ``find_loaded``)."""
    lex = get_lexicons()
    label_hit = _lexicon_hits(doc, lex.labels)
    loaded_hit = _lexicon_hits(doc, lex.loaded)
    scores = list(token_probabilities)
    if settings.lexicon_score > 0:
        for i, t in enumerate(doc):
            if (label_hit[i] or loaded_hit[i]) and not (t.is_punct or t.is_stop):
                scores[i] = max(scores[i], settings.lexicon_score)
    # Sentence indices are those of the analysis (ArticleAnalysis.sentences).
    sentence_of = [0] * len(doc)
    starts = [sent.start for sent in sentence_spans(doc)] + [len(doc)]
    for k in range(len(starts) - 1):
        for i in range(starts[k], starts[k + 1]):
            sentence_of[i] = k

    def usable(i: int) -> bool:
        t = doc[i]
        return not (t.is_punct or t.is_space) and scores[i] >= settings.threshold

    chosen = [usable(i) for i in range(len(doc))]
    # A loaded modifier takes the word it modifies along ("harsh criticism").
    for i, t in enumerate(doc):
        if not chosen[i] or t.dep_ not in ("amod", "advmod", "compound"):
            continue
        h = t.head.i
        if abs(h - i) == 1 and not doc[h].is_punct and scores[h] >= settings.extend_threshold:
            chosen[h] = True
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(doc):
        if not chosen[i]:
            i += 1
            continue
        j = i + 1
        while j < len(doc) and sentence_of[j] == sentence_of[i]:
            if chosen[j]:
                j += 1
            elif (
                doc[j].lower_ in _BRIDGE
                and j + 1 < len(doc)
                and chosen[j + 1]
                and sentence_of[j + 1] == sentence_of[i]
            ):
                j += 2
            else:
                break
        spans.append((i, j))
        i = j
    found: list[LoadedSpan] = []
    for a, b in spans:
        # A span ends on a content word ("the brutal and" -> "the brutal") and needs one.
        while (
            b > a
            and (doc[b - 1].is_stop or doc[b - 1].is_punct)
            and doc[b - 1].pos_ not in _KEEP_POS
        ):
            b -= 1
        if not any(not (t.is_stop or t.is_punct) or t.pos_ in _KEEP_POS for t in doc[a:b]):
            continue
        score = max(scores[a:b])
        if score < settings.threshold:
            continue
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        if any(label_hit[a:b]):
            kind = "label"
        elif max(abs(valence(t)) for t in doc[a:b]) >= settings.emotive_valence:
            kind = "emotive"
        else:
            kind = "loaded"
        found.append(
            LoadedSpan(
                article=article.id,
                start=start,
                end=end,
                text=article.text[start:end],
                score=round(score, 4),
                kind=kind,
                sentence=sentence_of[a],
            )
        )
    found.sort(key=lambda s: (s.start, s.end))
    return found
