"""Reading parsed tables by their header row.

Chain lists (产业链｜链长｜链主企业｜牵头单位), 榜单 (项目名称｜发榜单位｜支持金额)
and comparison tables (地区｜发展理念｜发展模式｜重点产业链) are all recognised
the same way: find the first row whose cells name at least two of the wanted
columns, then read every later row through that column map.  Each value keeps
its cell locator ("t2r5c3") and the index of the row's sentence, so a finding
points at the exact cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pipeline.models import Evidence, SegmentedDocument, Table
from pipeline.extract.text import NO_VALUE

ColumnPatterns = Mapping[str, re.Pattern[str]]


@dataclass(frozen=True)
class Cell:
    text: str
    evidence: Evidence


@dataclass(frozen=True)
class TableRecord:
    """One body row of a recognised table: wanted column name → cell."""

    cells: dict[str, Cell]
    row_evidence: Evidence

    def get(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text.strip() if cell else ""


def column_map(header: tuple[str, ...], columns: ColumnPatterns) -> dict[str, int]:
    """Wanted column → index of the first header cell matching its pattern (each cell used once)."""
    mapping: dict[str, int] = {}
    for name, pattern in columns.items():
        for index, cell in enumerate(header):
            if index not in mapping.values() and pattern.search(re.sub(r"\s+", "", cell)):
                mapping[name] = index
                break
    return mapping


def records(doc: SegmentedDocument, columns: ColumnPatterns, required: tuple[str, ...],
            min_columns: int = 2) -> Iterator[TableRecord]:
    """Body rows of every table whose header names ``required`` columns and ≥ ``min_columns`` wanted ones."""
    for table in doc.tables:
        header_index, mapping = _header(table, columns, required, min_columns)
        if header_index is None:
            continue
        for row_index in range(header_index + 1, len(table.rows)):
            row = table.rows[row_index]
            if not any(cell.strip() for cell in row) or row == table.rows[header_index]:
                continue
            row_locator = f"t{table.index + 1}r{row_index + 1}"
            sentence = _sentence_index(doc, table, row_locator)
            row_text = "｜".join(cell.strip() for cell in row)
            cells = {name: Cell(row[col], Evidence(doc.doc_id, row[col].strip(), sentence, f"{row_locator}c{col + 1}"))
                     for name, col in mapping.items() if col < len(row) and not NO_VALUE.match(row[col].strip())}
            yield TableRecord(cells, Evidence(doc.doc_id, row_text, sentence, row_locator))


def _header(table: Table, columns: ColumnPatterns, required: tuple[str, ...],
            min_columns: int) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(table.rows[:3]):
        mapping = column_map(row, columns)
        if all(name in mapping for name in required) and len(mapping) >= min_columns:
            return index, mapping
    return None, {}


def _sentence_index(doc: SegmentedDocument, table: Table, locator: str) -> int | None:
    return next((s.index for s in doc.sentences if s.part == table.part and s.locator == locator), None)
