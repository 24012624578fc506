"""The outlet registry: loading the shipped list (plus a user file) and matching outlets.

An outlet is matched by its name, one of its aliases (case-, accent- and
punctuation-insensitive, a leading "The" and a trailing "(Online News)"-style label
ignored) or a domain of a URL (``www.`` and other subdomains are tried from the most
specific host upward).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from newsprism.model import Outlet, Ownership

OWNERSHIPS: tuple[str, ...] = ("state", "public", "private", "unknown")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENS = re.compile(r"\s*\([^)]*\)\s*$")
_DOMAINISH = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:/\S*)?$", re.I
)


class RegistryError(ValueError):
    """A registry file that cannot be used (not JSON, wrong shape, bad values)."""


def name_key(name: str) -> str:
    """The matching key of an outlet name: accents, case, spaces and punctuation dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    return _NON_ALNUM.sub("", text)


def _without_the(name: str) -> str:
    return re.sub(r"^\s*the\s+", "", name, flags=re.I)


def host_of(url_or_domain: str) -> str:
    """The lower-cased host of a URL or bare domain, without port, credentials or "www."."""
    text = url_or_domain.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _outlet_from_dict(raw: Any, where: str) -> Outlet:
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: each outlet must be a JSON object")
    oid = raw.get("id")
    name = raw.get("name")
    if not isinstance(oid, str) or not oid.strip():
        raise RegistryError(f'{where}: an outlet has no "id"')
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f'{where}: outlet {oid!r} has no "name"')
    ownership = raw.get("ownership", "unknown") or "unknown"
    if ownership not in OWNERSHIPS:
        allowed = ", ".join(OWNERSHIPS)
        raise RegistryError(f"{where}: outlet {oid!r} has ownership {ownership!r}; use {allowed}")

    def strings(key: str) -> list[str]:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RegistryError(f'{where}: outlet {oid!r}: "{key}" must be a list of strings')
        return [v for v in value if v.strip()]

    return Outlet(
        id=oid.strip(),
        name=name.strip(),
        domains=[host_of(d) for d in strings("domains")],
        aliases=strings("aliases"),
        country=str(raw.get("country", "") or ""),
        ownership=cast(Ownership, ownership),
        funding=str(raw.get("funding", "") or ""),
        kind=str(raw.get("kind", "") or ""),
    )


def _read_outlets(text: str, where: str) -> list[Outlet]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise RegistryError(f"{where}: not valid JSON ({err.msg}, line {err.lineno})") from err
    except (ValueError, RecursionError) as err:  # nested too deeply, a 5000-digit number
        raise RegistryError(f"{where}: not readable JSON ({type(err).__name__})") from err
    items = doc.get("outlets") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise RegistryError(f'{where}: expected a list of outlets or an object with "outlets"')
    return [_outlet_from_dict(item, where) for item in items]


class Registry:
    """Outlets by id, with lookups by name, alias and domain."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.outlets: list[Outlet] = []
        self._by_id: dict[str, Outlet] = {}
        self._by_key: dict[str, Outlet] = {}
        self._by_loose: dict[str, Outlet] = {}  # keys without a leading "The"
        self._by_domain: dict[str, Outlet] = {}
        for outlet in outlets:
            self.add(outlet)

    def add(self, outlet: Outlet) -> None:
        """Add an outlet, replacing one with the same id; its names and domains win."""
        old = self._by_id.get(outlet.id)
        if old is not None:
            self.outlets = [o for o in self.outlets if o.id != outlet.id]
            self._by_key = {k: o for k, o in self._by_key.items() if o.id != outlet.id}
            self._by_loose = {k: o for k, o in self._by_loose.items() if o.id != outlet.id}
            self._by_domain = {d: o for d, o in self._by_domain.items() if o.id != outlet.id}
        self.outlets.append(outlet)
        self._by_id[outlet.id] = outlet
        for name in [outlet.id, outlet.name, *outlet.aliases]:
            key = name_key(name)
            if key:
                self._by_key[key] = outlet
            loose = name_key(_without_the(name))
            if loose:
                self._by_loose[loose] = outlet
        for domain in outlet.domains:
            if domain:
                self._by_domain[domain] = outlet

    def __len__(self) -> int:
        return len(self.outlets)

    def get(self, outlet_id: str) -> Outlet | None:
        """The outlet with this registry id, or None."""
        return self._by_id.get(outlet_id)

    def match_name(self, name: str) -> Outlet | None:
        """The outlet whose id, name or alias matches ``name`` (case/punctuation-insensitive)."""
        # "Fox News (Online News)" -> "Fox News"; exact names first, then without "The".
        for candidate in dict.fromkeys([name, _PARENS.sub("", name)]):
            for key in (name_key(candidate), name_key(_without_the(candidate))):
                if key and key in self._by_key:
                    return self._by_key[key]
            loose = name_key(_without_the(candidate))
            if loose and loose in self._by_loose:
                return self._by_loose[loose]
        return None

    def match_url(self, url: str) -> Outlet | None:
        """The outlet owning the URL's host or a parent domain (edition.cnn.com -> cnn)."""
        host = host_of(url)
        parts = host.split(".")
        for i in range(len(parts) - 1):
            found = self._by_domain.get(".".join(parts[i:]))
            if found is not None:
                return found
        return None

    def match(self, text: str) -> Outlet | None:
        """Match a name, alias, URL or bare domain, whichever ``text`` is."""
        text = text.strip()
        if not text:
            return None
        found = self.match_name(text)
        if found is None and _DOMAINISH.match(text) and " " not in text:
            found = self.match_url(text)
        return found


def _shipped_text() -> str:
    return resources.files("newsprism").joinpath("data", "outlets.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _shipped() -> tuple[Outlet, ...]:
    return tuple(_read_outlets(_shipped_text(), "newsprism/data/outlets.json"))


def load_registry(extra: Path | None = None) -> Registry:
    """The shipped registry, merged with a user file of the same shape when ``extra`` is given.

    A user outlet with an id already in the registry replaces it; new ids are added.
    Raises ``RegistryError`` (naming the file) when the user file cannot be used.
    """
    registry = Registry([_copy(o) for o in _shipped()])
    if extra is not None:
        try:
            text = Path(extra).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise RegistryError(f"{extra}: cannot read the outlet file ({err})") from err
        for outlet in _read_outlets(text, str(extra)):
            registry.add(outlet)
    return registry


def _copy(outlet: Outlet) -> Outlet:
    return Outlet(
        id=outlet.id,
        name=outlet.name,
        domains=list(outlet.domains),
        aliases=list(outlet.aliases),
        country=outlet.country,
        ownership=outlet.ownership,
        funding=outlet.funding,
        kind=outlet.kind,
    )


@lru_cache(maxsize=8)
def cached_registry(extra: str = "") -> Registry:
    """A registry loaded once per process for a user file ("" for none); do not modify it."""
    return load_registry(Path(extra) if extra else None)
