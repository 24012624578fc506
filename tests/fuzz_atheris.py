"""Coverage-guided fuzzing of the ingest parsers with atheris (libFuzzer), beside hypothesis.

Each input's first byte picks a parser; the rest is its input. Any exception is a crash.

    .venv/bin/python tests/fuzz_atheris.py -runs=100000      # or -max_total_time=600

``tests/test_fuzz_ingest.py::test_atheris_smoke`` runs it briefly when atheris is installed.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["newsprism"]):
    from newsprism.analyze.dates import resolve
    from newsprism.ingest.clean import clean_text
    from newsprism.ingest.dedup import canonical_url
    from newsprism.ingest.extract import extract_html
    from newsprism.ingest.feeds import parse_feed
    from newsprism.ingest.files import decode, looks_binary, parse_json, parse_jsonl, sniff_kind
    from newsprism.ingest.meta import read_sidecar, sidecar_path
    from newsprism.ingest.pubtime import infer_from_text, parse_time
    from newsprism.ingest.warc import iter_warc

WORK = Path(tempfile.gettempdir()) / "newsprism-atheris"  # one reused folder for file inputs
WORK.mkdir(exist_ok=True)


def _text(data: bytes) -> str:
    decoded = decode(data) if not looks_binary(data) else None
    return decoded[0] if decoded else data.decode("utf-8", errors="replace")


def _warc(data: bytes) -> None:
    path = WORK / "in.warc.gz"
    path.write_bytes(data)
    list(
        iter_warc(path, "in.warc.gz", 10_000, max_decompressed_bytes=100_000, max_line_bytes=5_000)
    )


def _sidecar(data: bytes) -> None:
    article = WORK / "a.txt"
    sidecar_path(article).write_bytes(data)
    read_sidecar(article)


def _dates(data: bytes) -> None:
    from datetime import date

    text = _text(data)
    resolve(text, date(2024, 10, 21))
    resolve(text, date(9999, 12, 31), "future")
    resolve(text, date(1, 1, 1), "past")


TARGETS: list[Callable[[bytes], object]] = [
    lambda d: sniff_kind(d),
    lambda d: parse_json(_text(d), "in.json", None, []),
    lambda d: parse_jsonl(_text(d), "in.jsonl", None, []),
    lambda d: extract_html(_text(d)),
    lambda d: parse_feed(d, "https://x.test/rss"),
    lambda d: clean_text(_text(d)),
    lambda d: (parse_time(_text(d)), infer_from_text(_text(d))),
    lambda d: canonical_url(_text(d)),
    _warc,
    _sidecar,
    _dates,
]


def one_input(data: bytes) -> None:
    """libFuzzer's entry point: run the parser the first byte picks."""
    if not data:
        return
    TARGETS[data[0] % len(TARGETS)](data[1:])


def main() -> None:
    """Run the fuzzer with libFuzzer's command line (``-runs=N``, ``-max_total_time=S``)."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
