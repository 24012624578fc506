"""Event mentions as claims: every verb and event noun an article uses, so that alignment
can group the events the articles report, nominal ones ("the earthquake", "the arrest")
included.

Claims from analyze/claims.py (full clauses with subject, object, status) are kept; this adds
a lighter claim for each event word that no such claim already has as its predicate, of
``kind`` "event" (ids "<article>:e<k>", for readers of the JSON; code reads ``kind``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from newsprism.compare.align import time_interval
from newsprism.model import Article, ArticleAnalysis, Claim, Mention, Status, TimeExpr
from newsprism.settings import DEFAULT, AlignSettings

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "agent", "csubj"}
_OBJECT_DEPS = {"dobj", "obj", "attr", "oprd", "dative"}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_EVENTS = {"be", "have", "do", "get", "seem", "become", "let"}


def is_event_word_claim(claim: Claim) -> bool:
    """Whether a claim is an event-word claim made here (``kind`` "event"), which carries no
    arguments of its own (only a status its date gives), rather than a full claim read from a
    clause."""
    return claim.kind == "event"


@lru_cache(maxsize=1)
def event_nouns() -> frozenset[str]:
    """Lemmas of nouns that name events: data/event_nouns.txt (by hand) and
    data/event_nouns_learned.txt (ECB+ odd topics), when shipped."""
    words: set[str] = set()
    for name in ("event_nouns.txt", "event_nouns_learned.txt"):
        try:
            text = resources.files("newsprism.data").joinpath(name).read_text("utf-8")
        except (FileNotFoundError, OSError):
            continue
        lines = (line.strip().lower() for line in text.splitlines())
        words.update(line for line in lines if line and not line.startswith("#"))
    return frozenset(words)


@lru_cache(maxsize=1)
def non_event_nouns() -> frozenset[str]:
    """Nouns that are also verbs but name people, groups or things (data/non_event_nouns.txt)."""
    text = resources.files("newsprism.data").joinpath("non_event_nouns.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def verb_lemmas() -> frozenset[str]:
    """Verb lemmas of the spaCy pipeline's lemmatizer index (from WordNet): a noun that is
    also a verb ("attack", "transfer", "escape") usually names an event."""
    from newsprism.analyze.nlp import get_nlp

    nlp = get_nlp()
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    return frozenset(lookups.get_table("lemma_index").get("verb", []))


def _title_case(sent: Span) -> bool:
    """A headline-style sentence: most of its words start with a capital."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 2 and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)


def event_lemma(token: Token) -> str:
    """The token's lemma; a headline word mis-tagged as a proper noun ("Checks") is
    lower-cased and stripped of its inflection."""
    if token.pos_ != "PROPN":
        return token.lemma_.lower()
    word = token.text.lower()
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def is_event_word(token: Token, settings: AlignSettings = DEFAULT.align) -> bool:
    """A verb that is not an auxiliary or copula, or a noun that names an event."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        return lemma not in _NOT_EVENTS and token.dep_ not in ("aux", "auxpass")
    if token.pos_ == "NOUN":
        if lemma in event_nouns():
            return True
        if (
            settings.event_nouns_from_verbs
            and not token.ent_type_
            and lemma in verb_lemmas()
            and lemma not in non_event_nouns()
        ):
            return True
        return len(lemma) > 5 and lemma.endswith(settings.event_noun_suffixes)
    if token.pos_ == "PROPN" and not token.ent_type_ and _title_case(token.sent):
        return event_lemma(token) in event_nouns() or token.text.lower().endswith(
            ("ed", "es", "s", "ing")
        )
    return False


def _phrase(token: Token) -> tuple[str, Token]:
    """The words of an argument (its subtree, trimmed of leading determiners) and its head."""
    words = [t for t in token.subtree if not (t.i < token.i and t.dep_ == "det")]
    if not words:
        return token.text, token
    doc = token.doc
    return doc[words[0].i : words[-1].i + 1].text, token


def _arguments(token: Token) -> tuple[Token | None, Token | None]:
    """The subject and object heads of an event word, from the dependency parse."""
    subject: Token | None = None
    obj: Token | None = None
    for child in token.children:
        if child.dep_ in _SUBJECT_DEPS and subject is None:
            subject = child
        elif child.dep_ in _OBJECT_DEPS and obj is None:
            obj = child
        elif child.dep_ == "poss" and subject is None:
            subject = child
    if obj is None:
        for child in token.children:
            if child.dep_ == "prep":
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    obj = pobj
                    break
    if subject is None and token.dep_ in ("xcomp", "conj", "advcl") and token.head is not token:
        subject = next((c for c in token.head.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None and token.dep_ == "relcl":
        subject = token.head
    return subject, obj


def _concept_at(mentions: Sequence[Mention], token: Token | None) -> str:
    if token is None:
        return ""
    start = token.idx
    for m in mentions:
        if m.concept and m.start <= start < m.end:
            return m.concept
    return ""


def _own_time(times: Sequence[TimeExpr], token: Token) -> TimeExpr | None:
    """The resolved time inside the event word's own phrase (its subtree), nearest first; for
    a verb, one that dates no other verb ("called out Boehner for what the administration has
    made a drumbeat over the last week": the week dates the making, not the calling)."""
    words = list(token.subtree)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    at = token.idx
    inside = [t for t in times if start <= t.start < end and t.value]
    if token.pos_ in ("VERB", "AUX"):
        inside = [t for t in inside if t.verb in ("", token.lemma_.lower())]
    return min(inside, key=lambda t: (abs(t.start - at), t.start), default=None)


def _place(sent: Span, at: int) -> str:
    places = [e for e in sent.ents if e.label_ in PLACE_LABELS]
    best = min(places, key=lambda e: (abs(e.start_char - at), e.start_char), default=None)
    return best.text if best is not None else ""


def _dated_status(time: TimeExpr | None, article: Article) -> Status:
    """An event word carries no status of its own, but its date can: one that begins after
    the article was published has not taken place yet ("the October 22-24 summit", written
    on October 21)."""
    interval = time_interval(time) if time is not None else None
    if interval is None or article.published is None:
        return "happened"
    return "planned" if interval[0] > article.published.date() else "happened"


def event_claims(
    doc: Doc,
    article: Article,
    analysis: ArticleAnalysis,
    settings: AlignSettings = DEFAULT.align,
) -> list[Claim]:
    """A claim for each event word of ``doc`` not already the predicate of a claim."""
    covered = [
        (c.predicate_start, c.predicate_end)
        for c in analysis.claims
        if c.predicate_start is not None and c.predicate_end is not None
    ]
    # The analysis's sentence an event word is in gives the claim its span: the parse's
    # sentence may run on over trailing white space, which would put the claim outside it.
    starts = sorted((s.start, s.end, s.index) for s in analysis.sentences)
    out: list[Claim] = []
    for number, sent in enumerate(doc.sents):
        for token in sent:
            if not is_event_word(token, settings):
                continue
            start, end = token.idx, token.idx + len(token.text)
            at = bisect_right(starts, (start, float("inf"), 0)) - 1
            if at >= 0 and starts[at][0] <= start < starts[at][1]:
                first, last, index = starts[at]
            else:
                first, last, index = sent.start_char, sent.end_char, number
            if any(s <= start < e for s, e in covered):
                continue
            subject, obj = _arguments(token)
            subject_text = _phrase(subject)[0] if subject is not None else ""
            object_text = _phrase(obj)[0] if obj is not None else ""
            time = _own_time(analysis.times, token)
            out.append(
                Claim(
                    id=f"{article.id}:e{len(out) + 1}",
                    article=article.id,
                    start=first,
                    end=last,
                    sentence=index,
                    subject=subject_text,
                    predicate=event_lemma(token),
                    object=object_text,
                    subject_concept=_concept_at(analysis.mentions, subject),
                    object_concept=_concept_at(analysis.mentions, obj),
                    predicate_start=start,
                    predicate_end=end,
                    time=time,
                    status=_dated_status(time, article),
                    place=_place(sent, start),
                    negated=any(c.dep_ == "neg" for c in token.children),
                    kind="event",
                )
            )
    return out


def add_event_claims(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    settings: AlignSettings = DEFAULT.align,
    docs: Iterable[Doc] | None = None,
) -> None:
    """Append event-word claims to each analysis in place (claims stay sorted by offset).

    ``docs`` are the parses of the articles' texts in the same order; parsed here if absent.
    """
    from newsprism.analyze.nlp import parse

    parsed = docs if docs is not None else parse(a.text for a in articles)
    for article, analysis, doc in zip(articles, analyses, parsed, strict=True):
        extra = event_claims(doc, article, analysis, settings)
        analysis.claims = sorted(
            [*analysis.claims, *extra], key=lambda c: (c.start, c.predicate_start or 0, c.id)
        )
