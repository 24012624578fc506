"""Loaded, emotive and labelling wording: span building, lexicons, and findings on real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyze.loaded import (
    find_loaded,
    get_lexicons,
    spans_from_scores,
    token_features,
)
from newsprism.model import Article
from newsprism.settings import LoadedSettings

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _article(text: str) -> Article:
    return Article(id="a1", text=text)


def test_lexicons_hold_multiword_and_hyphenated_terms() -> None:
    lex = get_lexicons()
    assert ("so", "-", "called") in lex.loaded
    assert ("dangerous", "precedent") in lex.loaded
    assert ("little", "rocket", "man") in lex.labels
    assert ("regime",) in lex.labels


def test_features_mark_lexicon_quotes_and_valence(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp('The so-called experts called it a "dangerous precedent" today.')
    feats = token_features(doc)
    words = [t.text for t in doc]
    so, called = words.index("so"), words.index("called")
    assert feats[so]["lex_loaded"] == 1.0 and feats[called]["lex_loaded"] == 1.0
    dangerous = words.index("dangerous")
    assert feats[dangerous]["quoted"] == 1.0
    assert feats[dangerous]["val_abs"] > 0.3
    assert "quoted" not in feats[words.index("experts")]
    assert "lex_loaded" not in feats[words.index("today")]


def test_spans_merge_bridge_extend_and_name_their_kind(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Critics slammed the brutal and corrupt regime, which faced harsh criticism."
    doc = nlp(text)
    words = [t.text for t in doc]
    scores = [0.0] * len(doc)
    for w, p in [("slammed", 0.6), ("brutal", 0.7), ("corrupt", 0.5), ("regime", 0.4)]:
        scores[words.index(w)] = p
    scores[words.index("harsh")] = 0.8
    scores[words.index("criticism")] = 0.1  # below threshold, taken along as the head
    settings = LoadedSettings(threshold=0.3, extend_threshold=0.05)
    spans = spans_from_scores(doc, _article(text), scores, settings)
    assert [(s.text, s.kind, s.score) for s in spans] == [
        ("slammed", "loaded", 0.6),
        ("brutal and corrupt regime", "label", 0.7),
        ("harsh criticism", "loaded", 0.8),
    ]
    assert [text[s.start : s.end] for s in spans] == [s.text for s in spans]
    assert {s.sentence for s in spans} == {0}


def test_emotive_kind_comes_from_strong_valence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The attack was horrific."
    doc = nlp(text)
    scores = [0.9 if t.text == "horrific" else 0.0 for t in doc]
    spans = spans_from_scores(doc, _article(text), scores, LoadedSettings(threshold=0.5))
    assert [(s.text, s.kind) for s in spans] == [("horrific", "emotive")]


def test_empty_text_has_no_spans(nlp) -> None:  # type: ignore[no-untyped-def]
    assert find_loaded(nlp(""), _article(""), LoadedSettings()) == []
