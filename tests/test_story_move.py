"""Moving an article to another story (``stories.corrections`` and ``newsprism move``): the
article and its near-copies move, are pinned there, both stories are rebuilt, and no later
filing moves the article back; bad ids and no-op moves are refused with a message. Each test
runs on SQLite and on PostgreSQL (``store_db``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.cli import main as cli_main
from newsprism.model import Article
from newsprism.settings import StorySettings
from newsprism.store import Store, open_store
from newsprism.stories.corrections import UnknownArticle, UnknownStory, move_article
from newsprism.stories.persist import CorrectionError, StoryFiler

FLOOD_1 = (
    "Flash floods swept through Valencia in eastern Spain on Tuesday night, killing at least "
    "95 people as a year's worth of rain fell in eight hours. Cars were carried down the "
    "streets of Paiporta and Chiva, and Prime Minister Pedro Sanchez declared three days of "
    "national mourning."
)
FLOOD_2 = (
    "Rescuers in Valencia searched flooded garages in Paiporta and Chiva on Wednesday as the "
    "death toll from Spain's flash floods rose to 158. Pedro Sanchez promised aid to the "
    "towns hit by the worst floods in Spain in decades."
)
FLOOD_3 = (
    "The toll of the Valencia floods passed 200 on Friday as soldiers joined rescuers in "
    "Paiporta and Chiva. Sanchez said the army would stay in Spain's flooded towns for weeks."
)
# FLOOD_1 as another outlet ran it: the same wire copy with one word changed.
FLOOD_1_COPY = FLOOD_1.replace("carried down", "swept down")
CHESS = (
    "Gukesh Dommaraju of India won the world chess championship in Singapore on Thursday, "
    "beating Ding Liren of China in the fourteenth and final game. At 18 he is the youngest "
    "world champion in the history of the game."
)


def stored(store: Store, articles: list[Article]) -> None:
    for article in articles:
        assert store.add_ingested(article, [], None, [], lambda found: None)[0] == "new"


def memberships(store: Store) -> dict[str, str]:
    rows = store.conn.execute("SELECT article, story FROM story_articles").fetchall()
    return {str(a): str(s) for a, s in rows}


def pinned(store: Store) -> list[str]:
    rows = store.conn.execute("SELECT article FROM story_articles WHERE pinned = 1").fetchall()
    return sorted(str(r[0]) for r in rows)


FLOODS = [
    Article(id="f1", text=FLOOD_1, title="Floods kill 95 in Valencia"),
    Article(id="c1", text=CHESS, title="Gukesh is world chess champion"),
    Article(id="f2", text=FLOOD_2, title="Valencia flood toll rises to 158"),
    Article(id="f3", text=FLOOD_3, title="Valencia toll passes 200"),
]


def filed_store(db: str) -> Store:
    """Floods f1 and f2 in story sf1, chess c1 in sc1, f3 stored but not filed."""
    store = open_store(db)
    stored(store, FLOODS)
    filer = StoryFiler(store, StorySettings())
    assert [filer.file(a) for a in FLOODS[:3]] == ["sf1", "sc1", "sf1"]
    return store


def test_a_moved_article_stays_moved_when_later_filings_would_merge_the_stories(
    store_db: str,
) -> None:
    settings = StorySettings()
    revising = StorySettings(merge_probability=0.0)  # merge every candidate a filing scores
    with filed_store(store_db) as store:
        move = move_article(store, "f2", "sc1", settings)
        assert (move.article, move.source, move.story, move.moved, move.merged) == (
            "f2",
            "sf1",
            "sc1",
            ["f2"],
            False,
        )
        assert memberships(store) == {"f1": "sf1", "c1": "sc1", "f2": "sc1"}
        assert pinned(store) == ["f2"]
        assert store.story_apart() == {("sf1", "sc1"), ("sc1", "sf1")}
        flood, chess = store.get_story("sf1"), store.get_story("sc1")
        assert flood is not None and chess is not None
        assert (flood.articles, chess.articles) == (1, 2)
        assert flood.status == chess.status == "open"
        assert flood.state is not None and chess.state is not None  # rebuilt from the members
        corrections = store.story_corrections()
        assert [(c["kind"], c["story"], c["others"], c["articles"]) for c in corrections] == [
            ("move", "sc1", ["sf1"], ["f2"])
        ]

        # A later article about the floods scores both stories; with revision on, the
        # clusterer would merge them (and put f2 back with f1), but they are kept apart.
        filer = StoryFiler(store, revising)
        assert filer.file(FLOODS[3]) in {"sf1", "sc1"}
        after = memberships(store)
        assert after["f2"] == "sc1" and after["f1"] == "sf1"
        assert store.resolve_story("sf1") == "sf1" and store.resolve_story("sc1") == "sc1"


def test_a_story_whose_first_article_moves_out_is_renamed_after_the_next(store_db: str) -> None:
    with filed_store(store_db) as store:
        assert store.get_story("sf1").title == "Floods kill 95 in Valencia"  # type: ignore[union-attr]
        move_article(store, "f1", "sc1", StorySettings())
        flood, chess = store.get_story("sf1"), store.get_story("sc1")
        assert flood is not None and chess is not None
        assert (flood.title, chess.title) == (
            "Valencia flood toll rises to 158",  # f2 is its first article now
            "Gukesh is world chess champion",  # a story's own title stays
        )
        move_article(store, "f1", "sf1", StorySettings())  # not where sc1's title came from
        flood, chess = store.get_story("sf1"), store.get_story("sc1")
        assert flood is not None and chess is not None
        assert (flood.title, chess.title) == (
            "Valencia flood toll rises to 158",
            "Gukesh is world chess champion",
        )


def test_without_the_apart_pair_the_same_filing_merges_the_stories(store_db: str) -> None:
    """The control of the test above: what keeps the article moved is the apart pair."""
    with filed_store(store_db) as store:
        move_article(store, "f2", "sc1", StorySettings())
        with store._transaction() as conn:
            conn.execute("DELETE FROM story_apart")
        StoryFiler(store, StorySettings(merge_probability=0.0)).file(FLOODS[3])
        after = memberships(store)
        assert after["f1"] == after["f2"]


def test_moving_a_storys_only_article_makes_that_story_an_alias(store_db: str) -> None:
    settings = StorySettings()
    with filed_store(store_db) as store:
        move = move_article(store, "c1", "sf1", settings)
        assert (move.source, move.story, move.merged) == ("sc1", "sf1", True)
        assert memberships(store) == {"f1": "sf1", "c1": "sf1", "f2": "sf1"}
        assert store.resolve_story("sc1") == "sf1"
        chess = store.get_story("sc1")
        assert chess is not None and (chess.status, chess.merged_into) == ("merged", "sf1")
        assert [s.id for s in store.list_stories()] == ["sf1"]
        # the alias is followed as a target too
        with pytest.raises(CorrectionError, match="already in story sf1"):
            move_article(store, "c1", "sc1", settings)


def test_bad_moves_are_refused_and_change_nothing(store_db: str) -> None:
    settings = StorySettings()
    with filed_store(store_db) as store:
        before = (memberships(store), store.story_seq())
        with pytest.raises(UnknownArticle, match="no article 'nope'"):
            move_article(store, "nope", "sf1", settings)
        with pytest.raises(UnknownStory, match="no story 'snope'"):
            move_article(store, "f1", "snope", settings)
        with pytest.raises(CorrectionError, match="already in story sf1"):
            move_article(store, "f1", "sf1", settings)
        with pytest.raises(CorrectionError, match="f3 is not filed under a story yet"):
            move_article(store, "f3", "sf1", settings)
        assert (memberships(store), store.story_seq()) == before
        assert store.story_corrections() == []


def test_move_command_takes_near_copies_along_and_a_later_ingest_keeps_it(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    first = tmp_path / "first.jsonl"
    records = [
        {"text": FLOOD_1, "title": "Floods kill 95 in Valencia", "published": "2024-10-30"},
        {"text": FLOOD_2, "title": "Valencia flood toll rises to 158", "published": "2024-10-31"},
        {"text": FLOOD_1_COPY, "title": "Floods kill 95 in Valencia", "published": "2024-10-30"},
        {"text": CHESS, "title": "Gukesh is world chess champion", "published": "2024-12-12"},
    ]
    first.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert cli_main(["ingest", str(first), "--db", db, "--no-progress"]) == 0
    capsys.readouterr()
    with open_store(db) as store:
        ids = {
            str(t): str(i)
            for i, t in store.conn.execute("SELECT id, text FROM articles").fetchall()
        }
        flood_1, flood_2, copy, chess = (ids[r["text"]] for r in records)
        assert memberships(store) == {
            flood_1: f"s{flood_1}",
            flood_2: f"s{flood_1}",
            copy: f"s{flood_1}",
            chess: f"s{chess}",
        }

    assert cli_main(["move", flood_1, f"s{chess}", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out == f"moved {flood_1} with 1 near-copy from s{flood_1} to s{chess}\n"

    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps({"text": FLOOD_3, "title": "Valencia toll passes 200"}) + "\n", "utf-8"
    )
    assert cli_main(["ingest", str(first), str(later), "--db", db, "--no-progress"]) == 0
    capsys.readouterr()
    with open_store(db) as store:
        after = memberships(store)
        assert after[flood_1] == after[copy] == after[chess] == f"s{chess}"
        assert after[flood_2] == f"s{flood_1}"
        assert pinned(store) == sorted([flood_1, copy])

    assert cli_main(["move", "nope", f"s{chess}", "--db", db]) == 2
    assert capsys.readouterr().err == "error: no article 'nope'\n"
    assert cli_main(["move", flood_2, "snope", "--db", db]) == 2
    assert capsys.readouterr().err == "error: no story 'snope'\n"
