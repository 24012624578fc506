"""The HTML report: one self-contained file (inline CSS and JS, no network).

Article text is cut into segments in Python at every sentence and finding boundary; each
segment is a plain string that the Jinja2 template escapes (autoescape is on and nothing
article-derived is marked safe), so an article containing markup renders as text.
Every finding links to its words: ``href="#t<article>-<start>"`` works without JavaScript,
and a small script highlights the whole span on click.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader

from newsprism.report.view import RELATION_WORDS, Ref, ReportView, relation_of

# Which claim colour wins when spans of different relations overlap.
RELATION_RANK = {"agreed": 1, "single": 2, "contradicted": 3}


@dataclass
class Segment:
    """A run of article text with one set of findings over it."""

    start: int
    end: int
    text: str
    classes: str
    title: str


@dataclass
class Piece:
    """A sentence (``sentence`` is its 0-based index) or the text between sentences."""

    sentence: int | None
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class _Mark:
    start: int
    end: int
    kind: str  # agreed, single, contradicted, status, loaded, quote
    title: str


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism.report", "templates"),
        autoescape=True,  # every template, whatever its file name
        trim_blocks=True,
        lstrip_blocks=True,
    )


_ENV: Environment | None = None


def environment() -> Environment:
    """The Jinja2 environment (created once; autoescape on for every template)."""
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def segment_text(
    text: str,
    sentences: list[list[int]],
    marks: list[_Mark],
    anchors: set[int],
) -> list[Piece]:
    """Cut ``text`` at sentence, mark and anchor boundaries into escaped-later segments."""
    n = len(text)
    cuts = {0, n}
    spans = sorted((max(0, min(s, n)), max(0, min(e, n))) for s, e in sentences)
    for s, e in spans:
        cuts.update((s, e))
    for m in marks:
        cuts.update((max(0, min(m.start, n)), max(0, min(m.end, n))))
    cuts.update(a for a in anchors if 0 <= a <= n)
    points = sorted(cuts)
    starts = [s for s, _ in spans]

    pieces: list[Piece] = []
    for start, end in zip(points, points[1:], strict=False):
        if start >= end:
            continue
        k = bisect.bisect_right(starts, start) - 1
        sentence = k if k >= 0 and spans[k][0] <= start and end <= spans[k][1] else None
        active = [m for m in marks if m.start <= start and end <= m.end]
        classes: list[str] = []
        relations = [m.kind for m in active if m.kind in RELATION_RANK]
        if relations:
            classes.append("f-" + max(relations, key=lambda r: RELATION_RANK[r]))
        for kind in ("status", "quote", "loaded"):
            if any(m.kind == kind for m in active):
                classes.append("f-" + kind)
        titles: list[str] = []
        for m in active:
            if m.title and m.title not in titles:
                titles.append(m.title)
        segment = Segment(start, end, text[start:end], " ".join(classes), "; ".join(titles))
        if pieces and pieces[-1].sentence == sentence:  # same sentence, or both between
            pieces[-1].segments.append(segment)
            pieces[-1].end = end
        else:
            pieces.append(Piece(sentence, start, end, [segment]))
    return pieces


class HtmlReport:
    """Builds the template context for one report dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.view = ReportView(data)
        self.data = data
        self.index = {a.id: a.index for a in self.view.articles}

    def goto(self, refs: list[Ref] | Ref | None) -> dict[str, str]:
        """Link attributes for a finding: ``href`` (works without JS) and ``data-goto``."""
        if refs is None:
            return {"href": "", "goto": ""}
        if isinstance(refs, tuple):
            refs = [refs]
        parts = [f"{self.index[a]}:{s}:{e}" for a, s, e in refs if a in self.index]
        if not parts:
            return {"href": "", "goto": ""}
        first = refs[0]
        return {"href": f"#t{self.index[first[0]]}-{first[1]}", "goto": " ".join(parts)}

    def _marks(self) -> dict[str, list[_Mark]]:
        marks: dict[str, list[_Mark]] = {a.id: [] for a in self.view.articles}
        for alignment in self.data["alignments"]:
            words = RELATION_WORDS.get(alignment["relation"], alignment["relation"])
            title = f"{words}: {alignment['label']}" if alignment["label"] else words
            if alignment["relation"] == "contradicted" and alignment["detail"]:
                title += f" ({alignment['detail']})"
            for claim_id in alignment["claims"]:
                claim = self.view.claims.get(claim_id)
                if claim is None or claim["article"] not in marks:
                    continue
                s, e = claim["span"]
                relation = relation_of(alignment, claim["article"])
                marks[claim["article"]].append(_Mark(s, e, relation, title))
                if alignment["status_change"]:
                    marks[claim["article"]].append(
                        _Mark(s, e, "status", f"status here: {claim['status']}")
                    )
        for quote in self.data["quotes"]:
            if quote["article"] in marks:
                who = quote["speaker"] or "unnamed speaker"
                how = "quote" if quote["direct"] else "reported speech"
                s, e = quote["span"]
                marks[quote["article"]].append(_Mark(s, e, "quote", f"{how}: {who}"))
        for span in self.data["loaded"]:
            if span["article"] in marks:
                s, e = span["span"]
                title = f"{span['kind']} wording, score {span['score']:.2f}"
                marks[span["article"]].append(_Mark(s, e, "loaded", title))
        return marks

    def _anchors(self) -> dict[str, set[int]]:
        """Where text must be cut so that every linked span is exactly whole segments."""
        anchors: dict[str, set[int]] = {a.id: set() for a in self.view.articles}

        def add(article: str, span: list[int]) -> None:
            if article in anchors:
                anchors[article].update(span)

        for claim in self.data["claims"]:
            add(claim["article"], claim["span"])
        for sentence in self.data["brief"]:
            for item in sentence["spans"]:
                add(item["article"], item["span"])
        for term in self.data["terms"]:
            for item in term["spans"]:
                add(item["article"], item["span"])
        for item in self.data["quotes"] + self.data["loaded"]:
            add(item["article"], item["span"])
        for event in self.data["events"]:
            if event["span"]:
                add(event["article"], event["span"])
        return anchors

    def context(self) -> dict[str, Any]:
        """Everything the template shows."""
        marks = self._marks()
        anchors = self._anchors()
        articles = []
        for view, article in zip(self.view.articles, self.data["articles"], strict=True):
            articles.append(
                {
                    "view": view,
                    "pieces": segment_text(
                        article["text"], article["sentences"], marks[view.id], anchors[view.id]
                    ),
                }
            )
        return {
            "title": self.view.title(),
            "view": self.view,
            "articles": articles,
            "brief": self.data["brief"],
            "matrix": self.view.matrix(),
            "contradictions": self.view.contradictions(),
            "omissions": self.view.omissions_by_article(),
            "framing": self.view.framing(),
            "loaded": self.view.loaded_rows(),
            "quotes": self.view.quote_rows(),
            "timeline": self.view.timeline(),
            "relation_words": RELATION_WORDS,
            "goto": self.goto,
            "link": safe_link,
            "timings": self.data.get("timings") or {},
        }


def safe_link(url: str) -> str:
    """``url`` when it is an http(s) address that may become a link, else ""."""
    lowered = url.strip().lower()
    if lowered.startswith(("http://", "https://")) and not any(c in url for c in "\"'<> "):
        return url.strip()
    return ""


def to_html(data: dict[str, Any]) -> str:
    """Render a report dict (from ``to_dict``) as one self-contained HTML page."""
    template = environment().get_template("report.html.j2")
    return template.render(**HtmlReport(data).context())
