"""Full text for corpus tools: keyword in context (mentions.csv) and the corpus file (corpus.parquet / .jsonl).

Both read the parsed parts kept with each processing result, so nothing is
parsed twice.  A mention is counted once, as the longest key term at its
position: 链长制 is not also a mention of 链长.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.exports.provenance import CELL_SEPARATOR, attachment_name
from pipeline.models import ParsedPart, RawPart
from pipeline.vocabulary import KEY_TERMS

CONTEXT_CHARS = 30
MENTION_COLUMNS = ["doc_id", "mode", "term", "left", "keyword", "right", "locator", "attachment", "page"]


@cache
def _term_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    mode_of = {term: mode for mode, terms in KEY_TERMS.items() for term in terms}
    alternatives = sorted(mode_of, key=len, reverse=True)  # longest first: 链长制 before 链长
    return re.compile("|".join(map(re.escape, alternatives))), mode_of


@dataclass(frozen=True)
class Passage:
    """A paragraph or table row of one part, with its locator (as segmentation numbers them)."""

    part: int
    locator: str
    text: str
    page: int | None = None


def passages(parts: tuple[ParsedPart, ...]) -> Iterator[Passage]:
    for index, part in enumerate(parts):
        for number, line in enumerate(part.text.split("\n"), start=1):
            if line.strip():
                pages = part.paragraph_pages
                yield Passage(index, f"p{number}", line, pages[number - 1] if number <= len(pages) else None)
        for table in part.tables:
            for row_number, row in enumerate(table.rows, start=1):
                text = CELL_SEPARATOR.join(cell.strip() for cell in row)
                if text.strip(CELL_SEPARATOR):
                    yield Passage(index, f"t{table.index + 1}r{row_number}", text, table.page)


def mentions(doc_id: str, parts: tuple[ParsedPart, ...], raw_parts: tuple[RawPart, ...]) -> Iterator[dict]:
    """One row per key-term occurrence: left context, the keyword, right context and where it is."""
    pattern, mode_of = _term_pattern()
    for passage in passages(parts):
        for match in pattern.finditer(passage.text):
            yield {
                "doc_id": doc_id,
                "mode": mode_of[match[0]],
                "term": match[0],
                "left": passage.text[max(0, match.start() - CONTEXT_CHARS):match.start()],
                "keyword": match[0],
                "right": passage.text[match.end():match.end() + CONTEXT_CHARS],
                "locator": passage.locator,
                "attachment": attachment_name(raw_parts, passage.part),
                "page": passage.page,
            }


def full_text(parts: tuple[ParsedPart, ...]) -> str:
    """Every part's paragraphs, then its table rows (cells joined by ｜), parts separated by a blank line."""
    texts = []
    for index, _ in enumerate(parts):
        lines = [p.text for p in passages(parts[index:index + 1])]
        if lines:
            texts.append("\n".join(lines))
    return "\n\n".join(texts)
