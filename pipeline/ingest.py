"""Add a local folder of documents (PDF, HTML, DOCX, TXT …) to the store without crawling.

Each file is one document whose id is derived from its bytes, so ingesting
the same folder twice, or the same file from two folders, stores it once.
Files of unknown type are stored too: parsing then records a clear
"unsupported file type" error against them instead of silently dropping them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.formats import sniff_media_type
from pipeline.models import RawDocument, RawPart
from pipeline.progress import track
from pipeline.store import CorpusStore, doc_id_for, now_iso, sha256_hex

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class IngestReport:
    doc_ids: list[str] = field(default_factory=list)  # every document found in the folder, in path order
    new: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.doc_ids)} files: {self.new} new, {self.unchanged} already stored, {len(self.errors)} unreadable"


def document_files(folder: Path) -> list[Path]:
    """Regular, non-hidden files below ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def ingest_file(store: CorpusStore, path: Path, source: str) -> tuple[str, str]:
    """Store one file as a document; returns (doc_id, "new" | "changed" | "unchanged")."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    data = path.read_bytes()
    digest = sha256_hex(data)
    doc_id = doc_id_for(f"file:{digest}")
    if store.has_document(doc_id):
        return doc_id, "unchanged"
    media_type = sniff_media_type(data, path.name)
    store.put_blob(data, media_type)
    part = RawPart(role="file", url=str(path), sha256=digest, media_type=media_type, filename=path.name, size=len(data))
    doc = RawDocument(doc_id=doc_id, source=source, url=str(path), parts=(part,), fetched_at=now_iso())
    return doc_id, store.upsert_document(doc)


def ingest_folder(store: CorpusStore, folder: Path) -> IngestReport:
    """Ingest every file below ``folder``; unreadable files are reported and recorded, the rest go on."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    report = IngestReport()
    source = f"ingest:{folder}"
    files = document_files(folder)
    for path in track(files, "ingest", total=len(files)):
        try:
            doc_id, outcome = ingest_file(store, path, source)
        except (OSError, ValueError) as exc:  # unreadable or oversized: record it, go on with the rest
            report.errors.append(f"{path}: {exc}")
            store.record_error("ingest", f"cannot ingest file: {exc}", url=str(path))
            continue
        report.doc_ids.append(doc_id)
        if outcome == "unchanged":
            report.unchanged += 1
        else:
            report.new += 1
    return report
