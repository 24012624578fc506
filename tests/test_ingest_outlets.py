"""The shipped outlet registry: size, shape, and matching by name, alias and domain."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newsprism.ingest.outlets import RegistryError, host_of, load_registry, name_key


def test_registry_size_and_shape() -> None:
    registry = load_registry()
    assert len(registry) >= 150
    ids = [o.id for o in registry.outlets]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)
    assert {o.ownership for o in registry.outlets} == {"state", "public", "private"}
    assert all(o.country == "" or re.fullmatch(r"[A-Z]{2}", o.country) for o in registry.outlets)
    assert all(o.domains and o.funding and o.kind for o in registry.outlets)
    by_ownership = Counter(o.ownership for o in registry.outlets)
    assert by_ownership["state"] >= 30 and by_ownership["public"] >= 30
    assert len({o.country for o in registry.outlets}) >= 40


def test_no_name_or_domain_points_at_two_outlets() -> None:
    registry = load_registry()
    keys: dict[str, str] = {}
    domains: dict[str, str] = {}
    for outlet in registry.outlets:
        for name in [outlet.id, outlet.name, *outlet.aliases]:
            assert keys.setdefault(name_key(name), outlet.id) == outlet.id, name
        for domain in outlet.domains:
            assert domains.setdefault(domain, outlet.id) == outlet.id, domain


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("https://www.rferl.org/a/x.html", "rfe-rl"),
        ("Radio Free Europe/Radio Liberty", "rfe-rl"),
        ("radio liberty", "rfe-rl"),
        ("RFE/RL", "rfe-rl"),
        ("Russia Today", "rt"),
        ("RT News", "rt"),
        ("nyt", "nyt"),
        ("New York Times (News)", "nyt"),
        ("the new york times", "nyt"),
        ("fox", "fox-news"),
        ("Fox News (Online News)", "fox-news"),
        ("hpo", "huffpost"),
        ("HuffPost", "huffpost"),
        ("https://edition.cnn.com/2024/10/24/x", "cnn"),
        ("CNN (Online News)", "cnn"),
        ("Wall Street Journal (Opinion)", "wsj"),
        ("Suddeutsche Zeitung", "sueddeutsche"),
        ("tagesschau.de", "ard"),
        ("https://english.news.cn/20241024/x.html", "xinhua"),
        ("http://www.bbc.co.uk:80/news", "bbc"),
        ("Insider", "business-insider"),
        ("The Insider", "the-insider"),
        ("Deutsche Welle", "dw"),
        ("Al Jazeera English", "al-jazeera"),
    ],
)
def test_matching(query: str, expected: str) -> None:
    outlet = load_registry().match(query)
    assert outlet is not None and outlet.id == expected


def test_unknown_outlets_do_not_match() -> None:
    registry = load_registry()
    assert registry.match("The Daily Planet") is None
    assert registry.match("https://example.org/news") is None
    assert registry.match("") is None


def test_host_of() -> None:
    assert host_of("https://WWW.Example.com:8080/a?b") == "example.com"
    assert host_of("edition.cnn.com") == "edition.cnn.com"


def test_user_file_extends_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text(
        json.dumps(
            {
                "outlets": [
                    {
                        "id": "daily-planet",
                        "name": "Daily Planet",
                        "domains": ["dailyplanet.example"],
                        "aliases": ["The Planet"],
                        "country": "US",
                        "ownership": "private",
                    },
                    {
                        "id": "rt",
                        "name": "RT",
                        "domains": ["rt.com"],
                        "ownership": "state",
                        "funding": "my note",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    registry = load_registry(extra)
    assert registry.match("https://www.dailyplanet.example/x").id == "daily-planet"  # type: ignore[union-attr]
    assert registry.match("the planet").id == "daily-planet"  # type: ignore[union-attr]
    rt = registry.get("rt")
    assert rt is not None and rt.funding == "my note"
    assert registry.match("Russia Today") is None  # the user's entry replaced the aliases
    assert len(registry) == len(load_registry()) + 1


def test_bad_user_file_names_itself(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"outlets": [{"id": "x", "name": "X", "ownership": "govt"}]}', encoding="utf-8")
    with pytest.raises(RegistryError, match="bad.json.*ownership 'govt'"):
        load_registry(bad)


def test_outlet_precedence() -> None:
    from newsprism.ingest.loader import resolve_outlet

    registry = load_registry()
    # A given name wins; unknown names are kept as given.
    assert resolve_outlet(registry, "nyt", "https://www.rt.com/x", "RT", "RT News")[:2] == (
        "The New York Times",
        "nyt",
    )
    assert resolve_outlet(registry, "Daily Planet", "https://www.rt.com/x", "", "")[:2] == (
        "Daily Planet",
        "",
    )
    # Then a known site name, the URL's domain, an unknown site name, a credit line.
    assert resolve_outlet(registry, "", "https://www.rt.com/x", "Tass", "")[:2] == ("TASS", "tass")
    assert resolve_outlet(registry, "", "https://www.rt.com/x", "Foo", "")[:2] == ("RT", "rt")
    assert resolve_outlet(registry, "", "", "Foo", "RT News")[:2] == ("Foo", "")
    assert resolve_outlet(registry, "", "", "", "CBS Interactive Inc. Douglas Haig") == (
        "CBS News",
        "cbs-news",
        'outlet from the credit line "CBS Interactive Inc. Douglas Haig"',
    )
    assert resolve_outlet(registry, "", "", "", "") == ("", "", "")
