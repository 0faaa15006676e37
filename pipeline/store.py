"""The corpus store: SQLite (WAL) for records, a content-addressed folder for raw bytes.

Why this shape: a crawl can be killed at any moment and rerun.  Blobs are
written to a temporary file and atomically renamed to their sha256 name, so a
blob either exists whole or not at all; a document row is written only after
its blobs exist, in one transaction, so the database never points at a missing
file.  Re-storing identical bytes or an identical document is a no-op, which is
what makes reruns idempotent.  Processing results are keyed by the document's
content key and the pipeline version, so unchanged input is never redone.

The blob folder may live elsewhere (a shared folder, S3-compatible object
storage: any fsspec URL, see :class:`BlobStore`) so that Dask workers on other
hosts can read raw bytes, while the SQLite index stays with the process that
writes results.  Only one ``process`` run works on a store at a time
(:meth:`CorpusStore.process_lock`); a second one waits, then finds nothing stale.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import TypeAdapter

from pipeline.models import DocumentMeta, ProcessedDocument, RawDocument, RawPart, from_json, to_json

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

log = logging.getLogger(__name__)
DATABASE = "corpus.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    meta TEXT NOT NULL,
    parts TEXT NOT NULL,
    content_key TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY,
    doc_id TEXT,
    url TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_doc ON errors(doc_id, stage);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id),
    content_key TEXT NOT NULL,
    version TEXT NOT NULL,
    result TEXT NOT NULL,
    processed_at TEXT NOT NULL
);
"""

Upsert = Literal["new", "changed", "unchanged"]
_PARTS = TypeAdapter(tuple[RawPart, ...])


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_for(key: str) -> str:
    """Stable short id for a document key (``source:relative-url`` or a file's sha256)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CacheEntry:
    """What the last fetch of a URL returned, for conditional GET and incremental crawls."""

    url: str
    status: int
    etag: str = ""
    last_modified: str = ""
    sha256: str = ""
    media_type: str = ""
    fetched_at: str = ""


@dataclass(frozen=True)
class ErrorRecord:
    doc_id: str | None
    url: str
    stage: str
    message: str
    at: str


class StoreNotFoundError(FileNotFoundError):
    """A command that reads a store was pointed at a folder that holds none (a mistyped ``--store``)."""


@lru_cache(maxsize=8)
def _filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    import fsspec

    return fsspec.core.url_to_fs(url)


@dataclass(frozen=True)
class BlobStore:
    """Content-addressed raw bytes at ``url``: a local folder, or any fsspec URL (``s3://bucket/prefix``, ...).

    Small and picklable, so a batch sent to a Dask worker carries it and the
    worker reads blobs itself.  Credentials and endpoints come from the
    environment (``AWS_*``, ``FSSPEC_S3_ENDPOINT_URL``), never from the store.
    """

    url: str

    @property
    def local_dir(self) -> Path | None:
        if "://" not in self.url:
            return Path(self.url)
        return Path(self.url.removeprefix("file://")) if self.url.startswith("file://") else None

    def key(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256}"

    def read(self, sha256: str) -> bytes:
        local = self.local_dir
        if local is not None:
            return (local / self.key(sha256)).read_bytes()
        fs, root = _filesystem(self.url)
        return fs.cat_file(f"{root}/{self.key(sha256)}")

    def exists(self, sha256: str) -> bool:
        local = self.local_dir
        if local is not None:
            return (local / self.key(sha256)).exists()
        fs, root = _filesystem(self.url)
        return fs.exists(f"{root}/{self.key(sha256)}")

    def write(self, sha256: str, data: bytes) -> None:
        """Write whole or not at all: a local temp file renamed into place, or one object PUT."""
        local = self.local_dir
        if local is None:
            fs, root = _filesystem(self.url)
            fs.pipe_file(f"{root}/{self.key(sha256)}", data)
            return
        path = local / self.key(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class CorpusStore:
    """SQLite + blob folder under one root directory (default ``corpora/store``).

    ``blobs`` puts the raw bytes elsewhere (an fsspec URL); it is remembered in
    the store, so later opens find them without being told.  ``create=False``
    refuses a folder that holds no store yet, for commands that only read one.
    """

    def __init__(self, root: Path | str, *, blobs: str | None = None, create: bool = True):
        self.root = Path(root)
        if not create and not (self.root / DATABASE).is_file():
            raise StoreNotFoundError(f"no corpus store at {self.root} (run `policy-miner ingest` or `refresh` first, "
                                     "or check --store)")
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.root / DATABASE, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(SCHEMA)
        self.blobs = BlobStore(self._blob_url(blobs))
        self.blob_dir = self.blobs.local_dir or self.root / "blobs"
        if self.blobs.local_dir is not None:
            self.blob_dir.mkdir(parents=True, exist_ok=True)

    def _blob_url(self, wanted: str | None) -> str:
        """Where this store's blobs live: as first set, never silently moved.

        The default (``ROOT/blobs``) is not written down, so a store folder can be moved or copied whole.
        """
        with self._transaction() as db:
            row = db.execute("SELECT value FROM settings WHERE key='blob_url'").fetchone()
            if row is None and wanted and wanted.rstrip("/") != str(self.root / "blobs"):
                if db.execute("SELECT 1 FROM blobs LIMIT 1").fetchone():
                    raise ValueError(f"store {self.root} already keeps its blobs in {self.root / 'blobs'}")
                db.execute("INSERT INTO settings(key, value) VALUES ('blob_url', ?)", (wanted,))
        if row is None:
            return wanted or str(self.root / "blobs")
        if wanted and wanted.rstrip("/") != row[0].rstrip("/"):
            raise ValueError(f"store {self.root} keeps its blobs at {row[0]}, not {wanted}")
        return row[0]

    @contextmanager
    def process_lock(self) -> Iterator[None]:
        """Hold the store's processing lock; a second holder waits (logged) until the first is done.

        A file lock (flock), so a killed holder releases it with its process.
        """
        from filelock import FileLock, Timeout

        lock = FileLock(self.root / "process.lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning("another process run holds %s; waiting for it to finish", self.root)
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- blobs ---------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        return self.blob_dir / self.blobs.key(sha256)

    def put_blob(self, data: bytes, media_type: str) -> str:
        """Store bytes under their sha256 (atomically; a second put of the same bytes is free)."""
        digest = sha256_hex(data)
        if not self.blobs.exists(digest):
            self.blobs.write(digest, data)
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO blobs(sha256, size, media_type, stored_at) VALUES (?,?,?,?)",
                (digest, len(data), media_type, now_iso()),
            )
        return digest

    def read_blob(self, sha256: str) -> bytes:
        return self.blobs.read(sha256)

    def has_blob(self, sha256: str) -> bool:
        return self.blobs.exists(sha256)

    # -- documents -----------------------------------------------------------

    def upsert_document(self, doc: RawDocument) -> Upsert:
        """Insert or update a document; its blobs must already be stored."""
        missing = [p.sha256 for p in doc.parts if not self.has_blob(p.sha256)]
        if missing:
            raise ValueError(f"document {doc.doc_id} references blobs not in the store: {missing}")
        parts = _PARTS.dump_json(doc.parts).decode()
        with self._transaction() as db:
            row = db.execute("SELECT content_key FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
            if row and row[0] == doc.content_key:
                return "unchanged"
            stamp = doc.fetched_at or now_iso()
            db.execute(
                """INSERT INTO documents(doc_id, source, url, meta, parts, content_key, fetched_at, first_seen)
                   VALUES (?,?,?,?,?,?,?,?)
                   ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, url=excluded.url,
                     meta=excluded.meta, parts=excluded.parts, content_key=excluded.content_key,
                     fetched_at=excluded.fetched_at""",
                (doc.doc_id, doc.source, doc.url, to_json(doc.meta), parts, doc.content_key, stamp, stamp),
            )
            return "changed" if row else "new"

    def get_document(self, doc_id: str) -> RawDocument | None:
        rows = self._query(
            "SELECT doc_id, source, url, meta, parts, fetched_at FROM documents WHERE doc_id=?", (doc_id,)
        )
        return _document_from_row(rows[0]) if rows else None

    def has_document(self, doc_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)))

    def documents(self, source: str | None = None, doc_ids: Iterable[str] | None = None) -> Iterator[RawDocument]:
        """All stored documents (optionally of one source, or a given id set), in id order."""
        sql = "SELECT doc_id, source, url, meta, parts, fetched_at FROM documents"
        rows = self._query(sql + (" WHERE source=?" if source else "") + " ORDER BY doc_id", [source] if source else [])
        wanted = set(doc_ids) if doc_ids is not None else None
        for row in rows:
            if wanted is None or row[0] in wanted:
                yield _document_from_row(row)

    def doc_ids(self, sources: Iterable[str] | None = None) -> list[str]:
        """Ids of all documents, or of those from the named sources."""
        rows = self._query("SELECT doc_id, source FROM documents ORDER BY doc_id")
        wanted = set(sources) if sources is not None else None
        return [doc_id for doc_id, source in rows if wanted is None or source in wanted]

    def sources(self) -> list[str]:
        """Names of the sources the store holds documents of."""
        return [row[0] for row in self._query("SELECT DISTINCT source FROM documents ORDER BY source")]

    def count_documents(self) -> int:
        return self._query("SELECT count(*) FROM documents")[0][0]

    # -- HTTP cache (conditional GET, incremental crawls) -----------------------

    def cache_get(self, url: str) -> CacheEntry | None:
        rows = self._query(
            "SELECT url, status, etag, last_modified, sha256, media_type, fetched_at FROM http_cache WHERE url=?",
            (url,),
        )
        return CacheEntry(*rows[0]) if rows else None

    def cache_put(self, entry: CacheEntry) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO http_cache VALUES (?,?,?,?,?,?,?)",
                (entry.url, entry.status, entry.etag, entry.last_modified, entry.sha256, entry.media_type,
                 entry.fetched_at or now_iso()),
            )

    # -- errors ----------------------------------------------------------------

    def record_error(self, stage: str, message: str, *, doc_id: str | None = None, url: str = "") -> None:
        """Record a failure against a document (or a URL that never became one).

        Text is made storable first: a file name with undecodable bytes (lone
        surrogates) must not turn recording its error into a second failure.
        """
        url, message = (text.encode("utf-8", "backslashreplace").decode("utf-8") for text in (url, message))
        with self._transaction() as db:
            db.execute(
                "INSERT INTO errors(doc_id, url, stage, message, at) VALUES (?,?,?,?,?)",
                (doc_id, url, stage, message, now_iso()),
            )

    def clear_errors(self, stage: str, *, doc_id: str | None = None, url: str = "") -> None:
        """Forget earlier failures of a stage once it succeeds."""
        with self._transaction() as db:
            if doc_id is not None:
                db.execute("DELETE FROM errors WHERE stage=? AND doc_id=?", (stage, doc_id))
            else:
                db.execute("DELETE FROM errors WHERE stage=? AND url=?", (stage, url))

    def errors(self, doc_id: str | None = None) -> list[ErrorRecord]:
        sql = "SELECT doc_id, url, stage, message, at FROM errors"
        rows = self._query(sql + (" WHERE doc_id=?" if doc_id else "") + " ORDER BY id", [doc_id] if doc_id else [])
        return [ErrorRecord(*row) for row in rows]

    # -- processing results ------------------------------------------------------

    def stale_doc_ids(self, version: str, doc_ids: Iterable[str] | None = None) -> list[str]:
        """Documents with no result for their current content and this pipeline version."""
        rows = self._query(
            """SELECT d.doc_id FROM documents d LEFT JOIN results r ON r.doc_id = d.doc_id
               WHERE r.doc_id IS NULL OR r.content_key != d.content_key OR r.version != ?
               ORDER BY d.doc_id""",
            (version,),
        )
        wanted = set(doc_ids) if doc_ids is not None else None
        return [r[0] for r in rows if wanted is None or r[0] in wanted]

    def save_result(self, result: ProcessedDocument, content_key: str, version: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO results(doc_id, content_key, version, result, processed_at) VALUES (?,?,?,?,?)",
                (result.doc_id, content_key, version, to_json(result), now_iso()),
            )

    def results(self, doc_ids: Iterable[str] | None = None) -> Iterator[ProcessedDocument]:
        wanted = set(doc_ids) if doc_ids is not None else None
        for doc_id, text in self._query("SELECT doc_id, result FROM results ORDER BY doc_id"):
            if wanted is None or doc_id in wanted:
                yield from_json(ProcessedDocument, text)


def _document_from_row(row: tuple) -> RawDocument:
    doc_id, source, url, meta, parts, fetched_at = row
    return RawDocument(
        doc_id=doc_id,
        source=source,
        url=url,
        parts=_PARTS.validate_json(parts),
        meta=from_json(DocumentMeta, meta),
        fetched_at=fetched_at,
    )
