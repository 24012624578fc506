"""Publication times: parsing metadata values, and inferring a time from the text itself.

Every parsed time is timezone-aware (UTC when the value names no zone). Relative values
("yesterday", "2 hours ago") and values without a day, month and year are refused: they
cannot be resolved without a clock, and ingest must give the same result on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)?)?"
)
# A full date (day, month and year) with an optional time after it.
DATE_PATTERN = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    r"(?:"
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # October 21, 2024
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}"  # 21 October 2024
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # ISO
    r"|\d{1,2}\.\d{1,2}\.\d{4}"  # 21.10.2024
    r")"
    rf"{_TIME}",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^\s*(?P<label>first published|published|posted|publication date|date published|date|"
    r"last updated|updated|last modified)\b\s*(?:on|at)?\s*[:\-–—|]?\s*",
    re.IGNORECASE,
)
# "KAZAN, Russia, Oct. 24, 2024 (Reuters) -" at the start of the text.
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.' ]{1,30})?,?\s+"
    rf"(?P<date>{DATE_PATTERN.pattern})"
    r"\s*(?:\([^)]{1,40}\))?\s*[-–—:]",
    re.IGNORECASE,
)
_RFC_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\s+(\d{2,})\b")  # RFC 2822: 21 Oct 2024
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
}


@dataclass(frozen=True)
class FoundTime:
    """A publication time read from the text, with the words it was read from."""

    value: datetime
    evidence: str


def as_utc_aware(value: datetime) -> datetime:
    """The same instant, timezone-aware: a naive value is taken to be UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@lru_cache(maxsize=4)
def _dateparser_languages(language: str) -> tuple[str, ...]:
    return ("en",) if language in ("", "en") else ("en", language)


def _rfc_year(parsed: datetime, text: str) -> datetime:
    """``parsed`` with the year as written: the email parser reads a year under 100 as
    19xx or 20xx even when it has four digits ("01 Jan 0001" is not 2001)."""
    written = _RFC_YEAR.search(text)
    if written and len(written[1]) > 2 and int(written[1]) != parsed.year:
        return parsed.replace(year=int(written[1]))  # ValueError for year 0
    return parsed


def parse_time(value: object, language: str = "en") -> datetime | None:
    """Parse a publication time from metadata: a datetime, a date, or a string with a full date.

    ISO 8601 and RFC 2822 strings are read exactly (their UTC offset kept); other strings
    go through dateparser restricted to absolute dates. Returns None when no full date is found.
    """
    if isinstance(value, datetime):
        return as_utc_aware(value)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200:
        return None
    try:
        return as_utc_aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _rfc_year(as_utc_aware(parsedate_to_datetime(text)), text)
    except (TypeError, ValueError, IndexError):
        pass
    if not re.search(r"\b\d{4}\b", text) or len(re.findall(r"\d+", text)) < 2:
        return None  # needs a year and a day
    import dateparser  # slow import: only when the exact formats failed

    try:
        parsed = dateparser.parse(
            text,
            languages=list(_dateparser_languages(language)),
            settings=_DATEPARSER_SETTINGS,
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    try:
        return as_utc_aware(parsed).astimezone(UTC)
    except (OverflowError, ValueError):  # a zone offset past year 1 or 9999
        return None


def infer_from_text(text: str, language: str = "en") -> FoundTime | None:
    """A publication time stated in the text: a "Published ..." line, a dateline, a date line.

    Only the first eight and the last five lines are read: dates in the body are about
    events, not about when the article was written.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    head, tail = lines[:8], lines[-5:] if len(lines) > 8 else []
    candidates: list[tuple[int, str, str]] = []  # (rank, date words, evidence)
    for line in [*head, *tail]:
        label = _LABEL.match(line)
        if label and len(line) <= 120:
            found = DATE_PATTERN.search(line, label.end())
            if found and found.start() - label.end() <= 3:
                rank = (
                    1
                    if label.group("label").lower() in ("last updated", "updated", "last modified")
                    else 0
                )
                candidates.append((rank, found.group(0), line))
                continue
        whole = DATE_PATTERN.fullmatch(line.rstrip(".|"))
        if whole:
            candidates.append((2, whole.group(0), line))
    dateline = _DATELINE.match(lines[0])
    if dateline:
        candidates.append((3, dateline.group("date"), dateline.group(0)))
    for _rank, words, evidence in sorted(candidates, key=lambda c: c[0]):
        parsed = parse_time(words, language)
        if parsed is not None:
            return FoundTime(parsed, evidence)
    return None
