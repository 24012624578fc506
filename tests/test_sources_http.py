"""Pages and feeds fetched from a real HTTP server the tests start on 127.0.0.1.

Nothing here sends traffic anywhere else: the refused addresses (10.0.0.1, 169.254.169.254)
are refused before any connection is made, and made-up host names (``names``) resolve to
loopback addresses only.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from newsprism.cli.ingest import parse_interval, run_watch
from newsprism.engines.local import ingest_sources
from newsprism.ingest.fetch import USER_AGENT, Fetched, Fetcher
from newsprism.model import Problem
from newsprism.settings import IngestSettings
from newsprism.store.sqlite import Store

FAST = IngestSettings(fetch_rate=0.0, fetch_backoff=0.01, fetch_timeout=5.0)
LOCAL = [ipaddress.ip_network("127.0.0.1/32")]

Reply = tuple[int, dict[str, str], bytes]


def page(title: str, body: str, published: str = "") -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>{meta}</head>"
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{paragraphs}"
        f"</article><footer>Copyright Example News</footer></body></html>"
    ).encode()


DAM = page(
    "Dam opens on the Red River",
    "The new dam on the Red River opened on Tuesday after six years of work.\n"
    "Engineers said the reservoir would supply water to 40,000 homes in the valley.\n"
    "Farmers downstream said they worried about the river's flow in the dry season.",
    "2024-05-07T09:00:00+00:00",
)
BRIDGE = page(
    "Bridge closed for repairs",
    "The old stone bridge in the town centre was closed on Monday for repairs.\n"
    "The council said the work would take three months and cost 2 million euros.\n"
    "Buses will use the ring road until the bridge opens again in the autumn.",
)
RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example News</title><link>/</link>
<item><title>Dam opens on the Red River</title><link>/news/dam.html</link>
<pubDate>Tue, 07 May 2024 09:00:00 +0000</pubDate></item>
<item><title>Bridge closed for repairs</title><link>/news/bridge.html</link>
<pubDate>Mon, 06 May 2024 08:30:00 +0200</pubDate>
<author>desk@example.com (Ana Diaz)</author></item>
<item><title>Gone</title><link>/news/gone.html</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<entry><title>Dam opens on the Red River</title><link href="/news/dam.html"/>
<id>urn:1</id><updated>2024-05-07T09:00:00Z</updated></entry></feed>"""
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass
class Server:
    """The test server: routes by path, and a log of (path, user agent) per request."""

    base: str
    routes: dict[str, Reply | Callable[[], Reply]]
    log: list[tuple[str, str]] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # the Host header of each request

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)


def html(body: bytes) -> Reply:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


def flaky(replies: list[Reply]) -> Callable[[], Reply]:
    """A route that answers with each reply in turn, then the last one forever."""
    state = {"n": 0}

    def answer() -> Reply:
        reply = replies[min(state["n"], len(replies) - 1)]
        state["n"] += 1
        return reply

    return answer


@pytest.fixture()
def server() -> Iterator[Server]:
    routes: dict[str, Reply | Callable[[], Reply]] = {}
    srv: Server

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            srv.log.append((self.path, self.headers.get("User-Agent", "")))
            srv.hosts.append(self.headers.get("Host", ""))
            route = routes.get(self.path)
            if route is None:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
            else:
                status, headers, body = route() if callable(route) else route
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers and not headers.get("X-No-Length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    srv = Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes)
    routes.update(
        {
            "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
            "/news/dam.html": html(DAM),
            "/news/bridge.html": html(BRIDGE),
            "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, RSS),
            "/atom.xml": (200, {"Content-Type": "application/atom+xml"}, ATOM),
            "/private/secret.html": html(DAM),
        }
    )
    try:
        yield srv
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "news.db") as st:
        yield st


def fetch(url: str, **kwargs: object) -> Fetched | Problem:
    with Fetcher(FAST, trusted_networks=LOCAL, **kwargs) as fetcher:  # type: ignore[arg-type]
        return fetcher.fetch(url)


def test_page_is_fetched_extracted_and_stored(server: Server, store: Store) -> None:
    summary = ingest_sources([server.url("/news/dam.html")], store, FAST, allow_private=True)
    assert (summary.new, summary.duplicates, summary.failed) == (1, 0, 0)
    (article,) = store.list_articles()
    assert article.title == "Dam opens on the Red River"
    assert article.url == server.url("/news/dam.html")
    assert article.text.startswith("The new dam on the Red River opened on Tuesday")
    assert "Home | World" not in article.text and "Copyright" not in article.text
    assert article.published is not None and article.published.isoformat().startswith("2024-05-07")
    # robots.txt first, then the page, both with the honest user agent
    assert [p for p, _ in server.log] == ["/robots.txt", "/news/dam.html"]
    assert {ua for _, ua in server.log} == {USER_AGENT} == {"newsprism/0.1 (+newsprism)"}


def test_private_addresses_are_refused_without_any_request(server: Server, store: Store) -> None:
    summary = ingest_sources([server.url("/news/dam.html")], store, FAST)
    assert (summary.new, summary.failed) == (0, 1)
    message = summary.problems[0].message
    assert message.startswith("refused: 127.0.0.1 is a loopback, private")
    assert "--allow-private" in message
    assert server.log == []
    for url in ("http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/"):
        result = Fetcher(FAST).fetch(url)
        assert isinstance(result, Problem) and result.message.startswith("refused:"), url
    bad = Fetcher(FAST).fetch("file:///etc/passwd")
    assert (
        isinstance(bad, Problem) and bad.message == "only http and https URLs are fetched, not file"
    )
    other = ingest_sources(["ftp://example.org/feed"], store, FAST)
    assert other.problems == [
        Problem("ftp://example.org/feed", "only http and https URLs are fetched, not ftp")
    ]


def test_each_redirect_hop_is_checked(server: Server) -> None:
    server.routes["/to-metadata"] = (302, {"Location": "http://169.254.169.254/latest/"}, b"")
    server.routes["/to-lan"] = (301, {"Location": "http://10.0.0.1/admin"}, b"")
    server.routes["/moved"] = (301, {"Location": "/news/dam.html"}, b"")
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    result = fetch(server.url("/to-metadata"))
    assert isinstance(result, Problem)
    assert result.message.startswith("redirected to http://169.254.169.254/latest/: refused")
    result = fetch(server.url("/to-lan"))
    assert isinstance(result, Problem) and "10.0.0.1" in result.message
    moved = fetch(server.url("/moved"))
    assert isinstance(moved, Fetched)
    assert moved.url == server.url("/news/dam.html") and moved.requested == server.url("/moved")
    assert moved.kind == "html"
    looped = fetch(server.url("/loop"))
    assert isinstance(looped, Problem) and looped.message == "more than 5 redirects"
    assert server.hits("/loop") == 6  # the first request and five redirects


def test_broken_pages_fail_one_by_one(server: Server, store: Store) -> None:
    big = b"<html><body><p>" + b"word " * 20_000 + b"</p></body></html>"
    server.routes["/big.html"] = html(big)
    server.routes["/stream.html"] = (200, {"Content-Type": "text/html", "X-No-Length": "1"}, big)
    server.routes["/photo.png"] = (200, {"Content-Type": "image/png"}, b"\x89PNG....")
    server.routes["/sitemap.xml"] = (
        200,
        {"Content-Type": "application/xml"},
        b'<?xml version="1.0"?><urlset><url><loc>/a</loc></url></urlset>',
    )
    small = IngestSettings(fetch_rate=0.0, fetch_backoff=0.01, fetch_max_bytes=50_000)
    urls = [
        server.url(p)
        for p in (
            "/missing.html",
            "/big.html",
            "/stream.html",
            "/photo.png",
            "/sitemap.xml",
            "/private/secret.html",
            "/news/bridge.html",
        )
    ]
    summary = ingest_sources(urls, store, small, allow_private=True)
    assert summary.new == 1 and summary.failed == 6
    why = {p.input.rsplit("/", 1)[1]: p.message for p in summary.problems}
    assert why["missing.html"] == "HTTP 404 Not Found"
    assert why["big.html"] == (
        "the body is 100.0 KB, over the 50.0 KB limit (ingest fetch_max_bytes); not read"
    )
    assert why["stream.html"] == (
        "the body is over the 50.0 KB limit (ingest fetch_max_bytes); stopped reading"
    )
    assert why["photo.png"] == "content type image/png is not a web page, feed or text; not read"
    assert why["sitemap.xml"].startswith("not an RSS or Atom feed: no feed element")
    assert (
        why["secret.html"]
        == f"robots.txt disallows {server.url('/private/secret.html')} for newsprism"
    )
    assert server.hits("/private/secret.html") == 0
    assert store.list_articles()[0].title == "Bridge closed for repairs"


def test_server_errors_are_retried_with_backoff(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/flaky.html"] = flaky(
        [
            (500, {"Content-Type": "text/plain"}, b"oops"),
            (429, {"Retry-After": "3"}, b""),
            html(BRIDGE),
        ]
    )
    server.routes["/down.html"] = (503, {"Content-Type": "text/plain"}, b"down")
    waits: list[float] = []
    monkeypatch.setattr(Fetcher, "_sleep", lambda self, seconds: waits.append(seconds) or True)
    result = fetch(server.url("/flaky.html"))
    assert isinstance(result, Fetched) and b"stone bridge" in result.body
    assert server.hits("/flaky.html") == 3
    assert waits == [0.01, 3.0]  # the backoff, then the server's Retry-After
    waits.clear()
    down = fetch(server.url("/down.html"))
    assert isinstance(down, Problem)
    assert down.message == "HTTP 503 Service Unavailable; gave up after 4 tries"
    assert waits == [0.01, 0.02, 0.04]


def test_requests_to_one_host_are_spaced(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(Fetcher, "_sleep", lambda self, seconds: waits.append(seconds) or True)
    with Fetcher(FAST, rate=30.0, trusted_networks=LOCAL) as fetcher:
        assert isinstance(fetcher.fetch(server.url("/news/dam.html")), Fetched)
        assert isinstance(fetcher.fetch(server.url("/news/bridge.html")), Fetched)
    # robots.txt, then two pages: each request after the first waits for the rest of 30 s
    assert len(waits) == 2 and all(29.0 < w <= 30.0 for w in waits)


def test_feed_entries_are_fetched_and_rerun_is_idempotent(server: Server, store: Store) -> None:
    filed: list[str] = []
    summary = ingest_sources(
        [server.url("/feed.xml")],
        store,
        FAST,
        allow_private=True,
        on_article=lambda a: filed.append(a.title),
    )
    assert (summary.new, summary.failed) == (2, 1)
    assert summary.problems[0] == Problem(server.url("/news/gone.html"), "HTTP 404 Not Found")
    assert filed == ["Dam opens on the Red River", "Bridge closed for repairs"]
    bridge = next(a for a in store.list_articles() if a.title.startswith("Bridge"))
    assert (
        bridge.published is not None and bridge.published.isoformat() == "2024-05-06T08:30:00+02:00"
    )
    assert "author (from the feed): desk@example.com (Ana Diaz)" in bridge.notes
    assert "from the feed Example News" in bridge.notes
    pages = server.hits("/news/dam.html") + server.hits("/news/bridge.html")

    again = ingest_sources([server.url("/feed.xml")], store, FAST, allow_private=True)
    assert (again.new, again.duplicates, again.near_copies) == (0, 2, 0)
    assert (
        server.hits("/news/dam.html") + server.hits("/news/bridge.html") == pages
    )  # not refetched
    atom = ingest_sources([server.url("/atom.xml")], store, FAST, allow_private=True)
    assert (atom.new, atom.duplicates, atom.failed) == (0, 1, 0)
    assert store.count_articles() == 2


def test_watch_refuses_a_feed_that_is_a_web_page(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(tmp_path / "w.db") as store:
        summary = ingest_sources(
            [server.url("/news/dam.html")],
            store,
            FAST,
            allow_private=True,
            feeds_only=True,
        )
    assert summary.new == 0
    assert summary.problems == [
        Problem(
            server.url("/news/dam.html"),
            "not an RSS or Atom feed: the URL serves a web page (HTML)",
        )
    ]
    args = argparse.Namespace(
        feeds=[server.url("/feed.xml")],
        every=parse_interval("0.01s"),
        rounds=2,
        db=str(tmp_path / "w.db"),
        allow_private=True,
        rate=0.0,
        no_progress=True,
        json=False,
    )
    assert run_watch(args) == 0
    out = capsys.readouterr().out
    assert "round 1: 2 new, 0 duplicate, 0 near-copy linked, 1 failed" in out
    assert "round 2: 0 new, 2 duplicate, 0 near-copy linked, 1 failed" in out


def test_parse_interval() -> None:
    assert parse_interval("15m") == 900.0
    assert parse_interval("1h30m") == 5400.0
    assert parse_interval("90") == 90.0
    with pytest.raises(argparse.ArgumentTypeError):
        parse_interval("soon")


# --- names that resolve to private addresses, and DNS rebinding ----------------------------


@dataclass
class Names:
    """A resolver for made-up host names: each answers with its addresses in turn (then the
    last one forever); every other host resolves as usual. ``lookups`` logs the names asked."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)


@pytest.fixture()
def names(monkeypatch: pytest.MonkeyPatch) -> Names:
    made_up = Names()
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in made_up.answers:
            return real(host, port, *args, **kwargs)
        made_up.lookups.append(name)
        queue = made_up.answers[name]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return made_up


def test_a_name_that_resolves_to_loopback_is_refused(
    server: Server, names: Names, store: Store
) -> None:
    names.answers.update({"localhost": ["127.0.0.1"], "news.test": ["127.0.0.1"]})
    for name in ("localhost", "news.test"):
        url = f"http://{name}:{server.port}/news/dam.html"
        summary = ingest_sources([url], store, FAST)
        assert (summary.new, summary.failed) == (0, 1)
        assert summary.problems[0] == Problem(
            url,
            f"refused: {name} is a loopback, private, link-local or reserved address "
            "(127.0.0.1); pass --allow-private to fetch it",
        )
    assert server.log == []


def test_redirects_to_a_private_address_or_to_a_name_of_one_are_refused(
    server: Server, names: Names
) -> None:
    names.answers["intranet.test"] = ["127.0.0.2"]  # loopback, but not a trusted network
    to_name = f"http://intranet.test:{server.port}/news/dam.html"
    server.routes["/to-name"] = (302, {"Location": to_name}, b"")
    server.routes["/to-private"] = (301, {"Location": "http://192.168.1.1/router"}, b"")
    result = fetch(server.url("/to-name"))
    assert result == Problem(
        server.url("/to-name"),
        f"redirected to {to_name}: refused: intranet.test is a loopback, private, link-local "
        "or reserved address (127.0.0.2); pass --allow-private to fetch it",
    )
    result = fetch(server.url("/to-private"))
    assert isinstance(result, Problem)
    assert result.message.startswith("redirected to http://192.168.1.1/router: refused")
    # one Fetcher per ``fetch``: each reads robots.txt, then the redirect; nothing more
    assert [p for p, _ in server.log] == ["/robots.txt", "/to-name", "/robots.txt", "/to-private"]


def test_allow_private_fetches_a_name_on_loopback(
    server: Server, names: Names, store: Store
) -> None:
    names.answers["news.test"] = ["127.0.0.1"]
    url = f"http://news.test:{server.port}/news/dam.html"
    summary = ingest_sources([url], store, FAST, allow_private=True)
    assert (summary.new, summary.failed) == (1, 0)
    (article,) = store.list_articles()
    assert (article.title, article.url) == ("Dam opens on the Red River", url)
    assert server.hosts == [f"news.test:{server.port}"] * 2  # robots.txt and the page


def test_the_connection_goes_to_the_address_that_was_checked(server: Server, names: Names) -> None:
    # DNS rebinding: the name answers 127.0.0.1 (trusted here) for the check, then
    # 127.0.0.2, where nothing listens. Resolving again to connect would fail the fetch.
    no_robots = IngestSettings(fetch_rate=0.0, fetch_backoff=0.01, fetch_robots=False)
    names.answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
    url = f"http://rebind.test:{server.port}/news/dam.html"
    with Fetcher(no_robots, trusted_networks=LOCAL) as fetcher:
        page = fetcher.fetch(url)
        assert isinstance(page, Fetched) and b"Red River" in page.body
        assert (page.url, page.requested) == (url, url)
        assert names.lookups == ["rebind.test"]  # the check only, never the connection
        assert server.hosts == [f"rebind.test:{server.port}"]  # the name kept as Host
        # Each redirect hop is checked and pinned: the next check now sees 127.0.0.2.
        names.answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
        server.routes["/to-rebind"] = (302, {"Location": url}, b"")
        moved = fetcher.fetch(server.url("/to-rebind"))
        assert isinstance(moved, Fetched) and moved.url == url
        assert server.hosts[1:] == [f"127.0.0.1:{server.port}", f"rebind.test:{server.port}"]
        again = fetcher.fetch(url)
    assert again == Problem(
        url,
        "refused: rebind.test is a loopback, private, link-local or reserved address "
        "(127.0.0.2); pass --allow-private to fetch it",
    )
    assert names.lookups == ["rebind.test"] * 3


def test_a_pinned_https_request_keeps_the_name_for_tls(names: Names) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=DAM)

    names.answers["secure.test"] = ["127.0.0.1"]
    no_robots = IngestSettings(fetch_rate=0.0, fetch_robots=False)
    with Fetcher(
        no_robots, trusted_networks=LOCAL, transport=httpx.MockTransport(answer)
    ) as fetcher:
        page = fetcher.fetch("https://secure.test/news/dam.html")
    assert isinstance(page, Fetched) and page.url == "https://secure.test/news/dam.html"
    (request,) = seen
    assert str(request.url) == "https://127.0.0.1/news/dam.html"  # the checked address
    assert request.headers["Host"] == "secure.test"
    assert request.extensions["sni_hostname"] == "secure.test"  # the TLS server name


# --- feed entries whose page fails: the feed's own text stands in ---------------------------

FLOOD_TEXT = (
    "<p>Floods closed the valley road between Arden and Millbrook on Wednesday after two days "
    "of heavy rain, and the fire service moved 120 people from farms near the river.</p>"
    "<p>The county said the road would stay shut until engineers had checked the old stone "
    "bridge at Millbrook, which lost part of its parapet when the water rose on Tuesday "
    "night.</p><p>Schools in the valley stayed closed, and buses ran by the ring road. The "
    "weather service expects more rain on Friday, when the river is forecast to peak again "
    "near Arden &amp; Millbrook.</p>"
)
RELIEF_TEXT = (
    "A relief centre for families forced from their homes by the floods opened in the "
    "Millbrook sports hall on Thursday morning. Volunteers from three churches handed out "
    "blankets, dry clothes and hot meals, and a nurse from the county health service "
    "checked on elderly residents who had spent the night in their cars. The county said "
    "about 80 people had registered by noon and that the hall would stay open through the "
    "weekend. Donations of food and bedding can be left at the town library, which has "
    "extended its opening hours until the river falls."
)
WIRE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley Wire</title><link>/</link>
<item><title>Floods close the valley road</title><link>/news/flood.html</link>
<pubDate>Wed, 08 May 2024 07:00:00 +0000</pubDate><description>Floods in the valley.</description>
<content:encoded><![CDATA[{FLOOD_TEXT}]]></content:encoded></item>
<item><title>Flood relief centre opens</title><link>/news/blank.html</link>
<description><![CDATA[{RELIEF_TEXT}]]></description></item>
<item><title>Council to meet</title><link>/news/teaser.html</link>
<description>The council will meet on Friday to discuss the bridge repairs.</description></item>
<item><title>Dam opens on the Red River</title><link>/news/dam.html</link></item>
</channel></rss>""".encode()


def test_feed_text_stands_in_for_a_page_that_fails(server: Server, store: Store) -> None:
    server.routes["/wire.xml"] = (200, {"Content-Type": "application/rss+xml"}, WIRE)
    server.routes["/news/blank.html"] = html(b"  \n ")
    summary = ingest_sources([server.url("/wire.xml")], store, FAST, allow_private=True)
    assert (summary.new, summary.failed) == (3, 1)
    assert summary.problems == [
        Problem(
            server.url("/news/teaser.html"),
            "HTTP 404 Not Found; the feed's own text of the entry (11 words) is too short to "
            "stand in for the article (ingest feed_text_min_words 80)",
        )
    ]
    assert [p.input for p in summary.from_feed] == [
        server.url("/news/flood.html"),
        server.url("/news/blank.html"),
    ]
    assert summary.from_feed[0].message == (
        "the page could not be used (HTTP 404 Not Found); stored the feed's own text of the "
        "entry (93 words) instead"
    )
    assert summary.from_feed[1].message.startswith(
        "the page could not be used (empty: the page holds no text); stored"
    )
    assert (
        f"from the feed's text: {server.url('/news/flood.html')}: the page could not be used"
        in "\n".join(summary.lines())
    )
    flood = next(a for a in store.list_articles() if a.title == "Floods close the valley road")
    assert flood.url == server.url("/news/flood.html")
    assert flood.text.startswith("Floods closed the valley road between Arden and Millbrook")
    assert flood.text.endswith("near Arden & Millbrook.")
    assert (
        flood.published is not None and flood.published.isoformat() == "2024-05-08T07:00:00+00:00"
    )
    assert "from the feed Valley Wire" in flood.notes
    assert (
        "the text is the feed's own text of the entry: the page could not be used "
        "(HTTP 404 Not Found)" in flood.notes
    )
    assert server.hits("/news/flood.html") == 1
    # A second run knows every stored entry by its URL and fetches none of them again.
    again = ingest_sources([server.url("/wire.xml")], store, FAST, allow_private=True)
    assert (again.new, again.duplicates, again.failed, again.from_feed) == (0, 3, 1, [])
    assert server.hits("/news/flood.html") == server.hits("/news/blank.html") == 1


# --- several URLs at once -------------------------------------------------------------------


def test_fetch_many_overlaps_hosts_keeps_order_and_spaces_one_host(
    server: Server, names: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /slow answers only once /fast was asked (503 after 10 s otherwise): fetching the URLs
    # one after the other would give a Problem for /slow.
    asked = threading.Event()

    def slow() -> Reply:
        return html(DAM) if asked.wait(10) else (503, {}, b"")

    def fast() -> Reply:
        asked.set()
        return html(BRIDGE)

    server.routes.update({"/slow": slow, "/fast": fast})
    names.answers.update({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    waits: list[float] = []
    monkeypatch.setattr(Fetcher, "_sleep", lambda self, seconds: waits.append(seconds) or True)
    a, b = f"http://a.test:{server.port}", f"http://b.test:{server.port}"
    urls = [a + "/slow", b + "/fast", a + "/news/bridge.html", b + "/missing"]
    settings = IngestSettings(fetch_robots=False, fetch_retries=0, fetch_workers=3)
    with Fetcher(settings, rate=30.0, trusted_networks=LOCAL) as fetcher:
        results = list(fetcher.fetch_many(urls))
    assert [r.url if isinstance(r, Fetched) else r.message for r in results] == [
        a + "/slow",
        b + "/fast",
        a + "/news/bridge.html",
        "HTTP 404 Not Found",
    ]
    assert b"Red River" in results[0].body if isinstance(results[0], Fetched) else False
    # The second request to each host waited for the rest of its 30 s; none waited more.
    assert len(waits) == 2 and all(29.0 < w <= 30.0 for w in waits)
    assert sorted(server.hosts) == sorted(urlsplit(u).netloc for u in urls)
