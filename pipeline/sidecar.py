"""Metadata sidecars: what a person states about ingested files that state nothing themselves.

A file such as a work report exported to PDF may carry no title, issuer or
date in its text.  A ``metadata.csv`` in the same folder supplies them::

    file,title,issuer,doc_number,written_date,publish_date,region,doc_type
    2024年北京市政府工作报告.pdf,2024年北京市政府工作报告,北京市人民政府,,2024-01-21,,北京市,报告

``file`` is the file's name relative to the folder holding ``metadata.csv``
(sub-folders may have their own).  Every other column is optional and may be
empty; the column names are DocumentMeta's fields.  Dates are read in any
common form (2024年1月21日, 2024.1.21) and stored as YYYY-MM-DD.  What a
sidecar states wins over everything the parser reads (a person checked it);
empty cells leave the parser's values.  The sidecar itself is not a document.
"""

from __future__ import annotations

import csv
from dataclasses import fields
from pathlib import Path

from pipeline.models import DocumentMeta
from pipeline.parse.metadata import normalise_date
from pipeline.parse.text import normalise

SIDECAR_NAME = "metadata.csv"
FIELDS = frozenset(f.name for f in fields(DocumentMeta))


class SidecarError(ValueError):
    """A malformed sidecar; the message names the file and line."""


def read_sidecar(path: Path, name: str = "") -> dict[str, DocumentMeta]:
    """File name (relative to the sidecar's folder, POSIX separators) → the metadata its row states.

    Errors name the sidecar as ``name`` (ingest passes its path relative to the
    input folder: error records and fetch_errors.csv never hold absolute paths),
    else as ``path``.
    """
    where = name or str(path)
    text = path.read_text(encoding="utf-8-sig")
    rows = csv.reader(text.splitlines())
    header = [normalise(h) for h in next(rows, [])]
    if "file" not in header:
        raise SidecarError(f"{where}:1: the header needs a 'file' column (and any of {sorted(FIELDS)})")
    unknown = [h for h in header if h and h != "file" and h not in FIELDS]
    if unknown:
        raise SidecarError(f"{where}:1: unknown column {unknown[0]!r}; known: file, {', '.join(sorted(FIELDS))}")
    stated: dict[str, DocumentMeta] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise SidecarError(f"{where}:{line}: {len(row)} cells for {len(header)} columns")
        values = {h: normalise(cell) for h, cell in zip(header, row) if h and cell.strip()}
        name = values.pop("file", "")
        if not name:
            raise SidecarError(f"{where}:{line}: the 'file' cell is empty")
        for date_field in ("written_date", "publish_date"):
            if date_field in values:
                values[date_field] = normalise_date(values[date_field])
                if not values[date_field]:
                    raise SidecarError(f"{where}:{line}: {date_field} is not a date")
        stated[name.replace("\\", "/")] = DocumentMeta(**values)
    return stated
