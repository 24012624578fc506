"""The web app's writing side, driven through FastAPI's TestClient on a temporary store: adding
articles (pasted, uploaded, fetched from a server the test starts on 127.0.0.1) as jobs that
land on the article's story, duplicates, story corrections (merge, move), the write token,
body limits, upload names that try to be paths, bad requests, and escaping of hostile text.
Each test runs on a SQLite store and on a PostgreSQL one (``store_db``)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsprism.cli import main as cli_main
from newsprism.settings import DEFAULT
from newsprism.store import open_store
from newsprism.web.app import create_app
from newsprism.web.deps import form_token

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# As a browser on this machine reaches `newsprism serve` (the app refuses other Host names).
BASE = "http://127.0.0.1:8000"
RFE = EXAMPLES / "000_4b4d03abeb79a191.txt"  # RFE/RL, before the meeting
RT = EXAMPLES / "004_7fee5147663b4cd9.txt"  # RT, after it
KAZAN_STORY = "s52f02e59a2a7d2ab"  # the story the RFE/RL article starts
RFE_ID, RT_ID = "52f02e59a2a7d2ab", "d92774b8f60e3998"

BUDGET = (
    "The European Parliament approved the 2024 budget of the European Union on Wednesday after "
    "late talks in Strasbourg, with more money for research and for migration control. "
    "Members from Germany and France disagreed over farm subsidies."
)
QUAKE = (
    "A magnitude 6.8 earthquake hit Morocco's High Atlas mountains late on Friday, killing at "
    "least 800 people near Marrakesh. Villages around Al Haouz and Taroudant were flattened, "
    "and King Mohammed VI ordered the army to help rescuers reach the mountain roads."
)
QUAKE_2 = (
    "Rescuers in Morocco's High Atlas searched flattened villages around Al Haouz and "
    "Taroudant on Saturday as the toll from Friday's 6.8 magnitude earthquake near Marrakesh "
    "passed 2,000. King Mohammed VI declared three days of mourning."
)


def seed(path: Path) -> dict[str, str]:
    """A seed article as a JSON record: its text and its sidecar's metadata."""
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
    fields = {k: meta[k] for k in ("title", "outlet", "published")}
    return {"text": path.read_text(encoding="utf-8"), **fields}


@contextlib.contextmanager
def client(db: str, **options: Any) -> Iterator[TestClient]:
    app = create_app(db, **options)
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def wait(web: TestClient, job_id: str) -> dict[str, Any]:
    """Poll the job until it is finished (bounded: 60 s)."""
    for _ in range(1200):
        job: dict[str, Any] = web.get(f"/api/jobs/{job_id}").json()
        if job["finished"]:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def added(web: TestClient, record: dict[str, str], **headers: str) -> dict[str, Any]:
    answer = web.post("/api/articles", json=record, headers=headers)
    assert answer.status_code == 202, answer.text
    assert answer.headers["location"] == f"/api/jobs/{answer.json()['id']}"
    return wait(web, answer.json()["id"])


def memberships(db: str) -> dict[str, str]:
    with open_store(db) as store:
        rows = store.conn.execute("SELECT article, story FROM story_articles").fetchall()
    return {str(a): str(s) for a, s in rows}


def test_paste_then_upload_land_in_one_story_and_a_repeat_is_a_duplicate(store_db: str) -> None:
    with client(store_db) as web:
        # paste the RFE/RL article through the Add page's form
        page = web.get("/add")
        assert page.status_code == 200
        assert '<textarea name="text"' in page.text and 'name="files"' in page.text
        posted = web.post("/add", data=seed(RFE), follow_redirects=False)
        assert posted.status_code == 303
        job_id = posted.headers["location"].removeprefix("/jobs/")
        job = wait(web, job_id)
        assert (job["state"], job["story"], job["progress"]) == ("done", KAZAN_STORY, 1.0)
        assert job["added"]["articles"] == [
            {
                "id": RFE_ID,
                "title": "Putin to meet UN Secretary-General Guterres at BRICS summit in Kazan",
                "outlet": "Radio Free Europe/Radio Liberty",
                "story": KAZAN_STORY,
                "outcome": "new",
                "duplicate": False,
                "original": "",
                "message": "added Putin to meet UN Secretary-General Guterres at BRICS summit "
                f"in Kazan, filed under story {KAZAN_STORY}",
            }
        ]
        landing = web.get(f"/jobs/{job_id}", follow_redirects=False)
        assert (landing.status_code, landing.headers["location"]) == (
            303,
            f"/stories/{KAZAN_STORY}",
        )

        # upload the RT article as a JSON file: it joins the same story
        upload = json.dumps(seed(RT)).encode("utf-8")
        answer = web.post("/api/articles/upload", files=[("files", ("rt.json", upload))])
        assert answer.status_code == 202
        job = wait(web, answer.json()["id"])
        assert job["story"] == KAZAN_STORY
        assert [(a["id"], a["outlet"], a["outcome"]) for a in job["added"]["articles"]] == [
            (RT_ID, "RT", "new")
        ]
        assert memberships(store_db) == {RFE_ID: KAZAN_STORY, RT_ID: KAZAN_STORY}
        with open_store(store_db) as store:
            stored = store.get_article(RT_ID)
            assert stored is not None and stored.source == "upload rt.json"
            assert store.get_story(KAZAN_STORY) is not None
            assert store.story_outlets(KAZAN_STORY) == ["RT", "Radio Free Europe/Radio Liberty"]

        # the same text again: nothing new is stored, the job lands on the stored article's story
        job = added(web, {"text": seed(RFE)["text"]})
        assert job["story"] == KAZAN_STORY
        (again,) = job["added"]["articles"]
        assert (again["id"], again["outcome"], again["duplicate"]) == (RFE_ID, "duplicate", True)
        assert again["message"] == (
            "already stored: Putin to meet UN Secretary-General Guterres at BRICS summit in "
            f"Kazan (article {RFE_ID}) is in story {KAZAN_STORY}"
        )
        page = web.get(f"/jobs/{job['id']}", follow_redirects=False)
        assert page.status_code == 200  # it says so, then moves on to the story
        assert f'<meta http-equiv="refresh" content="4; url=/stories/{KAZAN_STORY}">' in page.text
        assert "already stored: Putin to meet" in page.text
        with open_store(store_db) as store:
            assert store.count_articles() == 2


class Site:
    """A web server on 127.0.0.1 serving the RT seed as an HTML page."""

    def __init__(self) -> None:
        record = seed(RT)
        paragraphs = "".join(f"<p>{p}</p>" for p in record["text"].split("\n") if p.strip())
        self.page = (
            f"<!doctype html><html><head><title>{record['title']}</title>"
            f'<meta property="og:site_name" content="RT">'
            f'<meta property="article:published_time" content="{record["published"]}">'
            f"</head><body><article><h1>{record['title']}</h1>{paragraphs}</article>"
            "</body></html>"
        ).encode()
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                found = self.path == "/news/kazan.html"
                body = site.page if found else b"not found"
                self.send_response(200 if found else 404)
                self.send_header(
                    "Content-Type", "text/html; charset=utf-8" if found else "text/plain"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/news/kazan.html"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def site() -> Iterator[Site]:
    server = Site()
    try:
        yield server
    finally:
        server.close()


def test_add_by_url_is_refused_on_loopback_unless_the_app_allows_it(
    store_db: str, site: Site
) -> None:
    with client(store_db) as web:  # as `newsprism serve` runs: no private addresses
        job = added(web, {"url": site.url})
        assert job["state"] == "failed" and job["story"] is None
        (problem,) = job["added"]["problems"]
        assert problem.startswith(
            f"{site.url}: refused: 127.0.0.1 is a loopback, private, link-local or reserved"
        )
        assert problem.endswith("; this server does not fetch such addresses")
        assert site.requests == []  # refused before any request
        page = web.get(f"/jobs/{job['id']}")
        assert page.status_code == 200 and "Nothing was added." in page.text
        assert "refused: 127.0.0.1 is a loopback" in page.text

    with client(store_db, allow_private=True) as web:  # what the tests' config allows
        job = added(web, {"url": site.url})
        assert (job["state"], job["story"]) == ("done", f"s{RT_ID}")
        (article,) = job["added"]["articles"]
        assert (article["id"], article["outlet"], article["outcome"]) == (RT_ID, "RT", "new")
        assert site.requests == ["/robots.txt", "/news/kazan.html"]
        with open_store(store_db) as store:
            stored = store.get_article(RT_ID)
            assert stored is not None and stored.url == site.url
            assert (
                stored.title == "Putin meets UN Secretary-General Guterres at BRICS summit in Kazan"
            )

        # the same URL again is a duplicate, found without fetching it
        job = added(web, {"url": site.url})
        assert [(a["id"], a["outcome"]) for a in job["added"]["articles"]] == [(RT_ID, "duplicate")]
        assert site.requests == ["/robots.txt", "/news/kazan.html"]


def test_merge_two_stories_and_the_merged_id_leads_to_the_survivor(store_db: str) -> None:
    with client(store_db) as web:
        kazan = added(web, seed(RFE))["story"]
        budget = added(web, {"text": BUDGET, "title": "EU budget passes"})["story"]
        assert kazan == KAZAN_STORY and budget != kazan
        answer = web.post("/stories/merge", data={"story": [kazan, budget]}, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, f"/stories/{kazan}")
        with open_store(store_db) as store:
            assert store.resolve_story(budget) == kazan
            assert [c["kind"] for c in store.story_corrections()] == ["merge"]
        alias = web.get(f"/stories/{budget}", follow_redirects=False)
        assert (alias.status_code, alias.headers["location"]) == (307, f"/stories/{kazan}")
        # the merged id now leads to the surviving story (a move to it lands there)
        quake = added(web, {"text": QUAKE, "title": "Quake in Morocco"})
        (article,) = quake["added"]["articles"]
        moved = web.post(f"/api/articles/{article['id']}/move", json={"story": budget})
        assert moved.status_code == 200
        assert moved.json() == {
            "article": article["id"],
            "from": quake["story"],
            "story": kazan,
            "moved": [article["id"]],
            "merged": True,
        }
        # the API form: {into, others}; merging a story with itself (an alias) is refused
        again = web.post("/api/stories/merge", json={"into": kazan, "others": [budget]})
        assert again.status_code == 422
        assert again.json()["detail"] == "give two or more different stories to merge"


def test_merge_api_and_its_bad_requests(store_db: str) -> None:
    with client(store_db) as web:
        kazan = added(web, seed(RFE))["story"]
        budget = added(web, {"text": BUDGET, "title": "EU budget passes"})["story"]
        unknown = web.post("/api/stories/merge", json={"into": kazan, "others": ["snope"]})
        assert unknown.status_code == 404 and unknown.json()["detail"] == "no story snope"
        missing = web.post("/api/stories/merge", json={"into": kazan})
        assert missing.status_code == 422
        assert missing.json()["problems"] == ["body.others: Field required"]
        form = web.post("/stories/merge", data={"story": [kazan]}, follow_redirects=False)
        assert form.status_code == 422 and "two or more different stories" in form.text
        done = web.post("/api/stories/merge", json={"into": budget, "others": [kazan]})
        assert done.status_code == 200
        assert done.json() == {"story": budget, "merged": [kazan], "articles": 2}


def test_move_an_article_and_a_later_ingest_does_not_move_it_back(
    tmp_path: Path, store_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with client(store_db) as web:
        added(web, seed(RFE))
        added(web, seed(RT))
        quake = added(web, {"text": QUAKE, "title": "Quake in Morocco", "published": "2023-09-08"})
        quake_story = quake["story"]
        assert memberships(store_db)[RT_ID] == KAZAN_STORY

        answer = web.post(
            f"/articles/{RT_ID}/move", data={"story": quake_story}, follow_redirects=False
        )
        assert (answer.status_code, answer.headers["location"]) == (303, f"/stories/{quake_story}")
        assert memberships(store_db)[RT_ID] == quake_story

        # unknown ids and a move to where it already is
        assert web.post(f"/api/articles/{RT_ID}/move", json={"story": "snope"}).status_code == 404
        nope = web.post("/api/articles/nope/move", json={"story": KAZAN_STORY})
        assert (nope.status_code, nope.json()["detail"]) == (404, "no article 'nope'")
        same = web.post(f"/api/articles/{RT_ID}/move", json={"story": quake_story})
        assert same.status_code == 422
        assert same.json()["detail"] == f"article {RT_ID} is already in story {quake_story}"
        empty = web.post(f"/articles/{RT_ID}/move", data={"story": " "}, follow_redirects=False)
        assert empty.status_code == 422

    # a later `newsprism ingest` of both seeds and more news keeps the article where it was put
    later = tmp_path / "later.jsonl"
    records = [
        seed(RFE),
        seed(RT),
        {"text": QUAKE_2, "title": "Toll rises", "published": "2023-09-09"},
    ]
    later.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = store_db
    assert cli_main(["ingest", str(later), "--db", db, "--no-progress"]) == 0
    assert capsys.readouterr().out.startswith("1 new, 2 duplicate")
    after = memberships(store_db)
    assert after[RT_ID] == quake_story and after[RFE_ID] == KAZAN_STORY
    with open_store(db) as store:
        assert store.story_apart() == {(KAZAN_STORY, quake_story), (quake_story, KAZAN_STORY)}
        assert [c["kind"] for c in store.story_corrections()] == ["move"]


def test_writes_need_the_token_and_reads_do_not(store_db: str) -> None:
    with client(store_db, token="s3cret") as web:
        record = {"text": BUDGET, "title": "EU budget passes"}
        for headers in ({}, {"X-Newsprism-Token": "wrong"}):
            refused = web.post("/api/articles", json=record, headers=headers)
            assert refused.status_code == 403
            assert refused.json() == {"detail": "this server needs a valid write token"}
        form = web.post("/add", data=record, follow_redirects=False)
        assert form.status_code == 403 and "needs a valid write token" in form.text
        upload = web.post("/api/articles/upload", files=[("files", ("a.txt", BUDGET.encode()))])
        assert upload.status_code == 403
        for path, data in (
            ("/stories/merge", {"story": ["sa", "sb"]}),
            ("/articles/a/move", {"story": "sb"}),
        ):
            assert web.post(path, data=data, follow_redirects=False).status_code == 403
        for path in ("/api/stories/merge", "/api/articles/a/move"):
            assert web.post(path, json={"into": "sa", "others": ["sb"]}).status_code == 403
        with open_store(store_db) as store:
            assert store.count_articles() == 0

        # reads work without it; a page opened with ?token= carries it in its forms
        assert web.get("/add").status_code == 200
        assert 'name="token"' not in web.get("/add").text
        page = web.get("/add", params={"token": "s3cret"})
        form_token = form_token_of(web.app)  # not the token itself (issue 14; test_web_hostile)
        assert page.text.count(f'<input type="hidden" name="token" value="{form_token}">') == 3
        assert "set-cookie" not in page.headers  # app.js keeps it for the tab's later pages
        assert 'name="token"' not in web.get("/add").text  # a cookie could not bring it back

        job = added(web, record, **{"X-Newsprism-Token": "s3cret"})
        assert job["state"] == "done"
        assert web.get(f"/api/jobs/{job['id']}").status_code == 200  # reading needs no token
        posted = web.post("/add", data={**record, "token": form_token}, follow_redirects=False)
        assert posted.status_code == 303
        upload = web.post(
            "/api/articles/upload",
            data={"token": "s3cret"},
            files=[("files", ("quake.txt", QUAKE.encode()))],
        )
        assert upload.status_code == 202
        assert wait(web, upload.json()["id"])["state"] == "done"
        # a browser posting from another site is refused even with the token
        cross = web.post(
            "/add",
            data={**record, "token": "s3cret"},
            headers={"Origin": "http://evil.example"},
            follow_redirects=False,
        )
        assert cross.status_code == 403 and "another site" in cross.text


def form_token_of(app: Any) -> str:
    """The token the app's pages put in their forms."""
    return form_token(app.state.config)


def test_bodies_over_the_limit_are_refused_with_413(store_db: str) -> None:
    app = create_app(store_db)
    with TestClient(app, base_url=BASE) as web:
        assert app.state.config.max_upload_bytes == 20 * 1024 * 1024
        huge = b"word " * (4 * 1024 * 1024 + 1)
        answer = web.post("/api/articles/upload", files=[("files", ("huge.txt", huge))])
        assert answer.status_code == 413
        assert answer.json()["detail"] == (
            "the request body (20.0 MiB) is over this server's 20.0 MiB limit for an upload "
            "(max_upload_bytes); nothing was stored"
        )

        app.state.config = replace(app.state.config, max_upload_bytes=1000)
        text = "A long article. " * 100
        assert web.post("/api/articles", json={"text": text}).status_code == 413
        page = web.post("/add", data={"text": text}, follow_redirects=False)
        assert page.status_code == 413 and "max_upload_bytes" in page.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(20):
                yield b"A long article. " * 10
            yield b'"}'

        streamed = web.post(
            "/api/articles", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert (streamed.status_code, streamed.json()["detail"]) == (
            413,
            "the request body is over this server's 1000 bytes limit for an upload "
            "(max_upload_bytes); nothing was stored",
        )
        with open_store(store_db) as store:
            assert store.count_articles() == 0


def test_upload_names_are_never_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_db: str
) -> None:
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    names = ["../../x.txt", "/srv/abs.txt", "..\\..\\win.txt", "....//dots.txt", "../../etc/passwd"]
    texts = [BUDGET, QUAKE, QUAKE_2, seed(RFE)["text"], "root:x:0:0:root:/root:/bin/bash"]
    files = [("files", (n, t.encode())) for n, t in zip(names, texts, strict=True)]
    with client(store_db) as web:
        posted = web.post("/add", files=files, follow_redirects=False)  # the Add page's form
        assert posted.status_code == 303
        job = wait(web, posted.headers["location"].removeprefix("/jobs/"))
    with open_store(store_db) as store:
        sources = sorted(str(r[0]) for r in store.conn.execute("SELECT source FROM articles"))
    assert sources == ["upload abs.txt", "upload dots.txt", "upload win.txt", "upload x.txt"]
    assert job["added"]["problems"] == [
        "upload passwd: not an article file (accepted: .txt, .html, .htm, .json, .jsonl, .ndjson)"
    ]
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert [p for p in written if not p.startswith("news.db")] == []
    assert not Path("/srv/abs.txt").exists()


def test_an_uploaded_sidecar_is_not_read_as_an_article(store_db: str) -> None:
    sidecar = json.dumps({"outlet": "AP", "title": "Budget passes"}).encode()
    files = [
        ("files", ("budget.txt", BUDGET.encode())),
        ("files", ("budget.txt.meta.json", sidecar)),
    ]
    with client(store_db) as web:
        posted = web.post("/add", files=files, follow_redirects=False)
        assert posted.status_code == 303
        job = wait(web, posted.headers["location"].removeprefix("/jobs/"))
    assert job["added"]["problems"] == [
        "upload budget.txt.meta.json: a metadata sidecar, not an article: upload the article "
        'as a .json file with these fields beside its "text" instead (sidecars are read '
        "beside files by newsprism ingest)"
    ]
    with open_store(store_db) as store:
        assert [str(r[0]) for r in store.conn.execute("SELECT source FROM articles")] == [
            "upload budget.txt"
        ]


def test_metadata_limits_in_force_bound_what_the_web_app_adds(store_db: str) -> None:
    """``[ingest] max_field_chars`` and ``max_url_chars`` of the settings in force: a longer
    title or URL is answered 422, as the command line ignores it."""
    ingest = replace(DEFAULT.ingest, max_field_chars=10, max_url_chars=30)
    with client(store_db, settings=replace(DEFAULT, ingest=ingest)) as web:
        long_title = web.post("/api/articles", json={"text": "An article.", "title": "x" * 11})
        assert long_title.status_code == 422
        assert long_title.json()["problems"] == [
            "body.title: String should have at most 10 characters"
        ]
        long_url = web.post("/api/articles", json={"url": "https://example.org/" + "a" * 20})
        assert (long_url.status_code, long_url.json()["detail"]) == (
            422,
            "the URL is over 30 characters",
        )
    with client(store_db) as web:
        title = web.post("/api/articles", json={"text": "An article.", "title": "x" * 1001})
        assert title.json()["problems"] == [
            "body.title: String should have at most 1000 characters"
        ]


def test_bad_requests_are_answered_with_clear_4xx(store_db: str) -> None:
    with client(store_db) as web:
        bad_json = web.post(
            "/api/articles", content=b'{"text": ', headers={"Content-Type": "application/json"}
        )
        assert bad_json.status_code == 422
        assert bad_json.json()["problems"][0].startswith("body: Invalid JSON")
        cases = {
            "{}": "give the article's text or its URL",
            '{"title": "no text"}': "give the article's text or its URL",
            '{"text": "   "}': "the text is empty",
            '{"text": "12 345 678"}': "the text holds no letters",
            '{"url": "ftp://example.org/a"}': "only http and https URLs are fetched, not "
            "'ftp://example.org/a'",
            '{"url": "javascript:alert(1)"}': "only http and https URLs are fetched, not "
            "'javascript:alert(1)'",
        }
        for body, detail in cases.items():
            answer = web.post(
                "/api/articles", content=body, headers={"Content-Type": "application/json"}
            )
            assert (answer.status_code, answer.json()["detail"]) == (422, detail), body
        typo = web.post("/api/articles", json={"txt": "An article."})
        assert typo.status_code == 422
        assert typo.json()["problems"] == ["body.txt: Extra inputs are not permitted"]
        wrong = web.post("/api/articles", json={"text": ["not", "a", "string"]})
        assert wrong.json()["problems"] == ["body.text: Input should be a valid string"]
        assert web.post("/api/articles/upload", data={"x": "1"}).status_code == 422
        assert web.post("/api/articles/a/move", json={}).json()["problems"] == [
            "body.story: Field required"
        ]
        empty = web.post("/add", data={"text": ""}, follow_redirects=False)
        assert empty.status_code == 422 and "the text is empty" in empty.text

        unknown = web.get("/api/jobs/j0-nope")
        assert (unknown.status_code, unknown.json()) == (
            404,
            {"detail": "no job 'j0-nope' (jobs are kept a while)"},
        )
        assert web.get("/jobs/j0-nope").status_code == 404

        # an upload that holds no article fails the job with the reason
        job = wait(
            web, web.post("/api/articles/upload", files=[("files", ("e.txt", b"  "))]).json()["id"]
        )
        assert job["state"] == "failed"
        assert job["added"]["problems"] == ["upload e.txt: empty: the input holds no text"]


SCRIPT_TITLE = "<script>alert('title')</script> Kazan"
SCRIPT_OUTLET = '<img src=x onerror="alert(1)">'
SCRIPT_TEXT = (
    "Putin met Guterres in Kazan on Thursday. <script>alert('text')</script> The two men "
    'discussed Ukraine. <a href="javascript:alert(2)">Read more</a>'
)


def test_script_payloads_show_escaped_on_the_job_page(store_db: str) -> None:
    record = {"text": SCRIPT_TEXT, "title": SCRIPT_TITLE, "outlet": SCRIPT_OUTLET}
    with client(store_db) as web:
        first = added(web, record)
        assert first["added"]["articles"][0]["title"] == SCRIPT_TITLE
        again = added(web, record)  # a duplicate: its page shows the title
        page = web.get(f"/jobs/{again['id']}", follow_redirects=False)
        assert page.status_code == 200
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Kazan" in page.text
        assert "<script>alert" not in page.text
        story = web.get(f"/stories/{first['story']}")  # one article: shown without comparing
        assert story.status_code == 200
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Kazan" in story.text
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in story.text
        assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; The two men" in story.text
        assert "<script>alert" not in story.text and "<img src=x" not in story.text
        assert 'href="javascript:' not in story.text
        failed = added(web, {"url": "http://127.0.0.1/<script>alert(3)</script>"})
        shown = web.get(f"/jobs/{failed['id']}").text
        assert "&lt;script&gt;alert(3)&lt;/script&gt;" in shown and "<script>alert" not in shown


def test_a_write_while_another_writer_holds_the_lock_is_503_with_retry_after(
    tmp_path: Path,
) -> None:
    """Issue 14, item 9: a merge that waited the store's lock wait (5 s) out is answered 503
    with Retry-After, not a bare 500; once the lock is gone the same merge works. (SQLite's
    write lock: PostgreSQL writers wait as PostgreSQL does.)"""
    store_db = str(tmp_path / "s.db")
    records = [{"text": BUDGET, "title": "EU budget passes"}, {"text": QUAKE, "title": "Quake"}]
    source = tmp_path / "two.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert cli_main(["ingest", str(source), "--db", store_db, "--no-progress"]) == 0
    budget, quake = sorted(set(memberships(store_db).values()))
    other = sqlite3.connect(store_db, isolation_level=None)
    with client(store_db) as web:
        other.execute("BEGIN IMMEDIATE")
        try:
            api = web.post("/api/stories/merge", json={"into": budget, "others": [quake]})
            page = web.post("/stories/merge", data={"story": [budget, quake]})
        finally:
            other.execute("ROLLBACK")
            other.close()
        busy = "the store is busy: another writer held it for over 5 s; try again shortly"
        assert (api.status_code, api.headers["retry-after"]) == (503, "5")
        assert api.json() == {"detail": busy}
        assert (page.status_code, page.headers["retry-after"]) == (503, "5")
        assert busy in page.text
        done = web.post("/api/stories/merge", json={"into": budget, "others": [quake]})
        assert done.status_code == 200 and done.json()["articles"] == 2
