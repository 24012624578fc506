"""HTML -> article text and metadata, through trafilatura (with a plain lxml fallback).

Scripts, styles and other non-text elements never reach the text. The publication time is
read from the page's own metadata (``article:published_time``, JSON-LD ``datePublished``,
``<time>``), else from trafilatura's date search (htmldate).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)
_META_TIME_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
_DROP = (
    "//script|//style|//noscript|//template|//svg|//iframe|//nav|//footer|//aside|//form|"
    "//header|//button|//select|//head"
)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "article"}
    | {"section", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "main"}
)


@dataclass
class Page:
    """What one HTML page gives: its article text and metadata."""

    text: str
    title: str = ""
    url: str = ""
    sitename: str = ""
    published: str = ""  # the page's own value, parsed later
    language: str = ""
    notes: list[str] = field(default_factory=list)


# libxml2's HTML parser keeps at most 256 levels of nesting and silently drops what is
# deeper; a page nested deeper than MAX_DEPTH keeps only the tags that carry meaning.
MAX_DEPTH = 200
# Characters lxml refuses in a text it is given (control characters, lone surrogates, the
# two non-characters): the page's parse keeps them, so they are removed before parsing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_KEEP_WHEN_FLAT = frozenset(
    {"html", "head", "title", "meta", "body", "p", "br", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form"}
)
_BLOCK_WHEN_FLAT = frozenset({"div", "section", "article", "main", "li", "tr", "table", "ul", "ol"})


def nesting_depth(html: str) -> int:
    """The deepest nesting of elements in the page, counted from its tags (no parser)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def flatten(html: str) -> str:
    """The page without its layout tags (block ones become line breaks), for pages nested too
    deeply for the parser."""

    def keep(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in _KEEP_WHEN_FLAT:
            return match.group(0)
        return "<br>" if name in _BLOCK_WHEN_FLAT else " "

    return _TAG.sub(keep, html)


def count_scripts(data: bytes) -> int:
    """How many ``<script`` elements the raw page holds."""
    return len(_SCRIPT.findall(data))


def _published_from_tree(tree: Any) -> str:
    """A full publication timestamp from meta tags, JSON-LD or <time>; "" when none."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _META_TIME_KEYS and meta.get("content") and key not in found:
            found[key] = meta.get("content", "").strip()
    for key in _META_TIME_KEYS:
        if found.get(key):
            return found[key]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # broken or absurdly nested JSON-LD
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str) and value.strip():
                    return value.strip()
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    for node in tree.iter("time"):
        if node.get("datetime") and (node.get("itemprop") or "").lower() in ("datepublished", ""):
            return node.get("datetime", "").strip()
    return ""


def _fallback_text(tree: Any) -> str:
    """Visible text of the page with block elements on their own lines (no trafilatura)."""
    for bad in tree.xpath(_DROP):
        bad.drop_tree()
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "br":
            node.tail = "\n" + (node.tail or "")
        elif node.tag in _BLOCKS:
            node.text = "\n" + (node.text or "")
            node.tail = "\n" + (node.tail or "")
    body = tree.find("body")
    return str((body if body is not None else tree).text_content())


def extract_html(html: str, url: str = "") -> Page:
    """Extract the article text and metadata of one HTML page.

    Uses trafilatura (main content, no comments, tables kept); when it finds no main
    content (very short pages), falls back to all visible text without navigation,
    scripts or styles. The leading headline line is left to the caller.
    """
    notes: list[str] = []
    html = _NOT_XML.sub("", html)
    depth = nesting_depth(html)
    if depth > MAX_DEPTH:
        html = flatten(html)
        notes.append(
            f"the page nests {depth:,} elements deep (over {MAX_DEPTH}); its layout tags were "
            "dropped to read its text"
        )
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return Page(text="", notes=["the HTML could not be parsed"])
    published = _published_from_tree(tree)
    language = (tree.get("lang") or "").split("-")[0].lower()
    head_title = tree.find(".//title")
    page_title = head_title.text_content() if head_title is not None else ""
    title = ""
    sitename = ""
    page_url = url
    text = ""
    import trafilatura  # slow import: only for HTML inputs

    try:
        doc = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as err:  # noqa: BLE001 - a broken page must not stop the run
        doc = None
        notes.append(f"trafilatura failed ({type(err).__name__}); used plain page text")
    if doc is not None and not isinstance(doc, dict):
        text = doc.text or ""
        title = doc.title or ""
        sitename = doc.sitename or ""
        page_url = page_url or doc.url or ""
        published = published or (doc.date or "")
        language = language or (getattr(doc, "language", None) or "")
    if not text.strip():
        text = _fallback_text(tree)
        if doc is not None:
            notes.append("no main article block found; used the page's visible text")
        title = title or page_title
    return Page(
        text=text,
        title=" ".join(title.split()),
        url=page_url,
        sitename=" ".join(sitename.split()),
        published=published,
        language=language,
        notes=notes,
    )
