"""What story clustering reads from one article: hashed word counts, names and time.

Words are hashed (scikit-learn's ``HashingVectorizer``), so the vocabulary never has to be
known in advance and a stream can run forever; the IDF that weighs them is counted online by
the clusterer (see ``cluster.py``). Names are read with a cheap rule (capitalised words that
do not start a sentence, plus numbers), about 100 times faster than spaCy's entity recogniser
and, measured on the dev sets, as useful for this job; an ``ArticleAnalysis`` from the analyze
stage can supply spaCy's entities instead through ``features_from_mentions``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from newsprism.model import Article, Mention

HASH_BITS = 20  # 1M hashed word features: collisions are negligible for news vocabularies

# Capitalised words that are not names: sentence-like starts, titles, days and months.
_NOT_NAMES = frozenset(
    str.split(
        """
    a an the this that these those it its he she they we i you his her their our my your
    and but or if so as at by for from in into of on to with without after before about
    mr mrs ms dr sen rep gov president prime minister secretary general chief officer
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    there here when where what who why how while since although though however also
    according new more most many some one two three first last
    """
    )
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|\d+(?:[.,]\d+)*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


@dataclass
class StoryFeatures:
    """One article as story clustering sees it."""

    words: dict[int, float]  # hashed word -> 1 + log(count), before IDF weighting
    lead: dict[int, float] = field(default_factory=dict)  # the same for the title and lead
    names: Counter[str] = field(default_factory=Counter)  # lower-cased names and numbers
    published: datetime | None = None


@lru_cache(maxsize=1)
def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=2**HASH_BITS,
        alternate_sign=False,
        norm=None,
        stop_words="english",
        lowercase=True,
        dtype=np.float64,
    )


def word_counts(text: str) -> dict[int, float]:
    """Hashed word index -> sublinear count (1 + log n) for ``text``."""
    row = _vectorizer().transform([text])
    return {
        int(i): 1.0 + float(np.log(c)) for i, c in zip(row.indices, row.data, strict=True) if c > 0
    }


def find_names(text: str) -> Counter[str]:
    """Capitalised words not opening a sentence (names, places) and numbers, lower-cased."""
    names: Counter[str] = Counter()
    for sentence in _SENTENCE_BREAK.split(text):
        for position, match in enumerate(_TOKEN.finditer(sentence)):
            token = match.group()
            if token[0].isdigit():
                if len(token) > 1:  # "2008", "6.1", "7,000"; single digits say little
                    names[token.replace(",", "")] += 1
                continue
            if position == 0 or not token[0].isupper():
                continue
            key = token.lower().rstrip(".").replace("’", "'")
            if key.endswith("'s"):
                key = key[:-2]
            if len(key) > 1 and key not in _NOT_NAMES:
                names[key] += 1
    return names


LEAD_CHARS = 400  # the lead: title and the first characters of the text


def lead_text(article: Article) -> str:
    """The title and the opening of the text, where news states its event."""
    text = article_text(article)
    if len(text) <= LEAD_CHARS:
        return text
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return text[: cut if cut > 0 else LEAD_CHARS]


def article_text(article: Article) -> str:
    """The text story clustering reads: the title, then the clean text."""
    if article.title and not article.text.startswith(article.title):
        return f"{article.title}\n{article.text}"
    return article.text


def extract_features(article: Article) -> StoryFeatures:
    """Words, names and publication time of one article (no model needed)."""
    text = article_text(article)
    return StoryFeatures(
        words=word_counts(text),
        lead=word_counts(lead_text(article)),
        names=find_names(text),
        published=article.published,
    )


def features_from_mentions(article: Article, mentions: list[Mention]) -> StoryFeatures:
    """Like ``extract_features`` but with named entities found by the analyze stage."""
    names: Counter[str] = Counter()
    for mention in mentions:
        if mention.label != "NP":
            names[mention.text.lower()] += 1
    return StoryFeatures(
        words=word_counts(article_text(article)),
        lead=word_counts(lead_text(article)),
        names=names,
        published=article.published,
    )
