"""Add a local folder of documents to the store without crawling."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from pipeline.config import DEFAULT_STORE
from pipeline.ingest import ingest_folder
from pipeline.store import CorpusStore


@task(cache_policy=NONE)
def ingest_task(store_root: str, folder: str) -> list[str]:
    with CorpusStore(store_root) as store:
        report = ingest_folder(store, Path(folder))
    get_run_logger().info("ingest %s: %s", folder, report)
    for error in report.errors:
        get_run_logger().warning(error)
    return report.doc_ids


@flow(name="ingest")
def ingest_flow(folder: str, store_root: str = str(DEFAULT_STORE)) -> list[str]:
    """Store every file below ``folder``; returns the ids of the documents found there."""
    return ingest_task(store_root, folder)
