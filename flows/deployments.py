"""Deployments for a long-running Prefect worker: `policy-miner schedule` serves them.

- ``weekly-refresh``: crawl the national and provincial sources every Monday 03:00 (Asia/Shanghai).
- ``reprocess``: rerun extraction on the stored corpus (no scraping), on demand.
- ``export-findings``: write outputs/ from the store, on demand.
Trigger the on-demand ones from the Prefect UI or `prefect deployment run 'process/reprocess'`.
"""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from flows.export import export_flow
from flows.process import process_flow
from flows.refresh import refresh_flow

REFRESH_CRON = "0 3 * * 1"
REFRESH_SOURCES = ["national", "provincial"]


def deployments() -> list:
    return [
        refresh_flow.to_deployment(name="weekly-refresh", schedule=Cron(REFRESH_CRON, timezone="Asia/Shanghai"),
                                   parameters={"sources": REFRESH_SOURCES}),
        process_flow.to_deployment(name="reprocess"),
        export_flow.to_deployment(name="export-findings"),
    ]


def serve_deployments() -> None:
    """Block, running the scheduled and on-demand deployments in this process."""
    serve(*deployments())
