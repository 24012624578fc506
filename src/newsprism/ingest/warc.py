"""Web archives (WARC, plain or gzipped) via warcio, streamed one record at a time.

Response (and resource) records holding an HTML page with HTTP status 200 become pages to
extract; other records (requests, metadata, revisits, images, scripts, redirects) are
skipped and counted. The whole file is never held in memory: each record's body is read up
to the size limit and dropped after use. A gzipped archive is decompressed here, through a
counter that stops at ``max_decompressed_bytes`` in all and at ``max_line_bytes`` without a
line break, so a gzip bomb (gigabytes of zeros in a few kilobytes) is refused in bounded
memory and time instead of being expanded by the archive reader.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsprism.ingest.files import expand
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


def _open(path: Path, total: int, line: int) -> _Capped:
    """The archive as a capped stream, decompressed here when it is gzipped."""
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    stream: BinaryIO = handle
    if magic == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
    return _Capped(stream, total, line)


def is_warc(name: str) -> bool:
    """True when the file name says WARC (or ARC), gzipped or not."""
    return name.lower().endswith(WARC_SUFFIXES)


def expand_with_archives(item: str) -> list[tuple[str, Path | None] | Problem]:
    """``files.expand`` of one source, plus the WARC archives inside it when it is a folder
    (sorted by their path in it); then a folder's problems are dropped, since its archives
    are what it holds. Both ingest engines read a source through this."""
    targets = expand([item])
    if item == "-" or not Path(item).is_dir():
        return targets
    base = Path(item)
    archives = sorted(
        (p for p in base.rglob("*") if p.is_file() and is_warc(p.name)),
        key=lambda p: p.relative_to(base).as_posix(),
    )
    if archives:
        targets = [t for t in targets if not isinstance(t, Problem)]
        targets.extend((str(p), p) for p in archives)
    return targets


def iter_warc(
    path: Path,
    name: str,
    max_bytes: int,
    *,
    max_decompressed_bytes: int = 2_000_000_000,
    max_line_bytes: int = 8_000_000,
) -> Iterator[WarcPage | WarcSkipped | Problem]:
    """The archive's HTML pages in file order, with a problem for each unreadable record.

    ``max_bytes`` caps one archived page; the keyword limits cap the whole (decompressed)
    archive and a run of bytes with no line break (see ``_Capped``).
    """
    try:
        handle = _open(path, max_decompressed_bytes, max_line_bytes)
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
