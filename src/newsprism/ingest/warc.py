"""Web archives (WARC, plain or gzipped) via warcio, streamed one record at a time.

Response (and resource) records holding an HTML page with HTTP status 200 become pages to
extract; other records (requests, metadata, revisits, images, scripts, redirects) are
skipped and counted. The whole file is never held in memory: each record's body is read up
to the size limit and dropped after use. A gzipped archive is decompressed here, through a
counter that stops at ``max_decompressed_bytes`` in all and at ``max_line_bytes`` without a
line break, so a gzip bomb (gigabytes of zeros in a few kilobytes) is refused in bounded
memory and time instead of being expanded by the archive reader.

Record headers (and the archived HTTP headers) are read by ``_BoundedHeaders`` instead of
warcio's own parser, which joins continuation lines in time quadratic in their number and
keeps every header line: a record whose header goes over ``warc_max_header_bytes`` or
``warc_max_header_lines`` is read to its end in linear time and bounded memory, keeping only
the first occurrence of each header that frames the record, and skipped with a problem
naming it. The reader also looks at the run's stop event every few thousand lines, so SIGINT
or SIGTERM ends a run inside a long header.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import (
    StatusAndHeaders,
    StatusAndHeadersParser,
    StatusAndHeadersParserException,
)

from newsprism.ingest.confine import LINK_OUT, OutsideFolder, open_inside
from newsprism.ingest.files import expand, walk
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


class ArchiveTooLarge(OSError):
    """The archive went over a decompression limit; its message says which."""


class _Capped:
    """A read-only stream that counts what it passes on and raises ``ArchiveTooLarge`` past
    ``total`` bytes, or past ``line`` bytes with no line break."""

    def __init__(self, stream: BinaryIO, total: int, line: int) -> None:
        self.stream = stream
        self.total = total
        self.line = line
        self.seen = 0
        self.run = 0  # bytes since the last b"\n"

    def read(self, size: int = -1) -> bytes:
        want = self.total + 1 - self.seen if size is None or size < 0 else size
        data = self.stream.read(min(want, self.total + 1 - self.seen) or 1)
        self.seen += len(data)
        if self.seen > self.total:
            raise ArchiveTooLarge(
                f"over {self.total:,} bytes once decompressed (ingest max_decompressed_bytes); "
                "the rest is not read"
            )
        newline = data.rfind(b"\n")
        self.run = len(data) - newline - 1 if newline >= 0 else self.run + len(data)
        if self.run > self.line:
            raise ArchiveTooLarge(
                f"{self.run:,} bytes with no line break (ingest max_line_bytes): not a WARC "
                "archive, or a broken or hostile one; the rest is not read"
            )
        return data

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - warcio uses read()
        return self.read(size if size and size > 0 else self.line)

    def tell(self) -> int:
        return self.seen

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> _Capped:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ReadingStopped(Exception):
    """The run's stop event was set while a record header was read (a signal)."""


# What a record whose header is over a limit still keeps: what frames it in the archive.
_FRAMING = frozenset({"warc-type", "warc-target-uri", "warc-date", "content-length"})
_STOP_EVERY = 2048  # header lines between two looks at the stop event


def _first_framing(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first occurrence of each framing header, in order: what a header over its limit
    keeps (at most one entry per name in ``_FRAMING``, so its memory no longer grows)."""
    first: dict[str, tuple[str, str]] = {}
    for header in headers:
        key = header[0].lower()
        if key in _FRAMING:
            first.setdefault(key, header)
    return list(first.values())


def _wanted(name: str, kept: list[tuple[str, str]]) -> bool:
    """Whether a header line named ``name``, read past the limit, is kept: a framing header
    not kept yet. A repeat is dropped, since warcio frames the record by the first one, and
    keeping every repeat let a header of many ``Content-Length`` lines grow without bound."""
    key = name.strip().lower()
    return key in _FRAMING and all(header[0].lower() != key for header in kept)


class _BoundedHeaders(StatusAndHeadersParser):
    """warcio's header parser with limits: the same result for a header within them; past
    either limit the rest of the header is read line by line and dropped (linear time, one
    line in memory), keeping only the first occurrence of each framing header, and ``over``
    says why."""

    def __init__(
        self,
        parser: StatusAndHeadersParser,
        max_bytes: int,
        max_lines: int,
        stop: threading.Event | None,
    ) -> None:
        super().__init__(parser.statuslist, parser.verify)
        self.max_bytes = max_bytes
        self.max_lines = max_lines
        self.stop = stop
        self.over = ""  # why the last header read was cut ("" when it was not)

    def parse(self, stream: Any, full_statusline: Any = None) -> StatusAndHeaders:
        if full_statusline is None:
            full_statusline = stream.readline()
        full_statusline = self.decode_header(full_statusline)
        statusline = full_statusline.rstrip()
        total = len(full_statusline)
        if total == 0:
            raise EOFError()
        if not statusline:
            return StatusAndHeaders(statusline=statusline, headers=[], protocol="", total_len=total)
        if self.verify:
            protocol_status = self.split_prefix(statusline, self.statuslist)
            if not protocol_status:
                raise StatusAndHeadersParserException(
                    f"Expected Status Line starting with {self.statuslist} - Found: {statusline}",
                    full_statusline,
                )
        else:
            protocol_status = statusline.split(" ", 1)
        headers: list[tuple[str, str]] = []
        name, parts = "", list[str]()  # the header being read and its value's lines
        lines = 0
        while True:
            raw = self.decode_header(stream.readline())
            total += len(raw)
            lines += 1
            line = raw.rstrip()
            if lines % _STOP_EVERY == 0 and self.stop is not None and self.stop.is_set():
                raise ReadingStopped
            if line.startswith((" ", "\t")):
                if parts and not self.over:
                    parts.append(line)
            else:
                if parts:
                    headers.append((name, "".join(parts)))
                name, parts = "", []
                if not line:
                    break
                found = line.split(":", 1)
                if len(found) == 2 and (not self.over or _wanted(found[0], headers)):
                    name, parts = found[0].rstrip(" \t"), [found[1].lstrip()]
            if not self.over and (total > self.max_bytes or lines > self.max_lines):
                self.over = (
                    f"over {self.max_bytes:,} bytes (ingest warc_max_header_bytes)"
                    if total > self.max_bytes
                    else f"over {self.max_lines:,} lines (ingest warc_max_header_lines)"
                )
                headers = _first_framing(headers)
                if not _wanted(name, headers):
                    name, parts = "", []
        statusline = protocol_status[1].strip() if len(protocol_status) > 1 else ""
        return StatusAndHeaders(
            statusline=statusline, headers=headers, protocol=protocol_status[0], total_len=total
        )


def _bounded(
    records: ArchiveIterator, max_bytes: int, max_lines: int, stop: threading.Event | None
) -> list[_BoundedHeaders]:
    """Put bounded parsers in place of the archive iterator's header parsers (WARC record
    headers, archived HTTP response and request headers); return them."""
    loader = records.loader
    parsers = []
    for attribute in ("warc_parser", "http_parser", "http_req_parser"):
        bounded = _BoundedHeaders(getattr(loader, attribute), max_bytes, max_lines, stop)
        setattr(loader, attribute, bounded)
        parsers.append(bounded)
    return parsers


def _open(path: Path, total: int, line: int, inside: Path | None) -> _Capped:
    """The archive as a capped stream, decompressed here when it is gzipped; opened only
    inside ``inside`` (``files.open_inside``)."""
    handle = open_inside(path, inside)
    magic = handle.read(2)
    handle.seek(0)
    stream: BinaryIO = handle
    if magic == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
    return _Capped(stream, total, line)


def is_warc(name: str) -> bool:
    """True when the file name says WARC (or ARC), gzipped or not."""
    return name.lower().endswith(WARC_SUFFIXES)


def expand_with_archives(
    item: str, follow_symlinks: bool = False
) -> list[tuple[str, Path | None] | Problem]:
    """``files.expand`` of one source, plus the WARC archives inside it when it is a folder
    (sorted by their path in it); then a folder's "holds no articles" problem is dropped,
    since its archives are what it holds. Links out of the folder are problems unless
    ``follow_symlinks`` (``files.walk``; links to folders are reported once, by the first
    walk). Both ingest engines read a source through this, and open what it lists with
    ``inside=files.confinement(item, follow_symlinks)``."""
    targets = expand([item], follow_symlinks)
    if item == "-" or not Path(item).is_dir():
        return targets
    archives = walk(Path(item), lambda p: is_warc(p.name), follow_symlinks, report_folders=False)
    if archives:
        targets = [t for t in targets if not (isinstance(t, Problem) and t.input == item)]
        targets.extend(p if isinstance(p, Problem) else (str(p), p) for p in archives)
    return targets


def iter_warc(
    path: Path,
    name: str,
    max_bytes: int,
    *,
    max_decompressed_bytes: int = 2_000_000_000,
    max_line_bytes: int = 8_000_000,
    max_header_bytes: int = 1_000_000,
    max_header_lines: int = 10_000,
    stop: threading.Event | None = None,
    inside: Path | None = None,
) -> Iterator[WarcPage | WarcSkipped | Problem]:
    """The archive's HTML pages in file order, with a problem for each unreadable record.

    ``max_bytes`` caps one archived page; the keyword limits cap the whole (decompressed)
    archive, a run of bytes with no line break (see ``_Capped``) and one record's header
    (see ``_BoundedHeaders``). Raises ``ReadingStopped`` when ``stop`` is set while a header
    is read. ``inside``: the real path of the folder the archive was walked from, which the
    file opened must lie in (``files.open_inside``).
    """
    try:
        handle = _open(path, max_decompressed_bytes, max_line_bytes, inside)
    except OutsideFolder:
        yield Problem(name, LINK_OUT)
        return
    except OSError as err:
        yield Problem(name, f"cannot read the file ({err.strerror or err})")
        return
    expect_warc = ".warc" in name.lower()
    with handle:
        number = 0
        try:
            records = ArchiveIterator(handle)
            parsers = _bounded(records, max_header_bytes, max_header_lines, stop)
            for record in records:
                number += 1
                source = f"{name}:{number}"
                over = next((p.over for p in parsers if p.over), "")
                for parser in parsers:
                    parser.over = ""
                if over:
                    yield Problem(source, f"the record's header is {over}; the record is skipped")
                    continue
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
                        source,
                        f"the archived page {url} is over the {max_bytes:,} bytes limit "
                        "(ingest warc_max_record_bytes); skipped",
                    )
                    continue
                yield WarcPage(source, url, date, charset, body)
        except ArchiveTooLarge as err:
            yield Problem(f"{name}:{number + 1}", f"the archive is {err}")
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as err:
            where = f"{name}:{number + 1}"
            yield Problem(
                where, f"the archive cannot be read further ({type(err).__name__}: {err})"
            )
        except (AttributeError, OverflowError, TypeError) as err:  # warcio on a broken header
            yield Problem(
                f"{name}:{number + 1}",
                "the archive cannot be read further (a malformed record header: "
                f"{type(err).__name__}: {err})",
            )
