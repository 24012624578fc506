"""Readers for local inputs: .txt, .html/.htm, .json, .jsonl, directories and "-" (stdin).

Each reader turns one input into raw documents (text before cleaning, plus the metadata
the input itself carries) and problems. Nothing here raises on a bad input: a file that is
missing, too large, binary, empty, not decodable or malformed becomes a ``Problem`` naming
it, and the other inputs go on.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.ingest.confine import (
    LINK_FOLDER,
    LINK_LOOP,
    LINK_OUT,
    OutsideFolder,
    open_inside,
    sidecar_confinement,
)
from newsprism.ingest.meta import (
    JSON_ERRORS,
    ArticleMeta,
    is_sidecar,
    json_error,
    meta_from_mapping,
)
from newsprism.model import Problem, TimeSource
from newsprism.settings import DEFAULT, IngestSettings

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
STDIN = "stdin"

_HTML_SNIFF = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|article|p|div|meta)\b", re.IGNORECASE
)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"BZh")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class RawDoc:
    """One article as read from its input, before cleaning."""

    text: str
    source: str  # path, "stdin", "<file>:<line>" or "<file>[<index>]"
    kind: str  # "text", "html" or "json"
    meta: ArticleMeta = field(default_factory=ArticleMeta)  # what the input itself says
    meta_source: TimeSource = "metadata"  # how a published time in ``meta`` was found
    sidecar_of: Path | None = None  # the file whose <file>.meta.json applies
    notes: list[str] = field(default_factory=list)
    title_line: str = ""  # a headline the text starts with (HTML), dropped when it is the title
    # The real path of the folder the sidecar must lie in when it is opened (``open_inside``);
    # None when any place will do (``--follow-symlinks``, or no sidecar).
    sidecar_inside: Path | None = None


def _size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes (outside UTF-16/32), known binary formats,
    or many control characters."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        return True
    head = data[:8192]
    control = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return control > 0.1 * len(head)


def decode(data: bytes, html: bool = False) -> tuple[str, str] | None:
    """Decode bytes: UTF-8 (or a BOM's encoding), then the charset an HTML page declares,
    then a confident ``charset_normalizer`` guess. Returns (text, note) or None.

    The note says how a non-UTF-8 input was decoded ("" for UTF-8).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(
                    encoding
                ), "" if encoding == "utf-8-sig" else f"decoded as {encoding}"
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    if html:
        declared = _DECLARED_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii", "replace")
            try:
                return data.decode(
                    name
                ), f"decoded as {name}, the charset the page declares (not UTF-8)"
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with requests
        return None
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.1 or best.encoding.startswith(("utf_16", "utf_32")):
        return None
    encoding, text = best.encoding, str(best)
    try:  # the most common non-UTF-8 encoding of Western text, when it reads at least as well
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = ""
    latin_guess = all(
        unicodedata.name(ch, "").startswith("LATIN") for ch in _non_ascii_letters(text)
    )
    if (
        latin_guess
        and western
        and _non_ascii_letter_share(western) >= _non_ascii_letter_share(text)
    ):
        encoding, text = "cp1252", western
    letters = len(_LETTER.findall(text))
    if letters < max(1, len(text) // 4):
        return None
    return text, f"decoded as {encoding} (not UTF-8; guessed by charset_normalizer)"


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _cp1252_bytes(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("newsprism-cp1252", _cp1252_bytes)


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """Text that is mostly UTF-8 with some bytes of a legacy encoding (a UTF-8 file with a
    pasted Windows-1252 paragraph): the UTF-8 parts as UTF-8, the other bytes as cp1252.
    None when no valid multi-byte UTF-8 sequence is there (then it is one legacy encoding)."""
    valid = 0
    for match in _UTF8_MULTIBYTE.finditer(data):
        try:
            match.group(0).decode("utf-8")
        except UnicodeDecodeError:
            continue
        valid += 1
    if not valid:
        return None
    bad = len(data) - len(data.decode("utf-8", errors="ignore").encode("utf-8"))
    text = data.decode("utf-8", errors="newsprism-cp1252")
    return text, f"mixed encodings: {bad} byte(s) that are not UTF-8 decoded as cp1252"


def _non_ascii_letters(text: str) -> set[str]:
    return {ch for ch in text if ord(ch) > 127 and ch.isalpha()}


def _non_ascii_letter_share(text: str) -> float:
    """Share of the non-ASCII characters that are letters: high for a right guess ("ü"),
    low for a wrong one ("³")."""
    other = [ch for ch in text if ord(ch) > 127]
    return sum(ch.isalpha() for ch in other) / len(other) if other else 1.0


def sniff_kind(data: bytes) -> str:
    """ "html", "json", "jsonl" or "text", from the content of an input with no telling suffix."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _HTML_SNIFF.search(head):
        return "html"
    if head.startswith((b"{", b"[")):
        lines = [line.strip() for line in data.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.startswith(b"{") for line in lines):
            try:
                json.loads(data)
            except JSON_ERRORS:
                return "jsonl"
        return "json"
    return "text"


def kind_of(path: Path) -> str | None:
    """The reader a path's suffix asks for, or None when the content must decide."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def walk(
    folder: Path,
    wanted: Callable[[Path], bool],
    follow_symlinks: bool = False,
    report_folders: bool = True,
) -> list[Path | Problem]:
    """The visible files under ``folder`` that ``wanted`` accepts, sorted by their path in
    it; a problem in place of each that is a symbolic link resolving outside the folder
    (``ingest dir/`` must not store ``dir/passwd.txt -> /etc/passwd``) unless
    ``follow_symlinks``. This check at listing time names the link; ``open_inside`` checks
    the file again when it is opened, since a link can be put in place in between.

    A symbolic link to a folder is a problem (``LINK_FOLDER``), or with ``follow_symlinks``
    is walked into, once per real folder: a link to a folder already walked (a loop, or a
    second way in) is a problem (``LINK_LOOP``). ``report_folders`` False leaves those two
    problems out (a second walk of the same folder, for other files)."""
    root = folder.resolve()
    walked = {root}
    found: list[tuple[str, Path | Problem]] = []

    def visit(directory: Path, relative: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:  # an unreadable subfolder is passed over, as Path.rglob does
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory / entry.name
            key = f"{relative}{entry.name}"
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows a link
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir and is_link:
                real = path.resolve()
                if not follow_symlinks:
                    if report_folders:
                        found.append((key, Problem(str(path), LINK_FOLDER)))
                elif real in walked or any(w.is_relative_to(real) for w in walked):
                    if report_folders:
                        found.append((key, Problem(str(path), LINK_LOOP)))
                else:
                    walked.add(real)
                    visit(path, key + "/")
            elif is_dir:
                walked.add(path.resolve())
                visit(path, key + "/")
            elif is_file and wanted(path):
                if not follow_symlinks and is_link and not path.resolve().is_relative_to(root):
                    found.append((key, Problem(str(path), LINK_OUT)))
                else:
                    found.append((key, path))

    visit(folder, "")
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]


def expand(
    inputs: list[str], follow_symlinks: bool = False
) -> list[tuple[str, Path | None] | Problem]:
    """The inputs as (name, path) in reading order, with a problem in place of each unusable one.

    Directories are expanded (``walk``: sorted by path; hidden files and folders,
    ``*.meta.json`` sidecars and, unless ``follow_symlinks``, links out of the folder and
    links to folders skipped); "-" is ("stdin", None). A walked file is read with
    ``inside=confinement(item, follow_symlinks)``, so that it is checked again when opened.
    """
    out: list[tuple[str, Path | None] | Problem] = []
    for item in inputs:
        if item == "-":
            out.append((STDIN, None))
            continue
        path = Path(item)
        if path.is_dir():
            found = walk(
                path,
                lambda p: p.suffix.lower() in INPUT_SUFFIXES and not is_sidecar(p),
                follow_symlinks,
            )
            if not found:
                kinds = ", ".join(sorted(INPUT_SUFFIXES))
                out.append(Problem(item, f"the folder holds no articles ({kinds})"))
            out.extend(p if isinstance(p, Problem) else (str(p), p) for p in found)
        elif path.exists():
            if is_sidecar(path):
                out.append(Problem(item, "a .meta.json sidecar is metadata, not an article"))
            else:
                out.append((item, path))
        else:
            out.append(Problem(item, "no such file or folder"))
    return out


def read_bytes(
    name: str, path: Path | None, settings: IngestSettings, inside: Path | None = None
) -> bytes | Problem:
    """The input's bytes, refusing a file over ``settings.max_bytes`` before reading it, and
    a file opened outside ``inside`` (``open_inside``)."""
    limit = settings.max_bytes
    if path is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is not None:
            data = stream.read(limit + 1)
        else:  # a text stream (e.g. replaced in tests)
            data = sys.stdin.read(limit + 1).encode("utf-8")
        if len(data) > limit:
            return Problem(
                name, f"standard input is over the {_size_text(limit)} limit (ingest max_bytes)"
            )
        return bytes(data)
    over = f"over the {_size_text(limit)} limit (ingest max_bytes)"
    try:
        if inside is None and (size := path.stat().st_size) > limit:  # refused unopened
            return Problem(name, f"the file is {_size_text(size)}, {over}; not read")
        with open_inside(path, inside) as handle:
            size = os.fstat(handle.fileno()).st_size  # of the file opened, not of its name
            if size > limit:
                return Problem(name, f"the file is {_size_text(size)}, {over}; not read")
            data = handle.read(limit + 1)
    except OutsideFolder:
        return Problem(name, LINK_OUT)
    except PermissionError:
        return Problem(name, "cannot read the file: permission denied")
    except OSError as err:
        return Problem(name, f"cannot read the file ({err.strerror or err})")
    if len(data) > limit:  # it grew while we looked
        return Problem(name, f"the file is over the {_size_text(limit)} limit (ingest max_bytes)")
    return data


def _record(
    obj: Any, source: str, sidecar_of: Path | None, notes: list[str], settings: IngestSettings
) -> RawDoc | Problem:
    if not isinstance(obj, dict):
        return Problem(
            source, f'expected a JSON object with a "text" field, found {type(obj).__name__}'
        )
    text = obj.get("text")
    if not isinstance(text, str):
        return Problem(source, 'the JSON object has no "text" string')
    meta, complaints = meta_from_mapping(obj, settings)
    extra = [f"ignored: {c}" for c in complaints]
    return RawDoc(text, source, "json", meta, "metadata", sidecar_of, [*notes, *extra])


def parse_json(
    text: str,
    name: str,
    sidecar_of: Path | None,
    notes: list[str],
    settings: IngestSettings = DEFAULT.ingest,
) -> list[RawDoc | Problem]:
    """One object, a list of objects or {"articles": [...]}: each with ``text`` and metadata."""
    try:
        data = json.loads(text)
    except JSON_ERRORS as err:
        return [Problem(name, json_error(err))]
    if isinstance(data, dict) and isinstance(data.get("articles"), list) and "text" not in data:
        data = data["articles"]
    if isinstance(data, list):
        if not data:
            return [Problem(name, "empty: the JSON list holds no articles")]
        return [
            _record(obj, f"{name}[{i}]", sidecar_of, notes, settings) for i, obj in enumerate(data)
        ]
    return [_record(data, name, sidecar_of, notes, settings)]


def parse_jsonl(
    text: str,
    name: str,
    sidecar_of: Path | None,
    notes: list[str],
    settings: IngestSettings = DEFAULT.ingest,
) -> list[RawDoc | Problem]:
    """One JSON object per line; a bad line is a problem naming ``<file>:<line>``."""
    out: list[RawDoc | Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{name}:{number}"
        try:
            obj = json.loads(line)
        except JSON_ERRORS as err:
            out.append(Problem(source, json_error(err, lines=False)))
            continue
        out.append(_record(obj, source, sidecar_of, notes, settings))
    if not out:
        out.append(Problem(name, "empty: no JSON lines"))
    return out


def read_input(
    name: str, path: Path | None, settings: IngestSettings, inside: Path | None = None
) -> list[RawDoc | Problem]:
    """Read one file (or stdin) into raw documents and problems, in the input's own order.

    ``inside`` is the real path of the folder the file was walked from (``confinement``):
    the file opened, and its sidecar, must lie in it. The sidecar of a file named by the
    user must lie in that file's folder. With ``follow_symlinks`` neither is checked."""
    found = _read_input(name, path, settings, inside)
    side_inside = sidecar_confinement(path, inside, settings.follow_symlinks)
    for doc in found:
        if isinstance(doc, RawDoc):
            doc.sidecar_inside = side_inside
    return found


def _read_input(
    name: str, path: Path | None, settings: IngestSettings, inside: Path | None
) -> list[RawDoc | Problem]:
    data = read_bytes(name, path, settings, inside)
    if isinstance(data, Problem):
        return [data]
    if not data.strip():
        return [Problem(name, "empty: the input holds no text")]
    if looks_binary(data):
        return [
            Problem(name, "binary data, not text (only .txt, .html, .json and .jsonl are read)")
        ]
    kind = (kind_of(path) if path is not None else None) or sniff_kind(data)
    decoded = decode(data, html=kind == "html")
    if decoded is None:
        return [
            Problem(
                name, "not UTF-8 text, and its encoding could not be determined; save it as UTF-8"
            )
        ]
    text, note = decoded
    notes = [note] if note else []
    if not _LETTER.search(text):
        return [Problem(name, "empty: the input holds no letters")]
    if kind == "json":
        return parse_json(text, name, path, notes, settings)
    if kind == "jsonl":
        return parse_jsonl(text, name, path, notes, settings)
    if kind == "html":
        return [_read_html(text, data, name, path, notes)]
    return [RawDoc(text, name, "text", ArticleMeta(), "metadata", path, notes)]


def _read_html(text: str, data: bytes, name: str, path: Path | None, notes: list[str]) -> RawDoc:
    from newsprism.ingest.extract import count_scripts, extract_html

    page = extract_html(text)
    notes = [*notes, *page.notes]
    scripts = count_scripts(data)
    if scripts:
        plural = "s" if scripts > 1 else ""
        notes.append(f"dropped {scripts} <script> element{plural}; the page's text is kept")
    meta = ArticleMeta(
        outlet=page.sitename or None,
        published=page.published or None,
        url=page.url or None,
        title=page.title or None,
        language=page.language or None,
    )
    return RawDoc(page.text, name, "html", meta, "html", path, notes, title_line=page.title)
