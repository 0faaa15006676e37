"""The main job: gather documents (crawl sources, or ingest a folder), process them, export findings.

Composes the other flows as subflows, so each appears in the Prefect UI
with its own state and the researcher can rerun any one of them alone.
"""

from __future__ import annotations

from prefect import flow

from flows.export import export_flow
from flows.ingest import ingest_flow
from flows.process import process_flow
from flows.refresh import refresh_flow
from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR
from pipeline.store import CorpusStore


@flow(name="run")
def run_flow(input_dir: str | None = None, out_dir: str = str(OUTPUTS_DIR), store_root: str = str(DEFAULT_STORE),
             sources: list[str] | None = None, keywords: list[str] | None = None, max_docs: int | None = None,
             formats: list[str] | None = None) -> list[str]:
    """With ``input_dir``: ingest → process → export that folder's documents.
    Without: refresh ``sources`` (default: the bundled sample site) → process → export their documents."""
    if input_dir:
        doc_ids = ingest_flow(input_dir, store_root)
    else:
        crawled = refresh_flow(sources, keywords, store_root, max_docs)
        with CorpusStore(store_root) as store:
            doc_ids = store.doc_ids(crawled)
    process_flow(store_root, doc_ids)
    return export_flow(store_root, out_dir, doc_ids=doc_ids, formats=formats)
