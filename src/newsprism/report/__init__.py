"""Reports of a comparison: JSON, Markdown and one self-contained HTML file.

All three are rendered from the same dict (:func:`newsprism.report.jsonout.to_dict`), so they
always show the same findings. ``render(comparison, "html")`` is the one entry point.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsprism.model import Comparison, Outlet
from newsprism.report.jsonout import dumps, to_dict

FORMATS = ("json", "md", "html")


def render_dict(data: dict[str, Any], fmt: str) -> str:
    """Render a report dict (from ``to_dict`` or ``report.stored.load_report``) as ``fmt``."""
    if fmt == "json":
        return dumps(data)
    if fmt in ("md", "markdown"):
        from newsprism.report.markdown import to_markdown

        return to_markdown(data)
    if fmt == "html":
        from newsprism.report.html import to_html

        return to_html(data)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render(comparison: Comparison, fmt: str, outlets: Mapping[str, Outlet] | None = None) -> str:
    """Render a comparison as "json", "md" or "html" text.

    ``outlets`` (outlet id -> registry entry) adds country and ownership facts to the articles.
    """
    return render_dict(to_dict(comparison, outlets), fmt)


__all__ = ["FORMATS", "render", "render_dict", "to_dict"]
