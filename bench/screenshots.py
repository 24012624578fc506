"""Screenshots of the web app's main pages, for the README: docs/screens/*.png.

The same set-up as the browser tests (tests/test_web_browser.py): a temporary store with the
demo story and two other stories, the real app served on 127.0.0.1, headless Chromium driven
by Playwright (Debian's ``chromium``; ``make browser`` installs it). The pasted article of the
Add page is submitted, so the story list shows it too. Each picture is 1280 pixels wide.

    .venv/bin/python bench/screenshots.py [--out docs/screens]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import FloatRect, Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHROMIUM = Path("/usr/bin/chromium")  # as in the tests
WIDTH, HEIGHT = 1280, 900
MAX_HEIGHT = 2600  # a tall part of a page is cut here, to keep each PNG small


def shoot(page: Page, out: Path, name: str) -> None:
    """The viewport as it is now."""
    page.screenshot(path=str(out / name))
    print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")


def shoot_between(page: Page, out: Path, name: str, first: str, last: str) -> None:
    """The part of the page from the top of ``first`` to the bottom of ``last`` (selectors),
    full width, at most MAX_HEIGHT pixels."""
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.wait_for_function("() => window.scrollY === 0")
    top = page.locator(first).bounding_box()  # page coordinates, now that it is at the top
    bottom = page.locator(last).bounding_box()
    if top is None or bottom is None:
        raise SystemExit(f"error: {first} or {last} is not on {page.url}")
    y = max(0.0, top["y"] - 16)
    height = min(MAX_HEIGHT, bottom["y"] + bottom["height"] + 16 - y)
    clip: FloatRect = {"x": 0.0, "y": y, "width": float(WIDTH), "height": height}
    page.screenshot(path=str(out / name), full_page=True, clip=clip)
    print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens", help="folder")
    args = parser.parse_args(argv)

    if not CHROMIUM.exists():  # (the tests' module skips itself without it)
        print(f"error: {CHROMIUM} not found (make browser installs it)", file=sys.stderr)
        return 2
    from test_web_browser import (  # the browser tests' set-up
        KAZAN,
        PASTED_TEXT,
        PASTED_TITLE,
        WAIT_MS,
        build_store,
        launch,
        open_story,
        serving,
    )

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = build_store(Path(folder))
        with serving(db) as base, launch() as browser:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_default_timeout(WAIT_MS)

            page.goto(base + "/add")
            page.get_by_label("Text").fill(PASTED_TEXT)
            page.get_by_label("Title").fill(PASTED_TITLE)
            page.get_by_label("Outlet").fill("Associated Press")
            page.get_by_label("Published").fill("2024-11-09T10:00:00+00:00")
            shoot(page, out, "add.png")
            page.get_by_role("button", name="Add the text").click()
            page.wait_for_url("**/stories/s*")

            open_story(page, base, KAZAN)  # compared by the app's own job on first visit
            shoot(page, out, "story.png")
            shoot_between(page, out, "story-matrix.png", "#matrix", "#omissions")
            page.locator("#row-f1 td.cell a").nth(1).click()
            page.wait_for_url("**#a2-s1")
            page.locator("#a2-s1").scroll_into_view_if_needed()
            page.wait_for_function(
                "() => { const r = document.querySelector('#a2-s1').getBoundingClientRect();"
                " return r.top >= 0 && r.bottom <= window.innerHeight; }"
            )
            page.wait_for_timeout(800)  # let the smooth scroll settle before the picture
            shoot(page, out, "story-highlight.png")
            shoot_between(page, out, "story-framing.png", "#framing", "#quotes")

            page.goto(base + "/")
            shoot(page, out, "stories.png")
            page.goto(base + "/outlets/rt")
            shoot_between(page, out, "outlet.png", "header.top", "main")
    return 0


if __name__ == "__main__":
    sys.exit(main())
