"""findings.xlsx: one sheet per table, a frozen header row, readable column widths, and a README sheet first.

Cells go through the same formula neutralisation as the CSVs (a title such
as ``=HYPERLINK(…)`` is stored as the text ``'=HYPERLINK(…)``), and control
characters that XLSX cannot hold are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.exports.columns import COLUMNS

MAX_WIDTH = 60  # characters; longer cells wrap
MIN_WIDTH = 6


def write_workbook(findings, manifest: Mapping[str, object], path: Path) -> Path:
    """Write the workbook (``findings`` is a pipeline.export.Findings)."""
    from pipeline.export import neutralise_formulas

    book = Workbook()
    readme = book.active
    readme.title = "README"
    _write_readme(readme, findings, manifest)
    for name, table in findings.all_tables().items():
        sheet = book.create_sheet(name)
        _write_table(sheet, neutralise_formulas(table))
    book.save(path)
    return path


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value.item() if hasattr(value, "item") else value


def _write_table(sheet, table: pd.DataFrame) -> None:
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        lengths = [_display_width(str(column))] + [_display_width(str(v)) for v in table[column].head(500)
                                                   if v is not None and not (isinstance(v, float) and pd.isna(v))]
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, max(lengths) + 2))
    if len(table.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table) + 1}"


def _display_width(text: str) -> int:
    """Width in Latin character cells: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write_readme(sheet, findings, manifest: Mapping[str, object]) -> None:
    bold = Font(bold=True)
    sheet.append(["policy-miner findings"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([("Each sheet is one table of docs/outputs.md; cells starting with = + - @ are prefixed with ' "
                   "so that no spreadsheet runs them as formulas.")])
    sheet.append([])
    sheet.append(["Run manifest"])
    sheet.cell(sheet.max_row, 1).font = bold
    store = manifest.get("store", {}) if isinstance(manifest.get("store"), dict) else {}
    facts = [
        ("pipeline version", manifest.get("pipeline_version")), ("code digest", manifest.get("code_digest")),
        ("model digest", manifest.get("model_digest")), ("lexicon digest", manifest.get("lexicon_digest")),
        ("model versions of the results", ", ".join(manifest.get("result_versions", []))),
        ("command", manifest.get("command")), ("input folder", manifest.get("input_dir")),
        ("sources", ", ".join(manifest.get("sources", []))), ("keywords", ", ".join(manifest.get("keywords", []))),
        ("store", store.get("path")), ("documents exported", store.get("documents")),
        ("store content hash", store.get("content_hash")), ("started", manifest.get("started_at")),
        ("finished", manifest.get("finished_at")), ("Prefect flow run", manifest.get("flow_run_id")),
    ]
    for label, value in facts:
        sheet.append([label, "" if value is None else str(value)])
    sheet.append([])
    sheet.append(["rows per table"])
    sheet.cell(sheet.max_row, 1).font = bold
    for name, count in dict(manifest.get("counts", {})).items():
        sheet.append([name, count])
    sheet.append([])
    sheet.append(["sheet", "column", "meaning"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for name, table in findings.all_tables().items():
        meanings = COLUMNS.get(name, {})
        for column in table.columns:
            sheet.append([name, column, meanings.get(column, "")])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
