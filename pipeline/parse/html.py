"""Government web pages → body paragraphs, body tables and page metadata.

Portals wrap a document in navigation, toolbars and footers; the body sits in
a container whose id/class the CMS fixes (gov.cn ``#UCAP-CONTENT``, TRS
``.TRS_Editor``, Zhejiang ``#zoom`` …, see ``BODY_SELECTORS``).  Guangdong's
gkmlpt pages do not have the body in the DOM at all: it is \\u003C-escaped
HTML inside ``window._CONFIG.DETAIL.content``.  When no known container is
present the densest text block is taken.  Metadata comes from labelled
fields anywhere on the page (the gov.cn table, xxgk blocks), gkmlpt's DETAIL
record and ``<meta>`` tags, in that order of trust.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
from lxml.etree import ParserError, _Element

from pipeline.models import DocumentMeta
from pipeline.parse import limits
from pipeline.parse.base import Extracted, ParseError, Rows
from pipeline.parse.decode import decode_document
from pipeline.parse.metadata import (clean_value, date_from_timestamp, meta_from_labels, meta_from_tags,
                                     normalise_date)
from pipeline.parse.text import normalise

BODY_SELECTORS = ("#UCAP-CONTENT", ".TRS_Editor", ".trs_editor_view", ".zc_article_con", "div.article-body",
                  "div.Article_content", "#info_cont", "#zoomcon", "#zoom", "div.con_text", "div.article-content",
                  "div.content_article", "article")
"""Body containers of gov.cn and provincial CMS templates, most specific first."""

MIN_BODY_CHARS = 20
"""A container with less text than this (an empty template slot) is skipped."""

MIN_DOCUMENT_CHARS = 40
"""A landing page with less body than this and no attachment text is a listing page or a stub (a 4-character
"仲裁公告" list title), recorded as a problem; the shortest real notices measured (gov.cn 复函) run to hundreds."""

STUB = "not a document (listing page or stub)"
"""How a landing page's error starts when :func:`stub_problem` judged it a listing page or stub."""

FURNITURE_LEADING = re.compile(r"^(点击查看|点击阅读|相关解读[：:]|政策解读[：:])")
FURNITURE_TRAILING = re.compile(r"^(相关附件|附件下载|相关文件)[：:]?$|^(政策解读|一图读懂|图解|相关解读)[：:]\s*https?://\S*$")
"""Lines a portal's template puts inside the body container: links to interpretations, an empty attachment heading."""

UNSEEN_TAGS = ("script", "style", "noscript", "template", "svg", "object")
CHROME_TAGS = ("nav", "header", "footer", "form", "button", "select", "iframe", "aside")
"""Dropped before the body is chosen: page chrome, never document text."""

BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
                        "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tbody", "thead", "tr", "td", "th",
                        "center", "hr", "address", "figure", "figcaption", "caption"})

_GKMLPT_DETAIL = re.compile(r"DETAIL\s*:\s*(?=\{)")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(data: bytes) -> Extracted:
    """Body paragraphs, body tables and page metadata; an empty body is a problem, not a failure."""
    if len(data) > limits.MAX_HTML_BYTES:
        raise ParseError(f"HTML page too large: {len(data) // 2**20} MB")
    source = decode_document(data, html=True)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", source))
    except (ParserError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}") from exc
    detail = gkmlpt_detail(source)
    _drop(root, UNSEEN_TAGS)
    meta = page_meta(root, detail)
    _drop(root, CHROME_TAGS)
    body = _fragment(detail["content"]) if detail and detail.get("content") else select_body(root)
    paragraphs, tables = body_blocks(body)
    paragraphs = strip_furniture(paragraphs)
    return Extracted(paragraphs=paragraphs, tables=[(rows, None) for rows in tables], meta=meta,
                     problem=body_problem(paragraphs, tables))


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """The body without portal furniture inside the container: a leading "点击查看政策解读…" link line, a
    trailing bare "相关附件" heading with nothing under it, trailing "政策解读：http…" link lines."""
    start, end = 0, len(paragraphs)
    while start < end and FURNITURE_LEADING.match(paragraphs[start]):
        start += 1
    while end > start and FURNITURE_TRAILING.match(paragraphs[end - 1]):
        end -= 1
    return paragraphs[start:end]


def body_problem(paragraphs: list[str], tables: list[Rows]) -> str:
    """An empty body is a problem, not a failure (the page's metadata is kept all the same)."""
    return "" if paragraphs or tables else "empty page: no body text found"


def stub_problem(text: str) -> str:
    """Why a landing page whose document has no attachment text is not a document: its body is too short for one.

    Called by ``parse_document`` only when no attachment has text, since a
    short "详见附件" page with the policy in a PDF is a document.
    """
    chars = len(re.sub(r"\s+", "", text))
    return f"{STUB}: {chars} characters of body text" if chars < MIN_DOCUMENT_CHARS else ""


def gkmlpt_detail(source: str) -> dict | None:
    """The ``DETAIL`` record of a Guangdong gkmlpt page (a JSON object inside a script), None if absent."""
    match = _GKMLPT_DETAIL.search(source)
    if not match:
        return None
    try:
        detail, _ = json.JSONDecoder().raw_decode(source, match.end())
    except ValueError:
        return None
    return detail if isinstance(detail, dict) else None


def page_meta(root: _Element, detail: dict | None = None) -> DocumentMeta:
    """gkmlpt DETAIL > labelled fields > <meta> tags > first <h1> / <title>.

    DETAIL is the record a gkmlpt page renders its labels from with script,
    so in the static HTML those labels are empty or followed by UI text.
    """
    chunks = [normalise(t) for t in root.itertext()]
    labelled = meta_from_labels([c for c in chunks if c])
    tags = {str(m.get("name", "")).lower(): m.get("content", "") for m in root.iter("meta") if m.get("name")}
    headings = [normalise(h.text_content()) for h in root.iter("h1")]
    title_tag = next((normalise(t.text_content()) for t in root.iter("title")), "")
    fallback = DocumentMeta(title=next((h for h in headings if h), "") or re.split(r"\s*[_|－—-]\s*", title_tag)[0])
    return _detail_meta(detail or {}).merged_with(labelled).merged_with(meta_from_tags(tags)).merged_with(fallback)


def _detail_meta(detail: dict) -> DocumentMeta:
    """DETAIL's fields; on content pages ``date`` is the publish date written out ("2023-11-07"), in API
    records it is the 成文日期 in unix seconds; ``display_publish_time`` "0" means unset."""
    date = detail.get("date")
    return DocumentMeta(
        title=clean_value("title", str(detail.get("title") or "")),
        doc_number=clean_value("doc_number", str(detail.get("document_number") or "")),
        issuer=clean_value("issuer", str(detail.get("publisher") or "")),
        index_number=clean_value("index_number", str(detail.get("identifier") or "")),
        written_date=detail_date(date) if _is_timestamp(date) else "",  # api records: 成文日期 as unix seconds
        publish_date=detail_date(detail.get("display_publish_time")) or ("" if _is_timestamp(date) else detail_date(date)),
    )


def detail_date(value: object) -> str:
    """A gkmlpt date: unix seconds as a number or a digit string (China time), or a written date; 0 / "0" = unset."""
    if isinstance(value, bool) or value in (None, "", 0, "0"):
        return ""
    if _is_timestamp(value):
        return date_from_timestamp(float(value))  # type: ignore[arg-type]
    return normalise_date(str(value))


def _is_timestamp(value: object) -> bool:
    """Unix seconds, as gkmlpt sends them: a number, or the same number as a string ("1699286400")."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit() and len(value.strip()) >= 9)


def select_body(root: _Element) -> _Element:
    """The first known body container with text (the fullest if several), else the densest block.

    A page whose template has a body container that is empty is an empty page:
    falling back to the densest block there would pass footer text off as the body.
    """
    containers = []
    for selector in BODY_SELECTORS:
        found = root.cssselect(selector)
        containers += found
        found = [e for e in found if _text_length(e) >= MIN_BODY_CHARS]
        if found:
            return max(found, key=_text_length)
    return max(containers, key=_text_length) if containers else densest_block(root)


def densest_block(root: _Element) -> _Element:
    """The element with the most text in its own paragraphs (direct children), links discounted.

    Navigation lists are many short links; a body is a few long paragraphs
    under one parent, so direct-child text separates them well.
    """
    def score(element: _Element) -> int:
        own = len((element.text or "").strip())
        for child in element:
            if isinstance(child.tag, str) and child.tag in ("p", "span", "font", "strong", "b", "br", "h2", "h3"):
                own += _text_length(child) - 2 * sum(_text_length(a) for a in child.iter("a"))
            own += len((child.tail or "").strip())
        return own

    candidates = [e for e in root.iter("div", "td", "section", "article", "main", "body")]
    return max(candidates, key=score, default=root)


def body_blocks(body: _Element) -> tuple[list[str], list[Rows]]:
    """Paragraphs (one per block element or <br> run) and data tables, in document order."""
    paragraphs: list[str] = []
    tables: list[Rows] = []
    pending: list[str] = []

    def flush() -> None:
        text = normalise(re.sub(r"\s+", " ", "".join(pending)))
        pending.clear()
        if text:
            paragraphs.append(text)

    def walk(element: _Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table" and _is_data_table(element):
            flush()
            tables.append(_table_rows(element))
        elif tag == "br":
            flush()
        elif tag:
            block = tag in BLOCK_TAGS
            if block:
                flush()
            pending.append(element.text or "")
            for child in element:
                walk(child)
                pending.append(child.tail or "")
            if block:
                flush()

    walk(body)
    flush()
    return paragraphs, tables


def _is_data_table(table: _Element) -> bool:
    """A grid of text (≥ 2 rows, some row with ≥ 2 filled cells), not a layout table wrapping others."""
    if table.xpath(".//table"):
        return False
    rows = table.xpath(".//tr")
    return len(rows) >= 2 and any(
        sum(1 for cell in row.xpath("./td|./th") if normalise(cell.text_content())) >= 2 for row in rows)


def _table_rows(table: _Element) -> Rows:
    """Cell texts per row; a cell spanning n columns is followed by n-1 empty cells."""
    rows = []
    for row in table.xpath(".//tr"):
        cells: list[str] = []
        for cell in row.xpath("./td|./th"):
            cells.append(normalise(re.sub(r"\s+", " ", " ".join(_cell_lines(cell)))))
            span = str(cell.get("colspan", "1"))
            cells += [""] * (int(span) - 1 if span.isdigit() and 0 < int(span) <= 50 else 0)
        if any(cells):
            rows.append(tuple(cells))
    return tuple(rows)


def _cell_lines(cell: _Element) -> Iterator[str]:
    paragraphs, _ = body_blocks(cell)
    yield from paragraphs


def _text_length(element: _Element) -> int:
    return len(re.sub(r"\s+", "", element.text_content()))


def _drop(root: _Element, tags: tuple[str, ...]) -> None:
    """Remove elements (keeping the text that follows them)."""
    for element in list(root.iter(*tags)):
        if element.getparent() is not None:
            element.drop_tree()


def _fragment(markup: str) -> _Element:
    return lxml.html.fragment_fromstring(markup, create_parent="div")
