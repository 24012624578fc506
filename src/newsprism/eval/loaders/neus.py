"""NeuS (Lee et al., NAACL 2022): AllSides stories, three outlets' title and lead each.

Layout: ``<split>.source`` (one story a line: three ``TITLE=> ... ARTICLE=> ...`` parts joined by
`` [SEP] ``, in the order left, center, right) and ``<split>.target`` (the editors' neutral
roundup, one a line). Splits here: ``train``, ``val`` (a held-out copy has ``test``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from newsprism.model import Article

SIDES = ("left", "center", "right")
_PART = re.compile(r"^\s*TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<text>.*)$", re.S)


@dataclass
class NeusStory:
    split: str
    line: int  # 0-based line number in the split's files
    articles: list[Article]  # left, center, right (fewer if a part is malformed)
    target: str  # gold neutral roundup (read only by scorers)


def splits(root: Path) -> list[str]:
    """Split names present in the folder, sorted (e.g. ["train", "val"])."""
    return sorted(p.stem for p in root.glob("*.source"))


def load(root: Path, split: str | None = None, limit: int | None = None) -> list[NeusStory]:
    """Stories of one split (or all splits, sorted by split name), first ``limit`` of each."""
    stories: list[NeusStory] = []
    for name in [split] if split else splits(root):
        source = (root / f"{name}.source").read_text(encoding="utf-8").splitlines()
        target_path = root / f"{name}.target"
        targets = (
            target_path.read_text(encoding="utf-8").splitlines() if target_path.is_file() else []
        )
        for line, raw in enumerate(source[:limit] if limit else source):
            articles: list[Article] = []
            for part, chunk in enumerate(raw.split(" [SEP] ")):
                match = _PART.match(chunk)
                title, text = (match["title"], match["text"]) if match else ("", chunk.strip())
                side = SIDES[part] if part < len(SIDES) else f"part{part}"
                articles.append(
                    Article(
                        id=f"neus:{name}:{line}:{part}",
                        text=text.strip(),
                        title=title.strip(),
                        outlet=side,
                        source=f"{name}.source:{line + 1}",
                    )
                )
            target = targets[line] if line < len(targets) else ""
            stories.append(NeusStory(split=name, line=line, articles=articles, target=target))
    return stories


def stream_key(line: int, part: int) -> str:
    """The protocol's order for the stories task: hex SHA-1 of ``"<line>:<part>"``."""
    return hashlib.sha1(f"{line}:{part}".encode()).hexdigest()
