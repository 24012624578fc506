"""Build the table of given names and the gender they most often go with
(``newsprism train names``), from nomquamgender's name data.

nomquamgender (MIT licence, Van Buskirk, Clauset and Larremore, 2022) counts how often each
given name goes with each gender over 36 sources. Its table is 22 MB of JSON that takes two
seconds to read, and the package pulls in pandas; newsprism needs only the names that point
one way clearly. Kept: names written in plain letters, counted at least ``MIN_COUNT`` times,
whose share of one gender is at least ``1 - MAX_UNCERTAINTY`` (the package's own default
threshold). Written to ``src/newsprism/data/given_names.tsv``, sorted, so the same data give
the same file byte for byte.

Install the source first (``make given-names`` does both): it is read as a file of the
installed distribution, never imported, so pandas is not needed.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from newsprism.analyze.names import NAMES_FILE

SOURCE = "nomquamgender"
SOURCE_FILE = "nomquamgender/name_data.json"
MIN_COUNT = 1000
MAX_UNCERTAINTY = 0.1


class SourceMissing(RuntimeError):
    """The name data's package is not installed."""


def _source() -> metadata.Distribution:
    try:
        return metadata.distribution(SOURCE)
    except metadata.PackageNotFoundError as exc:
        raise SourceMissing(
            f"{SOURCE} is not installed: run `make given-names` (or pip install --no-deps "
            f"{SOURCE}==0.1.4)"
        ) from exc


def source_table() -> dict[str, list[object]]:
    """nomquamgender's table: name -> [sources, count, share female, ...]."""
    path = Path(str(_source().locate_file(SOURCE_FILE)))
    with path.open(encoding="utf-8") as handle:
        table: dict[str, list[object]] = json.load(handle)
    return table


def source_licence() -> str:
    """The source's licence text (MIT: its notice goes with every copy of its data)."""
    return _source().read_text("LICENSE") or ""


def given_names(table: dict[str, list[object]]) -> dict[str, str]:
    """Name -> "f" or "m" for the names that point one way clearly."""
    out: dict[str, str] = {}
    for name, info in table.items():
        count, female = info[1], info[2]
        if not (name.isascii() and name.isalpha() and len(name) > 1):
            continue
        if not isinstance(count, int) or not isinstance(female, (int, float)):
            continue
        if count < MIN_COUNT:
            continue
        if female >= 1 - MAX_UNCERTAINTY:
            out[name] = "f"
        elif female <= MAX_UNCERTAINTY:
            out[name] = "m"
    return out


def train(out: Path | None = None) -> Path:
    """Write the table; return its path."""
    names = given_names(source_table())
    path = out or NAMES_FILE
    header = (
        f"# given name -> f / m: from {SOURCE} 0.1.4 (MIT), counted at least {MIN_COUNT} "
        f"times, at least {1 - MAX_UNCERTAINTY:.0%} one way (newsprism train names)\n"
        f"# {SOURCE}'s licence:\n"
    )
    header += "".join(f"#   {line}".rstrip() + "\n" for line in source_licence().splitlines())
    lines = "".join(f"{name}\t{names[name]}\n" for name in sorted(names))
    path.write_text(header + lines, encoding="utf-8")
    return path
