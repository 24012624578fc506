"""The values two outlets give for one fact, and whether both can be true.

Only sentences that the facts model links as stating the same fact are compared, and only
in the outlets' own voice (a quotation's numbers are its speaker's words).

- **Numbers** are read as the range their digits allow: "55,000" stands for 54,500 to
  55,500, "50,000" for 45,000 to 55,000; an amount in millions may also be cut rather than
  rounded, so "$43 million" stands for 42.5 to 44 million and agrees with "$43,885,310". Two
  numbers of one unit agree when either lies in the other's range, so "$139 million" and
  "roughly $141 million", "55,000 pages" and "50,000 pages", "1.5 million women" and "up to
  1.6 million women" differ, while "$1.52 billion" and "$1.5 billion" agree. "More than X",
  "over X", "at least X" allow anything above X; "nearly X", "almost X", "less than X"
  anything below. A number equal to one of the other sentence's is that one ("Romney 21
  percent, Huckabee 17" / "Huckabee 17 percent, Romney 21"). When a sentence gives several
  other numbers of one unit, each is compared with the number of the other sentence whose
  surrounding words it shares ("$5,587.75 vacation at the Martha's Vineyard Holistic
  Retreat" with "$5,687.75 at Martha's Vineyard Holistic Retreat"). Numbers further apart
  than a factor of 1.5 count different things; durations, ranges ("between $19 and $22
  million"), odds ("a one-in-three chance") and ranks ("the No. 2 job") are not compared.
- **Days, months and years** given for the same event verb ("has led House Democrats since 2002" /
  "since 2003"; "the story published Friday" / "published a story earlier this week") that
  cannot both be right, also a day or month outside the other's month or year ("quit
  earlier this month" / "left ... last year"). Days further apart than a week, years
  further apart than three, are two events, not one event misdated; "said on Monday" and
  "said on Tuesday" are two statements. A span of years each sentence gives, each end at
  most three years off ("held the seat from 1966 to 1978" / "served from 1967 to 1979"). A
  week outside the month the other sentence gives, each its sentence's only period ("last
  week warned" / "issued last month"); two months are most often two events.
- **Actors**: the same person as who did it, named with two different given names ("Rep.
  Loretta Sanchez won ... defeating Barbara Lee" / "Linda T. Sánchez defeated ... Barbara
  Lee").
- **Places**: the one place each sentence names, and the other article never does, for what
  one doer did ("he had misspoken at a 2008 event in Norfolk" / "he had misspoken ... during
  the Norwalk event"); a city and a state are not compared ("Manchester, N.H." / "New
  Hampshire").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from unidecode import unidecode

from newsprism.analyze.quotes import SPEECH_VERBS
from newsprism.compare.align import describe_time, head_key, predicate_key, time_interval
from newsprism.compare.words import content_words
from newsprism.model import Claim, ConflictKind, Quantity, TimeExpr
from newsprism.settings import FactSettings

if TYPE_CHECKING:
    from newsprism.compare.facts import FactUnit

_DURATIONS = frozenset(
    {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
     "minute", "minutes", "old"}
)  # fmt: skip
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_AT_LEAST = re.compile(
    r"\b(more than|over|at least|upwards of|in excess of|above|just over)\b", re.IGNORECASE
)
_AT_MOST = re.compile(
    r"\b(less than|fewer than|under|below|nearly|almost|just under|close to)\b", re.IGNORECASE
)
# Words around a number that say what it counts, when a sentence gives several of one unit.
_CONTEXT_CHARS = 30
_MIN_CONTEXT_WORDS = 2
_MIN_SINGLE_CONTEXT_WORDS = 1
_MAX_YEARS_APART = 3
_MAX_PERIOD_DAYS_APART = 62  # "last week" / "last month": next to each other
_GENERAL_PREDICATES = frozenset({"be", "have", "say", "tell", "do", "make", "get", "take"})
# Verbs whose dates are not compared: general ones, and those of reporting ("said Monday",
# "announced Tuesday": one outlet may quote an earlier statement than another). Speech that
# is an event of its own ("pleaded guilty", "testified", "charged") is compared. "" dates no
# verb.
_SPEECH_EVENTS = frozenset(
    {"plead", "testify", "charge", "accuse", "rule", "deny", "admit", "appeal", "call",
     "demand", "propose", "promise", "pledge", "vow", "threaten", "urge", "warn"}
)  # fmt: skip
_STATEMENT_VERBS = _GENERAL_PREDICATES | (SPEECH_VERBS - _SPEECH_EVENTS) | {""}
# Verbs that tell one event in other words, compared as one verb for dates: "the House
# resolution passed Tuesday" / "On Wednesday, the House voted 396-9 on a bill".
_ONE_EVENT = (
    ("pass", "vote", "approve", "adopt"),
    ("leave", "quit", "resign"),
    ("indict", "charge"),
    ("arrest", "detain"),
    ("die", "kill"),
)
_EVENT_VERB = {verb: group[0] for group in _ONE_EVENT for verb in group}
# A state holds the cities named beside it: a city and a state are not two places of one event.
_US_STATES = frozenset(
    {"alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
     "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa",
     "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan",
     "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
     "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
     "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota",
     "tennessee", "texas", "utah", "vermont", "virginia", "washington", "west virginia",
     "wisconsin", "wyoming", "washington state", "new york state"}
)  # fmt: skip
_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "rep", "representative", "sen", "senator", "gov", "governor",
     "president", "justice", "judge", "congressman", "congresswoman", "former", "the", "vice",
     "secretary", "speaker", "leader", "mayor", "minister", "prime", "gen", "general",
     "sheriff", "attorney", "chairman", "chairwoman", "chief", "ambassador", "lt", "col"}
)  # fmt: skip


def number_range(quantity: Quantity, slack: float) -> tuple[float, float]:
    """The values a number's words allow: its rounding range ("55,000" -> [54,500, 55,500)),
    widened by ``slack`` (relative) and opened on one side by "more than" / "nearly"."""
    value = quantity.value
    digits = _DIGITS.search(quantity.text)
    if digits:
        shown = digits.group().replace(",", "")
        numeral = float(shown)
        scale = value / numeral if numeral else 1.0
        if "." in shown:
            step = 10.0 ** -len(shown.split(".")[1])
        else:
            step = 10.0 ** (len(shown) - len(shown.rstrip("0"))) if shown.strip("0") else 1.0
        half = step * abs(scale) / 2
    else:  # number words: "three", "two dozen"
        half = 0.5 if float(value).is_integer() else 0.0
        scale = 1.0
    half += slack * abs(value)
    low, high = value - half, value + half
    if abs(scale) > 1:
        # "$43 million" for $43,885,310: amounts in millions are cut as often as rounded.
        high = value + 2 * half
    if _AT_LEAST.search(quantity.text):
        high = math.inf
    elif _AT_MOST.search(quantity.text):
        low = -math.inf
    return low, high


def numbers_agree(a: Quantity, b: Quantity, slack: float) -> bool:
    """Whether either number lies in the range the other's words allow."""
    if a.value == b.value:
        return True
    low_a, high_a = number_range(a, slack)
    low_b, high_b = number_range(b, slack)
    return low_a <= b.value < high_a or low_b <= a.value < high_b


def _context(quantity: Quantity, unit: FactUnit) -> set[str]:
    """The content words within ``_CONTEXT_CHARS`` of a number, whole words only."""
    text = unit.text
    begin = max(quantity.start - unit.start - _CONTEXT_CHARS, 0)
    end = quantity.end - unit.start + _CONTEXT_CHARS
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return content_words(text[begin:end])


# A year named in a sentence ("in 2014", "from 2007 through 2014").
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
# "the No. 2 job", "#3": a rank, a name for a place in an order rather than a count.
_RANK = re.compile(r"(\bNo\.|#|\bnumber)\s*$", re.IGNORECASE)
# "a two-in-three chance", "1 in 3", "one out of five": odds, not counts.
_ODDS = re.compile(rf"\b{_NUMBER_WORD}[\s-]*(?:in|out of)[\s-]*{_NUMBER_WORD}\b", re.IGNORECASE)


def _comparable(quantity: Quantity, unit: FactUnit) -> bool:
    """A count or amount that one outlet can misreport: not a duration, a range ("between
    $19 and $22 million"), odds ("a one-in-three chance") or a rank ("the No. 2 job")."""
    if quantity.unit in _DURATIONS or re.search(r"\bbetween\b", quantity.text, re.IGNORECASE):
        return False
    begin = max(quantity.start - unit.start - 12, 0)
    around = unit.text[begin : quantity.end - unit.start + 12]
    before = unit.text[begin : quantity.start - unit.start]
    return not _ODDS.search(around) and not _RANK.search(before)


def _restated(quantity: Quantity, others: Sequence[Quantity]) -> bool:
    """Whether one of ``others`` gives this number: the same value, or one inside its
    rounding range or holding it in its own (closed ranges only: "over $300" holds every
    larger amount and restates none of them)."""
    low, high = number_range(quantity, 0.0)
    for other in others:
        if other.value == quantity.value:
            return True
        other_low, other_high = number_range(other, 0.0)
        bounded = all(math.isfinite(v) for v in (low, high, other_low, other_high))
        if bounded and numbers_agree(quantity, other, 0.0):
            return True
    return False


def matched_numbers(a: FactUnit, b: FactUnit, max_ratio: float) -> list[tuple[Quantity, Quantity]]:
    """The numbers of the two sentences that give one value. Of one unit each; a number
    the other side restates (equal, or in another rounding: "$15 million" and "$14,959,450")
    is that one; of the rest, the only one of its unit each side, or the one whose
    surrounding words it shares. Numbers further apart than ``max_ratio`` count different
    things ("$10 million in speaking fees" and "$141 million") and are not paired; nor are
    the numbers of two sentences that name different years (a rate "for 2014" and one "from
    2007 through 2014"), or of which one gives a span of years the other does not ("from 2007
    through 2014" and "last year")."""
    out: list[tuple[Quantity, Quantity]] = []
    years_a, years_b = set(_YEAR.findall(a.text)), set(_YEAR.findall(b.text))
    if years_a and years_b and years_a != years_b:
        return out  # "for 2014" and "from 2007 through 2014": the numbers of two periods
    if set(_YEAR_SPAN.findall(a.text)) != set(_YEAR_SPAN.findall(b.text)):
        return out  # "from 2007 through 2014" and "last year": a span's figure, a year's
    units = {q.unit for q in a.numbers if q.unit} & {q.unit for q in b.numbers if q.unit}
    for unit in sorted(units):
        all_a = [q for q in a.numbers if q.unit == unit]
        all_b = [q for q in b.numbers if q.unit == unit]
        # A number the other sentence gives in any unit is not in dispute ("35.72" and
        # "35.7 percent").
        qa = [q for q in all_a if _comparable(q, a) and not _restated(q, b.numbers)]
        qb = [q for q in all_b if _comparable(q, b) and not _restated(q, a.numbers)]
        if not qa or not qb:
            continue
        # The only number of its unit each side needs fewer shared words around it.
        need = _MIN_SINGLE_CONTEXT_WORDS if len(qa) == 1 and len(qb) == 1 else _MIN_CONTEXT_WORDS
        scored = sorted(
            (-len(_context(x, a) & _context(y, b)), i, j)
            for i, x in enumerate(qa)
            for j, y in enumerate(qb)
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for shared, i, j in scored:
            if -shared < need:
                break
            if i in used_a or j in used_b:
                continue
            low, high = sorted((abs(qa[i].value), abs(qb[j].value)))
            if low > 0 and high / low <= max_ratio:
                used_a.add(i)
                used_b.add(j)
                out.append((qa[i], qb[j]))
    return out


def say_number(quantity: Quantity) -> str:
    """A number as a contradiction names it: its words, with its counted noun when the words
    leave it out ("48" of "a report of 48 pages" -> "48 pages")."""
    unit = quantity.unit
    if unit == "percent" and "%" in quantity.text:
        return quantity.text  # "5.4%", not "5.4% percent"
    if unit.isalpha() and unit.islower() and unit not in quantity.text.lower():
        return f"{quantity.text} {unit}"
    return quantity.text


def _when_conflict(a: TimeExpr, b: TimeExpr, max_days: int) -> bool:
    """Two resolved days (or two years) that cannot both be when one event happened, or a
    day outside the days "earlier this week" leaves, at most ``max_days`` from them ("was
    published Friday" / "published a story earlier this week", both written on that Friday).
    A whole week against a day is not compared: "last week" is loose in the outlets' use."""
    if {a.granularity, b.granularity} == {"day", "week"}:
        day, week = (a, b) if a.granularity == "day" else (b, a)
        iday, iweek = time_interval(day), time_interval(week)
        if iday is None or iweek is None or not week.end_value:
            return False
        if iweek[0] <= iday[0] < iweek[1]:
            return False
        return min(abs((iday[0] - iweek[0]).days), abs((iday[0] - iweek[1]).days)) <= max_days
    if a.granularity != b.granularity and {a.granularity, b.granularity} <= set(_COARSER):
        return _outside_conflict(a, b, max_days)
    if a.granularity != b.granularity or a.granularity not in ("day", "year"):
        return False
    ia, ib = time_interval(a), time_interval(b)
    if ia is None or ib is None or ia == ib:
        return False
    if a.granularity == "year":
        return abs(ia[0].year - ib[0].year) <= _MAX_YEARS_APART
    return abs((ia[0] - ib[0]).days) <= max_days


# Day, month and year by coarseness: a time against a coarser one is compared by whether it
# falls inside it (_outside_conflict).
_COARSER = {"day": 0, "month": 1, "year": 2}


def _outside_conflict(a: TimeExpr, b: TimeExpr, max_days: int) -> bool:
    """A day or month outside the coarser month or year the other sentence gives for the same
    event, and near it ("reportedly quit earlier this month", written in January 2013 / "left
    the Patrick administration last year"; "primaries in mid May" / "would be held on April
    30"): a day at most ``max_days`` from the month, a month in a year at most
    ``_MAX_YEARS_APART`` from the other."""
    fine, coarse = sorted((a, b), key=lambda t: _COARSER[t.granularity])
    ifine, icoarse = time_interval(fine), time_interval(coarse)
    if ifine is None or icoarse is None:
        return False
    if icoarse[0] <= ifine[0] < icoarse[1]:
        return False
    if coarse.granularity == "year":
        return abs(ifine[0].year - icoarse[0].year) <= _MAX_YEARS_APART
    gap = min(abs((ifine[0] - icoarse[0]).days), abs((ifine[0] - icoarse[1]).days))
    return gap <= max_days


# "from 1966 to 1978", "between 2007 and 2014": a span of years.
_YEAR_SPAN = re.compile(
    r"\b(?:from|between)\s+(1[89]\d\d|20\d\d)\s+(?:to|and|through|until|till)\s+"
    r"(1[89]\d\d|20\d\d)\b",
    re.IGNORECASE,
)


def span_conflict(a: FactUnit, b: FactUnit) -> tuple[str, str] | None:
    """The one span of years each sentence gives, different but each end at most
    ``_MAX_YEARS_APART`` years from the other's ("held the seat from 1966 to 1978" / "served
    from 1967 to 1979"): one term misdated, not two periods."""
    spans_a = {(int(x), int(y)) for x, y in _YEAR_SPAN.findall(a.text)}
    spans_b = {(int(x), int(y)) for x, y in _YEAR_SPAN.findall(b.text)}
    if len(spans_a) != 1 or len(spans_b) != 1 or spans_a == spans_b:
        return None
    (first_a, last_a), (first_b, last_b) = spans_a.pop(), spans_b.pop()
    if abs(first_a - first_b) > _MAX_YEARS_APART or abs(last_a - last_b) > _MAX_YEARS_APART:
        return None
    return f"{first_a} to {last_a}", f"{first_b} to {last_b}"


def period_conflict(a: FactUnit, b: FactUnit) -> tuple[TimeExpr, TimeExpr] | None:
    """A week one sentence gives outside the month the other gives, each its sentence's only
    week or month and neither naming a day ("last week warned" / "issued last month"). Two
    months, or two weeks, are most often two events ("primaries in mid May" / "an election in
    June"), so they are not compared this way; nor a period dating a statement, a general
    verb ("what the administration has made a drumbeat over the last week") or no verb."""
    periods = []
    for unit in (a, b):
        found = [t for t in unit.times if t.granularity in ("week", "month")]
        if len(found) != 1 or any(t.granularity == "day" for t in unit.times):
            return None
        if found[0].verb in _STATEMENT_VERBS:
            return None
        periods.append(found[0])
    ta, tb = periods
    ia, ib = time_interval(ta), time_interval(tb)
    if ta.granularity == tb.granularity or ia is None or ib is None:
        return None
    if ia[0] < ib[1] and ib[0] < ia[1]:
        return None
    if abs((ia[0] - ib[0]).days) > _MAX_PERIOD_DAYS_APART:
        return None
    return ta, tb


def date_conflict(
    a: FactUnit, b: FactUnit, settings: FactSettings
) -> tuple[TimeExpr, TimeExpr] | None:
    """Days, months or years that the two sentences give for the same event verb (or one told
    in other words: "passed" / "voted"), and that cannot both be right: the times of clauses
    with that verb, or times dating that verb where it makes no clause of its own ("the story
    published Friday" / "the tabloid published a story earlier this week"). Statements are
    not compared: "said on Monday" and "said on Tuesday" are two."""

    def dated(unit: FactUnit) -> list[tuple[str, TimeExpr]]:
        found = [(predicate_key(c), c.time) for c in unit.claims if c.time is not None]
        found += [(t.verb, t) for t in unit.times]
        return [
            (_EVENT_VERB.get(verb, verb), t) for verb, t in found if verb not in _STATEMENT_VERBS
        ]

    for verb_a, time_a in dated(a):
        for verb_b, time_b in dated(b):
            if verb_a != verb_b:
                continue
            if _when_conflict(time_a, time_b, settings.max_date_conflict_days):
                return time_a, time_b
    return None


def _person_name(subject: str) -> list[str]:
    """The name that ends a subject, after its last title ("Arizona Sheriff Joe Arpaio" ->
    ["joe", "arpaio"], "Representative Linda T. Sánchez" -> ["linda", "t", "sanchez"]); empty
    when the subject does not end in a name of two to four words."""
    head = subject.split(",")[0].strip()
    names: list[str] = []
    for word in reversed([w.strip(".’'") for w in head.split()]):
        if word.lower() in _TITLES:
            break
        if not word[:1].isupper():
            return []  # "Hillary and Bill Clinton": two people, not one name
        names.insert(0, unidecode(word).lower())
    return names if 2 <= len(names) <= 4 else []


def _given_names_differ(a: list[str], b: list[str]) -> bool:
    first_a, first_b = a[0], b[0]
    if len(first_a) == 1 or len(first_b) == 1:  # an initial: "L. Sanchez"
        return first_a[0] != first_b[0]
    return first_a != first_b


def actor_conflict(a: FactUnit, b: FactUnit, texts: dict[str, str]) -> tuple[str, str] | None:
    """One person, by surname, as who did the same thing, with two different given names,
    neither of them named in the other article (else they are two people of one family:
    "Bill Clinton" and "Hillary Clinton")."""
    for ca in a.claims:
        for cb in b.claims:
            if predicate_key(ca) != predicate_key(cb) or ca.predicate in _GENERAL_PREDICATES:
                continue
            name_a, name_b = _person_name(ca.subject), _person_name(cb.subject)
            same_surname = bool(name_a and name_b) and name_a[-1] == name_b[-1]
            if not same_surname or not _given_names_differ(name_a, name_b):
                continue
            in_b = unidecode(texts.get(b.article, "")).lower()
            in_a = unidecode(texts.get(a.article, "")).lower()
            if name_a[0] not in _words(in_b) and name_b[0] not in _words(in_a):
                return _shown_name(ca), _shown_name(cb)
    return None


def place_conflict(a: FactUnit, b: FactUnit, texts: dict[str, str]) -> tuple[str, str] | None:
    """Two places given for what one doer did (the same event verb and subject), each named
    only in its own article ("he had misspoken at a 2008 event in Norfolk" / "he had
    misspoken ... during the Norwalk event"): the one place each sentence names that the
    other article never names. A sentence naming more than one such place is not compared
    (which place goes with the verb is the parse's guess), nor a city with a state."""

    def deeds(unit: FactUnit) -> set[tuple[str, str]]:
        return {
            (predicate_key(c), head_key(c.subject_concept, c.subject))
            for c in unit.claims
            if c.predicate not in _GENERAL_PREDICATES
        }

    if not deeds(a) & deeds(b):
        return None
    in_a = unidecode(texts.get(a.article, "")).lower()
    in_b = unidecode(texts.get(b.article, "")).lower()
    only_a = sorted({p for p in a.places if not _named(p, in_b)})
    only_b = sorted({p for p in b.places if not _named(p, in_a)})
    if len(only_a) != 1 or len(only_b) != 1:
        return None
    if (only_a[0].lower() in _US_STATES) != (only_b[0].lower() in _US_STATES):
        return None  # "Manchester, N.H." / "New Hampshire": a city and the state it is in
    return only_a[0], only_b[0]


def _named(name: str, text: str) -> bool:
    """Whether a text (plain, lower case) names a place: its words in a row."""
    words = re.findall(r"[a-z]+", unidecode(name).lower())
    return bool(words) and re.search(r"\b" + r"\W+".join(words) + r"\b", text) is not None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text))


def _shown_name(claim: Claim) -> str:
    return claim.subject.split(",")[0].strip()


def values_conflict(
    pairs: Sequence[tuple[FactUnit, FactUnit]],
    outlets: dict[str, str],
    texts: dict[str, str],
    settings: FactSettings,
) -> tuple[list[ConflictKind], list[str], list[str]]:
    """The kinds of value the linked sentences disagree on (``outlets`` and ``texts`` by
    article id), each difference in words with the outlets stating each side, and the
    articles whose values differ (sorted)."""
    conflicts: list[ConflictKind] = []
    details: list[str] = []
    disputed: set[str] = set()

    def add(kind: ConflictKind, left: str, right: str, a: FactUnit, b: FactUnit) -> None:
        disputed.update((a.article, b.article))
        if kind not in conflicts:
            conflicts.append(kind)
            details.append(f"{left} ({outlets[a.article]}) vs {right} ({outlets[b.article]})")

    for a, b in pairs:
        if a.quoted or b.quoted:
            continue
        for qa, qb in matched_numbers(a, b, settings.max_number_ratio):
            if not numbers_agree(qa, qb, settings.number_tolerance):
                add("number", say_number(qa), say_number(qb), a, b)
                break
        when = date_conflict(a, b, settings)
        if when:
            add("date", describe_time(when[0]), describe_time(when[1]), a, b)
        span = span_conflict(a, b)
        if span:
            add("date", span[0], span[1], a, b)
        period = period_conflict(a, b)
        if period:
            add("date", describe_time(period[0]), describe_time(period[1]), a, b)
        actors = actor_conflict(a, b, texts)
        if actors:
            add("actor", actors[0], actors[1], a, b)
        places = place_conflict(a, b, texts)
        if places:
            add("place", places[0], places[1], a, b)
    return conflicts, details, sorted(disputed)
