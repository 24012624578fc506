"""Mentions: the spans of an article that name or describe an actor, place or thing.

Two kinds are found in one spaCy ``Doc``:

- named entities (PERSON, ORG, GPE, NORP, LOC, FAC, EVENT, ...), without dates, times and
  numbers, trimmed of a leading article and a trailing possessive ("the Kremlin's" -> "Kremlin");
- noun phrases labelled ``"NP"``: titles around a name ("Russian President Vladimir Putin"),
  descriptions of an actor ("the UN chief", "North Korean dictator"), proper names the entity
  recogniser missed, and other content noun phrases ("the military offensive"), which carry an
  outlet's word choice for events and things.

Mentions may nest (the NP "UN Secretary-General Antonio Guterres" holds the PERSON "Antonio
Guterres"); concept linking relies on that. Ids are ``"<article>:m<k>"`` in text order.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from newsprism.analyze.sentences import sentence_spans
from newsprism.model import Article, Mention

# Entity labels that name quantities or times, not actors, places or things.
SKIP_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
# Leading words dropped from a mention ("the UN chief" -> "UN chief").
LEADING_DROP = frozenset(
    {
        "the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their",
        "our", "my", "your", "some", "any", "every", "each", "no", "another", "such", "both",
        "all", "either", "neither", "whose",
    }
)  # fmt: skip
# Noun-phrase heads too vague to be worth a mention on their own.
VAGUE_HEADS = frozenset(
    {
        "thing", "way", "time", "lot", "part", "kind", "sort", "number", "one", "bit", "fact",
        "case", "point", "end", "side", "deal of", "matter", "question", "percent", "year",
        "day", "week", "month", "hour", "minute", "today", "yesterday", "tomorrow", "%",
        "other", "others", "something", "anything", "everything", "nothing", "someone",
        "anyone", "everyone", "nobody", "none", "couple", "dozen", "addition",
    }
)  # fmt: skip
# Honorifics taken into a PERSON mention ("Mr. Kim"): the outlet's choice of words.
HONORIFICS = frozenset({"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "sir", "dame"})
_EDGE_PUNCT = "\"'“”‘’«»()[]{},;:-–—"


def _trim(span: Span) -> tuple[int, int] | None:
    """Token bounds of ``span`` without leading articles, possessives and edge punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in LEADING_DROP or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS"
        or doc[end - 1].is_punct
        or doc[end - 1].is_space
        or doc[end - 1].lower_ in {"'s", "’s"}
    ):
        end -= 1
    if start >= end:
        return None
    return start, end


def _char_bounds(doc: Doc, start: int, end: int, text: str) -> tuple[int, int]:
    """Character bounds of tokens [start, end) without edge punctuation (``text`` = doc.text,
    passed in: rebuilding it per mention made long articles quadratic)."""
    begin = doc[start].idx
    last = doc[end - 1]
    stop = last.idx + len(last.text)
    while begin < stop and text[begin] in _EDGE_PUNCT:
        begin += 1
    while stop > begin and text[stop - 1] in _EDGE_PUNCT and text[stop - 1] not in ")]":
        stop -= 1
    return begin, stop


def _sentence_index(doc: Doc) -> dict[int, int]:
    """Token index -> sentence index, over the shared split (``analyze.sentences``)."""
    index: dict[int, int] = {}
    for k, sent in enumerate(sentence_spans(doc)):
        for token in sent:
            index[token.i] = k
    return index


def _chunk_wanted(span: Span, start: int, end: int, entity_tokens: dict[int, str]) -> bool:
    """Whether a trimmed noun chunk is worth a mention of its own."""
    doc = span.doc
    root = span.root
    if root.pos_ == "PRON" or root.lower_ in VAGUE_HEADS or root.lemma_.lower() in VAGUE_HEADS:
        return False
    if not any(doc[i].is_alpha for i in range(start, end)):
        return False
    if root.pos_ not in {"NOUN", "PROPN"}:
        return False
    # A chunk that only holds one entity and nothing else adds nothing.
    labels = {entity_tokens.get(i) for i in range(start, end)}
    return not (len(labels) == 1 and None not in labels)


def find_mentions(doc: Doc, article: Article) -> list[Mention]:
    """Named entities and descriptive noun phrases of one parsed article, in text order."""
    sentence_of = _sentence_index(doc)
    text = doc.text
    found: dict[tuple[int, int], tuple[str, str, int]] = {}
    entity_tokens: dict[int, str] = {}
    entity_bounds: set[tuple[int, int]] = set()
    for ent in doc.ents:
        if ent.label_ in SKIP_LABELS:
            continue
        trimmed = _trim(ent)
        if trimmed is None:
            continue
        start, end = trimmed
        if ent.label_ == "PERSON" and start > 0 and doc[start - 1].lower_ in HONORIFICS:
            start -= 1
        for i in range(start, end):
            entity_tokens[i] = ent.label_
        entity_bounds.add(trimmed)
        begin, stop = _char_bounds(doc, start, end, text)
        if begin < stop:
            root = doc[start:end].root
            found[(begin, stop)] = (ent.label_, root.lemma_.lower(), sentence_of.get(root.i, 0))
    for chunk in doc.noun_chunks:
        trimmed = _trim(chunk)
        if trimmed is None or trimmed in entity_bounds:
            continue
        start, end = trimmed
        if not _chunk_wanted(chunk, start, end, entity_tokens):
            continue
        begin, stop = _char_bounds(doc, start, end, text)
        if begin < stop and (begin, stop) not in found:
            root = chunk.root
            found[(begin, stop)] = ("NP", root.lemma_.lower(), sentence_of.get(root.i, 0))
    # Possessors inside a phrase ("the North's leader" -> "the North").
    for token in doc:
        if token.dep_ != "poss" or token.pos_ not in {"PROPN", "NOUN"} or token.i in entity_tokens:
            continue
        trimmed = _trim(doc[token.left_edge.i : token.i + 1])
        if trimmed is None:
            continue
        begin, stop = _char_bounds(doc, *trimmed, text)
        if begin < stop and (begin, stop) not in found:
            found[(begin, stop)] = ("NP", token.lemma_.lower(), sentence_of.get(token.i, 0))
    mentions: list[Mention] = []
    for k, ((begin, stop), (label, head_lemma, sentence)) in enumerate(
        sorted(found.items(), key=lambda item: (item[0][0], -item[0][1]))
    ):
        mentions.append(
            Mention(
                id=f"{article.id}:m{k}",
                article=article.id,
                start=begin,
                end=stop,
                text=text[begin:stop],
                label=label,
                head=head_lemma,
                sentence=sentence,
            )
        )
    return mentions
