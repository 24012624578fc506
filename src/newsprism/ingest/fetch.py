"""Fetching web pages and feeds politely and safely (httpx + protego).

``Fetcher.fetch(url)`` returns a ``Fetched`` body or a ``Problem`` naming the URL; it never
raises for a bad URL or server. What it does, per request:

- refuses schemes other than http/https, and hosts that resolve to a loopback, private,
  link-local, reserved, multicast or otherwise non-global address (every address the name
  resolves to is checked) unless ``allow_private`` is set;
- connects to an address it checked, never resolving the name again (DNS rebinding: a
  name that answers with a public address for the check and a private one for the
  connection): the request goes to that address, with the name in the Host header and as
  the TLS server name (so certificates are still checked against the name), and
  connections are shared only between requests to the same name;
- follows at most ``fetch_max_redirects`` redirects itself, re-checking and re-pinning each
  hop (scheme, address, robots.txt);
- obeys robots.txt (RFC 9309 via protego: a missing robots.txt allows everything, an
  unreachable one (5xx, network error) disallows the host), including its crawl delay;
- waits ``fetch_rate`` seconds between two requests to the same host;
- ``fetch_many`` fetches several URLs at once (``fetch_workers`` threads; requests to one
  host still wait for each other as above) and gives the results in the order of the URLs;
- sends an honest user agent, ``newsprism/0.1 (+newsprism)``;
- retries 429, 5xx and timeouts with exponential backoff (``fetch_backoff`` doubled each
  try, at most ``fetch_retries`` times, a Retry-After header honoured up to
  ``fetch_backoff_max``);
- accepts only HTML, XML feeds and plain text, and streams the body, stopping at
  ``fetch_max_bytes`` (decoded bytes, so a compressed bomb is stopped too).

With ``allow_private`` nothing is refused, so names are left to httpx to resolve.
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from newsprism.model import Problem
from newsprism.settings import DEFAULT, IngestSettings

USER_AGENT = "newsprism/0.1 (+newsprism)"
ROBOTS_AGENT = "newsprism"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
    }
)
TEXT_TYPES = frozenset({"text/plain"})
ALL_TYPES = HTML_TYPES | FEED_TYPES | TEXT_TYPES
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,text/plain;q=0.8"
)
_ROBOTS_MAX_BYTES = 500_000
_FEED_SNIFF = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S
)
_XML_SNIFF = re.compile(rb"^\s*<\?xml\b")
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)
_NAMED_CLIENTS = 16  # connection pools kept for pinned names (least recently used dropped)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass
class Fetched:
    """One fetched body: the final URL (after redirects), its media type and bytes."""

    url: str
    requested: str
    status: int
    media_type: str  # lower-case, without parameters; "" when the server sent none
    charset: str  # from the Content-Type header, "" when none
    body: bytes

    @property
    def kind(self) -> str:
        """ "feed", "html" or "text", from the body first (servers mislabel), then the type."""
        head = self.body[:4096]
        if _FEED_SNIFF.match(head):
            return "feed"
        if _HTML_SNIFF.search(head):
            return "html"
        if self.media_type in FEED_TYPES or _XML_SNIFF.match(head):
            return "feed"
        if self.media_type in HTML_TYPES:
            return "html"
        return "text"


class _Retry(Exception):
    """A response worth trying again (429, 5xx, timeout), with the wait the server asked."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


class _Refused(Exception):
    """A final failure for this URL (its message becomes the Problem)."""


@dataclass
class _Pool:
    """The connections of one host name, and how many requests use them now."""

    client: httpx.Client
    users: int = 0


class _Unreachable(Exception):
    """Connecting failed (the next checked address may do better)."""


def _is_public(address: Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), cap))


def _mb(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n} bytes"


class Fetcher:
    """A polite, SSRF-safe HTTP client for pages and feeds (one per run; ``fetch`` may be
    called from several threads, as ``fetch_many`` does).

    ``trusted_networks`` are address ranges allowed even when not public (tests use it to
    reach their own server while still refusing every other private address).
    ``stop``, when set, interrupts waits (rate limit, backoff) and fails the fetch.
    """

    def __init__(
        self,
        settings: IngestSettings = DEFAULT.ingest,
        *,
        allow_private: bool = False,
        rate: float | None = None,
        trusted_networks: Iterable[Network] = (),
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.allow_private = allow_private
        self.rate = settings.fetch_rate if rate is None else max(0.0, rate)
        self.trusted = tuple(trusted_networks)
        self.stop = stop
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, Protego | str] = {}  # host -> parser, or why it is refused
        self._transport = transport
        self._client = self._new_client()
        # Pinned requests go to an address, so their connections are pooled per name: a TLS
        # connection checked for one name is never reused for another on the same address.
        self._named: OrderedDict[str, _Pool] = OrderedDict()
        self._lock = threading.Lock()  # guards the tables above and ``_locks``
        self._locks: dict[str, threading.Lock] = {}  # per host: pacing; per origin: robots

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(self.settings.fetch_timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            trust_env=False,  # no proxy from the environment: it would bypass the checks
            transport=self._transport,
        )

    @contextmanager
    def _client_for(self, name: str) -> Iterator[httpx.Client]:
        """The connection pool of one host name, held while in use."""
        with self._lock:
            pool = self._named.get(name)
            if pool is None:
                pool = self._named[name] = _Pool(self._new_client())
            self._named.move_to_end(name)
            pool.users += 1
        try:
            yield pool.client
        finally:
            with self._lock:
                pool.users -= 1
                for key in list(self._named):  # least recently used first
                    if len(self._named) <= _NAMED_CLIENTS:
                        break
                    old = self._named[key]
                    if not old.users:  # one in use is never closed
                        del self._named[key]
                        old.client.close()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pools."""
        self._client.close()
        with self._lock:
            for pool in self._named.values():
                pool.client.close()
            self._named.clear()

    # --- checks -----------------------------------------------------------------------------

    def check_url(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (scheme, host, address), or None when it may."""
        return self._check(url)[0]

    def _check(self, url: str) -> tuple[str | None, tuple[str, ...]]:
        """(why ``url`` may not be fetched or None, the checked addresses of its host name in
        the resolver's order: the ones to connect to; empty for an address literal, or
        when private addresses are allowed and nothing needs checking)."""
        try:
            parts = urlsplit(url)
        except ValueError as err:  # "http://[" (an unclosed IPv6 bracket)
            return f"not a valid URL ({err})", ()
        if parts.scheme not in ("http", "https"):
            return f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'}", ()
        host = parts.hostname
        if not host:
            return "the URL has no host", ()
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "the URL's port is not a number", ()
        if self.allow_private:
            return None, ()
        resolved: tuple[str, ...] = ()
        try:
            addresses: list[Address] = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
            except (socket.gaierror, UnicodeError) as err:
                return f"cannot resolve the host {host} ({err})", ()
            found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
            addresses = sorted(set(found), key=str)
            resolved = tuple(dict.fromkeys(str(a) for a in found))  # the resolver's order
        for address in addresses:
            if _is_public(address) or any(address in net for net in self.trusted):
                continue
            return (
                f"refused: {host} is a loopback, private, link-local or reserved address "
                f"({address}); pass --allow-private to fetch it"
            ), ()
        if not addresses:
            return f"cannot resolve the host {host} (no address)", ()
        return None, resolved

    def _robots_for(self, url: str) -> Protego | str:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._lock_for("robots " + key):  # read once, however many threads ask
            if key not in self._robots:
                parsed = self._load_robots(key)
                if isinstance(parsed, Protego):
                    delay = parsed.crawl_delay(ROBOTS_AGENT)
                    if delay:
                        limit = self.settings.fetch_backoff_max
                        self._delay[parts.netloc] = min(float(delay), limit)
                self._robots[key] = parsed
            return self._robots[key]

    def _load_robots(self, origin: str) -> Protego | str:
        result = self._get(origin + "/robots.txt", None, _ROBOTS_MAX_BYTES, robots=False)
        if isinstance(result, Problem):
            if result.message.startswith("HTTP 4"):  # RFC 9309: unavailable -> allow all
                return Protego.parse("")
            return f"robots.txt of {origin} could not be read ({result.message}); not fetched"
        return Protego.parse(result.body.decode("utf-8", "replace"))

    # --- fetching ---------------------------------------------------------------------------

    def fetch(self, url: str, accept: frozenset[str] = ALL_TYPES) -> Fetched | Problem:
        """GET ``url`` with every check; a ``Problem(url, why)`` when it cannot be had."""
        return self._get(
            url, accept, self.settings.fetch_max_bytes, robots=self.settings.fetch_robots
        )

    def fetch_many(
        self, urls: Sequence[str], accept: frozenset[str] = ALL_TYPES, workers: int = 0
    ) -> Generator[Fetched | Problem, None, None]:
        """``fetch`` each URL, up to ``workers`` (default ``fetch_workers``) at once, yielding
        the results in the order of ``urls``; at most twice that many are fetched ahead of
        the one the caller reads. Closing the iterator early cancels the rest."""
        workers = max(1, workers or self.settings.fetch_workers)
        if workers == 1 or len(urls) <= 1:
            for url in urls:
                yield self.fetch(url, accept)
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsprism-fetch")
        ahead: deque[Future[Fetched | Problem]] = deque()
        waiting = iter(urls)
        try:
            for url in waiting:
                ahead.append(pool.submit(self.fetch, url, accept))
                if len(ahead) >= 2 * workers:
                    break
            while ahead:
                result = ahead.popleft().result()
                following = next(waiting, None)
                if following is not None:
                    ahead.append(pool.submit(self.fetch, following, accept))
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _get(
        self, url: str, accept: frozenset[str] | None, max_bytes: int, *, robots: bool
    ) -> Fetched | Problem:
        settings = self.settings
        last = ""
        wait = 0.0
        for attempt in range(settings.fetch_retries + 1):
            if attempt and not self._sleep(wait):
                return Problem(url, f"interrupted while waiting to retry ({last})")
            try:
                return self._follow(url, accept, max_bytes, robots)
            except _Retry as err:
                last = err.message
                backoff = settings.fetch_backoff * (2**attempt)
                wait = min(max(err.wait or 0.0, backoff), settings.fetch_backoff_max)
            except _Refused as err:
                return Problem(url, str(err))
        tries = settings.fetch_retries + 1
        return Problem(url, f"{last}; gave up after {tries} tries")

    def _follow(
        self, url: str, accept: frozenset[str] | None, max_bytes: int, robots: bool
    ) -> Fetched:
        current = url
        for _hop in range(self.settings.fetch_max_redirects + 1):
            why, addresses = self._check(current)
            if why is not None:
                raise _Refused(why if current == url else f"redirected to {current}: {why}")
            if robots:
                rules = self._robots_for(current)
                if isinstance(rules, str):
                    raise _Refused(rules)
                if not rules.can_fetch(current, ROBOTS_AGENT):
                    raise _Refused(f"robots.txt disallows {current} for {ROBOTS_AGENT}")
            self._pace(current)
            location = self._request(current, url, accept, max_bytes, addresses)
            if isinstance(location, Fetched):
                return location
            try:
                current = urljoin(current, location)
            except ValueError as err:  # "Location: http://[" from a hostile server
                raise _Refused(f"redirected to an invalid URL {location!r} ({err})") from err
        raise _Refused(f"more than {self.settings.fetch_max_redirects} redirects")

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock_for("pace " + host):  # threads wait their turn for one host
            interval = max(self.rate, self._delay.get(host, 0.0))
            last = self._last.get(host)
            if last is not None:
                wait = interval - (time.monotonic() - last)
                if wait > 0 and not self._sleep(wait):
                    raise _Refused("interrupted")
            self._last[host] = time.monotonic()

    def _sleep(self, seconds: float) -> bool:
        """Wait; False when ``stop`` was set meanwhile."""
        if self.stop is None:
            time.sleep(seconds)
            return True
        return not self.stop.wait(seconds)

    def _request(
        self,
        url: str,
        requested: str,
        accept: frozenset[str] | None,
        max_bytes: int,
        addresses: tuple[str, ...] = (),
    ) -> Fetched | str:
        """One GET: the body, or the Location of a redirect. With ``addresses`` (checked
        ones of the URL's host name), connect to them in turn instead of resolving the name
        again; the next one is tried only when connecting to one fails."""
        for k, address in enumerate(addresses):
            try:
                return self._request_at(url, requested, accept, max_bytes, address)
            except _Unreachable as err:
                if k == len(addresses) - 1:
                    raise _Refused(str(err)) from err
        try:
            return self._request_at(url, requested, accept, max_bytes, "")
        except _Unreachable as err:
            raise _Refused(str(err)) from err

    def _request_at(
        self, url: str, requested: str, accept: frozenset[str] | None, max_bytes: int, address: str
    ) -> Fetched | str:
        """One GET, to ``address`` when given (the name kept as Host and TLS server name)."""
        settings = self.settings
        client, target = self._client, httpx.URL(url)
        headers: dict[str, str] = {}
        extensions: dict[str, str] = {}
        pinned: AbstractContextManager[httpx.Client] = nullcontext(client)
        if address:
            name = target.raw_host.decode("ascii")
            pinned = self._client_for(name)
            headers["Host"] = target.netloc.decode("ascii")
            extensions["sni_hostname"] = name
            target = target.copy_with(host=address)
        try:
            with (
                pinned as client,
                client.stream("GET", target, headers=headers, extensions=extensions) as response,
            ):
                status = response.status_code
                if status in (301, 302, 303, 307, 308):
                    location = response.headers.get("location")
                    if not location:
                        raise _Refused(f"HTTP {status} redirect without a Location header")
                    return location
                if status == 429 or status >= 500:
                    wait = _retry_after(
                        response.headers.get("retry-after"), settings.fetch_backoff_max
                    )
                    raise _Retry(f"HTTP {status} {response.reason_phrase}".strip(), wait)
                if status >= 400 or status < 200:
                    raise _Refused(f"HTTP {status} {response.reason_phrase}".strip())
                content_type = response.headers.get("content-type", "")
                media = content_type.split(";")[0].strip().lower()
                charset_match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.I)
                if accept is not None and media and media not in accept:
                    raise _Refused(
                        f"content type {media} is not a web page, feed or text; not read"
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise _Refused(
                        f"the body is {_mb(int(declared))}, over the {_mb(max_bytes)} limit "
                        "(ingest fetch_max_bytes); not read"
                    )
                chunks: list[bytes] = []
                size = 0
                deadline = time.monotonic() + 3 * settings.fetch_timeout
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise _Refused(
                            f"the body is over the {_mb(max_bytes)} limit "
                            "(ingest fetch_max_bytes); stopped reading"
                        )
                    if time.monotonic() > deadline:
                        raise _Retry("the server sends too slowly")
                    chunks.append(chunk)
                return Fetched(
                    url=str(httpx.URL(url)) if address else str(response.url),
                    requested=requested,
                    status=status,
                    media_type=media,
                    charset=charset_match.group(1) if charset_match else "",
                    body=b"".join(chunks),
                )
        except httpx.ConnectError as err:
            raise _Unreachable(f"cannot fetch: {type(err).__name__}: {err}") from err
        except httpx.TimeoutException as err:
            raise _Retry(f"timed out ({type(err).__name__})") from err
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as err:
            raise _Refused(f"cannot fetch: {type(err).__name__}: {err}") from err
