"""The ``status`` task: factuality of event predicates from the claim status logic.

Each sentence of the unified factuality corpora (UW, MEANTIME) is parsed with the shared
pipeline; every annotated predicate is mapped by character offset to its spaCy token and
given ``reading_value(status_of(token))``, the same status reading ``extract_claims`` uses.
Metrics per corpus: Pearson r and mean absolute error against the gold [-3, 3] values.
Baseline: every predicate +3 (certainly happened); a constant has Pearson r 0.0.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc, Token

from newsprism.analyze.claims import reading_value, status_of
from newsprism.analyze.nlp import parse
from newsprism.eval.common import EvalOptions, EvalResult, Stages, progress
from newsprism.eval.loaders.factuality import FactualitySentence, load
from newsprism.eval.metrics import mae, pearson

DATASETS = {"factuality"}
BASELINE_VALUE = 3.0


def _token_at(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span):
        return span.root
    for token in doc:
        if token.idx <= start < token.idx + len(token.text):
            return token
    return None


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Score the factuality value of every annotated predicate, per corpus."""
    stages = Stages()
    with stages("load"):
        corpora = load(data, opts.split, opts.limit)
    settings = opts.settings.analyze
    metrics: dict[str, dict[str, float]] = {}
    cases: list[tuple[float, str]] = []
    total = 0
    for corpus, sentences in corpora.items():
        gold: list[float] = []
        pred: list[float] = []
        if opts.baseline:
            for sentence in sentences:
                for value in sentence.values.values():
                    gold.append(value)
                    pred.append(BASELINE_VALUE)
        else:
            with stages("parse+status"):
                docs = parse(s.text for s in sentences)
                pairs: zip[tuple[Doc, FactualitySentence]] = zip(docs, sentences, strict=True)
                for doc, sentence in progress(
                    pairs, len(sentences), f"status {corpus}", opts.progress
                ):
                    for index, value in sorted(sentence.values.items()):
                        token = _token_at(doc, *sentence.offsets[index])
                        if token is None:
                            guess = BASELINE_VALUE
                            note = "no token"
                        else:
                            reading = status_of(token)
                            guess = reading_value(reading, settings)
                            negated = " neg" if reading.negated else ""
                            note = f"{reading.status}{negated} ({reading.cue})"
                        gold.append(value)
                        pred.append(guess)
                        if opts.errors:
                            s, e = sentence.offsets[index]
                            marked = (
                                f"{sentence.text[:s]}[[{sentence.text[s:e]}]]{sentence.text[e:]}"
                            )
                            cases.append(
                                (abs(value - guess),
                                 f"{corpus}/{sentence.split}#{sentence.index} gold {value:+.1f} "
                                 f"pred {guess:+.1f} {note}: {marked}")
                            )  # fmt: skip
        metrics[corpus] = {
            "pearson": round(pearson(gold, pred), 4),
            "mae": round(mae(gold, pred), 4),
            "n": len(gold),
        }
        total += len(gold)
    cases.sort(key=lambda c: (-c[0], c[1]))
    return EvalResult(
        task="status",
        dataset=dataset,
        n=total,
        metrics=metrics,
        stages=stages.seconds,
        errors=[c[1] for c in cases[: opts.errors]],
        system="constant +3" if opts.baseline else "newsprism",
    )
