"""Sentence roles: which sentences of a story carry informational bias.

Informational bias (Fan et al. 2019, BASIL) is content chosen to sway: speculation,
background that casts an actor in a light, one side's charge left unanswered. Whether the
other articles say the same thing carries no signal for it (measured on BASIL: AUROC 0.52), so
a sentence is judged by its role, read from explainable cues: quotes and attribution, hedges,
opinion and charge verbs, references to the past, contrast, partisan labels, its position in
the article. A small logistic model over these cues (``newsprism.train.align.train_roles``,
trained on BASIL odd triplets) gives each sentence a probability; sentences at or above
``AlignSettings.role_threshold`` are flagged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from newsprism.model import Article
from newsprism.settings import DEFAULT, Settings

MODEL_FILE = "roles_model.json"


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


CUES: dict[str, re.Pattern[str]] = {
    "quote": re.compile(r"[\"“”]"),
    "attribution": _words(
        "said", "says", "told", "according to", "stated", "wrote", "added", "noted",
        "explained", "asked", "spokesman", "spokeswoman", "statement",
    ),
    "hedge": _words(
        "may", "might", "could", "would", "reportedly", "allegedly", "possibly", "likely",
        "perhaps", "appears?", "seems?", "suggests?", "expected", "potential(?:ly)?",
    ),
    "opinion": _words(
        "accus\\w*", "criticiz\\w*", "blam\\w*", "slam\\w*", "charg\\w*", "claim\\w*",
        "argu\\w*", "insist\\w*", "den(?:y|ied|ies)", "attack\\w*", "condemn\\w*",
        "warn\\w*", "call(?:s|ed)? (?:for|on)", "believ\\w*", "think\\w*",
    ),
    "past": _words(
        "had", "previously", "earlier", "last (?:year|month|week)", "former(?:ly)?", "ago",
        "once", "since", "in (?:19|20)\\d\\d", "history", "past", "was", "were",
    ),
    "contrast": _words("but", "however", "although", "though", "yet", "despite", "while"),
    "negation": _words("not", "never", "no", "n't", "nothing", "none"),
    "partisan": _words(
        "republicans?", "democrats?", "gop", "liberals?", "conservatives?", "tea party",
        "left", "right-wing", "progressives?",
    ),
    "person_first": _words("i", "we", "our", "my", "us"),
    "number": re.compile(r"\d"),
}  # fmt: skip
FEATURES = (
    *CUES,
    "position",
    "first",
    "length",
    "sentiment",
    "negative",
)


@dataclass(frozen=True)
class RoleModel:
    bias: float
    weights: dict[str, float]


@lru_cache(maxsize=1)
def _vader() -> object:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentence_features(text: str, index: int, count: int) -> dict[str, float]:
    """Explainable cues of one sentence at ``index`` among ``count`` in its article."""
    out = {name: float(bool(pattern.search(text))) for name, pattern in CUES.items()}
    out["position"] = index / max(count - 1, 1)
    out["first"] = float(index < 2)
    out["length"] = math.log1p(len(text.split())) / 4
    scores = _vader().polarity_scores(text)  # type: ignore[attr-defined]
    out["sentiment"] = abs(float(scores["compound"]))
    out["negative"] = float(scores["neg"])
    return out


@lru_cache(maxsize=2)
def load_model(name: str = MODEL_FILE) -> RoleModel | None:
    """The trained role model shipped in newsprism/data, or None when absent."""
    try:
        raw = resources.files("newsprism.data").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    data = json.loads(raw)
    return RoleModel(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()})


# Hand-set fallback when no trained model is shipped: quotes, attribution, charges, past.
FALLBACK = RoleModel(
    -2.2,
    {"quote": 0.6, "opinion": 0.6, "past": 0.4, "hedge": 0.3, "partisan": 0.3, "length": 1.0},
)


def role_probability(features: dict[str, float], model: RoleModel) -> float:
    """Probability that a sentence carries informational bias."""
    z = model.bias + sum(model.weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-z))


def sentence_scores(text: str, spans: Sequence[tuple[int, int]]) -> list[float]:
    """Role probability of each sentence span of one article's text."""
    model = load_model() or FALLBACK
    return [
        role_probability(sentence_features(text[s:e], k, len(spans)), model)
        for k, (s, e) in enumerate(spans)
    ]


def flag_sentences(
    articles: Sequence[Article],
    sentences: Sequence[Sequence[tuple[int, int]]],
    settings: Settings = DEFAULT,
) -> list[list[bool]]:
    """For each article of a story, which of its sentences carry informational bias."""
    return [
        [p >= settings.align.role_threshold for p in sentence_scores(a.text, spans)]
        for a, spans in zip(articles, sentences, strict=True)
    ]
