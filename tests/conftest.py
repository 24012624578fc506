"""Shared fixtures: the spaCy pipeline (loaded once), the seeds and the evaluation data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pg_server import pg_server, store_db  # noqa: F401  (fixtures: a real PostgreSQL, both stores)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from newsprism.analyze.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The annotated corpora beside the checkout; tests that need them skip without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"evaluation data not found at {SHARED_DATA} (../shared/data beside the repo)")
    return SHARED_DATA
