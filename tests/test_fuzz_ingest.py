"""Property-based tests (hypothesis) of every ingest parser: no input may raise.

Each parser gets arbitrary bytes or text and structured-but-hostile inputs (random JSON
values, random HTML trees, random feeds, random archives). The properties: it returns
(never raises), every problem names the input it came from, and what it returns keeps the
invariants later stages rely on (clean text without control characters or lone surrogates,
aware datetimes, an id that is the hash of the text). Derandomized, so CI is deterministic.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import string
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.ingest.clean import clean_label, clean_text
from newsprism.ingest.dedup import canonical_url, fingerprint
from newsprism.ingest.extract import extract_html
from newsprism.ingest.feeds import Feed, parse_feed
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.files import (
    RawDoc,
    decode,
    looks_binary,
    parse_json,
    parse_jsonl,
    read_input,
    sniff_kind,
)
from newsprism.ingest.ids import article_id
from newsprism.ingest.jsonl import iter_jsonl
from newsprism.ingest.loader import build_article, cap_sentences, cut_text
from newsprism.ingest.meta import meta_from_mapping, read_sidecar, sidecar_path
from newsprism.ingest.outlets import cached_registry
from newsprism.ingest.pubtime import infer_from_text, parse_time
from newsprism.ingest.warc import WarcPage, WarcSkipped, iter_warc
from newsprism.model import Problem
from newsprism.settings import IngestSettings

# NEWSPRISM_FUZZ_SCALE=20 runs 20 times the examples with fresh random draws (a long run);
# the default is a fixed, derandomized set that keeps CI deterministic and fast.
SCALE = int(os.environ.get("NEWSPRISM_FUZZ_SCALE", "1"))
FUZZ = settings(
    max_examples=120 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEW = settings(FUZZ, max_examples=40)
SETTINGS = IngestSettings()

# Text that stresses cleaning and decoding: every plane, controls, surrogates, RTL marks.
nasty_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),
    max_size=400,
)
prose_words = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "on",
        "Monday",
        "that",
        "talks",
        "in",
        "Geneva",
        "failed",
        "300",
        "people",
        "€4bn",
        "SEE",
        "ALSO:",
        "Read",
        "more",
        "Credit:",
        "©",
        "2024",
        "By",
        "John",
        "Smith",
        "Published",
        "October",
        "21,",
        "2024",
        "שלום",
        "مرحبا",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\x00",
        "\r\n",
        "\n\n",
        ".",
        "!",
        "?",
        '"',
        "“",
        "”",
        "«",
        "»",
        "’",
    ]
)
prose = st.lists(prose_words, max_size=80).map(" ".join)
any_text = st.one_of(nasty_text, prose)


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        any_text,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(["text", "title", "outlet", "published", "url", "language", "x"]),
                inner,
                max_size=6,
            ),
        ),
        max_leaves=12,
    )


json_values = _json_values()


def _check_problems(items: list[RawDoc | Problem], name: str) -> None:
    for item in items:
        if isinstance(item, Problem):
            assert item.input.startswith(name), item
            assert item.message and "Traceback" not in item.message
        else:
            assert isinstance(item.text, str)
            assert item.source.startswith(name)


# --- bytes in: files, decoding, sniffing ------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=600),
    suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl", ".dat"]),
)
def test_read_input_never_raises(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data)
    items = read_input(str(path), path, SETTINGS)
    assert items, "every input gives an article or a problem"
    _check_problems(items, str(path))
    assert isinstance(looks_binary(data), bool)
    assert sniff_kind(data) in ("html", "json", "jsonl", "text")
    decoded = decode(data, html=suffix == ".html")
    assert decoded is None or isinstance(decoded[0], str)


@FUZZ
@given(text=any_text, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "koi8-r"]))
def test_encoded_text_reads_or_is_refused(tmp_path: Path, text: str, encoding: str) -> None:
    data = (
        text.encode(encoding, errors="ignore")
        if encoding != "utf-8"
        else text.encode("utf-8", errors="surrogatepass")
    )
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    _check_problems(read_input(str(path), path, SETTINGS), str(path))


# --- cleaning and article building ------------------------------------------------------------


@FUZZ
@given(raw=any_text)
def test_clean_text_invariants(raw: str) -> None:
    cleaned = clean_text(raw)
    text = cleaned.text
    assert "\r" not in text and "\t" not in text
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    assert all(line == line.strip() and line for line in text.split("\n")) or text == ""
    text.encode("utf-8")  # storable


@FUZZ
@given(raw=any_text, kind=st.sampled_from(["text", "html", "json"]), title=any_text)
def test_build_article_invariants(raw: str, kind: str, title: str) -> None:
    problems: list[Problem] = []
    registry = cached_registry("")
    small = IngestSettings(max_text_chars=300, max_sentence_chars=120)
    doc = RawDoc(raw, "in.txt", kind, title_line=title)
    article = build_article(doc, None, registry, problems, small)
    if article is None:
        assert [p.input for p in problems] == ["in.txt"]
        return
    assert article.id == article_id(article.text)
    assert 0 < len(article.text) <= 300
    assert article.published is None or article.published.tzinfo is not None


@FUZZ
@given(text=any_text, limit=st.integers(min_value=1, max_value=200))
def test_cut_and_cap_never_grow(text: str, limit: int) -> None:
    cut, note = cut_text(text, limit)
    assert len(cut) <= limit and text.startswith(cut)
    assert (note == "") == (len(text) <= limit)
    capped, note = cap_sentences(text, limit)
    assert len(capped) <= len(text)
    if not note:
        assert capped == text


# --- HTML --------------------------------------------------------------------------------------

tags = st.sampled_from(["div", "p", "span", "script", "style", "article", "table", "td", "a", "b"])


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    depth = draw(st.integers(min_value=0, max_value=60))
    opened = [draw(tags) for _ in range(depth)]
    attrs = draw(
        st.sampled_from(["", ' class="x"', ' lang="ar"', " onclick='alert(1)'", ' a="<>"'])
    )
    body = "".join(f"<{t}{attrs}>{draw(any_text)}" for t in opened)
    closing = "".join(f"</{t}>" for t in reversed(opened)) if draw(st.booleans()) else ""
    meta = draw(
        st.sampled_from(
            [
                "",
                '<meta property="article:published_time" content="9999-12-31T23:59:59Z">',
                '<meta name="date" content="0000-00-00">',
                '<script type="application/ld+json">{"datePublished": [[[[[]]]]]}</script>',
                '<script type="application/ld+json">' + "[" * 3000 + "</script>",
            ]
        )
    )
    head = f"<head>{meta}<title>{draw(any_text)}</title></head>"
    return f"<html>{head}<body>{body}{closing}</body></html>"


@FEW
@given(page=st.one_of(html_pages(), any_text))
def test_extract_html_never_raises(page: str) -> None:
    result = extract_html(page)
    assert isinstance(result.text, str) and isinstance(result.title, str)


# --- JSON, JSONL, sidecars -----------------------------------------------------------------------


@FUZZ
@given(value=json_values)
def test_parse_json_any_value(value: Any) -> None:
    text = json.dumps(value)
    items = parse_json(text, "in.json", None, [])
    assert items
    _check_problems(items, "in.json")


@FUZZ
@given(text=any_text)
def test_parse_json_and_jsonl_any_text(text: str) -> None:
    _check_problems(parse_json(text, "in.json", None, []), "in.json")
    _check_problems(parse_jsonl(text, "in.jsonl", None, []), "in.jsonl")


@FUZZ
@given(
    lines=st.lists(
        st.one_of(json_values.map(json.dumps), st.binary(max_size=40).map(repr)), max_size=8
    )
)
def test_iter_jsonl_any_lines(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    items = list(iter_jsonl(path, "dump.jsonl", 200))
    assert items
    for item in items:
        assert (item.input if isinstance(item, Problem) else item.source).startswith("dump.jsonl")


@FUZZ
@given(data=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)))
def test_sidecar_any_content(tmp_path: Path, data: bytes) -> None:
    article = tmp_path / "a.txt"
    sidecar_path(article).write_bytes(data)
    meta, problems = read_sidecar(article)
    assert all(p.input == str(sidecar_path(article)) for p in problems)
    assert meta is not None or problems


@FUZZ
@given(
    mapping=st.dictionaries(
        st.sampled_from(["outlet", "published", "url", "title", "language"]), json_values
    )
)
def test_meta_from_mapping_types(mapping: dict[str, Any]) -> None:
    meta, complaints = meta_from_mapping(mapping)
    for name in ("outlet", "url", "title", "language"):
        value = getattr(meta, name)
        assert value is None or (isinstance(value, str) and value)
    assert all(isinstance(c, str) for c in complaints)


# --- publication times -------------------------------------------------------------------------

date_strings = st.one_of(
    any_text,
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(
        ["9999-12-31", "0000-00-00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
         "in the year 3000", "year 1", "Tue, 31 Dec 9999 23:59:59 -1200", "31.12.9999", "1e308"]
    ),
)  # fmt: skip


@FUZZ
@given(value=st.one_of(date_strings, st.integers(), st.floats(), st.datetimes()))
def test_parse_time_never_raises(value: object) -> None:
    parsed = parse_time(value)
    assert parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is not None)


@FUZZ
@given(text=st.lists(st.one_of(date_strings, prose), max_size=12).map("\n".join))
def test_infer_from_text_never_raises(text: str) -> None:
    found = infer_from_text(text)
    assert found is None or found.value.tzinfo is not None


# --- feeds -------------------------------------------------------------------------------------


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;")

    n = draw(st.integers(min_value=0, max_value=20))
    items = "".join(
        f"<item><title>{esc(draw(any_text))}</title>"
        f"<link>{esc(draw(st.sampled_from(['https://x.test/a', '/rel', '', 'javascript:alert(1)', 'http://[::1]/'])))}</link>"
        f"<pubDate>{esc(draw(date_strings))}</pubDate></item>"
        for _ in range(n)
    )
    title = esc(draw(any_text))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}'
    if draw(st.booleans()):
        body += "</channel></rss>"
    return body.encode("utf-8", errors="surrogatepass")


@FEW
@given(body=st.one_of(feeds(), st.binary(max_size=300)))
def test_parse_feed_never_raises(body: bytes) -> None:
    parsed = parse_feed(body, "https://feed.test/rss")
    if isinstance(parsed, Problem):
        assert parsed.input == "https://feed.test/rss"
    else:
        assert isinstance(parsed, Feed)
        assert all(isinstance(e.url, str) and e.url for e in parsed.entries)


# --- WARC --------------------------------------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=400), gz=st.booleans(), prefix=st.sampled_from([b"", b"WARC/1.0\r\n"])
)
def test_iter_warc_never_raises(tmp_path: Path, data: bytes, gz: bool, prefix: bytes) -> None:
    payload = prefix + data
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    path.write_bytes(gzip.compress(payload) if gz else payload)
    for item in iter_warc(path, "a.warc", 1000, max_decompressed_bytes=10_000, max_line_bytes=500):
        assert isinstance(item, WarcPage | WarcSkipped | Problem)
        assert (
            item.source.startswith("a.warc")
            if not isinstance(item, Problem)
            else (item.input.startswith("a.warc"))
        )


@FEW
@given(body=st.binary(max_size=300), status=st.sampled_from(["200 OK", "404 Not Found", "x"]))
def test_iter_warc_random_records(tmp_path: Path, body: bytes, status: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders(
        status, [("Content-Type", "text/html; charset=bogus")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        "https://x.test/a", "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)
    path = tmp_path / "r.warc.gz"
    path.write_bytes(out.getvalue())
    items = list(iter_warc(path, "r.warc.gz", 200))
    assert len(items) <= 1


# --- URLs and outlets --------------------------------------------------------------------------

urls = st.one_of(
    any_text,
    st.builds(
        lambda scheme, host, path, query, frag: f"{scheme}{host}{path}{query}{frag}",
        st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "javascript:", "", "//"]),
        st.sampled_from(["x.test", "127.0.0.1", "[::1]", "[::ffff:10.0.0.1]", "0x7f.1",
                         "xn--bcher-kva.ch", "bücher.de", "a" * 300, "", "host:99999",
                         "host:abc", "user:pw@h.test", "[zz"]),
        st.text(alphabet=string.printable, max_size=30).map(lambda p: "/" + p),
        st.sampled_from(["", "?utm_source=x&b=2&a=1", "?%zz", "?a=1&&=&"]),
        st.sampled_from(["", "#frag", "#"]),
    ),
)  # fmt: skip


@FUZZ
@given(url=urls)
def test_canonical_url_is_stable(url: str) -> None:
    once = canonical_url(url)
    assert isinstance(once, str) and "#" not in once.split("?")[-1] or "#" not in once
    assert canonical_url(once) == once or canonical_url(canonical_url(once)) == canonical_url(once)


@FUZZ
@given(url=urls)
def test_check_url_never_raises(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> list[Any]:
        raise socket.gaierror("no DNS in tests")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with Fetcher(SETTINGS) as fetcher:
        why = fetcher.check_url(url)
    assert why is None or isinstance(why, str)
    if why is None:  # only public IP literals pass without DNS
        assert url.lower().startswith(("http://", "https://"))


@FUZZ
@given(text=st.one_of(any_text, urls))
def test_outlet_matching_never_raises(text: str) -> None:
    registry = cached_registry("")
    found = registry.match(text)
    assert found is None or found.id
    found_url = registry.match_url(text)
    assert found_url is None or found_url.id


@FEW
@given(text=any_text)
def test_fingerprint_never_raises(text: str) -> None:
    found = fingerprint(text * 20, SETTINGS)
    assert found is None or len(found.signature) == 4 * SETTINGS.near_copy_perm


# --- sidecars and URLs through the whole loader ------------------------------------------------

GOOD = "The foreign minister said on Monday that the talks in Geneva had ended without a deal."


@FEW
@given(
    mapping=st.dictionaries(
        st.sampled_from(["outlet", "published", "url", "title", "language", "extra"]),
        st.one_of(json_values, date_strings, urls),
        max_size=6,
    )
)
def test_sidecar_metadata_through_the_loader(tmp_path: Path, mapping: dict[str, Any]) -> None:
    """Whatever a sidecar holds, the article loads with its text; each bad field is one
    problem naming the sidecar; good fields are used as given."""
    from newsprism.ingest import load

    article = tmp_path / "a.txt"
    article.write_text(GOOD, encoding="utf-8")
    side = sidecar_path(article)
    side.write_text(json.dumps(mapping), encoding="utf-8")
    result = load([str(article)])
    (loaded,) = result.articles
    assert loaded.text == GOOD
    assert all(p.input == str(side) for p in result.problems), result.problems
    meta, complaints = meta_from_mapping(mapping)
    # A title is stored as a label: C1 controls, bidi controls and runs of spaces go too.
    assert loaded.title == clean_label(meta.title or "") and loaded.url == (meta.url or "")
    if meta.language:
        assert loaded.language == meta.language.lower()
    parsed = parse_time(meta.published, loaded.language) if meta.published else None
    if parsed is not None and 1800 <= parsed.year <= 2200:
        assert (loaded.published, loaded.published_source) == (parsed, "sidecar")
        assert len(result.problems) == len(complaints)
    else:
        assert (loaded.published, loaded.published_source) == (None, "unknown")
        assert len(result.problems) == len(complaints) + (meta.published is not None)


@FEW
@given(found=st.lists(urls, min_size=1, max_size=6))
def test_any_url_through_ingest(tmp_path: Path, found: list[str]) -> None:
    """Articles with any URLs: each new URL stored once (normalized), a repeated one makes
    its article a duplicate, nothing fails or raises."""
    from newsprism.engines.local import ingest_sources
    from newsprism.ingest.meta import clean_value
    from newsprism.store.sqlite import Store

    dump = tmp_path / "urls.jsonl"
    rows = [{"text": f"{GOOD} Report {k}.", "url": url} for k, url in enumerate(found)]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    keys: list[str] = []
    new = 0
    for url in found:
        key = canonical_url(clean_value("url", url))
        if not key or key not in keys:
            new += 1
            keys.extend([key] if key else [])
    with Store(tmp_path / f"s{len(list(tmp_path.glob('s*.db')))}.db") as store:
        summary = ingest_sources([str(dump)], store)
        stored = [r[0] for r in store.conn.execute("SELECT url FROM article_urls ORDER BY url")]
    assert (summary.new, summary.duplicates, summary.failed) == (new, len(found) - new, 0)
    assert stored == sorted(keys)


# --- atheris (coverage-guided) -----------------------------------------------------------------

ATHERIS_TARGETS = ["sniff", "json", "jsonl", "html", "web", "file", "feed", "clean", "time", "url",
                   "warc", "warc_gz", "sidecar", "dates"]  # fmt: skip
ATHERIS_EACH = 300


def test_atheris_every_parser(tmp_path: Path) -> None:
    """A coverage-guided run of tests/fuzz_atheris.py (its own process: libFuzzer ends it)
    from valid seeds of every format until each parser has run ATHERIS_EACH inputs: no
    crash. Longer runs and what they found: docs/RELIABILITY.md."""
    import subprocess
    import sys

    pytest.importorskip("atheris")
    harness = Path(__file__).with_name("fuzz_atheris.py")
    command = [sys.executable, str(harness), "--seeds", "seeds", "--each", str(ATHERIS_EACH)]
    done = subprocess.run(
        [*command, "-seed=1", "-max_len=8192", "-timeout=60", "-runs=5000000"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = ", ".join(f"{name} {ATHERIS_EACH}" for name in ATHERIS_TARGETS)
    runs = [line for line in done.stderr.splitlines() if line.startswith("RUNS ")]
    assert runs == [f"RUNS {ATHERIS_EACH * len(ATHERIS_TARGETS)}: {counts}"], done.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.glob("crash-*")) == []
