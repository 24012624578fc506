"""ingest: inputs (files, folders, JSON/JSONL, HTML, stdin) -> clean articles with metadata.

``load(inputs, overrides, settings) -> IngestResult`` is the stage's entry point.
"""

from newsprism.ingest.ids import article_id
from newsprism.ingest.loader import IngestResult, load
from newsprism.ingest.meta import ArticleMeta
from newsprism.ingest.outlets import Registry, load_registry

__all__ = ["ArticleMeta", "IngestResult", "Registry", "article_id", "load", "load_registry"]
