"""Sentences of a parsed article: spaCy's split, with every paragraph break ending a sentence.

spaCy's statistical split sometimes runs across a line break or hangs a closing quote mark
on the next paragraph. Here a line break always ends a sentence, and a piece holding no
letter or digit (a stray quote mark) joins the sentence before it, as does the speaker of a
quotation that closes with a full stop inside its marks ('"... from Speaker Boehner." Durbin
said.'). The split is computed once per ``Doc`` and cached in ``doc.user_data``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

_CACHE_KEY = "newsprism_sentences"
_INDEX_KEY = "newsprism_sentence_of_token"


def _has_content(tokens: list[Token]) -> bool:
    return any(any(ch.isalnum() for ch in t.text) for t in tokens)


_TAIL_VERBS = frozenset({"say", "add", "tell", "write", "explain", "note", "continue", "reply"})
_CLOSING = frozenset({'"', "”", "’", "'", "''"})
_MAX_TAIL_WORDS = 5


def _speaker_tail(tokens: list[Token], before: list[Token]) -> bool:
    """Whether a piece only names who spoke the quotation that ends the piece before it, in
    the same paragraph ("Durbin said.", "Mr. Weich wrote.")."""
    words = [t for t in tokens if not t.is_space and not t.is_punct]
    ends = [t for t in before if not t.is_space]
    if not words or not ends or len(words) > _MAX_TAIL_WORDS:
        return False
    if any(t.text in _CLOSING or t.text in ("“", "‘") for t in tokens):
        return False  # a quotation of its own: '"You will lose," Smith said.'
    last, doc = ends[-1], tokens[0].doc
    between = doc.text[last.idx + len(last.text) : tokens[0].idx]
    # The speech verb ends the piece, or an adverb follows it ("Durbin said", "he said
    # quietly"): "Smith wrote the report." is a sentence of its own.
    verb = words[-2] if len(words) > 1 and words[-1].pos_ == "ADV" else words[-1]
    return (
        last.text in _CLOSING
        and "\n" not in between
        and verb.lemma_.lower() in _TAIL_VERBS
        and not tokens[-1].text.endswith(":")
    )


def sentence_spans(doc: Doc) -> list[Span]:
    """The article's sentences as spaCy spans, without leading or trailing whitespace tokens."""
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is not None:
        return list(cached)
    starts: set[int] = set()
    for sent in doc.sents:
        starts.add(sent.start)
    for i, token in enumerate(doc):
        if "\n" in token.text_with_ws and i + 1 < len(doc):
            j = i + 1
            while j < len(doc) and doc[j].is_space:
                j += 1
            if j < len(doc):
                starts.add(j)
    ordered = sorted(starts | {0})
    pieces: list[tuple[int, int]] = []
    for k, start in enumerate(ordered):
        end = ordered[k + 1] if k + 1 < len(ordered) else len(doc)
        if start < end:
            pieces.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        tokens = [doc[i] for i in range(start, end)]
        previous = [doc[i] for i in range(*merged[-1])] if merged else []
        previous_empty = bool(merged) and not _has_content(previous)
        if merged and (
            not _has_content(tokens) or previous_empty or _speaker_tail(tokens, previous)
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    spans: list[Span] = []
    for start, end in merged:
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            spans.append(doc[start:end])
    doc.user_data[_CACHE_KEY] = spans
    return list(spans)


def sentence_of(token: Token) -> int:
    """Index of the sentence (of ``sentence_spans``) holding a token; whitespace between two
    sentences counts with the one before it. Cached per ``Doc``."""
    doc = token.doc
    index = doc.user_data.get(_INDEX_KEY)
    if index is None:
        index = [0] * len(doc)
        spans = sentence_spans(doc)
        for k, span in enumerate(spans):
            end = spans[k + 1].start if k + 1 < len(spans) else len(doc)
            index[span.start : end] = [k] * (end - span.start)
        doc.user_data[_INDEX_KEY] = index
    return int(index[token.i])


def sentence_index(spans: list[Span], char: int) -> int:
    """Index of the sentence holding character offset ``char`` (the nearest before it)."""
    best = 0
    for k, span in enumerate(spans):
        if span.start_char <= char:
            best = k
        else:
            break
    return best
