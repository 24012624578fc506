"""How the annotated datasets are split and replayed: shared by ``eval`` and ``train``.

``newsprism eval`` scores the held-out part in the protocol's order and ``newsprism train``
fits on the rest in the same order, so both must read the split and the order from one place.
Keeping them here (neither in ``eval`` nor in ``train``) means the two never import each
other: ``eval`` does not depend on training code, and ``train`` does not reach into a task.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsprism.model import Article

# Share of items held out from training (1 in HELD_OUT_MODULUS by SHA-1 of the item key).
HELD_OUT_MODULUS = 4


def is_held_out(key: str) -> bool:
    """Whether an item (PTC article id, BASIL triplet uuid) belongs to the held-out part."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % HELD_OUT_MODULUS == 0


def stream(
    data: Path, dataset: str, split: str | None = None, limit: int | None = None
) -> list[tuple[Article, str]]:
    """(article, gold story) pairs in the ``stories`` task's protocol order (DESIGN.md), which
    ``train stories`` replays too. ``limit`` keeps the first N gold stories of the folder
    (ECB+ topics, BASIL triplets, NeuS lines)."""
    if dataset == "ecbplus":
        from newsprism.eval.loaders import ecbplus

        docs = ecbplus.load_documents(data, limit=limit)
        return [
            (d.article, d.subtopic)
            for d in sorted(docs, key=lambda d: (ecbplus.stream_key(d.name), d.name))
        ]
    if dataset == "basil":
        from newsprism.eval.loaders import basil

        return [(b.article, b.triplet) for b in basil.load(data, limit=limit)]
    if dataset == "neus":
        from newsprism.eval.loaders import neus

        keyed = []
        for story in neus.load(data, split=split, limit=limit):
            for part, article in enumerate(story.articles):
                gold = f"{story.split}:{story.line}"
                keyed.append((neus.stream_key(story.line, part), story.split, article, gold))
        keyed.sort(key=lambda x: (x[0], x[1]))
        return [(article, gold) for _, _, article, gold in keyed]
    raise ValueError(f"the stories task does not score {dataset!r}")
