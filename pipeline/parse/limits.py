"""Resource limits for parsing untrusted files.

Government portals serve whatever their CMS produced, and a crawl will meet
files that are huge, hostile or broken.  Every limit here turns such a file
into a clear per-document error instead of a stalled or exhausted run; they
are module constants so a notebook or test can tighten them.  docs/reliability.md
lists them with what a user sees when one is hit.
"""

from __future__ import annotations

from pipeline import formats

MAX_PDF_PAGES = 400
"""Pages read from one PDF; the rest is skipped and reported (policy files rarely exceed 100)."""

MAX_PDF_BYTES = 150 * 1024 * 1024
"""PDFs larger than this are refused before opening (scanned gazettes can be huge)."""

MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
"""Total uncompressed size of a DOCX's zip members; above it the file is treated as a zip bomb."""

MAX_DOCX_RATIO = 100.0
"""Uncompressed / compressed size ratio above which a DOCX (over ``DOCX_RATIO_FLOOR``) is a zip bomb.
Real Word XML compresses 5–30×; zip bombs compress by 1000× and more."""

DOCX_RATIO_FLOOR = 5 * 1024 * 1024
"""The ratio check applies only above this uncompressed size, so tiny highly-compressible files pass."""

MAX_HTML_BYTES = 20 * 1024 * 1024
"""HTML pages above this are refused (saved portal pages are 30–600 KB)."""

OCR_DPI = 300
"""Render resolution for OCR; Tesseract's Chinese model is trained on ~300 dpi text."""

OCR_TIME_BUDGET_S = 240.0
"""Wall-clock budget for OCR of one document; pages beyond it are left out and reported."""

OCR_PAGE_TIMEOUT_S = 90.0
"""One tesseract call may not take longer than this (also capped by the remaining budget)."""

LIBREOFFICE_TIMEOUT_S = 120.0
"""``soffice --convert-to docx`` of one DOC/WPS file (first start of a fresh profile takes ~5–10 s)."""

MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024
"""TXT / Markdown files above this are refused before decoding (the largest law collections are ~5 MB).
Checked against the stored size, so the bytes are not even read."""

MAX_DOCX_XML_BYTES = 10 * 1024 * 1024
"""A DOCX whose word/document.xml inflates beyond this is refused, counted while streaming the member
(not trusted from the zip header).  python-docx needs ~40 bytes of memory and ~0.3 s per XML MB
of run-heavy markup; a real policy DOCX has 0.1–2 MB.  The issue 13 file had 60 MB (2.9 GB, 10 min)."""

MAX_DOCUMENT_CHARS = 2_000_000
"""Characters of text kept per document (all parts together); the rest is cut and reported.  A 400-page
PDF holds ~600,000; segmentation and extraction time and memory grow with this."""

MAX_NON_TEXT_SHARE = 0.01
"""A text/HTML file whose decoded text has more control or unassigned characters than this share is binary."""

PARSE_IN_CHILD = True
"""Parse files in a forked child (pipeline.parse.sandbox) so that the two limits below hold for them; which files
go there is ``sandbox.isolated`` (all but small TXT / Markdown / HTML, see ``IN_PROCESS_MAX_BYTES``)."""

IN_PROCESS_TYPES = frozenset({formats.TEXT, formats.MARKDOWN, formats.HTML})
"""Types whose parsers run no native code that can loop or crash (decode, regex, normalise, lxml's HTML parser
with entities left unexpanded) and take time and memory linear in the file's size."""

IN_PROCESS_MAX_BYTES = 2 * 1024 * 1024
"""Files of ``IN_PROCESS_TYPES`` up to this size are parsed in the worker itself: a fork of a worker costs more
than parsing one (bench/bench_parse.py --parse-only), and at this size the worst case measured needs far less
than the child's limits (docs/reliability.md).  Larger ones, and PDF, DOCX, DOC/WPS and OCR, go to the child."""

PARSE_MEMORY_BYTES = 2 * 1024**3
"""Address space one file's parse may add (RLIMIT_AS in the child); beyond it the file gets an error."""

PARSE_TIMEOUT_S = 600.0
"""Wall-clock time one file's parse may take, OCR and LibreOffice included (their own budgets are lower)."""

MAX_LEGACY_WORD_BYTES = 64 * 1024 * 1024
"""DOC / WPS files above this are refused before LibreOffice starts."""


def max_bytes(media_type: str) -> int | None:
    """The size above which a stored file of this type is refused without reading it (None: no limit here)."""
    return {
        formats.TEXT: MAX_TEXT_FILE_BYTES,
        formats.MARKDOWN: MAX_TEXT_FILE_BYTES,
        formats.HTML: MAX_HTML_BYTES,
        formats.PDF: MAX_PDF_BYTES,
        formats.DOCX: MAX_DOCX_UNCOMPRESSED,
        formats.DOC: MAX_LEGACY_WORD_BYTES,
        formats.WPS: MAX_LEGACY_WORD_BYTES,
    }.get(media_type)
