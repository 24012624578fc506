"""analyze_articles: one batch parse, every layer filled, sentences split at paragraphs."""

from __future__ import annotations

from datetime import UTC, datetime

from newsprism.analyze.article import analyze_articles
from newsprism.model import Article


def test_analyze_articles_fills_every_layer(nlp) -> None:  # type: ignore[no-untyped-def]
    first = Article(
        id="a1",
        text=(
            'Officials said the talks "went very well for everyone involved."\n'
            "The ministers will meet again on Friday with 12 delegations."
        ),
        published=datetime(2024, 10, 23, tzinfo=UTC),
    )
    second = Article(id="a2", text="Nothing happened.")
    one, two = analyze_articles([first, second])
    assert (one.article, two.article) == ("a1", "a2")
    assert [(s.start, s.end) for s in one.sentences] == [(0, 64), (65, 125)]
    assert [(t.text, t.value) for t in one.times] == [("Friday", "2024-10-25")]
    assert [(q.text, q.value) for q in one.quantities] == [("12", 12.0)]
    assert [(q.speaker, q.direct) for q in one.quotes] == [("Officials", True)]
    assert [(c.predicate, c.status) for c in one.claims] == [
        ("go", "happened"),
        ("meet", "planned"),
    ]
    assert one.claims[1].time is not None and one.claims[1].time.value == "2024-10-25"
    assert one.mentions  # filled by analyze.mentions (helper "concepts")
    assert [c.predicate for c in two.claims] == ["happen"]


def test_paragraph_always_ends_a_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'He called for a "just peace"\nDuring the meeting, they spoke.'
    (analysis,) = analyze_articles([Article(id="p", text=text)])
    assert [text[s.start : s.end] for s in analysis.sentences] == [
        'He called for a "just peace"',
        "During the meeting, they spoke.",
    ]


def test_a_speaker_after_a_closed_quotation_stays_with_it(nlp) -> None:  # type: ignore[no-untyped-def]
    """Fox News (BASIL dev) closes a quotation with a full stop inside its marks and names the
    speaker after it: '"... from Speaker Boehner." Durbin said.' "Durbin said." was a sentence
    of its own, the quotation one with no speaker, and a row read "Durbin said.". A new
    paragraph, or a sentence that opens a quotation of its own, stays apart."""
    text = (
        '"We offered the prime minister an opportunity to balance the invitation from Speaker '
        'Boehner." Durbin said. "His refusal to meet is disappointing."\n'
        'It was "fine."\nObama said.\n'
        'He spoke. "Strong," he said.'
    )
    (analysis,) = analyze_articles([Article(id="q", text=text)])
    assert [text[s.start : s.end] for s in analysis.sentences] == [
        '"We offered the prime minister an opportunity to balance the invitation from Speaker '
        'Boehner." Durbin said.',
        '"His refusal to meet is disappointing."',
        'It was "fine."',
        "Obama said.",
        "He spoke.",
        '"Strong," he said.',
    ]
    assert [q.speaker for q in analysis.quotes][:1] == ["Durbin"]
    # Pieces that say more than who spoke, or open a quotation, stay sentences of their own.
    for text in (
        'Obama called it "a good deal." Biden added: "I agree."',
        'The company called the report "false." Smith wrote the report.',
        '"We will win." "You will lose," Smith said.',
    ):
        (analysis,) = analyze_articles([Article(id="r", text=text)])
        assert len(analysis.sentences) == 2, text
