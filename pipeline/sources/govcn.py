"""国务院政策文件库: the gov.cn policy-library search API (``search-gov/data``).

The API answers ``{"code":200, "searchVO": {"catMap": {"gongwen": {"totalCount", "listVO": […]}, …}}}``
(or a flat ``searchVO.listVO`` for single-category queries).  Each listVO item
carries the bibliographic fields we want, so listing metadata comes from here
and the landing page (``#UCAP-CONTENT`` plus the metadata table) is stored for
the parser.  Keyword crawls pass ``q`` to the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pipeline.fetch import Response
from pipeline.models import DocumentMeta
from pipeline.sources.base import (
    Link, ListedItem, ListingReader, first, fingerprint, html_attachments, iso_date, json_object, plain,
)

ALL_TYPES = "zhengcelibrary_gw_bm_gb"
LISTING_FIELDS = ("id", "title", "url", "pcode", "puborg", "pubtime", "ptime", "index", "childtype", "summary")
_UNUSED_FILTERS = ("pcodeJiguan", "childtype", "subchildtype", "tsbq", "pubtimeyear", "puborg", "pcodeYear",
                   "pcodeNum", "filetype", "inpro", "bmfl", "dup", "orpro")
"""Sent empty, as the library's own page does."""


@dataclass(frozen=True)
class Options:
    api_url: str = "search-gov/data"  # relative to base_url, or absolute (sousuo.www.gov.cn)
    types: tuple[str, ...] = (ALL_TYPES,)  # the `t` parameter(s): zhengcelibrary_gw / _bm / _gb / _gw_bm_gb
    categories: tuple[str, ...] = ("gongwen", "bumenfile", "gongbao")  # catMap keys to read
    page_size: int = 20  # `n`
    max_pages: int = 5  # per type and keyword
    sort: str = "pubtime"  # "pubtime" | "score" | ""
    searchfield: str = "title:content:summary"
    mintime: str = ""  # YYYY-MM-DD: only documents published on/after
    maxtime: str = ""


class GovCnKind:
    Options = Options
    searches = True

    def listing(self, source: Any, reader: ListingReader) -> Iterator[ListedItem]:
        options: Options = source.options
        api_url = source.url(options.api_url)
        for query in source.keywords or ("",):
            for library in options.types:
                yield from self._pages(source, reader, api_url, library, query)

    def _pages(self, source: Any, reader: ListingReader, api_url: str, library: str, query: str) -> Iterator[ListedItem]:
        options: Options = source.options
        dated = bool(options.mintime or options.maxtime)
        for page in range(1, options.max_pages + 1):
            params = {
                "t": library, "q": query, "timetype": "timezd" if dated else "timeqb",
                "mintime": options.mintime, "maxtime": options.maxtime, "sort": options.sort, "sortType": 1,
                "searchfield": options.searchfield, "p": page, "n": options.page_size,
                **dict.fromkeys(_UNUSED_FILTERS, ""),
            }
            response = reader.fetch_listing(api_url, params)
            if response is None:
                return
            items, total = read_search_response(response, options.categories)
            for item in items:
                if item.get("url"):
                    yield listed_item(item, response.url, source.region)
            if not items or page * options.page_size >= total:
                return

    def attachments(self, source: Any, page: Response) -> list[Link]:
        return html_attachments(page.text, page.url, source.body_selector, source.attachment_pattern)


def read_search_response(response: Response, categories: tuple[str, ...]) -> tuple[list[dict], int]:
    """(listVO items of the wanted categories, largest totalCount) from a search-gov/data answer.

    Either shape: ``searchVO.catMap.<category>.listVO`` (all libraries) or the
    flat ``searchVO.listVO`` with ``searchVO.totalCount`` (one library, ``t=zhengcelibrary_gw``).
    An answer whose ``code`` is not 200 (``{"code":500,"searchVO":null}``) is
    an error, not an empty listing: ValueError, recorded by the crawler.
    """
    data = json_object(response)
    code = data.get("code", 200)
    if str(code) != "200":
        raise ValueError(f"gov.cn search answered code {code} ({data.get('msg') or 'no message'}) for {response.url}")
    vo = data.get("searchVO")
    if not isinstance(vo, dict):
        raise ValueError(f"gov.cn search answer from {response.url} has no searchVO")
    items: list[dict] = list(vo.get("listVO") or [])
    totals = [int(vo.get("totalCount") or 0)]
    for name, category in (vo.get("catMap") or {}).items():
        if name in categories and isinstance(category, dict):
            items.extend(category.get("listVO") or [])
            totals.append(int(category.get("totalCount") or 0))
    return items, max(totals)


def listed_item(item: dict, api_url: str, region: str) -> ListedItem:
    meta = DocumentMeta(
        title=plain(item.get("title")),
        issuer=plain(item.get("puborg")),
        doc_number=plain(first(item, "pcode", "wenhao", "fwzh")),
        written_date=iso_date(item.get("ptime")),
        publish_date=iso_date(first(item, "pubtimeStr", "pubtime")),
        category=plain(item.get("childtype")),
        index_number=plain(item.get("index")),
        region=region,
    )
    return ListedItem(url=urljoin(api_url, item["url"]), meta=meta, fingerprint=fingerprint(item, LISTING_FIELDS))


KIND = GovCnKind()
