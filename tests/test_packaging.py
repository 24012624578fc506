"""pyproject.toml and requirements.lock agree: every dependency the code relies on directly is
declared, and each exact pin of the lock satisfies the range pyproject.toml declares for it.

``web/serving.py`` subclasses uvicorn's HTTP/1.1 protocol (its ``cycle``, ``connections`` and
``send_400_response``) and writes h11 events itself, so both must be declared, uvicorn with a
range that stops before a release that may change those internals (issue 14 review, item 10).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        found += [Requirement(line) for line in extra]
    return {canonicalize_name(r.name): r for r in found}


def pinned() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name.split("[", 1)[0])] = Version(version.strip())
    return pins


def test_the_web_servers_direct_dependencies_are_declared_with_a_range() -> None:
    deps = declared()
    for name in ("uvicorn", "h11"):
        assert name in deps, f"{name} is imported by web/serving.py but not declared"
        specifier = deps[name].specifier
        assert any(s.operator == "<" for s in specifier), f"{name} has no upper bound"
        assert any(s.operator == ">=" for s in specifier), f"{name} has no lower bound"


def test_every_pin_of_the_lock_satisfies_the_declared_range() -> None:
    pins = pinned()
    for name, requirement in declared().items():
        if not requirement.specifier:
            continue
        assert name in pins, f"{name} is declared but not pinned in requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}"
        )
