"""The `process` flow: pipeline.process's loop, with its batches as Prefect tasks on the flow's task runner.

Nothing here computes: :func:`pipeline.jobs.process_job` decides what is stale,
cuts batches and writes results to the store in this (the flow's) process;
:class:`PrefectTaskRunner` only hands the pure ``process_batch`` to Prefect,
which runs it on a Dask cluster (prefect-dask) when the flow was given one
(:func:`task_runner_for`).  Batch results are not persisted by Prefect: the
store's results table is the one result cache (no pickled results to trust).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.config import DEFAULT_STORE
from pipeline.jobs import process_job
from pipeline.process import Batch, BatchFunction, BatchOutcome, default_workers, process_batch

process_batch_task = task(process_batch, name="process_batch", cache_policy=NONE, persist_result=False)


class PrefectTaskRunner:
    """pipeline.process's Runner protocol over Prefect task futures (submitted to the current flow's task runner)."""

    def map(self, fn: BatchFunction, batches: Sequence[Batch]) -> Iterator[tuple[Batch, BatchOutcome | BaseException]]:
        as_task = process_batch_task if fn is process_batch else task(fn, cache_policy=NONE, persist_result=False)
        futures = [as_task.submit(batch) for batch in batches]
        by_run = {future.task_run_id: batch for future, batch in zip(futures, batches, strict=True)}
        for future in as_completed(futures):
            try:
                yield by_run[future.task_run_id], future.result()
            except Exception as exc:  # noqa: BLE001 - retried document by document by the loop
                yield by_run[future.task_run_id], exc


def task_runner_for(workers: int | None = None, dask_address: str | None = None):
    """A Dask task runner on the cluster at ``dask_address``, or on a local cluster of ``workers`` processes;
    a single thread for one worker.  Defaults come from POLICY_MINER_WORKERS / POLICY_MINER_DASK_ADDRESS."""
    if workers is None:
        workers = int(os.environ.get("POLICY_MINER_WORKERS") or 1)
    workers = workers or default_workers()  # 0: one per core
    dask_address = dask_address or os.environ.get("POLICY_MINER_DASK_ADDRESS") or None
    if not dask_address and workers <= 1:
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": "127.0.0.1:0"})


@flow(name="process", task_runner=task_runner_for())
def process_flow(store_root: str = str(DEFAULT_STORE), doc_ids: list[str] | None = None, force: bool = False,
                 workers: int | None = None, dask_address: str | None = None) -> dict:
    """Process every stored document (or ``doc_ids``) that is new, changed, or made by older code/model.

    Batches run on the flow's task runner; ``workers`` > 1 or ``dask_address`` run them in a subflow on a
    Dask task runner made for that (a local cluster of processes, or the cluster at the address).
    Returns the summary (pipeline.jobs.Summary as a dict).
    """
    if workers is not None and workers != 1 or dask_address:
        runner = task_runner_for(workers, dask_address)
        return process_flow.with_options(task_runner=runner)(store_root, doc_ids, force)
    return process_job(store_root, doc_ids, force).as_dict()
