"""What every format parser returns, and the error they raise for bad input."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.models import DocumentMeta

Rows = tuple[tuple[str, ...], ...]


class ParseError(Exception):
    """A file that cannot be read; the message is shown to users as the part's error."""

    def __init__(self, message: str, *, needs_ocr: bool = False) -> None:
        super().__init__(message)
        self.needs_ocr = needs_ocr


@dataclass
class Extracted:
    """Paragraphs and tables read from one file, before they become a ParsedPart.

    ``problem`` records a non-fatal shortfall (pages skipped by a limit, OCR
    missing for some pages) next to the text that was recovered.
    """

    paragraphs: list[str] = field(default_factory=list)
    paragraph_pages: list[int] = field(default_factory=list)  # PDF: 1-based page each paragraph starts on
    tables: list[tuple[Rows, int | None]] = field(default_factory=list)  # (rows, 1-based PDF page)
    meta: DocumentMeta = DocumentMeta()
    needs_ocr: bool = False
    problem: str = ""
