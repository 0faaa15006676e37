"""The generic listing source: paged lists of links, configured rather than coded.

Most provincial and ministry portals run one of a few CMSs whose listings are
the same thing in different wrappers — ``<li><a href title>…</a><span>date</span></li>``
rows in an HTML page (TRS "t-date" sites: ``index.html``, ``index_1.html`` …),
in a JSON field (jpaas: ``data.html``) or in XML CDATA records (JCMS
``dataproxy.jsp``).  So one kind reads them all, and the ``trs`` / ``jpaas`` /
``jcms`` kinds in sources.toml are this kind with preset options.  A new
portal is a config entry: list URL template, item selector, detail-link
pattern, body selector, attachment pattern, encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

import lxml.html

from pipeline.fetch import Response
from pipeline.models import DocumentMeta
from pipeline.sources.base import Link, ListedItem, ListingReader, html_attachments, iso_date, json_object, json_path, plain

_DATE_TEXT = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}")
_JCMS_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)


@dataclass(frozen=True)
class Options:
    list_url: str = "index.html"  # first page, relative to base_url; "" = page_url serves the first page too
    page_url: str = ""  # later pages: {n} counts from page_start, {start}/{end} are 1-based record numbers
    page_start: int = 1  # n of the first page_url page (TRS: index_1.html is the second page)
    per_page: int = 15  # records per page, for {start}/{end}
    max_pages: int = 5
    page_count_pattern: str = ""  # regex whose first non-empty group is the page count, read on page 1
    payload: Literal["html", "json", "jcms-xml"] = "html"  # how the rows are wrapped
    html_field: str = "data.html"  # dotted path to the rows' HTML in a JSON payload
    item_selector: str = "li"  # CSS: one element per document
    link_selector: str = "a[href]"  # CSS inside an item: the detail link (title attribute or text = title)
    date_selector: str = ""  # CSS inside an item for the date; default: first date-like text in the item
    detail_pattern: str = ""  # regex a detail URL must match (keeps navigation links out)
    encoding: str = ""  # force the listing pages' encoding instead of sniffing

    def __post_init__(self) -> None:
        if not (self.list_url or self.page_url):
            raise ValueError("needs list_url or page_url")
        for pattern in (self.detail_pattern, self.page_count_pattern):
            re.compile(pattern)


PRESETS: dict[str, dict[str, Any]] = {
    "trs": {
        "page_url": "index_{n}.html",
        "detail_pattern": r"/t\d{8}_\d+\.s?html?$",
        "page_count_pattern": r"createPage(?:HTML)?\(\s*(\d+)|countPage\s*=\s*(\d+)",
    },
    "jpaas": {"list_url": "", "payload": "json", "html_field": "data.html",
              "detail_pattern": r"/art/\d{4}/|/art_[0-9A-Za-z_-]+\.html$"},
    "jcms": {"list_url": "", "payload": "jcms-xml", "detail_pattern": r"/art/\d{4}/"},
}


class ListingKind:
    Options = Options
    searches = False

    def listing(self, source: Any, reader: ListingReader) -> Iterator[ListedItem]:
        options: Options = source.options
        seen: set[str] = set()
        pages = options.max_pages
        for index in range(options.max_pages):
            if index >= pages:
                return
            # past the last page, many CMSs answer 404 (index_7.html of a six-page list): the normal end
            response = reader.fetch_listing(source.url(page_address(options, index)), missing_ok=index > 0)
            if response is None:
                return
            text = response.content.decode(options.encoding, errors="replace") if options.encoding else response.text
            if index == 0:
                pages = min(pages, page_count(text, options.page_count_pattern) or pages)
            fresh = [item for item in read_items(rows_html(text, response, options), response.url, options, source.region)
                     if item.url not in seen]
            if not fresh:
                return  # past the end: deep pages repeat the last one or are empty stubs
            seen.update(item.url for item in fresh)
            yield from fresh

    def attachments(self, source: Any, page: Response) -> list[Link]:
        return html_attachments(page.text, page.url, source.body_selector, source.attachment_pattern)


def page_address(options: Options, index: int) -> str:
    """URL (relative to base_url) of the index-th listing page, 0-based."""
    if index == 0 and options.list_url:
        return options.list_url
    n = options.page_start + index - (1 if options.list_url else 0)
    return options.page_url.format(n=n, start=index * options.per_page + 1, end=(index + 1) * options.per_page)


def page_count(text: str, pattern: str) -> int:
    match = re.search(pattern, text) if pattern else None
    return int(next((g for g in match.groups() if g), 0)) if match else 0


def rows_html(text: str, response: Response, options: Options) -> str:
    if options.payload == "json":
        rows = json_path(json_object(response), options.html_field)
        if not isinstance(rows, str):
            raise ValueError(f"listing answer from {response.url} has no string at {options.html_field!r}")
        return rows
    if options.payload == "jcms-xml":
        return "\n".join(_JCMS_RECORD.findall(text))
    return text


def read_items(html: str, page_url: str, options: Options, region: str) -> list[ListedItem]:
    if not html.strip():
        return []
    root = lxml.html.fromstring(html)
    detail = re.compile(options.detail_pattern) if options.detail_pattern else None
    items: dict[str, ListedItem] = {}
    for element in root.cssselect(options.item_selector):
        for anchor in element.cssselect(options.link_selector):
            url = urljoin(page_url, anchor.get("href", "").strip())
            if not url.startswith(("http://", "https://")) or detail and not detail.search(url):
                continue
            title = plain(anchor.get("title") or anchor.text_content())
            dated = element.cssselect(options.date_selector) if options.date_selector else [element]
            date_text = _DATE_TEXT.search(" ".join(e.text_content() for e in dated))
            meta = DocumentMeta(title=title, publish_date=iso_date(date_text.group(0)) if date_text else "",
                                region=region)
            items.setdefault(url, ListedItem(url=url, meta=meta, fingerprint=f"{title}|{meta.publish_date}"))
            break
    return list(items.values())


KIND = ListingKind()
