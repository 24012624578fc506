"""Web archives (WARC, plain or gzipped) via warcio, streamed one record at a time.

Response (and resource) records holding an HTML page with HTTP status 200 become pages to
extract; other records (requests, metadata, revisits, images, scripts, redirects) are
skipped and counted. The whole file is never held in memory: each record's body is read up
to the size limit and dropped after use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsprism.model import Problem

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class WarcPage:
    """One archived HTML page."""

    source: str  # "<file>:<record number>"
    url: str  # WARC-Target-URI
    date: str  # WARC-Date (capture time, ISO 8601)
    charset: str
    body: bytes


@dataclass
class WarcSkipped:
    """A record that holds no article page (counted, not reported as a problem)."""

    source: str
    why: str


def is_warc(name: str) -> bool:
    """True when the file name says WARC (or ARC), gzipped or not."""
    return name.lower().endswith(WARC_SUFFIXES)


def iter_warc(path: Path, name: str, max_bytes: int) -> Iterator[WarcPage | WarcSkipped | Problem]:
    """The archive's HTML pages in file order, with a problem for each unreadable record."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield Problem(name, f"cannot read the file ({err.strerror or err})")
        return
    expect_warc = ".warc" in name.lower()
    with handle:
        number = 0
        try:
            for record in ArchiveIterator(handle):
                number += 1
                source = f"{name}:{number}"
                if expect_warc and not str(record.format).startswith("warc"):
                    yield Problem(source, "not a WARC archive (no WARC/1.x record header)")
                    return
                if record.rec_type not in ("response", "resource"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                date = record.rec_headers.get_header("WARC-Date") or ""
                if record.rec_type == "response":
                    if record.http_headers is None:
                        yield WarcSkipped(source, "no HTTP headers")
                        continue
                    status = record.http_headers.get_statuscode() or ""
                    if status != "200":
                        yield WarcSkipped(source, f"HTTP status {status}")
                        continue
                    content_type = record.http_headers.get_header("Content-Type") or ""
                else:
                    content_type = record.rec_headers.get_header("Content-Type") or ""
                media = content_type.split(";")[0].strip().lower()
                if media not in _PAGE_TYPES:
                    yield WarcSkipped(source, f"content type {media or 'unknown'}")
                    continue
                charset = ""
                if "charset=" in content_type.lower():
                    charset = content_type.lower().split("charset=")[1].split(";")[0]
                    charset = charset.strip().strip('"')
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:
                    yield Problem(
                        source, f"the archived page {url} is over the size limit (fetch_max_bytes)"
                    )
                    continue
                yield WarcPage(source, url, date, charset, body)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as err:
            where = f"{name}:{number + 1}"
            yield Problem(
                where, f"the archive cannot be read further ({type(err).__name__}: {err})"
            )
