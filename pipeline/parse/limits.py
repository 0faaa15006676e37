"""Resource limits for parsing untrusted files.

Government portals serve whatever their CMS produced, and a crawl will meet
files that are huge, hostile or broken.  Every limit here turns such a file
into a clear per-document error instead of a stalled or exhausted run; they
are module constants so a notebook or test can tighten them.
"""

from __future__ import annotations

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
