"""Browser tests of the web app: the real server (uvicorn on 127.0.0.1, a free port) over a
temporary store, driven by Playwright in headless Chromium (Debian's ``chromium``, which the
Makefile installs; Playwright cannot download its own browser offline).

The store holds the demo story (the two examples/ seeds, compared by the app's own job) and two
stories about other events (an apple harvest, a bridge closure). The tests filter the story
list, click a claim-matrix cell and see its sentence highlighted, read a loaded-wording score
on hover, add an article by pasting it, merge two stories, and read the pages with JavaScript
off; and they attack the app from a page served on another port of 127.0.0.1, as a hostile
tester did (issue 14): framing the story list to merge two stories by clickjacking, and
getting write power from what the browser sends another server. ``bench/screenshots.py`` uses
the same set-up (``build_store``, ``serving``, ``launch``, ``open_story``).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: the browser tests need Debian's chromium (`make browser`)",
        allow_module_level=True,
    )

import uvicorn  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from newsprism.cli.ingest import main as ingest_main  # noqa: E402
from newsprism.web.app import create_app  # noqa: E402
from newsprism.web.serving import server_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

KAZAN = "s52f02e59a2a7d2ab"
KAZAN_TITLE = "Putin to meet UN Secretary-General Guterres at BRICS summit in Kazan"
ORCHARD_TITLE = "Early apple harvest in Vale de Rosas"
BRIDGE_TITLE = "Serra river bridge closed for repairs"
SHARED_FACT = "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
RFE_FIRST = (  # the first sentence of each demo article: the shared fact's sentences
    "Russian President Vladimir Putin intends to hold a meeting with UN Secretary-General "
    "Antonio Guterres on the sidelines of the BRICS summit in Kazan, Russian presidential aide "
    "Yury Ushakov announced on October 21."
)
RT_FIRST = (
    "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres, who "
    "visited Russia for the first time in over two years to attend the BRICS Summit in Kazan."
)

# Chromium's flags: nothing reaches out (updates, sync, QUIC probes), no GPU, no sandbox (CI
# containers). Playwright gives each launch a fresh profile in a temporary folder.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 120_000  # generous bounds for analyses on a busy machine; not timings

OTHER_STORIES = [
    {
        "text": (
            "Apple growers in the Vale de Rosas valley began the harvest early this year after "
            "a warm spring, the regional farmers' union said on Monday. The union expects a crop "
            "of about forty thousand tonnes, a tenth more than last year, and said prices at the "
            "cooperative market had fallen slightly. Growers hired seasonal pickers from "
            "neighbouring towns, and the cooperative opened a second cold store near the railway "
            "station to keep the fruit fresh until the winter months."
        ),
        "title": ORCHARD_TITLE,
        "outlet": "BBC",
        "published": "2024-09-02T08:00:00+00:00",
    },
    {
        "text": (
            "Engineers closed the old iron bridge over the Serra river on Wednesday after "
            "inspectors found cracks in two of its supports, the city council said. Traffic is "
            "diverted to the new ring road, adding about twenty minutes to the drive into the "
            "centre. The council said repairs would take at least three months and cost several "
            "million, and that buses would run a shuttle service across the river on the "
            "temporary pontoon for pedestrians."
        ),
        "title": BRIDGE_TITLE,
        "outlet": "Reuters",
        "published": "2024-09-04T08:00:00+00:00",
    },
]

PASTED_TITLE = "Lisbon reopens its central library after a two-year renovation"
PASTED_TEXT = (
    "The central library of Lisbon reopened on Saturday after a renovation that took two years "
    "and cost twelve million euros, the city's culture office said. The building now has a "
    "reading room on the roof, a children's floor and longer opening hours on weekdays. "
    "Hundreds of readers queued at the doors before the opening, and the mayor thanked the "
    "librarians who had kept a temporary branch running in a school gym during the works."
)


# --- the set-up (shared with bench/screenshots.py) ---------------------------------------------


def build_store(folder: Path) -> Path:
    """A store in ``folder`` with the two demo seeds (one story) and two other stories."""
    db = folder / "store.db"
    assert ingest_main([str(EXAMPLES), "--db", str(db), "--no-progress"]) == 0
    extra = folder / "other.jsonl"
    extra.write_text("".join(json.dumps(r) + "\n" for r in OTHER_STORIES), encoding="utf-8")
    assert ingest_main([str(extra), "--db", str(db), "--no-progress"]) == 0
    return db


@contextmanager
def serving(db: Path, **options: Any) -> Iterator[str]:
    """The web app over ``db`` (``create_app``'s ``options``) served by uvicorn in a thread on
    127.0.0.1 and a free port (bound here, so no other process can take it in between); yields
    the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(str(db), **options)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))  # as `newsprism serve` does
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(600):  # a bound (30 s), not a timing
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        if not server.started:
            raise RuntimeError("the web app did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


@dataclass
class OtherSite:
    """A server on another port of 127.0.0.1 (another local app, or one an attacker got the
    user to open): it serves ``page`` at ``/`` and keeps the Cookie header of each request."""

    url: str
    page: str = ""
    cookies: list[str] = field(default_factory=list)


@contextmanager
def other_site() -> Iterator[OtherSite]:
    site = OtherSite(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.cookies.append(self.headers.get("Cookie", ""))
            body = site.page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def framing_page(target: str) -> str:
    """The clickjacking page: ``target`` in a nearly invisible frame over a bait button."""
    return (
        "<!doctype html><title>Win a prize</title><button>Click three times to win</button>"
        f'<iframe name="victim" src="{target}" width="1200" height="800" '
        'style="opacity:0.01;position:absolute;top:0;left:0"></iframe>'
    )


def are_separate(base: str, page: Page, *titles: str) -> bool:
    """Whether each of ``titles`` still heads its own story (a merged one's title is gone from
    the list), read through the API."""
    listed = page.request.get(f"{base}/api/stories?per_page=100").json()["stories"]
    return all(any(story["title"] == title for story in listed) for title in titles)


def merge_form(target: str, stories: list[str], token: str) -> str:
    """A page of another server with a form that merges ``stories`` on ``target``."""
    fields = "".join(f'<input type="hidden" name="story" value="{s}">' for s in stories)
    return (
        f'<!doctype html><title>Win a prize</title><form method="post" '
        f'action="{target}/stories/merge">{fields}'
        f'<input type="hidden" name="token" value="{token}"><button>Win</button></form>'
    )


def post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` (a server the test started) without any proxy; the status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def get_text(url: str, headers: dict[str, str]) -> str:
    """GET ``url`` (a server the test started) as a plain client would: no Origin, no
    Sec-Fetch-Site, no proxy; the body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, headers=headers), timeout=60) as answer:
        return str(answer.read().decode("utf-8"))


@contextmanager
def launch() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        yield playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )


def open_story(page: Page, base: str, story: str) -> None:
    """Open a story page; one not compared yet reloads itself until its matrix is there."""
    page.goto(f"{base}/stories/{story}")
    expect(page.locator("#matrix")).to_be_visible(timeout=WAIT_MS)


def logged_errors(page: Page) -> list[str]:
    """The errors ``page`` will log (script errors, resources that fail to load, such as a
    missing favicon), collected as they come."""
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", console)
    return errors


def visible_titles(page: Page) -> list[str]:
    return page.locator("li.story h2 a").all_inner_texts()


def story_id_of(page: Page, title: str) -> str:
    item = page.locator("li.story").filter(has=page.get_by_role("link", name=title, exact=True))
    return str(item.get_attribute("id")).removeprefix("story-")


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("web_browser"))


@pytest.fixture(scope="module")
def base(store: Path) -> Iterator[str]:
    with serving(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Browser]:
    with launch() as chromium:
        page = chromium.new_page()
        errors = logged_errors(page)
        open_story(page, base, KAZAN)  # the app compares the demo story once, here
        page.close()
        assert errors == []
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context; the test fails if a page logs an error (a script error, a
    resource that did not load)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors = logged_errors(tab)
    yield tab
    context.close()
    assert errors == []


# --- tests (in file order: the reading ones first, then adding and merging) --------------------


def test_filter_the_story_list(base: str, page: Page) -> None:
    page.goto(base + "/")
    assert visible_titles(page) == [KAZAN_TITLE, BRIDGE_TITLE, ORCHARD_TITLE]  # newest first

    page.get_by_label("Outlet").select_option(label="RT")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?*outlet=rt*")
    expect(page.get_by_label("Outlet")).to_have_value("rt")
    assert visible_titles(page) == [KAZAN_TITLE]
    assert page.locator("li.story a.outlet").all_inner_texts() == [
        "Radio Free Europe/Radio Liberty",
        "RT",
    ]

    page.get_by_role("link", name="clear").click()
    page.get_by_label("Search").fill("bridge")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url("**/?q=bridge*")
    assert visible_titles(page) == [BRIDGE_TITLE]

    page.get_by_label("Search").fill("Guterres bridge")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?q=Guterres+bridge*")
    assert visible_titles(page) == []
    expect(page.locator("p.empty")).to_have_text("No story matches these filters.")


def test_a_matrix_cell_highlights_its_sentence(base: str, page: Page) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name=KAZAN_TITLE, exact=True).click()
    page.wait_for_url(f"**/stories/{KAZAN}")
    row = page.locator("table.matrix tr").filter(has_text=SHARED_FACT)
    expect(row).to_have_count(1)
    cells = row.locator("td.cell")
    expect(cells).to_have_class(["cell m-agreed", "cell m-agreed"])
    expect(cells.locator(".cword")).to_have_text(["planned", "happened"])  # status differs

    cells.nth(1).locator("a").click()  # RT's cell
    page.wait_for_url(f"**/stories/{KAZAN}#a2-s1")
    sentence = page.locator("#a2-s1")
    assert sentence.evaluate("el => el.matches(':target')") is True
    assert sentence.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 243, 196)"
    assert sentence.evaluate("el => el.textContent") == RT_FIRST
    # The script also marks exactly the words of the claims: RT tells the meeting over two
    # sentences, and the cell finds both.
    marked = page.locator("article.col[data-index='2'] .seg.hl")
    expect(marked).not_to_have_count(0)
    assert "".join(marked.evaluate_all("els => els.map(e => e.textContent)")) == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
        "Putin spoke with Guterres behind closed doors on Thursday evening, the final day of "
        "the summit"
    )
    assert marked.first.evaluate("el => getComputedStyle(el).backgroundColor") == (
        "rgb(255, 210, 77)"
    )
    expect(sentence).to_be_in_viewport()

    cells.nth(0).locator("a").click()  # RFE/RL's cell: the highlight moves there
    page.wait_for_url(f"**/stories/{KAZAN}#a1-s1")
    assert page.locator("#a1-s1").evaluate("el => el.matches(':target')") is True
    assert page.locator("#a1-s1").evaluate("el => el.textContent") == RFE_FIRST
    assert sentence.evaluate("el => el.matches(':target')") is False
    expect(page.locator("article.col[data-index='2'] .seg.hl")).to_have_count(0)


def test_loaded_wording_carries_its_score_on_hover(base: str, page: Page) -> None:
    page.goto(f"{base}/stories/{KAZAN}")
    mark = page.locator("article.col[data-index='2'] .seg.f-loaded", has_text="harsh criticism")
    expect(mark).to_have_count(1)
    mark.hover()
    assert mark.get_attribute("title") == (
        "reported by one outlet only: The three-day BRICS Summit in Kazan was attended by "
        "high-level delegations from 36 nations, several international organizations, and the "
        "UN chief; loaded wording, score 0.68"
    )
    assert mark.evaluate("el => getComputedStyle(el).textDecorationLine") == "underline"


def test_add_an_article_by_pasting_it(base: str, page: Page) -> None:
    page.goto(base + "/add")
    page.get_by_label("Text").fill(PASTED_TEXT)
    page.get_by_label("Title").fill(PASTED_TITLE)
    page.get_by_label("Outlet").fill("Associated Press")
    page.get_by_label("Published").fill("2024-11-09T10:00:00+00:00")
    page.get_by_role("button", name="Add the text").click()
    page.wait_for_url("**/stories/s*", timeout=WAIT_MS)  # the job page reloads until done
    expect(page.locator("h1")).to_have_text(PASTED_TITLE)
    expect(page.locator("article.single .headline")).to_have_text(PASTED_TITLE)
    expect(page.locator("article.single h3 a")).to_have_text("Associated Press")
    expect(page.locator("article.single .text")).to_have_text(PASTED_TEXT)

    page.goto(base + "/")
    assert visible_titles(page)[0] == PASTED_TITLE  # newest first


def test_a_page_on_another_port_cannot_frame_the_app_to_merge(base: str, browser: Browser) -> None:
    """Issue 14, item 2: a page on another port of 127.0.0.1 framed the story list nearly
    invisibly; three clicks (two check boxes and the merge button) merged two stories. Now the
    browser refuses to show the app in the frame (frame-ancestors 'none', X-Frame-Options)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + "/")
        bridge, orchard = story_id_of(page, BRIDGE_TITLE), story_id_of(page, ORCHARD_TITLE)
        with other_site() as attacker:
            attacker.page = framing_page(base + "/")
            page.goto(attacker.url + "/")  # waits for the frame's load too
            victim = page.frame(name="victim")
            assert victim is not None
            boxes = victim.locator("li.story input[type=checkbox]")
            if boxes.count():  # the frame shows the list: the attacker's three clicks
                victim.locator(f"#story-{bridge} input[type=checkbox]").check()
                victim.locator(f"#story-{orchard} input[type=checkbox]").check()
                with victim.expect_navigation():
                    victim.locator(".merge-bar button").click()
            assert are_separate(base, page, BRIDGE_TITLE, ORCHARD_TITLE)
            assert victim.url == "chrome-error://chromewebdata/"  # the frame was refused
            assert victim.locator("form").count() == 0
    finally:
        context.close()


def test_the_token_authorises_only_this_servers_own_pages(
    store: Path, base: str, browser: Browser
) -> None:
    """Issue 14, item 3, and its review: after ``/?token=``, Chromium sent the token's cookie to
    every other server on 127.0.0.1 (cookies are not separated by port). First it held the
    token; then a derived value, which another server could replay from a plain client to GET
    ``/add``, read the form token there and write with it. Now the server sets no cookie: the
    page opened with ``?token=`` keeps the form token in the tab's sessionStorage (per origin,
    port included) and the later pages' forms carry it. The other server gets nothing to
    replay, the reviewer's two-step route yields no form token, and every write it tries is
    refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with serving(store, token="s3cret") as guarded, other_site() as attacker:
            page = context.new_page()
            page.goto(guarded + "/?token=s3cret")  # the user opens the app with its token
            bridge, orchard = story_id_of(page, BRIDGE_TITLE), story_id_of(page, ORCHARD_TITLE)
            assert page.url == guarded + "/"  # app.js took ?token= out of the address bar
            assert context.cookies() == []

            # the user's later pages of this server, in this tab, carry the form token and write
            page.goto(guarded + "/add")
            tokens = page.locator('form input[name="token"]').evaluate_all(
                "fields => fields.map(f => f.value)"
            )
            assert len(tokens) == 3 and len(set(tokens)) == 1
            assert tokens[0] not in ("", "s3cret")
            page.goto(f"{guarded}/stories/{bridge}")
            move = page.locator("form.move").first
            move.locator('input[name="story"]').fill("snosuchstory")
            with page.expect_response("**/articles/*/move") as answer:
                move.get_by_role("button", name="Move").click()
            assert answer.value.status == 404  # past the token check: no such story

            page.goto(attacker.url + "/")  # the user visits another local server
            assert attacker.cookies[-1] == ""  # the browser had no cookie of this server to send
            assert page.evaluate("window.sessionStorage.length") == 0  # nor its storage here
            # the reviewer's two-step route: replay what came, read /add, write with it
            replayed = {"Cookie": attacker.cookies[-1]} if attacker.cookies[-1] else {}
            add_page = get_text(f"{guarded}/add", replayed)
            found = re.findall(r'name="token" value="([^"]*)"', add_page)
            assert found == []
            merge = {"into": bridge, "others": [orchard]}
            for token in ("", tokens[0][::-1]):
                given = {**replayed, "X-Newsprism-Token": token} if token else replayed
                assert post_json(f"{guarded}/api/stories/merge", merge, given) == 403

            attacker.page = merge_form(guarded, [bridge, orchard], "")
            page.goto(attacker.url + "/")
            with page.expect_response(f"{guarded}/stories/merge") as answer:
                page.get_by_role("button", name="Win").click()
            assert answer.value.status == 403
            assert are_separate(base, page, BRIDGE_TITLE, ORCHARD_TITLE)
    finally:
        context.close()


def test_merge_two_stories_from_the_list(base: str, page: Page) -> None:
    page.goto(base + "/")
    before = visible_titles(page)
    bridge, orchard = story_id_of(page, BRIDGE_TITLE), story_id_of(page, ORCHARD_TITLE)
    button = page.locator(".merge-bar button")
    expect(button).to_be_disabled()
    page.locator(f"#story-{bridge} input[type=checkbox]").check()
    page.locator(f"#story-{orchard} input[type=checkbox]").check()
    expect(button).to_have_text("Merge the 2 selected stories")
    button.click()
    page.wait_for_url(f"**/stories/{bridge}")

    page.goto(f"{base}/stories/{orchard}")  # the merged id leads to the surviving story
    page.wait_for_url(f"**/stories/{bridge}")
    page.goto(base + "/")
    after = visible_titles(page)
    assert len(after) == len(before) - 1
    assert after == [t for t in before if t != ORCHARD_TITLE]
    expect(page.locator(f"#story-{bridge} .meta")).to_contain_text("2 articles")


def test_pages_read_without_javascript(base: str, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "/")
        assert KAZAN_TITLE in visible_titles(page)
        expect(page.locator(".merge-bar button")).to_have_text("Merge the selected stories")
        page.get_by_role("link", name=KAZAN_TITLE, exact=True).click()
        page.wait_for_url(f"**/stories/{KAZAN}")
        row = page.locator("table.matrix tr").filter(has_text=SHARED_FACT)
        expect(row.locator("td.cell")).to_have_class(["cell m-agreed", "cell m-agreed"])
        row.locator("td.cell a").nth(1).click()  # a plain link: :target still highlights
        page.wait_for_url(f"**/stories/{KAZAN}#a2-s1")
        assert page.locator("#a2-s1").evaluate("el => el.matches(':target')") is True
        expect(page.locator("article.col .seg.hl")).to_have_count(0)  # no script marked words
    finally:
        context.close()
