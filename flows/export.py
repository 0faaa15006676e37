"""Write the findings (CSV and Parquet tables, and on request Markdown, XLSX, the HTML report, the corpus) from the store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR
from pipeline.export import collect_findings, write_findings
from pipeline.manifest import run_info_from_dict
from pipeline.store import CorpusStore


@task(cache_policy=NONE)
def export_task(store_root: str, out_dir: str, doc_ids: list[str] | None, formats: list[str],
                run: dict | None = None) -> list[str]:
    info = run_info_from_dict(run)
    info = replace(info, store=info.store or store_root,
                   flow_run_id=info.flow_run_id or flow_run.root_flow_run_id or "")
    with CorpusStore(store_root) as store:
        findings = collect_findings(store, doc_ids)
    return [str(p) for p in write_findings(findings, Path(out_dir), formats, info)]


@flow(name="export")
def export_flow(store_root: str = str(DEFAULT_STORE), out_dir: str = str(OUTPUTS_DIR),
                sources: list[str] | None = None, doc_ids: list[str] | None = None,
                formats: list[str] | None = None, run: dict | None = None) -> list[str]:
    """Export documents of ``sources`` (or ``doc_ids``, or the whole store) to ``out_dir``.

    ``run`` describes the run for manifest.json (see pipeline.manifest.RunInfo): command, input folder,
    sources, keywords, start time; the Prefect flow-run id is filled in here when not given."""
    if sources is not None and doc_ids is None:
        with CorpusStore(store_root) as store:
            doc_ids = store.doc_ids(sources)
    run = {"sources": sources or [], **(run or {})}
    written = export_task(store_root, out_dir, doc_ids, formats or ["csv", "parquet"], run)
    get_run_logger().info("wrote %d files to %s", len(written), out_dir)
    return written
