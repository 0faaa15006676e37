"""Heilongjiang-style JSON site search: ``/common/search/{channel}?page=P&_pageSize=N&_isJson=true…``.

Answers ``{"data": {"total", "page", "rows", "results": [{"title", "url", "publishedTimeStr",
"domainMetaList": [{"resultList": [{"key", "value"}]}]}]}}``; the key/value list
carries 文号 (``refno``), 成文日期 (``writedate``), 索引号 (``indexnumber``) and more.
Keyword crawls pass the keyword to the search.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pipeline.fetch import Response
from pipeline.models import DocumentMeta
from pipeline.sources.base import (
    Link, ListedItem, ListingReader, first, fingerprint, html_attachments, iso_date, json_object, json_path, plain,
)

LISTING_FIELDS = ("title", "url", "publishedTimeStr", "domainMetaList")


@dataclass(frozen=True)
class Options:
    channel: str  # the search channel id in the URL
    search_url: str = "common/search/{channel}"
    page_size: int = 15
    max_pages: int = 5
    keyword_param: str = "keyword"


class HljKind:
    Options = Options
    searches = True

    def listing(self, source: Any, reader: ListingReader) -> Iterator[ListedItem]:
        options: Options = source.options
        url = source.url(options.search_url.format(channel=options.channel))
        for query in source.keywords or ("",):
            for page in range(1, options.max_pages + 1):
                params = {"page": page, "_pageSize": options.page_size, "_isAgg": "true", "_isJson": "true",
                          "_template": "index", **({options.keyword_param: query} if query else {})}
                response = reader.fetch_listing(url, params)
                if response is None:
                    break
                data = json_path(json_object(response), "data") or {}
                results = [r for r in data.get("results") or [] if isinstance(r, dict) and r.get("url")]
                for result in results:
                    yield listed_item(result, response.url, source.region)
                if not results or page * options.page_size >= int(data.get("total") or 0):
                    break

    def attachments(self, source: Any, page: Response) -> list[Link]:
        return html_attachments(page.text, page.url, source.body_selector, source.attachment_pattern)


def domain_meta(result: dict) -> dict[str, str]:
    """The flattened key → value pairs of ``domainMetaList[].resultList[]``."""
    pairs: dict[str, str] = {}
    for group in result.get("domainMetaList") or []:
        for entry in (group or {}).get("resultList") or []:
            if isinstance(entry, dict) and entry.get("key") and entry.get("value") not in (None, ""):
                pairs.setdefault(str(entry["key"]), str(entry["value"]))
    return pairs


def listed_item(result: dict, listing_url: str, region: str) -> ListedItem:
    extra = domain_meta(result)
    meta = DocumentMeta(
        title=plain(result.get("title")),
        issuer=plain(first(extra, "source", "publisher")),
        doc_number=plain(extra.get("refno")),
        written_date=iso_date(extra.get("writedate")),
        publish_date=iso_date(first(extra, "pubdate") or result.get("publishedTimeStr")),
        category=plain(extra.get("theme")),
        index_number=plain(extra.get("indexnumber")),
        region=region,
    )
    return ListedItem(url=urljoin(listing_url, result["url"]), meta=meta,
                      fingerprint=fingerprint(result, LISTING_FIELDS))


KIND = HljKind()
