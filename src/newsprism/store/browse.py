"""Read queries of the web app: story listing with filters, coverage, outlets' records.

``BrowseQueries`` is mixed into ``Store``; ``BrowseStoreBackend`` (``store.base``) is the
interface another backend would implement. Every query is bounded (a LIMIT, the members of a
few stories, or one outlet's latest articles) and walks an index (schema version 4), so the
pages stay fast on a store of 100k articles.

An outlet is named in articles by its registry id (``outlet_id``) or, for an outlet the
registry does not know, by its name with an empty id: ``OutletRef`` is that pair.
Findings of an outlet (omissions, terms, quotes) are read only from the comparison of the
story each article is filed under now, so an older comparison of the same article (saved under
another id) is never counted twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from newsprism.store.dialect import Connection
from newsprism.store.stories import StoryRecord

# A filter (outlets, words) matching fewer articles than this collects the matching stories
# first (a few index lookups); one matching more is checked story by story in listing order
# (the first page is found after a few stories). Either way the result is the same.
COLLECT_BELOW = 4000

# An outlet page reads the findings of the outlet's latest this many articles in the period.
OUTLET_WINDOW = 3000

# Story columns for listing: the clusterer state (a large blob) is not read.
STORY_COLUMNS = (
    's.id, s.title, s.start, s."end", s.status, s.merged_into, s.last_joined, '
    "s.articles, s.copies, s.created, s.updated"
)
STORY_ORDER = 'COALESCE(s."end", s.updated) DESC, s.last_joined DESC, s.id'


@dataclass(frozen=True)
class OutletRef:
    """How articles name one outlet: its registry id, else ("", its name)."""

    id: str
    name: str = ""


@dataclass(frozen=True)
class OutletCount:
    """One outlet as articles name it (``name`` is "" where only the id is read), with counts."""

    id: str
    name: str
    articles: int
    copies: int = 0


def _refs_sql(refs: list[OutletRef], alias: str = "a") -> tuple[str, list[object]]:
    """A condition on articles ``alias`` true for an article of any of ``refs``."""
    ids = sorted({r.id for r in refs if r.id})
    names = sorted({r.name for r in refs if not r.id and r.name})
    parts: list[str] = []
    args: list[object] = []
    if len(ids) == 1:
        parts.append(f"{alias}.outlet_id = ?")
    elif ids:
        parts.append(f"{alias}.outlet_id IN ({', '.join('?' * len(ids))})")
    args.extend(ids)
    if names:
        parts.append(
            f"({alias}.outlet_id = '' AND {alias}.outlet IN ({', '.join('?' * len(names))}))"
        )
        args.extend(names)
    if not parts:
        return "FALSE", []
    return "(" + " OR ".join(parts) + ")", args


def _period_sql(since: str | None, until: str | None, alias: str = "a") -> tuple[str, list[object]]:
    """A condition on an article's publication time: ISO ``since`` <= published < ``until``."""
    parts: list[str] = []
    args: list[object] = []
    if since:
        parts.append(f"{alias}.published >= ?")
        args.append(since)
    if until:
        parts.append(f"{alias}.published < ?")
        args.append(until)
    return (" AND ".join(parts) or "TRUE"), args


def _story(row: sqlite3.Row) -> StoryRecord:
    """A story row read with ``STORY_COLUMNS`` (no clusterer state)."""
    return StoryRecord(
        id=row["id"],
        title=row["title"],
        start=row["start"],
        end=row["end"],
        status=row["status"],
        merged_into=row["merged_into"],
        last_joined=row["last_joined"],
        articles=row["articles"],
        copies=row["copies"],
        created=row["created"],
        updated=row["updated"],
    )


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def _marks(items: list[str]) -> str:
    return ", ".join("?" * len(items))


class BrowseQueries:
    """Read queries of ``Store`` for the web app (needs its ``conn``)."""

    @property
    def conn(self) -> Connection:  # provided by Store
        raise NotImplementedError

    def _story_match_sql(  # provided by Store (a dialect hook: full-text search)
        self, query: str, per_story: bool
    ) -> tuple[str, list[object]] | None:
        raise NotImplementedError

    def _article_match_sql(  # provided by Store (a dialect hook: full-text search)
        self, query: str
    ) -> tuple[str, list[object]] | None:
        raise NotImplementedError

    # --- the story list ------------------------------------------------------------------

    def count_outlet_articles(self, refs: list[OutletRef], cap: int | None = None) -> int:
        """How many stored articles are by any of ``refs`` (at most ``cap`` are counted)."""
        condition, args = _refs_sql(refs)
        limit = -1 if cap is None else cap
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM articles a WHERE {condition} LIMIT ?) AS found",
            [*args, limit],
        ).fetchone()
        return int(row[0])

    def count_matches(self, query: str, cap: int | None = None) -> int:
        """How many articles hold every word of ``query`` (at most ``cap`` are counted)."""
        match = self._article_match_sql(query)
        if match is None:
            return 0
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM ({match[0]} LIMIT ?) AS found",
            [*match[1], -1 if cap is None else cap],
        ).fetchone()
        return int(row[0])

    def browse_stories(
        self,
        outlet_sets: list[list[OutletRef]] | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[StoryRecord]:
        """Stories newest first (by their newest member's publication time, else by when they
        last changed), ``limit`` from ``offset``.

        ``outlet_sets``: for each set, the story has an article by one outlet of it (an empty
        set matches nothing); ``since``/``until``: ISO times in UTC; the story's time range
        reaches ``since`` and starts before ``until``; ``query``: words one member's title or
        text holds (full-text search)."""
        where = ["s.status != 'merged'", "s.articles + s.copies > 0"]
        args: list[object] = []
        if since:
            where.append('COALESCE(s."end", s.updated) >= ?')
            args.append(since)
        if until:
            where.append('COALESCE(s.start, s."end", s.updated) < ?')
            args.append(until)
        for refs in outlet_sets or []:
            if not refs:
                return []
            condition, values = _refs_sql(refs)
            if self.count_outlet_articles(refs, COLLECT_BELOW) < COLLECT_BELOW:
                where.append(
                    "s.id IN (SELECT m.story FROM articles a JOIN story_articles m "
                    f"ON m.article = a.id WHERE {condition})"
                )
            else:
                where.append(
                    "EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article "
                    f"WHERE m.story = s.id AND {condition})"
                )
            args.extend(values)
        if query is not None:
            many = self.count_matches(query, COLLECT_BELOW) >= COLLECT_BELOW
            match = self._story_match_sql(query, per_story=many)
            if match is None:
                return []
            where.append(match[0])
            args.extend(match[1])
        # The page's ids first, from the listing index alone (``stories_listed``, schema
        # version 5, holds every column filtered on): walking past the stories a period or a
        # deep page skips reads no table row. Then the rows of those ids only.
        page = (
            "SELECT s.id FROM stories s WHERE "
            + " AND ".join(where)
            + f" ORDER BY {STORY_ORDER} LIMIT ? OFFSET ?"
        )
        sql = f"SELECT {STORY_COLUMNS} FROM stories s WHERE s.id IN ({page}) ORDER BY {STORY_ORDER}"
        args.extend([limit, offset])
        return [_story(r) for r in self.conn.execute(sql, args).fetchall()]

    def stories_by_ids(self, story_ids: list[str]) -> dict[str, StoryRecord]:
        """Story rows by id (ids not stored are left out; no clusterer state)."""
        out: dict[str, StoryRecord] = {}
        for chunk in _chunks(story_ids):
            sql = f"SELECT {STORY_COLUMNS} FROM stories s WHERE s.id IN ({_marks(chunk)})"
            for row in self.conn.execute(sql, chunk):
                out[row["id"]] = _story(row)
        return out

    def story_coverage(self, story_ids: list[str]) -> dict[str, list[OutletCount]]:
        """Per story, the outlets of its members with their article and near-copy counts,
        most articles first (one query for all the stories)."""
        out: dict[str, list[OutletCount]] = {s: [] for s in story_ids}
        for chunk in _chunks(story_ids):
            rows = self.conn.execute(
                "SELECT m.story, a.outlet_id, a.outlet, COUNT(CASE WHEN m.copy_of = '' THEN 1 END) "
                "AS originals, COUNT(CASE WHEN m.copy_of != '' THEN 1 END) AS copies "
                "FROM story_articles m "
                f"JOIN articles a ON a.id = m.article WHERE m.story IN ({_marks(chunk)}) "
                "GROUP BY m.story, a.outlet_id, a.outlet",
                chunk,
            ).fetchall()
            for row in rows:
                out[row[0]].append(OutletCount(row[1], row[2], int(row[3]), int(row[4])))
        for items in out.values():
            items.sort(key=lambda o: (-o.articles, -o.copies, o.name.lower(), o.id))
        return out

    def compared_story_ids(self, story_ids: list[str]) -> set[str]:
        """Those of ``story_ids`` that have a stored comparison."""
        out: set[str] = set()
        for chunk in _chunks(story_ids):
            sql = f"SELECT id FROM comparisons WHERE id IN ({_marks(chunk)})"
            out.update(str(r[0]) for r in self.conn.execute(sql, chunk))
        return out

    def article_outlets(self, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """(outlet id, outlet name) of each of ``article_ids`` that is stored."""
        out: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(article_ids):
            sql = f"SELECT id, outlet_id, outlet FROM articles WHERE id IN ({_marks(chunk)})"
            for row in self.conn.execute(sql, chunk):
                out[str(row[0])] = (str(row[1]), str(row[2]))
        return out

    def article_high_water(self) -> int:
        """The largest article rowid (changes whenever an article is stored)."""
        row = self.conn.execute("SELECT MAX(rowid) FROM articles").fetchone()
        return int(row[0] or 0)

    def stored_outlets(self) -> list[OutletCount]:
        """Every outlet with stored articles and its article count: registry outlets by id
        (``name`` ""), the others by name."""
        known = self.conn.execute(
            "SELECT outlet_id, COUNT(*) FROM articles WHERE outlet_id != '' GROUP BY outlet_id"
        ).fetchall()
        named = self.conn.execute(
            "SELECT outlet, COUNT(*) FROM articles WHERE outlet_id = '' GROUP BY outlet"
        ).fetchall()
        return [OutletCount(str(r[0]), "", int(r[1])) for r in known] + [
            OutletCount("", str(r[0]), int(r[1])) for r in named
        ]

    def outlet_name(self, outlet_id: str) -> str:
        """A name the articles of a registry outlet give it ("" when none is stored)."""
        row = self.conn.execute(
            "SELECT outlet FROM articles WHERE outlet_id = ? AND outlet != '' LIMIT 1",
            (outlet_id,),
        ).fetchone()
        return str(row[0]) if row else ""

    # --- one story ---------------------------------------------------------------------------

    def comparison_updated(self, story_id: str) -> str | None:
        """When the comparison stored under ``story_id`` was last saved (None: none stored)."""
        row = self.conn.execute(
            "SELECT updated FROM comparisons WHERE id = ?", (story_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def comparison_article_ids(self, story_id: str) -> list[str] | None:
        """The article ids of the comparison stored under ``story_id`` (None: none stored)."""
        row = self.conn.execute("SELECT 1 FROM comparisons WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        return [
            str(r[0])
            for r in self.conn.execute(
                "SELECT article FROM comparison_articles WHERE comparison = ? ORDER BY position",
                (story_id,),
            )
        ]

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]:
        """A story's members in filing order with their metadata, without their texts: id,
        title, outlet, outlet_id, url, published, published_source, language, copy_of."""
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.outlet, a.outlet_id, a.url, a.published, "
            "a.published_source, a.language, m.copy_of FROM story_articles m "
            "JOIN articles a ON a.id = m.article WHERE m.story = ? ORDER BY m.seq, m.article",
            (story_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    # --- one outlet --------------------------------------------------------------------------

    def outlet_story_ids(
        self,
        ref: OutletRef,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[str]:
        """The stories ``ref`` has articles in, newest article first (``limit`` from
        ``offset``); walks the outlet's articles by publication time and stops early."""
        condition, args = _refs_sql([ref])
        period, period_args = _period_sql(since, until)
        cursor = self.conn.execute(
            "SELECT m.story FROM articles a JOIN story_articles m ON m.article = a.id "
            f"WHERE {condition} AND {period} ORDER BY a.published DESC",
            [*args, *period_args],
        )
        seen: list[str] = []
        known: set[str] = set()
        for (story,) in cursor:
            if story not in known:
                known.add(story)
                seen.append(str(story))
                if len(seen) >= offset + limit:
                    break
        cursor.close()
        return seen[offset:]

    def outlet_counts(
        self, ref: OutletRef, since: str | None = None, until: str | None = None
    ) -> dict[str, int]:
        """``articles``, ``stories`` and ``compared`` (stories with a stored comparison) of
        ``ref`` in the period."""
        condition, args = _refs_sql([ref])
        period, period_args = _period_sql(since, until)
        row = self.conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT m.story), COUNT(DISTINCT c.id) FROM articles a "
            "LEFT JOIN story_articles m ON m.article = a.id "
            "LEFT JOIN comparisons c ON c.id = m.story "
            f"WHERE {condition} AND {period}",
            [*args, *period_args],
        ).fetchone()
        return {"articles": int(row[0]), "stories": int(row[1]), "compared": int(row[2])}

    def _window(
        self, ref: OutletRef, since: str | None, until: str | None
    ) -> tuple[str, list[object]]:
        """A ``WITH mine(article, story, published)`` clause: the outlet's latest
        ``OUTLET_WINDOW`` articles in the period, with the story each is filed under."""
        condition, args = _refs_sql([ref])
        period, period_args = _period_sql(since, until)
        return (
            "WITH mine AS (SELECT a.id AS article, m.story AS story, a.published AS published "
            "FROM articles a JOIN story_articles m ON m.article = a.id "
            f"WHERE {condition} AND {period} ORDER BY a.published DESC LIMIT ?) ",
            [*args, *period_args, OUTLET_WINDOW],
        )

    def outlet_omissions(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 30
    ) -> list[dict[str, Any]]:
        """Facts other outlets reported and ``ref`` left out, newest article first: story,
        alignment, label, reported_by (JSON list of article ids), published."""
        window, args = self._window(ref, since, until)
        rows = self.conn.execute(
            window + "SELECT o.comparison AS story, o.alignment AS alignment, al.label AS label, "
            "o.reported_by AS reported_by, mine.published AS published FROM mine "
            "JOIN omissions o ON o.article = mine.article AND o.comparison = mine.story "
            "JOIN alignments al ON al.comparison = o.comparison AND al.id = o.alignment "
            "ORDER BY mine.published DESC, o.comparison, o.position LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]

    def outlet_omitted_concepts(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 12
    ) -> list[dict[str, Any]]:
        """Who or what (named concepts only) the facts ``ref`` leaves out are about: name,
        how many stories and how many left-out facts involve it, most stories first."""
        window, args = self._window(ref, since, until)
        rows = self.conn.execute(
            window + "SELECT k.name AS name, COUNT(DISTINCT o.comparison) AS stories, "
            "COUNT(DISTINCT o.comparison || ' ' || o.alignment) AS facts FROM mine "
            # SQLite joins CROSS JOIN tables in the order written: the outlet's omissions
            # first, then only their claims (left to itself, it walked every claim of each
            # comparison first: 80 ms on a 3k store, 17 ms this way).
            "CROSS JOIN omissions o CROSS JOIN alignment_claims ac CROSS JOIN claims c "
            "CROSS JOIN concepts k "
            "WHERE o.article = mine.article AND o.comparison = mine.story "
            "AND ac.comparison = o.comparison AND ac.alignment = o.alignment "
            "AND c.comparison = ac.comparison AND c.id = ac.claim "
            "AND k.comparison = c.comparison "
            "AND k.id IN (c.subject_concept, c.object_concept) AND k.kind != 'NP' "
            "GROUP BY k.name ORDER BY stories DESC, facts DESC, k.name LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]

    def outlet_terms(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 300
    ) -> list[dict[str, Any]]:
        """The words ``ref`` uses for each concept: concept name, term, uses, stories."""
        window, args = self._window(ref, since, until)
        rows = self.conn.execute(
            window + "SELECT k.name AS concept, t.term AS term, SUM(t.count) AS uses, "
            "COUNT(DISTINCT t.comparison) AS stories FROM mine "
            "JOIN term_uses t ON t.article = mine.article AND t.comparison = mine.story "
            "JOIN concepts k ON k.comparison = t.comparison AND k.id = t.concept "
            "GROUP BY k.name, t.term ORDER BY stories DESC, uses DESC, k.name, t.term LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]

    def others_terms(
        self,
        ref: OutletRef,
        concepts: list[str],
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """In the stories where ``ref`` names one of ``concepts``, the words the other outlets
        use for it: concept, term, uses."""
        if not concepts:
            return []
        window, args = self._window(ref, since, until)
        other, other_args = _refs_sql([ref], "b")
        rows = self.conn.execute(
            window + ", used AS (SELECT DISTINCT t.comparison, t.concept, k.name FROM mine "
            "JOIN term_uses t ON t.article = mine.article AND t.comparison = mine.story "
            "JOIN concepts k ON k.comparison = t.comparison AND k.id = t.concept "
            f"WHERE k.name IN ({_marks(concepts)})) "
            "SELECT used.name AS concept, u.term AS term, SUM(u.count) AS uses FROM used "
            "JOIN term_uses u ON u.comparison = used.comparison AND u.concept = used.concept "
            f"JOIN articles b ON b.id = u.article WHERE NOT {other} "
            "GROUP BY used.name, u.term ORDER BY used.name, uses DESC, u.term",
            [*args, *concepts, *other_args],
        ).fetchall()
        return [dict(r) for r in rows]

    def outlet_quotes(
        self, ref: OutletRef, since: str | None = None, until: str | None = None, limit: int = 15
    ) -> list[dict[str, Any]]:
        """Who ``ref`` quotes and how much: speaker, direct, reported, characters, stories;
        most quoted characters first."""
        window, args = self._window(ref, since, until)
        rows = self.conn.execute(
            window + "SELECT q.speaker AS speaker, SUM(q.direct) AS direct, "
            "SUM(q.reported) AS reported, SUM(q.characters) AS characters, "
            "COUNT(DISTINCT q.comparison) AS stories FROM mine "
            "JOIN quote_shares q ON q.article = mine.article AND q.comparison = mine.story "
            "GROUP BY q.speaker ORDER BY characters DESC, q.speaker LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]
