"""The web app's reading side on a real store: the two demo articles ingested into one story
(compared by the app's own job), plus three other stories (one carrying script payloads, two
merged), read through FastAPI's TestClient. The whole module runs on a SQLite store, then on a
PostgreSQL one (``site_db``)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsprism.cli.ingest import main as ingest_main
from newsprism.settings import DEFAULT
from newsprism.store import is_postgres_url, open_store
from newsprism.stories.persist import merge_stories
from newsprism.web.app import create_app
from pg_server import BACKENDS, backend_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# As a browser on this machine reaches `newsprism serve` (the app refuses other Host names).
BASE = "http://127.0.0.1:8000"

KAZAN = "s52f02e59a2a7d2ab"
KAZAN_TITLE = "Putin to meet UN Secretary-General Guterres at BRICS summit in Kazan"
RFE = "52f02e59a2a7d2ab"
RT = "d92774b8f60e3998"

SCRIPT_TITLE = '<script>alert("title")</script> Harbour ferry timetable'
SCRIPT_OUTLET = "<script>alert('outlet')</script>Gazette"
SCRIPT_URL = "javascript:alert(document.cookie)"
SCRIPT_TEXT = (
    "The harbour authority of Porto Velho published a new ferry timetable on Tuesday. "
    "<script>alert('text')</script> From next month the morning ferry leaves at six and the "
    "evening ferry at nine, the authority said in a statement. Residents of the islands had "
    "asked for an earlier morning crossing for two years. <img src=x onerror=alert(1)> The "
    "ferry company will add a third boat during the summer season, its director told "
    "reporters at the pier. Fares stay the same until the end of the year, and children under "
    "twelve travel free of charge on every crossing."
)
ORCHARD_TEXT = (
    "Apple growers in the Vale de Rosas valley began the harvest early this year after a warm "
    "spring, the regional farmers' union said on Monday. The union expects a crop of about "
    "forty thousand tonnes, a tenth more than last year, and said prices at the cooperative "
    "market had fallen slightly. Growers hired seasonal pickers from neighbouring towns, and "
    "the cooperative opened a second cold store near the railway station to keep the fruit "
    "fresh until the winter months."
)
BRIDGE_TEXT = (
    "Engineers closed the old iron bridge over the Serra river on Wednesday after inspectors "
    "found cracks in two of its supports, the city council said. Traffic is diverted to the "
    "new ring road, adding about twenty minutes to the drive into the centre. The council said "
    "repairs would take at least three months and cost several million, and that buses would "
    "run a shuttle service across the river on the temporary pontoon for pedestrians."
)


@dataclass
class Site:
    """The store and app every test reads, and what the compare job path showed."""

    db: str
    client: TestClient
    script_story: str = ""
    script_article: str = ""
    merged_from: str = ""
    merged_into: str = ""
    job_path: dict[str, Any] = field(default_factory=dict)


def _story_of(db: str, text_start: str) -> tuple[str, str]:
    with open_store(db) as store:
        row = store.conn.execute(
            "SELECT a.id, m.story FROM articles a JOIN story_articles m ON m.article = a.id "
            "WHERE a.text LIKE ?",
            (text_start + "%",),
        ).fetchone()
    return str(row[0]), str(row[1])


def _wait_for_job(client: TestClient, job_id: str) -> dict[str, Any]:
    runner = client.app.state.jobs  # type: ignore[attr-defined]
    for _ in range(1200):  # a bound, not a timing: the comparison takes a few seconds
        job = runner.get(job_id)
        if job is not None and job.finished:
            return {"state": job.state, "story": job.story, "error": job.error}
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture(scope="module", params=BACKENDS)
def site_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The store the module reads: a SQLite file, then a PostgreSQL database."""
    folder = tmp_path_factory.mktemp("web_read_store")
    with backend_db(request, request.param, folder / "store.db") as db:
        yield db


@pytest.fixture(scope="module")
def site(site_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web_read")
    db = site_db
    assert ingest_main([str(EXAMPLES), "--db", db, "--no-progress"]) == 0
    extra = folder / "extra.jsonl"
    records = [
        {
            "text": SCRIPT_TEXT,
            "title": SCRIPT_TITLE,
            "outlet": SCRIPT_OUTLET,
            "url": SCRIPT_URL,
            "published": "2024-11-05T09:00:00+00:00",
        },
        {
            "text": ORCHARD_TEXT,
            "title": "Early apple harvest in Vale de Rosas",
            "outlet": "BBC",
            "published": "2024-09-02T08:00:00+00:00",
        },
        {
            "text": BRIDGE_TEXT,
            "title": "Serra river bridge closed for repairs",
            "outlet": "Reuters",
            "published": "2024-09-04T08:00:00+00:00",
        },
    ]
    extra.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert ingest_main([str(extra), "--db", db, "--no-progress"]) == 0

    site = Site(db=db, client=TestClient(create_app(db), base_url=BASE))
    site.script_article, site.script_story = _story_of(db, "The harbour authority")
    _, orchard = _story_of(db, "Apple growers")
    _, bridge = _story_of(db, "Engineers closed")
    with open_store(db) as store:
        site.merged_into = merge_stories(store, [bridge, orchard], DEFAULT.stories)
    site.merged_from = orchard

    with site.client:
        # The compare job path: no comparison yet -> 202 / analysing page -> done -> page.
        api = site.client.get(f"/api/stories/{KAZAN}")
        page = site.client.get(f"/stories/{KAZAN}")
        body = api.json()
        site.job_path = {
            "api_status": api.status_code,
            "api_body": body,
            "location": api.headers.get("location"),
            "page_status": page.status_code,
            "page": page.text,
            "job_api": site.client.get(body.get("location", "/api/jobs/none")).status_code,
            "result": _wait_for_job(site.client, body["job"]),
        }
        yield site


def _html(site: Site, url: str, status: int = 200) -> str:
    response = site.client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _json(site: Site, url: str, status: int = 200) -> Any:
    response = site.client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _titles(site: Site, query: str = "") -> list[str]:
    return [s["title"] for s in _json(site, f"/api/stories{query}")["stories"]]


# --- the compare job ---------------------------------------------------------------------------


def test_a_story_without_comparison_is_compared_by_a_job(site: Site) -> None:
    path = site.job_path
    assert path["api_status"] == 202
    assert path["api_body"]["kind"] == "compare"
    assert path["api_body"]["state"] in ("queued", "running")
    assert path["location"] == f"/api/jobs/{path['api_body']['job']}"
    assert path["job_api"] == 200  # the writing side's job endpoint knows it
    assert path["page_status"] == 200
    assert '<meta http-equiv="refresh" content="2">' in path["page"]
    assert "Analysing 2 articles" in path["page"]
    assert path["result"] == {"state": "done", "story": KAZAN, "error": ""}
    # Now the page is the comparison, and no new job is started.
    detail = _json(site, f"/api/stories/{KAZAN}")
    assert detail["status"] == "compared"
    assert detail["job"] is None
    assert "http-equiv" not in _html(site, f"/stories/{KAZAN}")


# --- the story list ------------------------------------------------------------------------------


def test_story_list_shows_the_kazan_story_with_both_outlets(site: Site) -> None:
    listing = _json(site, "/api/stories")
    kazan = next(s for s in listing["stories"] if s["id"] == KAZAN)
    assert kazan["title"] == KAZAN_TITLE
    assert kazan["articles"] == 2 and kazan["copies"] == 0
    assert kazan["start"] == "2024-10-21T00:00:00+00:00"
    assert kazan["end"] == "2024-10-25T00:00:00+00:00"
    assert kazan["when"] == "21 Oct 2024 – 25 Oct 2024"
    assert kazan["compared"] is True
    assert kazan["url"] == f"/stories/{KAZAN}"
    assert [(o["name"], o["id"], o["country"], o["ownership"]) for o in kazan["outlets"]] == [
        ("Radio Free Europe/Radio Liberty", "rfe-rl", "US", "state"),
        ("RT", "rt", "RU", "state"),
    ]
    assert kazan["coverage"] == {
        "ownership_covered": ["state"],
        "ownership_missing": ["public", "private"],
        "countries_covered": ["RU", "US"],
        "countries_missing": ["GB"],
        "unknown_outlets": 0,
    }
    assert listing["countries"] == ["GB", "RU", "US"]
    page = _html(site, "/")
    assert KAZAN_TITLE in page
    assert '<a class="outlet own-state" href="/outlets/rfe-rl"' in page
    assert ">Radio Free Europe/Radio Liberty</a>" in page
    assert '<a class="outlet own-state" href="/outlets/rt"' in page
    assert 'title="covered by state-owned media">state-owned</span>' in page
    assert 'title="no outlet from GB covered it">GB</span>' in page


def test_story_list_is_newest_first_and_pages(site: Site) -> None:
    assert _titles(site) == [
        SCRIPT_TITLE,
        KAZAN_TITLE,
        "Serra river bridge closed for repairs",
    ]
    first = _json(site, "/api/stories?per_page=2")
    assert [s["id"] for s in first["stories"]] == [site.script_story, KAZAN]
    assert first["has_more"] is True and first["next"] == "/?page=2&per_page=2"
    second = _json(site, "/api/stories?per_page=2&page=2")
    assert [s["id"] for s in second["stories"]] == [site.merged_into]
    assert second["has_more"] is False and second["previous"] == "/?per_page=2"
    assert second["stories"][0]["articles"] == 2  # the merged story holds both articles


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?outlet=rt", [KAZAN_TITLE]),
        ("?outlet=RT", [KAZAN_TITLE]),
        ("?outlet=Radio%20Liberty", [KAZAN_TITLE]),  # a registry alias
        ("?outlet=bbc", ["Serra river bridge closed for repairs"]),
        ("?outlet=cnn", []),
        ("?country=RU", [KAZAN_TITLE]),
        ("?country=us", [KAZAN_TITLE]),
        ("?country=GB", ["Serra river bridge closed for repairs"]),
        ("?country=FR", []),
        ("?ownership=state", [KAZAN_TITLE]),
        ("?ownership=public", ["Serra river bridge closed for repairs"]),
        ("?ownership=private", ["Serra river bridge closed for repairs"]),
        ("?q=Guterres", [KAZAN_TITLE]),
        ("?q=guterres%20kazan", [KAZAN_TITLE]),
        ("?q=ferry", [SCRIPT_TITLE]),
        ("?q=Guterres%20ferry", []),
        ('?q="', []),  # FTS syntax is taken as words
        ("?q=NEAR(", ["Serra river bridge closed for repairs"]),  # the word "near"
        ("?q=AND", None),  # the word "and": every story
        ("?since=2024-10-25", [SCRIPT_TITLE, KAZAN_TITLE]),
        ("?since=2024-10-26", [SCRIPT_TITLE]),
        ("?until=2024-10-20", ["Serra river bridge closed for repairs"]),
        ("?since=2024-10-01&until=2024-10-31", [KAZAN_TITLE]),
        ("?outlet=rt&country=US&ownership=state&q=Kazan", [KAZAN_TITLE]),
        ("?outlet=rt&ownership=public", []),
        ("?q=&outlet=&country=&ownership=&since=&until=", None),  # an empty form: no filter
    ],
)
def test_story_list_filters(site: Site, query: str, titles: list[str] | None) -> None:
    expected = _titles(site) if titles is None else titles
    assert _titles(site, query) == expected
    page = _html(site, "/" + query)
    for title in expected:
        assert f">{_escape(title)}</a></h2>" in page
    if not expected:
        assert "No story matches these filters." in page


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


# --- a compared story ------------------------------------------------------------------------


def test_big_story_lists_the_most_reported_omissions_first(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past OMISSIONS_ALL_BELOW omissions in all, each outlet's list is cut (the demo story
    has 50: lower the bar to see it); ``?full=true`` shows every one."""
    from newsprism.web.views import stories as browse

    monkeypatch.setattr(browse, "OMISSIONS_ALL_BELOW", 10)
    monkeypatch.setattr(browse, "OMISSIONS_SHOWN", 5)
    page = _html(site, f"/stories/{KAZAN}")
    omissions = page[page.index('id="omissions"') : page.index('id="framing"')]
    assert '<a href="?full=true#omissions">show every omission</a>' in omissions
    assert re.findall(r"leaves out <span class=\"count\">\((\d+)\)</span>", omissions) == [
        "14",
        "8",
    ]
    assert omissions.count("<li>") == 2 * browse.OMISSIONS_SHOWN
    assert re.findall(r'<li class="more">… and (\d+) more</li>', omissions) == ["9", "3"]
    full = _html(site, f"/stories/{KAZAN}?full=true")
    omissions = full[full.index('id="omissions"') : full.index('id="framing"')]
    assert "show every omission" not in omissions
    assert omissions.count("<li>") == 22


def test_story_page_shows_the_comparison(site: Site) -> None:
    page = _html(site, f"/stories/{KAZAN}")
    text = unescape(re.sub(r"<[^>]+>", "", page))
    assert KAZAN_TITLE in page
    # The claim matrix: the shared fact, agreed by both outlets, each cell a sentence link.
    row = re.search(r'<tr id="row-f1">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "President Vladimir Putin met with United Nations Secretary-General" in row.group(1)
    cells = re.findall(r'<td class="cell m-(\w+)"><a class="find" href="#(a\d-s\d+)"', row.group(1))
    assert cells == [("agreed", "a1-s1"), ("agreed", "a2-s1")]
    # RT tells the meeting over two sentences: its cell finds both.
    goto = re.findall(
        r'<td class="cell m-\w+"><a class="find" [^>]*data-goto="([^"]+)"', row.group(1)
    )
    assert [len(spans.split()) for spans in goto] == [1, 2]
    # Facts one outlet alone reports: a list per outlet, each fact linked to its sentence.
    lists = re.findall(
        r'<div class="single-list o(\d)">\s*<h3 class="outlet o\d">([^<]+) <span class="count">'
        r"\((\d+)\)</span>",
        page,
    )
    assert lists == [("1", "Radio Free Europe/Radio Liberty", "8"), ("2", "RT", "14")]
    single = re.search(
        r'<li id="row-f\d+"><a class="find" href="#(a\d-s\d+)"[^>]*>'
        r"(Antonio Guterres called[^<]+)</a>",
        page,
    )
    assert single is not None
    assert single.groups() == (
        "a2-s5",
        "Antonio Guterres called for an immediate ceasefire in Gaza and Lebanon",
    )
    # Framing: Kyiv in RFE/RL, Kiev in RT.
    framing = re.search(r'<th scope="row">Kyiv</th>(.*?)</tr>', page, re.S)
    assert framing is not None
    assert re.findall(r'<a class="find"[^>]*>(\w+)</a>', framing.group(1)) == ["Kyiv", "Kiev"]
    # Loaded wording in the text, with its score on hover.
    assert re.search(
        r'<span class="seg f-single f-loaded" data-start="2157" data-end="2172" '
        r'title="[^"]*loaded wording, score 0\.68">harsh criticism</span>',
        page,
    )
    # The brief, its citations leading to sentence anchors on the page.
    brief = re.search(
        r"<li>President Vladimir Putin met with United Nations Secretary-General Antonio "
        r"Guterres; Radio Free Europe/Radio Liberty had reported it as planned\.(.*?)</li>",
        page,
        re.S,
    )
    assert brief is not None
    anchors = re.findall(r'<a class="cite" href="#([\w-]+)" data-goto="[\d: ]+">', brief.group(1))
    assert anchors == ["a1-s1", "a2-s1", "a2-s2"]  # RT tells the meeting in two sentences
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert set(anchors) <= ids
    every_link = set(re.findall(r'href="#([^"]+)"', page))
    assert every_link <= ids, sorted(every_link - ids)
    # Quote balance as server-rendered bars; the timeline with statuses per outlet.
    assert re.search(r'<rect class="bar" width="100\.0%" height="100%" rx="5"></rect>', page)
    assert re.findall(r"\sstyle=", page) == []  # the CSP allows no inline style (issue 14)
    assert '<section class="card" id="timeline">' in page
    assert re.search(r'<span class="pill (happened|planned)">', page)
    # Both articles side by side, sentence by sentence.
    assert '<article class="col o1" id="article-52f02e59a2a7d2ab" data-index="1">' in page
    assert '<article class="col o2" id="article-d92774b8f60e3998" data-index="2">' in page
    assert "who faced harsh criticism from Kiev for accepting Putin" in text


def test_story_api_gives_the_comparison(site: Site) -> None:
    detail = _json(site, f"/api/stories/{KAZAN}")
    assert detail["id"] == KAZAN and detail["status"] == "compared"
    assert detail["compared_articles"] == [RFE, RT]
    assert [(a["id"], a["outlet"]["name"], a["published"]) for a in detail["articles"]] == [
        (RFE, "Radio Free Europe/Radio Liberty", "2024-10-21T00:00:00+00:00"),
        (RT, "RT", "2024-10-25T00:00:00+00:00"),
    ]
    comparison = detail["comparison"]
    assert [a["id"] for a in comparison["articles"]] == [RFE, RT]
    assert comparison["brief"][0]["text"] == (
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres; "
        "Radio Free Europe/Radio Liberty had reported it as planned."
    )
    labels = {a["label"]: a["relation"] for a in comparison["alignments"]}
    meeting = [k for k in labels if k.startswith("President Vladimir Putin met with United")]
    assert [labels[k] for k in meeting] == ["agreed"]
    assert {
        (t["article"], t["term"]) for t in comparison["terms"] if t["term"] in ("Kyiv", "Kiev")
    } == {
        (RFE, "Kyiv"),
        (RT, "Kiev"),
    }
    harsh = [s for s in comparison["loaded"] if s["text"] == "harsh criticism"]
    assert [(s["article"], s["span"], s["score"]) for s in harsh] == [(RT, [2157, 2172], 0.6751)]


def test_single_article_story_has_nothing_to_compare(site: Site) -> None:
    detail = _json(site, f"/api/stories/{site.script_story}")
    assert detail["status"] == "single" and detail["comparison"] is None
    assert detail["single"]["text"].startswith("The harbour authority of Porto Velho")
    page = _html(site, f"/stories/{site.script_story}")
    assert "Only one article so far: there is nothing to compare it with yet." in page
    assert "http-equiv" not in page
    runner = site.client.app.state.jobs  # type: ignore[attr-defined]
    assert runner.latest(f"compare:{site.script_story}") is None  # no job for one article


def test_merged_story_redirects_to_the_surviving_story(site: Site) -> None:
    page = site.client.get(f"/stories/{site.merged_from}", follow_redirects=False)
    assert page.status_code == 307
    assert page.headers["location"] == f"/stories/{site.merged_into}"
    api = site.client.get(f"/api/stories/{site.merged_from}", follow_redirects=False)
    assert api.status_code == 307
    assert api.headers["location"] == f"/api/stories/{site.merged_into}"


# --- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["list", "story", "outlet", "outlets"])
def test_script_payloads_show_as_text(site: Site, where: str) -> None:
    url = {
        "list": "/",
        "story": f"/stories/{site.script_story}",
        "outlet": "/outlets/~" + SCRIPT_OUTLET.replace("'", "%27"),
        "outlets": "/outlets",
    }[where]
    page = _html(site, url)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)  # not in any tag or attribute
    assert not re.search(r'href="\s*javascript:', page, re.I)
    assert "&lt;script&gt;alert(&#39;outlet&#39;)&lt;/script&gt;Gazette" in page
    if where in ("list", "story"):
        assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Harbour ferry timetable" in page
    if where == "story":
        assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert '<span class="url">javascript:alert(document.cookie)</span>' in page


def test_script_payloads_stay_data_in_json(site: Site) -> None:
    article = _json(site, f"/api/articles/{site.script_article}")
    assert article["title"] == SCRIPT_TITLE
    assert article["outlet"]["name"] == SCRIPT_OUTLET
    assert article["outlet"]["key"] == "~" + SCRIPT_OUTLET
    assert article["url"] == SCRIPT_URL and article["link"] == ""
    assert "<script>alert('text')</script>" in article["text"]


# --- outlets -----------------------------------------------------------------------------------


def test_outlet_list(site: Site) -> None:
    outlets = _json(site, "/api/outlets")["outlets"]
    assert [(o["key"], o["name"], o["articles"]) for o in outlets] == [
        ("~" + SCRIPT_OUTLET, SCRIPT_OUTLET, 1),
        ("bbc", "BBC", 1),
        ("rfe-rl", "Radio Free Europe/Radio Liberty", 1),
        ("reuters", "Reuters", 1),
        ("rt", "RT", 1),
    ]
    page = _html(site, "/outlets")
    assert '<a href="/outlets/rt">RT</a>' in page
    assert "(not in the registry)" in page


def test_outlet_page_for_rt(site: Site) -> None:
    rt = _json(site, "/api/outlets/rt")
    assert rt["outlet"]["name"] == "RT" and rt["outlet"]["country"] == "RU"
    assert rt["outlet"]["ownership"] == "state"
    assert (rt["articles"], rt["stories"], rt["compared"]) == (1, 1, 1)
    assert [s["id"] for s in rt["story_page"]] == [KAZAN]
    topics = {t["name"]: (t["stories"], t["facts"]) for t in rt["omitted_topics"]}
    assert topics["Antonio Guterres"] == (1, 2)
    assert topics["Ukraine"] == (1, 2)
    assert all(
        o["reported_by"][0]["name"] == "Radio Free Europe/Radio Liberty" for o in rt["omissions"]
    )
    assert {
        "Putin has maintained that Ukraine must cede more territory in its south and east as a "
        "precondition for any cease-fire, a demand that Ukrainian President Volodymyr Zelenskiy "
        "has categorically rejected."
    } <= {o["label"] for o in rt["omissions"]}
    kyiv = next(label for label in rt["labels"] if label["concept"] == "Kyiv")
    assert kyiv["terms"] == [{"term": "Kiev", "uses": 1}]
    assert kyiv["others"] == [{"term": "Kyiv", "uses": 1}]
    assert rt["quotes"][0]["speaker"] == "Vladimir Putin"
    assert (rt["quotes"][0]["characters"], rt["quotes"][0]["share"]) == (394, 1.0)
    page = _html(site, "/outlets/rt")
    assert "<strong>1 of its 1 story has a comparison</strong>" in page
    assert "<td>Kiev" in page.replace('<span class="term">', "<td>")
    # A period without its article: nothing in it.
    empty = _json(site, "/api/outlets/rt?since=2024-10-26")
    assert (empty["articles"], empty["stories"], empty["story_page"]) == (0, 0, [])
    assert empty["labels"] == [] and empty["omissions"] == []


# --- one article, errors, OpenAPI ----------------------------------------------------------------


def test_article_api(site: Site) -> None:
    article = _json(site, f"/api/articles/{RT}")
    assert article["title"] == "Putin meets UN Secretary-General Guterres at BRICS summit in Kazan"
    assert article["outlet"]["name"] == "RT"
    assert article["published"] == "2024-10-25T00:00:00+00:00"
    assert article["story"] == KAZAN and article["story_url"] == f"/stories/{KAZAN}"
    assert article["text"].startswith(
        "President Vladimir Putin met with United Nations Secretary-General Antonio Guterres"
    )
    redirect = site.client.get(f"/articles/{RT}", follow_redirects=False)
    assert redirect.status_code == 307
    assert redirect.headers["location"] == f"/stories/{KAZAN}#article-{RT}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/stories/s0000000000000000", "no story 's0000000000000000' in this store"),
        ("/api/articles/nope", "no article 'nope' in this store"),
        ("/api/outlets/cnn", "no stored article is by the outlet 'cnn'"),
        ("/api/outlets/~Nobody", "no stored article is by the outlet '~Nobody'"),
    ],
)
def test_unknown_ids_are_404(site: Site, url: str, message: str) -> None:
    assert _json(site, url, 404) == {"detail": message}
    page = _html(site, url.removeprefix("/api"), 404) if "/articles/" not in url else ""
    if page:
        assert _escape(message) in page


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("?country=Russia", "query.country: String should match pattern '^[A-Za-z]{2}$'"),
        ("?ownership=owned", "query.ownership: Input should be 'state', 'public' or 'private'"),
        ("?since=yesterday", "query.since: Input should be a valid date or datetime"),
        ("?since=2024-10-02&until=2024-10-01", "query: Value error, until is before since"),
        ("?page=0", "query.page: Input should be greater than or equal to 1"),
        ("?per_page=1000", "query.per_page: Input should be less than or equal to 100"),
        ("?q=" + "x" * 301, "query.q: String should have at most 300 characters"),
        ("?q=%00", "query.q: Value error, must not contain control characters"),
        ("?outlet=rt%0A", "query.outlet: Value error, must not contain control characters"),
    ],
)
def test_bad_query_values_are_422(site: Site, query: str, problem: str) -> None:
    body = _json(site, "/api/stories" + query, 422)
    assert body["detail"] == "bad request"
    assert any(p.startswith(problem) for p in body["problems"]), body["problems"]
    page = _html(site, "/" + query, 422)
    assert "bad request: " in page


def test_bad_outlet_period_is_422(site: Site) -> None:
    body = _json(site, "/api/outlets/rt?until=2024-01-01&since=2024-02-01", 422)
    assert body["problems"] == ["query: Value error, until is before since"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/stories?until=9999-12-31",
        "/api/stories?since=2024-01-01&until=9999-12-31",
        "/api/stories?since=9999-12-31",
        "/api/outlets/rt?until=9999-12-31",
        "/api/outlets/rt?since=9999-12-31",
    ],
)
def test_far_future_days_are_422_naming_the_parameter(site: Site, url: str) -> None:
    """Issue 14, item 8: the day after 9999-12-31 does not exist, so ``until=9999-12-31``
    once overflowed (500). Every day parameter stops at 9999-12-30, on pages and API alike."""
    name = "since" if "since=9999" in url else "until"
    problem = f"query.{name}: Input should be less than or equal to 9999-12-30"
    assert _json(site, url, 422) == {"detail": "bad request", "problems": [problem]}
    page_url = url.replace("/api/stories", "/").removeprefix("/api")  # the HTML twin
    assert f"bad request: {problem}" in unescape(_html(site, page_url, 422))


def test_openapi_describes_the_reading_endpoints(site: Site) -> None:
    spec = _json(site, "/api/openapi.json")
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/outlets",
        "/api/outlets/{key}",
        "/api/articles/{article_id}",
    ):
        assert "get" in spec["paths"][path], path
    schemas = spec["components"]["schemas"]
    for name in ("StoryList", "StorySummary", "Coverage", "StoryDetail", "JobInfo", "OutletDetail"):
        assert name in schemas
    story = spec["paths"]["/api/stories/{story_id}"]["get"]["responses"]
    assert {"200", "202", "307", "404"} <= set(story)
    params = {p["name"] for p in spec["paths"]["/api/stories"]["get"]["parameters"]}
    assert params == {"q", "outlet", "country", "ownership", "since", "until", "page", "per_page"}


def test_a_comparison_of_other_articles_is_not_shown(
    site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A story whose stored comparison covers other articles than its members now (an
    article joined or left) must be compared again, not shown stale."""
    from newsprism.web.views.stories import story_detail

    if is_postgres_url(site.db):
        copy = request.getfixturevalue("pg_server").copy(site.db)
    else:
        copy = str(tmp_path / "copy.db")
        with open_store(site.db) as store:
            store.conn.execute("VACUUM INTO ?", (copy,))
    with open_store(copy) as store:
        fresh = story_detail(store, KAZAN)
        assert fresh is not None and fresh.status == "compared"
        comparison = store.load_comparison_model(KAZAN)
        comparison.story = site.merged_into  # the Kazan findings saved under the merged story
        store.save_comparison(comparison)
        stale = story_detail(store, site.merged_into)
    if is_postgres_url(copy):
        request.getfixturevalue("pg_server").drop(copy)
    assert stale is not None
    assert stale.status == "analysing" and stale.comparison is None
    assert len(stale.compared_articles) == 2
