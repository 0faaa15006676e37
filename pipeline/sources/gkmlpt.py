"""Guangdong 政府信息公开目录管理平台 ("gkmlpt"): the province and its cities run the same system.

The index page ``/gkmlpt/index`` declares ``window._CONFIG = {SID: '2', TREE: [...]}``;
each TREE node is a catalogue category, listed by ``/gkmlpt/api/all/{id}?page=N&sid=SID``
→ ``{"classify": {"post_count": N}, "articles": [...]}``.  A landing page carries
the document inside ``window._CONFIG.DETAIL`` (``content`` is escaped HTML,
``attachment`` lists files), which is what makes a page a document here.
``api/all`` serves only a recent slice of each category; keyword crawls go
through the province-wide search instead (``search.gd.gov.cn/jsonp/site/{SID}``),
whose index reaches back much further.  It answers JSONP (``cb({...})``, a
``callback`` parameter is required, without one it answers ``{"errcode":-1}``),
pages count from 1 (page 0 is always empty), and its records carry the same
fields as ``api/all`` with numbers as strings ("0" = unset).
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
SEARCH_CALLBACK = "policyminer"
_JSONP = re.compile(r"^\s*[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class Options:
    index_url: str = "gkmlpt/index"
    api_url: str = "gkmlpt/api/all/{category}"
    sid: str = ""  # site id; read from the index page's _CONFIG when empty
    categories: tuple[str, ...] = ()  # TREE node ids or names; empty = every leaf category
    max_pages: int = 5  # per category, and per keyword in the search
    search_url: str = "http://search.gd.gov.cn/jsonp/site/{sid}"  # province-wide search, for keyword crawls
    search_page_size: int = 20
    search_position: str = "title"  # "title": keywords in titles; "": full text


class GkmlptKind:
    Options = Options
    searches = True  # keyword crawls use the province-wide search

    def listing(self, source: Any, reader: ListingReader) -> Iterator[ListedItem]:
        options: Options = source.options
        if source.keywords and options.sid:
            yield from self._search(source, reader, options.sid)
            return
        index = reader.fetch_listing(source.url(options.index_url))
        if index is None:
            return
        sid = options.sid or str(config_value(index.text, "SID") or "")
        if not sid:
            raise ValueError(f"no SID in window._CONFIG of {index.url}; set options.sid")
        if source.keywords:
            yield from self._search(source, reader, sid)
            return
        tree = config_value(index.text, "TREE") or []
        for category in select_categories(tree, options.categories):
            yield from self._category(source, reader, category, sid)

    def _search(self, source: Any, reader: ListingReader, sid: str) -> Iterator[ListedItem]:
        """Keyword crawl through search.gd.gov.cn: the site's own gkml records only, pages from 1."""
        options: Options = source.options
        url = source.url(options.search_url.format(sid=sid))
        seen: set[str] = set()
        for keyword in source.keywords:
            for page in range(1, options.max_pages + 1):
                params = {"callback": SEARCH_CALLBACK, "page": page, "pagesize": options.search_page_size,
                          "text": keyword, "position": options.search_position, "order": 0, "isgkml": 1,
                          "including_url_doc": 1, "including_attach_doc": 1}
                response = reader.fetch_listing(url, params)
                if response is None:
                    break
                results = search_results(response)
                for record in results:
                    link = str(first(record, "url", "post_url"))
                    if str(record.get("isgkml", "1")) == "1" and "/gkmlpt/content/" in link and link not in seen:
                        seen.add(link)
                        yield listed_item(record, source)
                if len(results) < options.search_page_size:
                    break

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


def search_results(response: Response) -> list[dict]:
    """The ``results`` of a search.gd.gov.cn JSONP answer; ValueError for an error answer or a non-JSONP one."""
    match = _JSONP.match(response.text)
    try:
        data = json.loads(match.group(1) if match else response.text)
    except ValueError as error:
        raise ValueError(f"search answer from {response.url} is neither JSONP nor JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"search answer from {response.url} is not a JSON object")
    if str(data.get("errcode", "0")) not in ("0", ""):
        raise ValueError(f"search answered errcode {data['errcode']} ({data.get('errmsg') or data.get('msg') or ''}) "
                         f"for {response.url}")
    return [r for r in data.get("results") or [] if isinstance(r, dict)]


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
                                    "publish_time", "pub_time")),
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
