"""The NewsWCL50 loader (gold mentions mapped to character offsets) and the wordchoice task."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.eval.common import EvalOptions
from newsprism.eval.loaders.newswcl50 import GoldMention, load
from newsprism.eval.tasks import wordchoice
from newsprism.model import Mention


@pytest.fixture(scope="module")
def events(shared_data: Path):  # type: ignore[no-untyped-def]
    folder = shared_data / "newswcl50"
    if not folder.is_dir():
        pytest.skip("newswcl50 not in the shared data")
    return load(folder)


def test_loader_maps_gold_mentions_to_the_text(events) -> None:  # type: ignore[no-untyped-def]
    assert [e.id for e in events] == ["0", "1", "2", "3", "4"]
    assert all(len(e.articles) == 5 for e in events)
    text = {a.id: a.text for e in events for a in e.articles}
    mentions = [m for e in events for m in e.mentions]
    exact = sum(text[m.article][m.start : m.end] == m.text for m in mentions)
    assert len(mentions) >= 4500
    assert exact / len(mentions) > 0.98
    by_id = {m.id: m for m in mentions}
    kim = by_id["0_L_0001"]
    assert (kim.concept, text[kim.article][kim.start : kim.end]) == ("PRK\\Jong Un", "Kim Jong-un")
    # the first "Mr. Kim" of the article, not an earlier or later one
    mr_kim = by_id["0_L_0003"]
    assert text[mr_kim.article][: mr_kim.start].count("Mr. Kim") == 0


def test_assign_takes_most_overlapping_then_shortest() -> None:
    gold = GoldMention("g", "a", "X", "ACTOR", "Mr. Kim", 10, 17, True)
    outer = Mention("a:m0", "a", 10, 30, "Mr. Kim's invitation", "NP", "invitation", 0, "c1")
    inner = Mention("a:m1", "a", 10, 17, "Mr. Kim", "PERSON", "kim", 0, "c0")
    assert wordchoice._assign(gold, [outer, inner]) is inner
    assert wordchoice._assign(gold, [Mention("a:m2", "a", 40, 45, "x", "NP", "x", 0)]) is None


def test_wordchoice_groups_one_event(shared_data: Path) -> None:
    folder = shared_data / "newswcl50"
    if not folder.is_dir():
        pytest.skip("newswcl50 not in the shared data")
    result = wordchoice.run(folder, "newswcl50", EvalOptions(limit=1, progress=False, errors=3))
    assert result.n == 1
    assert set(result.metrics) >= {"b3_precision", "b3_recall", "b3_f1", "mention_recall"}
    # measured on event 0: newsprism 0.549 B-cubed F1, the lemma baseline 0.331
    assert result.metrics["b3_f1"] > 0.45
    assert result.metrics["mention_recall"] > 0.85
    assert len(result.errors) == 3
