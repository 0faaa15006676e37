"""ingest_folder on hostile folders: odd names, links, FIFOs, unreadable folders, duplicates (issue 13 items 1, 4, 13)."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.export import collect_findings
from pipeline.ingest import ingest_folder
from pipeline.store import CorpusStore

POLICY = "关于建立重点产业链链长制的通知\n各市人民政府：为推动产业链高质量发展，决定建立链长制。\n"


def errors_by_name(store: CorpusStore) -> dict[str, str]:
    return {e.url: e.message for e in store.errors() if e.stage == "ingest"}


def test_gbk_file_name_is_ingested_under_a_readable_name(tmp_path: Path, store: CorpusStore) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    gbk_name = "链长制通知.txt".encode("gbk")  # what unzip makes of a Chinese Windows archive
    (folder / os.fsdecode(gbk_name)).write_bytes(POLICY.encode("utf-8"))
    (folder / os.fsdecode(b"\xff\xfe-odd.txt")).write_bytes(b"another policy text")  # neither UTF-8 nor GB18030
    (folder / "good.txt").write_text("第三份文件", encoding="utf-8")
    gbk_folder = folder / os.fsdecode("附件".encode("gbk"))
    gbk_folder.mkdir()
    (gbk_folder / "名单.txt").write_text("链长名单", encoding="utf-8")  # a GBK folder holding a UTF-8 name

    report = ingest_folder(store, folder)

    assert (report.new, report.errors) == (4, [])
    names = sorted(d.url for d in store.documents())
    assert names == ["\\xff\\xfe-odd.txt", "good.txt", "链长制通知.txt", "附件/名单.txt"]
    store.record_error("process", "a message naming " + os.fsdecode(gbk_name), url=os.fsdecode(gbk_name))
    assert "\\udc" in store.errors()[-1].message  # recorded, surrogates escaped
    documents = collect_findings(store).documents
    assert sorted(documents["source_url"]) == names


def test_links_fifos_and_unreadable_folders_leave_records(tmp_path: Path, store: CorpusStore) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("甲文件正文", encoding="utf-8")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop1").symlink_to(folder / "loop2")
    (folder / "loop2").symlink_to(folder / "loop1")
    (folder / "sub" / "up").symlink_to(folder)  # a folder loop
    (folder / "inside.txt").symlink_to(folder / "sub" / "a.txt")  # a link inside the folder: followed
    (tmp_path / "secret.txt").write_text("root:x:0:0:outside", encoding="utf-8")
    (folder / "passwd").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(folder / "pipe")
    locked = folder / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("乙", encoding="utf-8")
    locked.chmod(0)
    try:
        report = ingest_folder(store, folder)
    finally:
        locked.chmod(0o755)

    errors = errors_by_name(store)
    assert errors["dangling.txt"] == "dangling symlink"
    assert errors["loop1"] == errors["loop2"] == "symlink loop"
    assert errors["sub/up"] == "symlink loop: links to a folder already visited"
    assert errors["passwd"] == "symlink to a path outside the input folder: not followed"
    assert errors["pipe"] == "not a regular file (FIFO)"
    if os.geteuid() != 0:  # root reads any folder
        assert errors["locked"].startswith("unreadable folder")
    assert errors["sub/a.txt"] == "same bytes also found as 'sub/a.txt': stored once as 'inside.txt'"
    assert report.duplicates == 1
    assert not any("root:x" in store.read_blob(d.parts[0].sha256).decode() for d in store.documents())
    assert len(report.errors) == len([e for e in store.errors() if e.doc_id is None])

    again = ingest_folder(store, folder)  # a rerun replaces the records instead of adding to them
    assert len(store.errors()) == len(errors) and again.duplicates == 1


def test_outside_links_are_followed_when_asked(tmp_path: Path, store: CorpusStore) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (tmp_path / "elsewhere.txt").write_text("外部文件", encoding="utf-8")
    (folder / "linked.txt").symlink_to(tmp_path / "elsewhere.txt")
    report = ingest_folder(store, folder, follow_outside=True)
    assert report.new == 1 and [d.url for d in store.documents()] == ["linked.txt"]


def test_identical_files_are_one_document_and_the_other_names_are_recorded(tmp_path: Path,
                                                                          store: CorpusStore) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"empty{n}.txt").write_bytes(b"")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    report = ingest_folder(store, folder)
    assert (report.new, report.duplicates, len(report.doc_ids), report.hidden) == (1, 4, 1, 1)
    assert str(report) == "5 files: 1 new, 0 already stored, 4 duplicates, 0 not ingested, 1 hidden entries skipped"
    (doc,) = store.documents()
    recorded = [e for e in store.errors(doc.doc_id) if e.stage == "ingest"]
    assert [e.url for e in recorded] == [f"empty{n}.txt" for n in range(1, 5)]
    error = collect_findings(store).documents.loc[0, "error"]
    assert all(f"also found as 'empty{n}.txt'" in error for n in range(1, 5))


def test_no_absolute_path_reaches_documents_csv(tmp_path: Path, store: CorpusStore) -> None:
    folder = tmp_path / "deep" / "in"
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "2023" / "empty.pdf").write_bytes(b"")
    ingest_folder(store, folder)
    documents = collect_findings(store).documents
    assert sorted(documents["source_url"]) == ["2023/empty.pdf", "2023/policy.txt"]
    assert not documents.astype(str).apply(lambda column: column.str.contains(str(tmp_path))).any().any()


def test_malformed_sidecar_is_reported_by_its_path_inside_the_input_folder(tmp_path: Path, store: CorpusStore) -> None:
    folder = tmp_path / "deep" / "in"
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "2023" / "metadata.csv").write_text("title\n链长制通知\n", encoding="utf-8")  # no 'file' column
    (folder / "metadata.csv").write_bytes(b"file,title\npolicy.txt,\xff\xfe\n")  # not UTF-8
    report = ingest_folder(store, folder)
    assert report.doc_ids and len(report.errors) == 2
    fetch_errors = collect_findings(store).fetch_errors
    messages = dict(zip(fetch_errors["url"], fetch_errors["message"]))
    assert set(messages) == {"2023/metadata.csv", "metadata.csv"}
    assert messages["2023/metadata.csv"].startswith("metadata sidecar not read: 2023/metadata.csv:1: the header needs")
    assert not fetch_errors.astype(str).apply(lambda column: column.str.contains(str(tmp_path))).any().any()
    assert not any(str(tmp_path) in error for error in report.errors)
