"""PDF → paragraphs and tables.

Two text paths, chosen per page (see docs/parsing.md for the measurements):

* pypdfium2 (PDFium, C++): ~50–80× faster than pdfplumber and gives the same
  characters in the same order on text pages (it also drops the duplicated
  overlay characters of "fake bold" itself).  Used for pages without ruling
  lines.
* pdfplumber: used on pages that draw enough path objects to hold a ruled
  table; it finds the table, returns its rows, and the table's characters are
  filtered out of the running text so they are not read twice.

Pages with no text but images are scanned: they are OCRed with Tesseract
within a time budget, or flagged ``needs_ocr`` when Tesseract is missing.
Page numbers and running headers/footers are dropped across pages, then
wrapped lines are rejoined into paragraphs.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections import Counter
from io import BytesIO

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page as PlumberPage

from pipeline.parse import limits
from pipeline.parse.base import Extracted, ParseError, Rows
from pipeline.parse.ocr import ocr_image, ocr_unavailable
from pipeline.parse.text import (
    join_lines,
    normalise,
    rejoin_wrapped,
    strip_running_lines,
)

TABLE_PATH_MIN = 4
"""A page drawing at least this many path objects may hold a ruled table → pdfplumber reads it.
A letterhead's red rule or an underline is one or two paths."""

ZERO_PAGES = "empty PDF: it has no pages"

MIN_PAGE_CHARS = 10
"""A page with fewer text characters than this, but with an image, is treated as scanned."""

for _noisy in ("pdfminer", "pdfplumber"):  # "Could not get FontBBox …" on every WPS page
    logging.getLogger(_noisy).setLevel(logging.ERROR)


def parse_pdf(data: bytes) -> Extracted:
    """Paragraphs and tables of a PDF; raises ParseError for encrypted, corrupt or empty files."""
    if len(data) > limits.MAX_PDF_BYTES:
        raise ParseError(f"PDF too large: {len(data) // 2**20} MB (limit {limits.MAX_PDF_BYTES // 2**20} MB)")
    document = open_pdf(data)
    plumber: pdfplumber.PDF | None = None
    try:
        page_count = len(document)
        if page_count == 0:
            raise ParseError(ZERO_PAGES)
        extracted = Extracted()
        pages: list[list[str]] = []
        scanned: list[int] = []
        problems: list[str] = []
        for index in range(min(page_count, limits.MAX_PDF_PAGES)):
            page = document[index]
            kinds = object_kinds(page)
            lines = pdfium_page_lines(page)
            if kinds[pdfium_c.FPDF_PAGEOBJ_PATH] >= TABLE_PATH_MIN:
                try:
                    plumber = plumber or pdfplumber.open(BytesIO(data))
                    lines, tables = plumber_page_lines(plumber.pages[index])
                    extracted.tables += [(rows, index + 1) for rows in tables]
                except Exception as exc:  # pdfminer is stricter than PDFium: keep PDFium's text
                    problems.append(f"tables not read on page {index + 1}: {type(exc).__name__}: {exc}")
            if sum(len(line.strip()) for line in lines) < MIN_PAGE_CHARS and kinds[pdfium_c.FPDF_PAGEOBJ_IMAGE]:
                scanned.append(index)
            pages.append(lines)
        if page_count > limits.MAX_PDF_PAGES:
            problems.append(f"only the first {limits.MAX_PDF_PAGES} of {page_count} pages read")
        if scanned:
            problems += _ocr_pages(document, scanned, pages, extracted)
        page_lines = strip_running_lines(pages)
        extracted.paragraphs = rejoin_wrapped([line for lines in page_lines for line in lines])
        extracted.paragraph_pages = paragraph_pages(extracted.paragraphs, page_lines)
        extracted.problem = "; ".join(problems)
    except pdfium.PdfiumError as exc:
        raise ParseError(f"corrupt PDF: {exc}") from exc
    finally:
        if plumber is not None:
            plumber.close()
        document.close()
    if not extracted.paragraphs and not extracted.tables:
        if extracted.needs_ocr:
            raise ParseError(f"scanned PDF: {extracted.problem}", needs_ocr=True)
        raise ParseError("empty PDF: no text found on any page")
    return extracted


def paragraph_pages(paragraphs: list[str], pages: list[list[str]]) -> list[int]:
    """The 1-based page on which each rejoined paragraph starts, so evidence can cite "page 32".

    Paragraphs are consecutive page lines joined (only spaces added or dropped), so counting non-space
    characters through both lists aligns them without changing how paragraphs are made."""
    starts: list[tuple[int, int]] = []  # (characters before the line, its page)
    total = 0
    for number, lines in enumerate(pages, start=1):
        for line in lines:
            size = sum(1 for ch in normalise(line) if not ch.isspace())
            if size:
                starts.append((total, number))
                total += size
    found, offset, line = [], 0, 0
    for paragraph in paragraphs:
        while line + 1 < len(starts) and starts[line + 1][0] <= offset:
            line += 1
        found.append(starts[line][1] if starts else 1)
        offset += sum(1 for ch in paragraph if not ch.isspace())
    return found


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open with PDFium, turning its load errors into user-facing messages."""
    if b"%PDF" not in data[:1024]:
        raise ParseError("corrupt PDF: no %PDF header")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError("encrypted PDF (password required)") from exc
        if _has_no_pages(data):
            raise ParseError(ZERO_PAGES) from exc
        reason = str(exc).split("(PDFium: ", 1)[-1].rstrip(").")
        raise ParseError(f"corrupt or truncated PDF (PDFium: {reason})") from exc


def _has_no_pages(data: bytes) -> bool:
    """PDFium refuses to load a well-formed but empty page tree; pdfminer tells the two cases apart."""
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            return len(pdf.pages) == 0
    except Exception:  # any pdfminer failure means "not a well-formed empty PDF"
        return False


def object_kinds(page: pdfium.PdfPage) -> Counter[int]:
    """Top-level page objects by type (text, path, image, shading, form).

    Uses the raw PDFium calls: wrapping each of a WPS page's ~1,500 text
    objects in a Python object (``get_objects``) costs more than the text itself.
    """
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    return Counter(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i)) for i in range(count))


def pdfium_page_lines(page: pdfium.PdfPage) -> list[str]:
    """The page's text lines in content order (PDFium separates lines with CRLF)."""
    textpage = page.get_textpage()
    try:
        return [line for line in textpage.get_text_range().splitlines() if line.strip()]
    finally:
        textpage.close()


def plumber_page_lines(page: PlumberPage) -> tuple[list[str], list[Rows]]:
    """Running-text lines (table characters excluded) and table rows of one page."""
    page = page.dedupe_chars()
    tables = [t for t in page.find_tables() if _is_data_table(t.extract())]
    boxes = [t.bbox for t in tables]

    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text = page.filter(outside_tables).extract_text() if boxes else page.extract_text()
    rows = [_clean_rows(t.extract()) for t in tables]
    return [line for line in text.splitlines() if line.strip()], rows


def _is_data_table(rows: list[list[str | None]]) -> bool:
    """At least 2 rows and 2 columns with text: a framed paragraph is not a table."""
    return len(rows) >= 2 and max((sum(1 for c in row if c and c.strip()) for row in rows), default=0) >= 2


def _clean_rows(rows: list[list[str | None]]) -> Rows:
    return tuple(tuple(join_lines((cell or "").splitlines()) for cell in row) for row in rows)


def _ocr_pages(document: pdfium.PdfDocument, scanned: list[int], pages: list[list[str]],
               extracted: Extracted) -> list[str]:
    """OCR the scanned pages in place within the time budget; returns problems to report."""
    reason = ocr_unavailable()
    if reason:
        extracted.needs_ocr = True
        return [f"{len(scanned)} scanned page(s) not read: {reason}" if len(scanned) < len(pages) else reason]
    deadline = time.monotonic() + limits.OCR_TIME_BUDGET_S
    for done, index in enumerate(scanned):
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise subprocess.TimeoutExpired("tesseract", limits.OCR_TIME_BUDGET_S)
            bitmap = document[index].render(scale=limits.OCR_DPI / 72, grayscale=True)
            pages[index] = ocr_image(bitmap.to_pil(), timeout=min(limits.OCR_PAGE_TIMEOUT_S, remaining))
        except subprocess.TimeoutExpired:
            extracted.needs_ocr = True
            return [f"OCR time budget ({limits.OCR_TIME_BUDGET_S:.0f} s) exhausted: "
                    f"{len(scanned) - done} scanned page(s) not read"]
        except (RuntimeError, OSError) as exc:
            extracted.needs_ocr = True
            return [f"OCR failed on page {index + 1}: {exc}"]
    return []
