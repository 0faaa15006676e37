"""The corpus store: idempotent writes, change detection, crash-safe blobs, stale results."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from pipeline.models import DocumentMeta, ProcessedDocument, RawDocument, RawPart
from pipeline.store import CacheEntry, CorpusStore, doc_id_for


def _document(store: CorpusStore, body: bytes, title: str = "关于建立产业链链长制的通知") -> RawDocument:
    sha = store.put_blob(body, "text/html")
    part = RawPart(role="page", url="http://127.0.0.1/a.html", sha256=sha, media_type="text/html", size=len(body))
    return RawDocument(doc_id=doc_id_for("test:/a.html"), source="test", url=part.url, parts=(part,),
                       meta=DocumentMeta(title=title))


def test_same_bytes_are_one_blob(store: CorpusStore) -> None:
    first = store.put_blob("链长制".encode(), "text/plain")
    second = store.put_blob("链长制".encode(), "text/plain")
    assert first == second
    assert len(list(store.blob_dir.rglob("*"))) == 2  # one shard folder, one file
    assert store.read_blob(first).decode() == "链长制"


def test_upsert_reports_new_unchanged_changed(store: CorpusStore) -> None:
    doc = _document(store, b"<p>v1</p>")
    assert store.upsert_document(doc) == "new"
    assert store.upsert_document(doc) == "unchanged"
    assert store.upsert_document(_document(store, b"<p>v2</p>")) == "changed"
    assert store.count_documents() == 1
    stored = store.get_document(doc.doc_id)
    assert stored is not None and stored.meta.title == "关于建立产业链链长制的通知"
    assert store.read_blob(stored.parts[0].sha256) == b"<p>v2</p>"


def test_document_referencing_missing_blob_is_refused(store: CorpusStore) -> None:
    part = RawPart(role="page", url="u", sha256="0" * 64, media_type="text/html")
    doc = RawDocument(doc_id="x", source="test", url="u", parts=(part,))
    try:
        store.upsert_document(doc)
    except ValueError as exc:
        assert "not in the store" in str(exc)
    else:
        raise AssertionError("a document pointing at a missing blob was stored")
    assert store.count_documents() == 0


def test_results_go_stale_when_content_or_version_changes(store: CorpusStore) -> None:
    doc = _document(store, b"<p>v1</p>")
    store.upsert_document(doc)
    assert store.stale_doc_ids("v1") == [doc.doc_id]
    store.save_result(ProcessedDocument(doc_id=doc.doc_id, meta=doc.meta), doc.content_key, "v1")
    assert store.stale_doc_ids("v1") == []
    assert store.stale_doc_ids("v2") == [doc.doc_id]
    store.upsert_document(_document(store, b"<p>v2</p>"))
    assert store.stale_doc_ids("v1") == [doc.doc_id]


def test_store_survives_reopen_and_keeps_wal(tmp_path) -> None:
    with CorpusStore(tmp_path) as store:
        doc = _document(store, b"<p>kept</p>")
        store.upsert_document(doc)
        store.cache_put(CacheEntry(url="http://x/", status=200, etag='"e1"', sha256=doc.parts[0].sha256))
        store.record_error("fetch", "HTTP 500", url="http://x/broken")
    with CorpusStore(tmp_path) as store:
        reopened = store.get_document(doc.doc_id)
        assert reopened is not None and replace(reopened, fetched_at="") == doc
        assert store.cache_get("http://x/").etag == '"e1"'
        assert [e.message for e in store.errors()] == ["HTTP 500"]
    mode = sqlite3.connect(tmp_path / "corpus.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_leftover_temp_file_from_a_crash_is_not_a_blob(store: CorpusStore) -> None:
    shard = store.blob_dir / "ab"
    shard.mkdir(parents=True)
    (shard / ".tmp-crashed").write_bytes(b"half a file")
    sha = store.put_blob(b"whole", "text/plain")
    assert store.has_blob(sha)
    assert not store.has_blob("ab" + "0" * 62)
