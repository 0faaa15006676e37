"""Word files: DOCX natively with python-docx, DOC/WPS through LibreOffice.

DOCX is a zip, so before python-docx inflates it the declared member sizes
are checked (zip-bomb guard).  Old binary DOC and Kingsoft WPS files have no
maintained pure-Python reader; ``soffice --headless --convert-to docx`` turns
them into DOCX when LibreOffice is installed (Debian libreoffice-writer-nogui),
and its absence is a clear per-document error.

LibreOffice is a large parser of hostile input, so it is fenced in: a file
without an OLE2 or RTF signature never reaches it (a random file named .doc
used to cost the whole timeout), and it runs with no network — in a fresh
network namespace (``unshare -rn``, or ``unshare -n`` as root) and with a
profile that blocks linked remote content and points every proxy at a closed
port, so that a document linking a remote image cannot make it fetch
anything even where namespaces are unavailable.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipeline.parse import limits
from pipeline.parse.base import Extracted, ParseError, Rows
from pipeline.parse.text import join_lines, normalise

log = logging.getLogger(__name__)


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
    """Refuse archives that would inflate beyond the limits (declared sizes; zipfile enforces them on read),
    and a main document part too large to parse within the per-document memory and time (counted while
    streaming it, so a header that lies does not help)."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ParseError(f"corrupt DOCX: {exc}") from exc
    inflated = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if inflated > limits.MAX_DOCX_UNCOMPRESSED or (
            inflated > limits.DOCX_RATIO_FLOOR and inflated / packed > limits.MAX_DOCX_RATIO):
        raise ParseError(f"DOCX refused as a possible zip bomb: {len(data) // 1024} KB expands to "
                         f"{inflated // 2**20} MB (ratio {inflated / packed:.0f}:1)")
    if "word/document.xml" in archive.namelist() and _streamed_size(archive, "word/document.xml",
                                                                     limits.MAX_DOCX_XML_BYTES) is None:
        raise ParseError(f"DOCX too large to parse: its text (word/document.xml) is over "
                         f"{limits.MAX_DOCX_XML_BYTES // 2**20} MB (limit MAX_DOCX_XML_BYTES)")


def _streamed_size(archive: zipfile.ZipFile, name: str, limit: int) -> int | None:
    """Inflated size of one member, or None as soon as it passes ``limit`` (nothing beyond a chunk is kept)."""
    size = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    return None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # zlib errors surface as these
        raise ParseError(f"corrupt DOCX: {name}: {exc}") from exc
    return size


def _table_rows(table: DocxTable) -> Rows:
    """Rows of cell text; a merged cell is repeated in every grid position it spans (python-docx semantics)."""
    return tuple(tuple(join_lines(cell.text.splitlines()) for cell in row.cells) for row in table.rows)


LEGACY_SIGNATURES = {b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "OLE2", b"{\\rtf": "RTF"}
"""What DOC and Kingsoft WPS files start with (both are OLE2 compound files; Word also saves RTF as .doc)."""

_NO_REMOTE_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetProxyType" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop></item>
""" + "".join(
    f"""<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInet{scheme}ProxyName" oor:op="fuse">
<value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInet{scheme}ProxyPort" oor:op="fuse">
<value>9</value></prop></item>
""" for scheme in ("HTTP", "HTTPS", "FTP")) + "</oor:items>\n"
"""LibreOffice user settings: untrusted links blocked, every proxy at 127.0.0.1:9 (discard, closed)."""


def check_legacy_signature(data: bytes, suffix: str) -> None:
    """Refuse at once a file that LibreOffice would only time out on (no DOC/WPS/RTF signature)."""
    if not data.startswith(tuple(LEGACY_SIGNATURES)):
        raise ParseError(f"not a {suffix.lstrip('.').upper()} file: no OLE2 or RTF signature "
                         f"(it starts with {data[:8]!r})")


@cache
def network_isolation() -> tuple[str, ...]:
    """A command prefix that runs a program without network access, () when none works here.

    ``unshare -rn`` (user + network namespace) works unprivileged where user
    namespaces are allowed; ``unshare -n`` needs root.  Without either,
    LibreOffice still runs with remote content disabled in its profile.
    """
    unshare = shutil.which("unshare")
    for prefix in ([unshare, "-rn"], [unshare, "-n"]) if unshare else ():
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=60).returncode == 0:
                return tuple(prefix)
        except (OSError, subprocess.TimeoutExpired):
            continue
    log.warning("no network namespace available (unshare -rn failed): LibreOffice runs with remote content "
                "disabled in its profile only")
    return ()


def parse_legacy_word(data: bytes, suffix: str) -> Extracted:
    """DOC / WPS: convert to DOCX with LibreOffice headless (no network), then read it like any DOCX."""
    check_legacy_signature(data, suffix)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ParseError(f"{suffix.lstrip('.').upper()} needs LibreOffice to convert "
                         "(install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="policy-miner-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        (folder / "profile" / "user").mkdir(parents=True)
        (folder / "profile" / "user" / "registrymodifications.xcu").write_text(_NO_REMOTE_CONTENT, encoding="utf-8")
        command = [*network_isolation(), soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]
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
