"""What every source kind produces, and the helpers they share.

A source kind knows two things about a portal: how to walk its listing
(:meth:`SourceKind.listing` yields :class:`ListedItem` s with the metadata the
listing states) and where a landing page links its attachments
(:meth:`SourceKind.attachments`).  Fetching, caching, storing and error
bookkeeping are the crawler's job (pipeline.crawl), so a kind is a few small
pure functions over text and JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

import lxml.html

from pipeline.fetch import Response
from pipeline.models import DocumentMeta

if TYPE_CHECKING:
    from pipeline.sources.registry import SourceConfig

DEFAULT_ATTACHMENT_PATTERN = r"(?i)\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|txt)$"
"""Link paths that name a downloadable attachment (matched against the URL path)."""

CHINA_TIME = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class ListedItem:
    """One document as a listing announces it."""

    url: str  # absolute landing-page URL
    meta: DocumentMeta
    fingerprint: str = ""  # what the listing says about it; a change means "fetch again"


@dataclass(frozen=True)
class Link:
    """An attachment link on a landing page."""

    url: str  # absolute
    label: str = ""  # link text, e.g. "附件1：重点产业链链长名单"


class NotADocument(Exception):
    """The landing page lacks the part every real document page of this source has."""


class ListingReader(Protocol):
    """What a kind may ask of the crawler: listing pages, fetched politely; None after a recorded failure."""

    def fetch_listing(self, url: str, params: Mapping[str, Any] | None = None, *,
                      missing_ok: bool = False) -> Response | None:
        """``missing_ok``: a 404 is the listing's normal end (a page past the last), returned as None unrecorded."""


class SourceKind(Protocol):
    searches: bool  # True: the portal's API does keyword search; False: the crawler filters titles

    def listing(self, source: SourceConfig, reader: ListingReader) -> Iterator[ListedItem]: ...

    def attachments(self, source: SourceConfig, page: Response) -> list[Link]: ...


# -- shared helpers ------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")


def plain(text: object) -> str:
    """Text without HTML tags (API titles carry <em> highlights and <br/>), entities and extra space."""
    return re.sub(r"\s+", " ", unescape(_TAG.sub("", str(text or "")))).strip()


def iso_date(value: object) -> str:
    """'YYYY-MM-DD' from epoch seconds/milliseconds (China time) or a date written any common way; '' if none."""
    if isinstance(value, bool) or value in (None, "", 0):
        return ""
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit() and len(value) >= 9):
        seconds = float(value)
        seconds = seconds / 1000 if seconds > 1e11 else seconds
        return datetime.fromtimestamp(seconds, CHINA_TIME).date().isoformat()
    match = _DATE.search(str(value))
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def first(record: Mapping[str, Any], *keys: str) -> Any:
    """The first non-empty value among ``keys`` (portals rename fields: pcode / wenhao / fwzh)."""
    for key in keys:
        value = record.get(key)
        if value not in (None, "", 0, "0", [], {}):  # 0 or "0" (gkmlpt sends numbers as strings) = unset
            return value
    return ""


def fingerprint(record: Mapping[str, Any], keys: Sequence[str]) -> str:
    """Stable JSON of the listing fields that change when the document does."""
    return json.dumps({k: record.get(k) for k in keys}, ensure_ascii=False, sort_keys=True, default=str)


def html_attachments(html: str, page_url: str, scope_selector: str, pattern: str) -> list[Link]:
    """Attachment links inside ``scope_selector`` (whole page if empty) whose path matches ``pattern``.

    Raises NotADocument when a scope is configured but the page lacks it:
    that is how a template change or an error page shows itself.
    """
    root = lxml.html.fromstring(html or "<html></html>")
    scopes = root.cssselect(scope_selector) if scope_selector else [root]
    if not scopes:
        raise NotADocument(f"page has no {scope_selector}")
    matcher = re.compile(pattern)
    links: dict[str, Link] = {}
    for scope in scopes:
        for anchor in scope.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            url = urljoin(page_url, href)
            if matcher.search(urlsplit(url).path):
                links.setdefault(url, Link(url, plain(anchor.text_content()) or anchor.get("title", "")))
    return list(links.values())


def json_object(response: Response) -> dict:
    """A listing answer parsed as a JSON object; ValueError (recorded by the crawler) otherwise."""
    try:
        data = json.loads(response.text)
    except ValueError as error:
        raise ValueError(f"listing answer from {response.url} is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"listing answer from {response.url} is not a JSON object")
    return data


def json_path(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for path "a.b"; None when a step is missing."""
    for step in filter(None, path.split(".")):
        if not isinstance(data, Mapping):
            return None
        data = data.get(step)
    return data
