"""BASIL (Fan et al., EMNLP 2019): triplets of articles on one event, with bias annotations.

Layout: ``articles/<year>/<triplet>_<1|2|3>.json`` and ``annotations/<year>/<same>_ann.json``.
Each article's text is rebuilt from BASIL's own sentence split: sentences of a paragraph joined
by a space, paragraphs by a newline, so that ``sentence_spans[k]`` is BASIL sentence ``p<k>``
and annotation offsets map exactly into ``article.text``. The title is kept in
``article.title`` (annotation ids ``title`` are not part of the text).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsprism.model import Article

OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}


@dataclass
class BasilArticle:
    article: Article
    triplet: str  # gold story
    source: str  # "fox", "nyt", "hpo"
    file: str  # file name, e.g. "<triplet>_1.json"
    sentence_spans: list[tuple[int, int]]
    # Gold (read only by scorers): sentence index -> spans (offsets into article.text)
    lex: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    inf: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def _paragraphs(raw: object) -> list[list[str]]:
    if isinstance(raw, str):
        raw = ast.literal_eval(raw)
    if not isinstance(raw, list):
        return []
    return [[str(s) for s in p] for p in raw if isinstance(p, list)]


def _read_one(path: Path, annotation: Path | None) -> BasilArticle:
    data = json.loads(path.read_text(encoding="utf-8"))
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for p_index, paragraph in enumerate(_paragraphs(data.get("body-paragraphs", []))):
        if p_index and parts:
            parts.append("\n")
            offset += 1
        for s_index, sentence in enumerate(paragraph):
            if s_index:
                parts.append(" ")
                offset += 1
            spans.append((offset, offset + len(sentence)))
            parts.append(sentence)
            offset += len(sentence)
    text = "".join(parts)
    published = None
    if data.get("date"):
        published = datetime.fromisoformat(str(data["date"])).replace(tzinfo=UTC)
    source = str(data.get("source", ""))
    article = Article(
        id=f"basil:{path.stem}",
        text=text,
        title=str(data.get("title", "")),
        outlet=OUTLETS.get(source, source),
        url=str(data.get("url", "")),
        published=published,
        published_source="metadata" if published else "unknown",
        source=str(path.name),
    )
    item = BasilArticle(
        article=article,
        triplet=str(data.get("triplet-uuid", path.stem.rsplit("_", 1)[0])),
        source=source,
        file=path.name,
        sentence_spans=spans,
    )
    if annotation is not None and annotation.is_file():
        ann = json.loads(annotation.read_text(encoding="utf-8"))
        for phrase in ann.get("phrase-level-annotations", []):
            pid = str(phrase.get("id", ""))
            if not pid.startswith("p") or not pid[1:].isdigit():
                continue
            k = int(pid[1:])
            if k >= len(spans):
                continue
            base = spans[k][0]
            span = (base + int(phrase["start"]), base + int(phrase["end"]))
            target = item.lex if phrase.get("bias") == "lex" else item.inf
            if phrase.get("bias") in ("lex", "inf"):
                target.setdefault(k, []).append(span)
    return item


def user_record(article: Article) -> dict[str, str | None]:
    """The article as the JSON input a user would give ``newsprism compare``."""
    return {
        "title": article.title,
        "text": article.text,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
    }


def load(root: Path, limit: int | None = None) -> list[BasilArticle]:
    """All BASIL articles under ``root`` in stream order: by date, then file name.

    ``limit`` keeps the first N triplets of that order (all three articles of each).
    """
    items: list[BasilArticle] = []
    for path in sorted((root / "articles").glob("*/*.json")):
        annotation = root / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        items.append(_read_one(path, annotation))
    items.sort(key=lambda b: (b.article.published or datetime.min.replace(tzinfo=UTC), b.file))
    if limit is not None:
        keep: list[str] = []
        for b in items:
            if b.triplet not in keep:
                keep.append(b.triplet)
        chosen = set(keep[:limit])
        items = [b for b in items if b.triplet in chosen]
    return items
