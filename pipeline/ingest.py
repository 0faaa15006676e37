"""Add a local folder of documents (PDF, HTML, DOCX, TXT …) to the store without crawling.

Each file is one document whose id is derived from its bytes, so ingesting
the same folder twice, or the same file from two folders, stores it once.
Files of unknown type are stored too: parsing then records a clear
"unsupported file type" error against them instead of silently dropping them.

Nothing below the folder is skipped in silence: unreadable folders, dangling
links, symlink loops, FIFOs and other non-files, and identical files under
several names each leave a record in the store's error log (stage
``ingest``) and in the report.  Hidden entries (``.git``, ``.DS_Store``) are
not ingested and only counted in the report, as they are never documents.  Documents are named by their path relative
to the folder, so no absolute path of the user's machine reaches the
outputs; names that are not valid UTF-8 (what ``unzip`` makes of archives
from Chinese Windows) are shown decoded as GB18030 when that reads cleanly,
else with their odd bytes escaped.  Symbolic links are followed only while
they stay inside the folder, unless ``follow_outside`` says otherwise.
A ``metadata.csv`` in a folder states title, issuer, dates … of its files
(pipeline.sidecar); it is read, not ingested.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.formats import sniff_media_type
from pipeline.models import DocumentMeta, RawDocument, RawPart
from pipeline.parse import INGEST_PREFIX
from pipeline.sidecar import SIDECAR_NAME, SidecarError, read_sidecar
from pipeline.progress import track
from pipeline.store import CorpusStore, doc_id_for, now_iso, sha256_hex

log = logging.getLogger(__name__)
STAGE = "ingest"
HIDDEN = "hidden"
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class IngestReport:
    doc_ids: list[str] = field(default_factory=list)  # every document found in the folder, in path order
    new: int = 0
    unchanged: int = 0
    duplicates: int = 0  # files whose bytes equal an earlier file's: stored once, recorded
    hidden: int = 0  # entries whose name starts with "." (not descended into, not recorded)
    errors: list[str] = field(default_factory=list)  # one line per file or folder not ingested

    def __str__(self) -> str:
        return (f"{len(self.doc_ids) + self.duplicates} files: {self.new} new, {self.unchanged} already stored, "
                f"{self.duplicates} duplicates, {len(self.errors)} not ingested, {self.hidden} hidden entries skipped")


@dataclass(frozen=True)
class Found:
    """A regular file below the folder, with its display name (relative, valid UTF-8)."""

    path: Path
    name: str


@dataclass(frozen=True)
class Skipped:
    """Something below the folder that is not ingested, and why."""

    name: str
    reason: str


def display_name(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` as readable, storable text (POSIX separators).

    File names are bytes on Linux; Python carries undecodable ones as lone
    surrogates, which SQLite, JSON and CSV refuse.  Such a name is shown as
    GB18030 when its bytes decode cleanly that way (Chinese Windows archives),
    otherwise with the odd bytes escaped (``\\xb9``).
    """
    return "/".join(map(_readable, path.relative_to(folder).parts)) or "."


def _readable(component: str) -> str:
    """One path component (folders and files may come from different archives) as valid UTF-8 text."""
    raw = os.fsencode(component)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


def walk(folder: Path, *, follow_outside: bool = False) -> Iterator[Found | Skipped]:
    """Every entry below ``folder`` in a stable depth-first order, as a file or a reason to skip it
    (hidden entries as ``HIDDEN``, not descended into)."""
    folder = folder.resolve()
    visited = {folder}

    def visit(directory: Path) -> Iterator[Found | Skipped]:
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            yield Skipped(display_name(directory, folder), f"unreadable folder: {exc.strerror}")
            return
        for entry in entries:
            path = Path(entry.path)
            name = display_name(path, folder)
            if entry.name.startswith("."):
                yield Skipped(name, HIDDEN)
                continue
            try:
                info = os.stat(path)  # follows links
            except OSError as exc:
                reason = ("symlink loop" if exc.errno == errno.ELOOP else
                          "dangling symlink" if entry.is_symlink() else f"unreadable: {exc.strerror}")
                yield Skipped(name, reason)
                continue
            real = path.resolve()
            if entry.is_symlink() and not follow_outside and not real.is_relative_to(folder):
                yield Skipped(name, "symlink to a path outside the input folder: not followed")
                continue
            if stat.S_ISDIR(info.st_mode):
                if real in visited or folder.is_relative_to(real):
                    yield Skipped(name, "symlink loop: links to a folder already visited")
                    continue
                visited.add(real)
                yield from visit(path)
            elif stat.S_ISREG(info.st_mode):
                yield Found(path, name)
            else:
                yield Skipped(name, f"not a regular file ({_file_kind(info.st_mode)})")

    yield from visit(folder)


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):
        if test(mode):
            return kind
    return "special file"


def document_files(folder: Path) -> list[Path]:
    """Regular, non-hidden files below ``folder`` (links inside it followed), in a stable order."""
    return [entry.path for entry in walk(folder) if isinstance(entry, Found)]


def ingest_file(store: CorpusStore, path: Path, source: str, name: str | None = None,
                meta: DocumentMeta = DocumentMeta()) -> tuple[str, str]:
    """Store one file as a document named ``name``; returns (doc_id, "new" | "changed" | "unchanged").

    ``meta`` is what a sidecar (``metadata.csv``) states about the file; a changed sidecar row updates the document.
    """
    name = name or path.name
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    data = path.read_bytes()
    digest = sha256_hex(data)
    doc_id = doc_id_for(f"file:{digest}")
    stored = store.get_document(doc_id) if store.has_document(doc_id) else None
    if stored is not None and stored.meta == meta:
        return doc_id, "unchanged"
    if stored is not None:
        return doc_id, store.upsert_document(replace(stored, meta=meta))
    file_name = name.rsplit("/", 1)[-1]
    media_type = sniff_media_type(data, file_name)
    store.put_blob(data, media_type)
    part = RawPart(role="file", url=name, sha256=digest, media_type=media_type, filename=file_name, size=len(data))
    doc = RawDocument(doc_id=doc_id, source=source, url=name, parts=(part,), meta=meta, fetched_at=now_iso())
    return doc_id, store.upsert_document(doc)


def ingest_folder(store: CorpusStore, folder: Path, *, follow_outside: bool = False) -> IngestReport:
    """Ingest every file below ``folder``; whatever is not ingested is reported and recorded, the rest go on.

    Rerunning on the same folder replaces the records of the earlier run
    (keyed by the relative name), so the error log does not grow.
    """
    folder = folder.resolve()
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    report = IngestReport()
    source = f"{INGEST_PREFIX}{folder}"
    entries = list(walk(folder, follow_outside=follow_outside))
    stated = _sidecars(store, report, folder, entries)
    first_name: dict[str, str] = {}  # doc id → the name it was first found under in this run
    for entry in track(entries, "ingest", total=len(entries)):
        if isinstance(entry, Found) and entry.path.name == SIDECAR_NAME:
            continue  # a sidecar describes documents; it is not one
        if isinstance(entry, Skipped) and entry.reason == HIDDEN:
            report.hidden += 1
            continue
        store.clear_errors(STAGE, url=entry.name)
        if isinstance(entry, Skipped):
            _skip(store, report, entry.name, entry.reason)
            continue
        try:
            doc_id, outcome = ingest_file(store, entry.path, source, entry.name, stated.get(entry.name, DocumentMeta()))
        except (OSError, ValueError) as exc:  # unreadable or oversized: record it, go on with the rest
            _skip(store, report, entry.name, f"cannot ingest file: {getattr(exc, 'strerror', None) or exc}")
            continue
        if doc_id in first_name:
            report.duplicates += 1
            store.record_error(STAGE, f"same bytes also found as {entry.name!r}: stored once as "
                                      f"{first_name[doc_id]!r}", doc_id=doc_id, url=entry.name)
            continue
        first_name[doc_id] = entry.name
        report.doc_ids.append(doc_id)
        if outcome == "unchanged":
            report.unchanged += 1
        else:
            report.new += 1
    return report


def _sidecars(store: CorpusStore, report: IngestReport, folder: Path,
              entries: list[Found | Skipped]) -> dict[str, DocumentMeta]:
    """Display name → what the ``metadata.csv`` of its folder states; a malformed sidecar is recorded, not fatal."""
    stated: dict[str, DocumentMeta] = {}
    for entry in entries:
        if not isinstance(entry, Found) or entry.path.name != SIDECAR_NAME:
            continue
        store.clear_errors(STAGE, url=entry.name)
        prefix = entry.name.removesuffix(SIDECAR_NAME)  # the sidecar's folder, relative, with a trailing /
        try:
            rows = read_sidecar(entry.path, entry.name)
        except (OSError, UnicodeDecodeError, SidecarError) as exc:  # an OSError's own text holds the absolute path
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            _skip(store, report, entry.name, f"metadata sidecar not read: {reason}")
            continue
        stated.update({prefix + name: meta for name, meta in rows.items()})
    return stated


def _skip(store: CorpusStore, report: IngestReport, name: str, reason: str) -> None:
    log.warning("not ingested: %s: %s", name, reason)
    report.errors.append(f"{name}: {reason}")
    store.record_error(STAGE, reason, url=name)
