"""Comparisons of the store: every derived layer of a comparison, saved and loaded whole.

``ComparisonTables`` is mixed into ``Store`` (``store.sqlite``), which gives it the connection
and write transactions. Each save is one transaction: saving a comparison again (same story
id) deletes its derived rows and writes them anew; its articles are upserted by id
(``store.articles``) and never duplicated. ``load_comparison_model`` rebuilds the model
dataclasses in the order they were saved (``model.ordered_analyses``). The report's JSON of a
stored comparison is built in ``report.stored``: storage never imports presentation.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

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
from newsprism.store.articles import ArticleTables
from newsprism.store.dialect import Connection
from newsprism.store.values import json_text, now_text


def story_id_for(comparison: Comparison) -> str:
    """The comparison's story id: ``comparison.story``, else one derived from its article ids
    (so the same set of articles always gets the same id)."""
    if comparison.story:
        return comparison.story
    digest = hashlib.sha1("\n".join(sorted(a.id for a in comparison.articles)).encode())
    return "s" + digest.hexdigest()[:16]


def _spans_json(spans: list[Span]) -> str:
    return json_text([[s.article, s.start, s.end] for s in spans])


def _spans_from(text: str) -> list[Span]:
    return [Span(a, s, e) for a, s, e in json.loads(text)]


class ComparisonTables:
    """Comparison methods of ``Store`` (needs its ``conn``, ``_transaction`` and ``path``, and
    ``_save_articles`` of ``ArticleTables``, which comes before this class in ``Store``)."""

    path: str  # set by Store: named in errors

    @property
    def conn(self) -> Connection:  # provided by Store
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    def _save_articles(  # provided by ArticleTables
        self, conn: Connection, articles: list[Article], now: str
    ) -> None:
        raise NotImplementedError

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
        now = now_text()
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
                (story_id, title, created, now, json_text(comparison.timings)),
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
                    json_text(o.domains),
                    json_text(o.aliases),
                    o.country,
                    o.ownership,
                    o.funding,
                    o.kind,
                )
                for o in (outlets[k] for k in used)
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
            "end_value, granularity, anchored, verb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    t.verb,
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
            "conflicts, detail, status_change, disputed, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    story,
                    a.id,
                    k,
                    a.relation,
                    a.label,
                    json_text(a.articles),
                    json_text(a.conflicts),
                    a.detail,
                    int(a.status_change),
                    json_text(a.disputed),
                    a.kind,
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
                (story, k, o.article, o.alignment, json_text(o.reported_by))
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
                (story, k, b.text, b.kind, json_text(b.claims), _spans_json(b.spans))
                for k, b in enumerate(comparison.brief)
            ],
        )

    def delete_comparison(self, story_id: str) -> bool:
        """Remove a comparison and its derived rows (articles stay). True if it existed."""
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM comparisons WHERE id = ?", (story_id,))
            return cursor.rowcount > 0

    # --- reading ----------------------------------------------------------------------------

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
        articles = [ArticleTables._article(r) for r in article_rows]
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
                disputed=json.loads(r["disputed"]),
                kind=r["kind"],
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
                r["verb"],
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
