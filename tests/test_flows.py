"""The Prefect flows on the real engine (the session's Prefect server), end to end on files.

The flows are thin wrappers of pipeline.jobs; these tests check what Prefect adds: stages and batches as
task runs, batches on a Dask task runner for ``workers=2``, no pickled result cache, failed states."""

from __future__ import annotations

import codecs
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from prefect.client.orchestration import get_client

from flows.export import export_flow
from flows.process import process_flow
from flows.refresh import refresh_flow
from flows.run import run_flow
from pipeline.export import DOCUMENT_COLUMNS, TABLE1_COLUMNS
from pipeline.store import CorpusStore

CHAIN_NOTICE = """关于在全市推行重点产业链链长制的通知
各区人民政府，市政府各部门：
为推动产业链稳链强链，市政府决定在全市实行重点产业链“链长制”，建立“三个一”工作机制，即一条产业链、一位市领导担任链长、一个工作专班。
首批重点产业链为智能网联汽车、集成电路、生物医药。市长担任总链长。
市人民政府办公厅
2022年3月1日
"""


pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "chain.txt").write_text(CHAIN_NOTICE, encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage without xref")
    (docs / "archive.rar").write_bytes(b"Rar!\x1a\x07\x00" + bytes(range(256)))
    return docs


def test_run_on_a_folder_writes_the_contract_and_records_bad_files(folder: Path, tmp_path: Path) -> None:
    out, store_root = tmp_path / "out", tmp_path / "store"
    summary = run_flow(input_dir=str(folder), out_dir=str(out), store_root=str(store_root))
    written = summary["written"]
    assert (summary["documents"], summary["new"], summary["processed"]) == (3, 3, 3)
    assert {Path(p).name for p in written} >= {"documents.csv", "documents.parquet", "chain_leader_table.csv",
                                                "chains.csv", "chain_leader_table.json"}
    raw = (out / "documents.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    documents = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert list(documents.source_url) == ["chain.txt"]  # a corrupt PDF and a .rar given alone yield no text:
    assert "chain_leader" in documents.modes[0].split(";") and documents.error[0] == ""  # errors, not documents
    errors = pd.read_csv(out / "fetch_errors.csv", encoding="utf-8-sig", keep_default_na=False)
    reasons = dict(zip(errors.url, errors.stage + " " + errors.message, strict=True))
    assert set(reasons) == {"broken.pdf", "archive.rar"}, reasons
    assert reasons["broken.pdf"].startswith("parse ") and "pdf" in reasons["broken.pdf"].lower()
    assert reasons["archive.rar"].startswith("parse unsupported file type"), reasons
    table = pd.read_csv(out / "chain_leader_table.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == TABLE1_COLUMNS
    assert pd.read_parquet(out / "documents.parquet").shape == documents.shape


def test_rerun_on_unchanged_input_adds_nothing_and_redoes_nothing(folder: Path, tmp_path: Path) -> None:
    store_root = tmp_path / "store"
    run_flow(input_dir=str(folder), out_dir=str(tmp_path / "out1"), store_root=str(store_root))
    with CorpusStore(store_root) as store:
        documents_before = store.count_documents()
        blobs_before = sorted(p.name for p in store.blob_dir.rglob("*") if p.is_file())
    run_flow(input_dir=str(folder), out_dir=str(tmp_path / "out2"), store_root=str(store_root))
    summary = process_flow(str(store_root))
    assert (summary["processed"], summary["up_to_date"], summary["failed"]) == (0, documents_before, 0)
    with CorpusStore(store_root) as store:
        assert store.count_documents() == documents_before
        assert sorted(p.name for p in store.blob_dir.rglob("*") if p.is_file()) == blobs_before
    first = (tmp_path / "out1" / "documents.csv").read_bytes()
    assert (tmp_path / "out2" / "documents.csv").read_bytes() == first


def test_lost_results_are_redone_from_the_store_and_nothing_is_pickled(folder: Path, tmp_path: Path) -> None:
    store_root = tmp_path / "store"
    run_flow(input_dir=str(folder), out_dir=str(tmp_path / "out"), store_root=str(store_root))
    with sqlite3.connect(store_root / "corpus.sqlite") as db:
        db.execute("DELETE FROM results")
    summary = process_flow(str(store_root))
    assert summary["processed"] == 3
    with get_client(sync_client=True) as client:
        batches = [run for run in client.read_task_runs() if run.name.startswith("process_batch")]
    assert batches and all(run.state.name == "Completed" for run in batches)
    with CorpusStore(store_root) as store:
        assert len(list(store.results())) == 3
    # the store's results table is the only result cache: Prefect persisted no (cloudpickle) task result
    storage = Path(os.environ["PREFECT_HOME"]) / "storage"
    assert not storage.exists() or not any(storage.iterdir())


def test_two_workers_run_batches_on_a_dask_task_runner_with_the_same_findings(folder: Path, tmp_path: Path) -> None:
    run_flow(input_dir=str(folder), out_dir=str(tmp_path / "one"), store_root=str(tmp_path / "s1"))
    summary = run_flow(input_dir=str(folder), out_dir=str(tmp_path / "two"), store_root=str(tmp_path / "s2"),
                       workers=2)
    assert summary["processed"] == 3
    one = pd.read_csv(tmp_path / "one" / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    two = pd.read_csv(tmp_path / "two" / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    pd.testing.assert_frame_equal(one, two)
    # the batches ran in worker processes of the Dask cluster, not in this (the flow's) process
    assert summary["workers"] and all(not w.endswith(f":{os.getpid()}") for w in summary["workers"])


def test_markdown_export_renders_table_one(folder: Path, tmp_path: Path) -> None:
    store_root = str(tmp_path / "store")
    run_flow(input_dir=str(folder), out_dir=str(tmp_path / "out"), store_root=store_root)
    written = export_flow(store_root, str(tmp_path / "md"), formats=["md"])["written"]
    markdown = Path(next(p for p in written if p.endswith(".md"))).read_text(encoding="utf-8")
    assert markdown.startswith("| 地区 | 发展理念 | 发展模式 | 重点产业链方向 |")


def test_a_refresh_whose_source_fails_ends_failed_with_the_summary(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = tmp_path / "sources.toml"
    registry.write_text(f'[[sources]]\nname = "dead-portal"\nkind = "trs"\nbase_url = "http://127.0.0.1:{port}/"\n'
                        'delay = 0.0\nretries = 0\nrespect_robots = false\n', encoding="utf-8")
    monkeypatch.setattr("pipeline.jobs.SOURCES_FILE", registry)
    state = refresh_flow(["dead-portal"], None, str(tmp_path / "store"), return_state=True)
    assert state.is_failed()
    assert "sources failed: dead-portal" in state.message


def test_the_cli_runs_as_a_flow_on_the_server_prefect_api_url_names(prefect_server: str, folder: Path,
                                                                    tmp_path: Path) -> None:
    env = dict(os.environ) | {"PREFECT_API_URL": prefect_server}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "--no-progress", "run", "--input", str(folder),
                             "--store", str(tmp_path / "store"), "--out", str(tmp_path / "out")],
                            cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
                            timeout=1800, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("3 items: 3 new, 3 processed; 1 document (0 failed), "
                                                             "2 not documents")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(manifest["flow_run_id"])
    assert flow_run.state.is_completed()
