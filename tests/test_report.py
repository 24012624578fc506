"""Report outputs (JSON, Markdown, HTML) on a hand-built comparison of two real-style articles."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from newsprism.model import (
    Alignment,
    Article,
    ArticleAnalysis,
    BriefSentence,
    Claim,
    Comparison,
    LoadedSpan,
    Sentence,
    Span,
)
from newsprism.report import render, render_dict
from newsprism.report.html import _Mark, safe_link, segment_text
from newsprism.report.jsonout import TOP_LEVEL_KEYS, to_dict
from newsprism.report.markdown import cell
from newsprism.report.view import format_published
from test_report_fixture import OUTLETS, TEXT_MT, TEXT_RT, build_comparison


@pytest.fixture(scope="module")
def data() -> dict:
    return to_dict(build_comparison(), OUTLETS)


@pytest.fixture(scope="module")
def page() -> str:
    return render(build_comparison(), "html", OUTLETS)


# --- JSON --------------------------------------------------------------------------------------


def test_json_top_level_keys_in_order(data: dict) -> None:
    assert tuple(data) == TOP_LEVEL_KEYS
    assert list(data)[:9] == [
        "articles", "claims", "alignments", "omissions", "concepts", "quotes", "loaded",
        "events", "brief",
    ]  # fmt: skip


def test_json_articles(data: dict) -> None:
    mt, rt = data["articles"]
    assert list(mt) == [
        "id", "outlet", "outlet_id", "outlet_info", "title", "published", "published_source",
        "url", "language", "source", "notes", "text", "sentences",
    ]  # fmt: skip
    assert mt["text"] == TEXT_MT
    assert mt["published"] == "2024-10-21T09:30:00+00:00"
    assert rt["published"] == "2024-10-25T09:00:00+03:00"
    assert rt["published_source"] == "html"
    assert mt["sentences"] == [[0, 148], [149, 206], [207, 303]]
    assert rt["outlet_info"]["ownership"] == "state"
    assert rt["outlet_info"]["country"] == "RU"
    # Without a registry the hook is there but empty.
    assert to_dict(build_comparison())["articles"][0]["outlet_info"] is None


def test_json_claim_spans(data: dict) -> None:
    claim = data["claims"][0]
    assert claim["id"] == "mt0001:k0"
    assert claim["article"] == "mt0001"
    assert claim["span"] == [0, 148]
    assert claim["predicate_span"] == [44, 48]
    assert TEXT_MT[44:48] == "meet"
    assert claim["time"] == {
        "article": "mt0001",
        "span": [99, 109],
        "text": "October 24",
        "value": "2024-10-24",
        "end_value": None,
        "granularity": "day",
        "anchored": True,
        "verb": "",
    }
    assert claim["status"] == "planned"
    numbers = data["claims"][1]["numbers"]
    assert numbers == [
        {"article": "mt0001", "span": [162, 172], "text": "32 nations", "value": 32.0,
         "unit": "nations"}
    ]  # fmt: skip
    assert TEXT_MT[162:172] == "32 nations"
    assert [c["id"] for c in data["claims"]] == [
        "mt0001:k0", "mt0001:k1", "mt0001:k2", "rt0002:k0", "rt0002:k1", "rt0002:k2",
    ]  # fmt: skip


def test_json_findings_carry_article_and_span(data: dict) -> None:
    quote = data["quotes"][0]
    assert quote["span"] == [259, 278] and quote["speaker_span"] == [207, 215]
    assert TEXT_MT[259:278] == "dangerous precedent"
    assert data["loaded"] == [
        {"article": "rt0002", "span": [215, 226], "text": "Kiev regime", "score": 0.81,
         "kind": "label", "sentence": 3}
    ]  # fmt: skip
    assert TEXT_RT[215:226] == "Kiev regime"
    kyiv = data["concepts"][1]
    assert [(m["article"], m["span"], m["text"]) for m in kyiv["mentions"]] == [
        ("mt0001", [298, 302], "Kyiv"),
        ("rt0002", [215, 219], "Kiev"),
    ]
    assert [(t["term"], t["spans"]) for t in data["terms"]] == [
        ("Kyiv", [{"article": "mt0001", "span": [298, 302]}]),
        ("Kiev", [{"article": "rt0002", "span": [215, 219]}]),
    ]
    assert data["brief"][0]["spans"] == [
        {"article": "mt0001", "span": [0, 148]},
        {"article": "rt0002", "span": [0, 67]},
    ]
    assert data["brief"][1]["claims"] == ["mt0001:k1", "rt0002:k1"]
    assert [(e["article"], e["status"], e["span"]) for e in data["events"]] == [
        ("mt0001", "planned", [0, 148]),
        ("rt0002", "happened", [0, 67]),
    ]
    assert data["alignments"][1]["relation"] == "contradicted"
    assert data["alignments"][1]["detail"] == "32 nations vs 36 nations"
    assert data["omissions"][0] == {
        "article": "rt0002",
        "alignment": "a3",
        "label": "Guterres — call — invasion a precedent",
        "reported_by": ["mt0001"],
    }


def test_json_render_is_deterministic_and_round_trips(data: dict) -> None:
    first = render(build_comparison(), "json", OUTLETS)
    assert first == render(build_comparison(), "json", OUTLETS)
    assert json.loads(first) == data
    assert "“dangerous precedent”" in first  # ensure_ascii=False


def test_loaded_spans_fall_back_to_analyses() -> None:
    comparison = build_comparison()
    comparison.loaded = []
    assert [s["text"] for s in to_dict(comparison)["loaded"]] == ["Kiev regime"]


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(build_comparison(), "pdf")


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_tables(data: dict) -> None:
    md = render_dict(data, "md")
    lines = md.splitlines()
    assert lines[0] == "# Putin to meet UN chief Guterres at BRICS summit"
    assert (
        "| 2 | RT | RU | state-owned | 25 Oct 2024, 09:00 +03:00 (html) | "
        "Putin meets Guterres in Kazan |" in lines
    )
    assert (
        "1. Vladimir Putin met Antonio Guterres in Kazan on 24 October. "
        "[The Moscow Times §1] [RT §1]" in lines
    )
    assert "| Fact | Relation | The Moscow Times | RT |" in lines
    assert (
        "| Putin — meet — Guterres | shared fact | ↻ planned [The Moscow Times §1] | "
        "↻ happened [RT §1] |" in lines
    )
    assert (
        "| Nations at the BRICS summit | contradicted | ✗ [The Moscow Times §2] | ✗ [RT §2] |"
        in lines
    )
    assert (
        "| Guterres — call — invasion a precedent | reported by one outlet only | "
        "✓ [The Moscow Times §3] | — |" in lines
    )
    assert "| Kyiv | Kyiv ×1 | Kiev ×1 |" in lines
    assert "| RT | Kiev regime | label | 0.81 | [RT §4] |" in lines
    assert "| Antonio Guterres | RT | 1 | 0 | 40 |" in lines
    assert (
        "| Putin — meet — Guterres | The Moscow Times | 21 Oct 2024, 09:30 UTC | planned | "
        "2024-10-24 | [The Moscow Times §1] |" in lines
    )
    assert "  - RT leaves out:" not in lines and "- **RT** leaves out:" in lines


def test_markdown_escapes_pipes() -> None:
    assert cell("a | b\nc <b>") == "a \\| b c \\<b>"
    comparison = build_comparison()
    comparison.alignments[0].label = "Putin | Guterres"
    assert "| Putin \\| Guterres | shared fact |" in render(comparison, "md")


# Issue 14, item 7: Markdown in an article's title (or any text from it) must stay text.
INJECTED = "![p](http://host/b.png) [click](https://example/x) **B** `c` <i>h</i> ~~s~~ _e_"


def test_markdown_from_an_article_renders_as_its_literal_text(data: dict) -> None:
    from markdown_it import MarkdownIt

    hostile = json.loads(json.dumps(data))
    for article in hostile["articles"]:
        article["title"] = INJECTED
        article["outlet"] = "# " + INJECTED
        article["outlet_info"] = None
    for key in ("alignments", "omissions", "events"):
        for item in hostile[key]:
            item["label"] = "- " + INJECTED
    for item in hostile["alignments"]:
        item["detail"] = INJECTED
    for key in ("brief", "loaded"):
        for item in hostile[key]:
            item["text"] = "1. " + INJECTED
    for item in hostile["terms"]:
        item["term"] = INJECTED
    for item in hostile["quote_balance"]:
        item["speaker"] = "> " + INJECTED
    for item in hostile["concepts"]:
        item["name"] = INJECTED
    md = render_dict(hostile, "md")
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    bad = ("<img", "<a ", "<strong>B", "<em>e", "<code", "<s>", "<i>", "<h2>- ", "<blockquote")
    for tag in bad:
        assert tag not in html, tag
    assert html.count("<h1>") == 1 and "<ul>\n<li>\n<ul>" not in html
    shown = INJECTED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html.count(shown) >= 20
    assert f"# {shown}" in html and f"&gt; {shown}" in html and f"1. {shown}" in html


# Review of issue 14, point 8: what GitHub (and markdown-it with linkify) turns into links with
# no brackets: bare URLs, "www." names and e-mail addresses.
BARE_LINKS = "see https://evil.example/x, www.evil.com/y, a@b.co or mailto:c@d.co"


def test_markdown_bare_links_and_email_addresses_stay_text_with_linkify(data: dict) -> None:
    from markdown_it import MarkdownIt

    hostile = json.loads(json.dumps(data))
    for article in hostile["articles"]:
        article["title"] = BARE_LINKS
        article["outlet"] = BARE_LINKS
        article["outlet_info"] = None
    for item in hostile["alignments"]:
        item["label"] = BARE_LINKS
    for item in hostile["brief"]:
        item["text"] = BARE_LINKS
    md = render_dict(hostile, "md")
    linkify = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table"])
    html = linkify.render(md)
    assert "<a " not in html
    assert html.count(BARE_LINKS) >= 5  # shown as the text it is
    plain = linkify.render("https://evil.example/x www.evil.com/y a@b.co")
    assert plain.count("<a href=") == 3  # what the escapes prevent


# --- HTML --------------------------------------------------------------------------------------


class _TextOf(HTMLParser):
    """Collects the text inside each article's ``div.text``, and every script tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.scripts = 0
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if self._depth:
            self._depth += 1
        elif tag == "div" and ("class", "text") in attrs:
            self._depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.texts[-1] += data


def test_html_article_text_is_complete(page: str) -> None:
    parser = _TextOf()
    parser.feed(page)
    assert parser.texts == [TEXT_MT, TEXT_RT]
    assert parser.scripts == 1  # only the report's own script


def test_html_sections_and_findings(page: str) -> None:
    assert "<title>Putin to meet UN chief Guterres at BRICS summit · newsprism</title>" in page
    for section in ("brief", "articles", "matrix", "contradictions", "omissions", "framing",
                    "loaded", "quotes", "timeline"):  # fmt: skip
        assert f'id="{section}"' in page
    # The brief cites with clickable markers that reach both articles.
    assert '<a class="cite" href="#t1-0" data-goto="1:0:148">The Moscow Times §1</a>' in page
    assert '<a class="cite" href="#t2-0" data-goto="2:0:67">RT §1</a>' in page
    # Sentence spans and segments carry their offsets.
    assert (
        '<span class="sent" id="s2-4" data-article="rt0002" data-start="175" data-end="260">'
        in page
    )
    assert (
        '<span class="seg f-single f-loaded" id="t2-219" data-start="219" data-end="226" ' in page
    )
    assert (
        'title="reported by one outlet only: Guterres — face — criticism; '
        'label wording, score 0.81"' in page
    )
    # Claim matrix cells: status change, contradiction, omission.
    assert '<td class="cell c-status"><a class="find" href="#t1-0" data-goto="1:0:148"' in page
    assert '↻<span class="cword">planned</span>' in page
    assert (
        '<td class="cell c-contradicted"><a class="find" href="#t2-68" data-goto="2:68:116"' in page
    )
    assert '<td class="cell c-omitted"><span title="omitted">—</span></td>' in page
    # Framing terms, quote rows and timeline entries link to their words.
    assert '<a class="find" href="#t2-215" data-goto="2:215:219">Kiev</a>' in page
    assert '<a class="find" href="#t1-259" data-goto="1:259:278">Antonio Guterres</a>' in page
    assert '<span class="pill happened">happened</span>' in page
    assert '<span class="badge own-state" title="Russian federal budget">state-owned</span>' in page
    assert "32 nations vs 36 nations" in page
    # Self-contained: no external resources.
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page)


def test_html_escapes_article_markup() -> None:
    text = 'Officials wrote <script>alert(1)</script> and <b onmouseover="x()">bold</b> claims.'
    art = Article(
        id="x1",
        text=text,
        title="<script>alert('title')</script>",
        outlet="Evil <i>Times</i>",
        url="javascript:alert(document.cookie)",
    )
    s, e = text.index("<script>"), text.index("</script>") + len("</script>")
    claim = Claim("x1:k0", "x1", 0, len(text), 0, "Officials", "write")
    comparison = Comparison(
        articles=[art],
        analyses=[ArticleAnalysis("x1", [Sentence("x1", 0, 0, len(text))], claims=[claim])],
        alignments=[Alignment("a1", "single", ["x1:k0"], ["x1"], "<img src=x onerror=alert(2)>")],
        loaded=[LoadedSpan("x1", s, e, text[s:e], 0.9, "loaded")],
        brief=[BriefSentence("<script>alert(3)</script>", ["x1:k0"], [Span("x1", 0, 9)])],
    )
    page = render(comparison, "html")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert "Evil &lt;i&gt;Times&lt;/i&gt;" in page
    assert 'href="javascript:' not in page
    assert "javascript:alert(document.cookie)" in page  # shown as text
    assert page.count("<script>") == 1
    parser = _TextOf()
    parser.feed(page)
    assert parser.texts == [text]
    md = render(comparison, "md")
    assert "1. \\<script>alert(3)\\</script> [Evil \\<i>Times\\</i> §1]" in md.splitlines()
    assert "<script" not in md.replace("\\<script", "")


def test_html_says_unknown_time_plainly() -> None:
    comparison = build_comparison()
    comparison.articles[1] = replace(comparison.articles[1], published=None)
    page = render(comparison, "html")
    assert '<span class="when unknown">publication time unknown</span>' in page


def test_safe_link() -> None:
    assert safe_link("https://rt.com/a") == "https://rt.com/a"
    assert safe_link("javascript:alert(1)") == ""
    assert safe_link(' https://x.org/"onmouseover=') == ""
    assert safe_link("data:text/html,hi") == ""


def test_segment_text_cuts_at_every_boundary() -> None:
    text = "Alpha beta. Gamma delta."
    pieces = segment_text(
        text,
        [[0, 11], [12, 24]],
        [
            _Mark(6, 11, "agreed", "shared"),
            _Mark(6, 10, "contradicted", "c"),
            _Mark(12, 17, "loaded", "score"),
        ],  # fmt: skip
        {18},
    )
    assert [(p.sentence, [(g.text, g.classes) for g in p.segments]) for p in pieces] == [
        (0, [("Alpha ", ""), ("beta", "f-contradicted"), (".", "f-agreed")]),
        (None, [(" ", "")]),
        (1, [("Gamma", "f-loaded"), (" ", ""), ("delta.", "")]),
    ]


def test_publication_time_words() -> None:
    assert format_published("2024-10-21T09:30:00+00:00") == "21 Oct 2024, 09:30 UTC"
    assert format_published("2024-10-25T09:00:00+03:00") == "25 Oct 2024, 09:00 +03:00"
    assert format_published("2024-10-21T00:00:00+00:00") == "21 Oct 2024"  # a date only
    assert format_published("2024-10-21") == "21 Oct 2024"
    assert format_published("2024-10-21T09:30:00") == "21 Oct 2024, 09:30 (time zone unknown)"
    assert format_published(None) == "publication time unknown"


def test_loaded_wording_grouped_per_outlet() -> None:
    comparison = build_comparison()
    s, e = TEXT_RT.index("harsh criticism"), TEXT_RT.index("harsh criticism") + 15
    comparison.loaded.append(LoadedSpan("rt0002", s, e, "harsh criticism", 0.4, "loaded", 3))
    comparison.loaded.append(LoadedSpan("rt0002", 215, 226, "Kiev Regime", 0.9, "label", 3))
    lines = render(comparison, "md").splitlines()
    assert "| RT | Kiev regime ×2 | label | 0.90 | [RT §4] |" in lines
    assert "| RT | harsh criticism | loaded | 0.40 | [RT §4] |" in lines
    assert lines.index("| RT | Kiev regime ×2 | label | 0.90 | [RT §4] |") < lines.index(
        "| RT | harsh criticism | loaded | 0.40 | [RT §4] |"
    )


def test_matrix_puts_shared_facts_first_and_folds_singles(page: str) -> None:
    assert "<summary>2 facts reported by one outlet only</summary>" in page
    first = page.index('id="row-a1"')
    assert first < page.index('id="row-a2"') < page.index("<summary>") < page.index('id="row-a3"')


def test_a_contradiction_shows_only_its_disputed_sides() -> None:
    """A contradicted fact lists one side per article (its sentence's first claim), and an
    article outside ``disputed`` reports the fact: ✓ in the matrix, no side of its own."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    contradiction = next(a for a in comparison.alignments if a.relation == "contradicted")
    mt, rt = (a.id for a in comparison.articles)
    contradiction.claims = [*contradiction.claims, f"{mt}:k2"]  # a second claim of MT
    view = ReportView(to_dict(comparison, OUTLETS))
    (both,) = view.contradictions()
    assert [side.article.id for side in both.sides] == [mt, rt]
    contradiction.disputed = [rt]
    view = ReportView(to_dict(comparison, OUTLETS))
    (one,) = view.contradictions()
    assert [side.article.id for side in one.sides] == [rt]
    row = next(r for r in view.matrix() if r.alignment["relation"] == "contradicted")
    assert [cell.symbol for cell in row.cells] == ["✓", "✗"]


def test_a_cell_names_a_status_only_in_the_outlets_own_voice() -> None:
    """A fact an outlet reports as planned, in a row whose words say it happened, says so in
    its cell; the same words attributed to a speaker, or in quotation marks, do not (the
    speaker's "will" is in the row's quoted words), and "ongoing", like "happened", is what a
    report states by default."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    mt, rt = (a.id for a in comparison.articles)
    claim = next(c for c in comparison.analyses[0].claims if c.id == f"{mt}:k2")
    # A row on MT's sentence, its words RT's (RT's clause first): "happened".
    row_of = next(a for a in comparison.alignments if a.claims == [f"{mt}:k2"])
    row_of.claims, row_of.articles = [f"{rt}:k2", f"{mt}:k2"], [mt, rt]

    def word() -> str:
        view = ReportView(to_dict(comparison, OUTLETS))
        row = next(r for r in view.matrix() if r.alignment["claims"] == [f"{rt}:k2", f"{mt}:k2"])
        return row.cells[0].word

    assert word() == ""  # happened
    claim.status = "planned"
    assert word() == "planned"
    claim.attribution = "Yury Ushakov"
    assert word() == ""
    claim.attribution, claim.quoted = "", True
    assert word() == ""
    claim.quoted, claim.status = False, "ongoing"
    assert word() == ""
    claim.status = "uncertain"
    assert word() == "uncertain"


def test_a_cell_names_no_status_the_rows_words_already_say() -> None:
    """A row whose words are a negated or planned clause ("The suit doesn't contain
    statistics") shows no "denied" or "planned" in the cells that report it so: a word only
    where an outlet's report differs from the row's words, and only from a clause that tells
    the row's fact in words of its own (not another part of its sentence, nor words the row
    shows already)."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    mt, rt = (a.id for a in comparison.articles)
    claims = {c.id: c for an in comparison.analyses for c in an.claims}
    row_of = next(a for a in comparison.alignments if a.claims == [f"{mt}:k2"])
    row_of.claims, row_of.articles = [f"{mt}:k2", f"{rt}:k2"], [mt, rt]
    # RT's clause: "Guterres faced harsh criticism from the Kiev regime for accepting Putin's
    # invitation."
    row_of.label = "Guterres faced criticism from Kyiv for accepting the invitation"

    def words() -> list[str]:
        view = ReportView(to_dict(comparison, OUTLETS))
        row = next(r for r in view.matrix() if r.alignment["claims"] == [f"{mt}:k2", f"{rt}:k2"])
        return [cell.word for cell in row.cells]

    claims[f"{mt}:k2"].status = claims[f"{rt}:k2"].status = "denied"
    assert words() == ["", ""]
    claims[f"{rt}:k2"].status = "planned"
    assert words() == ["", "planned"]
    claims[f"{mt}:k2"].attribution = "Yury Ushakov"  # the row's words are a speaker's
    claims[f"{rt}:k2"].status = "denied"
    assert words() == ["", "denied"]
    row_of.label = "Guterres called the invasion a dangerous precedent"  # another fact
    assert words() == ["", ""]
    # The row's words hold the whole clause: it shows its "not" itself.
    row_of.label = (
        "Guterres faced harsh criticism from the Kiev regime for accepting Putin's invitation"
    )
    assert words() == ["", ""]


def test_a_development_names_the_statuses_of_clauses_that_tell_it() -> None:
    """In a row whose status moves (planned, then held), a cell names its status with ↻ when
    its clause tells the row's fact, the row's own clause included; a clause telling another
    part of its sentence is a plain ✓."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    mt, rt = (a.id for a in comparison.articles)
    meeting = next(a for a in comparison.alignments if a.status_change)
    meeting.label = "President Vladimir Putin met Antonio Guterres in Kazan on Thursday"
    meeting.claims = [f"{rt}:k0", f"{mt}:k0"]

    def cells() -> list[tuple[str, str]]:
        view = ReportView(to_dict(comparison, OUTLETS))
        row = next(r for r in view.matrix() if r.alignment["id"] == meeting.id)
        return [(cell.symbol, cell.word) for cell in row.cells]

    claims = {c.id: c for an in comparison.analyses for c in an.claims}
    claims[f"{mt}:k0"].attribution = ""
    assert cells() == [("↻", "planned"), ("↻", "happened")]
    meeting.claims = [f"{rt}:k0", f"{mt}:k2"]  # MT's cell: "Guterres has called ..."
    assert cells() == [("✓", ""), ("↻", "happened")]


def test_a_cell_names_no_status_another_clause_of_the_rows_words_says() -> None:
    """The row's words may hold a second clause of their sentence whole ("... for same-sex
    couples who live in any of the 37 states that do not recognize their marriage"): its
    status is said too, and a cell reporting it so names none."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    mt, rt = (a.id for a in comparison.articles)
    claims = {c.id: c for an in comparison.analyses for c in an.claims}
    row_of = next(a for a in comparison.alignments if a.claims == [f"{mt}:k2"])
    row_of.claims, row_of.articles = [f"{mt}:k2", f"{mt}:k1", f"{rt}:k2"], [mt, rt]
    claims[f"{mt}:k1"].sentence = claims[f"{mt}:k2"].sentence  # one sentence, two clauses
    claims[f"{mt}:k1"].status = claims[f"{rt}:k2"].status = "planned"
    # RT's clause: "Guterres faced harsh criticism from the Kiev regime for accepting Putin's
    # invitation."; MT's second: "Leaders from 32 nations are expected at the BRICS summit."
    words = "Guterres faced criticism from Kyiv for accepting the invitation"

    def rt_word() -> str:
        view = ReportView(to_dict(comparison, OUTLETS))
        row = next(r for r in view.matrix() if r.alignment["id"] == row_of.id)
        return row.cells[1].word

    row_of.label = words
    assert rt_word() == "planned"
    row_of.label = f"{words}, as leaders from 32 nations are expected at the BRICS summit"
    assert rt_word() == ""


def test_a_cell_names_the_status_of_the_clause_that_tells_its_row_best() -> None:
    """A cell shows the status of its first clause only when no other clause of its outlet
    in the row shares more of the row's words: else that other clause states the row's fact
    and the first's status is another event's (BASIL dev: HuffPost's "His wife, Sandra
    Jackson, who resigned from her position ..., is expected to plead guilty" showed
    "planned" in a row on her resigning)."""
    from newsprism.report.view import ReportView

    comparison = build_comparison()
    mt, rt = (a.id for a in comparison.articles)
    claims = {c.id: c for an in comparison.analyses for c in an.claims}
    row_of = next(a for a in comparison.alignments if a.claims == [f"{mt}:k2"])
    row_of.claims, row_of.articles = [f"{mt}:k2", f"{rt}:k0", f"{rt}:k1"], [mt, rt]
    # RT's clauses: "President Vladimir Putin met Antonio Guterres in Kazan on Thursday." and
    # "Delegations from 36 nations attended the summit."
    claims[f"{rt}:k0"].status = "planned"

    def rt_word() -> str:
        view = ReportView(to_dict(comparison, OUTLETS))
        row = next(r for r in view.matrix() if r.alignment["id"] == row_of.id)
        return row.cells[1].word

    row_of.label = "Putin met Guterres in Kazan"
    assert rt_word() == "planned"
    row_of.label = "Putin met Guterres as delegations from 36 nations attended the summit"
    assert rt_word() == ""
