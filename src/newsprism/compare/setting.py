"""Occasion settings: the occasion several outlets report (a summit, a hearing, a convention),
with the place and the dates each gives it.

Outlets often state where and when the story's occasion takes place in a noun phrase of a
sentence that says something else: "on the sidelines of the BRICS summit in Kazan", "the
October 22-24 summit ... is seen by Moscow as ...", "the three-day BRICS Summit in Kazan was
attended by ...". Sentence by sentence these share no fact, yet a reader finds one: the summit
in Kazan, 22 to 24 October. This module finds such settings from what analysis already read:

- an occasion mention: a mention whose head names a gathering or an incident (``OCCASIONS``:
  "summit", "hearing", "election", "attack", ...; not "war", "statement" or "interview",
  which last or recur rather than take place), in the singular ("attacks in Benghazi" are
  several), whose concept (``analyze/concepts.py``) other articles mention too;
- its place: a place mention (GPE, LOC, FAC) inside it ("the Kazan summit") or right after
  it joined by "in" or "at" ("the summit in Kazan");
- its dates: a resolved time inside it ("the October 22-24 summit") or right after it, alone
  or after "on", "from" or "held on" ("a House hearing Wednesday", "the hearing on
  Wednesday"), and its length in days ("three-day").

Two articles share the setting when they give the same place (one concept), overlapping dates,
or dates as long as the length the other gives. A setting row holds, for each such article,
the sentences that give a shared value; quotations are left out (their words are the
speaker's). Settings whose dates cannot both be true are not joined here: contradictions are
named sentence by sentence (``compare/values.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from newsprism.compare.events import PLACE_LABELS
from newsprism.model import Article, ArticleAnalysis, Concept, Mention, Quantity, TimeExpr

_PLACE_GLUE = re.compile(r"\s*(?:in|at)\s+(?:the\s+)?", re.IGNORECASE)
_TIME_GLUE = re.compile(r"\s*(?:(?:held\s+)?(?:on|from)\s+)?", re.IGNORECASE)
# Mentions of these kinds are not occasions even when their head is an event word ("Trump
# Tower", "the Pentagon", "Defense Secretary").
_NOT_OCCASIONS = frozenset({"PERSON", "GPE", "NORP", "LOC", "FAC", "DATE", "TIME", "CARDINAL"})
_DAY_UNITS = frozenset({"day", "days"})
# Head nouns of occasions: what takes place somewhere, at some time.
OCCASIONS = frozenset(
    {
        "summit", "conference", "meeting", "talk", "hearing", "convention", "election",
        "primary", "caucus", "debate", "rally", "trial", "ceremony", "inauguration", "funeral",
        "festival", "parade", "protest", "march", "demonstration", "referendum", "vote",
        "speech", "forum", "session", "visit", "attack", "shooting", "bombing", "massacre",
        "explosion", "crash", "earthquake", "storm", "hurricane", "fire", "flood", "raid",
        "strike", "concert", "game", "match", "tournament", "race", "fundraiser", "gala",
    }
)  # fmt: skip


@dataclass
class Given:
    """What one article gives of an occasion in one sentence."""

    article: int  # index of the article in the story
    sentence: int  # index of the sentence in its article
    start: int  # the event mention's span
    end: int
    places: dict[str, str] = field(default_factory=dict)  # place concept id -> name as written
    days: tuple[date, date] | None = None  # first and last day
    name: str = ""  # the mention's words less the dates and lengths inside it
    length: int | None = None  # in days ("three-day")


@dataclass
class SettingRow:
    """One occasion as several articles set it: the sentences of each that give a shared value
    (article index, sentence index), and the values read."""

    concept: str
    # The occasion's names in the sentences kept, less their dates ("BRICS summit").
    names: list[str]
    sentences: list[tuple[int, int]]
    place: str = ""  # the shared place, as its concept is named
    days: tuple[date, date] | None = (
        None  # the first and last day, as the first article dating it gives them
    )
    head: str = ""  # the event noun ("summit")
    # The event mentions kept: (article index, sentence index, start, end), in text order.
    mentions: list[tuple[int, int, int, int]] = field(default_factory=list)


def _day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _days(time: TimeExpr) -> tuple[date, date] | None:
    first = _day(time.value)
    if first is None or time.granularity not in ("day", "range", "part_of_day"):
        return None
    last = _day(time.end_value) or first
    return (first, last) if last >= first else None


def _joined(text: str, end: int, start: int, glue: re.Pattern[str]) -> bool:
    """Whether the words between a mention's end and another span's start are only ``glue``."""
    return 0 <= start - end <= 12 and glue.fullmatch(text[end:start]) is not None


def _given(
    index: int, article: Article, analysis: ArticleAnalysis, mention: Mention, names: dict[str, str]
) -> Given | None:
    text = article.text
    given = Given(index, mention.sentence, mention.start, mention.end)
    cut: list[tuple[int, int]] = []
    for other in analysis.mentions:
        if other is mention or other.sentence != mention.sentence or not other.concept:
            continue
        if other.label not in PLACE_LABELS:
            continue
        inside = mention.start <= other.start and other.end <= mention.end
        if inside or _joined(text, mention.end, other.start, _PLACE_GLUE):
            given.places[other.concept] = names.get(other.concept, other.text)
    for time in analysis.times:
        inside = mention.start <= time.start and time.end <= mention.end
        if inside:
            cut.append((time.start, time.end))  # "next year's election": "election"
        if given.days is None and (inside or _joined(text, mention.end, time.start, _TIME_GLUE)):
            given.days = _days(time)
    for quantity in analysis.quantities:
        inside = mention.start <= quantity.start and quantity.end <= mention.end
        if inside and _length(quantity) is not None:
            given.length = _length(quantity)
            cut.append((quantity.start, quantity.end))
    given.name = _bare_name(text, mention.start, mention.end, cut)
    if not given.places and given.days is None and given.length is None:
        return None
    return given


def _bare_name(text: str, start: int, end: int, cut: list[tuple[int, int]]) -> str:
    """The mention's words without the spans in ``cut`` and without a leading article or
    possessive: "October 22-24 summit" -> "summit", "next Thursday's election" -> "election"."""
    kept = "".join(
        ch for k, ch in enumerate(text[start:end], start) if not any(a <= k < b for a, b in cut)
    )
    kept = re.sub(r"^(?:\s|the\b|a\b|an\b|['’]s\b|[-,])+", "", kept, flags=re.IGNORECASE)
    return " ".join(kept.split())


def _length(quantity: Quantity) -> int | None:
    if quantity.unit in _DAY_UNITS and quantity.value == int(quantity.value) and quantity.value > 0:
        return int(quantity.value)
    return None


def _dates_agree(days: tuple[date, date], other: Given) -> bool:
    """Whether ``days`` fit what ``other`` gives: its dates overlap them, or it gives no dates
    and its length is theirs (22-24 October and "three-day")."""
    if other.days is not None:
        return days[0] <= other.days[1] and other.days[0] <= days[1]
    return (
        other.length is not None
        and days[0] != days[1]
        and ((days[1] - days[0]).days + 1 == other.length)
    )


def _agree(a: Given, b: Given) -> bool:
    if set(a.places) & set(b.places):
        return True
    if a.days is not None:
        return _dates_agree(a.days, b)
    return b.days is not None and _dates_agree(b.days, a)


def _clash(a: Given, b: Given) -> bool:
    """Dates that cannot both be the occasion's (no overlap): not this module's to join."""
    if a.days is None or b.days is None:
        return False
    return not (a.days[0] <= b.days[1] and b.days[0] <= a.days[1])


def occasion_settings(
    articles: Sequence[Article],
    analyses: Sequence[ArticleAnalysis],
    concepts: Sequence[Concept],
    quoted: set[tuple[int, int]],
) -> list[SettingRow]:
    """The settings at least two articles share, in order of the first article and sentence
    that gives each. ``quoted``: (article index, sentence index) of the quotations, left out."""
    names = {c.id: c.name for c in concepts}
    by_article = {a.article: a for a in analyses}
    per_concept: dict[str, list[Given]] = {}
    heads: dict[str, str] = {}
    for index, article in enumerate(articles):
        analysis = by_article.get(article.id)
        if analysis is None:
            continue
        for mention in analysis.mentions:
            if not mention.concept or mention.head not in OCCASIONS:
                continue
            if mention.head not in re.findall(r"[a-z]+", mention.text.lower()):
                continue  # "attacks", "hearings": several occasions
            if mention.label in _NOT_OCCASIONS or (index, mention.sentence) in quoted:
                continue
            given = _given(index, article, analysis, mention, names)
            if given is not None:
                per_concept.setdefault(mention.concept, []).append(given)
                heads.setdefault(mention.concept, mention.head)
    rows: list[SettingRow] = []
    for concept, found in per_concept.items():
        if len({g.article for g in found}) < 2:
            continue
        if any(_clash(a, b) for a in found for b in found if a.article != b.article):
            continue
        kept = [a for a in found if any(b.article != a.article and _agree(a, b) for b in found)]
        if len({g.article for g in kept}) < 2:
            continue
        shared = [
            p
            for p in dict.fromkeys(p for g in kept for p in g.places)
            if len({g.article for g in kept if p in g.places}) > 1
        ]
        # The dates another article confirms (overlapping, or as long as its length).
        dated = next(
            (
                g
                for g in kept
                if g.days is not None
                and any(b.article != g.article and _dates_agree(g.days, b) for b in kept)
            ),
            None,
        )
        rows.append(
            SettingRow(
                concept=concept,
                names=[g.name for g in kept],
                sentences=sorted({(g.article, g.sentence) for g in kept}),
                place=names.get(shared[0], "") if shared else "",
                days=dated.days if dated else None,
                head=heads[concept],
                mentions=sorted({(g.article, g.sentence, g.start, g.end) for g in kept}),
            )
        )
    rows.sort(key=lambda r: (r.sentences[0], r.concept))
    return rows


def setting_label(row: SettingRow) -> str:
    """A row's words: "The BRICS summit in Kazan, 22-24 October 2024": the first name of the
    occasion that holds its event noun, the shared place unless the name holds it, the dates."""
    name = next((n for n in row.names if row.head in re.findall(r"[a-z]+", n.lower())), row.head)
    # "Putin's summit", "Tuesday's primary": a name with its owner needs no article.
    label = name[:1].upper() + name[1:] if re.match(r"\S+['’]s\b", name) else f"The {name}"
    if row.place and row.place.lower() not in name.lower():
        label += f" in {row.place}"
    if row.days is not None:
        label += f", {say_days(*row.days)}"
    return label


def say_days(first: date, last: date) -> str:
    """ "24 October 2024", "22-24 October 2024", "30 October - 1 November 2024"."""
    if first == last:
        return f"{first.day} {first:%B} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {first:%B} {first.year}"
    if first.year == last.year:
        return f"{first.day} {first:%B} - {last.day} {last:%B} {last.year}"
    return f"{first.day} {first:%B} {first.year} - {last.day} {last:%B} {last.year}"
