"""Processing on a Dask cluster through its address (the `--dask-address` path), blobs in S3-compatible storage
(moto's server on loopback), and a worker that dies on one document costing only that document."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.export import collect_findings
from pipeline.ingest import ingest_folder
from pipeline.process import InlineRunner, make_runner, process_batch, process_store
from pipeline.store import CorpusStore

CHAIN_NOTICE = """关于在全市推行重点产业链链长制的通知
为推动产业链稳链强链，市政府决定在全市实行重点产业链“链长制”，建立“三个一”工作机制，即一条产业链、一位市领导担任链长、一个工作专班。
首批重点产业链为智能网联汽车、集成电路、生物医药。市长担任总链长。
"""
OPEN_NOTICE = """关于发布2023年度关键核心技术攻关“揭榜挂帅”榜单的通知
现将榜单予以发布，请符合条件的单位揭榜，单个项目支持不超过500万元。
"""


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 with test credentials in the environment (inherited by Dask workers)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_ENDPOINT_URL", endpoint)
        yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def cluster(s3_endpoint: str) -> Iterator[str]:
    """A LocalCluster of 2 worker processes started by the test; yields its scheduler address."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
            silence_logs=logging.WARNING) as local:
        yield local.scheduler_address


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "chain.txt").write_text(CHAIN_NOTICE, encoding="utf-8")
    (docs / "open.txt").write_text(OPEN_NOTICE, encoding="utf-8")
    for index in range(4):
        (docs / f"chain{index}.txt").write_text(CHAIN_NOTICE + f"\n附件{index}", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage without xref")
    return docs


def _documents(store: CorpusStore):
    return collect_findings(store).documents.sort_values("doc_id").reset_index(drop=True)


def test_dask_address_gives_the_findings_of_an_inline_run(tmp_path: Path, folder: Path, cluster: str) -> None:
    with CorpusStore(tmp_path / "inline") as inline, CorpusStore(tmp_path / "dask") as on_dask:
        ingest_folder(inline, folder)
        ingest_folder(on_dask, folder)
        process_store(inline, runner=InlineRunner())
        runner = make_runner(dask_address=cluster)
        try:
            report = process_store(on_dask, runner=runner, batch_size=2)
        finally:
            runner.close()
        assert report.processed == 7 and not report.failed
        assert report.peak_rss_mb and all(not w.endswith(f":{os.getpid()}") for w in report.peak_rss_mb)
        assert _documents(on_dask).equals(_documents(inline))


def test_workers_read_blobs_from_s3_compatible_storage(tmp_path: Path, folder: Path, cluster: str) -> None:
    import s3fs

    s3fs.S3FileSystem().mkdir("policy-blobs")
    with CorpusStore(tmp_path / "store", blobs="s3://policy-blobs/corpus") as store:
        ingested = ingest_folder(store, folder)
        runner = make_runner(dask_address=cluster)
        try:
            report = process_store(store, runner=runner)
        finally:
            runner.close()
        assert report.processed == len(ingested.doc_ids) == 7
        documents = _documents(store)
    assert not (tmp_path / "store" / "blobs").exists()  # the raw bytes live in the bucket only
    assert len(s3fs.S3FileSystem().find("policy-blobs/corpus")) == 7
    chain = documents[documents.source_url == "chain.txt"].iloc[0]
    assert "chain_leader" in chain.modes
    with CorpusStore(tmp_path / "store") as reopened:  # the blob location is remembered by the store
        assert reopened.blobs.url == "s3://policy-blobs/corpus"


def test_a_worker_dying_on_one_document_costs_only_that_document(tmp_path: Path, folder: Path, cluster: str) -> None:
    with CorpusStore(tmp_path / "store") as store:
        ingest_folder(store, folder)
        killer = next(d.doc_id for d in store.documents() if d.url == "open.txt")

        def dies_on_the_killer(batch):  # pickled by value to the workers: the real batch function otherwise
            if any(raw.doc_id == killer for raw in batch.documents):
                os._exit(1)  # the worker process dies, as it does when the OS kills it for memory
            return process_batch(batch)

        class KillingRunner:
            def __init__(self, runner):
                self.runner = runner

            def map(self, fn, batches):
                return self.runner.map(dies_on_the_killer, batches)

        runner = make_runner(dask_address=cluster)
        try:
            report = process_store(store, runner=KillingRunner(runner), batch_size=7)
        finally:
            runner.close()
        assert report.processed == 7 and report.failed == [killer]
        results = {r.doc_id: r for r in store.results()}
        assert "worker lost on this document" in results[killer].errors[0]
        assert all(r.classification is not None for doc_id, r in results.items() if doc_id != killer)
        assert [e.doc_id for e in store.errors() if e.stage == "process"] == [killer]


def test_a_document_queued_behind_the_killer_on_its_worker_is_not_blamed(tmp_path: Path, folder: Path,
                                                                          s3_endpoint: str) -> None:
    """One worker of one thread holds two tasks (the scheduler's default saturation): the one it runs and the next.
    When the first kills the worker, the scheduler fails both; only the first is to blame."""
    import dask
    from distributed import LocalCluster

    with CorpusStore(tmp_path / "store") as store:
        ingest_folder(store, folder)
        killer = next(d.doc_id for d in store.documents() if d.url == "open.txt")

        def dies_on_the_killer(batch):
            if any(raw.doc_id == killer for raw in batch.documents):
                os._exit(1)
            return process_batch(batch)

        class KillerFirst:
            def __init__(self, runner):
                self.runner = runner

            def map(self, fn, batches):  # the killer first, so that another document is queued behind it
                ordered = sorted(batches, key=lambda batch: all(raw.doc_id != killer for raw in batch.documents))
                return self.runner.map(dies_on_the_killer, ordered)

        with dask.config.set({"distributed.scheduler.allowed-failures": 0}), LocalCluster(
                n_workers=1, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                silence_logs=logging.WARNING) as one_worker:
            runner = make_runner(dask_address=one_worker.scheduler_address)
            try:
                report = process_store(store, runner=KillerFirst(runner), batch_size=1)
            finally:
                runner.close()
        assert report.processed == 7 and report.failed == [killer]


def test_a_worker_that_cannot_work_stops_the_run_and_blames_no_document(tmp_path: Path, folder: Path,
                                                                       cluster: str) -> None:
    with CorpusStore(tmp_path / "store") as store:
        ingest_folder(store, folder)

        def broken_worker(batch):  # as a worker whose model files do not match its code
            raise RuntimeError("mode classifier in models/ does not match this code")

        class BrokenRunner:
            def __init__(self, runner):
                self.runner = runner

            def map(self, fn, batches):
                return self.runner.map(broken_worker, batches)

        runner = make_runner(dask_address=cluster)
        try:
            with pytest.raises(RuntimeError, match="does not match this code"):
                process_store(store, runner=BrokenRunner(runner))
        finally:
            runner.close()
        assert list(store.results()) == [] and not [e for e in store.errors() if e.stage == "process"]
