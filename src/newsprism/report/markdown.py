"""The Markdown report: the HTML report's sections as text tables, for pasting into notes.

Citations are ``[outlet §n]`` markers: sentence ``n`` (1-based) of that outlet's article.
"""

from __future__ import annotations

import re
from typing import Any

from newsprism.report.view import RELATION_WORDS, ReportView

# What has a meaning anywhere in a line of (CommonMark or GitHub) Markdown: backslash
# escapes, emphasis, code spans, links and images, raw HTML and autolinks, entities,
# strikethrough, heading marks, table cells. ``!`` and ``(`` mean nothing without ``[``.
_INLINE = re.compile(r"[\\`*_\[\]<&~#|]")
# "https://...", "www." and e-mail addresses ("a@b.co"): GitHub (and markdown-it with
# linkify) turns them into links even with no brackets; an escaped ":", "." or "@" splits
# the text the link finder reads.
_BARE_LINK = re.compile(r"(?<=[a-z]):(?=//)|(?<=\bwww)\.|(?<=\w)@(?=\w)", re.IGNORECASE)
# What means something only at the start of a line or list item: a quote, a list, a
# setext underline.
_LINE_START = re.compile(r"[>+=-]|\d+(?=[.)])")


class _Markdown(str):
    """Markdown built here from escaped parts (a citation marker around an escaped outlet
    name): ``cell`` leaves it as it is."""


def inline(text: object) -> str:
    """Article-derived text (a title, an outlet, a sentence, a quote, a URL) as one line of
    Markdown that renders as exactly that text: every character with a Markdown meaning is
    escaped, so ``![p](http://host/b.png)`` in a title is neither an image fetch nor a
    link, and ``**B**`` is not bold; a start that would open a quote or a list ("- x",
    "1. x") is escaped too, since the text may open a line or a list item."""
    value = cell(text)
    start = _LINE_START.match(value)
    if start is not None and not isinstance(
        text, _Markdown
    ):  # "- x" -> "\\- x", "1. x" -> "1\\. x"
        cut = start.end() if start.group().isdigit() else 0
        value = value[:cut] + "\\" + value[cut:]
    return value


def cell(text: object) -> str:
    """Text made safe for one Markdown table cell: ``inline`` but for line starts, which
    mean nothing in a cell (``|`` is escaped with the rest)."""
    if isinstance(text, _Markdown):
        return text
    value = _INLINE.sub(lambda m: "\\" + m.group(), " ".join(str(text).split()))
    return _BARE_LINK.sub(lambda m: "\\" + m.group(), value)


def _cited(text: str, cites: list[str]) -> _Markdown:
    """A table cell: ``text`` escaped, then citation markers ``[outlet §n]``."""
    markers = " ".join(f"[{inline(c)}]" for c in dict.fromkeys(cites))
    return _Markdown(" ".join(part for part in (inline(text), markers) if part))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return lines


def to_markdown(data: dict[str, Any]) -> str:
    """Render a report dict (from ``to_dict``) as Markdown."""
    view = ReportView(data)
    out: list[str] = [f"# {inline(view.title())}", ""]

    out += ["## Sources", ""]
    out += _table(
        [_Markdown("#"), "Outlet", "Country", "Ownership", "Published", "Title"],
        [
            [
                str(a.index),
                a.label,
                a.country or "—",
                a.ownership,
                a.published
                + (f" ({a.published_source})" if a.published_iso and a.published_source else ""),
                a.title or "—",
            ]
            for a in view.articles
        ],
    )
    out.append("")

    if data["brief"]:
        out += ["## Brief", ""]
        for number, sentence in enumerate(data["brief"], start=1):
            markers = " ".join(f"[{inline(m)}]" for m, _ in view.brief_citations(sentence))
            out.append(f"{number}. {inline(sentence['text'])} {markers}".rstrip())
        out.append("")

    rows = view.matrix()
    if rows:
        out += ["## Claim matrix", ""]
        out.append("✓ reported · — omitted · ✗ contradicted · ↻ status changes")
        out.append("")
        table_rows = []
        for row in rows:
            cells = [row.alignment["label"] or row.alignment["id"]]
            cells.append(RELATION_WORDS.get(row.alignment["relation"], row.alignment["relation"]))
            for c in row.cells:
                text = c.symbol + (f" {c.word}" if c.word else "")
                cells.append(_cited(text, [view.cite(r[0], r[1]) for r in c.refs]))
            table_rows.append(cells)
        out += _table(["Fact", "Relation"] + [a.label for a in view.articles], table_rows)
        out.append("")

    contradictions = view.contradictions()
    if contradictions:
        out += ["## Contradictions", ""]
        for item in contradictions:
            kinds = ", ".join(item.conflicts) or "unspecified"
            detail = f": {item.detail}" if item.detail else ""
            out.append(f"- **{inline(item.label)}** ({kinds}){inline(detail)}")
            for side in item.sides:
                cite = view.cite(side.ref[0], side.ref[1])
                out.append(
                    f"  - {inline(side.article.label)}: “{inline(side.text)}” [{inline(cite)}]"
                )
        out.append("")

    omitted = view.omissions_by_article()
    if omitted:
        out += ["## Omissions", ""]
        for article, items in omitted:
            out.append(f"- **{inline(article.label)}** leaves out:")
            for omission in items:
                by = ", ".join(inline(view.label(a)) for a in omission["reported_by"])
                what = inline(omission["label"] or omission["alignment"])
                out.append(f"  - {what} (reported by {by})")
        out.append("")

    framing = view.framing()
    if framing:
        out += ["## Framing: words each outlet uses", ""]
        table_rows = []
        for frow in framing:
            cells = [frow.concept]
            for terms in frow.cells:
                cells.append(", ".join(f"{t.term} ×{t.count}" for t in terms) or "—")
            table_rows.append(cells)
        out += _table(["Concept"] + [a.label for a in view.articles], table_rows)
        out.append("")

    loaded = view.loaded_rows()
    if loaded:
        out += ["## Loaded wording", ""]
        out += _table(
            ["Outlet", "Words", "Kind", "Score", "Where"],
            [
                [
                    row.article.label,
                    row.text + (f" ×{len(row.refs)}" if len(row.refs) > 1 else ""),
                    row.kind,
                    f"{row.score:.2f}",
                    _cited("", [view.cite(a, s) for a, s, _ in row.refs]),
                ]
                for row in loaded
            ],
        )
        out.append("")

    quotes = view.quote_rows()
    if quotes:
        out += ["## Quote balance", ""]
        out += _table(
            ["Speaker", "Outlet", "Direct", "Reported", "Characters"],
            [
                [q.speaker, q.article.label, str(q.direct), str(q.reported), str(q.characters)]
                for q in quotes
            ],
        )
        out.append("")

    timeline = view.timeline()
    if timeline:
        out += ["## Timeline", ""]
        table_rows = []
        for event in timeline:
            for entry in event.entries:
                where = _cited("", [view.cite(*entry.ref[:2])] if entry.ref else [])
                table_rows.append(
                    [
                        event.label or event.event,
                        entry.article.label,
                        entry.published,
                        entry.status,
                        entry.time or "—",
                        where,
                    ]
                )
        out += _table(["Event", "Outlet", "Published", "Status", "Event time", "Where"], table_rows)
        out.append("")

    return "\n".join(out).rstrip() + "\n"
