"""Plain text and Markdown: one paragraph per line, Markdown syntax stripped.

Law collections and pkulaw exports keep one paragraph per line, so lines are
not rejoined here (unlike PDF).  Markdown pipe tables become Table rows.
"""

from __future__ import annotations

import re

from pipeline.parse import limits
from pipeline.parse.base import Extracted, ParseError
from pipeline.parse.decode import decode_document
from pipeline.parse.text import normalise

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_QUOTE_OR_BULLET = re.compile(r"^\s*(?:>\s*)+|^\s*[-*+]\s+(?=\S)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HORIZONTAL_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def parse_text(data: bytes) -> Extracted:
    text = _decode(data)
    return Extracted(paragraphs=[p for p in map(normalise, text.splitlines()) if p])


def parse_markdown(data: bytes) -> Extracted:
    text = _decode(data)
    extracted = Extracted()
    table: list[tuple[str, ...]] = []
    for line in text.splitlines():
        if line.strip().startswith("|") and line.strip().endswith("|"):
            if not _TABLE_RULE.match(line):
                table.append(tuple(normalise(strip_markdown(c)) for c in line.strip().strip("|").split("|")))
            continue
        if table:
            extracted.tables.append((tuple(table), None))
            table = []
        if _HORIZONTAL_RULE.match(line):
            continue
        paragraph = normalise(strip_markdown(line))
        if paragraph:
            extracted.paragraphs.append(paragraph)
    if table:
        extracted.tables.append((tuple(table), None))
    return extracted


def strip_markdown(line: str) -> str:
    """Heading marks, quote marks, bullets, images, links (text kept) and emphasis removed."""
    line = _QUOTE_OR_BULLET.sub("", _HEADING.sub("", line))
    line = _LINK.sub(r"\1", _IMAGE.sub(r"\1", line))
    return _EMPHASIS.sub(r"\2", line)


def _decode(data: bytes) -> str:
    """The file's text, refused early when too large or not text at all (see pipeline.parse.decode)."""
    if len(data) > limits.MAX_TEXT_FILE_BYTES:
        raise ParseError(f"text file too large: {len(data) // 2**20} MB (limit {limits.MAX_TEXT_FILE_BYTES // 2**20} MB)")
    return decode_document(data)
