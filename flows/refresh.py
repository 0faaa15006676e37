"""The `refresh` flow: crawl the configured sources into the store (pipeline.jobs.refresh_job).

One task per source, so a portal that is down is retried on its own (network
steps also retry with backoff inside) and never blocks the others.  A source
whose crawl failed makes the flow run end Failed, with the summary as message.
"""

from __future__ import annotations

from prefect import flow

from pipeline.config import DEFAULT_STORE
from pipeline.jobs import refresh_job


class SourcesFailed(RuntimeError):
    """Raised at the end of a refresh some of whose sources could not be crawled (the others were)."""


@flow(name="refresh")
def refresh_flow(sources: list[str] | None = None, keywords: list[str] | None = None,
                 store_root: str = str(DEFAULT_STORE), max_docs: int | None = None, retry_failed: bool = False) -> dict:
    """Crawl ``sources`` (names or groups from corpora/sources.toml; default: the bundled sample site).

    Returns the summary (pipeline.jobs.Summary as a dict; ``sources`` names the sources crawled).
    """
    summary = refresh_job(sources, keywords, store_root, max_docs, retry_failed)
    if summary.failed_sources:
        raise SourcesFailed(summary.line())
    return summary.as_dict()
