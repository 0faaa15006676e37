"""Word files: DOCX natively with python-docx, DOC/WPS through LibreOffice.

DOCX is a zip, so before python-docx inflates it the declared member sizes
are checked (zip-bomb guard).  Old binary DOC and Kingsoft WPS files have no
maintained pure-Python reader; ``soffice --headless --convert-to docx`` turns
them into DOCX when LibreOffice is installed (Debian libreoffice-writer-nogui),
and its absence is a clear per-document error.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipeline.parse import limits
from pipeline.parse.base import Extracted, ParseError, Rows
from pipeline.parse.text import join_lines, normalise


def parse_docx(data: bytes) -> Extracted:
    """Paragraphs and tables in body order; raises ParseError for zip bombs and broken files."""
    check_zip_sizes(data)
    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(f"corrupt DOCX: {exc}") from exc
    extracted = Extracted()
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = normalise(block.text)
            if text:
                extracted.paragraphs.append(text)
        elif isinstance(block, DocxTable):
            extracted.tables.append((_table_rows(block), None))
    return extracted


def check_zip_sizes(data: bytes) -> None:
    """Refuse archives that would inflate beyond the limits (declared sizes; zipfile enforces them on read)."""
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise ParseError(f"corrupt DOCX: {exc}") from exc
    inflated = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if inflated > limits.MAX_DOCX_UNCOMPRESSED or (
            inflated > limits.DOCX_RATIO_FLOOR and inflated / packed > limits.MAX_DOCX_RATIO):
        raise ParseError(f"DOCX refused as a possible zip bomb: {len(data) // 1024} KB expands to "
                         f"{inflated // 2**20} MB (ratio {inflated / packed:.0f}:1)")


def _table_rows(table: DocxTable) -> Rows:
    """Rows of cell text; a merged cell is repeated in every grid position it spans (python-docx semantics)."""
    return tuple(tuple(join_lines(cell.text.splitlines()) for cell in row.cells) for row in table.rows)


def parse_legacy_word(data: bytes, suffix: str) -> Extracted:
    """DOC / WPS: convert to DOCX with LibreOffice headless, then read it like any DOCX."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ParseError(f"{suffix.lstrip('.').upper()} needs LibreOffice to convert "
                         "(install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="policy-miner-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]
        # Own process group: on timeout the whole soffice → oosplash → soffice.bin tree is killed.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=limits.LIBREOFFICE_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise ParseError(f"LibreOffice conversion timed out after {limits.LIBREOFFICE_TIMEOUT_S:.0f} s") from exc
        converted = folder / "out" / "input.docx"
        if not converted.exists():
            raise ParseError(f"corrupt {suffix.lstrip('.').upper()}: LibreOffice could not convert it")
        return parse_docx(converted.read_bytes())
