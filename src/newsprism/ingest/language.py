"""A quick language guess (script and common words), used only when no metadata names it.

Loading a statistical language model costs seconds; this costs nothing and is right for
the common cases. Returns an ISO 639-1 code, "en" when nothing points elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for on with as was by at from it are be has have this said",
        "de": "der die und das ist nicht mit den von zu ein eine im auf für sich dem des auch wird",
        "fr": "le la les et des est une pour dans que qui sur par pas du au avec il elle ont été",
        "es": "el los las y que en un una por con para es se del al lo como pero más fue",
        "it": "il di che per un una sono con non del della gli nel alla anche è stato ha",
        "pt": "o os e que em um uma para com não do da no na por mais foi são ao",
        "nl": "de het een en van is dat op te voor met niet zijn ook werd heeft",
        "pl": "i w na z że nie się do jest to jak po od za przez",
        "sv": "och att det som är på en för med av till den har inte",
        "tr": "ve bir bu da de için ile olarak olan çok gibi daha",
    }.items()
}


def guess_language(text: str) -> str:
    """The most likely language of ``text`` as an ISO 639-1 code ("en" when unsure)."""
    sample = text[:5000]
    letters: Counter[str] = Counter()
    for ch in sample:
        if ch.isalpha():
            code = ord(ch)
            if 0x0400 <= code <= 0x04FF:
                letters["cyrillic"] += 1
            elif 0x0600 <= code <= 0x06FF:
                letters["arabic"] += 1
            elif 0x0590 <= code <= 0x05FF:
                letters["he"] += 1
            elif 0x0370 <= code <= 0x03FF:
                letters["el"] += 1
            elif 0x3040 <= code <= 0x30FF:
                letters["ja"] += 1
            elif 0xAC00 <= code <= 0xD7AF:
                letters["ko"] += 1
            elif 0x4E00 <= code <= 0x9FFF:
                letters["zh"] += 1
            elif 0x0900 <= code <= 0x097F:
                letters["hi"] += 1
            elif 0x0E00 <= code <= 0x0E7F:
                letters["th"] += 1
            else:
                letters["latin"] += 1
    if not letters:
        return "en"
    script, _count = letters.most_common(1)[0]
    if script == "cyrillic":
        return "uk" if re.search(r"[іїєґ]", sample.lower()) else "ru"
    if script == "arabic":
        return "fa" if re.search(r"[پچژگ]", sample) else "ar"
    if script == "zh" and letters["ja"]:
        return "ja"
    if script != "latin":
        return script
    words = Counter(w.lower() for w in _WORD.findall(sample))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(sorted(scores), key=lambda lang: scores[lang])
    return best if scores[best] > 0 else "en"
