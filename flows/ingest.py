"""The `ingest` flow: add a local folder of documents to the store without crawling (pipeline.jobs.ingest_job)."""

from __future__ import annotations

from prefect import flow

from pipeline.config import DEFAULT_STORE
from pipeline.jobs import ingest_job


@flow(name="ingest")
def ingest_flow(folder: str, store_root: str = str(DEFAULT_STORE), follow_outside: bool = False) -> dict:
    """Store every file below ``folder``; returns the summary (``doc_ids``: the documents found there)."""
    return ingest_job(folder, store_root, follow_outside).as_dict()
