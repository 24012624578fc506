"""Time expressions of an article, resolved to the calendar from its publication time.

Expressions come from spaCy's DATE and TIME entities (a date followed by a part of the day
is one expression: "Thursday evening"), widened to day ranges the entity recogniser cuts
short ("October 22-24"), plus regular patterns the recogniser misses. Each is resolved
against ``Article.published``; which way an ambiguous expression points ("on Thursday",
"October 21") follows the tense of the clause it sits in: past tense prefers the past, "will",
"plans to" or "is scheduled to" prefer the future, and with no cue the nearest date wins.

Values are ISO strings of the start: "2024-10-24" for days (also for parts of a day and for
weeks, which start on Monday), "2024-10" for months, "2024" for years; ranges carry
``end_value``. Durations ("in over two years", "three-day") and vague expressions ("this
time", "the final day") are not times and are skipped; a relative expression with no anchor
in the text ("two months after") is kept with ``value=None``. Without a publication time only
absolute dates resolve and every expression has ``anchored=False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from spacy.tokens import Doc, Span, Token

from newsprism.model import Article, Granularity, TimeExpr

Tense = Literal["past", "future"] | None

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night", "noon", "midday", "midnight")
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "several": 3, "few": 3, "couple": 2,
}  # fmt: skip
UNITS = {"day": "day", "week": "week", "month": "month", "year": "year", "decade": "decade",
         "hour": "hour", "minute": "minute", "fortnight": "week"}  # fmt: skip

_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PART_RE = r"(?:morning|afternoon|evening|night)"
_DASH = r"\s*[-–—]\s*"

# Patterns found in the text whatever the entity recogniser says (case-insensitive).
TEXT_PATTERNS = [
    re.compile(rf"\b{_MONTH_RE} \d{{1,2}}{_DASH}\d{{1,2}}(?:,? \d{{4}})?\b", re.I),
    re.compile(rf"\b\d{{1,2}}{_DASH}\d{{1,2}} {_MONTH_RE}(?:,? \d{{4}})?\b", re.I),
    re.compile(rf"\b{_MONTH_RE} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH_RE}(?:,? \d{{4}})?\b", re.I),
    re.compile(r"\b(?:january|february|march|april|june|july|august|september|october|"
               r"november|december) \d{4}\b", re.I),
    re.compile(rf"\b(?:(?:last|next|this|on) )?{_WEEKDAY_RE}(?: {_PART_RE})?\b", re.I),
    re.compile(r"\b(?:yesterday|today|tomorrow|tonight)\b", re.I),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
]  # fmt: skip

_DURATION_RE = re.compile(
    r"^(?:for |in |over |about |around |nearly |almost |just |some |more than |less than |"
    r"at least |up to |the (?:past|last|next|previous|first|coming) )*"
    r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|several|a few|few|a couple of|many|the)"
    r"[- ](?:day|week|month|year|decade|hour|minute|fortnight)s?(?:[- ](?:long|old))?$",
    re.I,
)
_RELATIVE_AFTER = ("after", "before", "later", "earlier", "prior", "since")
_FUTURE_LEMMAS = frozenset(
    {"plan", "schedule", "expect", "intend", "set", "due", "slate", "prepare", "aim", "hope",
     "will", "shall", "propose", "announce", "vow", "pledge", "promise", "agree", "want"}
)  # fmt: skip


@dataclass
class Resolved:
    value: str | None
    end_value: str | None
    granularity: Granularity


def _iso_day(d: date) -> str:
    return d.isoformat()


def _month_number(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def dated_verb(token: Token) -> Token | None:
    """The verb a time expression (by its root token) dates: the nearest verb at or above it,
    at most six steps up ("published" in "the story published Friday", not the main verb of
    the sentence around it). A time that modifies a noun ("a potential 2016 run", "the 2008
    election") dates that noun's event, not a verb: None."""
    if token.dep_ in ("compound", "nummod", "amod") and token.head.pos_ in ("NOUN", "PROPN"):
        return None
    verb: Token | None = token
    steps = 0
    while verb is not None and verb.pos_ not in ("VERB", "AUX") and steps < 6:
        verb = verb.head if verb.head.i != verb.i else None
        steps += 1
    return verb if verb is not None and verb.pos_ in ("VERB", "AUX") else None


def clause_tense(token: Token) -> Tense:
    """Which way the clause holding ``token`` points in time: past, future, or no cue."""
    verb = dated_verb(token)
    if verb is None:
        return None
    chain = [verb]
    if verb.dep_ in ("xcomp", "conj", "ccomp", "advcl") and verb.head.i != verb.i:
        chain.append(verb.head)
    for v in chain:
        for child in v.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in ("will", "shall", "'ll", "wo"):
                return "future"
        if v.lemma_.lower() in _FUTURE_LEMMAS and v is not verb:
            return "future"
        if v.lemma_.lower() in ("schedule", "slate", "set", "due") and v.tag_ == "VBN":
            return "future"
    # "going to", "is to"
    for child in verb.children:
        if (
            child.dep_ == "aux"
            and child.lower_ in ("would",)
            and verb.head.lemma_ in _FUTURE_LEMMAS
        ):
            return "future"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl", "amod"):
        return "past"
    return None


def _year_for(month: int, day: int, base: date, tense: Tense) -> int:
    """The year of a month-day with no year: the publication year, turned by tense."""
    try:
        candidate = date(base.year, month, day)
    except ValueError:
        return base.year
    if tense == "past" and candidate > base + timedelta(days=7):
        return base.year - 1
    if tense == "future" and candidate < base - timedelta(days=7):
        return base.year + 1
    if tense is None:
        if candidate - base > timedelta(days=183):
            return base.year - 1
        if base - candidate > timedelta(days=183):
            return base.year + 1
    return base.year


def _weekday(target: int, base: date, tense: Tense, modifier: str) -> date:
    delta_back = (base.weekday() - target) % 7
    delta_fwd = (target - base.weekday()) % 7
    if modifier == "last":
        return base - timedelta(days=delta_back or 7)
    if modifier == "next":
        return base + timedelta(days=delta_fwd or 7)
    if tense == "past":
        return base - timedelta(days=delta_back)
    if tense == "future":
        # "will speak Monday" written on a Monday: that day, as news uses it
        return base + timedelta(days=delta_fwd)
    # no cue: the nearest such day (same week), preferring the past on a tie
    return (
        base - timedelta(days=delta_back)
        if delta_back <= delta_fwd
        else base + timedelta(days=delta_fwd)
    )


def _shift_month(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


def _number(word: str) -> float | None:
    word = word.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    value = NUMBER_WORDS.get(word)
    return float(value) if value is not None else None


_ISO_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _valid_value(value: str | None) -> bool:
    """True for None or a real calendar "YYYY", "YYYY-MM" or "YYYY-MM-DD" in years 1-9999."""
    if value is None:
        return True
    if not _ISO_VALUE.fullmatch(value):
        return False
    try:
        date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return int(value[:4]) >= 1


def resolve(text: str, base: date | None, tense: Tense = None) -> Resolved | None:
    """Resolve one expression; ``None`` when it is not a point or range in time at all.

    Values are real calendar dates in years 1-9999: "0000-00-00", "2024-13-45", or a shift
    past the calendar's ends ("5000 years ago" from 2024, "tomorrow" from 9999-12-31) give
    ``None``, never an invalid value or an error.
    """
    try:
        found = _resolve(text, base, tense)
    except (OverflowError, ValueError):  # date arithmetic past year 1 or 9999
        return None
    if found is None or not (_valid_value(found.value) and _valid_value(found.end_value)):
        return None
    return found


def _resolve(text: str, base: date | None, tense: Tense = None) -> Resolved | None:
    t = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    t = re.sub(r"^(?:on|in|at|by|during|from|until|since|of) ", "", t)
    part = any(p in t.split() for p in PARTS_OF_DAY) or "tonight" in t
    day_gran: Granularity = "part_of_day" if part else "day"
    if _DURATION_RE.match(t):
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return Resolved(t, None, "day")
    # ranges: "october 22-24(, 2024)" and "22-24 october"
    m = re.search(rf"({_MONTH_RE}) (\d{{1,2}}) ?- ?(\d{{1,2}})(?:,? (\d{{4}}))?", t)
    m2 = re.search(rf"(\d{{1,2}}) ?- ?(\d{{1,2}}) ({_MONTH_RE})(?:,? (\d{{4}}))?", t)
    if m or m2:
        if m:
            month, d1, d2, year_s = (
                _month_number(m.group(1)),
                int(m.group(2)),
                int(m.group(3)),
                m.group(4),
            )
        else:
            assert m2 is not None
            month, d1, d2, year_s = (
                _month_number(m2.group(3)),
                int(m2.group(1)),
                int(m2.group(2)),
                m2.group(4),
            )
        if month is None:
            return None
        if year_s:
            year = int(year_s)
        elif base is not None:
            year = _year_for(month, d1, base, tense)
        else:
            return Resolved(None, None, "range")
        try:
            return Resolved(
                _iso_day(date(year, month, d1)), _iso_day(date(year, month, d2)), "range"
            )
        except ValueError:
            return None
    # month day (year)
    m = re.search(rf"({_MONTH_RE}) (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?", t) or None
    md: tuple[int | None, int, str | None] | None = None
    if m:
        md = (_month_number(m.group(1)), int(m.group(2)), m.group(3))
    elif m := re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH_RE})(?:,? (\d{{4}}))?", t):
        md = (_month_number(m.group(2)), int(m.group(1)), m.group(3))
    if md is not None and md[0] is not None:
        month, day, year_s = md[0], md[1], md[2]
        if year_s:
            year = int(year_s)
        elif base is not None:
            year = _year_for(month, day, base, tense)
        else:
            return Resolved(None, None, day_gran)
        try:
            return Resolved(_iso_day(date(year, month, day)), None, day_gran)
        except ValueError:
            return None
    # month year / month alone
    m = re.search(rf"\b({_MONTH_RE})(?: of)?,? (\d{{4}})\b", t)
    if m and _month_number(m.group(1)):
        return Resolved(f"{int(m.group(2)):04d}-{_month_number(m.group(1)):02d}", None, "month")
    m = re.fullmatch(
        r"(?:early |mid-?|late |the end of |the beginning of |the start of )?(\d{4})", t
    )
    if m:
        return Resolved(m.group(1), None, "year")
    m = re.fullmatch(r"(?:the )?year (\d{1,4})", t)  # "year 1", "the year 3000"
    if m:
        return Resolved(f"{int(m.group(1)):04d}", None, "year")
    m = re.search(r"(?:^|\b(?:early|mid-?|late|in|the end of|the beginning of)\s?)"
                  r"(january|february|march|april|may|june|july|august|september|october|"
                  r"november|december)$", t)  # fmt: skip
    if m:
        month = MONTHS[m.group(1)]
        if base is None:
            return Resolved(None, None, "month")
        year = base.year
        if tense == "past" and month > base.month:
            year -= 1
        elif tense == "future" and month < base.month:
            year += 1
        return Resolved(f"{year:04d}-{month:02d}", None, "month")
    # weekday (+ part of day)
    m = re.search(rf"(?:(last|next|this|on) )?({_WEEKDAY_RE})", t)
    if m:
        if base is None:
            return Resolved(None, None, day_gran)
        d = _weekday(WEEKDAYS[m.group(2)], base, tense, m.group(1) or "")
        return Resolved(_iso_day(d), None, day_gran)
    words = t.split()
    if base is not None:
        for word, shift in (("yesterday", -1), ("today", 0), ("tonight", 0), ("tomorrow", 1)):
            if word in words:
                return Resolved(_iso_day(base + timedelta(days=shift)), None, day_gran)
        if t in ("this morning", "this afternoon", "this evening", "last night"):
            shift = -1 if t == "last night" else 0
            return Resolved(_iso_day(base + timedelta(days=shift)), None, "part_of_day")
        m = re.search(r"\b(last|next|this|past|coming)\s(week|month|year)\b", t)
        if m and not re.search(r"\d|\b(?:two|three|four|five|several|few)\b", t):
            step = {"last": -1, "past": -1, "next": 1, "coming": 1, "this": 0}[m.group(1)]
            if m.group(2) == "week":
                monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
                if step == 0 and re.match(r"earlier\b", t) and base > monday:
                    # "earlier this week", written on a Friday: Monday to Thursday.
                    return Resolved(_iso_day(monday), _iso_day(base - timedelta(days=1)), "week")
                return Resolved(_iso_day(monday), None, "week")
            if m.group(2) == "month":
                y, mo = _shift_month(base, step)
                return Resolved(f"{y:04d}-{mo:02d}", None, "month")
            return Resolved(f"{base.year + step:04d}", None, "year")
        m = re.fullmatch(
            r"(?:about |nearly |some |just |more than )?(\S+) (day|week|month|year)s? ago", t
        )
        if m and (n := _number(m.group(1))) is not None:
            k = int(n)
            if m.group(2) == "day":
                return Resolved(_iso_day(base - timedelta(days=k)), None, "day")
            if m.group(2) == "week":
                d = base - timedelta(weeks=k)
                return Resolved(_iso_day(d - timedelta(days=d.weekday())), None, "week")
            if m.group(2) == "month":
                y, mo = _shift_month(base, -k)
                return Resolved(f"{y:04d}-{mo:02d}", None, "month")
            return Resolved(f"{base.year - k:04d}", None, "year")
        return _dateparser(t, base, tense)
    return None


@lru_cache(maxsize=2048)
def _dateparser_cached(text: str, base: date, prefer: str) -> tuple[str | None, str]:
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": prefer,
            "STRICT_PARSING": False,
        },
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None, ""
    return data.date_obj.date().isoformat(), str(data.period or "day")


def _dateparser(t: str, base: date, tense: Tense) -> Resolved | None:
    """dateparser as the last resort, only for text naming a calendar unit it can anchor."""
    if not re.search(rf"{_MONTH_RE}|{_WEEKDAY_RE}|\b\d{{4}}\b|\b(?:week|month|year)\b", t):
        return None
    if re.search(r"\d{4}s\b|\bcentur|\bdecade|\bseason|\btime\b", t):
        return None
    prefer = "future" if tense == "future" else "past"
    value, period = _dateparser_cached(t, base, prefer)
    if value is None:
        return None
    if period == "month":
        return Resolved(value[:7], None, "month")
    if period == "year":
        return Resolved(value[:4], None, "year")
    if period == "week":
        d = date.fromisoformat(value)
        return Resolved(_iso_day(d - timedelta(days=d.weekday())), None, "week")
    return Resolved(value, None, "day")


def candidate_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the time expressions: entities merged and widened, then patterns."""
    spans: list[tuple[int, int]] = []
    ents = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
    k = 0
    text = doc.text
    while k < len(ents):
        start, end = ents[k].start_char, ents[k].end_char
        while k + 1 < len(ents) and ents[k + 1].start_char - end <= 1:
            k += 1
            end = ents[k].end_char
        tail = re.match(rf"{_DASH}\d{{1,2}}\b(?:,? \d{{4}})?", text[end:])
        if tail and re.search(r"\d$", text[start:end]):
            end += tail.end()
        spans.append((start, end))
        k += 1
    for pattern in TEXT_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if text[s:e].lower().startswith("on "):
                s += 3
            if text[s:e].lower() == "may" or not text[s:e].strip():
                continue
            overlap = [(a, b) for a, b in spans if a < e and s < b]
            if not overlap:
                spans.append((s, e))
            elif all(s <= a and b <= e for a, b in overlap) and len(overlap) == 1:
                spans.remove(overlap[0])
                spans.append((s, e))
    # weekday entity followed by a part of the day the recogniser left out
    widened = []
    for s, e in spans:
        part = re.match(rf" {_PART_RE}\b", text[e:])
        if part and re.search(rf"{_WEEKDAY_RE}$", text[s:e], re.I):
            e += part.end()
        widened.append((s, e))
    return sorted(set(widened))


def _span_tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _verb_lemma(token: Token) -> str:
    verb = dated_verb(token)
    return verb.lemma_.lower() if verb is not None else ""


def find_times(doc: Doc, article: Article) -> list[TimeExpr]:
    """Every date or time expression of the article, resolved against its publication time."""
    base = article.published.date() if article.published is not None else None
    text = doc.text
    found: list[TimeExpr] = []
    for start, end in candidate_spans(doc):
        span = _span_tokens(doc, start, end)
        if span is None:
            continue
        words = text[start:end]
        low = " ".join(words.lower().split())
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        tense = clause_tense(span.root)
        if _DURATION_RE.match(low) or re.fullmatch(r"\S+-(?:day|week|month|year)", low):
            if after in _RELATIVE_AFTER:
                unit = next((u for u in UNITS if u in low), "day")
                gran: Granularity = unit if unit in ("day", "week", "month", "year") else "day"  # type: ignore[assignment]
                found.append(
                    TimeExpr(article.id, start, end, words, None, None, gran, base is not None,
                             _verb_lemma(span.root))
                )  # fmt: skip
            elif after == "ago":
                end = doc[span.end].idx + len(doc[span.end].text)
                words = text[start:end]
                res = resolve(words, base, "past")
                if res is not None:
                    found.append(
                        TimeExpr(article.id, start, end, words, res.value, res.end_value,
                                 res.granularity, base is not None, _verb_lemma(span.root))
                    )  # fmt: skip
            continue
        res = resolve(words, base, tense)
        if res is None:
            continue
        if res.value is None and base is not None:
            continue
        found.append(
            TimeExpr(article.id, start, end, words, res.value, res.end_value, res.granularity,
                     base is not None, _verb_lemma(span.root))
        )  # fmt: skip
    found.sort(key=lambda t: (t.start, t.end))
    return found


def is_duration(text: str) -> bool:
    """Whether an expression measures a length of time ("three-day", "over two years")."""
    low = " ".join(text.lower().split())
    return bool(_DURATION_RE.match(low) or re.fullmatch(r"\S+-(?:day|week|month|year|hour)s?", low))
