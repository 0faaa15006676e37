"""Deployments that `policy-miner schedule` serves on the Prefect server at PREFECT_API_URL.

- ``refresh-process-export`` (flow ``run``): on a cron schedule (default every Monday 03:00, Asia/Shanghai),
  crawl the sources (default: national and provincial), process what is new or changed, export the findings.
- ``reprocess`` (flow ``process``): rerun processing on the stored corpus (no scraping), on demand.
- ``export-findings`` (flow ``export``): write the findings from the store, on demand.

Every deployment carries the store, output folder, workers and Dask address it was served with as its
parameters, so a run triggered from the UI or `prefect deployment run` works on the same store.
prefect.yaml declares the same three for `prefect deploy` to a process work pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import serve
from prefect.schedules import Cron

from flows.export import export_flow
from flows.process import process_flow
from flows.run import run_flow
from pipeline.config import DEFAULT_STORE, OUTPUTS_DIR

REFRESH_CRON = "0 3 * * 1"
REFRESH_TIMEZONE = "Asia/Shanghai"
REFRESH_SOURCES = ["national", "provincial"]
NAMES = ("refresh-process-export", "reprocess", "export-findings")


@dataclass(frozen=True)
class DeploymentOptions:
    cron: str = REFRESH_CRON
    sources: list[str] | None = None  # None: REFRESH_SOURCES
    keywords: list[str] = field(default_factory=list)
    max_docs: int | None = None
    store_root: str = str(DEFAULT_STORE)
    out_dir: str = str(OUTPUTS_DIR)
    formats: list[str] = field(default_factory=list)
    workers: int = 1
    dask_address: str | None = None


def deployments(options: DeploymentOptions = DeploymentOptions()) -> list:
    where = {"workers": options.workers, "dask_address": options.dask_address}
    return [
        run_flow.to_deployment(
            name=NAMES[0], schedule=Cron(options.cron, timezone=REFRESH_TIMEZONE),
            parameters={"sources": options.sources or REFRESH_SOURCES, "keywords": options.keywords,
                        "max_docs": options.max_docs, "store_root": options.store_root, "out_dir": options.out_dir,
                        "formats": options.formats, **where}),
        process_flow.to_deployment(name=NAMES[1], parameters={"store_root": options.store_root, **where}),
        export_flow.to_deployment(name=NAMES[2], parameters={"store_root": options.store_root,
                                                             "out_dir": options.out_dir, "formats": options.formats}),
    ]


def serve_deployments(options: DeploymentOptions = DeploymentOptions()) -> None:
    """Block, running the scheduled and on-demand deployments' flow runs from this process."""
    serve(*deployments(options))
