"""Adding articles to the store: pasted text, a URL or files, stored once and filed under a
story exactly as ``newsprism ingest`` does it.

``run_add(db, source, report, progress, settings)`` is the whole use case: it reads the
source with ingest's readers, stores every article (new, a near-copy of a stored one, or a
duplicate of a stored one), files it under a story and fills an ``AddReport`` (each article
with its outcome, each input that gave no article with its reason). The web app runs it as a
background job (``web.adding.submit_add``) and shows the report; the front end only parses
the request into a ``Source``.

Uploaded bytes are read by ingest's own readers from a file this module names
(``upload-1.txt``, ``upload-2.json``...) in a private temporary folder: the name a browser sends
is only ever shown (``display_name``), never used as a path.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsprism.engines.common import IngestSummary, story_filer
from newsprism.engines.local import ingest_documents, ingest_sources
from newsprism.ingest.dedup import canonical_url
from newsprism.ingest.files import RawDoc, read_input
from newsprism.ingest.meta import SIDECAR_SUFFIX, meta_from_mapping
from newsprism.model import Article, Problem
from newsprism.settings import IngestSettings, Settings
from newsprism.store.base import Backend
from newsprism.store.open import open_store

if TYPE_CHECKING:
    from newsprism.stories.persist import StoryFiler

# How far an add got: (share of the work done, 0..1; what it is doing now).
Progress = Callable[[float, str], None]

# The file kinds an upload may be (ingest's readers for each; .ndjson is read as .jsonl).
UPLOAD_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".json", ".jsonl", ".ndjson")
PASTED = "pasted text"  # the source of a pasted article (Article.source, messages)
SIDECAR_UPLOAD = (
    "a metadata sidecar, not an article: upload the article as a .json file with these "
    'fields beside its "text" instead (sidecars are read beside files by newsprism ingest)'
)

Outcome = Literal["new", "near_copy", "duplicate"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FETCH_HINT = "; pass --allow-private to fetch it"


class AddFailed(Exception):
    """Nothing could be added (the job fails with this message)."""


@dataclass(frozen=True)
class Pasted:
    """An article pasted as text, with the metadata the user gave ("" when not given)."""

    text: str
    title: str = ""
    outlet: str = ""
    published: str = ""
    url: str = ""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser sent (for messages only) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FromUrl:
    """An article (or a feed of them) to fetch."""

    url: str


Source = Pasted | FromUrl | list[Upload]


@dataclass(frozen=True)
class AddedArticle:
    """One article the job stored or found stored."""

    id: str
    title: str
    outlet: str
    story: str  # the story it is filed under
    outcome: Outcome
    original: str = ""  # the stored article it copies (near_copy) or is (duplicate)

    def line(self) -> str:
        """What happened to it, in words."""
        name = self.title or self.id
        if self.outcome == "duplicate":
            return f"already stored: {name} (article {self.id}) is in story {self.story}"
        if self.outcome == "near_copy":
            return f"added {name} as a near-copy of article {self.original}, in story {self.story}"
        return f"added {name}, filed under story {self.story}"


@dataclass
class AddReport:
    """What one add job did."""

    articles: list[AddedArticle] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "<input>: <why>" per input that failed
    notes: list[str] = field(default_factory=list)  # remarks on inputs that did load

    @property
    def duplicates(self) -> int:
        return sum(1 for a in self.articles if a.outcome == "duplicate")

    def lines(self) -> list[str]:
        """Every article's line, then every failure."""
        return [a.line() for a in self.articles] + [f"failed: {p}" for p in self.problems]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "outlet": a.outlet,
                    "story": a.story,
                    "outcome": a.outcome,
                    "duplicate": a.outcome == "duplicate",
                    "original": a.original,
                    "message": a.line(),
                }
                for a in self.articles
            ],
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


# --- checking what the user gave -------------------------------------------------------------


def display_name(name: str, settings: IngestSettings) -> str:
    """An uploaded file's name as shown: its last path part (``../../x.txt`` -> ``x.txt``),
    without control characters, at most ``settings.max_name_chars``; "upload" when nothing
    is left."""
    last = re.split(r"[\\/]", name)[-1]
    last = unicodedata.normalize("NFC", _CONTROL.sub("", last)).strip().lstrip(".")
    return last[: settings.max_name_chars] or "upload"


def upload_suffix(name: str, settings: IngestSettings) -> str | None:
    """The reader an upload's name asks for (".txt", ".json"...), or None when not accepted."""
    suffix = Path(display_name(name, settings)).suffix.lower()
    return suffix if suffix in UPLOAD_SUFFIXES else None


def url_problem(url: str, settings: IngestSettings) -> str | None:
    """Why ``url`` cannot be fetched, or None when it is an http(s) URL."""
    if len(url) > settings.max_url_chars:
        return f"the URL is over {settings.max_url_chars} characters"
    if not re.match(r"https?://[^\s/?#]+", url, re.IGNORECASE):
        return f"only http and https URLs are fetched, not {url[:80]!r}"
    if re.search(r"\s", url):
        return "a URL has no spaces"
    return None


def text_problem(text: str) -> str | None:
    """Why pasted ``text`` cannot be an article, or None."""
    if not text.strip():
        return "the text is empty"
    if not any(ch.isalpha() for ch in text):
        return "the text holds no letters"
    return None


def job_key(source: Source) -> str:
    """The job key of adding ``source``: the same content is never added twice at once."""
    digest = hashlib.sha256()
    if isinstance(source, FromUrl):
        return f"add:url:{canonical_url(source.url)}"
    if isinstance(source, Pasted):
        for part in (source.text, source.title, source.outlet, source.published, source.url):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return f"add:text:{digest.hexdigest()}"
    for upload in source:
        digest.update(upload.name.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(hashlib.sha256(upload.data).digest())
    return f"add:files:{digest.hexdigest()}"


# --- reading ---------------------------------------------------------------------------------


def pasted_document(pasted: Pasted, settings: IngestSettings) -> RawDoc:
    """Pasted text as ingest reads a JSON article: the text and the metadata fields given."""
    fields = {
        "text": pasted.text,
        "title": pasted.title,
        "outlet": pasted.outlet,
        "published": pasted.published,
        "url": pasted.url,
    }
    meta, complaints = meta_from_mapping(fields, settings)
    notes = [f"ignored: {c}" for c in complaints]
    return RawDoc(pasted.text, PASTED, "json", meta, "metadata", None, notes)


def upload_documents(
    uploads: list[Upload], folder: Path, settings: IngestSettings
) -> Iterator[tuple[str, list[RawDoc | Problem]]]:
    """(shown name, raw documents and problems) per upload, read by ingest's readers from a
    file named here (never by the upload's name) inside ``folder``."""
    for number, upload in enumerate(uploads, start=1):
        shown = f"upload {display_name(upload.name, settings)}"
        suffix = upload_suffix(upload.name, settings)
        if suffix is None:
            kinds = ", ".join(UPLOAD_SUFFIXES)
            yield shown, [Problem(shown, f"not an article file (accepted: {kinds})")]
            continue
        if display_name(upload.name, settings).lower().endswith(SIDECAR_SUFFIX):
            yield shown, [Problem(shown, SIDECAR_UPLOAD)]
            continue
        path = folder / f"upload-{number}{suffix}"
        path.write_bytes(upload.data)
        try:
            found = read_input(shown, path, settings)
        finally:
            path.unlink()
        for item in found:
            if isinstance(item, RawDoc):
                item.sidecar_of = None  # no sidecar beside a file named here
        yield shown, found


# --- the job ---------------------------------------------------------------------------------


class _Filing:
    """The callbacks of one ingest run: file each article and note what happened."""

    def __init__(self, store: Backend, filer: StoryFiler, report: AddReport) -> None:
        self.store = store
        self.filer = filer
        self.report = report

    def note(self, article: Article, story: str, outcome: Outcome, original: str = "") -> None:
        resolved = self.store.resolve_story(story) or story
        self.report.articles.append(
            AddedArticle(article.id, article.title, article.outlet, resolved, outcome, original)
        )

    def new(self, article: Article) -> None:
        self.note(article, self.filer.file(article), "new")

    def copy(self, article: Article, original: str) -> None:
        self.note(article, self.filer.file_copy(article, original), "near_copy", original)

    def duplicate(self, article_id: str) -> None:
        stored = self.store.get_article(article_id)
        if stored is None:
            return
        story = self.filer.filed(article_id) or self.filer.file(stored)
        self.note(stored, story, "duplicate", article_id)


def _problem_line(problem: Problem) -> str:
    message = problem.message.replace(_FETCH_HINT, "; this server does not fetch such addresses")
    return f"{problem.input}: {message}"


def _take(summary: IngestSummary, report: AddReport) -> None:
    report.problems.extend(_problem_line(p) for p in summary.problems)
    report.notes.extend(_problem_line(p) for p in summary.warnings)


def run_add(
    db: str,
    source: Source,
    report: AddReport,
    progress: Progress,
    settings: Settings,
    *,
    allow_private: bool = False,
) -> str:
    """Store and file ``source`` in the store at ``db``, filling ``report``; return the story
    to land on (the first article's). ``AddFailed`` when no article came of it."""
    ingest = settings.ingest
    progress(0.02, "opening the store")
    with open_store(db) as store, story_filer(store, settings.stories) as filer:
        assert filer is not None
        filing = _Filing(store, filer, report)
        if isinstance(source, FromUrl):
            progress(0.1, f"fetching {source.url}")
            summary = ingest_sources(
                [source.url],
                store,
                ingest,
                allow_private=allow_private,
                on_article=filing.new,
                on_copy=filing.copy,
                on_duplicate=filing.duplicate,
            )
            _take(summary, report)
        elif isinstance(source, Pasted):
            progress(0.1, "storing the text and filing it under a story")
            summary = ingest_documents(
                [pasted_document(source, ingest)],
                store,
                ingest,
                on_article=filing.new,
                on_copy=filing.copy,
                on_duplicate=filing.duplicate,
            )
            _take(summary, report)
        else:
            with tempfile.TemporaryDirectory(prefix="newsprism-upload-") as folder:
                read = upload_documents(source, Path(folder), ingest)
                for done, (shown, found) in enumerate(read):
                    share = 0.1 + 0.85 * done / max(1, len(source))
                    progress(share, f"storing and filing {shown} ({done + 1} of {len(source)})")
                    summary = ingest_documents(
                        found,
                        store,
                        ingest,
                        on_article=filing.new,
                        on_copy=filing.copy,
                        on_duplicate=filing.duplicate,
                    )
                    _take(summary, report)
    if not report.articles:
        raise AddFailed("; ".join(report.problems) or "no article was found in what was given")
    progress(1.0, "; ".join(report.lines()))
    return report.articles[0].story


__all__ = [
    "UPLOAD_SUFFIXES",
    "AddFailed",
    "AddReport",
    "AddedArticle",
    "FromUrl",
    "Pasted",
    "Source",
    "Upload",
    "display_name",
    "job_key",
    "pasted_document",
    "run_add",
    "text_problem",
    "upload_documents",
    "upload_suffix",
    "url_problem",
]
