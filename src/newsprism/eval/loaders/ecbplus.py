"""ECB+ (Cybulska and Vossen, LREC 2014), as converted by Diverse_CDCR_datasets.

Layout: ``topics/<T>ecb[plus]/<doc>.json`` (``title``, ``text``) and
``topics/<T>ecb[plus]/annotation/original/`` (``<sub>.conll`` tokens, ``event_mentions_<sub>.json``
with cross-document ``coref_chain``). In the CoNLL and mention files sentence 0 of a document is
its title and the ``text`` field starts at sentence 1; token ids count within a sentence.

Each document becomes an ``Article`` whose text is ``title + "\\n" + text``; CoNLL tokens are
aligned to character offsets in that text so that each gold event mention's head token has a
span (``EcbMention.start/end``) in the article.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.model import Article

_VARIANTS = {
    "``": ['"', "``", "“", "''"],
    "''": ['"', "''", "”", "``"],
    "-LRB-": ["("],
    "-RRB-": [")"],
    "-LSB-": ["["],
    "-RSB-": ["]"],
    "-LCB-": ["{"],
    "-RCB-": ["}"],
    "`": ["'", "‘", "`"],
    "'": ["'", "’", "`"],
}
_SEARCH_WINDOW = 40  # characters to look ahead for the next token
_MIN_ALIGNED = 0.6  # share of a sentence's tokens that must be found to accept it


@dataclass
class EcbDocument:
    article: Article
    name: str  # document key, e.g. "1_10ecb" (file name without .json)
    topic: str  # "1"
    subtopic: str  # "1ecb" — the gold story (read only by scorers)
    # (sentence id, token id) -> (start, end) in article.text, for aligned tokens
    tokens: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


@dataclass
class EcbMention:
    """A gold event mention (read only by scorers)."""

    mention_id: str
    doc: str  # EcbDocument.name
    subtopic: str
    chain: str  # coref_chain
    sentence: int
    head_token: int
    start: int | None  # char span of the head token in the article text; None if unaligned
    end: int | None
    text: str  # tokens_str


def subtopic_dirs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "topics").iterdir() if p.is_dir())


def stream_key(name: str) -> str:
    """The protocol's order for the stories task: hex SHA-1 of the document's file name."""
    return hashlib.sha1(f"{name}.json".encode()).hexdigest()


def _doc_name(conll_key: str) -> str:
    topic, sub, number = conll_key.split("/")
    return f"{topic}_{number}{sub[len(topic) :]}"


def _conll_tokens(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Document name -> [(sentence id, token id, token)] in file order."""
    docs: dict[str, list[tuple[int, int, str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                continue
            docs.setdefault(_doc_name(cols[0]), []).append((int(cols[1]), int(cols[2]), cols[3]))
    return docs


def _align_sentence(
    text: str, words: list[tuple[int, str]], start: int
) -> tuple[dict[int, tuple[int, int]], int]:
    spans: dict[int, tuple[int, int]] = {}
    cursor = start
    for tok, word in words:
        best: tuple[int, int] | None = None
        for form in [word, *_VARIANTS.get(word, [])]:
            found = text.find(form, cursor, cursor + _SEARCH_WINDOW + len(form))
            if found >= 0 and (best is None or found < best[0]):
                best = (found, found + len(form))
        if best is not None:
            spans[tok] = best
            cursor = best[1]
    return spans, cursor


def _align(text: str, tokens: list[tuple[int, int, str]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Map CoNLL tokens to character spans in the article text, sentence by sentence.

    A sentence is accepted only when most of its tokens are found in order from the cursor;
    otherwise it is skipped (ECB+ documents start with a URL "sentence" that is not in the
    text, and their title is sentence 0 or 1). A token not found stays unaligned.
    """
    sentences: dict[int, list[tuple[int, str]]] = {}
    for sent, tok, word in tokens:
        sentences.setdefault(sent, []).append((tok, word))
    out: dict[tuple[int, int], tuple[int, int]] = {}
    cursor = 0
    for sent in sorted(sentences):
        words = sentences[sent]
        spans, end = _align_sentence(text, words, cursor)
        if len(spans) >= _MIN_ALIGNED * len(words):
            out.update({(sent, tok): span for tok, span in spans.items()})
            cursor = end
    return out


def load_documents(root: Path, limit: int | None = None) -> list[EcbDocument]:
    """All documents, sub-topic by sub-topic (sorted), files sorted; ``limit`` = first N topics."""
    documents: list[EcbDocument] = []
    dirs = subtopic_dirs(root)
    if limit is not None:
        topics = sorted({d.name.replace("ecbplus", "").replace("ecb", "") for d in dirs}, key=int)
        keep = set(topics[:limit])
        dirs = [d for d in dirs if d.name.replace("ecbplus", "").replace("ecb", "") in keep]
    for sub in dirs:
        conll = sub / "annotation" / "original" / f"{sub.name}.conll"
        tokens = _conll_tokens(conll) if conll.is_file() else {}
        topic = sub.name.replace("ecbplus", "").replace("ecb", "")
        for path in sorted(sub.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            title = str(data.get("title") or "").strip()
            body = str(data.get("text") or "").strip()
            text = f"{title}\n{body}" if title else body
            article = Article(
                id=f"ecb:{path.stem}",
                text=text,
                title=title,
                outlet="",
                source=f"{sub.name}/{path.name}",
            )
            documents.append(
                EcbDocument(
                    article=article,
                    name=path.stem,
                    topic=topic,
                    subtopic=sub.name,
                    tokens=_align(text, tokens.get(path.stem, [])),
                )
            )
    return documents


def load_event_mentions(root: Path, documents: list[EcbDocument]) -> list[EcbMention]:
    """Gold event mentions of the given documents, with head-token character spans."""
    by_name = {d.name: d for d in documents}
    mentions: list[EcbMention] = []
    for sub in sorted({d.subtopic for d in documents}):
        path = root / "topics" / sub / "annotation" / "original" / f"event_mentions_{sub}.json"
        if not path.is_file():
            continue
        for m in json.loads(path.read_text(encoding="utf-8")):
            doc = by_name.get(str(m["doc_id"]))
            if doc is None:
                continue
            sent = int(m["sent_id"])
            if m.get("mention_head_id") is not None:
                head = int(m["mention_head_id"])
            else:  # a few mentions lack a head id: take their last token
                head = int(m["tokens_number"][-1])
            span = doc.tokens.get((sent, head))
            mentions.append(
                EcbMention(
                    mention_id=str(m["mention_id"]),
                    doc=doc.name,
                    subtopic=sub,
                    chain=str(m["coref_chain"]),
                    sentence=sent,
                    head_token=head,
                    start=span[0] if span else None,
                    end=span[1] if span else None,
                    text=str(m.get("tokens_str", "")),
                )
            )
    return mentions
