"""Crawl sources into the corpus store: listing → landing pages → attachments.

Why it is safe to kill at any moment and rerun: every blob is stored (atomically)
before the HTTP cache entry that names it, and a document is upserted only
after all its blobs exist; the listing entry's fingerprint, which lets a later
run skip the document, is written last and only when nothing failed.  A rerun
therefore finds either nothing (and fetches), a cache entry with its blob (and
asks for a 304), or a complete document (and skips or revalidates it).

Per-URL failures never raise: they are recorded with ``store.record_error(stage="fetch")``
against the document (or, for listings, the URL), and the document is stored
with the parts it has so that the next run retries only what failed.

An attachment that fails for good (404, too large, an HTML page where a PDF
was promised, a ``file://`` link) is not fetched again on every run: the
failure is remembered in the HTTP cache under ``failed:<url>``, its page is
marked done (listing entry status 206, "partial"), and both are looked at
again after ``retry_failed_after_days`` (a politeness key) or when the crawl
is run with ``retry_failed``.  Transient failures (5xx, timeouts) keep the
page open, so the next run tries again.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.fetch import FetchError, Fetcher, Response
from pipeline.formats import HTML, TEXT, UNKNOWN, suffix_media_type
from pipeline.models import RawDocument, RawPart
from pipeline.sources import Link, ListedItem, NotADocument, SourceConfig
from pipeline.store import CacheEntry, CorpusStore, doc_id_for, now_iso, sha256_hex

log = logging.getLogger(__name__)
STAGE = "fetch"
FAILED = "failed:"
"""HTTP-cache key prefix of an attachment that failed for good (status: its HTTP status, 0 if none; 200 once it worked)."""
PARTIAL = 206
"""Listing-entry status of a document stored without some attachments that failed for good."""
Progress = Callable[[str, int], None]
"""Called as progress(source name, documents handled so far)."""


@dataclass
class SourceReport:
    """What one refresh of one source did (counts)."""

    source: str
    listed: int = 0  # distinct documents the listing offered (after keyword filtering)
    fetched: int = 0  # page and attachment bodies downloaded (HTTP 200)
    new: int = 0  # documents stored for the first time
    changed: int = 0  # documents whose parts or listing metadata changed
    unchanged: int = 0  # documents found as they were (skipped by listing fingerprint, or identical)
    not_modified: int = 0  # pages and attachments answered 304
    errors: int = 0  # failures recorded in the store's error log

    def add(self, other: SourceReport) -> None:
        for counter in fields(self)[1:]:
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))


@dataclass
class RefreshReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def total(self) -> SourceReport:
        total = SourceReport("total")
        for report in self.sources:
            total.add(report)
        return total


def refresh(
    store: CorpusStore,
    sources: Sequence[SourceConfig],
    *,
    max_docs: int | None = None,
    progress: Progress | None = None,
    revalidate: bool = False,
    retry_failed: bool = False,
) -> RefreshReport:
    """Crawl each source in turn (see :func:`refresh_source`)."""
    return RefreshReport([refresh_source(store, s, max_docs=max_docs, progress=progress, revalidate=revalidate,
                                         retry_failed=retry_failed) for s in sources])


def refresh_source(
    store: CorpusStore,
    source: SourceConfig,
    *,
    max_docs: int | None = None,
    progress: Progress | None = None,
    revalidate: bool = False,
    retry_failed: bool = False,
) -> SourceReport:
    """Crawl one source: at most ``max_docs`` documents; ``revalidate`` re-asks the server (conditional GET)
    even for documents whose listing entry is unchanged; ``retry_failed`` tries attachments that failed for
    good again now instead of after ``retry_failed_after_days``."""
    report = SourceReport(source.name)
    with Fetcher(source.politeness) as fetcher:
        _SourceCrawl(store, source, fetcher, report, progress, revalidate, retry_failed).run(max_docs)
    return report


@dataclass(frozen=True)
class _Download:
    part: RawPart
    response: Response  # for a 304, rebuilt from the stored blob


class _SourceCrawl:
    def __init__(self, store: CorpusStore, source: SourceConfig, fetcher: Fetcher, report: SourceReport,
                 progress: Progress | None, revalidate: bool, retry_failed: bool = False):
        self.store = store
        self.source = source
        self.fetcher = fetcher
        self.report = report
        self.progress = progress
        self.revalidate = revalidate
        self.retry_failed = retry_failed
        self._lock = threading.Lock()
        self._done = 0
        self._attachments: dict[str, RawPart] = {}  # one download per attachment URL per run
        self._attachment_locks: dict[str, threading.Lock] = {}

    def run(self, max_docs: int | None) -> None:
        with ThreadPoolExecutor(max_workers=max(1, self.source.politeness.concurrency)) as pool:
            for future in [pool.submit(self.document, item) for item in islice(self._items(), max_docs)]:
                future.result()

    # -- listing -------------------------------------------------------------------------

    def _items(self) -> Iterator[ListedItem]:
        kind = self.source.implementation
        keywords = self.source.keywords if not kind.searches else ()
        seen: set[str] = set()
        try:
            for item in kind.listing(self.source, self):
                if item.url in seen or keywords and not any(k in item.meta.title for k in keywords):
                    continue
                seen.add(item.url)
                self._count("listed")
                yield item
        except Exception as error:  # noqa: BLE001 - an unreadable listing must not stop the run
            self._record([(f"listing unreadable: {type(error).__name__}: {error}", self.source.base_url)], None)

    def fetch_listing(self, url: str, params: Mapping[str, Any] | None = None, *,
                      missing_ok: bool = False) -> Response | None:
        """ListingReader for the kinds: a listing page, or None after recording why not (a 404 where
        ``missing_ok`` says the listing may end that way is not recorded)."""
        try:
            response = self.fetcher.get(url, params=params)
        except FetchError as error:
            if missing_ok and error.status == 404:
                return None
            self._record([(f"listing: {error.message}", error.url)], None)
            return None
        self.store.clear_errors(STAGE, url=response.url)
        return response

    # -- documents ---------------------------------------------------------------------------

    def document(self, item: ListedItem) -> None:
        doc_id = doc_id_for(self.source.doc_key(item.url))
        try:
            self._document(item, doc_id)
        except Exception as error:  # noqa: BLE001 - unexpected input must cost one document, not the run
            self._record([(f"{type(error).__name__}: {error}", item.url)], doc_id)
        with self._lock:
            self._done += 1
            done = self._done
        if self.progress:
            self.progress(self.source.name, done)

    def _document(self, item: ListedItem, doc_id: str) -> None:
        listing_key = f"listing:{doc_id}"
        stamp = sha256_hex(item.fingerprint.encode())
        if item.fingerprint and not self.revalidate:
            entry = self.store.cache_get(listing_key)
            if entry and entry.sha256 == stamp and self.store.has_document(doc_id) and not (
                    entry.status == PARTIAL and self._retry_due(entry.fetched_at)):
                self._count("unchanged")
                return
        try:
            page = self._download(item.url, "page")
            links = self.source.implementation.attachments(self.source, page.response) \
                if page.part.media_type == HTML else []
        except (FetchError, NotADocument) as error:
            self._record([_describe(error, item.url)], doc_id, replace=True)
            return
        earlier = {e.url: e.message for e in self.store.errors(doc_id) if e.stage == STAGE}
        parts, failures, transient = [page.part], [], False
        for link in links:
            if link.url == item.url:
                continue
            try:
                parts.append(self._attachment(link, earlier.get(link.url, "")))
            except FetchError as error:
                failures.append(_describe(error, link.url))
                transient = transient or not error.permanent
        document = RawDocument(doc_id=doc_id, source=self.source.name, url=self.source.cited_url(item.url),
                               parts=tuple(parts), meta=item.meta, fetched_at=now_iso())
        self._count(self.store.upsert_document(document))
        self._record(failures, doc_id, replace=True)
        if not transient and item.fingerprint:  # done, even if some attachments failed for good
            self.store.cache_put(CacheEntry(url=listing_key, status=PARTIAL if failures else 200, sha256=stamp))

    def _attachment(self, link: Link, earlier_error: str = "") -> RawPart:
        """Download one attachment (once per run), unless it failed for good recently; raises FetchError."""
        with self._lock:
            url_lock = self._attachment_locks.setdefault(link.url, threading.Lock())
        with url_lock:  # two pages linking one file in parallel still cause one download
            known = self._attachments.get(link.url)
            if known is None:
                failed = self.store.cache_get(FAILED + link.url)
                if failed and failed.status != 200 and not self._retry_due(failed.fetched_at):
                    raise FetchError(link.url, earlier_error or f"failed on {failed.fetched_at[:10]}: "
                                     f"{self._retry_note(failed.fetched_at)}", permanent=True)
                try:
                    known = self._attachments[link.url] = self._fetch_attachment(link)
                except FetchError as error:
                    if not error.permanent:
                        raise
                    self.store.cache_put(CacheEntry(url=FAILED + link.url, status=error.status or 0))
                    raise FetchError(error.url, f"{error.message} ({self._retry_note(now_iso())})",
                                     status=error.status, permanent=True) from error
                if failed and failed.status != 200:
                    self.store.cache_put(CacheEntry(url=FAILED + link.url, status=200))  # works again
        return RawPart(role="attachment", url=known.url, sha256=known.sha256, media_type=known.media_type,
                       filename=known.filename, size=known.size, label=link.label)

    def _fetch_attachment(self, link: Link) -> RawPart:
        download = self._download(link.url, "attachment")
        expected = suffix_media_type(link.url)
        if download.part.media_type == HTML and expected not in (HTML, TEXT, UNKNOWN):
            raise FetchError(link.url, f"expected {expected}, got an HTML page", permanent=True)
        return download.part

    def _retry_due(self, failed_at: str) -> bool:
        """Whether something that failed for good at ``failed_at`` (ISO time) is to be tried again now."""
        return self.retry_failed or _utc(failed_at) + self._retry_after() <= datetime.now(timezone.utc)

    def _retry_after(self) -> timedelta:
        return timedelta(days=self.source.politeness.retry_failed_after_days)

    def _retry_note(self, failed_at: str) -> str:
        due = (_utc(failed_at) + self._retry_after()).date().isoformat()
        return f"failed for good: not fetched again before {due} unless refreshed with retry_failed"

    def _download(self, url: str, role: str) -> _Download:
        """GET with the cached validators; store the body (blob first, then cache entry)."""
        cached = self.store.cache_get(url)
        usable = cached if cached and cached.sha256 and self.store.has_blob(cached.sha256) else None
        response = self.fetcher.get(url, validators=usable)
        if response.not_modified and usable:
            self._count("not_modified")
            content = self.store.read_blob(usable.sha256)
            response = Response(url=url, status=304, content=content, content_type=usable.media_type,
                                media_type=usable.media_type, etag=usable.etag, last_modified=usable.last_modified)
            sha256 = usable.sha256
        elif response.not_modified:
            raise FetchError(url, "HTTP 304 without a cached copy")
        else:
            self._count("fetched")
            sha256 = self.store.put_blob(response.content, response.media_type)
            self.store.cache_put(CacheEntry(url=url, status=response.status, etag=response.etag,
                                            last_modified=response.last_modified, sha256=sha256,
                                            media_type=response.media_type))
        name = safe_filename(response.filename or urlsplit(response.url).path) if role == "attachment" else ""
        part = RawPart(role=role, url=self.source.cited_url(url), sha256=sha256,  # type: ignore[arg-type]
                       media_type=response.media_type, filename=name, size=len(response.content))
        return _Download(part, response)

    # -- bookkeeping -------------------------------------------------------------------------

    def _count(self, counter: str, n: int = 1) -> None:
        with self._lock:
            setattr(self.report, counter, getattr(self.report, counter) + n)

    def _record(self, failures: list[tuple[str, str]], doc_id: str | None, *, replace: bool = False) -> None:
        """Log failures; with ``replace``, a document's earlier fetch errors are forgotten first."""
        if replace and doc_id is not None:
            self.store.clear_errors(STAGE, doc_id=doc_id)
        for message, url in failures:
            log.warning("%s: %s: %s", self.source.name, url, message)
            self.store.record_error(STAGE, message, doc_id=doc_id, url=url)
        self._count("errors", len(failures))


def _utc(stamp: str) -> datetime:
    """An ISO time from the store (written by now_iso, so timezone-aware); unreadable means long ago."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _describe(error: Exception, url: str) -> tuple[str, str]:
    if isinstance(error, FetchError):
        return error.message, error.url
    return f"not a document page: {error}", url


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
MAX_FILENAME = 120


def safe_filename(name: str, fallback: str = "attachment") -> str:
    """A display file name that cannot escape a folder: last path segment, no control or reserved
    characters, no leading dots, bounded length (suffix kept)."""
    name = unquote(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    suffix = PurePosixPath(name).suffix[:10]
    return name if len(name) <= MAX_FILENAME else name[: MAX_FILENAME - len(suffix)] + suffix
