"""Guangdong 政府信息公开目录管理平台 ("gkmlpt"): the province and its cities run the same system.

The index page ``/gkmlpt/index`` declares ``window._CONFIG = {SID: '2', TREE: [...]}``;
each TREE node is a catalogue category, listed by ``/gkmlpt/api/all/{id}?page=N&sid=SID``
→ ``{"classify": {"post_count": N}, "articles": [...]}``.  A landing page carries
the document inside ``window._CONFIG.DETAIL`` (``content`` is escaped HTML,
``attachment`` lists files), which is what makes a page a document here.
The API has no keyword search, so keyword crawls filter titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pipeline.fetch import Response
from pipeline.models import DocumentMeta
from pipeline.sources.base import (
    Link, ListedItem, ListingReader, NotADocument, first, fingerprint, html_attachments, iso_date, json_object, plain,
)

LISTING_FIELDS = ("id", "title", "url", "document_number", "identifier", "publisher", "date", "publish_time",
                  "display_publish_time", "first_publish_time", "updated_at", "is_abolished", "is_expired")


@dataclass(frozen=True)
class Options:
    index_url: str = "gkmlpt/index"
    api_url: str = "gkmlpt/api/all/{category}"
    sid: str = ""  # site id; read from the index page's _CONFIG when empty
    categories: tuple[str, ...] = ()  # TREE node ids or names; empty = every leaf category
    max_pages: int = 5  # per category


class GkmlptKind:
    Options = Options
    searches = False

    def listing(self, source: Any, reader: ListingReader) -> Iterator[ListedItem]:
        options: Options = source.options
        index = reader.fetch_listing(source.url(options.index_url))
        if index is None:
            return
        sid = options.sid or str(config_value(index.text, "SID") or "")
        if not sid:
            raise ValueError(f"no SID in window._CONFIG of {index.url}; set options.sid")
        tree = config_value(index.text, "TREE") or []
        for category in select_categories(tree, options.categories):
            yield from self._category(source, reader, category, sid)

    def _category(self, source: Any, reader: ListingReader, category: str, sid: str) -> Iterator[ListedItem]:
        options: Options = source.options
        url = source.url(options.api_url.format(category=category))
        collected = 0
        for page in range(1, options.max_pages + 1):
            response = reader.fetch_listing(url, {"page": page, "sid": sid})
            if response is None:
                return
            data = json_object(response)
            articles = [a for a in data.get("articles") or [] if isinstance(a, dict) and first(a, "url", "post_url")]
            for article in articles:
                yield listed_item(article, source)
            collected += len(articles)
            total = int((data.get("classify") or {}).get("post_count") or 0)
            if not articles or collected >= total:
                return

    def attachments(self, source: Any, page: Response) -> list[Link]:
        detail = config_value(page.text, "DETAIL")
        if not isinstance(detail, dict):
            raise NotADocument("page has no window._CONFIG.DETAIL")
        links = {link.url: link for link in _listed_attachments(detail.get("attachment"), page.url)}
        content_links = html_attachments(str(detail.get("content") or ""), page.url, "", source.attachment_pattern)
        for link in content_links:
            links.setdefault(link.url, link)
        return list(links.values())


def _listed_attachments(entries: Any, page_url: str) -> Iterator[Link]:
    """DETAIL.attachment entries: dicts naming url/path and name/title, or bare URLs."""
    for entry in entries if isinstance(entries, list) else []:
        record = entry if isinstance(entry, dict) else {"url": entry}
        href = first(record, "url", "path", "link", "file_url")
        if isinstance(href, str) and href:
            yield Link(urljoin(page_url, href), plain(first(record, "name", "title", "filename")))


def listed_item(article: dict, source: Any) -> ListedItem:
    meta = DocumentMeta(
        title=plain(article.get("title")),
        issuer=plain(article.get("publisher")),
        doc_number=plain(article.get("document_number")),
        written_date=iso_date(article.get("date")),
        publish_date=iso_date(first(article, "display_publish_time", "first_publish_time", "created_at",
                                    "publish_time")),
        category=plain(first(article, "classify_main_name", "classify_theme_name", "classify_genre_name")),
        index_number=plain(article.get("identifier")),
        region=source.region,
    )
    url = source.url(first(article, "url", "post_url"))
    return ListedItem(url=url, meta=meta, fingerprint=fingerprint(article, LISTING_FIELDS))


def select_categories(tree: Any, wanted: tuple[str, ...]) -> list[str]:
    """Category ids to list: the wanted ones (by id or name), else every leaf without a jump_url."""
    nodes = list(_walk(tree))
    if wanted:
        by_name = {str(n.get("name")): str(n.get("id")) for n in nodes}
        ids = {str(n.get("id")) for n in nodes}
        unknown = [w for w in wanted if w not in ids and w not in by_name]
        if unknown and nodes:
            raise ValueError(f"categories {unknown} are not in the site's TREE")
        return [w if w in ids else by_name.get(w, w) for w in wanted]
    return [str(n["id"]) for n in nodes if not n.get("children") and not n.get("jump_url") and "id" in n]


def _walk(tree: Any) -> Iterator[dict]:
    for node in tree if isinstance(tree, list) else []:
        if isinstance(node, dict):
            yield node
            yield from _walk(node.get("children"))


_CONFIG_START = re.compile(r"window\._CONFIG\s*=\s*\{")


def config_value(html: str, key: str) -> Any:
    """A value of the ``window._CONFIG = {...}`` literal: JSON values and '…' strings (JS, not JSON)."""
    start = _CONFIG_START.search(html)
    if not start:
        return None
    match = re.compile(rf"(?:^|[\s,{{]){re.escape(key)}\s*:\s*").search(html, start.end() - 1)
    if not match:
        return None
    rest = html[match.end():]
    quoted = re.match(r"'((?:[^'\\]|\\.)*)'", rest)
    if quoted:
        return quoted.group(1)
    try:
        return json.JSONDecoder().raw_decode(rest)[0]
    except ValueError:
        return None


KIND = GkmlptKind()
