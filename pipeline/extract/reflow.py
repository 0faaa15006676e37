"""Undo hard line wraps before a document is read.

Text taken from a PDF (a two-column paper, a scanned notice after OCR) breaks
lines at the column width — every ~20 characters — and the segmenter makes each
line a paragraph of its own.  A slogan, a list item or a chain name is then cut
in two (“链\\n长制”, 炼化一\\n体化与新材料) and no rule that reads a sentence can see
it whole.  A document is hard-wrapped when most of its lines have nearly the same
length; its lines are then joined back into paragraphs: a line that fills the
column continues on the next one, unless the next one opens a numbered item or a
section.  Documents with one paragraph per line are returned unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import groupby

from pipeline.models import SegmentedDocument, Sentence
from pipeline.segment import segment_text
from pipeline.extract.regions import opens_with_region_label
from pipeline.extract.text import SECTION_HEADING, item_marker

MIN_LINES = 8
"""Fewer lines say nothing about a column width."""
WRAPPED_SHARE = 0.4
"""Share of lines within one character of the commonest length that marks a hard-wrapped text."""
SLACK = 2
LABELLED_LINE = re.compile(r"^[^：:，。；,]{2,8}[：:]")
"""发榜方：… / 链长：… — a field on a line of its own, as PDFs of 榜单 and chain lists lay them out."""
"""A line this much shorter than the column still fills it (punctuation and Latin letters are narrower)."""


def wrap_width(lengths: list[int]) -> int | None:
    """The column width of a hard-wrapped text (the commonest line length), None when lines are free-length."""
    lengths = [n for n in lengths if n >= 10]
    if len(lengths) < MIN_LINES:
        return None
    counts = Counter(lengths)
    width = max(counts, key=lambda n: (counts[n - 1] + counts[n] + counts[n + 1], counts[n]))
    near = counts[width - 1] + counts[width] + counts[width + 1]
    return width if width <= 60 and near >= WRAPPED_SHARE * len(lengths) else None


def rejoin(lines: list[str], width: int) -> list[list[int]]:
    """Groups of line indices that form one paragraph: a full line continues on the next, unless the
    next opens an item, a section, a labelled field (发榜方：…) or a flattened table row
    (“天津 四个一模式”, a region alone)."""
    groups: list[list[int]] = []
    for index, line in enumerate(lines):
        opens = bool(item_marker(line) or SECTION_HEADING.match(line) or LABELLED_LINE.match(line)
                     or opens_with_region_label(line))
        if groups and len(lines[groups[-1][-1]]) >= width - SLACK and not opens:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def reflow(doc: SegmentedDocument) -> SegmentedDocument:
    """The document with its hard-wrapped paragraph lines joined and re-segmented (see module docstring).
    Each new sentence points at the first original line of its paragraph; table rows are kept as they are."""
    paragraphs = [(key, "".join(s.text for s in group))
                  for key, group in groupby((s for s in doc.sentences if s.locator.startswith("p")),
                                            key=lambda s: (s.part, s.locator))]
    width = wrap_width([len(text) for _, text in paragraphs])
    if width is None:
        return doc
    sentences: list[Sentence] = []
    for part, part_paragraphs in groupby(paragraphs, key=lambda p: p[0][0]):
        keys, lines = zip(*part_paragraphs)
        groups = rejoin(list(lines), width)
        text = "\n".join("".join(lines[i] for i in group) for group in groups)
        for sentence in segment_text(doc.doc_id, text, doc.meta).sentences:
            first_line = keys[groups[int(sentence.locator[1:]) - 1][0]]
            sentences.append(replace(sentence, index=len(sentences), part=part, locator=first_line[1]))
    for sentence in doc.sentences:
        if not sentence.locator.startswith("p"):
            sentences.append(replace(sentence, index=len(sentences)))
    return replace(doc, sentences=tuple(sentences))
