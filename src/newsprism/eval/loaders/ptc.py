"""Propaganda Techniques Corpus (SemEval-2020 Task 11): articles with technique spans.

Layout: ``articles/article<id>.txt`` and ``task2-TC.labels`` (one span a line: id, technique,
start, end, tab-separated; character offsets into the file's text). The article text is the
file content exactly (read with ``newline=""`` so offsets match), so every gold span indexes
``article.text`` directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.model import Article

# The two techniques of the ``loaded`` task.
LOADED_TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")


@dataclass
class PtcArticle:
    id: str  # the corpus id, e.g. "111111111"
    article: Article
    # Gold (read only by scorers and the trainer): technique -> spans into article.text
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def gold(self, techniques: tuple[str, ...] = LOADED_TECHNIQUES) -> list[tuple[int, int]]:
        """Gold spans of the given techniques, sorted."""
        return sorted(s for t in techniques for s in self.spans.get(t, []))


def _read_labels(path: Path) -> dict[str, dict[str, list[tuple[int, int]]]]:
    labels: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    if not path.is_file():
        return {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
            continue
        labels[parts[0]][parts[1]].append((int(parts[2]), int(parts[3])))
    return {k: dict(v) for k, v in labels.items()}


def load(root: Path, limit: int | None = None) -> list[PtcArticle]:
    """All PTC articles under ``root``, sorted by id; ``limit`` keeps the first N."""
    labels = _read_labels(root / "task2-TC.labels")
    items: list[PtcArticle] = []
    for path in sorted((root / "articles").glob("article*.txt")):
        ptc_id = path.stem.removeprefix("article")
        with path.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        article = Article(id=f"ptc:{ptc_id}", text=text, source=path.name)
        items.append(PtcArticle(id=ptc_id, article=article, spans=labels.get(ptc_id, {})))
    return items[:limit] if limit is not None else items
