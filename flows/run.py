"""The `run` flow: gather documents (crawl sources, or ingest a folder), process them, export findings.

One flow whose stages are tasks (pipeline.jobs.run_job); process batches go to
the flow's task runner, so ``run_flow.with_options(task_runner=task_runner_for(2))``
processes on two local processes and ``task_runner_for(dask_address=...)`` on a cluster.
"""

from __future__ import annotations

from prefect import flow

from flows.process import task_runner_for
from flows.refresh import SourcesFailed
from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR
from pipeline.jobs import run_job


@flow(name="run", task_runner=task_runner_for())
def run_flow(input_dir: str | None = None, out_dir: str = str(OUTPUTS_DIR), store_root: str = str(DEFAULT_STORE),
             sources: list[str] | None = None, keywords: list[str] | None = None, max_docs: int | None = None,
             formats: list[str] | None = None, workers: int | None = None, dask_address: str | None = None,
             follow_outside: bool = False, retry_failed: bool = False) -> dict:
    """With ``input_dir``: ingest → process → export that folder's documents.
    Without: refresh ``sources`` (default: the bundled sample site) → process → export their documents.

    ``workers`` > 1 or ``dask_address``: the same flow as a subflow on a Dask task runner made for that.
    Returns the summary (files written in ``written``); ends Failed when a source could not be crawled
    (after exporting the rest)."""
    if workers is not None and workers != 1 or dask_address:
        runner = task_runner_for(workers, dask_address)
        return run_flow.with_options(task_runner=runner)(input_dir, out_dir, store_root, sources, keywords,
                                                         max_docs, formats, None, None, follow_outside, retry_failed)
    summary = run_job(input_dir, out_dir, store_root, sources, keywords, max_docs, formats,
                      follow_outside=follow_outside, retry_failed=retry_failed)
    if summary.failed_sources:
        raise SourcesFailed(summary.line())
    return summary.as_dict()
