"""Content words of a text, as fact alignment and value comparison read them."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'’-]+")
# What may follow a clause that is complete on its own: a comma, semicolon, colon or dash,
# or a coordination ("..., and", "... but"). A clause followed by anything else ("is seen
# as an opportunity [to demonstrate ...]") leaves out words its sense needs.
NATURAL_TAIL = re.compile(r"\s*(?:[,;:\u2013\u2014]|-{1,2}\s|\s*(?:and|but)\b)")
QUOTE_CHARS = "\"'“”‘’«»"
# Words that tie a sentence to the one before it ("However, ", "But ", "Earlier that day,"):
# a clause told alone (a brief's sentence, a row of the claim matrix) is read without them.
CONNECTIVE = re.compile(
    r"^\s*(?:(?:in response|however|meanwhile|moreover|furthermore|additionally|in addition|"
    r"nevertheless|nonetheless|separately|indeed|still|also|instead|thus|therefore|"
    r"as a result|in turn|for its part|for his part|for her part|at the same time|finally|"
    # Times told against the sentence before, which the brief does not tell with it.
    r"(?:earlier|later) (?:that|the same) (?:day|night|morning|afternoon|evening|week))\s*,\s*"
    # Not "So far", "so many", "But for the rain": those words are the sentence's own.
    r"|(?:but|and|so|yet)\s+(?!(?:far|many|much|for)\b))+",
    re.IGNORECASE,
)

# A dateline opening an article's first sentence ("WASHINGTON — ", "NEW YORK (AP) -- "),
# and an update note opening any ("UPDATE 2:52 p.m. -- "): no part of the fact.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'’ -]*[A-Z.](?:,\s*[A-Z][\w.]*)*(?:\s*\([^)]{1,40}\))?\s*(?:[—–]-?|--)\s*(?=[A-Z])"
)
_UPDATE = re.compile(
    r"(?:UPDATE|Update|CORRECTION|Correction)\b[^—–A-Za-z]*(?:[ap]\.?m\.?)?\s*(?:—|–|--|:)\s*"
    r"(?=[A-Z])"
)


def opening_note(text: str, first_sentence: bool) -> int:
    """The length of a dateline (in an article's first sentence) or an update note that
    opens ``text``; 0 when there is none or nothing would be left after it."""
    found = _UPDATE.match(text) or (_DATELINE.match(text) if first_sentence else None)
    return found.end() if found and found.end() < len(text.rstrip()) else 0


def ends_naturally(tail: str) -> bool:
    """Whether a clause followed by ``tail`` (the rest of its sentence) is complete alone."""
    return not tail.strip(" .!?" + QUOTE_CHARS) or bool(NATURAL_TAIL.match(tail))


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "say", "told", "mr", "mrs", "ms"}


_STOP = _stop_words()


def content_words(text: str) -> set[str]:
    """The content words of a text, cut to their first six letters ("vetoed" = "veto",
    "overriding" = "overri"): a stemmer cheap enough for every sentence of a big story."""
    out = set()
    for word in _WORD.findall(text.lower()):
        word = word.strip("'’-")
        if len(word) > 2 and word not in _STOP:
            out.add(word[:6])
    return out


# Of a clause's content words and a fact row's, the share (F1) from which the clause tells
# the row's fact: under it, the clause tells another part of its sentence, and its status is
# another event's ("who did not respond to requests for comment" in a row on an apology).
# Read on the dev triplets' cells (2026-12-07).
TELLS_ROW = 0.3


def words_f1(mine: set[str], theirs: set[str]) -> float:
    """F1 of two sets of content words: how much of each the other holds."""
    shared = len(mine & theirs)
    return 2 * shared / (len(mine) + len(theirs)) if shared else 0.0
