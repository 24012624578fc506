"""ingest's entry point: inputs -> clean ``Article`` objects with metadata, plus problems.

Metadata precedence, field by field: the caller's overrides (command-line flags), then the
``<file>.meta.json`` sidecar, then what the input itself carries (JSON fields, HTML
metadata), then what the text says (a credit line for the outlet, a "Published ..." line or
a dateline for the time, a guess for the language).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsprism.ingest.clean import clean_label, clean_text, normalize_whitespace
from newsprism.ingest.confine import confinement
from newsprism.ingest.files import RawDoc, decode, expand, looks_binary, read_input
from newsprism.ingest.ids import article_id
from newsprism.ingest.language import guess_language
from newsprism.ingest.meta import ArticleMeta, read_sidecar, sidecar_path
from newsprism.ingest.outlets import Registry, RegistryError, cached_registry
from newsprism.ingest.pubtime import infer_from_text, parse_time
from newsprism.ingest.warc import WarcPage
from newsprism.model import Article, Problem, TimeSource
from newsprism.settings import DEFAULT, IngestSettings


@dataclass
class IngestResult:
    """The articles that loaded (in input order) and a problem for each input that did not."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _registry(settings: IngestSettings, problems: list[Problem]) -> Registry:
    try:
        return cached_registry(settings.outlets_file)
    except RegistryError as err:
        problems.append(Problem(settings.outlets_file, f"{err}; using the shipped outlet registry"))
        return cached_registry("")


def _first(*values: str | None) -> str:
    for value in values:
        if value:
            return value
    return ""


def resolve_outlet(
    registry: Registry, given: str, url: str, sitename: str, credit: str
) -> tuple[str, str, str]:
    """(display name, registry id, note) for an article's outlet.

    A name the user or the input gives wins (matched to the registry when possible, else
    kept as given); then the page's site name if the registry knows it; then the URL's
    domain; then an unknown site name; then a credit line ("Credit: RT News").
    """
    if given:
        outlet = registry.match(given)
        return (outlet.name, outlet.id, "") if outlet else (given, "", "")
    if sitename and (outlet := registry.match(sitename)):
        return outlet.name, outlet.id, ""
    if url and (outlet := registry.match_url(url)):
        return outlet.name, outlet.id, f"outlet from the URL's domain ({url})"
    if sitename:
        return sitename, "", ""
    if credit:
        words = credit.split()  # "CBS Interactive Inc. Douglas Haig" -> "CBS"
        prefixes = (" ".join(words[:n]) for n in range(len(words), 0, -1))
        outlet = next((o for o in map(registry.match, prefixes) if o is not None), None)
        note = f'outlet from the credit line "{credit}"'
        return (outlet.name, outlet.id, note) if outlet else (credit, "", note)
    return "", "", ""


def _plausible(value: datetime, settings: IngestSettings) -> bool:
    return settings.published_min_year <= value.year <= settings.published_max_year


def _years(settings: IngestSettings) -> str:
    return (
        f"outside the years {settings.published_min_year}-{settings.published_max_year} "
        "(ingest published_min_year / published_max_year)"
    )


def _published(
    layers: list[tuple[ArticleMeta | None, TimeSource, str]],
    raw_text: str,
    language: str,
    notes: list[str],
    problems: list[Problem],
    settings: IngestSettings = DEFAULT.ingest,
) -> tuple[datetime | None, TimeSource]:
    for meta, how, where in layers:
        if meta is None or meta.published in (None, ""):
            continue
        parsed = parse_time(meta.published, language)
        if parsed is not None and not _plausible(parsed, settings):
            problems.append(
                Problem(
                    where, f'the publication time "{meta.published}" is {_years(settings)}; ignored'
                )
            )
            continue
        if parsed is not None:
            return parsed, how
        problems.append(
            Problem(
                where,
                f'cannot read the publication time "{meta.published}" (give a full date, e.g. '
                "2024-10-21T09:30:00+03:00); ignored",
            )
        )
    found = infer_from_text(raw_text, language)
    if found is not None and not _plausible(found.value, settings):
        notes.append(f'ignored the date "{found.evidence}" in the text: {_years(settings)}')
        found = None
    if found is not None:
        notes.append(f'publication time read from the text: "{found.evidence}"')
        return found.value, "text"
    return None, "unknown"


def _drop_title_line(raw: RawDoc) -> str:
    """HTML text usually starts with the headline; drop it when it is exactly the title."""
    if not raw.title_line:
        return raw.text
    text = normalize_whitespace(raw.text)
    first, _, rest = text.lstrip().partition("\n")
    if " ".join(first.split()).casefold() == " ".join(raw.title_line.split()).casefold():
        raw.notes.append("removed the headline line at the start (kept as the title)")
        return rest
    return raw.text


def cut_text(text: str, limit: int, total: int = 0) -> tuple[str, str]:
    """``text`` cut to at most ``limit`` characters, at the last line end (else sentence end,
    else space) in the second half of the allowance; and a note saying so ("" when not cut)."""
    if len(text) <= limit:
        return text, ""
    head = text[:limit]
    cut = head.rfind("\n")
    if cut < limit // 2:
        cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
        cut = cut + 1 if cut >= limit // 2 else head.rfind(" ")
    if cut < limit // 2:
        cut = limit
    kept = text[:cut].rstrip()
    note = (
        f"the text is {max(total, len(text)):,} characters, over the {limit:,} limit (ingest "
        f"max_text_chars); only the first {len(kept):,} are kept and analysed"
    )
    return kept, note


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")


def cap_sentences(text: str, limit: int) -> tuple[str, str]:
    """``text`` with every sentence (a run ending at . ! ? … or a line break) longer than
    ``limit`` characters cut to its first ``limit`` (at a space when there is one in the
    second half); and a note saying how many were cut ("" when none)."""
    if len(text) <= limit:
        return text, ""
    out: list[str] = []
    cut = 0
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if len(piece) > limit:
            space = piece.rfind(" ", 0, limit)
            piece = piece[: space if space >= limit // 2 else limit].rstrip()
            cut += 1
        out.append(piece)
        nxt = _SENTENCE_END.match(text, end)
        out.append(nxt.group(0) if nxt else "")
        start = nxt.end() if nxt else end
    if not cut:
        return text, ""
    note = (
        f"cut {cut} sentence(s) longer than {limit:,} characters (ingest max_sentence_chars) "
        f"to their first {limit:,}"
    )
    return "".join(out), note


def build_article(
    raw: RawDoc,
    overrides: ArticleMeta | None,
    registry: Registry,
    problems: list[Problem],
    settings: IngestSettings = DEFAULT.ingest,
) -> Article | None:
    """Clean one raw document and attach its metadata; None (with a problem) when it is empty.

    A clean text over ``settings.max_text_chars`` is cut with a note; a publication time
    outside the plausible years is a problem and is ignored.
    """
    text = _drop_title_line(raw)
    total = len(text)
    if total > 2 * settings.max_text_chars:  # no need to clean what will be cut anyway
        text = text[: 2 * settings.max_text_chars]
    notes = list(raw.notes)
    sidecar: ArticleMeta | None = None
    sidecar_where = ""
    if raw.sidecar_of is not None:
        sidecar, side_problems = read_sidecar(raw.sidecar_of, raw.sidecar_inside, settings)
        problems.extend(side_problems)
        sidecar_where = str(sidecar_path(raw.sidecar_of))
        if sidecar is not None:
            notes.append(f"metadata from the sidecar {sidecar_path(raw.sidecar_of).name}")
    cleaned = clean_text(text)
    notes.extend(cleaned.notes)
    if not cleaned.text:
        problems.append(
            Problem(raw.source, "empty: no article text is left after removing boilerplate")
        )
        return None
    cleaned.text, cut_note = cut_text(cleaned.text, settings.max_text_chars, total)
    if cut_note:
        notes.append(cut_note)
    cleaned.text, cap_note = cap_sentences(cleaned.text, settings.max_sentence_chars)
    if cap_note:
        notes.append(cap_note)

    embedded = raw.meta
    explicit = [overrides, sidecar] + ([embedded] if raw.kind == "json" else [])

    def pick(name: str, metas: list[ArticleMeta | None]) -> str:
        return _first(*(getattr(m, name) for m in metas if m is not None))

    language = pick("language", [overrides, sidecar, embedded]).lower()
    if not language:
        language = guess_language(cleaned.text)
        notes.append(f"language guessed from the text: {language}")
    url = pick("url", [overrides, sidecar, embedded])
    title = clean_label(pick("title", [overrides, sidecar, embedded]))
    sitename = clean_label(embedded.outlet or "") if raw.kind == "html" else ""
    outlet, outlet_id, outlet_note = resolve_outlet(
        registry, clean_label(pick("outlet", explicit)), url, sitename, cleaned.credit
    )
    outlet = clean_label(outlet)
    if outlet_note:
        notes.append(outlet_note)
    layers: list[tuple[ArticleMeta | None, TimeSource, str]] = [
        (overrides, "flag", f"{raw.source} (--published)"),
        (sidecar, "sidecar", sidecar_where),
        (embedded, raw.meta_source, raw.source),
    ]
    published, published_source = _published(layers, raw.text, language, notes, problems, settings)
    return Article(
        id=article_id(cleaned.text),
        text=cleaned.text,
        title=title,
        outlet=outlet,
        outlet_id=outlet_id,
        url=url,
        published=published,
        published_source=published_source,
        language=language,
        source=raw.source,
        notes=notes,
    )


def registry_for(settings: IngestSettings, problems: list[Problem]) -> Registry:
    """The outlet registry the settings name (the shipped one, with a problem, when the
    user's file cannot be read)."""
    return _registry(settings, problems)


def raw_from_web(
    data: bytes,
    source: str,
    url: str,
    *,
    html: bool = True,
    charset: str = "",
    fallback: ArticleMeta | None = None,
) -> RawDoc | Problem:
    """A fetched or archived web page (or plain text) as a raw document.

    ``url`` is where it was found (the article's URL); ``charset`` the one the server
    declared; ``fallback`` metadata (e.g. a feed entry's title and time) fills only what
    the page itself does not say.
    """
    if not data.strip():
        return Problem(source, "empty: the page holds no text")
    if looks_binary(data):
        return Problem(source, "binary data, not a web page or text")
    decoded: tuple[str, str] | None = None
    if charset:
        try:
            decoded = data.decode(charset), ""
        except (LookupError, UnicodeDecodeError):
            decoded = None
    decoded = decoded or decode(data, html=html)
    if decoded is None:
        return Problem(source, "the page's encoding could not be determined")
    text, note = decoded
    notes = [note] if note else []
    back = fallback or ArticleMeta()
    if not html:
        meta = ArticleMeta(
            published=back.published, url=url or None, title=back.title, language=back.language
        )
        return RawDoc(text, source, "text", meta, "metadata", None, notes)
    from newsprism.ingest.extract import extract_html

    page = extract_html(text, url=url)
    notes.extend(page.notes)
    meta = ArticleMeta(
        outlet=page.sitename or back.outlet,
        published=page.published or back.published,
        url=url or page.url or None,
        title=page.title or back.title,
        language=page.language or back.language,
    )
    how: TimeSource = "html" if page.published else "metadata"
    return RawDoc(page.text, source, "html", meta, how, None, notes, title_line=page.title)


def build_noted(
    raw: RawDoc, registry: Registry, settings: IngestSettings, notes: Iterable[str] = ()
) -> tuple[Article | None, list[Problem]]:
    """``build_article`` for an ingest run, with the reader's ``notes`` (e.g. a WARC
    capture's dates) added to the article.

    Both ingest engines build through here, so an article and its remarks do not depend on
    the engine that read it. Returns the article (None when there is none) and the problems:
    why there is no article, or remarks on the one there is.
    """
    problems: list[Problem] = []
    article = build_article(raw, None, registry, problems, settings)
    if article is not None:
        article.notes.extend(notes)
    return article, problems


def raw_from_warc(page: WarcPage) -> tuple[RawDoc, list[str]] | Problem:
    """An archived page as a raw document and the notes on its capture time.

    The capture time (WARC-Date) fills the publication time only when the page gives none,
    and a note says so; both ingest engines read a WARC page through here.
    """
    raw = raw_from_web(
        page.body,
        page.source,
        page.url,
        charset=page.charset,
        fallback=ArticleMeta(published=page.date or None),
    )
    if isinstance(raw, Problem):
        return raw
    notes = [f"archived at {page.date} (WARC-Date)"] if page.date else []
    if raw.meta_source == "metadata" and page.date:
        notes.append("no publication time on the page; the capture time is used")
    return raw, notes


def load(
    inputs: list[str],
    overrides: ArticleMeta | None = None,
    settings: IngestSettings = DEFAULT.ingest,
) -> IngestResult:
    """Load articles from files, folders, JSON/JSONL, HTML and "-" (standard input).

    ``overrides`` (the command line's metadata flags) apply to every article loaded and
    are meant for a single input. Bad inputs never raise: each becomes a ``Problem``
    naming it, and the rest still load. An article whose clean text is identical to an
    earlier one is skipped with a problem (its id would collide).
    """
    result = IngestResult()
    registry = _registry(settings, result.problems)
    seen: dict[str, str] = {}
    if overrides is not None and overrides.is_empty():
        overrides = None
    entries: list[tuple[tuple[str, Path | None] | Problem, Path | None]] = []
    for source in inputs:  # each walked file is opened inside its folder (confine.open_inside)
        inside = confinement(source, settings.follow_symlinks)
        entries.extend((entry, inside) for entry in expand([source], settings.follow_symlinks))
    for entry, inside in entries:
        if isinstance(entry, Problem):
            result.problems.append(entry)
            continue
        name, path = entry
        for item in read_input(name, path, settings, inside):
            if isinstance(item, Problem):
                result.problems.append(item)
                continue
            article = build_article(item, overrides, registry, result.problems, settings)
            if article is None:
                continue
            if article.id in seen:
                result.problems.append(
                    Problem(article.source, f"the same text as {seen[article.id]}; skipped")
                )
                continue
            seen[article.id] = article.source
            result.articles.append(article)
    return result
