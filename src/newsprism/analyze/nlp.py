"""Model loading and batching for the spaCy pipeline: loaded once per process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsprism.settings import DEFAULT, ModelSettings


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    return spacy.load(name)


def get_nlp(models: ModelSettings = DEFAULT.models) -> Language:
    """The spaCy pipeline named in the settings (a package name or a path), loaded once."""
    return _load(models.spacy)


def parse(texts: Iterable[str], models: ModelSettings = DEFAULT.models) -> Iterator[Doc]:
    """Parse texts in batches with the shared pipeline, in input order."""
    nlp = get_nlp(models)
    nlp.max_length = max(nlp.max_length, models.max_chars + 1)
    yield from nlp.pipe(texts, batch_size=models.batch_size)


def parse_one(text: str, models: ModelSettings = DEFAULT.models) -> Doc:
    return next(parse([text], models))
