"""Unified factuality (Stanovsky et al., ACL 2017): UW and MEANTIME predicates on [-3, 3].

Layout: ``<corpus>/<split>.conll``, one token a line (index, word, factuality value or ``_``,
POS, head, relation, lemma) and a blank line between sentences. Corpora here: ``uw`` and
``meantime``; splits ``train`` and ``dev`` (a held-out copy has ``test``). Only the words are
given to the system: each sentence's text is rebuilt from its tokens joined by spaces, with
every token's character offsets; the values are gold and read only by the scorer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CORPORA = ("uw", "meantime")
# Penn Treebank escapes back to the characters they stand for.
_WORDS = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]",
          "-LCB-": "{", "-RCB-": "}"}  # fmt: skip


@dataclass
class FactualitySentence:
    corpus: str
    split: str
    index: int  # 0-based sentence number in the split's file
    text: str  # the words joined by single spaces
    offsets: list[tuple[int, int]]  # character span of each token in ``text``
    values: dict[int, float] = field(default_factory=dict)  # gold: token index -> value


def splits(root: Path, corpus: str) -> list[str]:
    """Split names present for one corpus, sorted (e.g. ["dev", "train"])."""
    return sorted(p.stem for p in (root / corpus).glob("*.conll"))


def _sentence(corpus: str, split: str, index: int, rows: list[list[str]]) -> FactualitySentence:
    words = [_WORDS.get(row[1], row[1]) for row in rows]
    offsets: list[tuple[int, int]] = []
    pos = 0
    for word in words:
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    values = {
        k: float(row[2]) for k, row in enumerate(rows) if len(row) > 2 and row[2] not in ("_", "")
    }
    return FactualitySentence(corpus, split, index, " ".join(words), offsets, values)


def load(
    root: Path, split: str | None = None, limit: int | None = None
) -> dict[str, list[FactualitySentence]]:
    """Sentences per corpus (``uw``, ``meantime``) of one split or all; first ``limit`` of each."""
    found: dict[str, list[FactualitySentence]] = {}
    for corpus in CORPORA:
        if not (root / corpus).is_dir():
            continue
        sentences: list[FactualitySentence] = []
        for name in [split] if split else splits(root, corpus):
            path = root / corpus / f"{name}.conll"
            if not path.is_file():
                continue
            rows: list[list[str]] = []
            count = 0
            for line in path.read_text(encoding="utf-8").splitlines() + [""]:
                if line.strip():
                    rows.append(line.split("\t"))
                    continue
                if rows:
                    sentences.append(_sentence(corpus, name, count, rows))
                    count += 1
                    rows = []
                    if limit and count >= limit:
                        break
        found[corpus] = sentences
    return found
