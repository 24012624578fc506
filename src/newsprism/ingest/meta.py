"""Article metadata as given by the user: sidecar files, JSON fields and command-line flags."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from newsprism.ingest.confine import OutsideFolder, open_inside
from newsprism.model import Problem
from newsprism.settings import DEFAULT, IngestSettings

META_FIELDS: tuple[str, ...] = ("outlet", "published", "url", "title", "language")
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_LINK_OUT = (
    "a symbolic link to a file outside the folder; the article is loaded without it "
    "(--follow-symlinks reads it)"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")  # no part of a title, name, URL or time
_SPACES = str.maketrans("\t\n\r\v\f", "     ")  # ... but these separate words
# What json.loads raises on bad input: JSONDecodeError, RecursionError (nesting deeper than
# Python's stack: '[[[[...'), ValueError (an integer of more than 4300 digits).
JSON_ERRORS = (ValueError, RecursionError)


def json_error(err: BaseException, lines: bool = True) -> str:
    """Why a JSON text could not be read, in words ("not valid JSON (...)")."""
    if isinstance(err, json.JSONDecodeError):
        where = f"line {err.lineno}, column {err.colno}" if lines else f"column {err.colno}"
        return f"not valid JSON ({err.msg} at {where})"
    if isinstance(err, RecursionError):
        return "not readable JSON (nested too deeply)"
    return f"not readable JSON ({err})"


def replace_surrogates(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate (JSON "\\ud800", which no UTF-8 file or
    database can hold) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


@dataclass
class ArticleMeta:
    """Metadata for one article; None means "not given" (a later source may fill it)."""

    outlet: str | None = None
    published: str | datetime | None = None
    url: str | None = None
    title: str | None = None
    language: str | None = None

    def is_empty(self) -> bool:
        """True when no field is given."""
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


def clean_value(name: str, value: str) -> str:
    """A metadata field's value as stored: lone surrogates replaced, line breaks and tabs
    made spaces, other control characters dropped, spaces trimmed (and, but in a URL,
    runs of spaces made one)."""
    value = _CONTROL.sub("", replace_surrogates(value).translate(_SPACES))
    return value.strip() if name == "url" else " ".join(value.split())


def meta_from_mapping(
    data: dict[str, Any], settings: IngestSettings = DEFAULT.ingest
) -> tuple[ArticleMeta, list[str]]:
    """ArticleMeta from a JSON object's fields, and a message for each field of a wrong type.

    ``published`` may be a string or a number (a Unix timestamp, kept as its string);
    the other fields must be strings; line breaks and tabs are spaces, other control
    characters (U+0000 included) are dropped.
    Empty strings count as not given; a value over ``settings.max_field_chars`` (a URL over
    ``settings.max_url_chars``) is ignored with a message.
    """
    meta = ArticleMeta()
    complaints: list[str] = []
    for name in META_FIELDS:
        value = data.get(name)
        if value is None or value == "":
            continue
        if name == "published" and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            complaints.append(f'"{name}" should be a string, not {type(value).__name__}')
            continue
        value = clean_value(name, value)
        most = settings.max_url_chars if name == "url" else settings.max_field_chars
        if len(value) > most:
            complaints.append(f'"{name}" is over {most:,} characters')
            continue
        setattr(meta, name, value or None)
    return meta, complaints


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` lives: ``<file>.meta.json`` beside it."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """True for ``*.meta.json`` files, which are metadata and never inputs of their own."""
    return path.name.endswith(SIDECAR_SUFFIX)


def read_sidecar(
    path: Path, inside: Path | None = None, settings: IngestSettings = DEFAULT.ingest
) -> tuple[ArticleMeta | None, list[Problem]]:
    """The sidecar of ``path`` if one exists: (metadata or None, problems naming the sidecar).

    A sidecar that cannot be read gives a problem; the article still loads without it. It
    is opened only inside ``inside`` (``confine.open_inside``: a link out of the folder is
    not read) and read only up to ``settings.max_sidecar_bytes`` (a sidecar is a few short
    fields, and a JSONL file's sidecar is read again for each line).
    """
    max_bytes = settings.max_sidecar_bytes
    side = sidecar_path(path)
    if not side.is_file():
        return None, []
    keep_going = "; the article is loaded without it"
    try:
        with open_inside(side, inside) as handle:
            raw = handle.read(max_bytes + 1)
    except OutsideFolder:
        return None, [Problem(str(side), SIDECAR_LINK_OUT)]
    except OSError as err:
        return None, [Problem(str(side), f"cannot read the sidecar ({err.strerror}){keep_going}")]
    if len(raw) > max_bytes:
        over = f"over the {max_bytes:,} bytes limit (ingest max_sidecar_bytes)"
        return None, [Problem(str(side), f"the sidecar is {over}{keep_going}")]
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem(str(side), f"the sidecar is not UTF-8 text{keep_going}")]
    except JSON_ERRORS as err:
        return None, [Problem(str(side), f"the sidecar is {json_error(err)}{keep_going}")]
    if not isinstance(data, dict):
        return None, [Problem(str(side), f"the sidecar must hold one JSON object{keep_going}")]
    meta, complaints = meta_from_mapping(data, settings)
    problems = [Problem(str(side), f"{c}; that field is ignored") for c in complaints]
    return meta, problems
