"""Event-word claims (compare/events.py): verbs and event nouns with their arguments."""

from __future__ import annotations

from newsprism.compare.events import event_claims
from newsprism.model import Article, ArticleAnalysis, Claim


def test_verbs_and_event_nouns_become_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The earthquake killed 12 people in Chile. Police arrested the suspect after the shooting."
    )
    article = Article("A", text)
    claims = event_claims(nlp(text), article, ArticleAnalysis("A"))
    found = [
        (c.id, c.predicate, c.subject, c.object, c.place, text[c.predicate_start : c.predicate_end])
        for c in claims
        if c.predicate_start is not None
    ]
    assert found == [
        ("A:e1", "earthquake", "", "", "Chile", "earthquake"),
        ("A:e2", "kill", "earthquake", "12 people in Chile", "Chile", "killed"),
        ("A:e3", "arrest", "Police", "suspect", "", "arrested"),
        ("A:e4", "shooting", "", "", "", "shooting"),
    ]


def test_words_already_claimed_are_not_repeated(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Police arrested the suspect."
    article = Article("A", text)
    existing = Claim("A:k1", "A", 0, len(text), 0, "Police", "arrest", "the suspect",
                     predicate_start=7, predicate_end=15)  # fmt: skip
    assert event_claims(nlp(text), article, ArticleAnalysis("A", claims=[existing])) == []


def test_an_event_word_claim_lies_inside_its_sentence() -> None:
    """The parse's sentence runs on over the white space after it; the claim keeps to the
    sentence analysis made (a fact unit holds only claims inside its sentence, so "the story
    published Friday" had been left out of its sentence's dates)."""
    from datetime import UTC, datetime

    from newsprism.pipeline import analyze_story
    from newsprism.settings import DEFAULT

    text = (
        "The senator blamed his rival for the tabloid story published Friday that alleged an "
        "affair.  \n\nHe denied it."
    )
    article = Article("A", text, published=datetime(2016, 3, 25, tzinfo=UTC))
    (analysis,), _ = analyze_story([article], DEFAULT)
    spans = [(s.start, s.end) for s in analysis.sentences]
    assert spans == [(0, 91), (95, 108)]
    events = [
        (c.predicate, c.start, c.end, c.sentence) for c in analysis.claims if c.kind == "event"
    ]
    assert events == [("rival", 0, 91, 0), ("publish", 0, 91, 0)]


def test_a_verb_takes_no_time_that_dates_another_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    """Dev triplet 2153fb: "the last week" dates what the administration "has made a
    drumbeat", not the calling out; a noun's own time is still its own."""
    from datetime import UTC, datetime

    from newsprism.analyze.dates import find_times

    text = (
        "The president called out Speaker John Boehner for what the administration has made "
        "a drumbeat over the last week. The summit on Thursday drew 20 leaders."
    )
    article = Article("A", text, published=datetime(2011, 11, 2, tzinfo=UTC))
    doc = nlp(text)
    times = find_times(doc, article)
    assert [(t.text, t.verb) for t in times] == [("the last week", "make"), ("Thursday", "draw")]
    claims = event_claims(doc, article, ArticleAnalysis("A", times=times))
    dated = {c.predicate: c.time.text if c.time else None for c in claims}
    assert dated["call"] is None
    assert dated["summit"] == "Thursday"
