"""RSS and Atom feeds (feedparser): a fetched feed -> its entries' URLs and metadata.

The caller fetches and extracts each entry's page (``engines.local``); an entry's own text
(``FeedEntry.summary``: its content, else its summary, as plain text with one paragraph a
line) stands in for a page that cannot be fetched or read when it is long enough. A body that
is not a feed (a web page, other XML, broken markup with no entries) becomes a ``Problem``
that says what it is instead.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import feedparser

from newsprism.model import Problem

_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<(?:br|hr)\b[^>]*>|</(?:p|div|li|h[1-6]|blockquote|pre|tr|ul|ol)\s*>", re.I)


@dataclass
class FeedEntry:
    """One feed entry: the article's URL and what the feed says about it."""

    url: str
    title: str = ""
    published: str = ""  # the feed's own string (RFC 822 or ISO 8601), parsed later
    author: str = ""
    summary: str = ""  # the entry's text without markup (content, else summary), by paragraph

    @property
    def words(self) -> int:
        """How many words the entry's own text has."""
        return len(self.summary.split())


@dataclass
class Feed:
    """A parsed feed: its title, format ("rss20", "atom10", ...) and entries in feed order."""

    title: str
    version: str
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0  # entries without a link


def _text(markup: str) -> str:
    """Plain text of an entry's HTML: one line a paragraph, entities decoded."""
    text = html.unescape(_TAG.sub(" ", _BREAK.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def parse_feed(body: bytes, url: str) -> Feed | Problem:
    """Parse a feed fetched from ``url`` (relative entry links resolve against it).

    Always parses bytes (feedparser would fetch a string that looks like a URL itself).
    """
    if not body.strip():
        return Problem(url, "not an RSS or Atom feed: the body is empty")
    try:
        parsed = feedparser.parse(body, response_headers={"content-location": url})
    except Exception as err:  # noqa: BLE001 - feedparser raises on some broken encoding names
        return Problem(url, f"not a readable RSS or Atom feed ({type(err).__name__}: {err})")
    if not parsed.version and not parsed.entries:
        if _HTML.search(body[:4096]):
            return Problem(url, "not an RSS or Atom feed: the URL serves a web page (HTML)")
        why = parsed.get("bozo_exception")
        detail = f" ({type(why).__name__}: {why})" if why else ""
        return Problem(url, f"not an RSS or Atom feed: no feed element and no entries{detail}")
    feed = Feed(title=str(parsed.feed.get("title", "")), version=str(parsed.version or "unknown"))
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        if not link:
            links = [x.get("href", "") for x in entry.get("links", []) if x.get("href")]
            link = links[0] if links else ""
        if not link:
            feed.skipped += 1
            continue
        content = entry.get("content") or []
        summary = content[0].get("value", "") if content else entry.get("summary", "")
        feed.entries.append(
            FeedEntry(
                url=link,
                title=" ".join(str(entry.get("title", "")).split()),
                published=str(entry.get("published") or entry.get("updated") or ""),
                author=str(entry.get("author", "")),
                summary=_text(str(summary or "")),
            )
        )
    return feed
