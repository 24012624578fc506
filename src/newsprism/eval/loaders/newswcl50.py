"""Loader for NewsWCL50 (Hamborg et al., JCDL 2019): word choice and labeling.

Layout read (any split of it)::

    1-raw-articles/event_<e>/<e>_<outlet>.txt[.txt]   the article, one paragraph a line
    2-matched/event_<e>/orientation_<outlet>/<e>_<outlet>_sent.txt         one sentence a line
    2-matched/event_<e>/orientation_<outlet>/<e>_<outlet>_annotations.csv  its gold mentions
    Annotations.csv                                   all gold mentions (``sep=,`` first line)

A gold mention gives its sentence (0-based over the article's ``_sent.txt`` lines) and its
first and last token inside that sentence (inclusive, CoreNLP-style tokens). The loader maps
each one to character offsets in the raw article text, which is what the system reads: it
finds the sentence in the text, then the mention's words in the sentence, taking the
occurrence nearest to where the token indices point. ``GoldMention.matched`` says whether the
words were found verbatim (up to quote marks, dashes and spacing); unmatched ones keep the
token-based estimate. The per-article annotation files are preferred because their sentence
numbers were corrected to the ``_sent.txt`` split; ``Annotations.csv`` is the fallback.

The system under test sees only ``Article`` objects; gold mentions go to the scorer.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.model import Article

OUTLETS = ("LL", "L", "M", "R", "RR")  # far left to far right, the dataset's order
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_TOKEN = re.compile(r"\w+(?:[-.'’]\w+)*\.?|[^\w\s]")


@dataclass
class GoldMention:
    id: str  # the dataset's id, e.g. "0_L_0001"
    article: str  # Article.id, "<event>_<outlet>"
    concept: str  # code_name, e.g. "PRK\\Jong Un"
    code_type: str  # ACTOR, COUNTRY, GROUP, ...
    text: str  # code_mention, the words as annotated
    start: int  # character offsets into Article.text, end exclusive
    end: int
    matched: bool  # the annotated words were found at these offsets


@dataclass
class Event:
    id: str  # "0".."9"
    articles: list[Article] = field(default_factory=list)
    mentions: list[GoldMention] = field(default_factory=list)


def _norm(text: str) -> str:
    """Same-length normalisation: curly quotes and dashes to ASCII, case folded."""
    return text.translate(_QUOTES).lower()


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = handle.read().splitlines()
    if lines and lines[0].startswith("sep="):
        lines = lines[1:]
    return list(csv.DictReader(lines))


def _find_sentences(text: str, sentences: list[str]) -> list[tuple[int, int] | None]:
    """Character bounds of each sentence in ``text``, searched in order."""
    norm = _norm(text)
    cursor = 0
    bounds: list[tuple[int, int] | None] = []
    for sentence in sentences:
        target = _norm(sentence.strip())
        if not target:
            bounds.append(None)
            continue
        at = norm.find(target, cursor)
        if at < 0:
            at = norm.find(target)
        if at < 0:  # stray quote marks or trailing words the text lacks: try the stripped
            # sentence, then its longer half
            for candidate in (target.strip(" '\""), target[: max(20, len(target) * 2 // 3)]):
                at = norm.find(candidate, cursor)
                if at >= 0:
                    target = candidate
                    break
        if at < 0:
            pattern = r"\s*".join(re.escape(ch) for ch in target.replace(" ", ""))
            match = re.compile(pattern).search(norm, cursor) or re.compile(pattern).search(norm)
            if match is None:
                bounds.append(None)
                continue
            bounds.append((match.start(), match.end()))
            cursor = match.end()
            continue
        bounds.append((at, at + len(target)))
        cursor = at + len(target)
    return bounds


def _token_bounds(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _locate(
    text: str, bounds: tuple[int, int], words: str, first: int, last: int
) -> tuple[int, int, bool]:
    """Offsets of the annotated words inside one sentence of ``text``."""
    begin, stop = bounds
    sentence = text[begin:stop]
    tokens = _token_bounds(sentence)
    if tokens:
        a = tokens[min(max(first, 0), len(tokens) - 1)][0]
        b = tokens[min(max(last, first, 0), len(tokens) - 1)][1]
    else:
        a, b = 0, len(sentence)
    target = _norm(words.strip())
    hay = _norm(sentence)
    if target:
        hits = [m.start() for m in re.finditer(re.escape(target), hay)]
        if not hits:
            pattern = r"\s*".join(re.escape(ch) for ch in target.replace(" ", ""))
            found = [(m.start(), m.end()) for m in re.finditer(pattern, hay)]
            if found:
                s, e = min(found, key=lambda h: abs(h[0] - a))
                return begin + s, begin + e, True
        else:
            s = min(hits, key=lambda h: abs(h - a))
            return begin + s, begin + s + len(target), True
    return begin + a, begin + b, False


def _raw_article(folder: Path, event: str, outlet: str) -> Path | None:
    for name in (f"{event}_{outlet}.txt", f"{event}_{outlet}.txt.txt"):
        if (folder / name).is_file():
            return folder / name
    return None


def load(data: Path, limit: int | None = None) -> list[Event]:
    """Every event of the folder with its articles and gold mentions, in event order."""
    raw_root = data / "1-raw-articles"
    matched_root = data / "2-matched"
    all_rows: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    if (data / "Annotations.csv").is_file():
        for row in _read_rows(data / "Annotations.csv"):
            all_rows[(row["event_id"], row["publisher_id"])].append(row)
    event_dirs = sorted(
        (p for p in raw_root.glob("event_*") if p.is_dir()),
        key=lambda p: int(p.name.split("_", 1)[1]),
    )
    events: list[Event] = []
    for event_dir in event_dirs[: limit if limit else None]:
        eid = event_dir.name.split("_", 1)[1]
        event = Event(id=eid)
        for outlet in OUTLETS:
            raw = _raw_article(event_dir, eid, outlet)
            if raw is None:
                continue
            text = raw.read_text(encoding="utf-8")
            article = Article(id=f"{eid}_{outlet}", text=text, outlet=outlet, source=str(raw.name))
            event.articles.append(article)
            folder = matched_root / f"event_{eid}" / f"orientation_{outlet}"
            sent_file = folder / f"{eid}_{outlet}_sent.txt"
            ann_file = folder / f"{eid}_{outlet}_annotations.csv"
            rows = _read_rows(ann_file) if ann_file.is_file() else all_rows[(eid, outlet)]
            if sent_file.is_file():
                sentences = sent_file.read_text(encoding="utf-8").split("\n")
            else:
                sentences = [line for line in text.split("\n") if line.strip()]
            sentence_bounds = _find_sentences(text, sentences)
            for row in rows:
                try:
                    index, first, last = int(row["sentence"]), int(row["start"]), int(row["end"])
                except (KeyError, ValueError):
                    continue
                bounds = sentence_bounds[index] if 0 <= index < len(sentence_bounds) else None
                if bounds is None:
                    continue
                start, end, ok = _locate(text, bounds, row["code_mention"], first, last)
                event.mentions.append(
                    GoldMention(
                        id=row["id"],
                        article=article.id,
                        concept=row["code_name"],
                        code_type=row["code_type"],
                        text=row["code_mention"],
                        start=start,
                        end=end,
                        matched=ok,
                    )
                )
        events.append(event)
    return events
