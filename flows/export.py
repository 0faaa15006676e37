"""The `export` flow: write the findings (CSV and Parquet tables, and on request Markdown, XLSX, the HTML report,
the corpus) from the store, with manifest.json (pipeline.jobs.export_job)."""

from __future__ import annotations

from prefect import flow

from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR
from pipeline.jobs import export_job


@flow(name="export")
def export_flow(store_root: str = str(DEFAULT_STORE), out_dir: str = str(OUTPUTS_DIR),
                sources: list[str] | None = None, doc_ids: list[str] | None = None,
                formats: list[str] | None = None, run: dict | None = None) -> dict:
    """Export documents of ``sources`` (or ``doc_ids``, or the whole store) to ``out_dir``.

    ``run`` describes the run for manifest.json (see pipeline.manifest.RunInfo): command, input folder,
    sources, keywords, start time; the Prefect flow-run id is filled in when not given.
    Returns the summary (pipeline.jobs.Summary as a dict; ``written``: the files written)."""
    return export_job(store_root, out_dir, sources, doc_ids, formats, run).as_dict()
