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


def _found(nlp, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    spans = find_loaded(doc, _article(text), LoadedSettings())
    assert all(0.0 <= s.score <= 1.0 for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [(s.text, s.kind) for s in spans]


def test_plain_reporting_has_no_loaded_wording(nlp) -> None:  # type: ignore[no-untyped-def]
    assert (
        _found(nlp, "The minister met his counterpart in Berlin on Tuesday to discuss trade.") == []
    )
    text = "The company reported revenue of $3 billion, up 4 percent from a year earlier."
    assert _found(nlp, text) == []


def test_loaded_labels_and_emotive_words_are_found(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Critics blasted the horrific decision, calling the senator a traitor."
    assert _found(nlp, text) == [
        ("Critics blasted the horrific decision", "emotive"),
        ("traitor", "label"),
    ]
    text = "The brutal regime slammed the so-called peace plan as a disgraceful sham."
    found = _found(nlp, text)
    assert ("The brutal regime slammed", "label") in found
    assert ("so-called", "loaded") in found
    assert ("a disgraceful sham", "loaded") in found


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed {name} not found beside the repo")
    return path.read_text(encoding="utf-8")


def test_seed_before_the_meeting(nlp) -> None:  # type: ignore[no-untyped-def]
    text = _seed("000_4b4d03abeb79a191.txt")
    doc = nlp(text)
    spans = find_loaded(doc, _article(text), LoadedSettings())
    assert [(s.text, s.kind, s.sentence) for s in spans] == [
        ("dangerous precedent", "loaded", 3),  # Guterres, in quotation marks
        ("territorial integrity", "loaded", 4),
        ("invasion", "loaded", 5),  # the other outlet says "military offensive"
        ("categorically rejected", "loaded", 6),
    ]
    scores = {s.text: s.score for s in spans}
    assert scores["dangerous precedent"] > scores["invasion"] > scores["territorial integrity"]
    assert "military offensive" not in [s.text for s in spans]


def test_seed_after_the_meeting(nlp) -> None:  # type: ignore[no-untyped-def]
    text = _seed("004_7fee5147663b4cd9.txt")
    doc = nlp(text)
    spans = find_loaded(doc, _article(text), LoadedSettings())
    assert [s.text for s in spans] == [
        "disagreements, scandals",  # Putin, quoted: "Families ... have disagreements, scandals"
        "divisions",
        "good-spirited atmosphere",
        "vowing",
        "harsh criticism",
    ]
    harsh = spans[-1]
    assert (harsh.kind, harsh.sentence) == ("loaded", 15)
    assert harsh.score == max(s.score for s in spans)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
