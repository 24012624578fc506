"""Settings a user can set: ``newsprism.toml`` in the working directory, or ``--config PATH``.

The file has one table per section of ``Settings`` (``[ingest]``, ``[stories]``, ...) and sets
any of its keys; what it leaves out keeps its default. It is read once, by ``cli.main``, and
the resulting ``Settings`` is passed down explicitly to every command, service and stage.

    [stories]
    window_days = 14.0

    [ingest]
    fetch_rate = 2.0

An unknown section or key, or a value of the wrong type, is a ``ConfigError`` naming the file
and the key, never a silent default. ``to_toml(settings)`` writes every section and key
(``newsprism config``); reading it back gives the same settings.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from newsprism.settings import DEFAULT, Settings

CONFIG_FILE = "newsprism.toml"  # read from the working directory when present


class ConfigError(ValueError):
    """The settings file cannot be used; the message names the file and the key."""


def find_config(path: str | Path | None, cwd: Path | None = None) -> Path | None:
    """The settings file in force: ``path`` when given (it must exist), else
    ``newsprism.toml`` in ``cwd`` (the working directory) when there is one, else None."""
    if path is not None:
        given = Path(path)
        if not given.is_file():
            raise ConfigError(f"{given}: no such settings file")
        return given
    found = (cwd or Path.cwd()) / CONFIG_FILE
    return found if found.is_file() else None


def load_settings(path: str | Path | None = None, cwd: Path | None = None) -> Settings:
    """The settings in force: the defaults with what the settings file sets (see
    ``find_config``). Raises ``ConfigError`` for a file that cannot be used."""
    found = find_config(path, cwd)
    if found is None:
        return DEFAULT
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{found}: cannot read the settings file ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{found}: not valid TOML ({err})") from None
    return settings_from(data, str(found))


def settings_from(data: dict[str, Any], source: str = CONFIG_FILE) -> Settings:
    """The defaults with the sections and keys of ``data`` (a parsed TOML document)."""
    sections = {f.name: f for f in fields(Settings)}
    changed: dict[str, Any] = {}
    for name, table in data.items():
        if name not in sections:
            known = ", ".join(sections)
            raise ConfigError(f"{source}: unknown section [{name}] (sections: {known})")
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {name} must be a table ([{name}]), not a value")
        default = getattr(DEFAULT, name)
        changed[name] = replace(default, **_section(name, table, default, source))
    return replace(DEFAULT, **changed)


def _section(name: str, table: dict[str, Any], default: Any, source: str) -> dict[str, Any]:
    keys = {f.name: f for f in fields(default)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in keys:
            raise ConfigError(
                f"{source}: unknown key {name}.{key} (keys of [{name}]: {', '.join(keys)})"
            )
        values[key] = _typed(f"{name}.{key}", value, getattr(default, key), source)
    return values


def _typed(key: str, value: Any, default: Any, source: str) -> Any:
    """``value`` as the type of the default it replaces, or a ``ConfigError``."""
    expected = type(default)
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        ok = isinstance(value, str)
    elif expected is tuple:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:  # pragma: no cover - every settings field is one of the above
        ok = False
    if not ok:
        wanted = "a list of strings" if expected is tuple else f"a {_toml_type(default)}"
        raise ConfigError(
            f"{source}: {key} must be {wanted}, not {_toml_type(value)} {value!r}"
            f" (default: {_value(default)})"
        )
    return value


def _toml_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    for kind, word in names.items():
        if type(value) is kind:
            return word
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _value(value: Any) -> str:
    """One value in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def to_toml(settings: Settings) -> str:
    """Every section and key of ``settings`` as TOML (``tomllib`` reads it back equal)."""
    blocks = []
    for section in fields(settings):
        table = getattr(settings, section.name)
        assert is_dataclass(table)
        lines = [f"[{section.name}]"]
        lines += [f"{f.name} = {_value(getattr(table, f.name))}" for f in fields(table)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
