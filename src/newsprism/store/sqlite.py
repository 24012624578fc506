"""The SQLite store: articles once, and every derived layer of each comparison.

One file, WAL journal, foreign keys on. Each save is one transaction: a failure leaves the
database as it was. Saving a comparison again (same story id) deletes its derived rows and
writes them anew; articles are upserted by id and never duplicated. Full-text search over
article titles and texts uses FTS5.

    with Store("out/newsprism.db") as store:
        story_id = store.save_comparison(comparison)
        comparison = store.load_comparison_model(story_id)   # what was saved

The report's JSON of a stored comparison is built in ``report.stored``: storage never imports
presentation.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    BriefSentence,
    Claim,
    Comparison,
    Concept,
    EventReport,
    LoadedSpan,
    Mention,
    Omission,
    Outlet,
    Quantity,
    Quote,
    QuoteShare,
    Sentence,
    Span,
    TermUse,
    TimeExpr,
    loaded_spans,
    ordered_analyses,
)
from newsprism.store.browse import BrowseQueries
from newsprism.store.dialect import Connection, query_words
from newsprism.store.errors import StoreError, StoreLocked
from newsprism.store.schema import MIGRATIONS, SCHEMA_VERSION
from newsprism.store.stories import StoryTables


def story_id_for(comparison: Comparison) -> str:
    """The comparison's story id: ``comparison.story``, else one derived from its article ids
    (so the same set of articles always gets the same id)."""
    if comparison.story:
        return comparison.story
    digest = hashlib.sha1("\n".join(sorted(a.id for a in comparison.articles)).encode())
    return "s" + digest.hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _spans_json(spans: list[Span]) -> str:
    return _json([[s.article, s.start, s.end] for s in spans])


def _spans_from(text: str) -> list[Span]:
    return [Span(a, s, e) for a, s, e in json.loads(text)]


def _fts_query(query: str) -> str:
    """A user's words as an FTS5 query: every word must occur (no FTS syntax errors)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in query_words(query))


@dataclass(frozen=True)
class Ingested:
    """One ingested article to store (``Store.add_ingested_many``): its normalized ``urls``,
    its MinHash ``signature`` and LSH ``bands`` (None and [] for a text too short to
    compare), and ``choose_original``, which picks the article it is a near-copy of among
    the candidates sharing a band with it (id, signature), or None."""

    article: Article
    urls: list[str]
    signature: bytes | None
    bands: list[tuple[int, int]]
    choose_original: Callable[[list[tuple[str, bytes]]], tuple[str, float] | None]


def _is_locked(err: sqlite3.Error) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY, after the busy timeout)."""
    return getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or (
        "database is locked" in str(err)
    )


class Store(StoryTables, BrowseQueries):
    """A SQLite database of articles and comparisons (implements ``StoreBackend``; its story
    methods, from ``StoryTables``, implement ``StoryStoreBackend``; its web app queries, from
    ``BrowseQueries``, implement ``BrowseStoreBackend``)."""

    def __init__(
        self, path: str | Path, *, check_same_thread: bool = True, lock_wait: float = 5.0
    ) -> None:
        """Open (creating it if needed) and migrate the store at ``path``.

        ``check_same_thread=False`` lets other threads use the connection, one at a time (the
        web app opens, uses and closes a request's store in worker threads that may differ).
        ``lock_wait`` is how many seconds a write waits (SQLite retrying meanwhile) while
        another connection holds the write lock; past it the write raises ``StoreLocked``.

        Raises ``StoreError`` naming the path when it is not a SQLite database (a text file
        given as --db), cannot be opened (a folder), or was written by a newer newsprism;
        the file is left untouched.
        """
        self.path = str(path)
        self._check_same_thread = check_same_thread
        self.lock_wait = lock_wait
        self._conn: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.DatabaseError as err:
            self.close()
            if _is_locked(err):
                raise self._locked() from err
            raise StoreError(
                f"{self.path}: cannot be used as the newsprism store ({err}); give another --db"
            ) from err
        except StoreError:
            self.close()
            raise

    def _open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly, one per save.
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=self._check_same_thread
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute(f"PRAGMA busy_timeout = {max(0, round(self.lock_wait * 1000))}")
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    # --- connection and schema --------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        return self._sqlite()

    def _sqlite(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError(f"the store {self.path} is closed")
        return self._conn

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _locked(self) -> StoreLocked:
        return StoreLocked(
            f"{self.path} stayed locked by another writer for over {self.lock_wait:g} s",
            self.lock_wait,
        )

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if _is_locked(err):
                raise self._locked() from err
            raise
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The schema version of the open database."""
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this newsprism "
                f"({SCHEMA_VERSION}); upgrade newsprism to open it"
            )
        for version in range(current, SCHEMA_VERSION):
            script = (
                "BEGIN IMMEDIATE;\n"
                + MIGRATIONS[version]
                + f"\nINSERT INTO schema_version(version, applied) "
                f"VALUES ({version + 1}, '{_now()}');\nCOMMIT;"
            )
            try:
                self._sqlite().executescript(script)
            except sqlite3.Error:
                if self._sqlite().in_transaction:
                    self._sqlite().execute("ROLLBACK")
                raise

    # --- saving -----------------------------------------------------------------------------

    def save_comparison(
        self, comparison: Comparison, outlets: Mapping[str, Outlet] | None = None
    ) -> str:
        """Store ``comparison`` in one transaction and return its story id.

        Saving the same comparison (same story id) again replaces its derived rows and keeps
        its creation time; articles are upserted by id. ``outlets`` (registry entries) are
        stored for the outlets of its articles. On any error nothing is written.
        """
        story_id = story_id_for(comparison)
        now = _now()
        with self._transaction() as conn:
            self._save_outlets(conn, comparison, outlets or {})
            self._save_articles(conn, comparison.articles, now)
            row = conn.execute(
                "SELECT created FROM comparisons WHERE id = ?", (story_id,)
            ).fetchone()
            created = row["created"] if row else now
            conn.execute("DELETE FROM comparisons WHERE id = ?", (story_id,))
            title = next((a.title for a in comparison.articles if a.title.strip()), "")
            conn.execute(
                "INSERT INTO comparisons(id, title, created, updated, timings) "
                "VALUES (?, ?, ?, ?, ?)",
                (story_id, title, created, now, _json(comparison.timings)),
            )
            conn.executemany(
                "INSERT INTO comparison_articles(comparison, position, article) VALUES (?, ?, ?)",
                [(story_id, k, a.id) for k, a in enumerate(comparison.articles)],
            )
            for analysis in ordered_analyses(comparison):
                self._save_analysis(conn, story_id, analysis)
            self._save_findings(conn, story_id, comparison)
        return story_id

    def _save_outlets(
        self, conn: Connection, comparison: Comparison, outlets: Mapping[str, Outlet]
    ) -> None:
        used = sorted({a.outlet_id for a in comparison.articles if a.outlet_id in outlets})
        conn.executemany(
            "INSERT INTO outlets(id, name, domains, aliases, country, ownership, funding, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "name = excluded.name, domains = excluded.domains, aliases = excluded.aliases, "
            "country = excluded.country, ownership = excluded.ownership, "
            "funding = excluded.funding, kind = excluded.kind",
            [
                (
                    o.id,
                    o.name,
                    _json(o.domains),
                    _json(o.aliases),
                    o.country,
                    o.ownership,
                    o.funding,
                    o.kind,
                )
                for o in (outlets[k] for k in used)
            ],
        )

    def _save_articles(self, conn: Connection, articles: list[Article], now: str) -> None:
        conn.executemany(
            "INSERT INTO articles(id, outlet, outlet_id, url, title, published, "
            "published_source, language, text, source, notes, added) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "outlet = excluded.outlet, outlet_id = excluded.outlet_id, url = excluded.url, "
            "title = excluded.title, published = excluded.published, "
            "published_source = excluded.published_source, language = excluded.language, "
            "text = excluded.text, source = excluded.source, notes = excluded.notes",
            [
                (
                    a.id,
                    a.outlet,
                    a.outlet_id,
                    a.url,
                    a.title,
                    a.published.isoformat() if a.published else None,
                    a.published_source,
                    a.language,
                    a.text,
                    a.source,
                    _json(a.notes),
                    now,
                )
                for a in articles
            ],
        )

    def _save_analysis(self, conn: Connection, story: str, analysis: ArticleAnalysis) -> None:
        art = analysis.article
        conn.executemany(
            'INSERT INTO sentences(comparison, article, idx, start, "end") VALUES (?, ?, ?, ?, ?)',
            [(story, art, s.index, s.start, s.end) for s in analysis.sentences],
        )
        conn.executemany(
            'INSERT INTO mentions(comparison, id, article, position, start, "end", text, label, '
            "head, sentence, concept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    m.id,
                    m.article,
                    k,
                    m.start,
                    m.end,
                    m.text,
                    m.label,
                    m.head,
                    m.sentence,
                    m.concept,
                )
                for k, m in enumerate(analysis.mentions)
            ],
        )
        # Times and quantities get ids by position; a claim's own time or number that is not
        # among the analysis' ones is stored after them with no position.
        times: list[tuple[str, TimeExpr, int | None]] = [
            (f"{art}:t{k}", t, k) for k, t in enumerate(analysis.times)
        ]
        quantities: list[tuple[str, Quantity, int | None]] = [
            (f"{art}:n{k}", q, k) for k, q in enumerate(analysis.quantities)
        ]

        def time_id(time: TimeExpr) -> str:
            for tid, known, _ in times:
                if known == time:
                    return tid
            tid = f"{art}:t{len(times)}"
            times.append((tid, time, None))
            return tid

        def quantity_id(number: Quantity) -> str:
            for qid, known, _ in quantities:
                if known == number:
                    return qid
            qid = f"{art}:n{len(quantities)}"
            quantities.append((qid, number, None))
            return qid

        claim_rows = []
        number_rows: list[tuple[str, str, int, str]] = []
        for k, c in enumerate(analysis.claims):
            tid = time_id(c.time) if c.time is not None else None
            claim_rows.append(
                (
                    story,
                    c.id,
                    c.article,
                    k,
                    c.start,
                    c.end,
                    c.sentence,
                    c.subject,
                    c.predicate,
                    c.object,
                    c.subject_concept,
                    c.object_concept,
                    c.predicate_start,
                    c.predicate_end,
                    tid,
                    c.place,
                    c.status,
                    int(c.negated),
                    c.attribution,
                    c.attribution_concept,
                    int(c.quoted),
                    c.kind,
                )
            )
            number_rows.extend((story, c.id, j, quantity_id(n)) for j, n in enumerate(c.numbers))
        conn.executemany(
            'INSERT INTO times(comparison, id, article, position, start, "end", text, value, '
            "end_value, granularity, anchored) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    tid,
                    t.article,
                    pos,
                    t.start,
                    t.end,
                    t.text,
                    t.value,
                    t.end_value,
                    t.granularity,
                    int(t.anchored),
                )
                for tid, t, pos in times
            ],
        )
        conn.executemany(
            'INSERT INTO quantities(comparison, id, article, position, start, "end", text, '
            "value, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (story, qid, q.article, pos, q.start, q.end, q.text, q.value, q.unit)
                for qid, q, pos in quantities
            ],
        )
        conn.executemany(
            'INSERT INTO quotes(comparison, id, article, position, start, "end", text, speaker, '
            "speaker_start, speaker_end, speaker_concept, direct, sentence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    q.id,
                    q.article,
                    k,
                    q.start,
                    q.end,
                    q.text,
                    q.speaker,
                    q.speaker_start,
                    q.speaker_end,
                    q.speaker_concept,
                    int(q.direct),
                    q.sentence,
                )
                for k, q in enumerate(analysis.quotes)
            ],
        )
        conn.executemany(
            'INSERT INTO claims(comparison, id, article, position, start, "end", sentence, '
            "subject, predicate, object, subject_concept, object_concept, predicate_start, "
            "predicate_end, time, place, status, negated, attribution, attribution_concept, "
            "quoted, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?)",
            claim_rows,
        )
        conn.executemany(
            "INSERT INTO claim_numbers(comparison, claim, position, quantity) VALUES (?, ?, ?, ?)",
            number_rows,
        )

    def _save_findings(self, conn: Connection, story: str, comparison: Comparison) -> None:
        conn.executemany(
            "INSERT INTO concepts(comparison, id, position, name, kind) VALUES (?, ?, ?, ?, ?)",
            [(story, c.id, k, c.name, c.kind) for k, c in enumerate(comparison.concepts)],
        )
        conn.executemany(
            "INSERT INTO concept_mentions(comparison, concept, position, mention) "
            "VALUES (?, ?, ?, ?)",
            [(story, c.id, k, m) for c in comparison.concepts for k, m in enumerate(c.mentions)],
        )
        conn.executemany(
            "INSERT INTO alignments(comparison, id, position, relation, label, articles, "
            "conflicts, detail, status_change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    a.id,
                    k,
                    a.relation,
                    a.label,
                    _json(a.articles),
                    _json(a.conflicts),
                    a.detail,
                    int(a.status_change),
                )
                for k, a in enumerate(comparison.alignments)
            ],
        )
        conn.executemany(
            "INSERT INTO alignment_claims(comparison, alignment, position, claim) "
            "VALUES (?, ?, ?, ?)",
            [(story, a.id, k, c) for a in comparison.alignments for k, c in enumerate(a.claims)],
        )
        conn.executemany(
            "INSERT INTO omissions(comparison, position, article, alignment, reported_by) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (story, k, o.article, o.alignment, _json(o.reported_by))
                for k, o in enumerate(comparison.omissions)
            ],
        )
        conn.executemany(
            'INSERT INTO loaded_spans(comparison, position, article, start, "end", text, score, '
            "kind, sentence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (story, k, s.article, s.start, s.end, s.text, s.score, s.kind, s.sentence)
                for k, s in enumerate(loaded_spans(comparison))
            ],
        )
        conn.executemany(
            "INSERT INTO term_uses(comparison, position, concept, article, term, count, spans) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (story, k, t.concept, t.article, t.term, t.count, _spans_json(t.spans))
                for k, t in enumerate(comparison.terms)
            ],
        )
        conn.executemany(
            "INSERT INTO quote_shares(comparison, position, speaker, speaker_concept, article, "
            "direct, reported, characters) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    k,
                    q.speaker,
                    q.speaker_concept,
                    q.article,
                    q.direct,
                    q.reported,
                    q.characters,
                )
                for k, q in enumerate(comparison.quote_balance)
            ],
        )
        conn.executemany(
            "INSERT INTO events(comparison, position, event, label, article, claim, status, "
            "time, granularity, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    k,
                    e.event,
                    e.label,
                    e.article,
                    e.claim,
                    e.status,
                    e.time,
                    e.granularity,
                    e.published,
                )
                for k, e in enumerate(comparison.events)
            ],
        )
        conn.executemany(
            "INSERT INTO brief_sentences(comparison, position, text, kind, claims, spans) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (story, k, b.text, b.kind, _json(b.claims), _spans_json(b.spans))
                for k, b in enumerate(comparison.brief)
            ],
        )

    def delete_comparison(self, story_id: str) -> bool:
        """Remove a comparison and its derived rows (articles stay). True if it existed."""
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM comparisons WHERE id = ?", (story_id,))
            return cursor.rowcount > 0

    # --- ingesting sources (one transaction per article or per batch) ------------------------

    def article_for_url(self, url: str) -> str | None:
        """The id of the stored article found at ``url`` (already normalized), or None."""
        row = self.conn.execute("SELECT article FROM article_urls WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def has_article(self, article_id: str) -> bool:
        """True when an article with this id is stored."""
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def add_ingested(
        self,
        article: Article,
        urls: list[str],
        signature: bytes | None,
        bands: list[tuple[int, int]],
        choose_original: Callable[[list[tuple[str, bytes]]], tuple[str, float] | None],
    ) -> tuple[str, str, float]:
        """Store one ingested article in one transaction: (outcome, original id, similarity).

        ``outcome`` is "duplicate" when an article with the same id is stored (its ``urls``
        are still recorded for it), else "new", or "near_copy" when ``choose_original``
        picks a stored article among the candidates sharing an LSH band (``bands``) with
        it: the article is stored and linked to that original. ``signature`` (MinHash
        values) and ``bands`` are kept so later articles can find this one; None and []
        for a text too short to compare.
        """
        entry = Ingested(article, urls, signature, bands, choose_original)
        return self.add_ingested_many([entry])[0]

    def add_ingested_many(self, entries: Sequence[Ingested]) -> list[tuple[str, str, float]]:
        """Store ingested articles in one transaction, in order: the outcome of each, the
        same as ``add_ingested`` called for each in turn (an entry sees the ones before it:
        a second article with the same id is a duplicate, a near-copy of an earlier one is
        linked to it); one ``added`` time for the batch. Nothing is stored when it fails."""
        if not entries:
            return []
        now = _now()
        with self._transaction() as conn:
            return [self._add_ingested(conn, entry, now) for entry in entries]

    def _add_ingested(self, conn: Connection, entry: Ingested, now: str) -> tuple[str, str, float]:
        article, urls = entry.article, entry.urls
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
            conn.executemany(
                "INSERT OR IGNORE INTO article_urls(url, article) VALUES (?, ?)",
                [(u, article.id) for u in urls],
            )
            return "duplicate", article.id, 1.0
        found: tuple[str, float] | None = None
        if entry.bands:
            candidates = self._band_candidates(conn, entry.bands)
            found = entry.choose_original(candidates) if candidates else None
        self._save_articles(conn, [article], now)
        conn.executemany(
            "INSERT OR IGNORE INTO article_urls(url, article) VALUES (?, ?)",
            [(u, article.id) for u in urls],
        )
        if entry.signature is not None:
            conn.execute(
                "INSERT OR REPLACE INTO article_minhash(article, signature) VALUES (?, ?)",
                (article.id, entry.signature),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO article_bands(band, key, article) VALUES (?, ?, ?)",
                [(b, k, article.id) for b, k in entry.bands],
            )
        if found is None:
            return "new", "", 0.0
        original, similarity = found
        root = conn.execute(  # link to the first telling, not to another copy
            "SELECT original FROM article_links WHERE article = ?", (original,)
        ).fetchone()
        if root is not None:
            original = str(root[0])
        conn.execute(
            "INSERT OR REPLACE INTO article_links(article, original, kind, similarity) "
            "VALUES (?, ?, 'near_copy', ?)",
            (article.id, original, similarity),
        )
        return "near_copy", original, similarity

    @staticmethod
    def _band_candidates(conn: Connection, bands: list[tuple[int, int]]) -> list[tuple[str, bytes]]:
        """The stored articles sharing one of ``bands``: (id, signature), by id (one query)."""
        if not bands:
            return []
        match = " OR ".join(["(band = ? AND key = ?)"] * len(bands))
        rows = conn.execute(
            "SELECT article, signature FROM article_minhash WHERE article IN "
            f"(SELECT article FROM article_bands WHERE {match}) ORDER BY article",
            [value for pair in bands for value in pair],
        ).fetchall()
        return [(str(r[0]), bytes(r[1])) for r in rows]

    def original_of(self, article_id: str) -> tuple[str, float] | None:
        """(original id, similarity) when the article is a linked near-copy, else None."""
        row = self.conn.execute(
            "SELECT original, similarity FROM article_links WHERE article = ?", (article_id,)
        ).fetchone()
        return (str(row[0]), float(row[1])) if row else None

    def copies_of(self, article_id: str) -> list[str]:
        """Ids of the near-copies linked to an original, in the order they were stored."""
        rows = self.conn.execute(
            "SELECT l.article FROM article_links l JOIN articles a ON a.id = l.article "
            "WHERE l.original = ? ORDER BY a.rowid",
            (article_id,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def record_source(self, source: str, status: str, article: str = "", message: str = "") -> None:
        """Remember the outcome of fetching or reading one source ("ok" or "failed")."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO ingest_sources(source, status, article, message, checked) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                "status = excluded.status, article = excluded.article, "
                "message = excluded.message, checked = excluded.checked",
                (source, status, article, message, _now()),
            )

    def count_articles(self) -> int:
        """How many articles are stored."""
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # --- reading ----------------------------------------------------------------------------

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            outlet=row["outlet"],
            outlet_id=row["outlet_id"],
            url=row["url"],
            published=datetime.fromisoformat(row["published"]) if row["published"] else None,
            published_source=row["published_source"],
            language=row["language"],
            source=row["source"],
            notes=json.loads(row["notes"]),
        )

    def get_article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[Article]:
        """Stored articles in the order they were first stored (all, or one page)."""
        rows = self.conn.execute(
            "SELECT * FROM articles ORDER BY rowid LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        ).fetchall()
        return [self._article(r) for r in rows]

    def search_articles(self, query: str, limit: int = 20) -> list[Article]:
        """Articles whose title or text hold every word of ``query``, best match first."""
        fts = _fts_query(query)
        if not fts:
            return []
        rows = self.conn.execute(
            "SELECT a.* FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank, a.rowid LIMIT ?",
            (fts, limit),
        ).fetchall()
        return [self._article(r) for r in rows]

    # --- dialect hooks: SQL that differs by backend (``postgres.PostgresStore`` has its own) --

    def _story_match_sql(self, query: str, per_story: bool) -> tuple[str, list[object]] | None:
        """A condition on stories ``s``: one member's title or text holds every word of
        ``query`` (FTS5), with its arguments; None when ``query`` has no words. The matching
        articles are collected first, or, with ``per_story``, each story is checked."""
        fts = _fts_query(query)
        if not fts:
            return None
        if per_story:
            return (
                "EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article "
                "JOIN articles_fts f ON f.rowid = a.rowid "
                "WHERE m.story = s.id AND articles_fts MATCH ?)",
                [fts],
            )
        return (
            "s.id IN (SELECT m.story FROM articles_fts JOIN articles a "
            "ON a.rowid = articles_fts.rowid JOIN story_articles m ON m.article = a.id "
            "WHERE articles_fts MATCH ?)",
            [fts],
        )

    def _article_match_sql(self, query: str) -> tuple[str, list[object]] | None:
        """A query with one row per article whose title or text holds every word of ``query``
        (FTS5), with its arguments; None when ``query`` has no words."""
        fts = _fts_query(query)
        if not fts:
            return None
        return "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?", [fts]

    def list_comparisons(self) -> list[dict[str, Any]]:
        """Stored comparisons (oldest first): id, title, created, updated, articles."""
        out = []
        for row in self.conn.execute(
            "SELECT id, title, created, updated FROM comparisons ORDER BY created, id"
        ).fetchall():
            articles = [
                r["article"]
                for r in self.conn.execute(
                    "SELECT article FROM comparison_articles WHERE comparison = ? "
                    "ORDER BY position",
                    (row["id"],),
                )
            ]
            out.append({**dict(row), "articles": articles})
        return out

    def outlets(self, ids: list[str] | None = None) -> dict[str, Outlet]:
        """Stored outlet registry entries (all, or those with the given ids)."""
        rows = self.conn.execute("SELECT * FROM outlets ORDER BY id").fetchall()
        return {
            r["id"]: Outlet(
                id=r["id"],
                name=r["name"],
                domains=json.loads(r["domains"]),
                aliases=json.loads(r["aliases"]),
                country=r["country"],
                ownership=r["ownership"],
                funding=r["funding"],
                kind=r["kind"],
            )
            for r in rows
            if ids is None or r["id"] in ids
        }

    def _rows(self, sql: str, story: str, *args: object) -> list[sqlite3.Row]:
        return self.conn.execute(sql, (story, *args)).fetchall()

    def load_comparison_model(self, story_id: str) -> Comparison:
        """The stored comparison rebuilt as model dataclasses (``story`` = its id).

        Raises ``KeyError`` when no comparison has that id.
        """
        # One read transaction, so a concurrent save cannot be seen half-way.
        conn = self.conn
        conn.execute("BEGIN")
        try:
            return self._load(story_id)
        finally:
            conn.execute("COMMIT")

    def _load(self, story: str) -> Comparison:
        row = self.conn.execute("SELECT * FROM comparisons WHERE id = ?", (story,)).fetchone()
        if row is None:
            raise KeyError(f"no comparison {story!r} in {self.path}")
        article_rows = self._rows(
            "SELECT a.* FROM comparison_articles ca JOIN articles a ON a.id = ca.article "
            "WHERE ca.comparison = ? ORDER BY ca.position",
            story,
        )
        articles = [self._article(r) for r in article_rows]
        loaded = [
            LoadedSpan(
                r["article"], r["start"], r["end"], r["text"], r["score"], r["kind"], r["sentence"]
            )
            for r in self._rows(
                "SELECT * FROM loaded_spans WHERE comparison = ? ORDER BY position", story
            )
        ]
        tables = self._analysis_rows(story)
        analyses = [self._load_analysis(a.id, loaded, tables) for a in articles]
        concept_mentions: dict[str, list[str]] = {}
        for r in self._rows(  # one query, not one per concept (a round trip each on a server)
            "SELECT concept, mention FROM concept_mentions WHERE comparison = ? "
            "ORDER BY concept, position",
            story,
        ):
            concept_mentions.setdefault(r["concept"], []).append(r["mention"])
        concepts = [
            Concept(r["id"], r["name"], r["kind"], concept_mentions.get(r["id"], []))
            for r in self._rows(
                "SELECT * FROM concepts WHERE comparison = ? ORDER BY position", story
            )
        ]
        alignment_claims: dict[str, list[str]] = {}
        for r in self._rows(
            "SELECT alignment, claim FROM alignment_claims WHERE comparison = ? "
            "ORDER BY alignment, position",
            story,
        ):
            alignment_claims.setdefault(r["alignment"], []).append(r["claim"])
        alignments = [
            Alignment(
                id=r["id"],
                relation=r["relation"],
                claims=alignment_claims.get(r["id"], []),
                articles=json.loads(r["articles"]),
                label=r["label"],
                conflicts=json.loads(r["conflicts"]),
                detail=r["detail"],
                status_change=bool(r["status_change"]),
            )
            for r in self._rows(
                "SELECT * FROM alignments WHERE comparison = ? ORDER BY position", story
            )
        ]
        omissions = [
            Omission(r["article"], r["alignment"], json.loads(r["reported_by"]))
            for r in self._rows(
                "SELECT * FROM omissions WHERE comparison = ? ORDER BY position", story
            )
        ]
        terms = [
            TermUse(r["concept"], r["article"], r["term"], r["count"], _spans_from(r["spans"]))
            for r in self._rows(
                "SELECT * FROM term_uses WHERE comparison = ? ORDER BY position", story
            )
        ]
        balance = [
            QuoteShare(
                r["speaker"],
                r["speaker_concept"],
                r["article"],
                r["direct"],
                r["reported"],
                r["characters"],
            )
            for r in self._rows(
                "SELECT * FROM quote_shares WHERE comparison = ? ORDER BY position", story
            )
        ]
        events = [
            EventReport(
                r["event"],
                r["label"],
                r["article"],
                r["claim"],
                r["status"],
                r["time"],
                r["granularity"],
                r["published"],
            )
            for r in self._rows(
                "SELECT * FROM events WHERE comparison = ? ORDER BY position", story
            )
        ]
        brief = [
            BriefSentence(r["text"], json.loads(r["claims"]), _spans_from(r["spans"]), r["kind"])
            for r in self._rows(
                "SELECT * FROM brief_sentences WHERE comparison = ? ORDER BY position", story
            )
        ]
        return Comparison(
            articles=articles,
            analyses=analyses,
            concepts=concepts,
            alignments=alignments,
            omissions=omissions,
            terms=terms,
            loaded=loaded,
            quote_balance=balance,
            events=events,
            brief=brief,
            story=story,
            timings=json.loads(row["timings"]),
        )

    # Per-article tables of a comparison and the order of their rows within an article.
    _ANALYSIS_TABLES = (
        ("sentences", "idx"),
        ("mentions", "position"),
        ("times", "position IS NULL, position, id"),
        ("quantities", "position IS NULL, position, id"),
        ("quotes", "position"),
        ("claims", "position"),
    )

    def _analysis_rows(self, story: str) -> dict[str, dict[str, list[sqlite3.Row]]]:
        """The rows of a comparison's per-article tables (and its claims' numbers), by table
        and article: one query a table, not one an article (a round trip each on a server)."""
        out: dict[str, dict[str, list[sqlite3.Row]]] = {}
        queries = [
            (table, f"SELECT * FROM {table} WHERE comparison = ? ORDER BY article, {order}")
            for table, order in self._ANALYSIS_TABLES
        ]
        queries.append(
            (
                "claim_numbers",
                "SELECT c.article, cn.claim, cn.quantity FROM claim_numbers cn JOIN claims c "
                "ON c.comparison = cn.comparison AND c.id = cn.claim "
                "WHERE cn.comparison = ? ORDER BY c.article, cn.claim, cn.position",
            )
        )
        for table, sql in queries:
            grouped: dict[str, list[sqlite3.Row]] = {}
            for r in self._rows(sql, story):
                grouped.setdefault(r["article"], []).append(r)
            out[table] = grouped
        return out

    def _load_analysis(
        self,
        article: str,
        loaded: list[LoadedSpan],
        tables: dict[str, dict[str, list[sqlite3.Row]]],
    ) -> ArticleAnalysis:
        def rows(table: str) -> list[sqlite3.Row]:  # in the order of _ANALYSIS_TABLES
            return tables[table].get(article, [])

        sentences = [Sentence(article, r["idx"], r["start"], r["end"]) for r in rows("sentences")]
        mentions = [
            Mention(
                r["id"],
                article,
                r["start"],
                r["end"],
                r["text"],
                r["label"],
                r["head"],
                r["sentence"],
                r["concept"],
            )
            for r in rows("mentions")
        ]
        time_rows = rows("times")
        times_by_id = {
            r["id"]: TimeExpr(
                article,
                r["start"],
                r["end"],
                r["text"],
                r["value"],
                r["end_value"],
                r["granularity"],
                bool(r["anchored"]),
            )
            for r in time_rows
        }
        quantity_rows = rows("quantities")
        quantities_by_id = {
            r["id"]: Quantity(article, r["start"], r["end"], r["text"], r["value"], r["unit"])
            for r in quantity_rows
        }
        numbers: dict[str, list[Quantity]] = {}
        for r in rows("claim_numbers"):
            numbers.setdefault(r["claim"], []).append(quantities_by_id[r["quantity"]])
        quotes = [
            Quote(
                r["id"],
                article,
                r["start"],
                r["end"],
                r["text"],
                r["speaker"],
                r["speaker_start"],
                r["speaker_end"],
                r["speaker_concept"],
                bool(r["direct"]),
                r["sentence"],
            )
            for r in rows("quotes")
        ]
        claims = [
            Claim(
                id=r["id"],
                article=article,
                start=r["start"],
                end=r["end"],
                sentence=r["sentence"],
                subject=r["subject"],
                predicate=r["predicate"],
                object=r["object"],
                subject_concept=r["subject_concept"],
                object_concept=r["object_concept"],
                predicate_start=r["predicate_start"],
                predicate_end=r["predicate_end"],
                time=times_by_id[r["time"]] if r["time"] else None,
                place=r["place"],
                numbers=numbers.get(r["id"], []),
                status=r["status"],
                negated=bool(r["negated"]),
                attribution=r["attribution"],
                attribution_concept=r["attribution_concept"],
                quoted=bool(r["quoted"]),
                kind=r["kind"],
            )
            for r in rows("claims")
        ]
        return ArticleAnalysis(
            article=article,
            sentences=sentences,
            mentions=mentions,
            times=[times_by_id[r["id"]] for r in time_rows if r["position"] is not None],
            quantities=[
                quantities_by_id[r["id"]] for r in quantity_rows if r["position"] is not None
            ],
            quotes=quotes,
            claims=claims,
            loaded=[s for s in loaded if s.article == article],
        )
