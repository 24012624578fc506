"""Articles of the store: ingesting them once (ids, URLs, near-copy links) and reading them.

``ArticleTables`` is mixed into ``Store`` (``store.sqlite``), which gives it the connection and
write transactions. Ingest stores each article once: a second copy with the same id is a
duplicate whose URLs are recorded for the first; a near-copy (MinHash bands, chosen by the
caller's ``choose_original``) is stored and linked to the first telling. A comparison's
articles are upserted through ``_save_articles`` too (``store.comparisons``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from newsprism.model import Article
from newsprism.store.dialect import Connection, query_words
from newsprism.store.values import json_text, now_text


def fts_query(query: str) -> str:
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


class ArticleTables:
    """Article methods of ``Store`` (needs its ``conn`` and ``_transaction``)."""

    @property
    def conn(self) -> Connection:  # provided by Store
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    def _save_articles(self, conn: Connection, articles: list[Article], now: str) -> None:
        """Upsert ``articles`` by id inside the caller's transaction (``added`` is kept from the
        first time): ingest, a comparison and a story filing all store articles this way."""
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
                    json_text(a.notes),
                    now,
                )
                for a in articles
            ],
        )

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
        now = now_text()
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
                (source, status, article, message, now_text()),
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
        fts = fts_query(query)
        if not fts:
            return []
        rows = self.conn.execute(
            "SELECT a.* FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank, a.rowid LIMIT ?",
            (fts, limit),
        ).fetchall()
        return [self._article(r) for r in rows]
