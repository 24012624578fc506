"""The data model every stage shares: plain dataclasses and nothing else.

Offsets are character offsets into ``Article.text`` (the clean text), end exclusive.
Every derived item carries the article id and the span it came from, so a reader can
always jump from a finding to the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Ownership = Literal["state", "public", "private", "unknown"]
# How a publication time was found.
TimeSource = Literal["metadata", "sidecar", "flag", "html", "text", "unknown"]
# Granularity of a resolved time expression.
Granularity = Literal["minute", "hour", "part_of_day", "day", "week", "month", "year", "range"]
# Status of an event as one article reports it.
Status = Literal["happened", "planned", "ongoing", "denied", "uncertain"]
Relation = Literal["agreed", "contradicted", "single"]
# What a claim was read from: a verb's clause (who did what), or an event word alone (a noun
# such as "the summit" or "talks" that names an event and states nothing about it).
ClaimKind = Literal["clause", "event"]
# What an alignment holds: a fact its sentences state, or the setting of an occasion they name
# (where and when a summit or a hearing takes place, compare/setting.py).
AlignmentKind = Literal["statement", "setting"]
# What two aligned claims disagree on.
ConflictKind = Literal["number", "date", "actor", "place", "outcome", "negation"]


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range [start, end) in one article's clean text."""

    article: str
    start: int
    end: int


@dataclass
class Outlet:
    """A news organisation, from the shipped registry or the user's additions."""

    id: str  # stable slug, e.g. "rt"
    name: str  # display name, e.g. "RT"
    domains: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str = ""  # ISO 3166-1 alpha-2, "" when international/unknown
    ownership: Ownership = "unknown"
    funding: str = ""  # short note on who pays, e.g. "Russian federal budget"
    kind: str = ""  # wire, broadcaster, newspaper, magazine, online, exile


@dataclass
class Article:
    """One news article after ingest: clean text plus metadata and provenance."""

    id: str  # hash of the normalized clean text (see ingest.article_id)
    text: str  # clean text; every offset in the model refers to this
    title: str = ""
    outlet: str = ""  # outlet display name ("" when unknown)
    outlet_id: str = ""  # registry id when matched, else ""
    url: str = ""
    published: datetime | None = None  # timezone-aware when known
    published_source: TimeSource = "unknown"
    language: str = "en"
    source: str = ""  # provenance of the import: path, URL, "stdin", "<file>:<line>"
    notes: list[str] = field(default_factory=list)  # what cleaning removed or inferred


# Characters a terminal acts on or that break a line: C0 and C1 controls, DEL, the Unicode
# line and paragraph separators, and the bidi controls that reorder what follows.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` for one line of terminal output, each control character written as its
    escape (``\\x1b``, ``\\n``, ``\\u202e``): a file name (or a URL, or a message quoting
    one) can then neither send a terminal escape sequence nor forge an output line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class Problem:
    """An input that could not be used, and why, in words a user can act on."""

    input: str  # the path, URL, "stdin" or "<file>:<line>" it came from
    message: str

    def line(self) -> str:
        """``input: message`` for a terminal, control characters shown as escapes."""
        return f"{printable(self.input)}: {printable(self.message)}"


@dataclass
class Sentence:
    article: str
    index: int
    start: int
    end: int


@dataclass
class Mention:
    """A span naming something: a named entity, or a noun phrase used to describe one."""

    id: str  # "<article>:m<k>"
    article: str
    start: int
    end: int
    text: str
    label: str  # spaCy entity label (PERSON, ORG, GPE, ...) or "NP" for a description
    head: str  # lemma of the head word, lower-cased
    sentence: int
    concept: str = ""  # Concept.id once concepts are linked across articles


@dataclass
class Concept:
    """Mentions across articles that refer to the same thing, whatever words each uses."""

    id: str  # "c<k>", stable for the same input
    name: str  # canonical name (the most complete proper name among the mentions)
    kind: str  # PERSON, ORG, GPE, EVENT, ...
    mentions: list[str] = field(default_factory=list)  # Mention ids


@dataclass
class TimeExpr:
    """A date or time expression resolved against the article's publication time."""

    article: str
    start: int
    end: int
    text: str
    value: str | None  # ISO date or datetime of the start; None when unresolvable
    end_value: str | None = None  # ISO end for ranges ("October 22-24")
    granularity: Granularity = "day"
    anchored: bool = True  # False when no publication time was known to resolve against
    # Lemma of the verb the expression dates ("publish" in "the story published Friday"), ""
    # when no verb is near it.
    verb: str = ""


@dataclass
class Quantity:
    article: str
    start: int
    end: int
    text: str
    value: float
    unit: str = ""  # "percent", "people", "USD", ... or "" when bare


@dataclass
class Quote:
    """Words attributed to a speaker, in quotation marks (direct) or reported."""

    id: str  # "<article>:q<k>"
    article: str
    start: int  # span of the quoted words
    end: int
    text: str
    speaker: str  # the words naming the speaker in this article ("" when unknown)
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_concept: str = ""  # Concept.id once linked ("the UN chief" = "Guterres")
    direct: bool = True
    sentence: int = 0


@dataclass
class Claim:
    """One assertion: who did what to what, when, where, with what status, said by whom."""

    id: str  # "<article>:k<k>"
    article: str
    start: int  # the clause or sentence the claim was read from
    end: int
    sentence: int
    subject: str
    predicate: str  # lemma of the main verb (or noun for nominal events), e.g. "meet"
    object: str = ""
    subject_concept: str = ""
    object_concept: str = ""
    predicate_start: int | None = None
    predicate_end: int | None = None
    time: TimeExpr | None = None
    place: str = ""
    numbers: list[Quantity] = field(default_factory=list)
    status: Status = "happened"
    negated: bool = False
    attribution: str = ""  # who said it ("" when the outlet asserts it itself)
    attribution_concept: str = ""
    quoted: bool = False  # inside a direct quote
    kind: ClaimKind = "clause"


@dataclass
class ArticleAnalysis:
    """Everything analyze/ finds in one article. Embeddings live beside it, not in it."""

    article: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    loaded: list[LoadedSpan] = field(default_factory=list)


@dataclass
class Alignment:
    """Claims from different articles that state the same thing, and how they relate."""

    id: str  # "a<k>"
    relation: Relation
    # Claim ids, at most one per article is typical but not required; of a fact row, the
    # first is the clause its label reads.
    claims: list[str]
    articles: list[str]  # articles that report it (sorted)
    label: str = ""  # short human summary, e.g. "Putin — meet — Guterres"
    conflicts: list[ConflictKind] = field(default_factory=list)
    detail: str = ""  # what differs, e.g. "24 October vs 23 October"
    status_change: bool = False  # same event, status moves over time (planned -> happened)
    # Of a contradicted fact: the articles whose values differ. The others report the fact
    # without the disputed value; empty means every article of the alignment.
    disputed: list[str] = field(default_factory=list)
    kind: AlignmentKind = "statement"


@dataclass
class Omission:
    """A fact some articles of the story report and this article does not."""

    article: str  # the article that leaves it out
    alignment: str  # Alignment.id of the fact
    reported_by: list[str]  # article ids that report it


@dataclass
class LoadedSpan:
    """Loaded, emotive or labelling wording, scored."""

    article: str
    start: int
    end: int
    text: str
    score: float  # 0..1, higher is more loaded
    kind: str  # "loaded", "emotive", "label"
    sentence: int = 0


@dataclass
class TermUse:
    """The words one outlet uses for one concept, with counts and one span per form."""

    concept: str
    article: str
    term: str
    count: int
    spans: list[Span] = field(default_factory=list)


@dataclass
class EventReport:
    """An event's status and resolved time as one article reports it."""

    event: str  # Alignment.id
    label: str
    article: str
    claim: str
    status: Status
    time: str | None  # ISO value of the event's resolved time, when stated
    granularity: str | None
    published: str | None  # the article's publication time (ISO)


@dataclass
class QuoteShare:
    """Quote balance: how much one outlet gives one speaker."""

    speaker: str  # canonical speaker name (Concept.name) or the raw speaker words
    speaker_concept: str
    article: str
    direct: int
    reported: int
    characters: int  # total length of the quoted words


@dataclass
class BriefSentence:
    text: str
    claims: list[str]  # Claim ids it rests on
    spans: list[Span]  # the spans of those claims
    kind: str = "shared"  # "shared" (all outlets), "partial", "contradicted"


@dataclass
class Story:
    """A group of articles about one real event or development."""

    id: str
    title: str
    articles: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    concepts: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """The full result of comparing the articles of one story."""

    articles: list[Article]
    analyses: list[ArticleAnalysis]
    concepts: list[Concept] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    omissions: list[Omission] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)
    loaded: list[LoadedSpan] = field(default_factory=list)
    quote_balance: list[QuoteShare] = field(default_factory=list)
    events: list[EventReport] = field(default_factory=list)
    brief: list[BriefSentence] = field(default_factory=list)
    story: str = ""
    timings: dict[str, float] = field(default_factory=dict)


# Orders every reader of a comparison agrees on: the report (``report.jsonout``) writes them
# and the store (``store.comparisons``) saves them in this order, so a stored comparison reads
# back as the same report.


def ordered_analyses(comparison: Comparison) -> list[ArticleAnalysis]:
    """The analyses in the order of ``comparison.articles`` (missing ones are empty)."""
    by_article = {a.article: a for a in comparison.analyses}
    return [by_article.get(a.id) or ArticleAnalysis(article=a.id) for a in comparison.articles]


def loaded_spans(comparison: Comparison) -> list[LoadedSpan]:
    """The comparison's loaded spans, or, when the pipeline left them only in the analyses,
    those in article order."""
    if comparison.loaded:
        return list(comparison.loaded)
    return [span for analysis in ordered_analyses(comparison) for span in analysis.loaded]
