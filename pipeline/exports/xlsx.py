"""findings.xlsx: one sheet per table, a frozen header row, readable column widths, and a README sheet first.

Written with XlsxWriter in memory, so the file is one write at the end (a full
disk fails that write cleanly); strings are never turned into formulas or
links, and cells go through the same formula neutralisation as the CSVs (a
title ``=HYPERLINK(…)`` is stored as the text ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import xlsxwriter

from pipeline.exports.columns import COLUMNS

MAX_WIDTH = 60  # characters; longer cells are cut off visually (the full text is in the cell)
MIN_WIDTH = 6
MAX_ROWS = 1_048_575  # Excel's sheet limit (1,048,576 rows) less the header: longer tables are cut, the CSV has all
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 cannot hold
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
           "nan_inf_to_errors": True}


def write_workbook(findings, manifest: Mapping[str, object], path: Path) -> Path:
    """Write the workbook (``findings`` is a pipeline.export.Findings)."""
    from pipeline.export import neutralise_formulas

    book = xlsxwriter.Workbook(str(path), OPTIONS)
    bold = book.add_format({"bold": True})
    _write_readme(book.add_worksheet("README"), bold, findings, manifest)
    for name, table in findings.all_tables().items():
        _write_table(book.add_worksheet(name), bold, neutralise_formulas(table.head(MAX_ROWS)))
    book.close()
    return path


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return ILLEGAL.sub("", value)
    return value.item() if hasattr(value, "item") else value


def _write_table(sheet, bold, table: pd.DataFrame) -> None:
    sheet.write_row(0, 0, list(table.columns), bold)
    for row_index, row in enumerate(table.itertuples(index=False), start=1):
        for column_index, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, str):
                sheet.write_string(row_index, column_index, value)
            elif value is not None:
                sheet.write(row_index, column_index, value)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(table.columns):
        lengths = [_display_width(str(column))] + [_display_width(str(v)) for v in table[column].head(500)
                                                   if isinstance(v, str) or not pd.isna(v)]
        sheet.set_column(index, index, max(MIN_WIDTH, min(MAX_WIDTH, max(lengths) + 2)))
    if len(table.columns):
        sheet.autofilter(0, 0, len(table), len(table.columns) - 1)


def _display_width(text: str) -> int:
    """Width in Latin character cells: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write_readme(sheet, bold, findings, manifest: Mapping[str, object]) -> None:
    store = manifest.get("store", {}) if isinstance(manifest.get("store"), dict) else {}
    lines: list[tuple[list[object], bool]] = [
        (["policy-miner findings"], True),
        ([("Each sheet is one table of docs/outputs.md; cells starting with = + - @ (or tab, CR) are prefixed "
           "with ' so that no spreadsheet runs them as formulas.")], False),
        ([], False), (["Run manifest"], True)]
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
    lines += [([label, "" if value is None else str(value)], False) for label, value in facts]
    lines += [([], False), (["rows per table"], True)]
    lines += [([name, count] + ([f"sheet holds the first {MAX_ROWS:,} rows (Excel's limit); {name}.csv has all"]
                                if count > MAX_ROWS else []), False)
              for name, count in dict(manifest.get("counts", {})).items()]
    lines += [([], False), (["sheet", "column", "meaning"], True)]
    lines += [([name, column, COLUMNS.get(name, {}).get(column, "")], False)
              for name, table in findings.all_tables().items() for column in table.columns]
    for row_index, (values, heading) in enumerate(lines):
        for column_index, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(row_index, column_index, value, bold if heading else None)
            else:
                sheet.write(row_index, column_index, value, bold if heading else None)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 2, 90)
