"""A streaming JSONL reader for dumps of any size: one line in memory at a time.

``files.parse_jsonl`` reads a whole file (within ``max_bytes``); this reader yields one raw
document or one problem per line, so a dump of millions of lines is read in constant
memory. A bad line (not JSON, not an object, no "text", not UTF-8, too long) is a problem
naming ``<file>:<line>``; the other lines go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsprism.ingest.confine import LINK_OUT, OutsideFolder, open_inside
from newsprism.ingest.files import RawDoc
from newsprism.ingest.meta import JSON_ERRORS, json_error, meta_from_mapping
from newsprism.model import Problem
from newsprism.settings import DEFAULT, IngestSettings

_CHUNK = 1 << 20


def iter_jsonl(
    path: Path,
    name: str,
    max_line_bytes: int,
    inside: Path | None = None,
    sidecar_inside: Path | None = None,
    settings: IngestSettings = DEFAULT.ingest,
) -> Iterator[RawDoc | Problem]:
    """Raw documents (kind "json") and problems, in line order. The file opened must lie in
    ``inside`` and each line's sidecar in ``sidecar_inside`` (as ``files.read_input``);
    ``settings`` bounds the metadata fields (``meta_from_mapping``)."""
    try:
        handle = open_inside(path, inside)
    except OutsideFolder:
        yield Problem(name, LINK_OUT)
        return
    except OSError as err:
        yield Problem(name, f"cannot read the file ({err.strerror or err})")
        return
    with handle:
        number = 0
        any_line = False
        while True:
            line = handle.readline(max_line_bytes + 1)
            if not line:
                break
            number += 1
            source = f"{name}:{number}"
            if len(line) > max_line_bytes and not line.endswith(b"\n"):
                while (rest := handle.readline(_CHUNK)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the over-long line
                yield Problem(
                    source,
                    f"the line is over the {max_line_bytes:,} bytes limit "
                    "(ingest max_jsonl_line_bytes); skipped",
                )
                continue
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            any_line = True
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                yield Problem(source, "the line is not UTF-8 text")
                continue
            try:
                obj = json.loads(text)
            except JSON_ERRORS as err:
                yield Problem(source, json_error(err, lines=False))
                continue
            if not isinstance(obj, dict):
                kind = type(obj).__name__
                yield Problem(source, f'expected a JSON object with a "text" field, found {kind}')
                continue
            body = obj.get("text")
            if not isinstance(body, str):
                yield Problem(source, 'the JSON object has no "text" string')
                continue
            meta, complaints = meta_from_mapping(obj, settings)
            notes = [f"ignored: {c}" for c in complaints]
            yield RawDoc(
                body, source, "json", meta, "metadata", path, notes, sidecar_inside=sidecar_inside
            )
        if not any_line:
            yield Problem(name, "empty: no JSON lines")
