"""A polite HTTP client for government portals.

Why a wrapper around httpx rather than bare ``httpx.get``: portals are slow,
flaky and defended.  Every request here goes through the same rules, so a new
source kind cannot forget one of them:

* robots.txt is honoured (``urllib.robotparser``; its Crawl-delay raises the
  per-host delay), and the client says who it is in the User-Agent;
* one request at a time per host by default, spaced by ``delay`` seconds;
* 429 / 5xx / timeouts / connection resets / truncated bodies are retried with
  exponential backoff, honouring ``Retry-After``, all within ``max_time`` for
  the URL: attempts, waits and redirect hops share one budget, so a slow-drip
  server costs at most ``max_time`` (plus one read ``timeout``), not retries ×;
* bodies are streamed and abandoned past ``max_bytes``; redirects are followed
  by hand so that every hop is checked (http/https only, robots, loops, count);
* conditional GET (``If-None-Match`` / ``If-Modified-Since``) from a
  :class:`~pipeline.store.CacheEntry`, so unchanged pages cost a 304;
* anti-bot answers (HTTP 412, JavaScript cookie challenges), login walls and
  "页面不存在" / "系统繁忙" templates served with status 200 raise
  :class:`FetchError` instead of passing for content.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from pipeline.formats import HTML, decode_html, sniff_media_type
from pipeline.store import CacheEntry

DEFAULT_USER_AGENT = "policy-miner/0.1 (+research crawler; contact in sources.toml)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Politeness:
    """How hard one source may hit its hosts; every key can be set in sources.toml."""

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0  # seconds between request starts on one host
    concurrency: int = 2  # simultaneous requests per host (and documents in flight per source)
    timeout: float = 20.0  # seconds per connect/read
    max_time: float = 300.0  # seconds for one URL in total (attempts, retry waits, redirects): a trickling server cannot hold us
    retries: int = 3  # extra attempts after a retryable failure
    backoff: float = 2.0  # first retry waits this long, doubling after each attempt
    max_retry_after: float = 120.0  # cap on a server's Retry-After
    max_bytes: int = 30 * 1024 * 1024
    max_redirects: int = 5
    respect_robots: bool = True
    retry_failed_after_days: float = 30.0  # an attachment that failed for good (404, too large, HTML for a PDF …) waits this long
    headers: Mapping[str, str] = field(default_factory=dict)  # extra request headers, e.g. Referer


class FetchError(Exception):
    """A URL could not be fetched as content; ``message`` says why, for the error log."""

    def __init__(self, url: str, message: str, *, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None, permanent: bool = False):
        super().__init__(f"{message} ({url})")
        self.url = url
        self.message = message
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after  # seconds the server asked us to wait, if it said
        self.permanent = permanent  # the same answer is expected on the next run (404, too large, not http …)


@dataclass(frozen=True)
class Response:
    """A completed GET: a body (status 200) or a confirmation that the cached copy is current (304)."""

    url: str  # final URL after redirects
    status: int
    content: bytes
    content_type: str = ""  # as the server declared it
    media_type: str = ""  # as sniffed from the bytes
    etag: str = ""
    last_modified: str = ""
    filename: str = ""  # from Content-Disposition, if the server named the file

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def text(self) -> str:
        """Body decoded by header/<meta> charset, else UTF-8, else GB18030 (see pipeline.formats)."""
        return decode_html(self.content, self.content_type)[0]


class _HostGate:
    """Concurrency cap plus minimum spacing between request starts for one host."""

    def __init__(self, delay: float, concurrency: int):
        self.delay = delay
        self._slots = threading.Semaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._slots:
            with self._lock:
                wait = self._next_start - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self._next_start = time.monotonic() + self.delay
            yield


class Fetcher:
    """Thread-safe polite GETs under one :class:`Politeness`."""

    def __init__(self, politeness: Politeness = Politeness()):
        self.politeness = politeness
        self._client = httpx.Client(
            timeout=httpx.Timeout(politeness.timeout),
            follow_redirects=False,
            headers={"User-Agent": politeness.user_agent, **politeness.headers},
        )
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        validators: CacheEntry | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url`` politely; raises :class:`FetchError` for anything that is not content or a 304."""
        request_headers = dict(headers or {})
        if validators and validators.etag:
            request_headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            request_headers["If-Modified-Since"] = validators.last_modified
        if params:
            url = str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))
        budget = _Budget(self.politeness.max_time)
        seen: set[str] = set()
        while True:
            _check_scheme(url)
            self._check_robots(url)
            if url in seen:
                raise FetchError(url, "redirect loop", permanent=True)
            seen.add(url)
            if len(seen) > self.politeness.max_redirects + 1:
                raise FetchError(url, f"more than {self.politeness.max_redirects} redirects", permanent=True)
            response = self._with_retries(url, request_headers, budget)
            if isinstance(response, str):  # a redirect target
                url = response
                continue
            return response

    # -- one URL, retried ---------------------------------------------------------

    def _with_retries(self, url: str, headers: Mapping[str, str], budget: _Budget | None = None) -> Response | str:
        budget = budget or _Budget(self.politeness.max_time)
        attempt = 0
        while True:
            try:
                return self._attempt(url, headers, budget)
            except FetchError as error:
                if not error.retryable or attempt >= self.politeness.retries:
                    raise
                wait, reason = error.retry_after, error.message
            except httpx.TimeoutException as error:
                if attempt >= self.politeness.retries:
                    raise FetchError(url, f"timed out after {attempt + 1} attempts ({type(error).__name__})") from error
                wait, reason = None, f"timed out ({type(error).__name__})"
            except httpx.TransportError as error:
                if attempt >= self.politeness.retries:
                    raise FetchError(url, f"transfer failed after {attempt + 1} attempts: {error}") from error
                wait, reason = None, f"transfer failed: {error}"
            if wait is None:
                wait = self.politeness.backoff * 2**attempt
            wait = min(wait, self.politeness.max_retry_after)
            if wait >= budget.remaining():
                raise FetchError(url, f"{reason}; gave up after {attempt + 1} attempts: another would pass "
                                      f"max_time {self.politeness.max_time:g} s")
            log.info("%s: %s; retrying in %.0f s (attempt %d)", url, reason, wait, attempt + 2)
            time.sleep(wait)
            budget.spent += wait
            attempt += 1

    def _attempt(self, url: str, headers: Mapping[str, str], budget: _Budget) -> Response | str:
        limits = self.politeness
        with self._gate(url).turn(), budget.running(), self._client.stream("GET", url, headers=headers) as reply:
            status = reply.status_code
            if status in REDIRECT_STATUSES:
                location = reply.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without Location", status=status, permanent=True)
                return urljoin(url, location)
            if status == 304:
                return Response(url=url, status=304, content=b"", etag=reply.headers.get("etag", ""),
                                last_modified=reply.headers.get("last-modified", ""))
            if status in RETRY_STATUSES:
                raise FetchError(url, f"HTTP {status}", status=status, retryable=True,
                                 retry_after=_retry_after(reply.headers.get("retry-after", "")))
            if status == 412:
                raise FetchError(url, "anti-bot challenge (HTTP 412)", status=status)
            if status in (401, 403):
                raise FetchError(url, f"access denied (HTTP {status}): login wall or block", status=status,
                                 permanent=True)
            if status != 200:
                raise FetchError(url, f"HTTP {status}", status=status, permanent=400 <= status < 500 and status != 408)
            declared_length = reply.headers.get("content-length", "")
            if declared_length.isdigit() and int(declared_length) > limits.max_bytes:
                raise FetchError(url, f"too large: Content-Length {declared_length} > max_bytes {limits.max_bytes}",
                                 permanent=True)
            content = _read_limited(reply, url, limits, budget)
        content_type = reply.headers.get("content-type", "")
        media_type = sniff_media_type(content, urlsplit(url).path, content_type)
        if media_type == HTML:
            problem = page_problem(decode_html(content, content_type)[0])
            if problem:
                raise FetchError(url, problem, status=status)
        return Response(
            url=url,
            status=status,
            content=content,
            content_type=content_type,
            media_type=media_type,
            etag=reply.headers.get("etag", ""),
            last_modified=reply.headers.get("last-modified", ""),
            filename=_disposition_filename(reply.headers.get_list("content-disposition")),
        )

    # -- politeness -----------------------------------------------------------------

    def _gate(self, url: str) -> _HostGate:
        origin = _origin(url)
        with self._lock:
            gate = self._gates.get(origin)
            if gate is None:
                gate = self._gates[origin] = _HostGate(self.politeness.delay, self.politeness.concurrency)
            return gate

    def _check_robots(self, url: str) -> None:
        if not self.politeness.respect_robots:
            return
        rules = self._robots_for(_origin(url))
        if rules is not None and not rules.can_fetch(self.politeness.user_agent, url):
            raise FetchError(url, "disallowed by robots.txt", permanent=True)

    def _robots_for(self, origin: str) -> RobotFileParser | None:
        """robots.txt of an origin, read once.  Missing or unreachable robots.txt allows everything
        (as urllib.robotparser does); 401/403 on robots.txt forbids everything."""
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
        rules: RobotFileParser | None = RobotFileParser(origin + "/robots.txt")
        try:
            reply = self._with_retries(origin + "/robots.txt", {})
        except FetchError as error:
            if error.status in (401, 403):
                rules.disallow_all = True
            else:
                rules = None
        else:
            if isinstance(reply, Response):
                rules.parse(reply.text.splitlines())
            else:
                rules = None  # robots.txt redirected elsewhere: treat as absent
        if rules is not None:
            delay = rules.crawl_delay(self.politeness.user_agent)
            if delay:
                self._gate(origin).delay = max(self.politeness.delay, min(float(delay), 60.0))
        with self._lock:
            self._robots[origin] = rules
        return rules


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(url, "only http and https URLs are fetched", permanent=True)


def _read_limited(reply: httpx.Response, url: str, limits: Politeness, budget: _Budget) -> bytes:
    """Stream the body, abandoning it past max_bytes or the URL's max_time (h11 raises on short bodies).

    Running out of time is final, not retried: a server that drips once is
    likely to drip again, and a retry would only double the cost."""
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(url, f"too large: more than max_bytes {limits.max_bytes} bytes", permanent=True)
        if budget.remaining() <= 0:
            raise FetchError(url, f"download took longer than max_time {limits.max_time:g} s "
                                  f"({size} bytes received): not retried", permanent=True)
        chunks.append(chunk)
    return b"".join(chunks)


class _Budget:
    """Time one URL may take: its attempts (from their turn at the host, not the queue for it) and the waits
    between them.  Queueing for a host slot behind other downloads does not count against a URL."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.spent = 0.0
        self._started: float | None = None

    def remaining(self) -> float:
        running = time.monotonic() - self._started if self._started is not None else 0.0
        return self.seconds - self.spent - running

    @contextmanager
    def running(self) -> Iterator[None]:
        self._started = time.monotonic()
        try:
            yield
        finally:
            self.spent += time.monotonic() - self._started
            self._started = None


def _retry_after(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _disposition_filename(values: list[str]) -> str:
    """File name from Content-Disposition (RFC 5987 ``filename*`` first; raw GBK/UTF-8 bytes repaired)."""
    for value in values:
        match = re.search(r"filename\*\s*=\s*([\w-]+)''([^;]+)", value, re.IGNORECASE)
        if match:
            return unquote(match.group(2), encoding=match.group(1) or "utf-8", errors="replace")
        match = re.search(r'filename\s*=\s*"?([^";]+)"?', value, re.IGNORECASE)
        if match:
            name = unquote(match.group(1))
            raw = name.encode("latin-1", errors="ignore")  # httpx decodes headers as latin-1
            for encoding in ("utf-8", "gb18030"):
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    continue
            return name
    return ""


# -- pages that are not content --------------------------------------------------------

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHALLENGE_SCRIPT = re.compile(
    r"document\.cookie\s*=|location\.(reload|replace)\s*\(|location(\.href)?\s*=(?!=)", re.IGNORECASE
)  # sets a cookie or navigates: reading location.hash does not count
_PASSWORD_INPUT = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
ERROR_PHRASES = ("页面不存在", "页面未找到", "找不到页面", "您访问的页面", "系统繁忙", "访问出错", "服务器错误",
                 "请稍后再试", "请稍后访问", "Not Found", "访问受限", "非法访问", "出错了")
_ERROR_TITLE = re.compile(r"^\W*(40[34]|50[0-4])\b|" + "|".join(ERROR_PHRASES), re.IGNORECASE)
_ERROR_CODE = re.compile(r"(?<!\d)(40[34]|50[0-4])(?!\d)")
LOGIN_MARKERS = ("登录", "登陆", "用户名", "验证码")
SMALL_PAGE_CHARS = 300
"""Real policy pages carry far more visible text than this; templates and challenges carry less."""


def page_problem(html: str) -> str | None:
    """Why an HTML page served with status 200 is not a document, or None if it looks like one.

    Rules are deliberately narrow so that a policy that mentions "404" is not
    thrown away: markers count only in the <title> or on near-empty pages.
    """
    scripts = " ".join(m.group(2) for m in _SCRIPT.finditer(html) if m.group(1).lower() == "script")
    visible = re.sub(r"\s+", "", unescape(_TAG.sub(" ", _SCRIPT.sub(" ", html))))
    title_match = _TITLE.search(html)
    title = unescape(_TAG.sub("", title_match.group(1))).strip() if title_match else ""
    small = len(visible) < SMALL_PAGE_CHARS
    if small and scripts and _CHALLENGE_SCRIPT.search(scripts):
        return "anti-bot JavaScript challenge page"
    if small and (_PASSWORD_INPUT.search(html) or any(marker in title for marker in LOGIN_MARKERS)):
        return "login wall"
    if _ERROR_TITLE.search(title) or small and (_ERROR_CODE.search(visible) or any(p in visible for p in ERROR_PHRASES)):
        return f"error page served with status 200: {title or visible[:60]!r}"
    if not visible and not scripts:
        return "empty page"
    return None
