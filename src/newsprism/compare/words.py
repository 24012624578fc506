"""Content words of a text, as fact alignment and value comparison read them."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'’-]+")


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
