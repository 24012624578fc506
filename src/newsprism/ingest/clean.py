"""Boilerplate removal that keeps offsets honest.

The text returned here IS ``Article.text``: every later offset refers to it, so all
cleaning happens before any id or offset exists. What is removed is recorded as notes.

Removed: cross-links ("SEE ALSO: ...", "READ MORE: ...", "Related: ..."), also when the
linked title is glued to the next sentence ("...One YetDespite the meeting" keeps
"Despite the meeting"); credit lines ("Credit: RT News", "© 2024 ..."; the credited name is
returned so it can become the outlet); photo credits; bylines and "Reporting by" lines at
the start or end; share and follow prompts; teasers ("Advertisement", "Continue reading");
"Published ..." date lines at the start or end. Whitespace inside lines is collapsed;
paragraph breaks are kept as one "\\n"; lines hard-wrapped in mid-sentence are joined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from newsprism.ingest.pubtime import DATE_PATTERN

# Zero-width characters, and the bidi embedding, override and isolate controls (U+202A-E,
# U+2066-9) that can reverse how the rest of a line displays; the marks U+200E/F stay.
_INVISIBLE = dict.fromkeys(
    [*map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e")]
    + list(range(0x2066, 0x206A)),
    None,
)
_SPACES = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a title or name the controls of _CONTROL and the C1 controls (U+0080-9F; U+009B, the
# one-byte CSI, starts a terminal escape sequence) are dropped; the line breaks (\n, \r and
# U+0085 NEL) are left for str.split to turn into spaces.
_LABEL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LETTER = re.compile(r"[^\W\d_]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves of UTF-16 pairs (from JSON "\\ud800")

_XLINK_MARKERS = (
    r"see also|read more|read also|also read|read next|related(?: stories| articles| coverage)?|"
    r"more on this(?: story)?|more on|must read|don'?t miss|recommended|watch|listen|"
    r"also on [\w.-]+\.\w+|more from [\w .'-]{1,30}"
)
# A cross-link at the start of a paragraph: "SEE ALSO: title", "Read more - title".
_XLINK_START = re.compile(rf"^(?:{_XLINK_MARKERS})\s*(?::|\||-|–|—|>>|»)\s*", re.IGNORECASE)
# "Also on rt.com Title" needs no separator.
_ALSO_ON = re.compile(r"^also on [\w.-]+\.\w+\s+", re.IGNORECASE)
# A cross-link marker in capitals after the end of a sentence, inside a paragraph.
_XLINK_INLINE = re.compile(
    r"(?<=[.!?\"”’])\s*(?:SEE ALSO|READ MORE|READ ALSO|ALSO READ|RELATED|READ NEXT|WATCH)\s*:\s*"
)
# Where a linked title runs into the next sentence: "YetDespite", "Win?Despite".
_GLUED = re.compile(r"(?<=[a-z0-9)?!.\"'”’])(?=[A-Z][a-z])")
# Word endings that are not a glued boundary: McDonald, YouTube, iPhone, PlayStation.
_NOT_GLUED_LEFT = frozenset(
    {"mc", "mac", "o", "i", "e", "you", "play", "power", "linked", "open", "whats", "tik", "pay"}
    | {"java", "smart", "face", "insta", "snap", "star"}
)
_SENTENCE_STARTERS = frozenset(
    {"despite", "the", "a", "an", "in", "on", "at", "but", "however", "meanwhile", "after"}
    | {"before", "while", "although", "as", "this", "that", "these", "those", "it", "he", "she"}
    | {"they", "we", "i", "there", "earlier", "later", "last", "according", "under", "since"}
    | {"when", "if", "for", "with", "following", "amid", "during", "officials"}
)
_TITLE_SMALL = frozenset(
    {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by", "with"}
    | {"from", "as", "is", "are", "vs", "via", "into", "over"}
)

_CREDIT = re.compile(
    r"^(?:(?P<label>credits?|sources?)\s*(?::|–|—|-)\s*|(?P<mark>©|\(c\)|copyright\b)\s*:?\s*)"
    r"(?P<value>.{2,80})$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^(?:photo|photograph|image|picture|video|illustration|graphic|cover|top|main)s?"
    r"(?:\s+(?:credit|courtesy|source))?\s*:\s*.{1,80}$",
    re.IGNORECASE,
)
_NAME = r"[A-Z\u00c0-\u024f][\w.'’\-]*"
_BYLINE = re.compile(
    rf"^(?:[Bb]y|BY|[Ww]ritten by|[Ww]ords by|[Tt]ext by|[Ss]tory by)\s+"
    rf"{_NAME}(?:\s+(?:and\s+|&\s+)?{_NAME}|\s*,\s*{_NAME}){{0,8}}"
    rf"(?:\s*(?:,|\||–|—|-|\bin\b)\s*(?:{DATE_PATTERN.pattern}|{_NAME}(?:\s+{_NAME}){{0,4}}))?$"
)
_REPORTING_BY = re.compile(
    r"^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|production)\s+by\b.{0,300}$",
    re.IGNORECASE,
)
_SOCIAL = (
    r"(?:twitter|x|facebook|instagram|telegram|youtube|tiktok|linkedin|threads|bluesky|vk|"
    r"whatsapp|reddit|google news|rumble|odysee|gab|truth social)"
)
_SOCIALS = rf"{_SOCIAL}(?:(?:,| and| or) {_SOCIAL})*"
_SHARE = re.compile(
    r"^(?:"
    rf"share(?: this| the)?(?: article| story| post| page| video)?(?: on {_SOCIALS})?"
    rf"|share (?:on|via) {_SOCIALS}"
    rf"|follow (?:us|[\w.'-]+(?: [\w.'-]+){{0,3}}) on {_SOCIALS}(?: for .{{0,60}})?"
    rf"|(?:like|join|find) us on {_SOCIALS}"
    r"|(?:subscribe|sign up)(?: (?:to|for))? .{0,60}"
    r"(?:newsletter|channel|podcast|updates|alerts|briefing)s?"
    r"|subscribe(?: now| today)?"
    r"|(?:click|tap) here\b.{0,80}"
    r"|(?:download|get) (?:our|the) (?:free )?app\b.{0,60}"
    rf"|(?:tweet|email|e-mail|print|copy link|copy|save|comments?|\d+ comments?|{_SOCIAL})"
    r")\s*[.!:]?$",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"^(?:advertisement|advert|ad|sponsored(?: content)?|"
    r"story continues(?: below)?(?: advertisement)?|"
    r"continue reading.{0,60}|scroll (?:down )?to continue.{0,40}|read (?:the )?(?:full|more|next)"
    r"(?: story| article)?|watch(?: the)? (?:video|live)|"
    r"listen(?: to (?:this|the) (?:article|story))?|"
    r"most read|top stories|trending(?: now)?|related(?: stories| articles| coverage| news)?|"
    r"you may also like|you might also like|recommended(?: for you)?|editor'?s picks?|"
    r"skip to (?:main )?content|back to top|more stories)\s*[.:!]?$",
    re.IGNORECASE,
)
# "Published: October 21, 2024 11:40 GMT | 3 min read" at the start or end of an article.
_DATE_LINE = re.compile(
    r"^(?:first published|published|posted|updated|last updated|last modified)\b\s*(?:on|at)?"
    rf"\s*[:\-–—|]?\s*(?:{DATE_PATTERN.pattern})(?:\s*[|·•,\-–—]\s*.{{0,30}})?$",
    re.IGNORECASE,
)


@dataclass
class Cleaned:
    """Clean text, what cleaning removed (as notes) and the name a credit line gave."""

    text: str
    notes: list[str] = field(default_factory=list)
    credit: str = ""  # e.g. "RT News" from "Credit: RT News"; "" when none


def clean_label(raw: str) -> str:
    """A title or an outlet name as stored: NFC, the invisible characters the text loses
    (zero-width, bidi embedding/override/isolate controls, which could reverse how a story
    list or a report line displays) and control characters (C0, DEL, C1) dropped, spaces
    made one."""
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", raw)).translate(_INVISIBLE)
    return " ".join(_LABEL_CONTROL.sub("", text.replace("\t", " ")).split())


def normalize_whitespace(raw: str) -> str:
    """Unicode NFC, newlines as "\\n", invisible and control characters dropped."""
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", raw)).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def _paragraphs(text: str) -> list[str]:
    """Lines with inner whitespace collapsed; a line wrapped mid-sentence joins the next."""
    out: list[str] = []
    joinable = False
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            joinable = False
            continue
        if joinable and out and (line[0].islower() or line[0].isdigit()):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        last = out[-1]
        joinable = len(line) >= 60 and not re.search(r"[.!?:;\"”’»)\]]$", last)
    return out


def _looks_like_sentence_start(text: str) -> bool:
    words = text.split()
    if len(words) < 4 or len(text) < 20:
        return False
    first = words[0].strip(",.;:\"'“‘").lower()
    lower = sum(1 for w in words[1:7] if w[:1].islower())
    return lower >= 2 or (first in _SENTENCE_STARTERS and lower >= 1)


def split_glued(text: str) -> tuple[str, str] | None:
    """Split a linked title from the sentence glued to it ("...One YetDespite the ...").

    Returns (title, sentence) at the first boundary where a lower-case letter or the end of
    the title meets a capitalised word with no space, and what follows reads as a sentence.
    """
    for found in _GLUED.finditer(text):
        i = found.start()
        left_word = text[:i].rsplit(" ", 1)[-1]
        if left_word.lower().strip("\"'“‘(") in _NOT_GLUED_LEFT or len(left_word) < 2:
            continue
        rest = text[i:]
        if _looks_like_sentence_start(rest):
            return text[:i].rstrip(), rest
    return None


def _guess_title_end(text: str) -> int | None:
    """For a long cross-link with no glued boundary: where a Title Case run turns into prose."""
    words = list(re.finditer(r"\S+", text))
    if len(words) < 20 or not re.search(r"[.!?\"”’]$", text):
        return None
    for k in range(2, len(words) - 5):
        if not words[k].group(0)[:1].isupper():
            continue
        ahead = [w.group(0) for w in words[k + 1 : k + 6]]
        prose = [
            w for w in ahead if w[:1].islower() and w.lower().strip(",.;:") not in _TITLE_SMALL
        ]
        before = [w.group(0) for w in words[:k]]
        titled = [w for w in before if w[:1].isupper() or w.lower() in _TITLE_SMALL]
        if len(prose) >= 2 and len(titled) == len(before):
            return words[k].start()
    return None


def _strip_cross_link(para: str, marker_end: int, notes: list[str]) -> str:
    """Remove a cross-link (its title starts at ``marker_end``); keep prose glued to it."""
    body = para[marker_end:]
    glued = split_glued(body)
    if glued is not None:
        title, rest = glued
        notes.append(
            f'removed cross-link "{para[:marker_end]}{title}" (glued to the next sentence)'
        )
        return rest
    guess = _guess_title_end(body)
    if guess is not None:
        title = body[:guess].rstrip()
        notes.append(f'removed cross-link "{para[:marker_end]}{title}" (end of title guessed)')
        return body[guess:]
    notes.append(f'removed cross-link "{para}"')
    return ""


def _credit_value(value: str) -> str:
    """The credited name ("RT News"), or "" when the line credits more than a name (a caption)."""
    value = re.sub(r"(?i)\ball rights reserved\b\.?", "", value)
    value = re.sub(r"(?i)^(?:copyright|©|\(c\))\s*", "", value.strip())
    value = re.sub(r"^\d{4}(?:\s*[-–]\s*\d{4})?[,.]?\s*", "", value.strip())
    value = re.sub(r"(?i)^provided by\s+", "", value)
    value = value.strip(" .,;:-–—|")
    return value if 0 < len(value.split()) <= 5 else ""


def _names_only(value: str) -> bool:
    """Whether a "Source: ..." value names someone ("Reuters", "AP and Getty Images") rather
    than stating something ("doctor took a selfie", a headline)."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’.&-]*", value) if w.lower() not in _JOINERS]
    return bool(words) and all(w[0].isupper() for w in words)


_JOINERS = frozenset({"and", "of", "the", "via", "from", "for"})


def _is_date_line(para: str) -> bool:
    return bool(_DATE_LINE.match(para) or DATE_PATTERN.fullmatch(para.rstrip(".|")))


def clean_text(raw: str) -> Cleaned:
    """Clean one article's text; see the module docstring for what is removed."""
    notes: list[str] = []
    credit = ""
    if bad := len(_SURROGATE.findall(raw)):
        notes.append(f"replaced {bad} invalid character(s) (lone UTF-16 surrogates) with U+FFFD")
    paragraphs = _paragraphs(normalize_whitespace(raw))
    n = len(paragraphs)
    kept: list[str] = []
    for index, para in enumerate(paragraphs):
        near_start = index < 3
        near_end = index >= n - 3
        marker = _XLINK_START.match(para) or _ALSO_ON.match(para)
        if marker:
            para = _strip_cross_link(para, marker.end(), notes)
            if not para:
                continue
        inline = _XLINK_INLINE.search(para)
        if inline:
            before = para[: inline.start()].rstrip()
            tail = para[inline.start() :].lstrip()
            rest = _strip_cross_link(tail, len(inline.group(0).lstrip()), notes)
            para = f"{before} {rest}".strip()
        words = len(para.split())
        credit_match = _CREDIT.match(para)
        label = (credit_match.group("label") or "").lower() if credit_match else ""
        sourced = not label.startswith("source") or (
            near_end and _names_only(credit_match.group("value") if credit_match else "")
        )
        if credit_match and words <= 10 and sourced and n > 1:
            notes.append(f'removed credit line "{para}"')
            if not credit and (near_start or near_end):  # mid-text ones credit pictures
                credit = _credit_value(credit_match.group("value"))
            continue
        if _PHOTO_CREDIT.match(para) and words <= 14:
            notes.append(f'removed photo credit "{para}"')
            continue
        if (near_start or near_end) and words <= 16 and _BYLINE.match(para):
            notes.append(f'removed byline "{para}"')
            continue
        if near_end and words <= 60 and _REPORTING_BY.match(para):
            notes.append(f'removed byline "{para}"')
            continue
        if words <= 16 and _SHARE.match(para):
            notes.append(f'removed share prompt "{para}"')
            continue
        if words <= 12 and _TEASER.match(para):
            notes.append(f'removed teaser "{para}"')
            continue
        if (index < 4 or near_end) and len(para) <= 100 and _is_date_line(para):
            notes.append(f'removed date line "{para}"')
            continue
        kept.append(para)
    text = "\n".join(kept)
    if not _LETTER.search(text):
        text = ""
    return Cleaned(text=text, notes=notes, credit=credit)
