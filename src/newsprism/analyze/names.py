"""Given names and the gender they most often go with: whom a "she" or a "he" can mean.

Used only to rule a person out as the one a pronoun stands for ('"...," he told the
senators' is not Dianne Feinstein, named just before); never shown, never said of anyone.
The table (``data/given_names.tsv``) is built by ``newsprism train names`` from
nomquamgender's counts; a name it does not hold, or holds for both, rules no one out.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from unidecode import unidecode

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "given_names.tsv"


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    if not NAMES_FILE.is_file():
        return table
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, gender = line.split("\t")
            table[name] = gender
    return table


def given_name_gender(word: str) -> str:
    """ "f" or "m" for a given name that clearly goes with one gender, else ""."""
    return _table().get(unidecode(word).lower().strip(".,"), "")
