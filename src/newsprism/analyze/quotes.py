"""Quotes of an article: words in quotation marks with their speaker, and reported speech.

Direct quotes are the text between a pair of quote marks (straight, curly, guillemets; a
closing mark used to open a paragraph, as in ``”We need ...``, counts as an opening one). The
speaker comes from the parse: the subject of a speech verb that governs the quoted words
("“...,” Guterres said"), or the nearest speech verb outside the marks in the same sentences
("Putin remarked, “...”", "“...,” he added"). Quoted words with no speech verb around them
are scare quotes (framing, not quotes) and are skipped; quoted words inside a reported clause
("stating that Moscow sets a “dangerous precedent”") belong to that clause's speaker.

Reported speech ("X said that ...", "X argued that ...", "according to X, ...") gives quotes
with ``direct=False`` over the reported clause. A pronoun speaker ("he added") keeps its own
span in ``speaker_start``/``speaker_end`` while ``speaker`` holds the name it refers to: the
nearest person named before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsprism.analyze.names import given_name_gender
from newsprism.analyze.sentences import sentence_index, sentence_spans
from newsprism.model import Article, Quote
from newsprism.settings import DEFAULT, AnalyzeSettings

SPEECH_VERBS = frozenset(
    {
        "say", "tell", "add", "state", "remark", "note", "argue", "claim", "confirm",
        "announce", "declare", "insist", "explain", "write", "warn", "urge", "stress",
        "emphasize", "emphasise", "acknowledge", "admit", "deny", "reply", "respond", "ask",
        "suggest", "report", "predict", "promise", "vow", "pledge", "assert", "maintain",
        "contend", "allege", "comment", "observe", "recall", "reiterate", "repeat", "conclude",
        "complain", "tweet", "post", "concede", "caution", "testify", "underline", "underscore",
        "point", "reveal", "disclose", "mention", "accuse", "charge", "describe",
        "call", "demand", "propose", "threaten", "tout", "boast", "quip", "joke", "shout",
        "whisper", "told", "brief", "signal", "indicate", "estimate", "believe", "think",
        "hint", "assure", "reassure", "recount", "lament", "plead", "appeal", "echo", "rule",
    }
)  # fmt: skip
# Verbs that introduce quoted words only when next to the marks ("..., Putin continued").
DIRECT_ONLY_VERBS = frozenset({"continue", "conclude", "begin", "go", "put", "offer"})
OPENERS = {"“": "”", '"': '"', "«": "»", "„": "“", "”": "”"}
QUOTE_CHARS = frozenset('"“”«»„')
_OPENING = '"“«„'
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})


@dataclass
class Speaker:
    """The words naming a speaker: resolved name plus the span actually in the text."""

    name: str
    start: int
    end: int


def _noun_phrase(token: Token) -> Span:
    """The subject's own phrase: its left dependents and flat name parts, not clauses."""
    start = token.left_edge.i
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "nummod") or (
            child.dep_ == "case" and child.i == end
        ):
            end = child.i + 1
        else:
            break
    doc = token.doc
    while start < token.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


def _person_words(doc: Doc) -> set[str]:
    words: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            words.update(t.text for t in ent if t.pos_ == "PROPN")
    return words


# People or bodies a person's name qualifies ("Weinstein accusers", "the Obama
# administration"): the name still names someone a pronoun may stand for.
_PEOPLE_OF = frozenset(
    {"accuser", "aide", "adviser", "advisor", "spokesman", "spokeswoman", "spokesperson",
     "lawyer", "attorney", "supporter", "ally", "family", "staff", "staffer", "campaign",
     "administration", "team", "camp", "allies", "backer", "critic", "loyalist"}
)  # fmt: skip


def _qualifies_a_thing(token: Token) -> bool:
    """Whether a word is part of a name that qualifies a thing ("Bruce Lee" in "Bruce Lee
    memorabilia", "Rolex" in "a Rolex watch"), not people of that person's ("Weinstein
    accusers")."""
    for _ in range(6):
        if token.dep_ != "compound":
            return False
        token = token.head
        if token.ent_type_ != "PERSON":
            return token.lemma_.lower() not in _PEOPLE_OF
    return False


def _aside(token: Token, names: set[str]) -> bool:
    """Whether a name is the possessive of a thing in a sentence that names another person
    ("said Robert Gibbs, ... who is now working on Obama's reelection effort"): a side
    reference, not whom the next "he" means. Alone in its sentence, the person is its topic
    ("But what is striking about Mr. Blumenthal's record ...")."""
    head = token
    while head.dep_ == "compound" and head.head.ent_type_ == "PERSON":
        head = head.head
    if head.dep_ != "poss" or head.head.ent_type_ == "PERSON":
        return False
    if head.head.lemma_.lower() in _PEOPLE_OF:
        return False
    start = _name_start(token.doc, head.i, names)
    return any(
        t.ent_type_ == "PERSON" and t.text in names and not start <= t.i <= head.i
        for t in token.sent
    )


def _name_start(doc: Doc, i: int, names: set[str]) -> int:
    """The first token of the person's name whose last word is token ``i``."""
    start = i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].text in names:
        start -= 1
    return start


def _name_at(doc: Doc, i: int, names: set[str]) -> str:
    """The person's name whose last word is token ``i`` (its earlier name words with it)."""
    return doc[_name_start(doc, i, names) : i + 1].text


# Clauses whose subject pronoun most often means the subject of the clause they sit in.
_EMBEDDED = frozenset({"advcl", "ccomp", "conj", "xcomp"})


def _governing_subject(pronoun: Token, names: set[str]) -> str:
    """The person named as subject of a clause the pronoun's clause sits in, before it: "Mr.
    Obama singled out ... Senator Mitch McConnell ..., just as he did in September when he
    visited an aging bridge" (he is Obama, not the last person named). A subject pronoun
    there leads further up; any other subject: "". Dev sentences where this changed whom a
    "he" means: right 10 times in a sample of 15 ("Mr. Cowan said that he would be relying on
    Mr. Kerry's staff"), wrong 5 ("Labrador has not been shy about criticizing House Speaker
    John Boehner ..., saying that he should step down")."""
    verb = pronoun.head
    for _ in range(4):
        if verb.dep_ not in _EMBEDDED or verb.head.i == verb.i:
            return ""
        verb = verb.head
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        if subject.i > pronoun.i:
            return ""
        if subject.lower_ == "he":
            continue
        if subject.pos_ == "PROPN" and subject.text in names:
            return _name_at(pronoun.doc, subject.i, names)
        return ""
    return ""


_MALE_TITLES = frozenset({"mr.", "mr"})
_FEMALE_TITLES = frozenset({"ms.", "ms", "mrs.", "mrs", "miss"})
_GENDER_KEY = "newsprism_titled_gender"


def _titled_gender(doc: Doc) -> Mapping[str, str]:
    """The surnames an article gives a gendered title ("Mr. Netanyahu", "Ms. Rice"): "m" or
    "f", left out where it gives both ("Mr. and Mrs. Jackson"). Cached on the doc."""
    cached: Mapping[str, str] | None = doc.user_data.get(_GENDER_KEY)
    if cached is not None:
        return cached
    seen: dict[str, set[str]] = {}
    for i, token in enumerate(doc[:-1]):
        low = token.lower_
        gender = "m" if low in _MALE_TITLES else "f" if low in _FEMALE_TITLES else ""
        if not gender or doc[i + 1].pos_ != "PROPN":
            continue
        end = i + 1
        while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
            end += 1
        seen.setdefault(doc[end].text, set()).add(gender)
    genders = {name: next(iter(g)) for name, g in seen.items() if len(g) == 1}
    doc.user_data[_GENDER_KEY] = genders
    return genders


_FIRST_NAMES_KEY = "newsprism_first_names"


def _first_names(doc: Doc) -> Mapping[str, set[str]]:
    """Surname -> the given names the article's person names give it ("Feinstein" ->
    {"Dianne"}). Cached on the doc."""
    cached: dict[str, set[str]] | None = doc.user_data.get(_FIRST_NAMES_KEY)
    if cached is None:
        cached = {}
        for ent in doc.ents:
            words = [t for t in ent if t.pos_ == "PROPN" and t.text[:1].isupper()]
            if ent.label_ == "PERSON" and len(words) >= 2:
                cached.setdefault(words[-1].text, set()).add(words[0].text)
        doc.user_data[_FIRST_NAMES_KEY] = cached
    return cached


def _person_gender(doc: Doc, start: int, end: int) -> str:
    """ "f", "m" or "" for the person named by tokens [start, end]: the article's title for
    the surname ("Ms. Rice"), else the given name written there or, for a surname alone, the
    given names the article gives it, when they all point one way."""
    surname = doc[end].text
    titled = _titled_gender(doc).get(surname, "")
    if titled:
        return titled
    firsts = {doc[start].text} if end > start else _first_names(doc).get(surname, set())
    genders = {given_name_gender(first) for first in firsts}
    return genders.pop() if len(genders) == 1 else ""


def _gender_clash(pronoun: Token, start: int, end: int) -> bool:
    """Whether what the article tells of a person rules them out for this pronoun: "she"
    is not Mr. Netanyahu, "he" not Dianne Feinstein."""
    gender = _person_gender(pronoun.doc, start, end)
    if pronoun.lower_ in ("she", "her"):
        return gender == "m"
    return gender == "f"


def _resolve_pronoun(pronoun: Token, names: set[str]) -> str:
    """The person a subject pronoun stands for: for "he", the person subject of the clause
    its clause sits in, else the nearest person named before it ("he" -> "Guterres") whom
    the article's titles and given names do not rule out ("she" is not Mr. Rose), else the
    pronoun. A name that only qualifies a thing ("a $43,000 Rolex watch", the parser having
    read "Rolex" as a person) or stands aside ("Obama's reelection effort" beside Robert
    Gibbs) is no one a pronoun stands for."""
    # Not for "she": the subjects above a "she" that meant someone else were men ("Obama
    # endorsed Hillary Clinton ..., saying she has the 'courage'"), and a bare name tells no
    # gender.
    governing = (
        _governing_subject(pronoun, names)
        if pronoun.dep_ == "nsubj" and pronoun.lower_ == "he"
        else ""
    )
    if governing:
        return governing
    doc = pronoun.doc
    passed = pronoun.i  # a name ruled out for the pronoun is passed whole
    for i in range(pronoun.i - 1, max(-1, pronoun.i - 400), -1):
        tok = doc[i]
        if i >= passed or _qualifies_a_thing(tok) or _aside(tok, names):
            continue
        if tok.pos_ == "PROPN" and tok.text in names:
            start = _name_start(doc, i, names)
            if _gender_clash(pronoun, start, i):
                # '"I'm not going to ascribe motives," she told Mr. Rose': Ms. Rice, named
                # before Mr. Netanyahu, not him
                passed = start
                continue
            return _name_at(doc, i, names)
    return pronoun.text


def speaker_of(verb: Token, names: set[str] | None = None) -> Speaker | None:
    """The subject of a speech verb (climbing to the governing verb for "stating that ...")."""
    names = names if names is not None else _person_words(verb.doc)
    current: Token | None = verb
    for _ in range(3):
        if current is None:
            break
        for child in current.children:
            if (
                child.dep_ in ("nsubj", "nsubjpass")
                and child.pos_ != "PRON"
                or (child.dep_ in ("nsubj",) and child.pos_ == "PRON")
            ):
                if child.dep_ == "nsubjpass":
                    continue
                if child.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                    child = current.head  # "the aide who said" -> "the aide"
                phrase = _noun_phrase(child)
                name = phrase.text
                if child.lower_ in PERSONAL_PRONOUNS and phrase.start == child.i:
                    name = _resolve_pronoun(child, names)
                return Speaker(name, phrase.start_char, phrase.end_char)
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        phrase = _noun_phrase(pobj)
                        return Speaker(phrase.text, phrase.start_char, phrase.end_char)
        if current.dep_ in ("advcl", "conj", "xcomp", "acl") and current.head.i != current.i:
            current = current.head
        else:
            break
    return None


def _is_speech(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in SPEECH_VERBS:
        return False
    if token.lemma_.lower() == "call":
        return any(c.lower_ == "for" for c in token.children)
    if token.lemma_.lower() == "point":
        return any(c.lower_ == "out" for c in token.children)
    return True


def quote_pairs(text: str) -> list[tuple[int, int]]:
    """(open, close) positions of matched quote marks; a paragraph break closes an open quote.

    The doubled marks some outlets use (``like this'') count as one mark each: the quoted
    words start after the opening pair and end before the closing one."""
    text = text.replace("``", " “").replace("''", "” ")
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    n = len(text)
    for i, ch in enumerate(text):
        if ch == "\n" and open_at is not None:
            if i - open_at > 40:
                pairs.append((open_at, i))
            open_at = None
            continue
        if ch not in QUOTE_CHARS:
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        can_open = (prev.isspace() or prev in "([{—–-/" or i == 0) and not nxt.isspace()
        can_close = not prev.isspace() and (nxt.isspace() or not nxt.isalnum() or i + 1 == n)
        if open_at is None:
            if can_open or (ch in "“«„" and not nxt.isspace()):
                open_at = i
        elif can_close or ch in "”»" and not can_open:
            pairs.append((open_at, i))
            open_at = None
        elif can_open:
            open_at = i
    return pairs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in QUOTE_CHARS):
        start += 1
    while end > start and (
        text[end - 1].isspace() or text[end - 1] in ",;:" or text[end - 1] in QUOTE_CHARS
    ):
        end -= 1
    return start, end


def _direct_speaker(
    doc: Doc, start: int, end: int, sents: list[Span], names: set[str]
) -> Speaker | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    inside = list(span)
    # a speech verb outside the marks that governs the quoted words
    for token in inside:
        for anc in token.ancestors:
            if (anc.idx < start - 1 or anc.idx >= end + 1) and _is_speech(anc):
                speaker = speaker_of(anc, names)
                if speaker is not None:
                    return speaker
    # the nearest speech verb outside the marks in the sentences the quote touches
    first = sentence_index(sents, start)
    last = sentence_index(sents, max(start, end - 1))
    best: tuple[int, Token] | None = None
    for k in range(first, last + 1):
        for token in sents[k]:
            if start - 1 <= token.idx < end + 1:
                continue
            lemma = token.lemma_.lower()
            if _is_speech(token) or (lemma in DIRECT_ONLY_VERBS and token.pos_ == "VERB"):
                dist = min(abs(token.idx - start), abs(token.idx - end))
                if best is None or dist < best[0]:
                    best = (dist, token)
    if best is not None:
        return speaker_of(best[1], names)
    # "X said:" ending the sentence before the quote
    if first > 0 and sents[first - 1].text.rstrip().endswith(":"):
        for token in sents[first - 1]:
            if _is_speech(token):
                return speaker_of(token, names)
    return None


def _continued_speaker(
    found: list[Quote], sents: list[Span], start: int, end: int, names: set[str]
) -> Speaker | None:
    """A quote with no speaker of its own: a short "he said." right after it, or the speaker
    of a direct quote that ended at most one sentence before (a quote running on), or two
    when the sentence between is about that speaker and the quote opens its sentence
    ('"... doing, John?" / Obama continued, calling out Boehner. / "You've been debating
    ...')."""
    last = sentence_index(sents, max(start, end - 1))
    if last + 1 < len(sents) and len(sents[last + 1]) <= 8:
        for token in sents[last + 1]:
            if _is_speech(token):
                speaker = speaker_of(token, names)
                if speaker is not None:
                    return speaker
    first = sentence_index(sents, start)
    for quote in reversed(found):
        if not quote.direct or not quote.speaker:
            continue
        gap = first - sentence_index(sents, max(quote.start, quote.end - 1))
        if gap <= 1 or (
            gap == 2
            and not sents[first].doc.text[sents[first].start_char : start].strip(_OPENING + " \n")
            and not any(q.sentence == first - 1 for q in found)
            and _about(sents[first - 1], quote.speaker)
        ):
            return Speaker(quote.speaker, quote.speaker_start or 0, quote.speaker_end or 0)
        break
    return None


def _about(sent: Span, speaker: str) -> bool:
    """Whether a sentence's main clause has the speaker (by surname, or "he" / "she") as its
    subject: "Obama continued, calling out ...", "Mrs. Clinton said, her voice rising."."""
    surname = speaker.split()[-1].lower() if speaker.split() else ""
    for token in sent.root.children:
        if token.dep_ in ("nsubj", "nsubjpass"):
            words = [t.lower_ for t in token.subtree]
            return token.lower_ in ("he", "she") or (bool(surname) and words[-1] == surname)
    return False


def _according_to(doc: Doc) -> list[tuple[Token, Token]]:
    """("according", the verb whose clause it attributes) pairs."""
    found = []
    for token in doc:
        if (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            found.append((token, token.head))
    return found


def _clause_bounds(verb: Token, skip: set[int]) -> tuple[int, int] | None:
    tokens = [t for t in verb.subtree if t.i not in skip]
    while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("mark", "cc") or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def find_quotes(
    doc: Doc, article: Article, settings: AnalyzeSettings = DEFAULT.analyze
) -> list[Quote]:
    """Direct and reported quotes of the article with their speakers, in text order."""
    text = doc.text
    sents = sentence_spans(doc)
    names = _person_words(doc)
    found: list[Quote] = []
    direct_spans: list[tuple[int, int]] = []

    def reported(bounds: tuple[int, int], speaker: str, s_start: int, s_end: int) -> Quote:
        """A reported (indirect) quote over ``bounds``, attributed to ``speaker``."""
        return Quote(
            id="",
            article=article.id,
            start=bounds[0],
            end=bounds[1],
            text=text[bounds[0] : bounds[1]],
            speaker=speaker,
            speaker_start=s_start,
            speaker_end=s_end,
            direct=False,
            sentence=sentence_index(sents, bounds[0]),
        )

    for open_at, close_at in quote_pairs(text):
        start, end = _trim(text, open_at + 1, close_at)
        if end <= start:
            continue
        speaker = _direct_speaker(doc, start, end, sents, names)
        words = text[start:end].split()
        if speaker is None and len(words) < settings.quote_min_words:
            continue  # scare quotes
        if speaker is None:
            speaker = _continued_speaker(found, sents, start, end, names)
        if speaker is None:
            inside = doc.char_span(start, end, alignment_mode="expand")
            if inside is None or not any(t.pos_ in ("VERB", "AUX") for t in inside):
                continue
        direct_spans.append((start, end))
        found.append(
            Quote(
                id="",
                article=article.id,
                start=start,
                end=end,
                text=text[start:end],
                speaker=speaker.name if speaker else "",
                speaker_start=speaker.start if speaker else None,
                speaker_end=speaker.end if speaker else None,
                direct=True,
                sentence=sentence_index(sents, start),
            )
        )

    def in_direct(a: int, b: int) -> bool:
        inner = sum(max(0, min(b, e) - max(a, s)) for s, e in direct_spans)
        return inner >= 0.5 * (b - a)

    for token in doc:
        if not _is_speech(token):
            continue
        if any(s <= token.idx < e for s, e in direct_spans):
            continue
        for child in token.children:
            if child.dep_ != "ccomp" or child.pos_ not in ("VERB", "AUX"):
                continue
            bounds = _clause_bounds(child, set())
            if bounds is None or in_direct(*bounds):
                continue
            speaker = speaker_of(token, names)
            if speaker is None:
                continue
            found.append(reported(bounds, speaker.name, speaker.start, speaker.end))
    for according, verb in _according_to(doc):
        to = doc[according.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None or verb.i == according.i:
            continue
        phrase = _noun_phrase(pobj)
        skip = {t.i for t in according.subtree}
        skip |= {t.i for t in verb.children if t.dep_ == "cc" and t.i < according.i}
        bounds = _clause_bounds(verb, skip)
        if bounds is None or in_direct(*bounds):
            continue
        found.append(reported(bounds, phrase.text, phrase.start_char, phrase.end_char))
    found.sort(key=lambda q: (q.start, q.end, not q.direct))
    for k, quote in enumerate(found):
        quote.id = f"{article.id}:q{k}"
    return found
