"""Claim alignment: group the claims of different articles that state the same thing.

Each pair of claims gets a probability of stating the same thing from a small logistic model
over named, explainable features (same predicate, predicate and clause embeddings, agreeing or
clashing subject / object / place, compatible times). Claims are grouped by average-link
agglomerative clustering over those probabilities. Each group becomes an ``Alignment``:
``single`` (one article), ``agreed`` or ``contradicted`` (with the conflicts named and the
difference said in words). An event that moves from planned to held between an earlier and a
later article is agreed, with ``status_change`` set.

This is event coreference (which mentions name one event), scored on ECB+ by ``eval
omissions``. What a comparison shows as the facts outlets share is sentence-level fact
alignment, ``compare/facts.py``, which reuses the time helpers here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

import numpy as np

from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    Claim,
    Concept,
    ConflictKind,
    Quantity,
    TimeExpr,
)
from newsprism.settings import DEFAULT, AlignSettings

# A light verb with an event noun as object names the noun's event: "hold a meeting" = "meet".
LIGHT_VERBS = {"hold", "have", "conduct", "make", "take", "give", "stage", "carry", "launch"}
EVENT_NOUN_VERBS = {
    "meeting": "meet",
    "talk": "talk",
    "talks": "talk",
    "discussion": "discuss",
    "visit": "visit",
    "attack": "attack",
    "speech": "speak",
    "statement": "state",
    "decision": "decide",
    "announcement": "announce",
    "vote": "vote",
    "raid": "raid",
    "strike": "strike",
    "negotiation": "negotiate",
    "call": "call",
    "trip": "travel",
}
# Predicates that cannot both be true of the same subject and object.
OPPOSITES = [
    ("win", "lose"),
    ("accept", "reject"),
    ("approve", "reject"),
    ("confirm", "deny"),
    ("rise", "fall"),
    ("increase", "decrease"),
    ("acquit", "convict"),
    ("agree", "refuse"),
    ("open", "close"),
    ("support", "oppose"),
]
_OPPOSITE = {frozenset(pair) for pair in OPPOSITES}
FEATURES = (
    "same_predicate",
    "predicate_similarity",
    "context_similarity",
    "argument_match",
    "argument_clash",
    "time_clash",
    "same_article",
)
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@dataclass(frozen=True)
class PairModel:
    """Weights of the pairwise logistic model, one per name in ``FEATURES``."""

    bias: float
    weights: tuple[float, ...]
    threshold: float = 0.5  # group while the average link probability is at least this


def predicate_key(claim: Claim) -> str:
    """The claim's predicate, with light-verb constructions read as their event noun's verb."""
    pred = claim.predicate.lower().strip()
    if pred in LIGHT_VERBS and claim.object:
        head = claim.object.lower().split()[-1] if claim.object.split() else ""
        for word in claim.object.lower().replace(",", " ").split():
            if word in EVENT_NOUN_VERBS:
                return EVENT_NOUN_VERBS[word]
        if head in EVENT_NOUN_VERBS:
            return EVENT_NOUN_VERBS[head]
    return EVENT_NOUN_VERBS.get(pred, pred)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("the ", " ").split())


def _argument(concept: str, text: str) -> str:
    return f"c:{concept}" if concept else (f"t:{_norm(text)}" if text.strip() else "")


def _args_compare(a: str, b: str) -> int:
    """+1 when two argument keys agree, -1 when both are linked concepts and differ, 0 when
    unknown."""
    if not a or not b:
        return 0
    if a == b:
        return 1
    if a.startswith("t:") and b.startswith("t:"):
        wa, wb = set(a[2:].split()), set(b[2:].split())
        if wa & wb:
            return 1
    if a.startswith("c:") and b.startswith("c:"):
        return -1
    return 0


def _parse_time(value: str) -> date | None:
    """The first day of an ISO date, datetime, month ("2022-04") or year ("2022")."""
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p]
    except ValueError:
        return None
    try:
        if len(numbers) == 1:
            return date(numbers[0], 1, 1)
        if len(numbers) == 2:
            return date(numbers[0], numbers[1], 1)
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None


def time_interval(t: TimeExpr) -> tuple[date, date] | None:
    """The half-open calendar interval [start, end) a resolved time covers, by granularity.

    An interval whose end would fall after 9999-12-31 ends there (``date.max``)."""
    if not t.value or not t.anchored:
        return None
    start = _parse_time(t.value)
    if start is None:
        return None
    try:
        return _interval(t, start)
    except (OverflowError, ValueError):
        return start, date.max


def _interval(t: TimeExpr, start: date) -> tuple[date, date]:
    if t.granularity == "year":
        return date(start.year, 1, 1), date(start.year + 1, 1, 1)
    if t.granularity == "month":
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return date(start.year, start.month, 1), nxt
    if t.granularity == "week":
        # "earlier this week" ends the day before the article was written (analyze/dates.py).
        last = _parse_time(t.end_value) if t.end_value else None
        if last is not None and start <= last < start + timedelta(days=7):
            return start, last + timedelta(days=1)
        return start, start + timedelta(days=7)
    if t.granularity == "range" and t.end_value:
        end = _parse_time(t.end_value)
        if end is not None and end >= start:
            return start, end + timedelta(days=1)
    return start, start + timedelta(days=1)


def times_compatible(a: TimeExpr | None, b: TimeExpr | None) -> bool | None:
    """True when two resolved times can name the same moment (one inside the other), False
    when they cannot, None when either is unknown."""
    ia = time_interval(a) if a else None
    ib = time_interval(b) if b else None
    if ia is None or ib is None:
        return None
    return ia[0] < ib[1] and ib[0] < ia[1]


def describe_time(t: TimeExpr) -> str:
    """A resolved time in words at its granularity: "24 October 2024", "October 2024"."""
    interval = time_interval(t)
    if interval is None:
        return t.text
    d = interval[0]
    if t.granularity == "year":
        return str(d.year)
    if t.granularity == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if t.granularity in ("week", "range"):
        last = interval[1] - timedelta(days=1)
        return f"{d.day} {_MONTHS[d.month - 1]} - {last.day} {_MONTHS[last.month - 1]} {last.year}"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


@lru_cache(maxsize=4)
def _load_weights(weights_file: str) -> dict[str, float] | None:
    """The trained weights file: bias, threshold and one weight per trained feature."""
    if not weights_file:
        return None
    try:
        raw = resources.files("newsprism.data").joinpath(weights_file).read_text("utf-8")
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        return None
    data = json.loads(raw)
    out = {f"w_{k}": float(v) for k, v in data["weights"].items()}
    out["bias"] = float(data["bias"])
    out["threshold"] = float(data["threshold"])
    return out


def pair_model(settings: AlignSettings) -> PairModel:
    """The trained pairwise model when shipped, else the hand-set weights of the settings.

    A feature the training data never showed (no linked concepts or resolved times in the
    training run) keeps its hand-set weight from the settings.
    """
    trained = _load_weights(settings.weights_file) or {}
    weights = tuple(trained.get(f"w_{f}", getattr(settings, f"w_{f}")) for f in FEATURES)
    return PairModel(
        trained.get("bias", settings.bias),
        weights,
        trained.get("threshold", settings.link_threshold),
    )


def claim_text(claim: Claim, article: Article) -> str:
    """The words the claim was read from (its clause), for embedding."""
    text = article.text[claim.start : claim.end].strip()
    return text or f"{claim.subject} {claim.predicate} {claim.object}".strip()


def _argument_codes(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of argument keys (0 = unknown) and whether each is a linked concept."""
    index: dict[str, int] = {}
    codes = np.array([index.setdefault(k, len(index) + 1) if k else 0 for k in keys])
    linked = np.array([k.startswith("c:") for k in keys], dtype=bool)
    return codes, linked


def _argument_votes(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise (agree, clash) boolean matrices of one argument slot."""
    codes, linked = _argument_codes(keys)
    known = codes > 0
    both = known[:, None] & known[None, :]
    same = codes[:, None] == codes[None, :]
    agree = both & same
    clash = both & ~same & linked[:, None] & linked[None, :]
    return agree, clash


def head_key(concept: str, text: str) -> str:
    """An argument's key for scoring: its concept, else the last word of its text."""
    if concept:
        return f"c:{concept}"
    words = _norm(text).split()
    return f"t:{words[-1]}" if words else ""


def pair_features(
    claims: Sequence[Claim],
    articles: Sequence[Article],
    concepts: Sequence[Concept] = (),
    context: bool = DEFAULT.align.context_similarity,
) -> np.ndarray:
    """The (n, n, len(FEATURES)) matrix of pairwise features of ``claims``.

    Embeds all distinct predicate lemmas (and, when ``context`` is on, clause texts) in one
    batch; with ``context`` off the context-similarity feature is 0.
    """
    from newsprism.analyze.embed import DIMENSIONS, get_embedder

    del concepts  # concept ids on the claims are enough; kept for a richer scorer
    by_id = {a.id: a for a in articles}
    n = len(claims)
    feats = np.zeros((n, n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return feats
    keys = [predicate_key(c) for c in claims]
    texts = [claim_text(c, by_id[c.article]) for c in claims] if context else keys
    distinct = sorted(set(texts) | set(keys))
    where = {t: i for i, t in enumerate(distinct)}
    vectors = get_embedder().encode(distinct) if distinct else np.zeros((0, DIMENSIONS))
    ctx = vectors[[where[t] for t in texts]]
    pred = vectors[[where[k] for k in keys]]
    keys_arr = np.array(keys, dtype=object)
    feats[:, :, 0] = keys_arr[:, None] == keys_arr[None, :]
    feats[:, :, 1] = pred @ pred.T
    feats[:, :, 2] = ctx @ ctx.T if context else 0.0
    match = np.zeros((n, n), dtype=np.float32)
    clash = np.zeros((n, n), dtype=np.float32)
    slots = (
        [head_key(c.subject_concept, c.subject) for c in claims],
        [head_key(c.object_concept, c.object) for c in claims],
        [head_key("", c.place) for c in claims],
    )
    for slot in slots:
        agree, differ = _argument_votes(slot)
        match += agree
        clash += differ
    feats[:, :, 3] = match
    feats[:, :, 4] = clash
    spans = [time_interval(c.time) if c.time else None for c in claims]
    start = np.array([s[0].toordinal() if s else 0 for s in spans])
    end = np.array([s[1].toordinal() if s else 0 for s in spans])
    dated = start > 0
    overlap = (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
    feats[:, :, 5] = dated[:, None] & dated[None, :] & ~overlap
    arts = np.array([c.article for c in claims], dtype=object)
    feats[:, :, 6] = arts[:, None] == arts[None, :]
    return feats


def far_apart(claims: Sequence[Claim], days: int) -> np.ndarray:
    """Pairs whose resolved times are more than ``days`` apart: different events (the 2022
    meeting is not the 2024 one), never grouped. Closer clashes may be one event reported
    with a wrong date, a date conflict."""
    spans = [time_interval(c.time) if c.time else None for c in claims]
    start = np.array([s[0].toordinal() if s else 0 for s in spans])
    end = np.array([s[1].toordinal() if s else 0 for s in spans])
    dated = start > 0
    gap = np.maximum(start[:, None] - end[None, :], start[None, :] - end[:, None])
    return dated[:, None] & dated[None, :] & (gap >= days)


def pair_probabilities(features: np.ndarray, model: PairModel) -> np.ndarray:
    """Logistic probability that each pair states the same thing."""
    z = model.bias + features @ np.asarray(model.weights, dtype=np.float32)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def _constrained_average_link(
    prob: np.ndarray, forbidden: np.ndarray, threshold: float
) -> list[list[int]]:
    """Average-link grouping that never puts a forbidden pair in one group (small inputs)."""
    n = prob.shape[0]
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums = prob.astype(np.float64).copy()
    blocked = forbidden.copy()
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    while True:
        mean = sums / np.outer(sizes, sizes)
        mean[blocked | ~alive[:, None] | ~alive[None, :]] = -1.0
        np.fill_diagonal(mean, -1.0)
        i, j = divmod(int(np.argmax(mean)), n)
        if mean[i, j] < threshold:
            break
        a, b = min(i, j), max(i, j)
        groups[a].extend(groups.pop(b))
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        blocked[a, :] |= blocked[b, :]
        blocked[:, a] |= blocked[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
    return [sorted(g) for g in groups.values()]


def group_claims(
    prob: np.ndarray, threshold: float, forbidden: np.ndarray | None = None
) -> list[list[int]]:
    """Average-link agglomerative grouping: groups merge while the mean link probability
    between them is at least ``threshold``; a group holding a ``forbidden`` pair is regrouped
    under that constraint. Deterministic for the same input."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = prob.shape[0]
    if n < 2:
        return [[i] for i in range(n)]
    distance = 1.0 - prob.astype(np.float64)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, None), checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    grouped: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        grouped.setdefault(int(label), []).append(i)
    out: list[list[int]] = []
    for members in grouped.values():
        idx = np.array(members)
        if forbidden is not None and len(members) > 1 and forbidden[np.ix_(idx, idx)].any():
            sub = _constrained_average_link(
                prob[np.ix_(idx, idx)], forbidden[np.ix_(idx, idx)], threshold
            )
            out.extend([members[k] for k in g] for g in sub)
        else:
            out.append(members)
    return sorted(sorted(g) for g in out)


def _numbers_conflict(
    a: list[Quantity], b: list[Quantity], tolerance: float
) -> tuple[Quantity, Quantity] | None:
    for qa in a:
        for qb in b:
            if qa.unit != qb.unit or not qa.unit:
                continue
            scale = max(abs(qa.value), abs(qb.value), 1e-9)
            if abs(qa.value - qb.value) / scale > tolerance:
                return qa, qb
    return None


def _concept_names(concepts: Sequence[Concept]) -> dict[str, str]:
    return {c.id: c.name for c in concepts}


def _label(claim: Claim, names: dict[str, str]) -> str:
    subject = names.get(claim.subject_concept, "") or claim.subject
    obj = names.get(claim.object_concept, "") or claim.object
    parts = [p.strip() for p in (subject, predicate_key(claim), obj) if p and p.strip()]
    return " — ".join(parts)


def publication_order(article: Article, index: int) -> tuple[int, float, int]:
    """Sort key: by publication time, unknown publication last, then article order."""
    if article.published is None:
        return (1, 0.0, index)
    return (0, article.published.timestamp(), index)


def compare_group(
    claims: Sequence[Claim],
    order: dict[str, tuple[int, float, int]],
    names: dict[str, str],
    settings: AlignSettings,
) -> tuple[list[ConflictKind], list[str], bool]:
    """Conflicts between the claims of one group, the details in words, and whether the
    status moved over time (planned in an earlier article; held, under way or denied in a
    later one: a development, not a contradiction).

    Only claims stating the same fact are compared (same predicate, an agreeing subject or
    object and no clashing one); an actor conflict needs the same predicate and object with
    different linked subjects; an outcome conflict opposite predicates of one subject.
    """
    conflicts: list[ConflictKind] = []
    details: list[str] = []
    status_change = False

    def add(kind: ConflictKind, detail: str) -> None:
        if kind not in conflicts:
            conflicts.append(kind)
            details.append(detail)

    for x, a in enumerate(claims):
        for b in claims[x + 1 :]:
            if a.article == b.article:
                continue
            first, second = (a, b) if order[a.article] <= order[b.article] else (b, a)
            subject = _args_compare(
                _argument(a.subject_concept, a.subject), _argument(b.subject_concept, b.subject)
            )
            obj = _args_compare(
                _argument(a.object_concept, a.object), _argument(b.object_concept, b.object)
            )
            same_predicate = predicate_key(a) == predicate_key(b)
            # The same fact: one predicate and an agreeing argument, none clashing.
            same_fact = same_predicate and max(subject, obj) > 0 and min(subject, obj) >= 0
            developed = first.status == "planned" and second.status != "planned"
            if developed and same_fact:
                status_change = True
            if not same_fact and not (same_predicate and obj > 0):
                if frozenset((predicate_key(a), predicate_key(b))) in _OPPOSITE and subject > 0:
                    add("outcome", f"{predicate_key(a)} vs {predicate_key(b)}")
                continue
            if same_fact:
                numbers = _numbers_conflict(a.numbers, b.numbers, settings.number_tolerance)
                if numbers:
                    add("number", f"{numbers[0].text} vs {numbers[1].text}")
                if a.time and b.time and times_compatible(a.time, b.time) is False:
                    add("date", f"{describe_time(a.time)} vs {describe_time(b.time)}")
                denied_a = a.negated or a.status == "denied"
                denied_b = b.negated or b.status == "denied"
                if denied_a != denied_b and not developed:
                    add(
                        "negation",
                        f"{'not ' if denied_a else ''}{predicate_key(a)} vs "
                        f"{'not ' if denied_b else ''}{predicate_key(b)}",
                    )
            elif subject < 0 and a.subject_concept and b.subject_concept:
                sa = names.get(a.subject_concept, a.subject)
                sb = names.get(b.subject_concept, b.subject)
                add("actor", f"{sa} vs {sb}")
    return conflicts, details, status_change


def align_claims(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    concepts: Sequence[Concept],
    settings: AlignSettings = DEFAULT.align,
) -> list[Alignment]:
    """Group the claims of all articles into alignments (ids "a1", "a2", ... ordered by the
    first article that reports each, then by offset)."""
    article_index = {a.id: i for i, a in enumerate(articles)}
    claims = [c for an in analyses for c in an.claims if c.article in article_index]
    claims.sort(key=lambda c: (article_index[c.article], c.start, c.predicate_start or 0, c.id))
    if not claims:
        return []
    model = pair_model(settings)
    features = pair_features(claims, articles, concepts, settings.context_similarity)
    prob = pair_probabilities(features, model)
    forbidden = far_apart(claims, settings.max_date_conflict_days)
    groups = group_claims(prob, model.threshold, forbidden)
    return build_alignments(articles, claims, groups, concepts, settings)


def build_alignments(
    articles: Sequence[Article],
    claims: Sequence[Claim],
    groups: Sequence[Sequence[int]],
    concepts: Sequence[Concept],
    settings: AlignSettings = DEFAULT.align,
) -> list[Alignment]:
    """Alignments from groups of claim indices: relation, conflicts, label and ids."""
    article_index = {a.id: i for i, a in enumerate(articles)}
    order = {a.id: publication_order(a, i) for i, a in enumerate(articles)}
    names = _concept_names(concepts)
    members = [
        sorted((claims[i] for i in g), key=lambda c: (article_index[c.article], c.start))
        for g in groups
    ]
    members.sort(key=lambda m: (article_index[m[0].article], m[0].start, m[0].id))
    out: list[Alignment] = []
    for k, group in enumerate(members, start=1):
        reporting = sorted({c.article for c in group})
        conflicts, details, status_change = compare_group(group, order, names, settings)
        if len(reporting) < 2:
            relation = "single"
            conflicts, details, status_change = [], [], False
        elif conflicts:
            relation = "contradicted"
        else:
            relation = "agreed"
        out.append(
            Alignment(
                id=f"a{k}",
                relation=relation,  # type: ignore[arg-type]
                claims=[c.id for c in group],
                articles=reporting,
                label=_label(group[0], names),
                conflicts=conflicts,
                detail="; ".join(details),
                status_change=status_change,
            )
        )
    return out
