"""Undo hard line wraps where parsing ends, so that a document is segmented once, in whole paragraphs.

Text taken from a PDF (a two-column paper, a scanned notice after OCR), or a
plain-text copy of one, breaks lines at the column width — every ~20
characters — and the segmenter makes each line a paragraph of its own.  A
slogan, a list item or a chain name is then cut in two (“链\\n长制”,
炼化一\\n体化与新材料) and no rule that reads a sentence can see it whole.  A part
is hard-wrapped when most of its lines have nearly the same length; its lines
are then joined back into paragraphs: a line that fills the column continues
on the next one, unless the next one opens a numbered item, a section, a
labelled field or a table row.  Parts with one paragraph per line are returned
unchanged.  (The PDF parser already joins lines by its page layout,
:func:`pipeline.parse.text.rejoin_wrapped`; this pass needs nothing but the
lines, so it mends any format's text.)

A comparison table flattened into such lines (a region label, then its cells
wrapped one after another) is first cut out and read back as a table
(:mod:`pipeline.parse.flat_table`); this happens whether or not the rest of
the text is hard-wrapped.

:func:`pipeline.parse.parse_document` mends every part before handing it on, so
the stored text, the classifier, the extractors and the exports all read the
same paragraphs.  A mended paragraph stays on the line of its first original
line and the lines it absorbed (or that a recovered table held) are left
empty: line numbers — the segmenter's ``p…`` locators, ``paragraph_pages`` —
still point where they did, and evidence names the line and PDF page its
paragraph starts on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline.models import ParsedPart, Table
from pipeline.parse.flat_table import find_flat_tables
from pipeline.regions import opens_with_region_label
from pipeline.textshape import SECTION_HEADING, fills_column, item_marker, join_wrapped

MIN_LINES = 8
"""Fewer lines say nothing about a column width."""
WRAPPED_SHARE = 0.4
"""Share of lines within one character of the commonest length that marks a hard-wrapped text."""
LABELLED_LINE = re.compile(r"^[^：:，。；,]{2,8}[：:]")
"""发榜方：… / 链长：… — a field on a line of its own, as PDFs of 榜单 and chain lists lay them out."""


def wrap_width(lengths: list[int]) -> int | None:
    """The column width of a hard-wrapped text (the commonest line length), None when lines are free-length."""
    lengths = [n for n in lengths if n >= 10]
    if len(lengths) < MIN_LINES:
        return None
    counts = Counter(lengths)
    width = max(counts, key=lambda n: (counts[n - 1] + counts[n] + counts[n + 1], counts[n]))
    near = counts[width - 1] + counts[width] + counts[width + 1]
    return width if width <= 60 and near >= WRAPPED_SHARE * len(lengths) else None


def rejoin(lines: list[str], width: int | None) -> list[list[int]]:
    """Groups of line indices that form one paragraph: a full line continues on the next, unless the
    next opens an item, a section, a labelled field (发榜方：…) or a flattened table row
    (“天津 四个一模式”, a region alone).  Without a column width every line stays a paragraph."""
    groups: list[list[int]] = []
    for index, line in enumerate(lines):
        opens = bool(item_marker(line) or SECTION_HEADING.match(line) or LABELLED_LINE.match(line)
                     or opens_with_region_label(line))
        if groups and fills_column(lines[groups[-1][-1]], width) and not opens:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def mend(part: ParsedPart, index: int) -> ParsedPart:
    """Part ``index`` of a document with its flattened comparison tables read back as tables and its
    hard-wrapped lines joined (see the module docstring for where each paragraph goes).  A recovered
    table is numbered after the part's parsed tables and lies on the PDF page of its header line."""
    lines = part.text.split("\n")
    written = [number for number, line in enumerate(lines) if line.strip()]  # line number of each non-empty line
    texts = [lines[number].strip() for number in written]
    width = wrap_width([len(text) for text in texts])
    found = find_flat_tables(texts, width)
    if width is None and not found:
        return part
    kept = [i for i in range(len(texts)) if not any(t.first <= i < t.end for t in found)]
    mended = [""] * len(lines)
    for group in rejoin([texts[i] for i in kept], width):
        mended[written[kept[group[0]]]] = join_wrapped(texts[kept[i]] for i in group)
    recovered = tuple(Table(rows=table.rows, part=index, page=_page(part, written[table.first]),
                            index=len(part.tables) + number) for number, table in enumerate(found))
    return replace(part, text="\n".join(mended), tables=(*part.tables, *recovered))


def _page(part: ParsedPart, line: int) -> int | None:
    return part.paragraph_pages[line] if line < len(part.paragraph_pages) else None
