"""Coverage-guided fuzzing of the ingest parsers with atheris (libFuzzer), beside hypothesis.

Every parser is a named target (``--list``). Any exception is a crash: libFuzzer stops,
prints the traceback and writes the input to ``crash-<sha1>`` in the working directory.

    .venv/bin/python tests/fuzz_atheris.py --target feed --seeds DIR -max_total_time=600
    .venv/bin/python tests/fuzz_atheris.py --seeds DIR --each 300 -seed=1    # all parsers
    .venv/bin/python tests/fuzz_atheris.py --target feed --keep-going -runs=200000

``--target NAME`` fuzzes one parser; without it the first byte of each input picks one, and
``--each N`` ends the run once every parser has run N inputs (printing the counts).
``--seeds DIR`` writes a few valid inputs (a real feed, archive, page, ...) into DIR and
fuzzes from them, so mutations start inside each format instead of having to discover it;
libFuzzer adds what it finds there. ``--keep-going`` prints each distinct crash once and
goes on (for long runs that list everything). Other arguments go to libFuzzer.
``tests/test_fuzz_ingest.py::test_atheris_every_parser`` runs it in ``make test``; figures
in docs/RELIABILITY.md.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import atheris

# Instrumented for coverage: newsprism and the format parsers it hands input to.
with atheris.instrument_imports(include=["newsprism", "feedparser", "warcio", "courlan"]):
    from newsprism.analyze.dates import resolve
    from newsprism.ingest.clean import clean_text
    from newsprism.ingest.dedup import canonical_url, fingerprint
    from newsprism.ingest.extract import extract_html
    from newsprism.ingest.feeds import parse_feed
    from newsprism.ingest.fetch import Fetcher
    from newsprism.ingest.files import (
        decode,
        looks_binary,
        parse_json,
        parse_jsonl,
        read_input,
        sniff_kind,
    )
    from newsprism.ingest.jsonl import iter_jsonl
    from newsprism.ingest.loader import build_article, cap_sentences, cut_text, raw_from_web
    from newsprism.ingest.meta import read_sidecar, sidecar_path
    from newsprism.ingest.outlets import cached_registry
    from newsprism.ingest.pubtime import infer_from_text, parse_time
    from newsprism.ingest.warc import iter_warc
    from newsprism.model import Problem
    from newsprism.settings import IngestSettings

WORK = Path(tempfile.gettempdir()) / "newsprism-atheris"  # one reused folder for file inputs
WORK.mkdir(exist_ok=True)
SETTINGS = IngestSettings(max_text_chars=20_000, max_sentence_chars=2_000)
REGISTRY = cached_registry("")


def _no_dns(*args: object, **kwargs: object) -> list[Any]:
    raise socket.gaierror("no DNS while fuzzing")


socket.getaddrinfo = _no_dns  # type: ignore[assignment]  # check_url must not reach a network
FETCHER = Fetcher(SETTINGS)


def _text(data: bytes) -> str:
    decoded = decode(data) if not looks_binary(data) else None
    return decoded[0] if decoded else data.decode("utf-8", errors="replace")


def _articles(raws: list[Any]) -> None:
    for raw in raws:
        if not isinstance(raw, Problem):
            build_article(raw, None, REGISTRY, [], SETTINGS)


# --- targets: each takes the fuzzer's bytes ------------------------------------------------


def _sniff(data: bytes) -> None:
    sniff_kind(data)
    if not looks_binary(data):
        decode(data)
        decode(data, html=True)


def _json(data: bytes) -> None:
    _articles(parse_json(_text(data), "in.json", None, []))


def _jsonl(data: bytes) -> None:
    _articles(parse_jsonl(_text(data), "in.jsonl", None, []))
    path = WORK / "in.jsonl"
    path.write_bytes(data)
    _articles(list(iter_jsonl(path, "in.jsonl", 4_096)))


def _html(data: bytes) -> None:
    extract_html(_text(data), url="https://x.test/a")


def _web(data: bytes) -> None:
    for html in (True, False):
        raw = raw_from_web(data, "https://x.test/a", "https://x.test/a", html=html)
        if not isinstance(raw, Problem):
            _articles([raw])


def _file(data: bytes) -> None:
    for suffix in (".txt", ".html", ".json"):
        path = WORK / f"in{suffix}"
        path.write_bytes(data)
        _articles(read_input(path.name, path, SETTINGS))


def _feed(data: bytes) -> None:
    parse_feed(data, "https://x.test/rss")


def _clean(data: bytes) -> None:
    text = clean_text(_text(data)).text
    cut_text(text, 300, len(text))
    cap_sentences(text, 80)
    fingerprint(text, SETTINGS)


def _times(data: bytes) -> None:
    text = _text(data)
    parse_time(text)
    infer_from_text(text)


def _url(data: bytes) -> None:
    url = _text(data)
    canonical_url(canonical_url(url))
    FETCHER.check_url(url)
    REGISTRY.match_url(url)


def _warc(data: bytes) -> None:
    path = WORK / "in.warc"
    path.write_bytes(data)
    list(iter_warc(path, "in.warc", 10_000, max_decompressed_bytes=100_000, max_line_bytes=5_000))


def _warc_gz(data: bytes) -> None:
    path = WORK / "in.warc.gz"
    path.write_bytes(gzip.compress(data, mtime=0))  # a valid gzip stream of the mutated archive
    list(
        iter_warc(path, "in.warc.gz", 10_000, max_decompressed_bytes=100_000, max_line_bytes=5_000)
    )


def _sidecar(data: bytes) -> None:
    article = WORK / "a.txt"
    article.write_text("The minister said on Monday that the talks had ended.", encoding="utf-8")
    sidecar_path(article).write_bytes(data)
    read_sidecar(article)
    _articles(read_input(article.name, article, SETTINGS))


def _dates(data: bytes) -> None:
    text = _text(data)
    resolve(text, date(2024, 10, 21))
    resolve(text, date(9999, 12, 31), "future")
    resolve(text, date(1, 1, 1), "past")
    resolve(text, None)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "sniff": _sniff,
    "json": _json,
    "jsonl": _jsonl,
    "html": _html,
    "web": _web,
    "file": _file,
    "feed": _feed,
    "clean": _clean,
    "time": _times,
    "url": _url,
    "warc": _warc,
    "warc_gz": _warc_gz,
    "sidecar": _sidecar,
    "dates": _dates,
}
ORDER = list(TARGETS.values())  # the first byte's pick when no --target is given


# --- seeds: valid inputs of each format ----------------------------------------------------

GOOD = "The foreign minister said on Monday that the talks in Geneva had ended without a deal."
PAGE = (
    '<!doctype html><html lang="en"><head><title>Talks end | Example News</title>'
    '<meta property="og:site_name" content="Example News">'
    '<meta property="article:published_time" content="2024-10-21T09:30:00+03:00">'
    '<link rel="canonical" href="https://x.test/talks">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Talks end", '
    '"datePublished": "2024-10-21"}</script></head><body><nav>Home | World</nav><article>'
    f"<h1>Talks end</h1><p>By Jane Doe</p><p>{GOOD}</p><p>A new round will be held in "
    "the spring, officials said.</p></article><footer>© 2024</footer></body></html>"
)
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>'
    "<item><title>Talks end</title><link>https://x.test/1</link><guid>1</guid>"
    "<pubDate>Mon, 21 Oct 2024 09:30:00 GMT</pubDate><author>jane@x.test</author>"
    "<description>&lt;p&gt;Talks ended.&lt;/p&gt;</description></item>"
    "<item><title>Second</title><link>/2</link></item></channel></rss>"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>World</title><entry><title>Talks end</title>"
    '<link href="https://x.test/1"/><id>urn:1</id><updated>2024-10-21T09:30:00Z</updated>'
    "</entry></feed>"
)
META = {"outlet": "Example News", "published": "2024-10-21T09:30:00+03:00",
        "url": "https://x.test/a", "title": "Talks end", "language": "en"}  # fmt: skip


def _warc_bytes() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://x.test/a", "response", payload=io.BytesIO(PAGE.encode()), http_headers=headers
        )
    )
    return out.getvalue()


def seeds(target: str) -> list[bytes]:
    """A few valid inputs of ``target``'s format."""
    record = {**META, "text": GOOD}
    by_target: dict[str, list[str | bytes]] = {
        "sniff": [PAGE, json.dumps(record), GOOD, RSS],
        "json": [json.dumps(record), json.dumps([record, {"text": GOOD + " Again."}])],
        "jsonl": [json.dumps(record) + "\n" + json.dumps({"text": "Second."}) + "\n"],
        "html": [PAGE],
        "web": [PAGE, GOOD],
        "file": [PAGE, GOOD, json.dumps(record)],
        "feed": [RSS, ATOM],
        "clean": [f"{GOOD}\nSEE ALSO: More news\nRead more\n© 2024 Example\nCredit: AP"],
        "time": ["2024-10-21T09:30:00+03:00", "Published October 21, 2024 at 9:30 am EDT"],
        "url": ["https://www.x.test/a/b?utm_source=x&b=2&a=1#top", "http://[::1]:8080/x"],
        "warc": [_warc_bytes()],
        "warc_gz": [_warc_bytes()],
        "sidecar": [json.dumps(META)],
        "dates": ["on Monday", "next week", "three days ago", "in March 2025", "21 October"],
    }
    return [s.encode("utf-8") if isinstance(s, str) else s for s in by_target[target]]


# --- entry points --------------------------------------------------------------------------


def one_input(data: bytes) -> None:
    """libFuzzer's entry point without --target: the first byte picks the parser."""
    if data:
        ORDER[data[0] % len(ORDER)](data[1:])


def counted(entry: Callable[[bytes], None], each: int) -> Callable[[bytes], None]:
    """``one_input`` that runs each parser on ``each`` inputs (later ones picking it are
    skipped), then prints the counts and ends the run (exit 0)."""
    names = list(TARGETS)
    runs = dict.fromkeys(names, 0)

    def wrapped(data: bytes) -> None:
        if not data:
            return
        name = names[data[0] % len(names)]
        if runs[name] >= each:  # done: its inputs are skipped, the time goes to the others
            return
        entry(data)
        runs[name] += 1
        if min(runs.values()) >= each:
            listed = ", ".join(f"{name} {n}" for name, n in runs.items())
            print(f"RUNS {sum(runs.values())}: {listed}", file=sys.stderr, flush=True)
            os._exit(0)

    return wrapped


def keep_going(entry: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """``entry`` that prints each distinct crash (exception type and the frame that raised
    it) once, with the input, and goes on fuzzing: for long runs that list everything."""
    seen: set[tuple[str, str, int]] = set()

    def wrapped(data: bytes) -> None:
        try:
            entry(data)
        except Exception as err:  # noqa: BLE001 - recorded, the run goes on
            frame = traceback.extract_tb(err.__traceback__)[-1]
            key = (type(err).__name__, frame.filename, frame.lineno or 0)
            if key not in seen:
                seen.add(key)
                print(f"CRASH {key[0]} at {frame.filename}:{key[2]}: {err}", file=sys.stderr)
                print(f"CRASH INPUT {data[:2000]!r}", file=sys.stderr, flush=True)

    return wrapped


def _option(argv: list[str], name: str) -> str | None:
    """Remove ``name VALUE`` from argv and return VALUE (None when absent)."""
    if name not in argv:
        return None
    at = argv.index(name)
    if at + 1 >= len(argv):
        raise SystemExit(f"{name} needs a value")
    value = argv[at + 1]
    del argv[at : at + 2]
    return value


def _write_seeds(folder: Path, target: str | None) -> None:
    """The seeds of ``target`` (of every target, each behind its picking byte, when None)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in [target] if target is not None else list(TARGETS):
        prefix = b"" if target is not None else bytes([list(TARGETS).index(name)])
        for k, seed in enumerate(seeds(name)):
            (folder / f"seed-{name}-{k}").write_bytes(prefix + seed)


def main() -> None:
    """Run the fuzzer: ``--target``, ``--seeds``, ``--each`` and ``--keep-going`` here, the
    rest to libFuzzer."""
    argv = list(sys.argv)
    if "--list" in argv:
        print("\n".join(TARGETS))
        return
    target = _option(argv, "--target")
    seed_dir = _option(argv, "--seeds")
    each = _option(argv, "--each")
    entry: Callable[[bytes], None] = one_input
    if target is not None:
        if target not in TARGETS:
            raise SystemExit(f"unknown target {target!r}; one of: {', '.join(TARGETS)}")
        entry = TARGETS[target]
    elif each is not None:
        entry = counted(entry, int(each))
    if seed_dir is not None:
        _write_seeds(Path(seed_dir), target)
        argv.append(seed_dir)
    if "--keep-going" in argv:
        argv.remove("--keep-going")
        entry = keep_going(entry)
    atheris.Setup(argv, entry)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
