"""What the HTML and Markdown reports show, computed once from the report dict.

Both reports read the dict from :func:`newsprism.report.jsonout.to_dict` (or the same dict
loaded from the store), never the dataclasses, so every output shows the same findings.
This module holds the parts they share: article labels, sentence numbers for citations,
the claim matrix, the framing table, quote balance, the timeline and the contradictions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsprism.compare.words import TELLS_ROW, content_words, words_f1

# A reference to words in one article: (article id, start, end).
Ref = tuple[str, int, int]

OWNERSHIP_WORDS = {
    "state": "state-owned",
    "public": "public broadcaster",
    "private": "private",
    "unknown": "ownership unknown",
}

# Matrix order: shared facts first, then contradictions, then what one outlet alone reports.
RELATION_ORDER = {"agreed": 0, "contradicted": 1, "single": 2}

RELATION_WORDS = {
    "agreed": "shared fact",
    "single": "reported by one outlet only",
    "contradicted": "contradicted",
}


@dataclass
class ArticleView:
    """One article as the reports introduce it."""

    index: int  # 1-based position in the comparison
    id: str
    label: str  # outlet name, unique within the report
    title: str
    url: str
    published: str  # human-readable, "publication time unknown" when unknown
    published_iso: str | None
    published_source: str
    country: str
    ownership: str  # words, e.g. "state-owned"
    ownership_key: str  # "state", "public", "private", "unknown"
    funding: str
    language: str
    starts: list[int] = field(default_factory=list)  # sentence starts, sorted

    def sentence_number(self, offset: int) -> int | None:
        """The 1-based number of the sentence holding ``offset`` (None without sentences)."""
        if not self.starts:
            return None
        return max(1, bisect.bisect_right(self.starts, offset))


@dataclass
class MatrixCell:
    """How one article treats one aligned fact."""

    kind: str  # "reported", "omitted", "contradicted", "status"
    symbol: str  # ✓ — ✗ ↻
    word: str  # status word or "" ("planned", "happened", ...)
    text: str  # the article's words for it ("" when omitted)
    # Where the article states it: its first claim in each sentence (a fact may be told over
    # two sentences); empty when omitted.
    refs: list[Ref] = field(default_factory=list)


@dataclass
class MatrixRow:
    alignment: dict[str, Any]
    cells: list[MatrixCell]


@dataclass
class TermCell:
    term: str
    count: int
    refs: list[Ref]


@dataclass
class FramingRow:
    concept: str  # concept name
    concept_id: str
    cells: list[list[TermCell]]  # per article


@dataclass
class QuoteRow:
    speaker: str
    article: ArticleView
    direct: int
    reported: int
    characters: int
    share: float  # characters relative to the largest row, 0..1
    refs: list[Ref]  # the quotes themselves


@dataclass
class LoadedRow:
    """One loaded wording in one article, with every place it occurs."""

    article: ArticleView
    text: str
    kind: str
    score: float  # the highest score among its occurrences
    refs: list[Ref]


@dataclass
class TimelineEntry:
    article: ArticleView
    status: str
    time: str  # resolved time in words, "" when not stated
    published: str
    ref: Ref | None


@dataclass
class TimelineEvent:
    event: str
    label: str
    entries: list[TimelineEntry]


@dataclass
class ContradictionSide:
    article: ArticleView
    text: str
    ref: Ref


@dataclass
class Contradiction:
    label: str
    conflicts: list[str]
    detail: str
    sides: list[ContradictionSide]


def format_published(iso: str | None) -> str:
    """A publication time in words; unknown is said plainly."""
    if not iso:
        return "publication time unknown"
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if len(iso) <= 10 or (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.strftime("%d %b %Y").lstrip("0")  # a date only: no invented midnight
    text = when.strftime("%d %b %Y, %H:%M").lstrip("0")
    offset = when.utcoffset()
    if offset is None:
        return text + " (time zone unknown)"
    if offset.total_seconds() == 0:
        return text + " UTC"
    return text + " " + when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:]


def format_time(value: str | None, granularity: str | None) -> str:
    """A resolved event time in words ("2024-10-24", "October 2024 (month)")."""
    if not value:
        return ""
    if granularity in (None, "", "day"):
        return value[:10]
    if granularity == "month":
        return value[:7] + " (month)"
    if granularity == "year":
        return value[:4] + " (year)"
    return f"{value} ({granularity})"


def _article_views(data: dict[str, Any]) -> list[ArticleView]:
    views: list[ArticleView] = []
    seen: dict[str, int] = {}
    for index, article in enumerate(data["articles"], start=1):
        info = article.get("outlet_info") or {}
        name = article.get("outlet") or info.get("name") or f"Article {index}"
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} ({seen[name]})"
        ownership_key = info.get("ownership") or "unknown"
        views.append(
            ArticleView(
                index=index,
                id=article["id"],
                label=label,
                title=article.get("title") or "",
                url=article.get("url") or "",
                published=format_published(article.get("published")),
                published_iso=article.get("published"),
                published_source=article.get("published_source") or "unknown",
                country=info.get("country") or "",
                ownership=OWNERSHIP_WORDS.get(ownership_key, ownership_key),
                ownership_key=ownership_key,
                funding=info.get("funding") or "",
                language=article.get("language") or "",
                starts=sorted(s[0] for s in article.get("sentences") or []),
            )
        )
    return views


class ReportView:
    """Lookups and derived tables over one report dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.articles = _article_views(data)
        self.by_id = {a.id: a for a in self.articles}
        self.texts = {a["id"]: a["text"] for a in data["articles"]}
        self.claims = {c["id"]: c for c in data["claims"]}
        self.alignments = {a["id"]: a for a in data["alignments"]}
        self.concepts = {c["id"]: c for c in data["concepts"]}

    # --- citations -------------------------------------------------------------------------

    def label(self, article: str) -> str:
        """The outlet label of an article id (the id itself when unknown)."""
        view = self.by_id.get(article)
        return view.label if view is not None else article

    def cite(self, article: str, start: int) -> str:
        """A citation marker text: "RT §3" (sentence 3 of RT's article)."""
        view = self.by_id.get(article)
        if view is None:
            return article
        number = view.sentence_number(start)
        return f"{view.label} §{number}" if number is not None else f"{view.label} @{start}"

    def words(self, ref: Ref) -> str:
        """The article words a reference points to."""
        article, start, end = ref
        return self.texts.get(article, "")[start:end]

    def title(self) -> str:
        """The story title: the first article's title, else the most widely reported fact."""
        for article in self.articles:
            if article.title.strip():
                return article.title.strip()
        if self.data["alignments"]:
            central = max(self.data["alignments"], key=lambda a: len(a["articles"]))
            if central["label"]:
                return str(central["label"])
        return f"Comparison of {len(self.articles)} articles"

    def claim_ref(self, claim_id: str) -> Ref | None:
        claim = self.claims.get(claim_id)
        if claim is None:
            return None
        return (claim["article"], claim["span"][0], claim["span"][1])

    def alignment_refs(self, alignment_id: str) -> list[Ref]:
        """The spans of the claims of one aligned fact."""
        alignment = self.alignments.get(alignment_id)
        if alignment is None:
            return []
        return [(s["article"], s["span"][0], s["span"][1]) for s in alignment["spans"]]

    def brief_refs(self, sentence: dict[str, Any]) -> list[Ref]:
        """The spans a brief sentence cites, in order, without repeats."""
        refs: list[Ref] = []
        for item in sentence["spans"]:
            ref = (item["article"], item["span"][0], item["span"][1])
            if ref not in refs:
                refs.append(ref)
        return refs

    def brief_citations(self, sentence: dict[str, Any]) -> list[tuple[str, Ref]]:
        """(marker text, ref) per distinct cited sentence of a brief sentence."""
        out: list[tuple[str, Ref]] = []
        markers: set[str] = set()
        for ref in self.brief_refs(sentence):
            marker = self.cite(ref[0], ref[1])
            if marker not in markers:
                markers.add(marker)
                out.append((marker, ref))
        return out

    # --- tables ----------------------------------------------------------------------------

    def matrix(self) -> list[MatrixRow]:
        """One row per aligned fact (shared, contradicted, then single-outlet facts); one cell
        per article: reported, omitted, contradicted, or status change."""
        rows = []
        ordered = sorted(
            self.data["alignments"], key=lambda a: RELATION_ORDER.get(a["relation"], 3)
        )
        for alignment in ordered:
            cells = []
            stated = self._stated(alignment)
            for article in self.articles:
                mine = [
                    self.claims[c]
                    for c in alignment["claims"]
                    if c in self.claims and self.claims[c]["article"] == article.id
                ]
                claim = mine[0] if mine else None
                if claim is None and article.id not in alignment["articles"]:
                    cells.append(MatrixCell("omitted", "—", "", ""))
                    continue
                firsts = {c["sentence"]: c for c in reversed(mine)}
                refs = [
                    (c["article"], c["span"][0], c["span"][1])
                    for c in sorted(firsts.values(), key=lambda c: c["span"][0])
                ]
                text = claim["text"] if claim else ""
                status = claim["status"] if claim else ""
                if relation_of(alignment, article.id) == "contradicted":
                    cells.append(MatrixCell("contradicted", "✗", "", text, refs))
                elif alignment["status_change"] and (
                    # a clause telling another part of its sentence moved through no status
                    # of this fact: a plain ✓ (a setting row's words are no clause)
                    alignment.get("kind") != "statement"
                    or _tells(text, alignment["label"], may_be_the_row=True)
                ):
                    cells.append(MatrixCell("status", "↻", status, text, refs))
                else:
                    # Happened and ongoing are what a report states by default: a word only
                    # for what has not (yet) happened or is hedged, in the outlet's own voice
                    # (a speaker's "not" or "will" is in the row's quoted words), and not
                    # where the row's words already say it ("The suit doesn't contain
                    # statistics" is no "denied" fact).
                    own = claim is not None and _own_voice(claim)
                    shown = own and status not in ("happened", "ongoing", *stated)
                    telling = shown and _tells(text, alignment["label"])
                    word = status if telling and _tells_best(mine, alignment["label"]) else ""
                    cells.append(MatrixCell("reported", "✓", word, text, refs))
            rows.append(MatrixRow(alignment, cells))
        return rows

    def _stated(self, alignment: dict[str, Any]) -> set[str]:
        """What the row's words say of the events they tell, in the outlet's own voice: the
        status of the row's clause (its first claim) and of the other clauses of its sentence
        that the words show whole ("... in any of the 37 states that do not recognize ...").
        A cell's status word tells only where its outlet's report differs."""
        first = self.claims.get(alignment["claims"][0]) if alignment["claims"] else None
        if first is None or not _own_voice(first):
            return set()
        row = content_words(alignment["label"])
        return {first["status"]} | {
            c["status"]
            for c in (self.claims[x] for x in alignment["claims"] if x in self.claims)
            if (c["article"], c["sentence"]) == (first["article"], first["sentence"])
            and _own_voice(c)
            and content_words(c["text"]) <= row
        }

    def framing(self) -> list[FramingRow]:
        """Concept -> the words each article uses for it, most used first."""
        order: list[str] = []
        per: dict[str, dict[str, list[TermCell]]] = {}
        for term in self.data["terms"]:
            if term["concept"] not in per:
                order.append(term["concept"])
                per[term["concept"]] = {}
            refs = [(s["article"], s["span"][0], s["span"][1]) for s in term["spans"]]
            per[term["concept"]].setdefault(term["article"], []).append(
                TermCell(term["term"], term["count"], refs)
            )
        rows = []
        for concept_id in order:
            concept = self.concepts.get(concept_id)
            name = concept["name"] if concept else concept_id
            cells = [
                sorted(per[concept_id].get(a.id, []), key=lambda t: (-t.count, t.term))
                for a in self.articles
            ]
            rows.append(FramingRow(name, concept_id, cells))
        return rows

    def quote_rows(self) -> list[QuoteRow]:
        """Quote balance rows, speakers with most quoted characters first."""
        shares = [q for q in self.data["quote_balance"] if q["article"] in self.by_id]
        largest = max((q["characters"] for q in shares), default=0) or 1
        totals: dict[str, int] = {}
        for q in shares:
            totals[q["speaker"]] = totals.get(q["speaker"], 0) + q["characters"]
        position = {a.id: a.index for a in self.articles}
        shares.sort(key=lambda q: (-totals[q["speaker"]], q["speaker"], position[q["article"]]))
        rows = []
        for q in shares:
            refs = [
                (quote["article"], quote["span"][0], quote["span"][1])
                for quote in self.data["quotes"]
                if quote["article"] == q["article"]
                and (
                    (q["speaker_concept"] and quote["speaker_concept"] == q["speaker_concept"])
                    or (not q["speaker_concept"] and quote["speaker"] == q["speaker"])
                )
            ]
            rows.append(
                QuoteRow(
                    speaker=q["speaker"] or "unnamed speaker",
                    article=self.by_id[q["article"]],
                    direct=q["direct"],
                    reported=q["reported"],
                    characters=q["characters"],
                    share=q["characters"] / largest,
                    refs=refs,
                )
            )
        return rows

    def timeline(self) -> list[TimelineEvent]:
        """Events, each with its reports ordered by publication time (unknown last)."""
        order: list[str] = []
        groups: dict[str, list[dict[str, Any]]] = {}
        labels: dict[str, str] = {}
        for event in self.data["events"]:
            if event["event"] not in groups:
                order.append(event["event"])
                groups[event["event"]] = []
                labels[event["event"]] = event["label"]
            groups[event["event"]].append(event)
        position = {a.id: a.index for a in self.articles}
        out = []
        for key in order:
            reports = sorted(
                groups[key],
                key=lambda e: (
                    e["published"] is None,
                    _sortable(e["published"]),
                    position.get(e["article"], 0),
                ),
            )
            entries = []
            for e in reports:
                view = self.by_id.get(e["article"])
                if view is None:
                    continue
                ref = (e["article"], e["span"][0], e["span"][1]) if e["span"] else None
                entries.append(
                    TimelineEntry(
                        article=view,
                        status=e["status"],
                        time=format_time(e["time"], e["granularity"]),
                        published=format_published(e["published"]),
                        ref=ref,
                    )
                )
            out.append(TimelineEvent(key, labels[key], entries))
        return out

    def contradictions(self) -> list[Contradiction]:
        """The contradicted facts, each side with its words."""
        out = []
        for alignment in self.data["alignments"]:
            if alignment["relation"] != "contradicted":
                continue
            sides = []
            sided: set[str] = set()
            for claim_id in alignment["claims"]:
                claim = self.claims.get(claim_id)
                if claim is None or claim["article"] not in self.by_id:
                    continue
                if relation_of(alignment, claim["article"]) != "contradicted":
                    continue  # it reports the fact without the disputed value
                if claim["article"] in sided:
                    continue  # one side an article: its sentence's first (representative) claim
                sided.add(claim["article"])
                ref = (claim["article"], claim["span"][0], claim["span"][1])
                sides.append(ContradictionSide(self.by_id[claim["article"]], claim["text"], ref))
            out.append(
                Contradiction(
                    alignment["label"], list(alignment["conflicts"]), alignment["detail"], sides
                )
            )
        return out

    def omission_refs(self, omission: dict[str, Any]) -> list[Ref]:
        """One span per sentence of the omitted fact (a row cites every clause of its
        sentence; one marker a sentence is enough to find it)."""
        out: list[Ref] = []
        markers: set[str] = set()
        for ref in self.alignment_refs(omission["alignment"]):
            marker = self.cite(ref[0], ref[1])
            if marker not in markers:
                markers.add(marker)
                out.append(ref)
        return out

    def omissions_by_article(self) -> list[tuple[ArticleView, list[dict[str, Any]]]]:
        """Per article, the facts others report and it leaves out."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for omission in self.data["omissions"]:
            grouped.setdefault(omission["article"], []).append(omission)
        return [(view, grouped[view.id]) for view in self.articles if view.id in grouped]

    def loaded_rows(self) -> list[LoadedRow]:
        """Loaded wording per article: each wording once (case-insensitive) with its count,
        highest score and every place it occurs; article order, then highest score first."""
        groups: dict[tuple[str, str, str], LoadedRow] = {}
        for span in self.data["loaded"]:
            view = self.by_id.get(span["article"])
            if view is None:
                continue
            key = (span["article"], " ".join(span["text"].lower().split()), span["kind"])
            ref = (span["article"], span["span"][0], span["span"][1])
            row = groups.get(key)
            if row is None:
                groups[key] = LoadedRow(view, span["text"], span["kind"], span["score"], [ref])
            else:
                row.score = max(row.score, span["score"])
                row.refs.append(ref)
        rows = list(groups.values())
        for row in rows:
            row.refs.sort(key=lambda r: (r[1], r[2]))
        rows.sort(key=lambda r: (r.article.index, -r.score, r.text.lower(), r.refs[0][1]))
        return rows


def _tells_best(mine: list[dict[str, Any]], label: str) -> bool:
    """Whether the cell's clause (its first) shares at least as much of the row's words as
    any other clause the outlet has in the row: else that other clause states the row's
    fact, and the first's status is another event's (HuffPost's "His wife, Sandra Jackson,
    who resigned from her position ..., is expected to plead guilty" shows no "planned" in a
    row on her resigning)."""
    row = content_words(label)
    first = words_f1(content_words(mine[0]["text"]), row)
    return all(words_f1(content_words(c["text"]), row) <= first for c in mine[1:])


def _tells(clause: str, label: str, may_be_the_row: bool = False) -> bool:
    """Whether a cell's clause states the row's fact in words of its own: it shares enough of
    the row's words, and is not wholly among them (then the row shows it already), unless it
    ``may_be_the_row``: a development names every status it moves through, the row's own
    clause's too."""
    mine, row = content_words(clause), content_words(label)
    return (may_be_the_row or not mine <= row) and words_f1(mine, row) >= TELLS_ROW


def _own_voice(claim: dict[str, Any]) -> bool:
    """A claim the outlet states itself: neither attributed to a speaker nor quoted."""
    return not claim.get("attribution") and not claim.get("quoted")


def relation_of(alignment: dict[str, Any], article: str) -> str:
    """How one article stands in an aligned fact: a contradicted fact is contradicted only
    by the articles whose values differ (``disputed``); the others report it."""
    relation = str(alignment["relation"])
    disputed = alignment.get("disputed") or []
    if relation == "contradicted" and disputed and article not in disputed:
        return "agreed"
    return relation


def _sortable(iso: str | None) -> float:
    if not iso:
        return 0.0
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # only for ordering
    return when.timestamp()
