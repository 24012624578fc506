"""Quantities of an article, kept as numbers: "36 nations", "$3 billion", "nearly half".

Sources are spaCy's CARDINAL, MONEY, PERCENT and QUANTITY entities, numbers the recogniser
left out, and durations used as measures ("three-day" -> 3 day). Numbers inside dates are
not quantities. The unit is the currency, "percent", the measure word, "fraction", or the
noun the number counts ("36 nations" -> "nations"). Vague amounts ("dozens", "hundreds")
have no value and are skipped.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from newsprism.analyze.dates import candidate_spans, is_duration
from newsprism.model import Article, Quantity

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mln": 1e6, "bn": 1e9, "m": 1e6, "k": 1e3,
}  # fmt: skip
FRACTIONS = {
    "half": 0.5, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "two-thirds": 2 / 3,
    "three-quarters": 0.75,
}  # fmt: skip
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR"}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "ruble": "RUB", "rubles": "RUB", "roubles": "RUB", "yuan": "CNY",
    "yen": "JPY", "rupees": "INR", "hryvnias": "UAH",
}  # fmt: skip
VAGUE = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "scores", "several",
                   "many", "few", "some", "numerous"})  # fmt: skip
LABELS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")
_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")  # "3,000", "1.5"


def _word_number(words: list[str]) -> float | None:
    """Value of number words ("twenty-five", "two hundred", "1.5 million", "3,000")."""
    total, current, seen = 0.0, 0.0, False
    for raw in words:
        word = raw.lower().replace(",", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            current += float(word)
            seen = True
        elif word in UNITS_WORDS:
            current += UNITS_WORDS[word]
            seen = True
        elif word in TENS_WORDS:
            current += TENS_WORDS[word]
            seen = True
        elif "-" in word and all(p in UNITS_WORDS or p in TENS_WORDS for p in word.split("-")):
            current += sum(UNITS_WORDS.get(p, TENS_WORDS.get(p, 0)) for p in word.split("-"))
            seen = True
        elif word in SCALES and seen:
            scale = SCALES[word]
            if scale == 100:
                current *= scale
            else:
                total += (current or 1) * scale
                current = 0.0
        elif word in ("and",):
            continue
        elif seen:
            break
    return total + current if seen else None


def parse_value(text: str) -> tuple[float, str] | None:
    """A number and the unit its own words carry ("45%" -> 45 percent, "$3 bn" -> 3e9 USD)."""
    t = text.strip().replace("\u2009", " ")
    low = t.lower()
    unit = ""
    for symbol, code in CURRENCIES.items():
        if symbol in t:
            unit = code
            t = t.replace(symbol, " ")
    if "%" in t or re.search(r"\bper ?cent\b|\bpercentage points?\b", low):
        unit = "percent"
        t = t.replace("%", " ")
    words = re.findall(r"[\w.,-]+", t)
    words = [w.strip(".,") if not re.fullmatch(r"\d[\d,]*\.\d+", w) else w for w in words]
    for word in words:
        if word.lower() in CURRENCY_WORDS:
            unit = CURRENCY_WORDS[word.lower()]
    clean = [w for w in words if w]
    lowered = [w.lower() for w in clean]
    for k, word in enumerate(lowered):
        if word in FRACTIONS:
            num = _word_number(clean[:k]) if k else None
            return (num or 1.0) * FRACTIONS[word], unit or "fraction"
    if lowered and all(w in VAGUE or w in ("of", "about", "nearly") for w in lowered):
        return None
    start = next(
        (k for k, w in enumerate(lowered)
         if _NUMERAL.fullmatch(w) or w in UNITS_WORDS or w in TENS_WORDS
         or ("-" in w and w.split("-")[0] in TENS_WORDS)),
        None,
    )  # fmt: skip
    if start is None:
        return None
    if lowered[start] in ("a", "an") and (
        start + 1 >= len(lowered) or lowered[start + 1] not in SCALES
    ):
        # "an additional $13.6 million": the article is not the number; "a million" is.
        later = next(
            (k for k in range(start + 1, len(lowered)) if _NUMERAL.fullmatch(lowered[k])),
            None,
        )
        if later is None:
            return None
        start = later
    value = _word_number(clean[start:])
    if value is None:
        return None
    return value, unit


def _counted_noun(span: Span) -> str:
    """The noun a bare number counts: "36 nations" -> "nations"."""
    root = span.root
    head = root.head
    counts = root.dep_ in ("nummod", "quantmod", "amod", "compound")
    outside = head.i >= span.end or head.i < span.start
    if counts and outside and head.pos_ in ("NOUN", "PROPN"):
        return head.text.lower()
    if span.end < len(span.doc):
        nxt = span.doc[span.end]
        if nxt.pos_ == "NOUN" and nxt.head.i != root.i and root.head.i == nxt.i:
            return nxt.text.lower()
    if span.end + 1 < len(span.doc) and span.doc[span.end].lower_ == "of":
        nxt = span.doc[span.end + 1]
        if nxt.pos_ in ("NOUN", "PROPN"):
            return ""
    return ""


def find_quantities(doc: Doc, article: Article) -> list[Quantity]:
    """Every quantity of the article as a number with its unit, in text order."""
    dates = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    text = doc.text
    dates += [s for s in candidate_spans(doc) if not is_duration(text[s[0] : s[1]])]
    found: dict[tuple[int, int], Quantity] = {}
    spans: list[Span] = [e for e in doc.ents if e.label_ in LABELS]
    covered = {t.i for e in spans for t in e}
    for token in doc:
        has_digit = any(ch.isdigit() for ch in token.text)
        if has_digit and token.like_num and token.i not in covered and token.pos_ == "NUM":
            if any(a <= token.idx < b for a, b in dates):
                continue
            spans.append(doc[token.i : token.i + 1])
    for span in spans:
        if any(a <= span.start_char < b for a, b in dates):
            continue
        parsed = parse_value(span.text)
        if parsed is None:
            continue
        value, unit = parsed
        start = span.start_char
        # "$5,587.75" that the recogniser left out is a bare number after its currency sign.
        if not unit and start > 0 and text[start - 1] in CURRENCIES:
            start -= 1
            unit = CURRENCIES[text[start]]
        last = span[-1]
        if not unit and span.label_ == "QUANTITY" and not last.like_num:
            unit = last.text.lower()
        if not unit:
            unit = _counted_noun(span)
        found[(start, span.end_char)] = Quantity(
            article.id, start, span.end_char, text[start : span.end_char], float(value), unit
        )
    # durations used as measures: "three-day", "over two years"
    for ent in doc.ents:
        if ent.label_ != "DATE" or not is_duration(ent.text):
            continue
        nxt = doc[ent.end].lower_ if ent.end < len(doc) else ""
        if nxt in ("ago", "after", "before", "later", "earlier"):
            continue
        m = re.search(r"(day|week|month|year|decade|hour|minute)s?\b", ent.text.lower())
        parsed = parse_value(re.sub(r"-(?=day|week|month|year|decade|hour|minute)", " ", ent.text))
        if m and parsed is not None:
            found[(ent.start_char, ent.end_char)] = Quantity(
                article.id, ent.start_char, ent.end_char, ent.text, float(parsed[0]), m.group(1)
            )
    return [found[k] for k in sorted(found)]
