"""The ``brief`` task: a neutral brief from each NeuS story's three snippets.

Each snippet (a left-, a center- and a right-rated outlet's title and lead) is an ``Article``;
the three go through ``newsprism.pipeline.compare_articles``, the code ``newsprism compare``
runs, and the brief it writes is scored. Outlets are named "the left-rated outlet", "the
center-rated outlet" and "the right-rated outlet" (NeuS gives no outlet names).

Metrics:
- ``rouge1``, ``rouge2``, ``rougeL``: mean F-measure (rouge-score, stemmed) of the brief's
  sentences joined by spaces against the roundup, whose ``TITLE=>``/``ARTICLE=>`` markers are
  removed (its title and text joined by a space).
- ``arousal``, ``arousal_reference``, ``arousal_input``: mean NRC-VAD arousal over all words found
  in the lexicon (``NRC-VAD-Lexicon.txt`` beside the splits; NaN without it) of all briefs, all
  roundups, all snippets (titles and leads).
- ``cited_rate``: share of brief sentences citing at least one span.
- ``supported_rate``: share of brief sentences whose content words all occur in the text of the
  spans they cite. Content words (``newsprism.brief.content_words``): lower-cased alphabetic
  tokens of two letters or more that are not spaCy English stopwords. Checked on the sentence
  minus the attribution phrases the brief adds (``newsprism.brief.attribution_free``:
  "According to NAME, ", "NAME and NAME report that ", "; NAME gives "), NAME being the
  outlets' names.
- ``sentences``, ``words``: mean brief length per story.

Splits: ``--split NAME``; by default every split but ``train`` (here ``val``). The baseline
(``--baseline``) is the center outlet's lead (the ARTICLE text of snippet 2), cited to itself.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

from newsprism.brief import is_supported, outlet_names
from newsprism.eval.common import EvalOptions, EvalResult, Stages, progress
from newsprism.eval.loaders import neus
from newsprism.eval.metrics import arousal, load_vad, rouge
from newsprism.model import Article, BriefSentence, Comparison, Span
from newsprism.settings import Settings

DATASETS = {"neus"}
LEXICON = "NRC-VAD-Lexicon.txt"
OUTLET_NAMES = {
    "left": "the left-rated outlet",
    "center": "the center-rated outlet",
    "right": "the right-rated outlet",
}
_MARKER = re.compile(r"\s*(?:TITLE|ARTICLE)=>\s*")


def reference_text(target: str) -> str:
    """The roundup without its ``TITLE=>``/``ARTICLE=>`` markers."""
    return _MARKER.sub(" ", target).strip()


def story_articles(articles: list[Article]) -> list[Article]:
    """The snippets as the pipeline sees them: outlet named by its AllSides rating."""
    return [replace(a, outlet=OUTLET_NAMES.get(a.outlet, a.outlet)) for a in articles]


def compare_story(articles: list[Article], settings: Settings) -> Comparison:
    """The comparison users get from ``newsprism compare`` on these articles."""
    from newsprism.pipeline import compare_articles

    return compare_articles(articles, settings)


def baseline_brief(articles: list[Article]) -> list[BriefSentence]:
    """The center outlet's lead, cited to itself."""
    center = articles[1] if len(articles) > 1 else articles[0]
    text = center.text.strip()
    if not text:
        return []
    start = center.text.index(text)
    span = Span(center.id, start, start + len(text))
    return [BriefSentence(text=text, claims=[], spans=[span], kind="partial")]


def run(data: Path, dataset: str, opts: EvalOptions) -> EvalResult:
    """Write and score a brief for every story of the chosen splits."""
    stages = Stages()
    names = [opts.split] if opts.split else [s for s in neus.splits(data) if s != "train"]
    if not names:
        names = neus.splits(data)
    stories = [s for name in names for s in neus.load(data, name, opts.limit)]
    briefs: list[list[BriefSentence]] = []
    inputs: list[list[Article]] = []
    for story in progress(stories, len(stories), "brief", opts.progress):
        articles = story_articles(story.articles)
        inputs.append(articles)
        if opts.baseline:
            briefs.append(baseline_brief(articles))
            continue
        with stages("compare"):
            comparison = compare_story(articles, opts.settings)
        for stage, seconds in comparison.timings.items():
            stages.seconds[stage] = stages.seconds.get(stage, 0.0) + seconds
        briefs.append(comparison.brief)

    with stages("score"):
        references = [reference_text(s.target) for s in stories]
        predictions = [" ".join(s.text for s in brief) for brief in briefs]
        metrics: dict[str, float | None] = dict(rouge(references, predictions))
        lexicon_path = data / LEXICON
        lexicon = load_vad(str(lexicon_path)) if lexicon_path.is_file() else {}
        snippets = [f"{a.title} {a.text}" for arts in inputs for a in arts]
        for key, texts in (
            ("arousal", predictions),
            ("arousal_reference", references),
            ("arousal_input", snippets),
        ):
            value = arousal(texts, lexicon) if lexicon else math.nan
            metrics[key] = None if math.isnan(value) else value
        sentences = cited = supported = 0
        unsupported: dict[int, list[str]] = {}
        for i, (arts, brief) in enumerate(zip(inputs, briefs, strict=True)):
            by_id = {a.id: a for a in arts}
            outlet = list(outlet_names(arts).values())
            for sentence in brief:
                sentences += 1
                cited += bool(sentence.spans)
                if is_supported(sentence, by_id, outlet):
                    supported += 1
                else:
                    unsupported.setdefault(i, []).append(sentence.text)
        metrics["cited_rate"] = cited / sentences if sentences else 0.0
        metrics["supported_rate"] = supported / sentences if sentences else 0.0
        metrics["sentences"] = sentences / len(stories) if stories else 0.0
        metrics["words"] = (
            sum(len(p.split()) for p in predictions) / len(stories) if stories else 0.0
        )
    errors = _worst(stories, references, predictions, briefs, unsupported, opts.errors)
    return EvalResult(
        task="brief",
        dataset=dataset,
        n=len(stories),
        metrics=metrics,
        stages=stages.seconds,
        errors=errors,
        system="center-lead baseline" if opts.baseline else "newsprism",
    )


def _worst(
    stories: list[neus.NeusStory],
    references: list[str],
    predictions: list[str],
    briefs: list[list[BriefSentence]],
    unsupported: dict[int, list[str]],
    count: int,
) -> list[str]:
    """The ``count`` stories with the lowest ROUGE-1 F, as readable text."""
    if count <= 0:
        return []
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    scored = sorted(
        (scorer.score(r, p)["rouge1"].fmeasure, i)
        for i, (r, p) in enumerate(zip(references, predictions, strict=True))
    )
    out = []
    for value, i in scored[:count]:
        story = stories[i]
        snippets = "\n".join(f"  [{a.outlet}] {a.title} || {a.text}" for a in story.articles)
        brief = "\n".join(f"  ({s.kind}) {s.text}" for s in briefs[i]) or "  (empty)"
        bad = "".join(f"\n  unsupported: {t}" for t in unsupported.get(i, []))
        out.append(
            f"{story.split}:{story.line} rouge1={value:.3f}\nsnippets:\n{snippets}\n"
            f"brief:\n{brief}{bad}\nreference:\n  {references[i]}"
        )
    return out
