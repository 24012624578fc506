"""Fact alignment: which sentences of different outlets state the same fact.

A comparison is read sentence by sentence: each sentence that carries a claim is one *fact
unit*, stated in the outlet's own voice or attributed to a speaker (a quotation is one
attributed statement, never a list of facts the outlet asserts). Every pair of units from two
different articles gets a probability of sharing a fact from a small logistic model over
features a reader can check:

- how close the sentences are in meaning (MiniLM cosine, of the sentences and of their
  closest two clauses), and how close compared with each sentence's best match in the other
  article (rank, gap to the best);
- the words they share, weighted by how rare each word is in the story, and how much of each
  sentence's wording (and of its best clause) finds a close counterpart in the other, word
  piece by word piece (``compare/pieces.py``: "urged" / "called for");
- the named things (people, places, organisations), numbers, days, event verbs and subjects
  they share, and whether both quote the same speaker;
- where each sentence sits in its article (leads state the main event), and their lengths.

A second, in-story stage rescores each pair with what the first stage says of the pairs
around it (``compare/context.py``): the sentence next to one of them linked to the other (a
quotation and its credit line split in two), a better rival partner, a third outlet's
sentence linked to both. Both stages are trained on the hand-aligned BASIL dev triplets by
``newsprism train facts`` (``data/facts_model.json``) and measured cross-validated by
triplet (``newsprism eval facts``). Only each sentence's nearest neighbours in the other
article are scored, so the cost grows with the number of sentences, not with its square.

Linked pairs become alignments: a group of units, at most one per article, every two of them
linked. A sentence may state several facts, so a unit may belong to several groups. Within a
group the values are compared (``compare/values.py``): numbers of the same unit and resolved
dates that cannot both be true, one person under two given names, and one doer's deed placed
in two towns are a contradiction, named with both values and the outlets stating each; an
event reported as planned by an earlier article and as held by a later one is a development
(``status_change``), not a contradiction.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsprism.compare.align import head_key, predicate_key, publication_order, time_interval
from newsprism.compare.context import CONTEXT_FEATURES, story_context
from newsprism.compare.events import PLACE_LABELS, is_event_word_claim
from newsprism.compare.pieces import (
    PIECE_FEATURES,
    ContentPieces,
    content_pieces,
    pair_piece_features,
)
from newsprism.compare.setting import occasion_settings, setting_label
from newsprism.compare.values import values_conflict
from newsprism.compare.words import (
    CONNECTIVE,
    QUOTE_CHARS,
    TELLS_ROW,
    content_words,
    ends_naturally,
    opening_note,
    words_f1,
)
from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    Claim,
    Concept,
    Quantity,
    Status,
    TimeExpr,
)
from newsprism.settings import DEFAULT, FactSettings

FEATURES = (
    "cosine",  # MiniLM cosine of the two sentences
    "rank_min",  # the better of the two ranks (0 = each other's best match)
    "rank_max",
    "gap_min",  # cosine minus the best cosine of the sentence, the smaller of the two gaps
    "gap_max",
    "position_min",  # relative position in the article (0 = lead), the earlier of the two
    "position_max",
    "index_min",  # sentence index, the smaller of the two
    "lead_pair",  # both are their article's first sentence
    "words_jaccard",  # shared content words over all, weighted by rarity in the story
    "words_containment",  # shared content words over the shorter sentence's
    "words_shared",  # summed rarity of the shared content words
    "names_shared",  # named things both mention (people, places, organisations, ...)
    "names_jaccard",  # shared words of those names over all of them
    "numbers_shared",  # numbers both state
    "numbers_disjoint",  # both state numbers, none the same
    "length_min",  # log content words, the shorter
    "length_max",
    "quoted",  # how many of the two are quotations (0, 1, 2)
    "predicates_shared",  # event verbs both state ("meet", "veto"), light verbs left out
    "subjects_shared",  # who-did-it both name (linked concepts or head words)
    "days_shared",  # resolved days both give
    "same_speaker",  # both attributed to the same speaker
    "position_gap",  # how far apart in their articles (relative positions)
    "clause_cosine",  # the closest two clauses of the two sentences (MiniLM cosine)
    *PIECE_FEATURES,  # how much of each sentence's wording finds a counterpart in the other
)
_GENERAL_PREDICATES = frozenset(
    {"be", "have", "say", "tell", "do", "make", "get", "take", "see", "go", "come", "add"}
)
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)
# A sentence at least this much inside quotation marks is a quotation (its speaker's words).
QUOTED_SHARE = 0.5


@dataclass
class FactUnit:
    """One sentence of one article as a carrier of facts."""

    article: str
    sentence: int  # index of the sentence in its article
    position: float  # sentence index / number of sentences (0 = the lead)
    start: int
    end: int
    text: str
    claim: str  # the claim that represents it in alignments (its main clause)
    words: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # concept ids or normalised names
    name_words: set[str] = field(default_factory=set)
    numbers: list[Quantity] = field(default_factory=list)
    quoted: bool = False
    speaker: str = ""
    # Its full claims (predicate, time, numbers): values are compared claim by claim.
    claims: list[Claim] = field(default_factory=list)
    predicates: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)
    places: list[str] = field(default_factory=list)  # the places it names, as written
    times: list[TimeExpr] = field(default_factory=list)  # every time it gives
    # The person last named before the sentence in its article (concept id, words): whom a
    # "he" or "she" opening the sentence most likely means.
    antecedent: tuple[str, str] = ("", "")

    def cited(self) -> list[str]:
        """The claims a row of this sentence cites: the representative first, then the
        sentence's other full claims, so the row points at the whole sentence."""
        return [self.claim, *(c.id for c in self.claims if c.id != self.claim)]


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic model and its decision threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.coef) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logit)))

    def to_json(self) -> dict[str, object]:
        return {
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> Logistic:
        def floats(key: str) -> tuple[float, ...]:
            return tuple(float(v) for v in data[key])  # type: ignore[attr-defined]

        return Logistic(
            floats("mean"),
            floats("scale"),
            floats("coef"),
            float(data["bias"]),  # type: ignore[arg-type]
            float(data["threshold"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class FactModel:
    """The facts model, in two logistic stages. ``pairwise`` (over ``FEATURES``) scores two
    sentences on their own, as a pair of MRPC is scored; ``in_story`` (over ``FEATURES`` and
    ``CONTEXT_FEATURES``) rescores every candidate pair of a story with what the pairwise
    probabilities of the pairs around it say (``compare/context.py``). Links are made at the
    last stage's threshold."""

    pairwise: Logistic
    in_story: Logistic | None = None
    trained_on: tuple[str, ...] = ()  # the dev items it was fitted on (eval cross-validates)

    @property
    def threshold(self) -> float:
        return (self.in_story or self.pairwise).threshold

    def story_probabilities(
        self, sizes: Sequence[int], blocks: Sequence[PairBlock], settings: FactSettings
    ) -> list[np.ndarray]:
        """The probability of each block's pairs, in order: the last stage's."""
        first = [self.pairwise.probability(b.features) for b in blocks]
        if self.in_story is None:
            return first
        return [
            self.in_story.probability(f) for f in story_features(sizes, blocks, first, settings)
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "context_features": list(CONTEXT_FEATURES),
            "pairwise": self.pairwise.to_json(),
            "in_story": self.in_story.to_json() if self.in_story else None,
            "trained_on": list(self.trained_on),
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> FactModel:
        names = tuple(str(n) for n in data["features"])  # type: ignore[attr-defined]
        context = tuple(str(n) for n in data.get("context_features", []))  # type: ignore[attr-defined]
        in_story = data.get("in_story")
        if names != FEATURES or (in_story and context != CONTEXT_FEATURES):
            raise ValueError("the facts model was trained on other features: retrain it")
        return FactModel(
            Logistic.from_json(data["pairwise"]),  # type: ignore[arg-type]
            Logistic.from_json(in_story) if in_story else None,  # type: ignore[arg-type]
            tuple(str(t) for t in data.get("trained_on", [])),  # type: ignore[attr-defined]
        )


def story_features(
    sizes: Sequence[int],
    blocks: Sequence[PairBlock],
    first: Sequence[np.ndarray],
    settings: FactSettings,
) -> list[np.ndarray]:
    """Each block's pair features followed by their ``CONTEXT_FEATURES`` (from the
    first-stage probabilities ``first``): what the in-story stage reads."""
    context = story_context(
        sizes, [(b.left, b.right, b.pairs) for b in blocks], first, settings.context_articles
    )
    return [np.hstack([b.features, c]) for b, c in zip(blocks, context, strict=True)]


@lru_cache(maxsize=4)
def load_model(model_file: str = DEFAULT.facts.model_file) -> FactModel:
    """The shipped facts model (``newsprism/data/<file>``) or a model file at a path."""
    path = Path(model_file)
    if path.is_file():
        raw = path.read_text("utf-8")
    else:
        raw = resources.files("newsprism.data").joinpath(model_file).read_text("utf-8")
    return FactModel.from_json(json.loads(raw))


def _infinitive(claim: Claim, text: str) -> bool:
    """A claim of an infinitive ("[The House vote] to reaffirm ...", "[her decision] to
    veto"): its status is the plan, not what the sentence states."""
    return text[claim.start : claim.start + 3].lower() == "to " and claim.predicate_start != (
        claim.start
    )


def _representative(claims: Sequence[Claim], text: str) -> Claim | None:
    """The claim that stands for a sentence: its first full claim (usually the main clause),
    the widest of those that start first, an infinitive only where no other is; for a
    sentence the parse gave no full claim ("... cost taxpayers $1.1 million" read as a noun
    phrase), its widest event-word claim."""
    full = [c for c in claims if not is_event_word_claim(c)] or list(claims)
    if not full:
        return None
    return min(full, key=lambda c: (_infinitive(c, text), c.start, -(c.end - c.start), c.id))


def _stating(
    unit: FactUnit, words: set[str], claims: Mapping[str, Claim], texts: Mapping[str, str]
) -> str:
    """The claim of a sentence that states a row's fact: of its full claims but infinitives,
    the one whose content words best match the row's words (F1 of the two sets), so that a
    clause of the sentence that tells something else does not speak for it ("Former Rep.
    Jesse Jackson Jr. pleaded guilty ..." in a row on what he spent); its representative
    where none matches better."""
    text = texts[unit.article]

    def match(claim_id: str) -> float:
        claim = claims.get(claim_id)
        return _row_match(claim, text, words) if claim is not None and words else 0.0

    clauses = [c.id for c in unit.claims if not is_event_word_claim(c) and not _infinitive(c, text)]
    best = max(map(match, clauses), default=0.0)
    if best <= match(unit.claim):
        return unit.claim
    return next(c for c in clauses if match(c) == best)


def _row_match(claim: Claim, text: str, row_words: set[str]) -> float:
    """How well a clause says a row's words: F1 of their content words."""
    return words_f1(content_words(text[claim.start : claim.end]), row_words)


def _tells_row(claim: Claim, text: str, row_words: set[str]) -> bool:
    """Whether a clause tells a row's fact in words of its own (``_row_match`` at least
    ``TELLS_ROW``), not another part of its sentence."""
    return _row_match(claim, text, row_words) >= TELLS_ROW


def _name_key(concept: str, text: str) -> str:
    if concept:
        return concept
    words = re.sub(r"^(the|a|an) ", "", text.lower().replace("’s", "").replace("'s", ""))
    return "t:" + " ".join(words.split())


def make_unit(
    article: Article,
    analysis: ArticleAnalysis,
    start: int,
    end: int,
    index: int,
    position: float,
    claim: str,
    claims: Sequence[Claim] = (),
) -> FactUnit:
    """The fact unit over [start, end) of an article: its words, names, numbers, days and
    whether it is a quotation (and whose)."""

    def inside(s: int, e: int) -> bool:
        return start <= s and e <= end

    text = article.text[start:end]
    full = [c for c in claims if not is_event_word_claim(c)]
    mentions = [m for m in analysis.mentions if m.label in _NAME_LABELS and inside(m.start, m.end)]
    # Quotations overlapping the unit: one may run over several sentences.
    quotes = [q for q in analysis.quotes if q.start < end and start < q.end]
    quoted_chars = sum(min(end, q.end) - max(start, q.start) for q in quotes if q.direct)
    return FactUnit(
        article=article.id,
        sentence=index,
        position=position,
        start=start,
        end=end,
        text=text,
        claim=claim,
        words=content_words(text),
        names={_name_key(m.concept, m.text) for m in mentions},
        name_words={w for m in mentions for w in content_words(m.text)},
        places=_places(text, analysis),
        numbers=[q for q in analysis.quantities if inside(q.start, q.end)],
        quoted=quoted_chars >= QUOTED_SHARE * max(len(text.strip()), 1),
        speaker=next((q.speaker for q in quotes if q.speaker), ""),
        claims=full,
        antecedent=max(
            (
                (m.end, m.concept, m.text)
                for m in analysis.mentions
                if m.label == "PERSON" and m.end <= start
            ),
            default=(0, "", ""),
        )[1:],
        predicates={predicate_key(c) for c in full} - _GENERAL_PREDICATES,
        subjects={head_key(c.subject_concept, c.subject) for c in full if c.subject.strip()},
        days={
            f"{interval[0]}"
            for t in analysis.times
            if inside(t.start, t.end) and t.granularity == "day"
            for interval in [time_interval(t)]
            if interval
        },
        times=[t for t in analysis.times if inside(t.start, t.end)],
    )


def _places(text: str, analysis: ArticleAnalysis) -> list[str]:
    """The places a sentence names: those its article's entities name as a place anywhere
    ("Norwalk" makes "the Norwalk event" a place), not a dateline's capitals ("WASHINGTON —")
    nor an all-capital acronym the tagger took for one ("NRA")."""
    names = {
        m.text
        for m in analysis.mentions
        if m.label in PLACE_LABELS and m.text[:1].isupper() and not m.text.isupper()
    }
    return sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", text))


def story_units(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis]
) -> list[list[FactUnit]]:
    """The fact units of each article, in article order: its sentences that carry a claim."""
    by_article = {a.article: a for a in analyses}
    out: list[list[FactUnit]] = []
    for article in articles:
        analysis = by_article.get(article.id)
        units: list[FactUnit] = []
        if analysis is not None:
            total = max(len(analysis.sentences), 1)
            for sentence in analysis.sentences:
                claims = [
                    c
                    for c in analysis.claims
                    if sentence.start <= c.start and c.end <= sentence.end
                ]
                claim = _representative(claims, article.text)
                if claim is not None:
                    units.append(
                        make_unit(
                            article,
                            analysis,
                            sentence.start,
                            sentence.end,
                            sentence.index,
                            sentence.index / total,
                            claim.id,
                            claims,
                        )
                    )
        out.append(units)
    return out


def story_rarity(units: Sequence[Sequence[FactUnit]]) -> dict[str, float]:
    """How rare each content word is among the units (inverse document frequency)."""
    frequency: dict[str, int] = {}
    for article_units in units:
        for unit in article_units:
            for word in unit.words:
                frequency[word] = frequency.get(word, 0) + 1
    n_units = sum(len(u) for u in units) or 1
    return {w: math.log((n_units + 1) / (c + 0.5)) for w, c in frequency.items()}


def _number_keys(unit: FactUnit) -> set[str]:
    return {f"{q.unit}:{q.value:g}" for q in unit.numbers}


def _binary(sets: Sequence[set[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), max(len(vocabulary), 1)), dtype=np.float32)
    for row, items in enumerate(sets):
        for item in items:
            matrix[row, vocabulary[item]] = 1.0
    return matrix


def _vocabulary(*groups: Sequence[set[str]]) -> dict[str, int]:
    items = sorted({x for group in groups for s in group for x in s})
    return {x: i for i, x in enumerate(items)}


def _ranks(similarity: np.ndarray, axis: int) -> np.ndarray:
    order = np.argsort(-similarity, axis=axis, kind="stable")
    return np.argsort(order, axis=axis, kind="stable").astype(np.float32)


@dataclass
class PairBlock:
    """The scored candidate pairs of two articles: unit indices and their features."""

    left: int  # article index
    right: int
    pairs: np.ndarray  # (k, 2) unit indices into each article's units
    features: np.ndarray  # (k, len(FEATURES))


def candidate_pairs(
    units: Sequence[Sequence[FactUnit]],
    vectors: Sequence[np.ndarray],
    pieces: Sequence[Sequence[ContentPieces]],
    settings: FactSettings = DEFAULT.facts,
    clauses: Sequence[Clauses] | None = None,
) -> list[PairBlock]:
    """Features of every pair of units of two different articles that is among either
    unit's ``settings.candidates`` nearest neighbours in the other article."""
    rarity = story_rarity(units)
    blocks: list[PairBlock] = []
    for a in range(len(units)):
        for b in range(a + 1, len(units)):
            if units[a] and units[b]:
                blocks.append(
                    pair_block(
                        a,
                        b,
                        units[a],
                        units[b],
                        vectors[a],
                        vectors[b],
                        (pieces[a], pieces[b]),
                        rarity,
                        settings,
                        (clauses[a], clauses[b]) if clauses is not None else None,
                    )
                )
    return blocks


def pair_block(
    a: int,
    b: int,
    left: Sequence[FactUnit],
    right: Sequence[FactUnit],
    va: np.ndarray,
    vb: np.ndarray,
    pieces: tuple[Sequence[ContentPieces], Sequence[ContentPieces]],
    rarity: dict[str, float],
    settings: FactSettings,
    clauses: tuple[Clauses, Clauses] | None = None,
) -> PairBlock:
    """Features of the candidate pairs of two articles' units (see ``FEATURES``). Without
    ``clauses`` each sentence is its only clause."""
    cosine = va @ vb.T
    if clauses is None:
        closest = cosine
    else:
        (ca, starts_a), (cb, starts_b) = clauses
        closest = np.maximum.reduceat(
            np.maximum.reduceat(ca @ cb.T, starts_a, axis=0), starts_b, axis=1
        )
    row_rank = _ranks(cosine, 1)
    col_rank = _ranks(cosine, 0)
    rank_min = np.minimum(row_rank, col_rank)
    keep = np.argwhere(rank_min < settings.candidates)
    i, j = keep[:, 0], keep[:, 1]
    words = _vocabulary([u.words for u in left], [u.words for u in right])
    weights = np.zeros(max(len(words), 1), dtype=np.float32)
    for word, k in words.items():
        weights[k] = rarity.get(word, 0.0)
    wa = _binary([u.words for u in left], words)
    wb = _binary([u.words for u in right], words)
    shared = (wa * weights) @ wb.T
    mass_a = wa @ weights
    mass_b = wb @ weights
    union = mass_a[:, None] + mass_b[None, :] - shared
    names = _vocabulary([u.names for u in left], [u.names for u in right])
    names_shared = (
        _binary([u.names for u in left], names) @ _binary([u.names for u in right], names).T
    )
    nwords = _vocabulary([u.name_words for u in left], [u.name_words for u in right])
    na = _binary([u.name_words for u in left], nwords)
    nb = _binary([u.name_words for u in right], nwords)
    nw_shared = na @ nb.T
    nw_union = na.sum(1)[:, None] + nb.sum(1)[None, :] - nw_shared
    nums = _vocabulary([_number_keys(u) for u in left], [_number_keys(u) for u in right])
    ma = _binary([_number_keys(u) for u in left], nums)
    mb = _binary([_number_keys(u) for u in right], nums)
    num_shared = ma @ mb.T
    has_a, has_b = ma.sum(1) > 0, mb.sum(1) > 0
    length_a = np.log1p(np.array([len(u.words) for u in left], dtype=np.float32))
    length_b = np.log1p(np.array([len(u.words) for u in right], dtype=np.float32))
    pos_a = np.array([u.position for u in left], dtype=np.float32)
    pos_b = np.array([u.position for u in right], dtype=np.float32)
    idx_a = np.array([u.sentence for u in left], dtype=np.float32)
    idx_b = np.array([u.sentence for u in right], dtype=np.float32)
    quoted_a = np.array([u.quoted for u in left], dtype=np.float32)
    quoted_b = np.array([u.quoted for u in right], dtype=np.float32)
    gap_row = cosine - cosine.max(axis=1, keepdims=True)
    gap_col = cosine - cosine.max(axis=0, keepdims=True)
    pred_vocab = _vocabulary([u.predicates for u in left], [u.predicates for u in right])
    preds_shared = (
        _binary([u.predicates for u in left], pred_vocab)
        @ _binary([u.predicates for u in right], pred_vocab).T
    )
    subj_vocab = _vocabulary([u.subjects for u in left], [u.subjects for u in right])
    subj_shared = (
        _binary([u.subjects for u in left], subj_vocab)
        @ _binary([u.subjects for u in right], subj_vocab).T
    )
    day_vocab = _vocabulary([u.days for u in left], [u.days for u in right])
    days_shared = (
        _binary([u.days for u in left], day_vocab) @ _binary([u.days for u in right], day_vocab).T
    )
    speaker_a = [_speaker_key(u) for u in left]
    speaker_b = [_speaker_key(u) for u in right]
    same_speaker = np.array(
        [
            float(bool(speaker_a[x]) and speaker_a[x] == speaker_b[y])
            for x, y in zip(i, j, strict=True)
        ],
        dtype=np.float32,
    )
    columns = [
        cosine[i, j],
        rank_min[i, j],
        np.maximum(row_rank, col_rank)[i, j],
        np.minimum(gap_row, gap_col)[i, j],
        np.maximum(gap_row, gap_col)[i, j],
        np.minimum(pos_a[i], pos_b[j]),
        np.maximum(pos_a[i], pos_b[j]),
        np.minimum(idx_a[i], idx_b[j]),
        ((idx_a[i] == 0) & (idx_b[j] == 0)).astype(np.float32),
        shared[i, j] / np.maximum(union[i, j], 1e-6),
        shared[i, j] / np.maximum(np.minimum(mass_a[i], mass_b[j]), 1e-6),
        shared[i, j],
        names_shared[i, j],
        nw_shared[i, j] / np.maximum(nw_union[i, j], 1.0),
        num_shared[i, j],
        (has_a[i] & has_b[j] & (num_shared[i, j] == 0)).astype(np.float32),
        np.minimum(length_a[i], length_b[j]),
        np.maximum(length_a[i], length_b[j]),
        quoted_a[i] + quoted_b[j],
        preds_shared[i, j],
        subj_shared[i, j],
        days_shared[i, j],
        same_speaker,
        np.abs(pos_a[i] - pos_b[j]),
        closest[i, j],
    ]
    features = (
        np.concatenate(
            [
                np.stack(columns, axis=1).astype(np.float32),
                pair_piece_features(pieces[0], pieces[1], keep),
            ],
            axis=1,
        )
        if len(i)
        else np.zeros((0, len(FEATURES)), dtype=np.float32)
    )
    return PairBlock(a, b, keep.astype(np.int64), features)


def _speaker_key(unit: FactUnit) -> str:
    words = unit.speaker.lower().split()
    return words[-1] if words else ""


# One article's clause vectors: (clauses of all its units in unit order, index of each unit's
# first clause). A unit with no full claim has its sentence as its only clause.
Clauses = tuple[np.ndarray, np.ndarray]


def clause_vectors(units: Sequence[Sequence[FactUnit]]) -> list[Clauses]:
    """MiniLM vectors of every unit's clauses, one batch for the whole story."""
    from newsprism.analyze.embed import DIMENSIONS, get_embedder

    texts: list[str] = []
    layout: list[tuple[int, int, np.ndarray]] = []  # per article: first text, end, starts
    for article_units in units:
        begin = len(texts)
        first: list[int] = []
        for unit in article_units:
            first.append(len(texts) - begin)
            parts = [claim_words(c, unit).strip() for c in unit.claims]
            texts.extend([p for p in parts if p] or [unit.text])
        layout.append((begin, len(texts), np.array(first, dtype=np.int64)))
    flat = get_embedder().encode(texts) if texts else np.zeros((0, DIMENSIONS), np.float32)
    return [(flat[begin:end], first) for begin, end, first in layout]


def unit_encodings(
    units: Sequence[Sequence[FactUnit]],
) -> tuple[list[np.ndarray], list[list[ContentPieces]]]:
    """MiniLM vectors of every unit's sentence and, from the same pass, its content word
    pieces (see ``compare/pieces.py``): one batch for the whole story."""
    from newsprism.analyze.embed import DIMENSIONS, Pieces, get_embedder

    texts = [u.text for article_units in units for u in article_units]
    if texts:
        flat, pieces = get_embedder().encode_pieces(texts)
    else:
        flat, pieces = np.zeros((0, DIMENSIONS), np.float32), []
    vectors: list[np.ndarray] = []
    grouped: list[list[Pieces]] = []
    at = 0
    for article_units in units:
        vectors.append(flat[at : at + len(article_units)])
        grouped.append(pieces[at : at + len(article_units)])
        at += len(article_units)
    spans = [
        [[(c.start - u.start, c.end - u.start) for c in u.claims] for u in article_units]
        for article_units in units
    ]
    return vectors, content_pieces(grouped, spans)


@dataclass(frozen=True)
class Link:
    """Two units of different articles that share a fact, with the model's probability."""

    probability: float
    left: tuple[int, int]  # (article index, unit index)
    right: tuple[int, int]


def score_links(
    units: Sequence[Sequence[FactUnit]], model: FactModel, settings: FactSettings
) -> tuple[list[Link], dict[tuple[tuple[int, int], tuple[int, int]], float]]:
    """The linked pairs (probability at least the model's threshold), strongest first, and
    the probability of every scored pair."""
    vectors, pieces = unit_encodings(units)
    blocks = candidate_pairs(units, vectors, pieces, settings, clause_vectors(units))
    links: list[Link] = []
    scored: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}
    sizes = [len(u) for u in units]
    for block, probability in zip(
        blocks, model.story_probabilities(sizes, blocks, settings), strict=True
    ):
        for (i, j), p in zip(block.pairs.tolist(), probability.tolist(), strict=True):
            key = ((block.left, i), (block.right, j))
            scored[key] = p
            if p >= model.threshold:
                links.append(Link(p, key[0], key[1]))
    links.sort(key=lambda link: (-link.probability, link.left, link.right))
    # Each unit keeps its strongest few links to any one other article.
    count: dict[tuple[tuple[int, int], int], int] = {}
    kept: list[Link] = []
    for link in links:
        ends = ((link.left, link.right[0]), (link.right, link.left[0]))
        if all(count.get(end, 0) < settings.max_links for end in ends):
            kept.append(link)
            for end in ends:
                count[end] = count.get(end, 0) + 1
    chosen = set(kept)
    for dropped in (x for x in links if x not in chosen):
        scored[(dropped.left, dropped.right)] = 0.0
    return kept, scored


def pair_probability(
    scored: Mapping[tuple[tuple[int, int], tuple[int, int]], float],
    x: tuple[int, int],
    y: tuple[int, int],
) -> float:
    """The scored probability of two units in either order (0 for a pair never scored)."""
    return scored.get((x, y) if x < y else (y, x), 0.0)


def group_links(
    links: Sequence[Link],
    scored: dict[tuple[tuple[int, int], tuple[int, int]], float],
    threshold: float,
) -> list[list[tuple[int, int]]]:
    """Groups of units, at most one per article, every two of them linked. Strongest links
    first: a link joins the group of one of its units when its other unit is linked to every
    member; otherwise it starts a group of its own. A unit may be in several groups (a
    sentence may state several facts). Deterministic."""

    def linked(x: tuple[int, int], y: tuple[int, int]) -> bool:
        return pair_probability(scored, x, y) >= threshold

    groups: list[list[tuple[int, int]]] = []
    member_of: dict[tuple[int, int], list[int]] = {}
    for link in links:
        placed = False
        for unit, other in ((link.left, link.right), (link.right, link.left)):
            for g in member_of.get(unit, []):
                group = groups[g]
                if other in group:
                    placed = True
                    break
                if any(m[0] == other[0] for m in group):
                    continue
                if all(linked(other, m) for m in group):
                    group.append(other)
                    member_of.setdefault(other, []).append(g)
                    placed = True
                    break
            if placed:
                break
        if not placed:
            groups.append([link.left, link.right])
            member_of.setdefault(link.left, []).append(len(groups) - 1)
            member_of.setdefault(link.right, []).append(len(groups) - 1)
    return [sorted(g) for g in groups]


def merge_overlapping(
    groups: Sequence[list[tuple[int, int]]],
    scored: Mapping[tuple[tuple[int, int], tuple[int, int]], float],
    floor: float,
) -> list[list[tuple[int, int]]]:
    """One row for one fact: two groups that share a sentence become one when every pair of
    sentences of different articles that the merge brings together was scored at least
    ``floor`` by the model, though under its threshold to link. The letter "all 42 members
    of the GOP caucus" sent to Reid, linked Fox/Times and Fox/HuffPost, is one row rather
    than two rows labelled alike. The best-supported merge first (by its weakest new pair),
    then the groups it changed are weighed again. For agreed facts only. Deterministic."""

    Unit = tuple[int, int]

    def support(a: set[Unit], b: set[Unit]) -> float | None:
        weakest, weighed = 1.0, False
        for x in a - b:
            for y in b - a:
                if x[0] == y[0]:
                    continue
                p = pair_probability(scored, x, y)
                if p < floor:
                    return None
                weakest, weighed = min(weakest, p), True
        # Groups that differ only in one article's sentences have no new pair to weigh: one
        # inside the other is the same row, else they are left to merge_alike.
        return weakest if weighed or a <= b or b <= a else None

    live = {i: set(g) for i, g in enumerate(groups)}
    version = dict.fromkeys(live, 0)
    holders: dict[Unit, set[int]] = {}
    for i, members in live.items():
        for unit in members:
            holders.setdefault(unit, set()).add(i)
    heap: list[tuple[float, int, int, int, int]] = []

    def weigh(i: int) -> None:
        for j in sorted(set().union(*(holders[u] for u in live[i])) - {i}):
            s = support(live[i], live[j])
            if s is not None:
                a, b = min(i, j), max(i, j)
                heapq.heappush(heap, (-s, a, b, version[a], version[b]))

    for i in sorted(live):
        weigh(i)
    while heap:
        _, i, j, vi, vj = heapq.heappop(heap)
        if i not in live or j not in live or (version[i], version[j]) != (vi, vj):
            continue
        for unit in live[j]:
            holders[unit].discard(j)
            holders[unit].add(i)
        live[i] |= live.pop(j)
        version[i] += 1
        weigh(i)
    return [sorted(live[i]) for i in sorted(live)]


def merge_alike(groups: Sequence[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """One row for what the other outlets state once: groups whose members are the same but
    for one article's sentences become one, whose cell for that article cites them all. An
    outlet tells over two sentences ("met with Guterres" / "spoke with Guterres behind closed
    doors on Thursday evening", each linked to "intends to hold a meeting with Guterres") or
    in two places of its story what another states in one sentence; two rows labelled by that
    one sentence would read as the same row twice. Every cross-article pair of the merged
    group is a pair of one of the groups, so it links nothing new. For agreed facts only: a
    contradiction names its sentences exactly. Deterministic."""

    Unit = tuple[int, int]
    merged = [sorted(set(g)) for g in groups]
    while True:
        # Groups alike but for one article, by that article and what they share elsewhere.
        buckets: dict[tuple[tuple[Unit, ...], int], list[int]] = {}
        for i, group in enumerate(merged):
            for article in sorted({a for a, _ in group}):
                rest = tuple(m for m in group if m[0] != article)
                buckets.setdefault((rest, article), []).append(i)
        used: set[int] = set()
        into: dict[int, list[int]] = {}  # first group of a bucket -> the groups merged into it
        for _, members in sorted(buckets.items()):
            free = [i for i in members if i not in used]
            if len(free) > 1:
                into[min(free)] = free
                used.update(free)
        if not into:
            return merged
        gone = {i for run in into.values() for i in run if i != min(run)}
        merged = [
            sorted({m for k in into[i] for m in merged[k]}) if i in into else group
            for i, group in enumerate(merged)
            if i not in gone
        ]


def _readable(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


_PRONOUNS = frozenset({"he", "she", "they"})
_TRAILING = re.compile(r"[\s,;:—-]*(?:\b(?:and|but|or|as|while|which|who))?[\s,;:—-]*$")
# A shared row cut short of a sentence's own clauses keeps at least this many content words.
_MIN_LABEL_WORDS = 3
# The words before a relative or coordinated clause, where a row's words may be cut.
_JOINED = re.compile(r"(?:,\s*(?:who|which)|\b(?:and|but))\s*$")
# A relative clause whose verb holds the clause cut (", which saw [dozens of leaders gather]").
_RELATIVE_VERB = re.compile(r",\s*(?:who|which)\s+[a-z]+\s*$")


def _clause(
    unit: FactUnit, article: Article, names: dict[str, str], drop: Sequence[Claim] = ()
) -> str:
    """The words of a row: the unit's main clause when it opens the sentence, is the outlet's
    own statement, says something alone (at least five content words), is complete (the
    sentence goes on after it at a comma, a dash or a coordination: not "is seen as an
    opportunity [to demonstrate ...]") and is not a small part of the sentence; else the whole
    sentence. Clauses in ``drop`` (what the sentence says beyond a shared fact, listed as
    rows of their own) are cut when they end it: the shared row "Putin met with Guterres" rather
    than "..., who visited Russia for the first time in over two years", "Putin spoke with
    Guterres ..., the final day of the summit" rather than "..., which saw dozens of world
    leaders gather in Kazan ...". A pronoun subject at
    the start is replaced by the name it refers to ("He urged" -> "Guterres urged"): its linked
    concept, else for "he" or "she" the person last named before the sentence."""
    claim = next((c for c in unit.claims if c.id == unit.claim), None)
    start, end = unit.start, unit.end
    opens = claim is not None and claim.start <= unit.start + 2
    dropped = {c.id for c in drop}
    if claim is not None:
        own = not claim.attribution and not unit.quoted and not unit.speaker
        whole = claim.end - claim.start >= 0.5 * len(unit.text.strip())
        complete = ends_naturally(article.text[claim.end : unit.end])
        words = content_words(_TRAILING.sub("", article.text[claim.start : claim.end]))
        if own and opens and whole and complete and len(words) >= 5:
            start, end = claim.start, claim.end
    for part in sorted(drop, key=lambda c: c.start):
        before = article.text[start : part.start]
        held = _RELATIVE_VERB.search(before)
        cut = start + held.start() if held else part.start
        kept = _TRAILING.sub("", article.text[start:cut])
        # The part ends the words: nothing after it but other such parts, or its purpose
        # ("who visited Russia ... [to attend the summit]").
        after = [c for c in unit.claims if part.start < c.start < end and c.id != part.id]
        ends = all(c.id in dropped or claim_words(c, unit).lower().startswith("to ") for c in after)
        # It is joined as a relative clause or a coordinated one ("..., who visited", "and
        # called for", "..., which saw [it]"), not a clause of its own that the kept words
        # lean on.
        relative = before.rstrip().endswith(",") and claim_words(part, unit).lower().startswith(
            ("who ", "which ")
        )
        at_boundary = relative or held is not None or bool(_JOINED.search(before))
        # What is left keeps a clause with its subject ("Pointing to his time as a recovering
        # alcoholic" is no statement without "the host urged ...").
        stated = any(
            c.subject.strip()
            and c.id not in dropped
            and c.predicate_start is not None
            and start <= c.predicate_start < cut
            for c in unit.claims
        )
        if (
            start < cut < end
            and ends
            and at_boundary
            and stated
            and len(content_words(kept)) >= _MIN_LABEL_WORDS
        ):
            end = cut
            break
    text = _untied(_TRAILING.sub("", article.text[start:end].strip()))
    first = text.split(" ", 1)
    if claim is None or len(first) < 2 or first[0].lower() not in _PRONOUNS:
        return text
    name = names.get(claim.subject_concept, "") if opens else ""
    if not name and first[0].lower() in ("he", "she"):
        name = names.get(unit.antecedent[0], "") or unit.antecedent[1]
    return f"{_surname(name)} {first[1]}" if name and fits(first[0], name) else text


def fits(pronoun: str, name: str) -> bool:
    """Whether a name can stand for a pronoun as far as its title tells: "she" is no "Mr.
    Trump", "he" no "Mrs. Clinton" (the parse has no gender, the newspapers' titles do)."""
    title = name.split(" ", 1)[0].lower().rstrip(".")
    if pronoun.lower() in ("she", "her"):
        return title != "mr"
    if pronoun.lower() in ("he", "him", "his"):
        return title not in ("mrs", "ms", "miss")
    return True


_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _surname(name: str) -> str:
    """The word a report calls a person by after first naming them: "Jesse Jackson Jr." ->
    "Jackson"."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(",") in _NAME_SUFFIXES:
        words.pop()
    return words[-1].rstrip(",")


def _untied(text: str) -> str:
    """Words without an opening "But", "Instead," that ties them to the sentence before,
    which the row does not show ("But Brat unseated ..." -> "Brat unseated ...")."""
    tie = CONNECTIVE.match(text)
    if not tie or tie.end() >= len(text):
        return text
    text = text[tie.end() :]
    at = len(text) - len(text.lstrip(QUOTE_CHARS))  # 'But “we will' -> '“We will'
    if at < len(text) and text[at:].split(" ", 1)[0].islower():  # not "eBay"
        text = text[:at] + text[at].upper() + text[at + 1 :]
    return text


def fact_label(
    unit: FactUnit,
    article: Article,
    names: dict[str, str],
    settings: FactSettings,
    drop: Sequence[Claim] = (),
) -> str:
    """A row's words: the unit's main clause (else its sentence), short, without a dateline
    or an update note before it, with the speaker named when it is a quotation ("Putin
    (quoted): ...") and a quotation it opens closed."""
    words = _clause(unit, article, names, drop)
    note = opening_note(words, unit.sentence == 0)  # "WASHINGTON — " is no fact
    words = _untied(words[note:]) if note else words  # "WASHINGTON — But ..."
    text = _readable(words, settings.label_chars)
    text = _balanced(text)
    speaker = unit.speaker
    if speaker.lower() in _PRONOUNS | {"it"}:
        # "he said": the person last named; "they wrote", "it said": no one named.
        named = speaker.lower() in ("he", "she")
        person = (names.get(unit.antecedent[0], "") or unit.antecedent[1]) if named else ""
        speaker = person if fits(speaker, person) else ""
    if unit.quoted and not speaker:
        return f"Quoted: {text}"  # no speaker found: still no statement of the outlet's own
    if unit.quoted and speaker.lower() not in text.lower():
        return f"{_balanced(speaker)} (quoted): {text}"
    return text


def _balanced(text: str) -> str:
    """Words whose double quotation marks pair up, straight or curly: a quotation running on
    past the words is closed ('"You've been debating a coin.' -> '... coin."', 'calling the
    incident a "prank' -> '... "prank"'), one begun before them is opened ('... coin?" Obama
    said.' -> '"... coin?" Obama said.')."""
    depth, unopened, last = 0, "", '"'
    for at, ch in enumerate(text):
        if ch not in '"“”':
            continue
        before = text[at - 1] if at else " "
        if ch == '"' and before.isdigit():
            continue  # inches: 'a 5" screen'
        opening = ch == "“" or (ch == '"' and (before.isspace() or before in "([—–-"))
        if opening:
            depth, last = depth + 1, ch
        elif depth:
            depth -= 1
        elif not unopened:
            unopened = "“" if ch == "”" else '"'
    if unopened:
        text = unopened + text
    if depth > 0:
        text += "”" if last == "“" else '"'
    return text


def _own_part(unit: FactUnit, shared: set[str], settings: FactSettings) -> list[Claim]:
    """The clauses of a sentence that states a shared fact which say something its partners
    do not: "(Guterres,) who visited Russia for the first time in over two years" beside the
    shared "Putin met Guterres". The outlet's own statements only, not a purpose ("to attend
    ..."), at least ``min_single_words`` content words, most of them absent from the partners;
    a clause inside one already listed is not listed again."""
    if unit.quoted:
        return []
    out: list[Claim] = []
    for claim in unit.claims:
        if claim.id == unit.claim or claim.attribution or claim.quoted:
            continue
        text = claim_words(claim, unit).strip()
        words = content_words(text)
        if len(words) < settings.min_single_words or text.lower().startswith("to "):
            continue
        before = unit.text[: claim.start - unit.start]
        if _UNASSERTED.search(before):
            continue  # "[until] the chamber resolves budget measures": no statement
        if _purpose_goes_on(claim, unit):
            continue  # "to pay for living expenses and [buy items]": a purpose too
        if _ASKED.match(text) or _participle(claim, unit):
            continue  # "how immigration laws should be enforced", "[a letter] citing ..."
        own = len(words - shared) >= settings.own_part_share * len(words)
        if own and not any(c.start <= claim.start and claim.end <= c.end for c in out):
            out.append(claim)
    return out


def _participle(claim: Claim, unit: FactUnit) -> bool:
    """Whether a clause is a participle phrase or a small clause, no statement ("[a bizarre
    episode] threatening his dream of becoming mayor", "[Mr. Ryan] even trying to soften his
    image", "[to help] him stand out"): it opens with a word in "-ing" that is not its
    subject, or its subject is an object pronoun."""
    if claim.subject.lower() in _OBJECT_PRONOUNS:
        return True
    words = [
        w
        for w in claim_words(claim, unit).lower().split()
        if w not in _ADVERBS and not w.endswith("ly")  # "simultaneously mocking them ..."
    ]
    return bool(words) and words[0].endswith("ing") and words[0] not in claim.subject.lower()


_OBJECT_PRONOUNS = frozenset({"him", "them", "me", "us"})
_ADVERBS = frozenset({"even", "also", "still", "just", "now", "then", "not", "only"})


def _purpose_goes_on(claim: Claim, unit: FactUnit) -> bool:
    """Whether a clause continues a purpose or a plan ("to pay for living expenses and buy
    items"): it opens with its verb in the bare form, no subject of its own, and the words
    before it in its part of the sentence are "to <verb> ... and" (or "or")."""
    words = claim_words(claim, unit).split(" ", 1)
    if claim.predicate_start != claim.start or words[0].lower() != claim.predicate:
        return False
    return _TO_AND.search(unit.text[: claim.start - unit.start]) is not None


_TO_AND = re.compile(r"\bto\s+[a-z]+\b[^,;.:]*\b(?:and|or)\s*$", re.IGNORECASE)


def claim_words(claim: Claim, unit: FactUnit) -> str:
    """The words of a claim's clause (its span inside the unit's sentence)."""
    return unit.text[claim.start - unit.start : claim.end - unit.start]


_RELATIVE = frozenset({"who", "which", "that"})
# A clause these open is a condition or a time still to come, not something the outlet states.
_UNASSERTED = re.compile(r"\b(?:if|unless|until|till|whether|lest|once)\s*$", re.I)


# Words that open a clause before its subject: "[when] conservatives ousted ...", "[in
# which] some joint filers incur ..."; the clause states what follows them.
_OPENERS = re.compile(
    r"^(?:when|while|where|whereas|after|before|because|since|although|though|as|"
    r"(?:in|of|by|under|for|to|with|from|at|on) (?:which|whom))\s+",
    re.IGNORECASE,
)
# A clause these open asks or names something ("how much an endorsement will help him",
# "what critics call amnesty"): no statement of its own.
_ASKED = re.compile(r"^(?:how|what|whether|why|whatever|whoever)\b", re.IGNORECASE)


def _resolved(claim: Claim, clause: str, names: dict[str, str]) -> str:
    """A clause that starts with a pronoun or a relative pronoun ("who visited Russia"), or
    with its verb ("called for a ceasefire", its subject said earlier in the sentence), begun
    with the name of its subject ("Antonio Guterres visited ..."): the name it goes by when
    it is a proper name, else the subject's own words ("The June decision left open ...",
    not "decision left open ..."). A clause that names its subject after a relative or a
    conjunction keeps that subject ("[when] conservatives ousted ..."), or names it for its
    pronoun ("[when] he visited ..." -> "Mr. Obama visited ...")."""
    words = clause.split(" ", 1)
    subject = claim.subject.strip()
    name = names.get(claim.subject_concept, "")
    if (not name[:1].isupper() and subject.lower() not in _RELATIVE) or not fits(subject, name):
        name = subject  # "they [may be required to file ...]": at least its own pronoun
    opener = _OPENERS.match(clause)
    rest = clause[opener.end() :] if opener else ""
    if rest and (
        (subject and rest.lower().startswith(subject.lower()))
        or rest.split(" ", 1)[0].lower() in _PRONOUNS  # "when he visited ...": his name
    ):
        clause, words = rest, rest.split(" ", 1)
    if len(words) == 2 and words[0].lower() in _RELATIVE | _PRONOUNS:
        follows = subject and words[1].lower().startswith(subject.lower())
        if words[0].lower() in _RELATIVE and follows:
            clause = words[1]  # "[the time] that Mr. Jackson was dipping ...": its subject next
        elif name:
            # "she" is no "Mr. Trump": the pronoun stays
            return _capital(f"{name} {words[1]}" if fits(words[0], name) else clause)
    if name and subject and subject.lower() not in clause.lower():
        return _capital(f"{name} {clause}")  # a clause sharing the sentence's subject
    return _capital(clause)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def align_facts(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    concepts: Sequence[Concept],
    settings: FactSettings = DEFAULT.facts,
    model: FactModel | None = None,
) -> list[Alignment]:
    """The facts of a story: groups of sentences of different outlets stating the same fact
    (``agreed``, or ``contradicted`` with the values named), then each sentence no other
    outlet matches (``single``). Ids "f1", "f2", ... in order of the first article and
    sentence of each."""
    names = {c.id: c.name for c in concepts}
    by_article = {a.id: a for a in articles}
    model = model or load_model(settings.model_file)
    units = story_units(articles, analyses)
    links, scored = score_links(units, model, settings)
    groups = group_links(links, scored, model.threshold)
    claims = {c.id: c for an in analyses for c in an.claims}
    order = {a.id: publication_order(a, i) for i, a in enumerate(articles)}
    outlets = {a.id: a.outlet or a.title or a.id for a in articles}
    texts = {a.id: a.text for a in articles}
    rows: list[tuple[tuple[int, int, int], Alignment]] = []
    judged = []
    for group in groups:
        strong = [
            (units[x[0]][x[1]], units[y[0]][y[1]])
            for n, x in enumerate(group)
            for y in group[n + 1 :]
            if scored.get((x, y), 0.0) >= settings.conflict_min_probability
        ]
        judged.append((group, values_conflict(strong, outlets, texts, settings)))
    agreed = merge_alike(
        merge_overlapping(
            [g for g, (conflicts, _, _) in judged if not conflicts],
            scored,
            settings.merge_min_probability,
        )
    )
    judged = [(g, v) for g, v in judged if v[0]] + [(g, ([], [], [])) for g in agreed]
    # What each grouped sentence says beyond the facts it shares, with the partners of its
    # rows as shown (merged): rows of its own, and cut from the shared rows' words.
    partners: dict[tuple[int, int], set[str]] = {}
    for group, _ in judged:
        for member in group:
            words = partners.setdefault(member, set())
            for other in group:
                if other[0] != member[0]:  # other outlets' sentences, not its neighbours
                    words |= units[other[0]][other[1]].words
    own_parts = {
        member: _own_part(units[member[0]][member[1]], words, settings)
        for member, words in partners.items()
    }
    # In the order of the text, so that the first of two rows alike keeps its words.
    judged.sort(key=lambda item: (item[0][0][0], units[item[0][0][0]][item[0][0][1]].start))
    used: set[str] = set()
    shown: dict[tuple[int, int], set[str]] = {}  # the words of the row a sentence labels
    for group, (conflicts, details, disputed) in judged:
        members = [units[a][u] for a, u in group]
        drops = [own_parts[member] for member in group]
        clauses = [
            _clause(m, by_article[m.article], names, drop)
            for m, drop in zip(members, drops, strict=True)
        ]
        # A contradiction is labelled by one of its sides, not by an outlet that gives no value;
        # a row by a sentence linked to each other article of it (a merged row's core), its
        # shortest clause that no row before it already reads.
        linked = [
            len(
                {
                    y[0]
                    for y in group
                    if y[0] != x[0] and pair_probability(scored, x, y) >= model.threshold
                }
            )
            for x in group
        ]
        ranked = sorted(
            range(len(members)),
            key=lambda k: (
                bool(disputed) and members[k].article not in disputed,
                clauses[k].rstrip(QUOTE_CHARS + " ").endswith("?"),  # a question states nothing
                -linked[k],
                len(clauses[k]),
                order[members[k].article],
            ),
        )
        sides = [k for k in ranked if not disputed or members[k].article in disputed]
        labels = (
            (k, fact_label(members[k], by_article[members[k].article], names, settings, drops[k]))
            for k in sides or ranked
        )
        first = next(labels)
        source, label = (
            first if first[1] not in used else next((x for x in labels if x[1] not in used), first)
        )
        used.add(label)
        label_words = content_words(label)
        shown.setdefault(group[source], set()).update(label_words)
        # Each sentence's claim that states the row's fact leads its claims: the cell's status
        # and the development are that claim's, not its sentence's first clause's.
        stating = [
            m.claim if k == source else _stating(m, label_words, claims, texts)
            for k, m in enumerate(members)
        ]
        # The sentence the row's words come from leads: its first claim is the row's clause.
        cited = [
            [stating[k], *(c for c in members[k].cited() if c != stating[k])]
            for k in [source, *(k for k in range(len(members)) if k != source)]
        ]
        # A development is told by the outlets' own reports: a quotation's "will" is its
        # speaker's (Rice's "It's destructive ..." is no plan that later happened); and by
        # clauses that tell the row's fact, not another part of a loosely linked sentence
        # ("he would ban state-funded travel" is no plan of "Murray issued his ban").
        status_change = develops(
            [
                (by_article[m.article].published, claims[claim].status)
                for m, claim in sorted(
                    zip(members, stating, strict=True), key=lambda x: order[x[0].article]
                )
                if claim in claims
                and not m.quoted
                and not claims[claim].quoted
                and _tells_row(claims[claim], texts[m.article], label_words)
            ]
        )
        rows.append(
            (
                (group[0][0], members[0].start, 0),
                Alignment(
                    id="",
                    relation="contradicted" if conflicts else "agreed",
                    claims=[c for ids in cited for c in ids],
                    articles=sorted({m.article for m in members}),
                    label=label,
                    conflicts=conflicts,
                    detail="; ".join(details),
                    status_change=status_change,
                    disputed=disputed,
                ),
            )
        )
    rows.extend(_setting_rows(articles, analyses, concepts, units))
    for a, article_units in enumerate(units):
        for u, unit in enumerate(article_units):
            if (a, u) in own_parts:
                for claim in own_parts[(a, u)]:
                    clause = by_article[unit.article].text[claim.start : claim.end]
                    if content_words(clause) <= shown.get((a, u), set()):
                        continue  # the shared row this sentence labels reads it already
                    rows.append(
                        (
                            (a, claim.start, 1),
                            Alignment(
                                id="",
                                relation="single",
                                claims=[claim.id],
                                articles=[unit.article],
                                label=_balanced(
                                    _resolved(claim, _TRAILING.sub("", clause.strip()), names)
                                ),
                            ),
                        )
                    )
                continue
            if len(unit.words) < settings.min_single_words:
                continue
            rows.append(
                (
                    (a, unit.start, 1),
                    Alignment(
                        id="",
                        relation="single",
                        claims=unit.cited(),
                        articles=[unit.article],
                        label=fact_label(unit, by_article[unit.article], names, settings),
                    ),
                )
            )
    rows.sort(key=lambda row: row[0])
    out = []
    for k, (_, alignment) in enumerate(rows, start=1):
        alignment.id = f"f{k}"
        out.append(alignment)
    return out


def develops(reports: Sequence[tuple[datetime | None, Status]]) -> bool:
    """Whether reports of one fact, in publication order, tell a development: planned in the
    first, held (or under way, or called off) in the last, published later. Reports published
    at one time (BASIL gives days only) or at unknown times differ in how they read, not in
    what had happened by then."""
    if len(reports) < 2:
        return False
    (first, before), (last, after) = reports[0], reports[-1]
    return (
        before == "planned"
        and after != "planned"
        and first is not None
        and last is not None
        and first.timestamp() < last.timestamp()  # one naive, one aware: as publication_order
    )


def _setting_rows(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    concepts: Sequence[Concept],
    units: Sequence[Sequence[FactUnit]],
) -> list[tuple[tuple[int, int, int], Alignment]]:
    """The occasions several articles set alike (``compare/setting.py``) as agreed rows of kind
    "setting". Each article's cell cites, sentence by sentence, the event word's claim of the
    occasion (or else the narrowest clause naming it), a dated one first: an occasion one outlet
    dates ahead of its publication and a later one reports held is a development."""
    at = {(a, unit.sentence): unit for a, units_of in enumerate(units) for unit in units_of}
    quoted = {key for key, unit in at.items() if unit.quoted}
    by_id = {c.id: c for an in analyses for c in an.claims}
    words: dict[str, list[Claim]] = {}  # article id -> its event-word claims
    for an in analyses:
        for c in an.claims:
            if is_event_word_claim(c) and c.predicate_start is not None:
                words.setdefault(c.article, []).append(c)
    order = {a.id: publication_order(a, i) for i, a in enumerate(articles)}
    published = {a.id: a.published for a in articles}
    rows = []
    for setting in occasion_settings(articles, analyses, concepts, quoted):
        cited: dict[str, list[Claim]] = {}
        for a, sentence, start, end in setting.mentions:
            article = articles[a].id
            unit = at.get((a, sentence))
            if unit is None:
                continue
            word = next(
                (c for c in words.get(article, []) if start <= (c.predicate_start or -1) < end),
                None,
            )
            if word is None:  # the narrowest clause that names the occasion
                holding = [c for c in unit.claims if c.start <= start and end <= c.end]
                if holding or unit.claims:
                    word = min(holding or unit.claims, key=lambda c: (c.end - c.start, c.start))
                else:  # a sentence of event words only: the one that stands for it
                    word = by_id[unit.claim]
            mine = cited.setdefault(article, [])
            if word not in mine:
                mine.append(word)
        if len(cited) < 2:
            continue
        for mine in cited.values():
            # The claim a cell shows: one that dates the occasion, else one that has it held.
            mine.sort(
                key=lambda c: (c.time is None or not c.time.value, c.status != "happened", c.start)
            )
        by_publication = sorted(cited, key=lambda article: order[article])
        reports = [(published[article], cited[article][0].status) for article in by_publication]
        rows.append(
            (
                (setting.mentions[0][0], setting.mentions[0][2], 0),
                Alignment(
                    id="",
                    relation="agreed",
                    claims=[c.id for a in articles if a.id in cited for c in cited[a.id]],
                    articles=sorted(cited),
                    label=setting_label(setting),
                    status_change=develops(reports),
                    kind="setting",
                ),
            )
        )
    return rows


_PLATEAU = 3  # steps of 0.01 either side that a threshold's score is averaged over


def _fit_logistic(features: np.ndarray, labels: np.ndarray, objective: str) -> Logistic:
    """A standardised logistic model (lbfgs: deterministic) with the threshold that best
    meets ``objective`` on the same pairs."""
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (features - mean) / scale
    fitted = LogisticRegression(C=1.0, max_iter=5000).fit(z, labels.astype(int))
    model = Logistic(
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in fitted.coef_[0]),
        float(fitted.intercept_[0]),
        0.5,
    )
    threshold = best_threshold(model.probability(features), labels, objective)
    return dataclasses.replace(model, threshold=threshold)


def fit_model(
    features: np.ndarray,
    labels: np.ndarray,
    trained_on: Sequence[str] = (),
    objective: str = "f1",
) -> FactModel:
    """The pairwise stage alone, fitted on labelled pairs with no story around them."""
    return FactModel(_fit_logistic(features, labels, objective), None, tuple(trained_on))


def fit_story_model(
    stories: Sequence[tuple[Sequence[int], Sequence[PairBlock], np.ndarray]],
    settings: FactSettings,
    trained_on: Sequence[str] = (),
) -> FactModel:
    """Both stages, fitted on labelled stories: (units per article, candidate blocks, the
    labels of their pairs in block order). The in-story stage reads the pairwise stage's
    probabilities on the same stories (a model of 34 weights barely overfits 70 triplets)."""
    features = np.concatenate([b.features for _, blocks, _ in stories for b in blocks])
    labels = np.concatenate([y for _, _, y in stories])
    pairwise = _fit_logistic(features, labels, "f1")
    rows = [
        f
        for sizes, blocks, _ in stories
        for f in story_features(
            sizes, blocks, [pairwise.probability(b.features) for b in blocks], settings
        )
    ]
    in_story = _fit_logistic(np.concatenate(rows), labels, "f1")
    return FactModel(pairwise, in_story, tuple(trained_on))


def best_threshold(probability: np.ndarray, labels: np.ndarray, objective: str = "f1") -> float:
    """The threshold (0.05 to 0.95 in steps of 0.01) with the best F1 (or accuracy) on these
    pairs, read off the curve averaged over the 0.03 either side: the middle of the best
    plateau (the lowest, where several are best), not its highest point, which moves from one
    training run to the next where the curve is flat (on the dev triplets F1 moves by under
    0.002 from 0.26 to 0.32)."""
    truth = labels.astype(bool)
    positives = max(int(truth.sum()), 1)
    thresholds = [step / 100 for step in range(5, 96)]
    scores: list[float] = []
    for threshold in thresholds:
        predicted = probability >= threshold
        if objective == "accuracy":
            scores.append(float((predicted == truth).mean()) if len(truth) else 0.0)
        else:
            scores.append(2 * int((predicted & truth).sum()) / (int(predicted.sum()) + positives))
    smoothed = [
        round(float(np.mean(scores[max(0, i - _PLATEAU) : i + _PLATEAU + 1])), 9)
        for i in range(len(scores))
    ]
    start = smoothed.index(max(smoothed))
    end = start
    while end + 1 < len(smoothed) and smoothed[end + 1] == smoothed[start]:
        end += 1
    return thresholds[(start + end) // 2]
