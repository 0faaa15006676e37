"""Undo hard line wraps before a document is read.

Text taken from a PDF (a two-column paper, a scanned notice after OCR) breaks
lines at the column width — every ~20 characters — and the segmenter makes each
line a paragraph of its own.  A slogan, a list item or a chain name is then cut
in two (“链\\n长制”, 炼化一\\n体化与新材料) and no rule that reads a sentence can see
it whole.  A document is hard-wrapped when most of its lines have nearly the same
length; its lines are then joined back into paragraphs: a line that fills the
column continues on the next one, unless the next one opens a numbered item or a
section.  Documents with one paragraph per line are returned unchanged.

A comparison table flattened into such lines (a region label, then its cells
wrapped one after another) is first cut out and read back as a table
(:mod:`pipeline.extract.flat_table`); this happens whether or not the rest of
the text is hard-wrapped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import groupby

from pipeline.models import SegmentedDocument, Sentence, Table
from pipeline.segment import segment_text
from pipeline.extract.flat_table import FlatTable, find_flat_tables
from pipeline.extract.regions import opens_with_region_label
from pipeline.extract.text import SECTION_HEADING, fills_column, item_marker, join_wrapped

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


def reflow(doc: SegmentedDocument) -> SegmentedDocument:
    """The document with flattened comparison tables turned back into tables and its hard-wrapped
    paragraph lines joined, re-segmented (see module docstring).  Each new sentence points at the
    first original line of its paragraph; a recovered table's rows become table rows (t…r…) of
    their part, numbered after the part's parsed tables."""
    paragraphs = [(key, "".join(s.text for s in group))
                  for key, group in groupby((s for s in doc.sentences if s.locator.startswith("p")),
                                            key=lambda s: (s.part, s.locator))]
    width = wrap_width([len(text) for _, text in paragraphs])
    parts = [(part, [locator for (_, locator), _ in group], [text for _, text in group])
             for part, group in _by_part(paragraphs)]
    found = {part: find_flat_tables(lines, width) for part, _, lines in parts}
    if width is None and not any(found.values()):
        return doc
    sentences: list[Sentence] = []
    recovered: list[Table] = []
    for part, locators, lines in parts:
        tables = _as_tables(found[part], part, sum(t.part == part for t in doc.tables))
        recovered += tables
        kept = [i for i in range(len(lines)) if not any(t.first <= i < t.end for t in found[part])]
        groups = [[kept[i] for i in group] for group in rejoin([lines[i] for i in kept], width)]
        text = "\n".join(join_wrapped(lines[i] for i in group) for group in groups)
        for sentence in segment_text(doc.doc_id, text, doc.meta, tables).sentences:
            locator = locators[groups[int(sentence.locator[1:]) - 1][0]] if sentence.locator.startswith("p") \
                else sentence.locator
            sentences.append(replace(sentence, index=len(sentences), part=part, locator=locator))
    for sentence in doc.sentences:
        if not sentence.locator.startswith("p"):
            sentences.append(replace(sentence, index=len(sentences)))
    return replace(doc, sentences=tuple(sentences), tables=(*doc.tables, *recovered))


def _by_part(paragraphs: list[tuple[tuple[int, str], str]]) -> list[tuple[int, list[tuple[tuple[int, str], str]]]]:
    return [(part, list(group)) for part, group in groupby(paragraphs, key=lambda p: p[0][0])]


def _as_tables(found: list[FlatTable], part: int, parsed_tables: int) -> tuple[Table, ...]:
    """Recovered tables of one part, numbered after the tables the parser already found there."""
    return tuple(Table(rows=table.rows, part=part, index=parsed_tables + number) for number, table in enumerate(found))
