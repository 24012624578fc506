"""What a hostile tester broke in the web app (issue 14, the web items), each as it was done:
responses that let any page frame the app (item 2), a token cookie that other servers on the
same host received and that authorised their pages (item 3), Host headers of any name, the
request a DNS-rebinding page sends (item 4), and idle connections that used up the server's
file descriptors (item 10); then what a review of those fixes found: a cookie replayed to get
a form token, slow uploads holding every connection, and ``--allow-host`` names with a port or
a wildcard bind that refused legitimate hosts. The browser halves of items 2 and 3 (a page
on another port frames the app, or posts to it) are in ``test_web_browser.py``; the
far-future days of item 8 in ``test_web_read.py``.

The HTTP-level tests drive the app through FastAPI's TestClient as a browser on this machine
would reach it (``http://127.0.0.1:8000``) over an empty SQLite store."""

from __future__ import annotations

import re
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from newsprism.cli import build_parser
from newsprism.cli import main as cli_main
from newsprism.settings import DEFAULT, WebSettings
from newsprism.store import open_store
from newsprism.web.app import create_app
from newsprism.web.serving import server_config

BASE = "http://127.0.0.1:8000"  # how a browser on this machine reaches `newsprism serve`

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}

BUDGET = {
    "text": "The European Parliament approved the 2024 budget of the European Union on "
    "Wednesday after late talks in Strasbourg, with more money for research and for migration "
    "control. Members from Germany and France disagreed over farm subsidies.",
    "title": "EU budget passes",
}


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


def _boom() -> None:
    raise RuntimeError("a bug")


@pytest.fixture()
def app(db: str) -> FastAPI:
    """The app, with one route that fails the way a bug would (an unhandled exception)."""
    web = create_app(db)
    web.add_api_route("/api/boom", _boom)
    return web


@pytest.fixture()
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield client


# --- item 2: every response says it may not be framed, sniffed or referred elsewhere ----------


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/outlets", 200),
        ("GET", "/add", 200),
        ("GET", "/api/stories", 200),
        ("GET", "/api/openapi.json", 200),
        ("GET", "/static/app.css", 200),
        ("GET", "/static/app.js", 200),
        ("GET", "/static/nothing.css", 404),
        ("GET", "/stories/s0000000000000000", 404),
        ("GET", "/api/stories?page=0", 422),
        ("GET", "/?until=9999-12-31", 422),
        ("POST", "/api/articles", 422),
        ("POST", "/api/stories/merge", 422),
        ("GET", "/api/boom", 500),
    ],
)
def test_every_response_carries_the_security_headers(
    web: TestClient, method: str, url: str, status: int
) -> None:
    """Issue 14, item 2: no response carried CSP, X-Frame-Options, X-Content-Type-Options or
    Referrer-Policy, so another site could frame the story list and merge by clickjacking."""
    answer = web.request(method, url, json={} if method == "POST" else None)
    assert answer.status_code == status
    assert {k: answer.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS


def test_pages_hold_no_inline_script_or_style(web: TestClient, db: str) -> None:
    """The policy allows scripts and styles from the app's own files only: no page may rely on
    an inline ``<script>``, ``<style>`` or ``style=`` attribute (the browser would drop it)."""
    for url in ("/", "/outlets", "/add"):
        page = web.get(url).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
        assert "<style" not in page
        assert re.findall(r"\sstyle=", page) == []
        assert re.findall(r"\son[a-z]+=", page) == []


# --- item 4: only the hosts the server was started for ----------------------------------------


REBIND = "rebind.attacker.example"


def test_a_dns_rebinding_write_is_refused(web: TestClient, db: str) -> None:
    """Issue 14, item 4: without a token, a write with ``Host: rebind.attacker.example`` and a
    matching Origin (what a DNS-rebinding page sends) was accepted (202)."""
    headers = {"Host": REBIND, "Origin": f"http://{REBIND}"}
    refused = web.post("/api/articles", json=BUDGET, headers=headers)
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"this server answers only to the hosts it was started for "
        f"(127.0.0.1, localhost, [::1]), not to {REBIND!r}: "
        "add a name with `newsprism serve --allow-host NAME`"
    }
    read = web.get("/", headers={"Host": f"{REBIND}:8000"})
    assert read.status_code == 400
    assert f"not to {REBIND!r}" in read.text.replace("&#39;", "'")
    assert web.get("/api/stories", headers={"Host": REBIND}).status_code == 400
    assert web.get("/static/app.css", headers={"Host": REBIND}).status_code == 400
    assert web.get("/api/jobs/none", headers={"Host": ""}).status_code == 400
    with open_store(db) as store:
        assert store.count_articles() == 0  # nothing was stored


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_the_loopback_names_are_served(web: TestClient, host: str) -> None:
    assert web.get("/api/stories", headers={"Host": host}).status_code == 200


def test_the_host_it_serves_on_and_added_names_are_served(db: str) -> None:
    app = create_app(db, hosts=["news.lan", "192.168.1.20"])
    with TestClient(app, base_url="http://news.lan:8000") as web:
        assert web.get("/api/stories").status_code == 200
        assert web.get("/api/stories", headers={"Host": "192.168.1.20:8000"}).status_code == 200
        assert web.get("/api/stories", headers={"Host": "127.0.0.1:8000"}).status_code == 200
        other = web.get("/api/stories", headers={"Host": "news.lan.attacker.example"})
        assert other.status_code == 400
        assert other.json()["detail"].startswith(
            "this server answers only to the hosts it was started for "
            "(127.0.0.1, localhost, [::1], news.lan, 192.168.1.20), not to "
        )


def test_serve_takes_the_names_to_allow() -> None:
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--allow-host", "news.lan", "--allow-host", "10.0.0.5"]
    )
    assert (args.host, args.allow_host) == ("0.0.0.0", ["news.lan", "10.0.0.5"])
    assert build_parser().parse_args(["serve"]).allow_host == []


def test_an_allowed_name_given_with_a_port_is_served(db: str) -> None:
    """Issue 14 review, item 6: ``--allow-host news.lan:8000`` was kept as ``news.lan:8000``,
    which no Host header (its port taken off) ever matched: every request got 400. A port
    given with a name is ignored now (names are answered on any port)."""
    app = create_app(db, hosts=["news.lan:8000", "[FE80::1]:8000", "News2.LAN", "10.0.0.5:80"])
    with TestClient(app, base_url=BASE) as web:
        for host in ("news.lan:8000", "news.lan", "[fe80::1]:8000", "news2.lan:9000", "10.0.0.5"):
            assert web.get("/api/stories", headers={"Host": host}).status_code == 200, host
        assert app.state.config.hosts[3:] == ("news.lan", "[fe80::1]", "news2.lan", "10.0.0.5")


@pytest.mark.parametrize(
    "name", ["http://news.lan", "news.lan/x", "*.lan", "news lan", "news.lan:http", "[fe80::1", ""]
)
def test_a_name_that_is_no_host_is_refused_at_start_up(
    db: str, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``--allow-host`` no Host header can name (a URL, a path, a pattern) matched nothing,
    silently; now `newsprism serve` refuses it with one line before it starts."""
    started: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, *a, **k: started.append(True))
    assert cli_main(["serve", "--db", db, "--allow-host", name]) == 2
    assert started == []
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: the host {name!r} is not a host name or IP address (such as news.lan, "
        "192.168.1.20 or [fe80::1]; a port is ignored, a scheme or path is refused)"
    ]


def route_address(family: socket.AddressFamily, probe: str) -> str | None:
    """The address this machine sends from towards ``probe`` (a UDP connect sends nothing)."""
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))
            return str(udp.getsockname()[0])
    except OSError:
        return None


@pytest.mark.parametrize("bind", ["0.0.0.0", "::"])
def test_a_wildcard_bind_answers_the_machines_own_addresses(db: str, bind: str) -> None:
    """Issue 14 review, item 6: with ``--host 0.0.0.0`` a LAN user who opened the app by the
    machine's address got 400 (only the loopback names and ``--allow-host`` were served). Now
    a wildcard bind also answers the machine's host name and its own addresses."""
    app = create_app(db, hosts=[bind])
    hosts = app.state.config.hosts
    resolved = socket.getaddrinfo(socket.gethostname(), None)
    own = {str(info[4][0]).split("%", 1)[0] for info in resolved}  # without an IPv6 zone
    own |= {a for a in (route_address(socket.AF_INET, "192.0.2.1"),) if a}
    assert socket.gethostname().lower() in hosts
    for address in own:
        named = f"[{address}]" if ":" in address else address
        assert named in hosts, (named, hosts)
    with TestClient(app, base_url=BASE) as web:
        for address in own:
            named = f"[{address}]" if ":" in address else address
            assert web.get("/api/stories", headers={"Host": f"{named}:8000"}).status_code == 200
        assert web.get("/api/stories", headers={"Host": REBIND}).status_code == 400


def test_serve_on_a_wildcard_says_which_names_it_answers(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, *a, **k: None)
    args = ["serve", "--db", db, "--host", "0.0.0.0", "--allow-host", "News.lan:8000"]
    assert cli_main([*args, "--token", "t"]) == 1  # (the server did not start: run is a stub)
    [note] = [x for x in capsys.readouterr().err.splitlines() if x.startswith("note:")]
    assert note.startswith("note: answering requests for 127.0.0.1, localhost, [::1], 0.0.0.0, ")
    assert f", news.lan, {socket.gethostname().lower()}" in note


# --- item 3: the token authorises this server's own pages only --------------------------------


def hidden_tokens(page: str) -> list[str]:
    """The values of a page's hidden ``token`` fields."""
    return re.findall(r'<input type="hidden" name="token" value="([^"]*)">', page)


def test_a_cookie_never_yields_a_write_credential(db: str) -> None:
    """Issue 14, item 3, and its review: after ``/?token=``, Chromium sends this server's
    cookies to every other server on 127.0.0.1 (cookies are not separated by port). With the
    first fix the cookie held a derived value, but another server that received it could GET
    ``/add`` with it from curl (no Origin, no Sec-Fetch-Site), read the form token from the
    page and write with it through the API. Now the server leaves no cookie, and a page gets
    the form token only when opened with the right ``?token=`` (``app.js`` keeps it in the
    tab's sessionStorage, which is per origin, port included)."""
    with TestClient(create_app(db, token="s3cret"), base_url=BASE) as web:
        page = web.get("/add", params={"token": "s3cret"})
        assert "set-cookie" not in page.headers
        forms = hidden_tokens(page.text)
        assert len(forms) == 3 and len(set(forms)) == 1 and forms[0] not in ("", "s3cret")
        posted = web.post("/add", data={**BUDGET, "token": forms[0]}, follow_redirects=False)
        assert posted.status_code == 303  # the page's own form writes

        # the other server replays every cookie the browser could have sent it
        received = dict(web.cookies)
        with TestClient(web.app, base_url=BASE, cookies=received) as other:
            for path in ("/add", "/", "/jobs/none"):
                assert not [t for t in hidden_tokens(other.get(path).text) if t]
            merge = {"into": "s1", "others": ["s2"]}
            for token in [*received.values(), ""]:
                given = {"X-Newsprism-Token": token} if token else {}
                merged = other.post("/api/stories/merge", json=merge, headers=given)
                assert merged.status_code == 403
                assert other.post("/api/articles", json=BUDGET, headers=given).status_code == 403


def test_a_page_opened_from_another_port_gets_no_form_token(db: str) -> None:
    """A page of another server on the same host is same-site. A page requested from there
    (``Sec-Fetch-Site: same-site`` or ``cross-site``) gets forms without the form token, even
    with the right ``?token=``; a page of this server without ``?token=`` gets none either
    (its script fills the forms from the tab's sessionStorage)."""
    with TestClient(create_app(db, token="s3cret"), base_url=BASE) as web:
        mine = web.get("/add", params={"token": "s3cret"})
        token = hidden_tokens(mine.text)[0]
        for site in ("same-origin", "none"):  # this server's own pages, or typed in
            page = web.get("/add", params={"token": "s3cret"}, headers={"Sec-Fetch-Site": site})
            assert f'name="token" value="{token}"' in page.text
            assert 'name="token"' not in web.get("/add", headers={"Sec-Fetch-Site": site}).text
        for site in ("same-site", "cross-site"):
            page = web.get("/add", headers={"Sec-Fetch-Site": site})
            assert page.status_code == 200
            assert 'name="token"' not in page.text
            framed = web.get("/add", params={"token": "s3cret"}, headers={"Sec-Fetch-Site": site})
            assert 'name="token"' not in framed.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:9000"},  # a page of another port
        {"Origin": "https://127.0.0.1:8000"},  # another scheme
        {"Origin": "null"},  # an opaque origin (a sandboxed frame, a data: page)
        {"Sec-Fetch-Site": "same-site"},  # a browser that says it came from another port
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_writes_from_other_pages_are_refused_even_with_the_token(
    db: str, headers: dict[str, str]
) -> None:
    with TestClient(create_app(db, token="s3cret"), base_url=BASE) as web:
        form = web.get("/add", params={"token": "s3cret"}).text
        token = re.findall(r'name="token" value="([^"]*)"', form)[0]
        posted = web.post(
            "/add", data={**BUDGET, "token": token}, headers=headers, follow_redirects=False
        )
        assert posted.status_code == 403
        assert "is refused: a write must come from this server's own pages" in unescape(posted.text)
        api = web.post(
            "/api/articles", json=BUDGET, headers={**headers, "X-Newsprism-Token": "s3cret"}
        )
        assert api.status_code == 403
        own = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}
        ok = web.post("/add", data={**BUDGET, "token": token}, headers=own, follow_redirects=False)
        assert ok.status_code == 303


# --- item 10: idle connections do not use up the server's file descriptors ---------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    """GET ``url`` (a server the test started on 127.0.0.1) without any proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=60) as answer:
            return int(answer.status), answer.read()
    except urllib.error.HTTPError as failed:
        return int(failed.code), failed.read()


@contextmanager
def serve_process(db: str, log: Path, max_files: int) -> Iterator[str]:
    """``newsprism serve`` over ``db`` on 127.0.0.1 in a process that may open at most
    ``max_files`` file descriptors (sockets and the store's files alike), its output in
    ``log``; yields its URL."""
    port = free_port()

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    command = [str(Path(sys.executable).with_name("newsprism")), "serve", "--db", db]
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "--port", str(port)], preexec_fn=limit_files, stderr=output
        )
        try:
            for _ in range(1200):  # a bound (60 s) for the start, not a timing
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert server.poll() is None, log.read_text()
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=60)


def test_idle_connections_do_not_stop_the_server(db: str, tmp_path: Path) -> None:
    """Issue 14, item 10: about 20,000 idle half-open connections from one client (the
    server's file descriptor limit) made every request fail (500, ``unable to open database
    file``). Here the server may open 512 files and a client opens 700 connections that each
    send half a request; a normal request still gets its answer, because the server closes
    the longest-idle connection when it holds ``max_connections`` (200)."""
    open_store(db).close()
    log = tmp_path / "serve.log"
    with serve_process(db, log, 512) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(700)]
        try:
            for conn in idle:
                conn.sendall(b"GET /api/stories HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no end
            assert get(base + "/api/outlets") == (200, b'{"outlets":[]}')
            assert get(base + "/api/stories")[0] == 200
        finally:
            for conn in idle:
                conn.close()
    assert "Too many open files" not in log.read_text()


@contextmanager
def serving(app: FastAPI, limits: WebSettings) -> Iterator[int]:
    """``app`` served as `newsprism serve` serves it (``server_config``) with ``limits``, by
    uvicorn in a thread on 127.0.0.1 and a free port; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, limits))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(1200):  # a bound (60 s) for the start, not a timing
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        assert server.started
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


def half_request(port: int) -> socket.socket:
    """A connection that sends half a request head and then nothing."""
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(b"GET /api/stories HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    conn.settimeout(60)  # a bound for the reads below, not a timing
    return conn


def closed_unanswered(conn: socket.socket) -> bool:
    """Whether the server closed ``conn`` without a byte of answer (a reset when it closed
    before reading what the client had sent)."""
    try:
        return conn.recv(1024) == b""
    except ConnectionResetError:
        return True


def test_the_longest_idle_connection_makes_room(db: str) -> None:
    """With ``max_connections`` open, one more closes the longest-idle connection (unanswered:
    it never finished its request), and the new one is answered."""
    limits = replace(DEFAULT.web, max_connections=5)
    with serving(create_app(db), limits) as port:
        idle = [half_request(port) for _ in range(8)]
        try:
            assert get(f"http://127.0.0.1:{port}/api/outlets") == (200, b'{"outlets":[]}')
            assert closed_unanswered(idle[0])
        finally:
            for conn in idle:
                conn.close()


def test_a_request_head_never_finished_is_closed(db: str) -> None:
    """A connection that does not send a whole request head within ``request_head_seconds``
    is closed without an answer (uvicorn waited for it for ever)."""
    limits = replace(DEFAULT.web, request_head_seconds=0.2)
    with serving(create_app(db), limits) as port:
        conn = half_request(port)
        try:
            assert closed_unanswered(conn)
        finally:
            conn.close()
        assert get(f"http://127.0.0.1:{port}/api/outlets")[0] == 200


def slow_body(port: int) -> socket.socket:
    """A connection that sends a whole request head announcing a large body, then a few bytes
    of the body and nothing more (a slow upload)."""
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(
        b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"text": "'
    )
    conn.settimeout(60)  # a bound for the reads below, not a timing
    return conn


def answer_of(conn: socket.socket) -> bytes:
    """Everything the server sends on ``conn`` until it closes it (b"" on a reset)."""
    answer = b""
    try:
        while chunk := conn.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass
    return answer


def test_slow_uploads_do_not_lock_everyone_out(db: str) -> None:
    """Issue 14 review, item 3: a connection whose body is still arriving counted as being
    answered, so with ``max_connections`` slow uploads open every new connection was closed
    (the limiter closed the new one when no other was idle): 200 slow uploads locked everyone
    out. Now the connection that has been receiving a body longest makes room (408)."""
    limits = replace(DEFAULT.web, max_connections=5)
    with serving(create_app(db), limits) as port:
        slow = []
        for _ in range(5):
            slow.append(slow_body(port))
            time.sleep(0.05)  # each head arrives in turn: the first has waited longest
        try:
            assert get(f"http://127.0.0.1:{port}/api/outlets") == (200, b'{"outlets":[]}')
            assert answer_of(slow[0]).startswith(b"HTTP/1.1 408 ")
        finally:
            for conn in slow:
                conn.close()


def test_a_request_body_must_arrive_within_its_deadline(db: str) -> None:
    """A request whose whole body has not arrived within ``request_body_seconds`` of its head
    is answered 408 (with the security headers) and its connection closed; uvicorn waited for
    it for ever, bounded by nothing but the upload limit."""
    limits = replace(DEFAULT.web, request_body_seconds=0.3)
    with serving(create_app(db), limits) as port:
        conn = slow_body(port)
        try:
            answer = answer_of(conn)
        finally:
            conn.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        status, *lines = head.decode().split("\r\n")
        assert status == "HTTP/1.1 408 Request Timeout"
        headers = {name.lower(): value for name, value in (x.split(": ", 1) for x in lines)}
        assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
        assert b"request_body_seconds" in body
        assert get(f"http://127.0.0.1:{port}/api/outlets")[0] == 200


@pytest.mark.parametrize(
    "sent",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 20_000,  # over 16 KiB
    ],
)
def test_the_servers_own_400_carries_the_security_headers(db: str, sent: bytes) -> None:
    """A request uvicorn cannot parse is answered by the server itself, not the app (item 2:
    every response carries the headers)."""
    with serving(create_app(db), DEFAULT.web) as port:
        conn = socket.create_connection(("127.0.0.1", port))
        conn.settimeout(60)  # a bound, not a timing
        try:
            conn.sendall(sent)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        finally:
            conn.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    assert status == "HTTP/1.1 400 Bad Request"
    headers = {name.lower(): value for name, value in (x.split(": ", 1) for x in lines)}
    assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert body == b"Invalid HTTP request received."


def test_serve_refuses_a_connection_limit_under_one(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["serve", "--db", db, "--max-connections", "0"]) == 2
    assert capsys.readouterr().err.strip().endswith("error: --max-connections must be at least 1")
