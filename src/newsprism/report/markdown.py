"""The Markdown report: the HTML report's sections as text tables, for pasting into notes.

Citations are ``[outlet §n]`` markers: sentence ``n`` (1-based) of that outlet's article.
"""

from __future__ import annotations

from typing import Any

from newsprism.report.view import RELATION_WORDS, ReportView


def inline(text: object) -> str:
    """Article-derived text as one line of Markdown that renders as the same text
    (backslashes and ``<`` escaped, so markup in an article stays text)."""
    value = str(text).replace("\\", "\\\\").replace("<", "\\<")
    return " ".join(value.split())


def cell(text: object) -> str:
    """Text made safe for one Markdown table cell (``|`` also escaped)."""
    return inline(text).replace("|", "\\|")


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
        ["#", "Outlet", "Country", "Ownership", "Published", "Title"],
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
                if c.ref is not None:
                    text += f" [{view.cite(c.ref[0], c.ref[1])}]"
                cells.append(text)
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
                    " ".join(dict.fromkeys(f"[{view.cite(a, s)}]" for a, s, _ in row.refs)),
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
                where = f"[{view.cite(*entry.ref[:2])}]" if entry.ref else ""
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
