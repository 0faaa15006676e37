"""Where a piece of evidence sits: which stored file (landing page or attachment), which PDF page, which row.

Sentence locators say ``p3`` (paragraph 3) or ``t1r4`` (table 1, row 4) *within
one part* of a document; a row cited from page 32 of an attachment PDF says
nothing of the attachment.  The processing result keeps every parsed part, so
the export finds the part the evidence came from (by locator and text) and
names the attachment file and the PDF page (of the table row, or the page the
paragraph starts on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from pipeline.models import Evidence, ParsedPart, RawPart

TABLE_LOCATOR = re.compile(r"t(\d+)r(\d+)(?:c\d+)?$")
PARAGRAPH_LOCATOR = re.compile(r"p(\d+)$")
CELL_SEPARATOR = "｜"  # how segmentation joins a table row's cells into a sentence


@dataclass(frozen=True)
class Where:
    """A locator made readable: ``attachment`` is empty for the landing page or an ingested file itself."""

    locator: str  # the sentence locator as stored: p3, t1r4, t1r4c2
    part: int | None = None  # index into RawDocument.parts, None when not found
    attachment: str = ""  # attachment file name (or link text) when the evidence is in an attachment
    page: int | None = None  # 1-based PDF page (of the table row, or where the paragraph starts)

    def label(self) -> str:
        """``附件1.pdf#page=32:t1r4`` — attachment and page only when known."""
        prefix = self.attachment + (f"#page={self.page}" if self.page else "")
        if not prefix and self.page:
            prefix = f"page={self.page}"
        return f"{prefix}:{self.locator}" if prefix else self.locator


def part_name(raw_part: RawPart) -> str:
    """A readable name of a stored file: the link text (附件1：…) and the file name, whichever are known."""
    filename = raw_part.filename or unquote(PurePosixPath(urlsplit(raw_part.url).path).name)
    label = raw_part.label.strip()
    return f"{label} ({filename})" if label and filename and label != filename else label or filename


def attachment_name(raw_parts: tuple[RawPart, ...], index: int | None) -> str:
    if index is None or index >= len(raw_parts) or raw_parts[index].role != "attachment":
        return ""
    return part_name(raw_parts[index])


def locate(evidence: Evidence, parts: tuple[ParsedPart, ...], raw_parts: tuple[RawPart, ...]) -> Where:
    """Find the part (and table page) an evidence came from; unknown stays None rather than guessed."""
    locator = evidence.locator
    table = TABLE_LOCATOR.match(locator)
    if table:
        table_index, row_index = int(table[1]) - 1, int(table[2]) - 1
        for index, part in enumerate(parts):
            for candidate in part.tables:
                if candidate.index == table_index and row_index < len(candidate.rows) and \
                        _row_matches(candidate.rows[row_index], evidence.text):
                    return Where(locator, index, attachment_name(raw_parts, index), candidate.page)
        return Where(locator)
    paragraph = PARAGRAPH_LOCATOR.match(locator)
    probe = evidence.text.strip()[:24]
    for index, part in enumerate(parts):
        lines = part.text.split("\n")
        number = int(paragraph[1]) - 1 if paragraph else -1
        in_paragraph = 0 <= number < len(lines) and probe in lines[number]
        if in_paragraph or (not paragraph and probe and probe in part.text):
            page = part.paragraph_pages[number] if in_paragraph and number < len(part.paragraph_pages) else None
            return Where(locator, index, attachment_name(raw_parts, index), page)
    if probe:  # reflowed evidence may span paragraphs: fall back to the part that holds the text
        for index, part in enumerate(parts):
            if probe in part.text:
                return Where(locator, index, attachment_name(raw_parts, index))
    return Where(locator)


def _row_matches(row: tuple[str, ...], text: str) -> bool:
    cells = [cell.strip() for cell in row]
    return text.strip() == CELL_SEPARATOR.join(cells) or text.strip() in cells or \
        all(piece in cells for piece in text.split(CELL_SEPARATOR) if piece)
