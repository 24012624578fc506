"""Stories kept in the store: ingest files articles into stories that last between runs,
near-copies join their original's story, corrections survive later ingests, listing filters,
and ``compare --story`` runs the normal pipeline on a stored story. Every test that uses a
store runs on SQLite and on PostgreSQL (``store_db``)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsprism.cli.ingest import main as ingest_main
from newsprism.cli.stories import (
    add_merge_arguments,
    add_split_arguments,
    add_stories_arguments,
    run_merge,
    run_split,
    run_stories,
)
from newsprism.model import Article
from newsprism.services.stories import load_story_articles, story_for_compare, story_id_of
from newsprism.settings import DEFAULT, StorySettings
from newsprism.store import open_store
from newsprism.stories import StoryClusterer
from newsprism.stories.persist import (
    CorrectionError,
    StoryFiler,
    merge_stories,
    split_story,
)

TURKEY_1 = (
    "A magnitude 7.8 earthquake struck southern Turkey near Gaziantep before dawn on Monday, "
    "killing more than 2,300 people in Turkey and neighbouring Syria. Rescuers in "
    "Kahramanmaras and Hatay dug through collapsed apartment blocks in freezing rain, and "
    "President Erdogan declared seven days of national mourning."
)
TURKEY_2 = (
    "The death toll from Monday's 7.8 magnitude quake in Turkey and Syria rose above 2,300 as "
    "rescuers searched the rubble in Gaziantep, Kahramanmaras and Hatay. Erdogan announced "
    "seven days of mourning while aid agencies appealed for tents and blankets."
)
TURKEY_3 = (
    "Rescuers pulled survivors from collapsed apartment blocks in Kahramanmaras and Hatay on "
    "Tuesday, a day after the 7.8 magnitude earthquake near Gaziantep. The death toll in Turkey "
    "and Syria passed 5,000, and Erdogan said seven days of national mourning had begun."
)
# TURKEY_1 as another outlet ran it: the same wire copy with one word changed.
TURKEY_1_COPY = TURKEY_1.replace("freezing rain", "icy rain")
MOROCCO = (
    "A magnitude 6.8 earthquake hit Morocco's High Atlas mountains late on Friday, killing at "
    "least 800 people near Marrakesh. Villages around Al Haouz and Taroudant were flattened, "
    "and King Mohammed VI ordered the army to help rescuers reach the mountain roads."
)
MOROCCO_2 = (
    "Rescuers in Morocco's High Atlas searched flattened villages around Al Haouz and "
    "Taroudant on Saturday as the toll from Friday's 6.8 magnitude earthquake near Marrakesh "
    "passed 2,000. King Mohammed VI declared three days of mourning."
)
BUDGET = (
    "The European Parliament approved the 2024 budget of the European Union on Wednesday after "
    "late talks in Strasbourg, with more money for research and for migration control. "
    "Members from Germany and France disagreed over farm subsidies."
)


def record(text: str, title: str, outlet: str, day: str = "") -> dict[str, str]:
    found = {"text": text, "title": title, "outlet": outlet}
    return {**found, "published": day} if day else found


FIRST = [
    record(TURKEY_1, "Huge quake kills thousands in Turkey", "Reuters", "2023-02-06"),
    record(BUDGET, "EU parliament passes 2024 budget", "Politico", "2023-02-08"),
    record(TURKEY_1_COPY, "Huge quake kills thousands in Turkey", "Daily Star", "2023-02-06"),
]
SECOND = [
    record(TURKEY_2, "Turkey quake toll passes 2,300", "BBC", "2023-02-07"),
    record(TURKEY_3, "Survivors pulled from rubble", "Reuters", "2023-02-08"),
]


def dump(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def ingest(db: str, source: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert ingest_main([str(source), "--db", db, "--no-progress"]) == 0
    return capsys.readouterr().out


def memberships(db: str) -> dict[str, str]:
    with open_store(db) as store:
        rows = store.conn.execute("SELECT article, story FROM story_articles").fetchall()
    return {a: s for a, s in rows}


def article_id(db: str, text: str) -> str:
    with open_store(db) as store:
        row = store.conn.execute("SELECT id FROM articles WHERE text = ?", (text,)).fetchone()
    return str(row[0])


def cli(add: object, run: object, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add(parser)  # type: ignore[operator]
    return int(run(parser.parse_args(argv)))  # type: ignore[operator]


def test_ingest_files_stories_and_a_second_run_changes_nothing(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    source = dump(tmp_path / "first.jsonl", FIRST)
    out = ingest(db, source, capsys)
    assert out.splitlines()[1] == (
        "stories: 2 new, 0 articles joined a story, 1 near-copies filed with their original"
    )
    turkey, budget, copy = (article_id(db, r["text"]) for r in FIRST)
    first = memberships(db)
    assert first == {turkey: f"s{turkey}", budget: f"s{budget}", copy: f"s{turkey}"}
    with open_store(db) as store:
        story = store.get_story(f"s{turkey}")
        assert story is not None
        assert (story.articles, story.copies) == (1, 1)  # the copy is not separate reporting
        assert story.title == "Huge quake kills thousands in Turkey"
        assert store.story_meta()["documents"] == "2"  # the copy is not counted either
        seq = store.story_seq()
        assert seq == 3  # one step per filed article: no conflict, no replay

    out = ingest(db, source, capsys)
    assert out.startswith("0 new, 3 duplicate")
    assert memberships(db) == first
    with open_store(db) as store:
        assert store.story_seq() == seq


def test_story_ids_stay_as_stories_grow_across_runs(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    ingest(db, dump(tmp_path / "first.jsonl", FIRST), capsys)
    turkey = article_id(db, TURKEY_1)
    out = ingest(db, dump(tmp_path / "second.jsonl", SECOND), capsys)
    assert "stories: 0 new, 2 articles joined a story" in out
    members = memberships(db)
    assert members[article_id(db, TURKEY_2)] == f"s{turkey}"
    assert members[article_id(db, TURKEY_3)] == f"s{turkey}"
    with open_store(db) as store:
        story = store.get_story(f"s{turkey}")
        assert story is not None
        assert (story.articles, story.copies) == (3, 1)
        assert (story.start, story.end) == (
            "2023-02-06T00:00:00+00:00",
            "2023-02-08T00:00:00+00:00",
        )


def test_filing_in_several_runs_equals_one_pass(shared_data: Path, store_db: str) -> None:
    """The clusterer rebuilt from the store decides exactly as one that never stopped: the
    store keeps the word counts as of the clusterer's last IDF fold (cached weightings use
    those) beside the live ones."""
    from newsprism.splits import stream

    articles = [a for a, _ in stream(shared_data / "basil", "basil", limit=25)]
    one_pass = StoryClusterer(DEFAULT.stories)
    expected = {a.id: one_pass.add(a) for a in articles}
    assert len(articles) == 75
    assert one_pass.folded == 72  # folds at 1, 2, ..., 20, 22, ..., 30, 33, ..., 66, 72
    with open_store(store_db) as store:
        for start in range(0, len(articles), 13):
            filer = StoryFiler(store)  # a new run: state read back from the store
            with filer.batch(5):  # folds fall inside batches
                for article in articles[start : start + 13]:
                    filer.file(article, store=True)
        got = {a.id: store.story_of(a.id) for a in articles}
        assert got == expected
        counts = store.story_df()
        words, names = one_pass.frequencies()
        assert counts == words
        assert store.story_name_df() == names
        assert store.story_df(folded_only=True) == one_pass.folded_frequencies()
        assert store.story_meta()["folded"] == "72"
        pending = store.conn.execute("SELECT seq FROM story_df_pending ORDER BY seq").fetchall()
        assert [r[0] for r in pending] == [73, 74, 75]  # the articles after the last fold
        assert len(set(expected.values())) > 10
        # Only open stories are held in memory when a run starts.
        filer = StoryFiler(store)
        open_ids = {r.id for r in store.open_stories()}
        assert filer.open_story_count() == len(open_ids) < len(set(expected.values()))


def test_a_store_from_before_folds_were_kept_files_the_same_across_restarts(
    shared_data: Path, tmp_path: Path
) -> None:
    """A store whose counters have no 'folded' (written before the IDF folds were kept) is
    folded where a filer first finds it, and files alike however often it is restarted."""
    import shutil

    from newsprism.splits import stream
    from newsprism.store.sqlite import Store

    articles = [a for a, _ in stream(shared_data / "basil", "basil", limit=25)]
    old = tmp_path / "old.db"
    with Store(old) as store:
        filer = StoryFiler(store)
        for article in articles[:31]:
            filer.file(article, store=True)
        store.conn.execute("DELETE FROM story_meta WHERE key = 'folded'")
        store.conn.commit()
    shutil.copy(old, tmp_path / "again.db")
    with Store(old) as store:
        filer = StoryFiler(store)
        assert filer.clusterer.folded == 31  # folded where it was found
        for article in articles[31:]:
            filer.file(article, store=True)
        once = {a.id: store.story_of(a.id) for a in articles}
        assert store.story_meta()["folded"] == "74"  # 31, 34, 37, 40, 44, ..., 62, 68, 74
    with Store(tmp_path / "again.db") as store:
        for begin, end in ((31, 33), (33, 40), (40, 57), (57, 70), (70, 75)):
            filer = StoryFiler(store)
            for article in articles[begin:end]:
                filer.file(article, store=True)
            if begin == 31:  # no fold yet: the counts were folded where they were found
                assert store.story_meta()["folded"] == "31"
        assert {a.id: store.story_of(a.id) for a in articles} == once


def test_story_state_round_trips() -> None:
    clusterer = StoryClusterer(DEFAULT.stories)
    clusterer.add(Article(id="t1", text=TURKEY_1, title="Quake"))
    clusterer.add(Article(id="t2", text=TURKEY_2, title="Toll"))
    clusterer.add(Article(id="b1", text=BUDGET, title="Budget"))
    assert clusterer.story_of("t2") == "st1"
    state = clusterer.export_story("st1")
    assert state[:4] == b"NPS1"
    # A second clusterer with the same counts and the story put back: same bytes, and it
    # files the next article exactly as the first one does.
    words, names = clusterer.frequencies()
    other = StoryClusterer(DEFAULT.stories)
    other.load_counts(words, names, clusterer.documents, clusterer.clock)
    other.restore_story("st1", "Quake", state, ["t1", "t2"])
    other.restore_story("sb1", "Budget", clusterer.export_story("sb1"), ["b1"])
    assert other.export_story("st1") == state
    assert other.story_of("t1") == "st1" and other.open_stories() == {"st1", "sb1"}
    info = other.story_info("st1")
    assert info is not None and (info.articles, info.status) == (("t1", "t2"), "open")
    third = Article(id="t3", text=TURKEY_3, title="Aftershocks")
    assert other.add(third) == clusterer.add(third) == "st1"
    assert other.export_story("st1") == clusterer.export_story("st1")
    with pytest.raises(ValueError, match="not a newsprism story state"):
        other.restore_story("sx", "", b"pickle", [])
    with pytest.raises(ValueError, match="already here"):
        other.restore_story("st1", "", state, [])


def test_filer_forgets_closed_stories_and_notes_changes() -> None:
    clusterer = StoryClusterer(StorySettings(window_days=30.0))
    clusterer.add(Article(id="t1", text=TURKEY_1, published=datetime(2023, 2, 6, tzinfo=UTC)))
    changes = clusterer.take_changes()
    assert (changes.created, changes.joined, changes.closed) == (["st1"], ["st1"], [])
    clusterer.add(Article(id="b1", text=BUDGET, published=datetime(2023, 9, 8, tzinfo=UTC)))
    changes = clusterer.take_changes()
    # The Turkey story fell out of the window when the budget article moved the clock on.
    assert (changes.created, changes.closed) == (["sb1"], ["st1"])
    assert changes.touched() == ["sb1", "st1"]
    info = clusterer.story_info("st1")
    assert info is not None and info.status == "closed"
    with pytest.raises(ValueError, match="not open"):
        clusterer.export_story("st1")
    clusterer.forget("st1")
    assert clusterer.story_info("st1") is None and clusterer.story_of("t1") is None
    assert [s.id for s in clusterer.stories()] == ["sb1"]
    with pytest.raises(ValueError, match="is open"):
        clusterer.forget("sb1")


def test_merge_and_split_survive_later_ingests(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    ingest(
        db,
        dump(
            tmp_path / "a.jsonl",
            [
                record(TURKEY_1, "Quake in Turkey", "Reuters"),
                record(MOROCCO, "Quake in Morocco", "AP"),
                record(BUDGET, "EU budget", "Politico"),
            ],
        ),
        capsys,
    )
    turkey, morocco, budget = (article_id(db, t) for t in (TURKEY_1, MOROCCO, BUDGET))
    assert set(memberships(db).values()) == {f"s{turkey}", f"s{morocco}", f"s{budget}"}

    # A user says the two quakes are one story (earthquakes): the first id stays.
    assert cli(add_merge_arguments, run_merge, [f"s{turkey}", f"s{morocco}", "--db", db]) == 0
    assert capsys.readouterr().out == f"merged into s{turkey} (2 articles)\n"
    with open_store(db) as store:
        assert store.resolve_story(f"s{morocco}") == f"s{turkey}"
        assert story_id_of(store, f"s{morocco}") == f"s{turkey}"
        assert [a.id for a in load_story_articles(store, f"s{morocco}")] == [turkey, morocco]

    # Later Morocco news joins the merged story, never the alias.
    ingest(
        db,
        dump(tmp_path / "b.jsonl", [record(MOROCCO_2, "Toll rises", "AP")]),
        capsys,
    )
    morocco_2 = article_id(db, MOROCCO_2)
    assert memberships(db)[morocco_2] == f"s{turkey}"

    # Then the user splits Morocco back out: both Morocco articles move and stay moved.
    assert (
        cli(add_split_arguments, run_split, [f"s{turkey}", morocco, morocco_2, "--db", str(db)])
        == 0
    )
    # "s<morocco>" is taken (an alias now), so the new story gets a suffix.
    new_story = f"s{morocco}-2"
    assert capsys.readouterr().out == f"moved 2 articles to the new story {new_story}\n"
    members = memberships(db)
    assert members[morocco] == members[morocco_2] == new_story
    assert members[turkey] == f"s{turkey}"

    ingest(
        db,
        dump(
            tmp_path / "c.jsonl",
            [
                record(TURKEY_2, "Toll passes 2,300", "BBC"),
                record(TURKEY_3, "Survivors found", "Reuters"),
            ],
        ),
        capsys,
    )
    after = memberships(db)
    assert after[morocco] == after[morocco_2] == new_story  # the split held
    assert after[article_id(db, TURKEY_2)] == after[article_id(db, TURKEY_3)] == f"s{turkey}"
    with open_store(db) as store:
        assert store.story_apart() == {(f"s{turkey}", new_story), (new_story, f"s{turkey}")}
        pinned = store.conn.execute(
            "SELECT article FROM story_articles WHERE pinned = 1 ORDER BY article"
        ).fetchall()
        assert sorted(r[0] for r in pinned) == sorted([morocco, morocco_2])
        kinds = [c["kind"] for c in store.story_corrections()]
        assert kinds == ["merge", "split"]
        with pytest.raises(CorrectionError):
            split_story(store, f"s{turkey}", [budget])  # not in that story
        with pytest.raises(CorrectionError):
            merge_stories(store, [f"s{turkey}", f"s{morocco}"])  # the alias is the same story


def test_stories_listing_filters(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    ingest(db, dump(tmp_path / "first.jsonl", FIRST + SECOND), capsys)
    turkey, budget = article_id(db, TURKEY_1), article_id(db, BUDGET)

    def listing(*argv: str) -> list[dict[str, object]]:
        assert cli(add_stories_arguments, run_stories, [*argv, "--json", "--db", str(db)]) == 0
        return list(json.loads(capsys.readouterr().out))

    everything = listing()
    assert [s["id"] for s in everything] == [f"s{turkey}", f"s{budget}"]  # newest first
    assert everything[0] == {
        "id": f"s{turkey}",
        "title": "Huge quake kills thousands in Turkey",
        "start": "2023-02-06T00:00:00+00:00",
        "end": "2023-02-08T00:00:00+00:00",
        "outlets": ["BBC", "Daily Star", "Reuters"],
        "articles": 3,
        "copies": 1,
        "open": True,
    }
    assert [s["id"] for s in listing("--outlet", "politico")] == [f"s{budget}"]
    assert [s["id"] for s in listing("--query", "Strasbourg subsidies")] == [f"s{budget}"]
    assert [s["id"] for s in listing("--query", "rubble")] == [f"s{turkey}"]
    assert listing("--query", "volcano") == []
    assert [s["id"] for s in listing("--since", "2023-02-08T12:00")] == []
    assert [s["id"] for s in listing("--since", "2023-02-08")] == [f"s{turkey}", f"s{budget}"]
    assert [s["id"] for s in listing("--limit", "1")] == [f"s{turkey}"]

    assert cli(add_stories_arguments, run_stories, ["--db", str(db), "--outlet", "BBC"]) == 0
    assert capsys.readouterr().out == (
        f"s{turkey}  2023-02-06..2023-02-08  3 articles (+1 near-copy)  "
        "[BBC, Daily Star, Reuters]  Huge quake kills thousands in Turkey\n"
    )


def test_compare_story_end_to_end(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str], nlp: object
) -> None:
    from newsprism.pipeline import compare_articles

    db = store_db
    ingest(
        db,
        dump(
            tmp_path / "two.jsonl",
            [
                record(TURKEY_1, "Huge quake kills thousands in Turkey", "Reuters", "2023-02-06"),
                record(TURKEY_2, "Turkey quake toll passes 2,300", "BBC", "2023-02-07"),
            ],
        ),
        capsys,
    )
    story = f"s{article_id(db, TURKEY_1)}"
    with open_store(db) as store:
        articles = load_story_articles(store, story)
        assert [a.outlet for a in articles] == ["Reuters", "BBC"]
        comparison = compare_articles(articles)
        comparison.story = story_id_of(store, story)
        assert store.save_comparison(comparison) == story
        saved = store.load_comparison_model(story)
    assert story_for_compare(str(db), story) == (story, articles)
    assert [a.id for a in saved.articles] == [a.id for a in articles]
    assert saved.story == story
    assert {c.article for c in saved.analyses[0].claims} == {articles[0].id}
    with pytest.raises(KeyError), open_store(db) as store:
        load_story_articles(store, "sunknown")


def test_catch_up_files_what_a_run_left_unfiled(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store_db
    source = dump(tmp_path / "first.jsonl", FIRST)
    assert ingest_main([str(source), "--db", str(db), "--no-progress", "--no-stories"]) == 0
    assert capsys.readouterr().out.startswith("2 new, 0 duplicate, 1 near-copy linked, 0 failed")
    assert memberships(db) == {}
    out = ingest(db, dump(tmp_path / "second.jsonl", SECOND), capsys)
    assert "(3 left unfiled by an earlier run filed now)" in out.splitlines()[1]
    turkey = article_id(db, TURKEY_1)
    assert set(memberships(db).values()) == {f"s{turkey}", f"s{article_id(db, BUDGET)}"}
    assert memberships(db)[article_id(db, TURKEY_1_COPY)] == f"s{turkey}"
    with open_store(db) as store:  # a later start looks only at articles stored since
        assert store.story_meta()["checked_rowid"] == "3"
        assert store.unfiled_articles() == []


def test_two_writers_never_lose_a_filing(store_db: str) -> None:
    """A filer whose view is stale (another process filed) reloads and files again."""
    db = store_db
    texts = [TURKEY_1, BUDGET, TURKEY_2, MOROCCO]
    articles = [Article(id=f"a{k}", text=t, title=f"title {k}") for k, t in enumerate(texts)]
    with open_store(db) as one, open_store(db) as two:
        with one._transaction() as conn:
            one._save_articles(conn, articles, "test")
        first, second = StoryFiler(one), StoryFiler(two)
        assert first.file(articles[0]) == "sa0"
        with second.batch(10):
            assert second.file(articles[1]) == "sa1"  # reloaded first: sees story sa0
            first.file(articles[2])  # meanwhile the other writer files
            second.file(articles[3])
        # The batch's write found the stories changed, reloaded and filed its two again.
        assert one.story_seq() == 4
        assert memberships(db) == {"a0": "sa0", "a1": "sa1", "a2": "sa0", "a3": "sa3"}
        assert one.story_meta()["documents"] == "4"


def test_a_refiling_after_a_conflict_counts_each_article_once(store_db: str) -> None:
    """Issue 14, item 13: with two ingest runs at once, a filer whose write met the other's
    (``StoryConflict``) files its pending articles again; each is still counted once."""
    db = store_db
    texts = [TURKEY_1, BUDGET, TURKEY_2, MOROCCO, MOROCCO_2]
    articles = [Article(id=f"a{k}", text=t, title=f"title {k}") for k, t in enumerate(texts)]
    with open_store(db) as one, open_store(db) as two:
        with one._transaction() as conn:
            one._save_articles(conn, articles, "test")
        first, second = StoryFiler(one), StoryFiler(two)
        first.file(articles[0])
        with second.batch(10):
            second.file(articles[1])
            first.file(articles[2])  # the other run writes meanwhile: a conflict
            second.file(articles[3])
            second.file(articles[4])
        assert memberships(db) == {"a0": "sa0", "a1": "sa1", "a2": "sa0", "a3": "sa3", "a4": "sa3"}
    assert first.counts.line() == (
        "stories: 1 new, 1 articles joined a story, 0 near-copies filed with their original"
    )
    assert second.counts.line() == (
        "stories: 2 new, 1 articles joined a story, 0 near-copies filed with their original"
    )


def test_clusterer_merges_are_stored_and_never_undo_a_split(store_db: str) -> None:
    """With revision on, a merge the clusterer makes moves the members in the store and
    leaves an alias; two stories a user split apart are never merged again."""
    from newsprism.settings import StorySettings

    settings = StorySettings(merge_probability=0.0)  # merge every candidate it scores
    texts = [TURKEY_1, BUDGET, TURKEY_2, TURKEY_3]
    articles = [Article(id=f"a{k}", text=t, title=f"title {k}") for k, t in enumerate(texts)]
    with open_store(store_db) as store:
        with store._transaction() as conn:
            store._save_articles(conn, articles, "test")
        filer = StoryFiler(store, settings)
        assert [filer.file(a) for a in articles[:3]] == ["sa0", "sa1", "sa0"]
        assert memberships(store_db) == {"a0": "sa0", "a1": "sa0", "a2": "sa0"}
        assert store.resolve_story("sa1") == "sa0"
        story = store.get_story("sa0")
        assert story is not None and story.articles == 3

        assert split_story(store, "sa0", ["a1"], settings) == "sa1-2"
        assert filer.file(articles[3]) == "sa0"  # it reloads: the split is seen
        assert memberships(store_db) == {
            "a0": "sa0",
            "a1": "sa1-2",
            "a2": "sa0",
            "a3": "sa0",
        }
