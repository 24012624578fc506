"""Reports of a comparison: JSON, Markdown and one self-contained HTML file.

All three are rendered from the same dict (:func:`newsprism.report.jsonout.to_dict`), so they
always show the same findings. ``render(comparison, "html")`` is the one entry point.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsprism.model import Comparison, Outlet
from newsprism.report.jsonout import dumps, to_dict

# The report formats, listed once (``newsprism compare --format`` offers them in this order).
FORMATS = ("html", "md", "json")
# A file name's suffix -> the format it asks for (anything else: JSON).
SUFFIX_FORMATS = {"htm": "html", "html": "html", "md": "md", "markdown": "md"}


def format_for_path(path: str | Path | None) -> str:
    """The format an output file's name asks for: HTML for .html/.htm, Markdown for
    .md/.markdown, else JSON (also when there is no file: standard output)."""
    if not path:
        return "json"
    return SUFFIX_FORMATS.get(Path(path).suffix.lower().lstrip("."), "json")


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


__all__ = ["FORMATS", "format_for_path", "render", "render_dict", "to_dict"]
