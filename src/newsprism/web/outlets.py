"""The outlets of the web pages: who each one is (the shipped registry, overridden by the
entries stored with comparisons) and which have stored articles, cached per store.

The list of outlets with stored articles takes a full pass over the articles; every page's
outlet menu and coverage strip needs it, so it is kept per store and read again only when an
article was stored since (at most every ``OUTLETS_MAX_AGE`` seconds while ingest runs).
"""

from __future__ import annotations

import threading
from time import monotonic
from urllib.parse import quote

from pydantic import BaseModel, Field

from newsprism.ingest.outlets import Registry, cached_registry
from newsprism.model import Outlet
from newsprism.report.view import OWNERSHIP_WORDS
from newsprism.store.base import Backend
from newsprism.store.browse import OutletRef


def outlet_key(outlet_id: str, name: str) -> str:
    """The outlet's key in URLs: its registry id, else "~" and the name it goes by."""
    return outlet_id or f"~{name}"


def outlet_url(outlet_id: str, name: str) -> str:
    """The outlet page's path."""
    return "/outlets/" + quote(outlet_key(outlet_id, name), safe="~")


class OutletInfo(BaseModel):
    """An outlet with what the registry says about it."""

    key: str = Field(description="its key in /outlets/{key}: the registry id, else ~name")
    id: str = Field(description="registry id; empty when the registry does not know it")
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2; empty when unknown or international")
    ownership: str = Field(description="state, public, private or unknown")
    ownership_words: str
    kind: str = ""
    funding: str = ""
    url: str = Field(description="the outlet's page")
    articles: int = Field(default=0, description="articles counted in the context (story, store)")
    copies: int = Field(default=0, description="near-copies counted in the context")


class OutletDirectory:
    """Outlet facts from the shipped registry, overridden by the entries stored with
    comparisons (a user's ``--outlets`` file); turns filters into ``OutletRef`` lists."""

    def __init__(self, stored: dict[str, Outlet], registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else cached_registry("")
        self.stored = stored

    @classmethod
    def of(cls, store: Backend) -> OutletDirectory:
        return cls(store.outlets())

    def get(self, outlet_id: str) -> Outlet | None:
        if not outlet_id:
            return None
        return self.stored.get(outlet_id) or self.registry.get(outlet_id)

    def _all(self) -> list[Outlet]:
        known = {o.id: o for o in self.registry.outlets}
        known.update(self.stored)
        return list(known.values())

    def refs_for_country(self, country: str) -> list[OutletRef]:
        code = country.upper()
        return [OutletRef(o.id) for o in self._all() if o.country.upper() == code]

    def refs_for_ownership(self, ownership: str) -> list[OutletRef]:
        return [OutletRef(o.id) for o in self._all() if o.ownership == ownership]

    def ref_for(self, text: str) -> OutletRef:
        """An outlet key (``rt``, ``~Some Blog``), registry name or alias, or a name as the
        articles give it."""
        text = text.strip()
        if text.startswith("~"):
            return OutletRef("", text[1:])
        if self.get(text) is not None:
            return OutletRef(text)
        found = self.registry.match(text)
        if found is not None:
            return OutletRef(found.id)
        for outlet in self.stored.values():
            if outlet.name.lower() == text.lower():
                return OutletRef(outlet.id)
        return OutletRef("", text)

    def info(self, outlet_id: str, name: str, articles: int = 0, copies: int = 0) -> OutletInfo:
        outlet = self.get(outlet_id)
        ownership = outlet.ownership if outlet else "unknown"
        shown = (outlet.name if outlet else name) or name or outlet_id or "unknown outlet"
        return OutletInfo(
            key=outlet_key(outlet_id, name),
            id=outlet_id,
            name=shown,
            country=outlet.country if outlet else "",
            ownership=ownership,
            ownership_words=OWNERSHIP_WORDS.get(ownership, ownership),
            kind=outlet.kind if outlet else "",
            funding=outlet.funding if outlet else "",
            url=outlet_url(outlet_id, name),
            articles=articles,
            copies=copies,
        )


# The outlets with stored articles, per store: read again when an article was stored since,
# but at most every OUTLETS_MAX_AGE seconds while ``ingest`` keeps storing (the outlet menu and
# the coverage strip's list of countries may lag that long; nothing else is cached).
OUTLETS_MAX_AGE = 5.0
_OUTLETS_LOCK = threading.Lock()
_OUTLETS: dict[str, tuple[tuple[int, int], float, list[OutletInfo]]] = {}
_OUTLETS_READING: set[str] = set()  # stores whose outlets a request is reading again now


def stored_outlet_infos(store: Backend, directory: OutletDirectory) -> list[OutletInfo]:
    """Every outlet with stored articles, by name, with its article count."""
    mark = (store.article_high_water(), len(directory.stored))
    now = monotonic()
    with _OUTLETS_LOCK:
        cached = _OUTLETS.get(store.path)
        if cached is not None:
            # While another request reads them again (a full pass over the articles), the
            # others keep the last list instead of all reading at once.
            if cached[0] == mark or now - cached[1] < OUTLETS_MAX_AGE:
                return cached[2]
            if store.path in _OUTLETS_READING:
                return cached[2]
        _OUTLETS_READING.add(store.path)
    try:
        infos = []
        for counted in store.stored_outlets():
            name = counted.name
            if counted.id and directory.get(counted.id) is None:
                name = store.outlet_name(counted.id) or counted.id
            infos.append(directory.info(counted.id, name, counted.articles))
        infos.sort(key=lambda o: (o.name.lower(), o.key))
    finally:
        with _OUTLETS_LOCK:
            _OUTLETS_READING.discard(store.path)
    with _OUTLETS_LOCK:
        _OUTLETS[store.path] = (mark, now, infos)
    return infos


def store_countries(store: Backend, directory: OutletDirectory) -> list[str]:
    """The countries of the outlets with stored articles."""
    return sorted({o.country for o in stored_outlet_infos(store, directory) if o.country})
