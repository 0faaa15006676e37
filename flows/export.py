"""Write the findings tables (CSV with BOM, Parquet, optional Markdown) from the store."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR
from pipeline.export import collect_findings, write_findings
from pipeline.store import CorpusStore


@task(cache_policy=NONE)
def export_task(store_root: str, out_dir: str, doc_ids: list[str] | None, formats: list[str]) -> list[str]:
    with CorpusStore(store_root) as store:
        findings = collect_findings(store, doc_ids)
    return [str(p) for p in write_findings(findings, Path(out_dir), formats)]


@flow(name="export")
def export_flow(store_root: str = str(DEFAULT_STORE), out_dir: str = str(OUTPUTS_DIR),
                sources: list[str] | None = None, doc_ids: list[str] | None = None,
                formats: list[str] | None = None) -> list[str]:
    """Export documents of ``sources`` (or ``doc_ids``, or the whole store) to ``out_dir``."""
    if sources is not None and doc_ids is None:
        with CorpusStore(store_root) as store:
            doc_ids = store.doc_ids(sources)
    written = export_task(store_root, out_dir, doc_ids, formats or ["csv", "parquet"])
    get_run_logger().info("wrote %d files to %s", len(written), out_dir)
    return written
