"""Comparison tables that a PDF flattened into lines, read back row by row.

A research paper's table with one region per row (地区｜发展理念｜发展模式｜重点产业链方向)
comes out of PDF text extraction as a header line with the column names run
together, then each row as its region label — alone on a line, or followed by
the concept when that fits the narrow column — and the cells one after another,
each wrapped at its column width.  Read as prose, the region label leaks into
the previous row's chain list and the concept, model and chains of one row
become one run-on paragraph.  Here the rows are cut at their labels and each
row's cells are told apart by what they hold:

* a cell is one *run*: lines that fill the column continue on the next line,
  the cell's last line is short;
* the chain cell is the trailing run(s) that enumerate industries the lexicon
  (corpora/lexicon/industries.txt) knows;
* the concept is the text after the label, or — when the label stands alone —
  the short one-line runs that open the row (a slogan wrapped in a narrow column);
* the model is what lies between.

The table ends at the first run after a complete row (one with its chain cell)
that opens no new row, or at a section heading or a caption.  The result is a
:class:`~pipeline.models.Table` whose first row is the header, so the ordinary
header-driven reader (:mod:`pipeline.extract.tables`) reads it like any parsed
table.  It is cut out where parsing ends (:mod:`pipeline.parse.reflow`) and
stored beside the part's parsed tables.  Telling a chain cell from a model cell
takes the same notion of a chain list and a region label as the extractors have:
both read it from the modules below them (:mod:`pipeline.chain_names`,
:func:`pipeline.regions.region_label`, :mod:`pipeline.textshape`, the header
words of :data:`pipeline.vocabulary.COMPARISON_TABLE`), never from each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.chain_names import is_industry_list, known_industry_share, split_chain_list
from pipeline.regions import region_label
from pipeline.textshape import SECTION_HEADING, fills_column, join_wrapped
from pipeline.vocabulary import COMPARISON_TABLE

MAX_HEADER = 40
HEADER_NOISE = re.compile(r"[，,。；;：:“”\"、（）()！？]")
"""A header names its columns and nothing else: punctuation means a caption or prose."""
CAPTION = re.compile(r"^\s*(?:表|图|Table|Fig)\s*\d")
LIST_OR_CLAUSE = re.compile(r"[、，,。；;！？]")
MIN_ROWS = 2
"""A comparison compares: one row is a heading followed by a region, not a table."""
MAX_CONCEPT = 16
"""A concept cell is a slogan: a label line's rest longer than this, or one that lists, is a sentence."""


@dataclass(frozen=True)
class FlatTable:
    """A flattened table found in a part's lines: lines[first:end] hold it; rows[0] is the header."""

    first: int
    end: int
    rows: tuple[tuple[str, ...], ...]


@dataclass
class _Row:
    label: str  # the region's full name
    rest: str  # what follows the region on the label run (the concept, when it fits there)
    runs: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """The row has reached its last cell, the chain list."""
        return bool(self.runs) and is_industry_list(self.runs[-1])


def header_columns(line: str) -> list[tuple[str, str]] | None:
    """(column, header cell) in order, when ``line`` is a comparison-table header whose first column
    names the region and which names at least two more; None otherwise.  Cells are split at spaces,
    or after each column's keyword when PDF extraction dropped the spaces between them."""
    text = re.sub(r"\s+", "", line)
    if len(text) > MAX_HEADER or HEADER_NOISE.search(text) or CAPTION.match(line):
        return None
    spans: list[tuple[int, int, str]] = []
    for name, pattern in COMPARISON_TABLE.items():
        match = next((m for m in pattern.finditer(text)
                      if all(m.end() <= start or m.start() >= end for start, end, _ in spans)), None)
        if match:
            spans.append((match.start(), match.end(), name))
    spans.sort()
    if len(spans) < 3 or spans[0][2] != "region":
        return None
    written = line.split()
    if len(written) != len(spans):  # spaces lost: cut after each column's keyword
        cuts = [0, *(end for _, end, _ in spans[:-1]), len(text)]
        written = [text[cuts[i]:cuts[i + 1]] for i in range(len(spans))]
    return [(name, cell) for (_, _, name), cell in zip(spans, written)]


def row_label(line: str) -> tuple[str, str] | None:
    """(full region name, rest) when a line opens a table row: a region name alone, or followed by
    a concept-like cell — a short phrase that neither lists nor makes a sentence (天津四个一模式)."""
    label = region_label(line)
    if label is None:
        return None
    rest = label[1].strip().lstrip("：:｜|").strip()
    if rest and (len(rest) > MAX_CONCEPT or LIST_OR_CLAUSE.search(rest)):
        return None
    return label[0], rest


def _runs(lines: list[str], start: int, width: int | None) -> list[tuple[int, int]]:
    """(first, end) line ranges from ``start``: a run goes on while its line fills the column, but a row
    label, a section heading or a caption always opens a new one, and a run is cut where a chain list
    meets text that names no industry (see :func:`_cell_boundary`)."""
    runs: list[tuple[int, int]] = []
    for index in range(start, len(lines)):
        line = lines[index]
        opens = row_label(line) or SECTION_HEADING.match(line) or CAPTION.match(line)
        if runs and runs[-1][1] == index and fills_column(lines[index - 1], width) and not opens:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return [piece for first, end in runs for piece in _cell_boundary(lines, first, end)]


def _cell_boundary(lines: list[str], first: int, end: int) -> list[tuple[int, int]]:
    """A run split in two where a cell's last line happened to fill the column: at the first line
    boundary where one side is a chain list and the other is a cell naming no known industry — a model
    cell running into the chain cell, or the chain cell running into the prose after the table."""
    for cut in range(first + 1, end):
        before, after = join_wrapped(lines[first:cut]), join_wrapped(lines[cut:end])
        if is_industry_list(before) and _other_cell(after) or is_industry_list(after) and _other_cell(before):
            return [(first, cut), (cut, end)]
    return [(first, end)]


def _other_cell(text: str) -> bool:
    """Text of another cell, not the tail of a chain name cut by the wrap (游, 体与集成电路): it lists or
    makes clauses, and names no known industry."""
    return bool(LIST_OR_CLAUSE.search(text)) and known_industry_share(split_chain_list(text)) == 0


def read_flat_table(lines: list[str], header_index: int, width: int | None) -> FlatTable | None:
    """The table whose header is ``lines[header_index]``; None unless ≥ 2 rows follow, most of them
    ending in a chain list."""
    columns = header_columns(lines[header_index])
    if columns is None:
        return None
    rows: list[_Row] = []
    end = header_index + 1
    for first, last in _runs(lines, header_index + 1, width):
        text = join_wrapped(lines[first:last])
        label = row_label(lines[first])
        if label:
            rows.append(_Row(label[0], join_wrapped([label[1], *lines[first + 1:last]])))
        elif not rows or SECTION_HEADING.match(text) or CAPTION.match(text) or (
                rows[-1].complete and not is_industry_list(text)):
            break
        else:
            rows[-1].runs.append(text)
        end = last
    if len(rows) < MIN_ROWS or 2 * sum(row.complete for row in rows) < len(rows):
        return None  # a heading that reads like a header (各地区特色产业链发展模式), not a table
    header = tuple(cell for _, cell in columns)
    names = [name for name, _ in columns]
    return FlatTable(header_index, end, (header, *(_cells(row, names) for row in rows)))


def find_flat_tables(lines: list[str], width: int | None) -> list[FlatTable]:
    """Every flattened comparison table among a part's lines, in order."""
    found: list[FlatTable] = []
    index = 0
    while index < len(lines):
        table = read_flat_table(lines, index, width)
        found += [table] if table else []
        index = table.end if table else index + 1
    return found


def _cells(row: _Row, columns: list[str]) -> tuple[str, ...]:
    """The row's cells in header order (see the module docstring for how runs are assigned)."""
    chains_from = len(row.runs)
    while chains_from > 0 and is_industry_list(row.runs[chains_from - 1]):
        chains_from -= 1
    if chains_from == len(row.runs) and columns[-1] == "key_chains" and len(row.runs) > _text_cells(row, columns):
        chains_from -= 1  # names the lexicon does not know: the last cell of a row that has one to spare
    texts, chains = row.runs[:chains_from], "".join(row.runs[chains_from:])
    concept, texts = _concept(row.rest, texts, "model" in columns)
    model = "".join(texts)
    if "concept" not in columns:
        model = concept + model
    elif "model" not in columns:
        concept = concept + model
    cell = {"region": row.label, "concept": concept, "model": model, "key_chains": chains}
    return tuple(cell[name] for name in columns)


def _text_cells(row: _Row, columns: list[str]) -> int:
    """How many runs the concept and model cells take at least: one each, none for a concept on the label line."""
    return int("model" in columns) + int("concept" in columns and not row.rest)


def _concept(rest: str, runs: list[str], model_follows: bool) -> tuple[str, list[str]]:
    """(concept, runs left for the model).  The concept is the label line's rest; when the label stands
    alone, it is the opening one-line runs that neither list nor make a sentence (a slogan wrapped in a
    narrow column: 全省建立产业链“链 / 长制”), leaving at least one run for the model."""
    if rest:
        return rest, runs
    taken = 0
    while taken < len(runs) - int(model_follows) and len(runs[taken]) <= MAX_CONCEPT \
            and not LIST_OR_CLAUSE.search(runs[taken]):
        taken += 1
    return "".join(runs[:taken]), runs[taken:]
