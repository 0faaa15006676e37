"""Shapes of lines and lists in policy text: numbered items, section headings, hard-wrapped lines.

Parsing (mending hard wraps, reading back flattened tables) and extraction (list items, outlines,
region blocks) must agree on what a list marker, a section heading or a line that fills its column
is; both read them here, below either stage, so that parse needs nothing of extract.  Pure string
functions: no lexicon, no region list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"
"""A Chinese or Arabic numeral (九, 二十三, 83), as a regular-expression fragment."""

ITEM_MARKER = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+[、.．]|\d{1,2}\s*[、.．)）](?!\d)"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[一二三四五六七八九十]+是|第(?![一二三四五六七八九十\d]+代)[一二三四五六七八九十\d]+[条项]?[，、：:\s]?)\s*")
"""Start of a numbered list item: （一） (1) 一、 1. 1、 ① 一是 第三、… — not the ordinal of a name (第三代半导体)."""

SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+(?:\.\d+)+\s|\d+\s+\S|第[一二三四五六七八九十]+[章节部分])")
"""A heading that opens a new section (一、…, 1.2 …, 第三章): ends the scope of an in-text region switch."""


def item_marker(text: str) -> str:
    """The list marker a sentence starts with ('' when none)."""
    match = ITEM_MARKER.match(text)
    return match.group(0) if match else ""


def strip_marker(text: str) -> str:
    return text[len(item_marker(text)):].strip()


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without duplicates or empties."""
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


WRAP_SLACK = 2
"""A line this much shorter than the column still fills it (punctuation and Latin letters are narrower)."""
HYPHENATED = re.compile(r"(?<=[A-Za-z])-$")


def fills_column(line: str, width: int | None) -> bool:
    """The line reaches the column width (or breaks a hyphenated word), so its text continues on the next line."""
    return width is not None and len(line) >= width - WRAP_SLACK or bool(HYPHENATED.search(line.rstrip()))


def join_wrapped(lines: Iterable[str]) -> str:
    """Lines of one wrapped paragraph or cell joined back without spaces (Chinese has none between
    words); a Latin word hyphenated at the line end (Sa-/aS) loses its hyphen when the next line
    continues it in lower case."""
    joined = ""
    for line in lines:
        line = line.strip()
        if HYPHENATED.search(joined) and line[:1].islower():
            joined = joined[:-1]
        joined += line
    return joined
