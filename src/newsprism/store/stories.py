"""Story tables of the SQLite store: filing, clusterer state, corrections and listing.

``StoryTables`` is mixed into ``Store``; ``StoryStoreBackend`` (``store.base``) is the interface
another backend would implement. The clusterer's in-memory state is rebuilt from these rows by
``newsprism.stories.persist``; this module only moves plain records in and out, each write in
one transaction. Every write bumps ``story_meta.seq`` and checks it first, so two processes
filing into one store never overwrite each other's view (``StoryConflict``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from newsprism.model import Article
from newsprism.store.dialect import Connection
from newsprism.store.errors import StoryConflict


@dataclass
class StoryRecord:
    """One row of ``stories`` (times are ISO 8601 in UTC)."""

    id: str
    title: str = ""
    start: str | None = None
    end: str | None = None
    status: str = "open"  # 'open', 'closed' or 'merged'
    merged_into: str = ""
    last_joined: int = 0
    state: bytes | None = None  # clusterer state of an open story (``stories.persist``)
    articles: int = 0  # read only: members that are not near-copies
    copies: int = 0  # read only: near-copies
    created: str = ""  # read only
    updated: str = ""  # read only


@dataclass
class Filing:
    """What filing one or more articles writes, all in one transaction."""

    expect_seq: int  # the seq the writer last saw; another value raises StoryConflict
    seq: int  # the seq after this filing
    members: list[tuple[str, str, int, str]] = field(default_factory=list)
    # ^ (article, story, seq, copy_of) of newly filed articles
    stories: list[StoryRecord] = field(default_factory=list)  # rows to insert or update
    moved: list[tuple[str, str]] = field(default_factory=list)  # (story, into): clusterer merges
    counted: list[tuple[int, bytes, str]] = field(default_factory=list)
    # ^ (seq, int32 hashed words, JSON names) of each filed article, for the frequencies
    fold_through: int = 0  # fold the counted rows up to this seq into the frequency tables
    folded: int = 0  # ... which then hold the counts of this many articles (``fold_through``)
    documents: int = 0  # new total of articles counted in the frequencies
    clock: str | None = None  # newest publication time seen (ISO)
    articles: list[Article] = field(default_factory=list)  # stored first (bulk building)


@dataclass
class Correction:
    """A user's merge or split, written in one transaction."""

    kind: str  # 'merge' or 'split'
    story: str  # the surviving (merge) or new (split) story
    others: list[str]  # merged stories, or [the story split from]
    articles: list[str]  # moved articles (split)
    expect_seq: int
    seq: int
    stories: list[StoryRecord] = field(default_factory=list)  # rebuilt rows
    moves: list[tuple[str, str, int]] = field(default_factory=list)  # (article, story, pinned)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, story)
    apart: list[tuple[str, str]] = field(default_factory=list)  # pairs never to merge
    together: list[tuple[str, str]] = field(default_factory=list)  # pairs no longer apart


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(row: sqlite3.Row) -> StoryRecord:
    return StoryRecord(
        id=row["id"],
        title=row["title"],
        start=row["start"],
        end=row["end"],
        status=row["status"],
        merged_into=row["merged_into"],
        last_joined=row["last_joined"],
        state=bytes(row["state"]) if row["state"] is not None else None,
        articles=row["articles"],
        copies=row["copies"],
        created=row["created"],
        updated=row["updated"],
    )


class StoryTables:
    """Story methods of ``Store`` (needs its ``conn`` and ``_transaction``)."""

    @property
    def conn(self) -> Connection:  # provided by Store
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    def _story_match_sql(  # provided by Store (a dialect hook)
        self, query: str, per_story: bool
    ) -> tuple[str, list[object]] | None:
        raise NotImplementedError

    # --- reading the clusterer state -----------------------------------------------------

    def story_meta(self) -> dict[str, str]:
        """The counters of the story clusterer: 'documents', 'clock', 'seq', and 'folded' (the
        article count the frequency tables hold, at the clusterer's last IDF fold), when set."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT key, value FROM story_meta")}

    def story_seq(self) -> int:
        """The number of filings and corrections so far (0 for a new store)."""
        row = self.conn.execute("SELECT value FROM story_meta WHERE key = 'seq'").fetchone()
        return int(row[0]) if row else 0

    def _unfolded(
        self, conn: Connection | None = None, through: int | None = None
    ) -> tuple[Counter[int], Counter[str]]:
        """The counts waiting in story_df_pending (those of filings up to seq ``through``)."""
        parts: list[np.ndarray] = []
        names: Counter[str] = Counter()
        sql, args = "SELECT words, names FROM story_df_pending", []
        if through is not None:
            sql, args = sql + " WHERE seq <= ?", [through]
        for blob, found in (conn or self.conn).execute(sql, args):
            parts.append(np.frombuffer(blob, dtype="<i4"))
            names.update(json.loads(found))
        words: Counter[int] = Counter()
        if parts:  # counted with numpy: a Counter update per word took half of each fold
            found_words, counts = np.unique(np.concatenate(parts), return_counts=True)
            words.update(dict(zip(found_words.tolist(), counts.tolist(), strict=True)))
        return words, names

    def story_df(self, folded_only: bool = False) -> dict[int, int]:
        """Document count of every hashed word seen (``folded_only``: as of the last fold,
        story_meta 'folded' articles)."""
        counts = dict(self.conn.execute("SELECT feature, count FROM story_df").fetchall())
        if folded_only:
            return counts
        for word, n in self._unfolded()[0].items():
            counts[word] = counts.get(word, 0) + n
        return counts

    def story_df_for(self, features: list[int]) -> dict[int, int]:
        """Document counts of some hashed words."""
        out: dict[int, int] = {}
        for k in range(0, len(features), 500):
            chunk = features[k : k + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT feature, count FROM story_df WHERE feature IN ({marks})", chunk
                ).fetchall()
            )
        wanted = set(features)
        for word, n in self._unfolded()[0].items():
            if word in wanted:
                out[word] = out.get(word, 0) + n
        return out

    def story_name_df(self) -> dict[str, int]:
        """Document count of every name seen."""
        counts = dict(self.conn.execute("SELECT name, count FROM story_name_df").fetchall())
        for name, n in self._unfolded()[1].items():
            counts[name] = counts.get(name, 0) + n
        return counts

    def open_stories(self) -> list[StoryRecord]:
        """The open stories, least recently joined first."""
        rows = self.conn.execute(
            "SELECT * FROM stories WHERE status = 'open' ORDER BY last_joined, id"
        ).fetchall()
        return [_record(r) for r in rows]

    def story_apart(self) -> set[tuple[str, str]]:
        """Pairs of stories a user split apart (both orders)."""
        pairs = self.conn.execute("SELECT a, b FROM story_apart").fetchall()
        return {(a, b) for a, b in pairs} | {(b, a) for a, b in pairs}

    def unfiled_articles(self) -> list[tuple[str, str]]:
        """(id, original or "") of stored articles not filed under a story, oldest first.

        Only articles stored after the last ``mark_checked`` are looked at, so a run's start
        does not scan the whole store."""
        row = self.conn.execute("SELECT value FROM story_meta WHERE key = 'checked_rowid'")
        found = row.fetchone()
        rows = self.conn.execute(
            "SELECT a.id, COALESCE(l.original, '') FROM articles a "
            "LEFT JOIN article_links l ON l.article = a.id "
            "WHERE a.rowid > ? "
            "AND NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article = a.id) "
            "ORDER BY a.rowid",
            (int(found[0]) if found else 0,),
        ).fetchall()
        return [(str(a), str(o)) for a, o in rows]

    def mark_checked(self) -> None:
        """Record that every article stored so far is filed (after a catch-up)."""
        with self._transaction() as conn:
            last = conn.execute("SELECT MAX(rowid) FROM articles").fetchone()[0] or 0
            unfiled = conn.execute(
                "SELECT 1 FROM articles a WHERE a.rowid > (SELECT CAST(COALESCE(MAX(value), '0') "
                "AS INTEGER) FROM story_meta WHERE key = 'checked_rowid') "
                "AND NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article = a.id) LIMIT 1"
            ).fetchone()
            if unfiled is None:
                self._set_meta(conn, {"checked_rowid": str(last)})

    # --- reading stories -----------------------------------------------------------------

    def story_of(self, article_id: str) -> str | None:
        """The story an article is filed under, or None."""
        row = self.conn.execute(
            "SELECT story FROM story_articles WHERE article = ?", (article_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def resolve_story(self, story_id: str) -> str | None:
        """The id a story goes by now (a merged story's id leads to the one it went into)."""
        row = self.conn.execute("SELECT story FROM story_aliases WHERE alias = ?", (story_id,))
        found = row.fetchone()
        if found:
            return str(found[0])
        exists = self.conn.execute(
            "SELECT 1 FROM stories WHERE id = ? AND status != 'merged'", (story_id,)
        ).fetchone()
        return story_id if exists else None

    def get_story(self, story_id: str) -> StoryRecord | None:
        """One story row (by its own id, aliases not followed), or None."""
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _record(row) if row else None

    def story_members(self, story_id: str) -> list[dict[str, Any]]:
        """The story's members in filing order: article, seq, copy_of, pinned."""
        rows = self.conn.execute(
            "SELECT article, seq, copy_of, pinned FROM story_articles WHERE story = ? "
            "ORDER BY seq, article",
            (story_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    def story_outlets(self, story_id: str) -> list[str]:
        """Outlet names of a story's members (near-copies included), sorted."""
        rows = self.conn.execute(
            "SELECT DISTINCT a.outlet FROM story_articles s JOIN articles a ON a.id = s.article "
            "WHERE s.story = ? AND a.outlet != '' ORDER BY a.outlet",
            (story_id,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def list_stories(
        self,
        since: str | None = None,
        outlet: str | None = None,
        query: str | None = None,
        limit: int | None = 50,
    ) -> list[StoryRecord]:
        """Stories, newest first (by their newest member's publication time, else by when
        they last changed). ``since``: ISO time in UTC the story must reach; ``outlet``: an
        outlet name or id one member has; ``query``: words one member's title or text holds
        (full-text search)."""
        where = ["s.status != 'merged'", "s.articles + s.copies > 0"]
        args: list[object] = []
        if since:
            where.append('COALESCE(s."end", s.updated) >= ?')
            args.append(since)
        if outlet:
            where.append(
                "EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article "
                "WHERE m.story = s.id AND (a.outlet = ? COLLATE NOCASE "
                "OR a.outlet_id = ? COLLATE NOCASE))"
            )
            args.extend([outlet, outlet])
        if query is not None:
            match = self._story_match_sql(query, per_story=False)
            if match is None:
                return []
            where.append(match[0])
            args.extend(match[1])
        sql = (
            "SELECT s.* FROM stories s WHERE "
            + " AND ".join(where)
            + ' ORDER BY COALESCE(s."end", s.updated) DESC, s.last_joined DESC, s.id LIMIT ?'
        )
        args.append(-1 if limit is None else limit)
        return [_record(r) for r in self.conn.execute(sql, args).fetchall()]

    # --- writing -------------------------------------------------------------------------

    @staticmethod
    def _check_seq(conn: Connection, expect: int) -> None:
        row = conn.execute("SELECT value FROM story_meta WHERE key = 'seq'").fetchone()
        found = int(row[0]) if row else 0
        if found != expect:
            raise StoryConflict(f"stories changed (seq {found}, expected {expect})")

    @staticmethod
    def _set_meta(conn: Connection, values: dict[str, str]) -> None:
        conn.executemany(
            "INSERT INTO story_meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            sorted(values.items()),
        )

    @staticmethod
    def _upsert_stories(conn: Connection, records: list[StoryRecord], now: str) -> None:
        conn.executemany(
            'INSERT INTO stories(id, title, start, "end", status, merged_into, last_joined, '
            "state, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, start = excluded.start, "
            '"end" = excluded."end", '
            "status = excluded.status, merged_into = excluded.merged_into, "
            "last_joined = excluded.last_joined, state = excluded.state, "
            "updated = excluded.updated",
            [
                (
                    r.id,
                    r.title,
                    r.start,
                    r.end,
                    r.status,
                    r.merged_into,
                    r.last_joined,
                    r.state,
                    now,
                    now,
                )
                for r in records
            ],
        )

    @staticmethod
    def _recount(conn: Connection, story_ids: set[str]) -> None:
        conn.executemany(
            "UPDATE stories SET "
            "articles = (SELECT COUNT(*) FROM story_articles WHERE story = ?1 AND copy_of = ''), "
            "copies = (SELECT COUNT(*) FROM story_articles WHERE story = ?1 AND copy_of != '') "
            "WHERE id = ?1",
            [(s,) for s in sorted(story_ids)],
        )

    def save_filing(self, filing: Filing) -> None:
        """Write one filing step in one transaction (raises ``StoryConflict`` when another
        writer filed since ``filing.expect_seq``; then nothing is written)."""
        now = _now()
        with self._transaction() as conn:
            self._check_seq(conn, filing.expect_seq)
            if filing.articles:
                self._save_articles(conn, filing.articles, now)  # type: ignore[attr-defined]
            self._upsert_stories(conn, filing.stories, now)
            conn.executemany(
                "INSERT INTO story_articles(article, story, seq, copy_of) VALUES (?, ?, ?, ?)",
                filing.members,
            )
            added: dict[tuple[str, bool], int] = {}
            for _, story, _, copy_of in filing.members:
                key = (story, bool(copy_of))
                added[key] = added.get(key, 0) + 1
            conn.executemany(
                "UPDATE stories SET articles = articles + ?, copies = copies + ? WHERE id = ?",
                [
                    (n, 0, s) if not is_copy else (0, n, s)
                    for (s, is_copy), n in sorted(added.items())
                ],
            )
            touched: set[str] = set()
            for story, into in filing.moved:
                conn.execute("UPDATE story_articles SET story = ? WHERE story = ?", (into, story))
                conn.execute("UPDATE story_aliases SET story = ? WHERE story = ?", (into, story))
                conn.execute(
                    "INSERT OR REPLACE INTO story_aliases(alias, story) VALUES (?, ?)",
                    (story, into),
                )
                touched.update((story, into))
            self._recount(conn, touched)
            conn.executemany(
                "INSERT INTO story_df_pending(seq, words, names) VALUES (?, ?, ?)",
                filing.counted,
            )
            meta = {"seq": str(filing.seq), "documents": str(filing.documents)}
            if filing.fold_through:
                self._fold(conn, filing.fold_through)
                meta["folded"] = str(filing.folded)
            if filing.clock is not None:
                meta["clock"] = filing.clock
            self._set_meta(conn, meta)

    def _fold(self, conn: Connection, through: int) -> None:
        """Add the pending counts of filings up to seq ``through`` into the frequency tables
        (sorted: few pages touched)."""
        words, names = self._unfolded(conn, through)
        conn.executemany(
            "INSERT INTO story_df(feature, count) VALUES (?, ?) "
            "ON CONFLICT(feature) DO UPDATE SET count = story_df.count + excluded.count",
            sorted(words.items()),
        )
        conn.executemany(
            "INSERT INTO story_name_df(name, count) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET count = story_name_df.count + excluded.count",
            sorted(names.items()),
        )
        conn.execute("DELETE FROM story_df_pending WHERE seq <= ?", (through,))

    def save_correction(self, correction: Correction) -> None:
        """Write a user's merge or split in one transaction (``StoryConflict`` as above)."""
        now = _now()
        with self._transaction() as conn:
            self._check_seq(conn, correction.expect_seq)
            touched = {r.id for r in correction.stories}
            self._upsert_stories(conn, correction.stories, now)
            for article, story, pinned in correction.moves:
                old = conn.execute(
                    "SELECT story FROM story_articles WHERE article = ?", (article,)
                ).fetchone()
                if old:
                    touched.add(str(old[0]))
                conn.execute(
                    "UPDATE story_articles SET story = ?, pinned = ? WHERE article = ?",
                    (story, pinned, article),
                )
                touched.add(story)
            for alias, story in correction.aliases:
                conn.execute("UPDATE story_aliases SET story = ? WHERE story = ?", (story, alias))
                conn.execute(
                    "INSERT OR REPLACE INTO story_aliases(alias, story) VALUES (?, ?)",
                    (alias, story),
                )
            for a, b in correction.together:
                conn.execute(
                    "DELETE FROM story_apart WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)",
                    (a, b, b, a),
                )
            conn.executemany(
                "INSERT OR IGNORE INTO story_apart(a, b) VALUES (?, ?)",
                [tuple(sorted(p)) for p in correction.apart],
            )
            conn.execute(
                "INSERT INTO story_corrections(seq, kind, story, others, articles, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    correction.seq,
                    correction.kind,
                    correction.story,
                    json.dumps(correction.others),
                    json.dumps(correction.articles),
                    now,
                ),
            )
            self._recount(conn, touched)
            self._set_meta(conn, {"seq": str(correction.seq)})

    def story_corrections(self) -> list[dict[str, Any]]:
        """Every merge and split a user made, oldest first."""
        rows = self.conn.execute("SELECT * FROM story_corrections ORDER BY seq").fetchall()
        out = []
        for r in rows:
            item = dict(r)
            item["others"] = json.loads(item["others"])
            item["articles"] = json.loads(item["articles"])
            out.append(item)
        return out
