"""The neutral brief: a short summary built only from what the sources say.

Every sentence is the cleaned text of one claim (extractive), and cites the claims it rests on
and their spans. Order: what every outlet reports (kind ``shared``, by position in the first
article), then what only some report (``partial``, most outlets first, then by how much the
other outlets' words agree with it and how near the lead it is; attributed by name:
"According to RT, ..." / "RT and RFE/RL report that ..."), then contradictions stated
neutrally (``contradicted``: "According to RT, ...; TASS gives 35 nations."), each side told
by a clause that gives its value, the sides those of the articles whose values differ.

A claim clause is told alone only when that cannot change its sense (it opens its sentence,
the rest hangs off it at a comma or a coordination, its attribution is inside it); an
embedded or conditional clause ("... does not believe [Trump will be convicted]") is told by
its whole sentence, which is cited too. A fact whose status moved (planned -> held) is told
in its latest state by the outlets reporting it held, and the outlets that reported it as
planned are named for that once: a second account of the same plan is told in the later
outlets' name alone, and the planned sentence is not told again on its own.

Cleaning a claim's text: leading connectives ("In response,", "However,") are cut; a leading
personal pronoun becomes the name of the claim's subject concept (and that name's mention is
cited too); loaded wording (the analysis' ``LoadedSpan``s and the small list in
``data/brief_neutral.txt``) is dropped when it only modifies another word, replaced by the
list's neutral word when it has one, and otherwise the claim is not used.

The attribution phrases the brief adds are the only words not taken from the cited spans;
``attribution_free`` removes them, and ``is_supported`` checks the rest against the spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from newsprism.compare.align import describe_time
from newsprism.compare.events import is_event_word_claim
from newsprism.compare.words import CONNECTIVE, QUOTE_CHARS, ends_naturally, opening_note
from newsprism.model import (
    Alignment,
    Article,
    BriefSentence,
    Claim,
    Comparison,
    Concept,
    LoadedSpan,
    Mention,
    Span,
)
from newsprism.settings import DEFAULT, BriefSettings

_WORD = re.compile(r"[A-Za-z]+")
_ARTICLES = frozenset({"the", "a", "an"})
# A clause with no subject that still stands as a sentence: "there is no indication ...".
_EXPLETIVE = re.compile(r"\s*there\b", re.IGNORECASE)
# Abbreviations whose full stop a clause keeps at its end ("Manchester, N.H.").
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.){2,}$|\b(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass"
    r"|Mich|Minn|Miss|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo|Jr|Sr|Inc|Corp|Ltd"
    r"|Co|St)\.$"
)
# A newsletter label opening a sentence ("Why it matters: ", "The big picture: ").
_LABEL = re.compile(r"^\s*[A-Z][a-z]*(?: [a-z]+){1,3}:\s+(?=[A-Z])")
_PRONOUNS = {"he": {"PERSON"}, "she": {"PERSON"}, "they": {"PERSON", "ORG", "NORP", "GPE"}}
_MODIFIER_DEPS = {"amod", "advmod", "npadvmod"}
_MODIFIER_POS = {"ADJ", "ADV"}
_NAME_ENTITIES = {
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "PRODUCT",
    "LANGUAGE",
}
# Words a clause cannot start with and still read as a sentence of its own.
_FRAGMENT_START = {
    "to",
    "which",
    "who",
    "whom",
    "whose",
    "that",
    "where",
    "when",
    "while",
    "after",
    "before",
    "because",
    "despite",
    "although",
    "though",
    "if",
    "as",
    "just",
    "how",
    "what",
    "unless",
    "since",
    "until",
    "whether",
    "than",
    "including",
    "by",
    "with",
    "for",
    "of",
}
# Words and marks a clause boundary can leave hanging at its end ("..., but", "... and").
_DANGLING = re.compile(
    r"(?:[\s,;:\u2013\u2014-]+|\s+(?:and|but|or|as|while|stating|saying|with|which|who|"
    r"that|because|including|although|though|whereas)\b)+$",
    re.IGNORECASE,
)


@dataclass
class _Fact:
    """One thing the sources say: an alignment, or a claim nothing aligned."""

    kind: str  # "shared", "partial", "contradicted"
    claims: list[Claim]
    articles: list[int]  # indices of the articles reporting it, sorted
    alignment: Alignment | None = None
    position: tuple[int, int] = (0, 0)  # (article index, start) of its earliest claim
    centrality: float = 0.0


@dataclass
class _Clause:
    """A claim's text made fit for the brief, with what it cites."""

    claim: Claim
    text: str  # no final punctuation, first letter as in the source
    spans: list[Span] = field(default_factory=list)
    words: int = 0
    quoted: bool = False
    fragment: bool = False  # the claim alone was not a sentence (subject or sentence added)
    source: Span | None = None  # the source text the brief sentence is made of


def content_words(text: str) -> list[str]:
    """Lower-cased alphabetic tokens of two letters or more that are not stopwords.

    This is what ``is_supported`` checks against the cited spans and what the brief uses to
    recognise a sentence that repeats an earlier one.
    """
    words = (w.lower() for w in _WORD.findall(text))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def outlet_names(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> the name the brief uses for its outlet ("Source 2" when unknown)."""
    return {a.id: (a.outlet.strip() or f"Source {i + 1}") for i, a in enumerate(articles)}


def _join_names(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _attribution_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(n) for n in names if n}, key=len, reverse=True)
    name = "(?:" + "|".join(alternatives) + ")" if alternatives else "(?!x)x"
    name_list = rf"{name}(?:(?:,\s*|\s+and\s+|,\s*and\s+){name})*"
    return re.compile(
        rf"(?:^|(?<=;)\s*)according to {name},\s*"
        rf"|^{name_list} reports? that\s+"
        rf"|;\s*{name} gives\s+"
        rf"|,\s*where {name} gives\s+"
        rf"|;\s*{name_list} had reported it as planned",
        re.IGNORECASE,
    )


def attribution_free(text: str, names: Iterable[str]) -> str:
    """The sentence without the attribution phrases the brief adds around source words.

    Removed, for the outlet names given: "According to NAME, " (at the start or after ";"),
    "NAME[, NAME] and NAME report(s) that " at the start, "; NAME gives ", ", where NAME
    gives ", and "; NAME[ and NAME] had reported it as planned". Nothing else.
    """
    return _attribution_pattern(names).sub(" ", text).strip()


def is_supported(
    sentence: BriefSentence, articles: dict[str, Article], names: Iterable[str]
) -> bool:
    """True when every content word of the sentence, attribution removed, is in its spans."""
    cited = " ".join(
        articles[s.article].text[s.start : s.end] for s in sentence.spans if s.article in articles
    )
    available = set(content_words(cited))
    return all(w in available for w in content_words(attribution_free(sentence.text, names)))


@lru_cache(maxsize=1)
def neutral_wording() -> tuple[dict[str, str], frozenset[str]]:
    """The shipped list: (word -> neutral replacement, intensifiers to drop as modifiers)."""
    replace: dict[str, str] = {}
    drop: set[str] = set()
    text = resources.files("newsprism").joinpath("data/brief_neutral.txt").read_text("utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=>" in line:
            word, neutral = (p.strip() for p in line.split("=>", 1))
            replace[word.lower()] = neutral
        else:
            drop.add(line.lower())
    return replace, frozenset(drop)


def _match_case(word: str, model: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


class _Context:
    """Lookups over one comparison that the cleaning steps share."""

    def __init__(self, comparison: Comparison, settings: BriefSettings) -> None:
        self.settings = settings
        self.articles = comparison.articles
        self.by_id = {a.id: a for a in comparison.articles}
        self.index = {a.id: i for i, a in enumerate(comparison.articles)}
        self.names = outlet_names(comparison.articles)
        self.concepts: dict[str, Concept] = {c.id: c for c in comparison.concepts}
        self.mentions: dict[str, Mention] = {}
        self.sentences = {a.article: a.sentences for a in comparison.analyses}
        self.times = {a.article: a.times for a in comparison.analyses}
        # Each article's words, read once (a story has thousands of facts to weigh).
        self.article_words = [set(content_words(a.title + " " + a.text)) for a in self.articles]
        self.quote_loaded = False  # last resort: loaded words kept, in quotation marks
        loaded: dict[tuple[str, int, int], LoadedSpan] = {}
        for analysis in comparison.analyses:
            for m in analysis.mentions:
                self.mentions[m.id] = m
            for span in analysis.loaded:
                loaded[(span.article, span.start, span.end)] = span
        for span in comparison.loaded:
            loaded[(span.article, span.start, span.end)] = span
        self.loaded: dict[str, list[LoadedSpan]] = {}
        for span in sorted(loaded.values(), key=lambda s: (s.article, s.start, s.end)):
            threshold = (
                settings.emotive_min_score if span.kind == "emotive" else settings.loaded_min_score
            )
            if span.score >= threshold and not _is_name(self.by_id.get(span.article), span):
                self.loaded.setdefault(span.article, []).append(span)
        self.lowercase_words = {
            w for a in comparison.articles for w in _WORD.findall(a.text) if w.islower()
        }
        # Capitalised words seen inside a sentence (not after . ! ? or a quote): names.
        self.capitalized_inside = {
            m.group(1)
            for a in comparison.articles
            for m in re.finditer(r"[a-z,;]\s+([A-Z][a-z]+)", a.text)
        }

    def name(self, claim: Claim) -> str:
        return self.names.get(claim.article, claim.article)


@lru_cache(maxsize=4096)
def _parsed(text: str) -> Doc:
    """The shared spaCy parse of a short text (clauses are parsed again and again)."""
    from newsprism.analyze.nlp import parse_one

    return parse_one(text)


def _is_name(article: Article | None, span: LoadedSpan) -> bool:
    """A capitalised word inside a sentence is part of a name ("Supreme Court"), not a judgement."""
    if article is None or not span.text[:1].isupper():
        return False
    before = article.text[max(0, span.start - 3) : span.start].strip()
    return bool(before) and before[-1] not in ".!?\"“'‘:"


def _is_modifier(clause_text: str, rel_start: int, rel_end: int) -> bool:
    """Whether the words at [rel_start, rel_end) of the clause only modify another word."""
    doc = _parsed(clause_text)
    tokens = [t for t in doc if t.idx < rel_end and t.idx + len(t.text) > rel_start]
    words = [t for t in tokens if not t.is_punct and t.text != "-"]
    if not words:
        return False
    return all(
        t.pos_ in _MODIFIER_POS and t.dep_ in _MODIFIER_DEPS and t.head not in words for t in words
    ) or all(t.dep_ in _MODIFIER_DEPS for t in words)


def _edits_for_loaded(
    ctx: _Context, article: Article, start: int, end: int
) -> list[tuple[int, int, str]] | None:
    """Edits (article offsets, replacement) that remove loaded wording; None if impossible."""
    replace, drop = neutral_wording()
    clause = article.text[start:end]
    found: list[tuple[int, int, str | None]] = []  # None = drop if it is a modifier
    for span in ctx.loaded.get(article.id, []):
        if span.start < end and span.end > start:
            s, e = max(span.start, start), min(span.end, end)
            word = article.text[s:e].lower()
            found.append((s, e, replace.get(word)))
    for match in re.finditer(r"[A-Za-z][A-Za-z-]*", clause):
        word = match.group().lower()
        if word in replace or word in drop:
            found.append((start + match.start(), start + match.end(), replace.get(word)))
    edits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for s, e, neutral in sorted(found, key=lambda f: (f[0], -f[1])):
        if any(s < te and e > ts for ts, te in taken):
            continue
        taken.append((s, e))
        if neutral is not None:
            edits.append((s, e, _match_case(neutral, article.text[s:e])))
        elif ctx.settings.drop_loaded and _is_modifier(clause, s - start, e - start):
            edits.append((s, e, ""))
            fix = _indefinite_fix(article, start, s, e)
            if fix is not None:
                edits.append(fix)
        elif ctx.quote_loaded:
            words = article.text[s:e]
            edits.append((s, e, f"\u201c{words}\u201d"))
        else:
            return None
    return edits


def _apply(text: str, base: int, edits: list[tuple[int, int, str]]) -> str:
    out = text
    for s, e, new in sorted(edits, key=lambda x: -x[0]):
        out = out[: s - base] + new + out[e - base :]
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", out)
    return out.strip()


def _indefinite_fix(article: Article, start: int, s: int, e: int) -> tuple[int, int, str] | None:
    """When dropping [s, e) leaves "a"/"an" before a word, the edit that fixes the article."""
    before = re.search(r"\b([Aa])(n?)\s+$", article.text[start:s])
    after = re.match(r"[\s,]*([A-Za-z])", article.text[e:])
    if before is None or after is None:
        return None
    vowel = after.group(1).lower() in "aeiou"
    fixed = before.group(1) + ("n" if vowel else "")
    if fixed == before.group(1) + before.group(2):
        return None
    return (start + before.start(), start + before.end(2), fixed)


def _sentence_of(ctx: _Context, claim: Claim) -> tuple[int, int] | None:
    """The (start, end) of the analysis sentence holding the claim."""
    for sentence in ctx.sentences.get(claim.article, []):
        if sentence.start <= claim.start < sentence.end:
            return sentence.start, max(sentence.end, claim.end)
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding blanks and words left dangling at the end."""
    while start < end and text[start].isspace():
        start += 1
    while True:
        piece = text[start:end]
        match = _DANGLING.search(piece)
        if match is None or match.start() == 0:
            break
        end = start + match.start()
    return start, end


def _leads_with_finite_verb(text: str) -> bool:
    doc = _parsed(text)
    return len(doc) > 0 and doc[0].tag_ in {"VBD", "VBZ", "VBP"}


def _stands_alone(claim: Claim, text: str) -> bool:
    """Whether a claim's clause can be a sentence: it has a subject, or an expletive "there"
    ("there is no indication ..."). A clause without one is an adjunct ("Despite the meeting,
    scheduled to take place on October 24"), an infinitive or an event word."""
    return bool(claim.subject.strip()) or bool(_EXPLETIVE.match(text))


def _clause_range(ctx: _Context, claim: Claim, article: Article) -> tuple[int, int, str, bool]:
    """The words a claim is told with: (start, end, prefix, from_sentence).

    A claim clause is told alone only when that cannot change its sense: it opens its
    sentence (an embedded clause, "... does not believe [Trump will be convicted]", or a
    condition, "if [Kim detonates a bomb]", would assert what the source does not), the rest
    of the sentence hangs off it at a comma, a dash or a coordination, and its attribution is
    inside it, and it has a subject or an expletive "there" (not an adjunct such as "Despite
    the meeting, scheduled to take place on October 24"). A clause that opens with its verb
    ("discussed proposals ...") takes the words of its subject when they open the sentence.
    Anything else is told by its whole sentence.
    """
    c_start, c_end = _trimmed(article.text, claim.start, claim.end)
    sentence = _sentence_of(ctx, claim)
    if sentence is None:
        return c_start, c_end, "", False
    s_start, s_end = _trimmed(article.text, *sentence)
    opening = CONNECTIVE.match(article.text[s_start:s_end])
    body = s_start + (opening.end() if opening else 0)
    while body < s_end and article.text[body] in QUOTE_CHARS:
        body += 1
    tail = article.text[c_end:s_end]
    natural_end = ends_naturally(tail)
    said_elsewhere = (
        bool(claim.attribution) and claim.attribution not in article.text[c_start:c_end]
    )
    if natural_end and not said_elsewhere:
        if c_start <= body and _stands_alone(claim, article.text[c_start:c_end]):
            return c_start, c_end, "", False
        subject = claim.subject.strip()
        verb_first = claim.predicate_start is not None and claim.predicate_start <= c_start
        if (
            verb_first
            and subject
            and article.text.startswith(subject, body)
            and _leads_with_finite_verb(article.text[c_start:c_end])
        ):
            return c_start, c_end, subject, True
    return s_start, s_end, "", True


def _balance_quotes(text: str) -> str:
    """Close a quotation the clause opens, drop a closing mark whose opening is outside it."""
    opens, closes = text.count("“"), text.count("”")
    if opens > closes:
        text += "”"
    elif closes > opens:
        text = text.replace("”", "", closes - opens)
    if text.count('"') % 2:
        first = text.index('"')
        opening = first == 0 or text[first - 1].isspace() or text[first - 1] in "(["
        text = text + '"' if opening else text[:first] + text[first + 1 :]
    return text


def _clean(ctx: _Context, claim: Claim) -> _Clause | None:
    """The claim's own words, cleaned for the brief; None when it cannot be used."""
    article = ctx.by_id.get(claim.article)
    if article is None or claim.end <= claim.start:
        return None
    start, end, prefix, from_sentence = _clause_range(ctx, claim, article)
    if end <= start:
        return None
    raw = article.text[start:end]
    edits: list[tuple[int, int, str]] = []
    cut = opening_note(raw, claim.sentence == 0)
    connective = CONNECTIVE.match(raw[cut:]) or _LABEL.match(raw[cut:])
    opening = cut + (connective.end() if connective else 0)  # the words cut before the body
    if opening >= len(raw):
        opening = 0
    if opening:
        edits.append((start, start + opening, ""))
    loaded_edits = _edits_for_loaded(ctx, article, start, end)
    if loaded_edits is None:
        return None
    edits += [e for e in loaded_edits if e[0] >= start + opening]
    spans = [Span(article.id, claim.start, claim.end)]
    if from_sentence:
        sentence = _sentence_of(ctx, claim)
        if sentence is not None:
            spans.append(Span(article.id, *sentence))
    if prefix:
        edits.append((start, start, prefix + " "))
    # A leading pronoun becomes the subject's name, citing one mention of that name.
    body_start = start + opening
    first = re.match(r"[A-Za-z]+", article.text[body_start:end])
    if not prefix and first and first.group().lower() in _PRONOUNS and claim.subject_concept:
        concept = ctx.concepts.get(claim.subject_concept)
        mention = _naming_mention(ctx, concept, article.id) if concept else None
        if concept and mention and concept.kind in _PRONOUNS[first.group().lower()]:
            edits.append((body_start, body_start + first.end(), concept.name))
            spans.append(Span(mention.article, mention.start, mention.end))
    text = _apply(raw, start, edits).rstrip(" .;:,")
    text = _balance_quotes(text).rstrip(" .;:,")
    if _ABBREVIATION.search(text + "."):
        text += "."  # "Manchester, N.H." keeps its full stop
    if not text or not any(ch.isalpha() for ch in text):
        return None
    return _Clause(
        claim=claim,
        text=text[:1].upper() + text[1:],
        spans=spans,
        words=len(text.split()),
        quoted=claim.quoted,
        fragment=from_sentence,
        source=Span(article.id, start, end),
    )


def _naming_mention(ctx: _Context, concept: Concept, article: str = "") -> Mention | None:
    """The mention whose words are the concept's name (or hold most of it), in ``article``
    when that article names it in full: a pronoun resolved in RT's clause cites RT's words."""
    best: Mention | None = None
    best_score = (0.0, False)
    name_words = set(concept.name.lower().split())
    for mention_id in concept.mentions:
        m = ctx.mentions.get(mention_id)
        if m is None:
            continue
        overlap = len(name_words & set(m.text.lower().split())) / max(len(name_words), 1)
        score = (overlap, m.article == article)
        if score > best_score:
            best, best_score = m, score
    return best if best_score[0] == 1.0 else None


def _lower_first(ctx: _Context, text: str) -> str:
    """Lower-case the first letter when the first word is not a name ("The" -> "the")."""
    first = _WORD.match(text)
    if first is None:
        return text
    word = first.group()
    if word.isupper() and len(word) > 1:
        return text
    lower = word.lower()
    if lower in _ARTICLES:
        return text[:1].lower() + text[1:]  # "The most recent projections": even where "The
        # Times" puts a capital "The" inside the articles' sentences
    if word in ctx.capitalized_inside:
        return text
    if lower in STOP_WORDS or lower in ctx.lowercase_words:
        return text[:1].lower() + text[1:]
    first_token = _parsed(text)[0]
    if first_token.pos_ != "PROPN" and first_token.ent_type_ not in _NAME_ENTITIES:
        return text[:1].lower() + text[1:]
    return text


def _facts(ctx: _Context, comparison: Comparison) -> list[_Fact]:
    claims = {c.id: c for a in comparison.analyses for c in a.claims}
    n_articles = len(comparison.articles)
    facts: list[_Fact] = []
    covered: set[str] = set()
    for alignment in comparison.alignments:
        members = [claims[c] for c in alignment.claims if c in claims]
        if not members or alignment.kind == "setting":
            # An occasion's setting (compare/setting.py) is a row of its own in the matrix;
            # the brief tells what its sentences state.
            continue
        covered.update(c.id for c in members)
        if alignment.relation == "contradicted" and alignment.disputed:
            # The sides are the articles whose values differ; the others add nothing to it.
            members = [c for c in members if c.article in alignment.disputed] or members
        reporting = sorted({ctx.index[c.article] for c in members if c.article in ctx.index})
        if alignment.relation == "contradicted" and len(reporting) >= 2:
            kind = "contradicted"
        elif len(reporting) == n_articles:
            kind = "shared"
        else:
            kind = "partial"
        facts.append(_Fact(kind, members, reporting, alignment))
    for analysis in comparison.analyses:
        for claim in analysis.claims:
            if claim.id not in covered and claim.article in ctx.index:
                kind = "shared" if n_articles == 1 else "partial"
                facts.append(_Fact(kind, [claim], [ctx.index[claim.article]]))
    for fact in facts:
        fact.position = min((ctx.index.get(c.article, 0), c.start) for c in fact.claims)
        fact.centrality = _centrality(ctx, fact)
    return facts


def _centrality(ctx: _Context, fact: _Fact) -> float:
    """How much of the fact's wording the articles that do not report it still use (0..1)."""
    others = [w for i, w in enumerate(ctx.article_words) if i not in fact.articles]
    if not others:
        return 1.0
    claim = fact.claims[0]
    article = ctx.by_id[claim.article]
    words = set(content_words(article.text[claim.start : claim.end]))
    if not words:
        return 0.0
    scores = [len(words & other) / len(words) for other in others]
    return sum(scores) / len(scores)


def _salience(fact: _Fact, settings: BriefSettings) -> float:
    """How much a partial fact belongs in the brief: the others' agreement, lead sentences."""
    sentence = min(c.sentence for c in fact.claims)
    return fact.centrality - settings.later_sentence_penalty * sentence


def _best_clause(ctx: _Context, fact: _Fact) -> _Clause | None:
    """The claim of the fact that reads best: unquoted, not too long, earliest article."""
    settings = ctx.settings
    candidates = [c for c in (_clean(ctx, claim) for claim in fact.claims) if c is not None]
    usable = [c for c in candidates if c.words >= settings.min_clause_words]
    if fact.kind != "shared":
        # What only some report is told briefly and in the outlet's own voice.
        usable = [c for c in usable if c.words <= settings.max_clause_words]
        if settings.drop_quoted:
            usable = [c for c in usable if not c.quoted]
    if not usable:
        return None
    # A fact whose status moved (planned -> held) is told in its latest state.
    status_change = fact.alignment is not None and fact.alignment.status_change
    # A contradiction is told by a clause that gives its side's value.
    dispute = _dispute_words(ctx, fact)
    return min(
        usable,
        key=lambda c: (
            bool(dispute) and not _shows(c.text, dispute),
            status_change and c.claim.status != "happened",
            # Event-word claims (kind "event", compare/events.py) carry no status of their
            # own: a full claim states the fact.
            is_event_word_claim(c.claim),
            c.quoted,
            c.words > settings.max_clause_words,
            c.fragment,
            ctx.index.get(c.claim.article, 0),
            c.claim.start,
        ),
    )


def _dispute_words(ctx: _Context, fact: _Fact) -> set[str]:
    """The words that give a contradiction's values: its detail's numbers and capitalised
    words, less the outlet names ("1966", "1978", "Norfolk"); none for any other fact."""
    if fact.kind != "contradicted" or fact.alignment is None:
        return set()
    detail = fact.alignment.detail
    for name in sorted(ctx.names.values(), key=len, reverse=True):
        detail = detail.replace(f"({name})", " ")
    return {
        w for w in re.findall(r"\w+", detail) if any(ch.isdigit() for ch in w) or w[:1].isupper()
    }


def _shows(text: str, words: set[str]) -> bool:
    return any(w in words for w in re.findall(r"\w+", text))


def _end(text: str) -> str:
    """The text closed by a full stop, unless it or a quotation already closes on one."""
    return text if re.search(r"[.!?][\"”’']?$", text) else text + "."


def _render(ctx: _Context, fact: _Fact, clause: _Clause, told: set[Span]) -> BriefSentence | None:
    """The brief sentence of a fact told by ``clause``; ``told`` holds the spans the brief's
    earlier sentences cite."""
    spans = {Span(c.article, c.start, c.end) for c in fact.claims} | set(clause.spans)
    claim_ids = [c.id for c in sorted(fact.claims, key=lambda c: (ctx.index[c.article], c.start))]
    plans = _planned_claims(ctx, fact, clause)
    if plans:
        # A development: told in its latest state, by the outlets that report it held; those
        # that reported it still planned say so (they are cited for that, not for the latest
        # state), unless an earlier sentence already did.
        fresh = [c for c in plans if not _overlaps([_span(c)], told)]
        held = sorted(
            (c for c in fact.claims if c not in plans),
            key=lambda c: (ctx.index[c.article], c.start),
        )
        if not fresh:
            spans = {_span(c) for c in held} | set(clause.spans)
            claim_ids = [c.id for c in held]
        if fresh and fact.kind == "shared":
            text = clause.text
        else:
            text = _reported_by(list(dict.fromkeys(ctx.name(c) for c in held)), ctx, clause)
        if fresh:
            planned = list(dict.fromkeys(ctx.name(c) for c in fresh))
            text = f"{text}; {_join_names(planned)} had reported it as planned."
        else:
            text = _end(text)
    elif fact.kind == "shared":
        text = _end(clause.text)
    elif fact.kind == "partial":
        names = list(dict.fromkeys(ctx.names[ctx.articles[i].id] for i in fact.articles))
        text = _end(_reported_by(names, ctx, clause))
    else:
        contrast = _contrast(ctx, fact, clause)
        if contrast is None:
            return None
        text, more = contrast
        spans |= set(more)
    return BriefSentence(
        text=text[:1].upper() + text[1:], claims=claim_ids, spans=sorted(spans), kind=fact.kind
    )


def _reported_by(names: Sequence[str], ctx: _Context, clause: _Clause) -> str:
    """The clause in the name of the outlets that report it: "According to RT, ...", "RT
    and TASS report that ..."."""
    body = _lower_first(ctx, clause.text)
    if len(names) == 1:
        return f"According to {names[0]}, {body}"
    return f"{_join_names(names)} report that {body}"


def _span(claim: Claim) -> Span:
    return Span(claim.article, claim.start, claim.end)


def _planned_claims(ctx: _Context, fact: _Fact, clause: _Clause) -> list[Claim]:
    """The claims of other outlets that reported a fact as planned when it is told as held
    (its status moved, ``Alignment.status_change``); none for any other fact."""
    if fact.alignment is None or not fact.alignment.status_change:
        return []
    if fact.kind == "contradicted" or clause.claim.status == "planned":
        return []
    return sorted(
        (c for c in fact.claims if c.status == "planned" and c.article != clause.claim.article),
        key=lambda c: (ctx.index[c.article], c.start),
    )


_DETAIL = re.compile(r"^(.+) \((.+?)\) vs (.+) \((.+?)\)$")


def _disputed_values(ctx: _Context, fact: _Fact) -> dict[str, str]:
    """Article id -> the value it gives, read from the first difference the alignment's
    detail names ("55,000 pages (Fox News) vs 50,000 pages (The New York Times)")."""
    if fact.alignment is None or not fact.alignment.detail:
        return {}
    found = _DETAIL.match(fact.alignment.detail.split("; ")[0])
    if found is None:
        return {}
    left, left_outlet, right, right_outlet = found.groups()
    ids = {a.outlet or a.title or a.id: a.id for a in ctx.articles}
    if left_outlet not in ids or right_outlet not in ids:
        return {}
    return {ids[left_outlet]: left, ids[right_outlet]: right}


def _time_words(ctx: _Context, fact: _Fact, article: str, value: str) -> str:
    """The words a sentence of the fact in ``article`` uses for a disputed date ("last
    week" for "6 June - 12 June 2011"), or ""."""
    sentences = [_sentence_of(ctx, c) for c in fact.claims if c.article == article]
    for time in ctx.times.get(article, []):
        inside = any(s is not None and s[0] <= time.start < s[1] for s in sentences)
        if inside and describe_time(time) == value:
            return time.text
    return ""


def _numbers_in(text: str) -> list[str]:
    return re.findall(r"\d[\d,.]*", text)


def _contrast(ctx: _Context, fact: _Fact, clause: _Clause) -> tuple[str, list[Span]] | None:
    """One neutral sentence for a contradiction: the first side's clause in its outlet's
    name, then the other side's value ("...; Fox News gives 55,000 pages."), with the first
    side's own value where its clause does not show it alone ("... where The New York Times
    gives 20 June 2016"). Without a value to name, the other side's clause (+ its spans)."""
    first = clause.claim
    others = [c for c in fact.claims if c.article != first.article]
    if not others:
        return None
    dispute = _dispute_words(ctx, fact)
    cleaned = {c.id: _clean(ctx, c) for c in others}

    def shows(claim: Claim) -> bool:
        text = cleaned[claim.id]
        return text is not None and _shows(text.text, dispute)

    # The other side's clause that gives its value, else its first.
    second = min(others, key=lambda c: (not shows(c), ctx.index[c.article], c.start))
    lead = f"According to {ctx.name(first)}, {_lower_first(ctx, clause.text)}"
    values = _disputed_values(ctx, fact)
    mine, theirs = values.get(first.article), values.get(second.article)
    if mine and theirs:
        said, own = theirs, mine
        kinds = fact.alignment.conflicts[:1] if fact.alignment else []
        if kinds == ["date"]:
            # The outlets' own words for the dates ("last week") when they differ.
            words = (
                _time_words(ctx, fact, second.article, theirs),
                _time_words(ctx, fact, first.article, mine),
            )
            if all(words) and words[0].lower() != words[1].lower():
                said, own = words
        text = f"{lead}; {ctx.name(second)} gives {_lower_first(ctx, said)}"
        shown = _numbers_in(own) if _numbers_in(own) else [own]
        alone = all(v in clause.text for v in shown) and (
            kinds != ["number"] or len(_numbers_in(clause.text)) == len(_numbers_in(own))
        )
        if not alone:
            text += f", where {ctx.name(first)} gives {own}"
        where = _sentence_of(ctx, second)  # the other side's value, cited where it stands
        return _end(text), [Span(second.article, *where)] if where else []
    other = cleaned[second.id]
    if other is None or other.words > ctx.settings.max_clause_words:
        return None
    text = f"{lead}; according to {ctx.name(second)}, {_end(_lower_first(ctx, other.text))}"
    return text, other.spans


def _overlaps(spans: Iterable[Span], told: set[Span]) -> bool:
    """Whether any of ``spans`` shares characters with a span already told in the brief."""
    return any(
        s.article == t.article and s.start < t.end and t.start < s.end for s in spans for t in told
    )


def _redundant(seen: set[str], sentence_words: list[str]) -> bool:
    if not sentence_words:
        return True
    covered = sum(1 for w in sentence_words if w in seen)
    return covered / len(sentence_words) >= 0.8


def write_brief(
    comparison: Comparison, settings: BriefSettings = DEFAULT.brief
) -> list[BriefSentence]:
    """A short neutral brief of the comparison: shared facts, partial facts, contradictions.

    Each sentence is built from the text of the claims it cites (see the module docstring);
    the brief stops at ``settings.max_sentences`` sentences or its word budget (the mean
    article length times ``settings.words_per_article_word``, within ``settings.min_words``
    and ``settings.max_words``); contradictions (up to ``settings.max_contradicted``) are
    chosen first so that they always find room, and come last.
    """
    ctx = _Context(comparison, settings)
    mean_words = sum(len(a.text.split()) for a in ctx.articles) / max(len(ctx.articles), 1)
    budget = round(mean_words * settings.words_per_article_word)
    budget = max(settings.min_words, min(settings.max_words, budget))
    facts = _facts(ctx, comparison)
    shared = sorted((f for f in facts if f.kind == "shared"), key=lambda f: f.position)
    partial = sorted(
        (f for f in facts if f.kind == "partial"),
        key=lambda f: (-len(f.articles), -round(_salience(f, settings), 6), f.position),
    )
    contradicted = sorted((f for f in facts if f.kind == "contradicted"), key=lambda f: f.position)

    seen: set[str] = set()
    told: set[Span] = set()
    words_used = 0
    told_text: set[Span] = set()  # source text already made into brief sentences
    chosen: dict[str, list[BriefSentence]] = {"shared": [], "partial": [], "contradicted": []}
    per_outlet: dict[int, int] = {}

    def take(fact: _Fact, budget_words: int, budget_sentences: int) -> bool:
        nonlocal words_used
        clause = _best_clause(ctx, fact)
        if clause is None:
            return False
        sentence = _render(ctx, fact, clause, told)
        if sentence is None:
            return False
        words = content_words(attribution_free(sentence.text, ctx.names.values()))
        if fact.kind != "contradicted" and _redundant(seen, words):
            return False
        if clause.fragment and _overlaps(clause.spans, told):
            return False  # its whole sentence is already in the brief
        if fact.kind == "contradicted" and _overlaps(clause.spans, told):
            return False  # the same sides, told already (with another outlet's sentence)
        if fact.kind == "partial" and clause.source and _overlaps([clause.source], told_text):
            return False  # its words are already told (e.g. a relative clause of a told claim)
        n_words = len(sentence.text.split())
        total = sum(len(v) for v in chosen.values())
        if total >= budget_sentences or (words_used and words_used + n_words > budget_words):
            return False
        seen.update(words)
        told.update(sentence.spans)
        if clause.source:
            told_text.add(clause.source)
        # "X had reported it as planned" tells X's plan: it is not told again on its own.
        told_text.update(_span(c) for c in _planned_claims(ctx, fact, clause))
        words_used += n_words
        chosen[fact.kind].append(sentence)
        return True

    for fact in contradicted[: settings.max_contradicted]:
        take(fact, budget, settings.max_sentences)
    for fact in shared:
        take(fact, budget, settings.max_sentences)
    for fact in partial:
        if len(fact.articles) == 1:
            outlet = fact.articles[0]
            if per_outlet.get(outlet, 0) >= settings.max_partial_per_outlet:
                continue
            if take(fact, budget, settings.max_sentences):
                per_outlet[outlet] = per_outlet.get(outlet, 0) + 1
        else:
            take(fact, budget, settings.max_sentences)
    if not any(chosen.values()) and settings.quote_loaded_fallback:
        # Every fact carries loaded wording: rather than say nothing, tell the most central
        # one in its outlet's name with those words in quotation marks, as the outlet's own.
        ctx.quote_loaded = True
        for fact in partial:
            if take(fact, budget, 1):
                break
    return chosen["shared"] + chosen["partial"] + chosen["contradicted"]
