"""Exports from a real store (the sample site crawled over loopback and processed): the tables' new columns,
mentions, corpus, workbook, manifest, formula neutralisation, fetch errors, and the output folder that
switches from one complete export to the next — under concurrent exports and readers, and when the disk
is full (a real write limit, RLIMIT_FSIZE, in a child process)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from pipeline.export import (
    TABLE_NAMES,
    collect_findings,
    neutralise_formulas,
    write_findings,
)
from pipeline.exports.outdir import prune, runs_dir, staged_folder
from pipeline.formats import PDF
from pipeline.manifest import RunInfo, read_manifest
from pipeline.models import DocumentMeta, RawDocument, RawPart
from pipeline.parse import parse_part
from pipeline.process import process_store
from pipeline.store import CorpusStore, doc_id_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def exported(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "out"
    with CorpusStore(sample_store) as store:
        findings = collect_findings(store)
    write_findings(findings, out, ["md", "xlsx", "corpus"], RunInfo(command="test", sources=("sample",)))
    return out


def test_folder_is_a_link_to_one_complete_export(exported: Path) -> None:
    assert exported.is_symlink() and exported.resolve().parent == runs_dir(exported)
    manifest = read_manifest(exported / "manifest.json")
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((exported / name).read_bytes()).hexdigest() == digest, name
    expected = {f"{t}.{ext}" for t in (*TABLE_NAMES, "mentions", "fetch_errors") for ext in ("csv", "parquet")}
    expected |= {"chain_leader_table.json", "chain_leader_table.md", "findings.xlsx", "corpus.parquet",
                 "corpus.jsonl"}
    assert set(manifest["files"]) == expected


def test_manifest_counts_scope_and_digests(exported: Path, sample_store: Path) -> None:
    manifest = read_manifest(exported / "manifest.json")
    for name, count in manifest["counts"].items():
        assert len(_read(exported / f"{name}.csv")) == count, name
    with CorpusStore(sample_store) as store:
        assert manifest["doc_ids"] == sorted(store.doc_ids())
        assert manifest["store"]["documents"] == store.count_documents()
    assert manifest["command"] == "test" and manifest["sources"] == ["sample"]
    assert all(manifest[key] for key in ("code_digest", "model_digest", "lexicon_digest", "pipeline_version"))
    assert manifest["started_at"] <= manifest["finished_at"]


def test_chain_tables_carry_province_first_date_main_document_and_sorted(exported: Path) -> None:
    table = _read(exported / "chain_leader_table.csv")
    documents = _read(exported / "documents.csv").set_index("doc_id")
    assert (table.province != "").all() and (table.admin_code.str.fullmatch(r"\d{6}")).all()
    assert list(zip(table.province, table.region)) == sorted(zip(table.province, table.region))
    for row in table.itertuples():
        doc_ids = row.doc_ids.split(";")
        assert row.first_date == min(documents.loc[d, "date"] for d in doc_ids if documents.loc[d, "date"])
        assert (row.title, row.issuer, row.source_url) in {
            (documents.loc[d, "title"], documents.loc[d, "issuer"], documents.loc[d, "source_url"]) for d in doc_ids}
    chains = _read(exported / "chains.csv")
    assert (chains.province != "").all() and (chains.locator != "").all()


def test_locators_name_the_attachment(exported: Path) -> None:
    provenance = json.loads((exported / "chain_leader_table.json").read_text(encoding="utf-8"))
    cited = [e for row in provenance for items in row["evidence"].values() for e in items]
    in_attachments = [e for e in cited if e["attachment"]]
    assert in_attachments, "the sample's chain lists sit in attachments"
    assert any(e["page"] and f"#page={e['page']}:" in e["locator"] for e in in_attachments), "PDF pages are named"
    for evidence in in_attachments:
        assert evidence["locator"].startswith(evidence["attachment"]) and evidence["title"] and evidence["date"]
    table = _read(exported / "chain_leader_table.csv")
    assert table.evidence.str.contains(r"\.(?:pdf|docx)[^;]*:(?:p|t)\d", regex=True).any()


def test_pdf_paragraphs_know_their_page() -> None:
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "parse"))
    import make_docs  # the parse tests' generated policy PDF, long enough to run over pages

    data = make_docs.policy_pdf(table=False, pages=4)
    part = parse_part(data, RawPart(role="attachment", url="http://127.0.0.1/a.pdf", sha256="", media_type=PDF))
    document = pdfium.PdfDocument(data)
    page_texts = ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    paragraphs = part.text.split("\n")
    assert len(document) > 1 and len(part.paragraph_pages) == len(paragraphs)
    assert set(part.paragraph_pages) == set(range(1, len(document) + 1))
    for text, page in zip(paragraphs, part.paragraph_pages, strict=True):
        assert text[:8].replace("[", "〔")[:4] in page_texts[page - 1].replace("[", "〔"), (page, text)


def test_markdown_table_is_sorted_with_citations(exported: Path) -> None:
    lines = (exported / "chain_leader_table.md").read_text(encoding="utf-8").splitlines()
    table = _read(exported / "chain_leader_table.csv")
    assert lines[0].startswith("| 地区 |") and lines[0].endswith("| 来源 |")
    assert [line.split(" | ")[0].lstrip("| ") for line in lines[2:]] == list(table.region)
    for line, title in zip(lines[2:], table.title, strict=True):
        assert title in line


def test_mentions_are_keyword_in_context_of_the_full_text(exported: Path) -> None:
    mentions = _read(exported / "mentions.csv")
    corpus = pd.read_parquet(exported / "corpus.parquet").set_index("doc_id")
    assert {"链长制", "链主企业", "揭榜挂帅"} <= set(mentions.term)
    for row in mentions.itertuples():
        assert row.left + row.keyword + row.right in corpus.at[row.doc_id, "text"]
    # the longest term wins: 链长制 is not also counted as 链长
    assert not ((mentions.term == "链长") & mentions.right.str.startswith("制")).any()
    texts = corpus.text.str.count("揭榜挂帅").sum()
    assert (mentions.term == "揭榜挂帅").sum() == texts
    lines = (exported / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(corpus) and json.loads(lines[0])["text"]


def test_workbook_has_a_readme_and_one_frozen_sheet_per_table(exported: Path) -> None:
    book = load_workbook(exported / "findings.xlsx")
    assert book.sheetnames[:7] == ["README", *TABLE_NAMES]
    manifest = read_manifest(exported / "manifest.json")
    readme = [str(c.value) for row in book["README"].iter_rows() for c in row if c.value is not None]
    assert manifest["code_digest"] in readme and "chain_leader_table" in readme
    for name in TABLE_NAMES:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == len(_read(exported / f"{name}.csv")) + 1
        assert all(sheet.column_dimensions[c].width >= 6 for c in ("A", "B"))


def _add_document(store: CorpusStore, title: str, text: str) -> str:
    digest = store.put_blob(text.encode("utf-8"), "text/plain")
    doc_id = doc_id_for(f"test:{title}")
    store.upsert_document(RawDocument(doc_id, "test", f"test/{digest[:8]}.txt",
                                      (RawPart("file", f"test/{digest[:8]}.txt", digest, "text/plain"),),
                                      DocumentMeta(title=title, written_date="2022-05-01")))
    return doc_id


def test_formula_cells_are_neutralised_in_csv_and_xlsx(sample_store: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(sample_store, root)
    titles = ['=HYPERLINK("http://127.0.0.1/x","click")', "@SUM(1+1)", "=1+2+cmd|'/C calc'!A0", "+1", "-1+1"]
    with CorpusStore(root) as store:
        ids = [_add_document(store, title, f"关于第{n}项工作的通知。各单位要认真落实。") for n, title in enumerate(titles)]
        process_store(store, doc_ids=ids)
        findings = collect_findings(store, ids)
    write_findings(findings, tmp_path / "out", ["xlsx"])
    csv_titles = set(_read(tmp_path / "out" / "documents.csv").title)
    assert csv_titles == {f"'{t}" for t in titles}
    sheet = load_workbook(tmp_path / "out" / "findings.xlsx")["documents"]
    column = [c.value for c in sheet[1]].index("title")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {f"'{t}" for t in titles} and {c.data_type for c in cells} == {"s"}
    assert set(pd.read_parquet(tmp_path / "out" / "documents.parquet").title) == set(titles)  # data stays raw


def test_tab_and_carriage_return_starts_are_neutralised_too() -> None:
    table = pd.DataFrame({"text": ["\tcmd", "\rcmd", "plain", "a=b"], "n": [-1, 2, 3, 4]})
    assert list(neutralise_formulas(table).text) == ["'\tcmd", "'\rcmd", "plain", "a=b"]
    assert list(neutralise_formulas(table).n) == [-1, 2, 3, 4]  # numbers are not text


def test_pages_that_never_became_documents_are_listed(sample_store: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(sample_store, root)
    with CorpusStore(root) as store:
        store.record_error("fetch", "HTTP 404 Not Found", url="http://127.0.0.1:9/gone.html")
        store.record_error("fetch", "HTTP 412 Precondition Failed", url="http://127.0.0.1:9/guarded.html")
        findings = collect_findings(store)
    write_findings(findings, tmp_path / "out")
    errors = _read(tmp_path / "out" / "fetch_errors.csv")
    assert set(zip(errors.url, errors.message)) >= {("http://127.0.0.1:9/gone.html", "HTTP 404 Not Found"),
                                                    ("http://127.0.0.1:9/guarded.html", "HTTP 412 Precondition Failed")}


LONG_BODY = "为推动重点产业链高质量发展，市政府决定实行链长制，由市领导担任链长，统筹协调产业链发展中的重大问题。" * 2


def _add_page(store: CorpusStore, name: str, body: str, attachment: bytes | None = None) -> str:
    """A landing page (and an attachment) stored as a crawl stores them."""
    page = f"<html><head><title>{name}</title></head><body><div class='content'><p>{body}</p></div></body></html>"
    parts = [RawPart("page", f"http://127.0.0.1:9/{name}.html", store.put_blob(page.encode(), "text/html"),
                     "text/html")]
    if attachment is not None:
        parts.append(RawPart("attachment", f"http://127.0.0.1:9/{name}.rar",
                             store.put_blob(attachment, "application/vnd.rar"), "application/vnd.rar"))
    doc_id = doc_id_for(f"http://127.0.0.1:9/{name}.html")
    store.upsert_document(RawDocument(doc_id, "test", parts[0].url, tuple(parts), DocumentMeta()))
    return doc_id


def test_a_listing_page_is_an_error_a_page_with_text_and_a_failed_attachment_a_document(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "store") as store:
        listing = _add_page(store, "listing", "仲裁公告")
        landing = _add_page(store, "landing", LONG_BODY, attachment=b"Rar!\x1a\x07\x00 not parsed")
        process_store(store)
        findings = collect_findings(store)
        assert list(findings.documents.doc_id) == [landing]
        assert "unsupported file type" in findings.documents.error[0]
        assert list(findings.stored) == [landing] and set(findings.mentions.doc_id) == {landing}
        errors = findings.fetch_errors
        assert list(zip(errors.url, errors.stage)) == [("http://127.0.0.1:9/listing.html", "parse")]
        assert errors.message[0].startswith("not a document (listing page or stub): 4 characters")
        assert store.has_document(listing)  # kept: changed bytes that parse make it a document again
        _add_page(store, "listing", LONG_BODY)
        process_store(store)
        again = collect_findings(store)
    assert set(again.documents.doc_id) == {listing, landing} and again.fetch_errors.empty


EXPORT_SCRIPT = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from pipeline.export import collect_findings, write_findings
    from pipeline.exports.outdir import ExportError
    from pipeline.store import CorpusStore
    store_root, out, source, rounds, limit = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    with CorpusStore(store_root) as store:
        findings = collect_findings(store, store.doc_ids([source]))
    if limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        for _ in range(rounds):
            write_findings(findings, out, ["xlsx"])
    except ExportError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
""")


def _export_process(store: Path, out: Path, source: str, rounds: int, limit: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", EXPORT_SCRIPT, str(store), str(out), source, str(rounds),
                             str(limit)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _consistent_snapshot(out: Path) -> str | None:
    """Resolve the link once and check every file against the manifest; the export's source, or None if none yet."""
    folder = Path(os.path.realpath(out))
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for name, digest in manifest["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{folder.name}/{name} torn"
    except FileNotFoundError:
        return None  # no export yet, or pruned between resolving and reading (the reader retries)
    return manifest["doc_ids"][0]


def test_concurrent_exports_and_a_reader_never_see_a_mix(sample_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: set[str] = set()
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                found = _consistent_snapshot(out)
            except AssertionError as exc:
                failures.append(str(exc))
                return
            if found:
                seen.add(found)

    reader = threading.Thread(target=read)
    reader.start()
    exporters = [_export_process(sample_store, out, source, 3) for source in ("sample-zj", "sample-cq")]
    results = [p.communicate(timeout=900) for p in exporters]
    stop.set()
    reader.join(timeout=120)
    assert [p.returncode for p in exporters] == [0, 0], results
    assert not failures, failures
    assert seen and _consistent_snapshot(out)
    leftovers = [p for p in runs_dir(out).iterdir() if not (p / "manifest.json").exists()]
    assert not leftovers and not list(tmp_path.glob(".out.link-*"))


def test_disk_full_leaves_the_previous_export_and_says_so_in_one_line(sample_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _export_process(sample_store, out, "sample-zj", 1).wait(timeout=600) == 0
    before = Path(os.path.realpath(out))
    manifest_before = (out / "manifest.json").read_text(encoding="utf-8")
    process = _export_process(sample_store, out, "sample-cq", 1, limit=2_000)  # the tables need more
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left on device" in lines[0] and "previous complete export" in lines[0], stderr
    assert Path(os.path.realpath(out)) == before
    assert (out / "manifest.json").read_text(encoding="utf-8") == manifest_before
    assert _consistent_snapshot(out)
    assert [p for p in runs_dir(out).iterdir()] == [before], "the failed export's folder is removed"


def _disk_usage(folder: Path) -> int:
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file())


def test_a_really_full_disk_leaves_the_previous_export(sample_store: Path, tmp_path: Path) -> None:
    """A real ENOSPC: a small tmpfs (needs root, as in CI; skipped where mounting is not allowed)."""
    probe = tmp_path / "probe"
    assert _export_process(sample_store, probe, "sample-zj", 1).wait(timeout=600) == 0
    size = _disk_usage(Path(os.path.realpath(probe))) + 64 * 1024  # room for one export, not for two
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)],
                             check=False, capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        out = disk / "out"
        assert _export_process(sample_store, out, "sample-zj", 1).wait(timeout=600) == 0
        before = Path(os.path.realpath(out))
        process = _export_process(sample_store, out, "sample-cq", 1)
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 1
        assert stderr.strip().count("\n") == 0 and "no space left on device" in stderr, stderr
        assert Path(os.path.realpath(out)) == before and _consistent_snapshot(out)
        assert list(runs_dir(out).iterdir()) == [before]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_run_input_then_export_xlsx_html_through_the_cli(tmp_path: Path) -> None:
    """The issue's user path: `run --input DIR`, then `export --format xlsx --format html`, next to the CSVs."""
    cli = [sys.executable, "-m", "flows.cli"]
    common = ["--store", str(tmp_path / "store"), "--out", str(tmp_path / "out")]
    site = PROJECT_ROOT / "corpora" / "sample" / "site" / "zj"
    ran = subprocess.run([*cli, "--no-progress", "run", "--input", str(site), *common], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=900, check=False)
    assert ran.returncode == 0, ran.stderr[-2000:]
    exported = subprocess.run([*cli, "--no-progress", "export", "--format", "xlsx", "--format", "html", *common],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert exported.returncode == 0, exported.stderr[-2000:]
    out = tmp_path / "out"
    assert {"documents.csv", "chain_leader_table.csv", "findings.xlsx", "report.html", "manifest.json"} <= {
        p.name for p in out.iterdir()}
    manifest = read_manifest(out / "manifest.json")
    assert set(manifest["formats"]) >= {"csv", "parquet", "xlsx", "html"}
    assert manifest["counts"]["documents"] == len(_read(out / "documents.csv")) > 0


def test_old_exports_are_pruned_recent_and_foreign_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = runs_dir(out)
    runs.mkdir()
    day_ago = time.time() - 2 * 24 * 3600
    names = [f"2026010{i}T000000Z-x" for i in range(1, 6)]
    for name in names:
        (runs / name).mkdir()
        (runs / name / "manifest.json").write_text("{}")
        os.utime(runs / name, (day_ago, day_ago))
    (runs / "previous-20250101T000000Z-1").mkdir()  # an old plain export folder, moved aside: never deleted
    os.utime(runs / "previous-20250101T000000Z-1", (day_ago, day_ago))
    (runs / "20251231T000000Z-dead").mkdir()  # unfinished, a day old: an export that died
    os.utime(runs / "20251231T000000Z-dead", (day_ago, day_ago))
    (runs / "20270101T000000Z-busy").mkdir()  # unfinished and fresh: an export still writing
    (runs / "20270102T000000Z-young").mkdir()
    (runs / "20270102T000000Z-young" / "manifest.json").write_text("{}")  # complete, about to be linked
    os.symlink(runs.name + "/" + names[0], out)  # the oldest is the current one
    prune(out)
    kept = {p.name for p in runs.iterdir()}
    assert kept == {names[0], "20270102T000000Z-young", names[4], "previous-20250101T000000Z-1",
                    "20270101T000000Z-busy"}, "current, the two newest, the user's folder, the unfinished fresh one"
    for name in names[1:4]:
        (runs / name).mkdir()
        (runs / name / "manifest.json").write_text("{}")  # complete but recent: too young to prune
    prune(out)
    assert {p.name for p in runs.iterdir()} == kept | set(names[1:4])


def test_a_folder_of_the_users_own_files_is_refused_an_old_plain_export_moved_with_a_warning(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "flows.cli", "--no-progress"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notice.txt").write_text("关于建立链长制的通知\n各区：由市领导担任链长。\n", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"my own work")
    store = ["--store", str(tmp_path / "store")]
    ingested = subprocess.run([*cli, "ingest", *store, str(tmp_path / "in")], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=900, check=False)
    assert ingested.returncode == 0, ingested.stderr[-2000:]

    def export() -> subprocess.CompletedProcess:
        return subprocess.run([*cli, "export", *store, "--out", str(mine)], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=900, check=False)

    refused = export()
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (f"policy-miner: {mine} is a folder of other files (no manifest.json: not a "
                                      "policy-miner export); nothing was written: choose another --out, or empty or "
                                      "move that folder (-v for details)")
    assert not mine.is_symlink() and [p.name for p in mine.iterdir()] == ["thesis.docx"]
    assert not runs_dir(mine).exists()

    (mine / "thesis.docx").unlink()
    (mine / "manifest.json").write_text("{}")  # a plain export folder from before the linked layout
    taken_over = export()
    assert taken_over.returncode == 0, taken_over.stderr[-2000:]
    (aside,) = [p for p in runs_dir(mine).iterdir() if p.name.startswith("previous-")]
    assert (aside / "manifest.json").read_text() == "{}"
    warnings = [line for line in taken_over.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and f"{mine} held an export" in warnings[0] and f"moved to {aside}" in warnings[0]
    assert mine.is_symlink() and (mine / "documents.csv").exists()


def test_an_empty_out_folder_is_simply_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with staged_folder(out) as folder:
        (folder / "manifest.json").write_text("{}")
    assert out.is_symlink() and (out / "manifest.json").exists()
    assert [p.name for p in runs_dir(out).iterdir() if p.name.startswith("previous-")] == []
