"""A stored comparison as the report dict: the conversion lives with the report, not the store.

The store keeps and rebuilds model dataclasses only (``load_comparison_model``); turning them
into the report's JSON is presentation, so the store never imports ``report``.

    data = load_report(store, story_id)   # == to_dict(comparison, outlets) of what was saved
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsprism.report.jsonout import to_dict

if TYPE_CHECKING:
    from newsprism.store.base import StoreBackend


def load_report(store: StoreBackend, story_id: str) -> dict[str, Any]:
    """The comparison stored under ``story_id`` as the report dict (equal to ``to_dict`` of
    what was saved, with the stored outlet registry entries as ``outlet_info``).

    Raises ``KeyError`` when no comparison has that id.
    """
    comparison = store.load_comparison_model(story_id)
    outlets = store.outlets(sorted({a.outlet_id for a in comparison.articles}))
    return to_dict(comparison, outlets)
