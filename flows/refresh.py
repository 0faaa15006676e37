"""Scheduled corpus refresh: crawl the configured sources into the store.

One task per source, so a portal that is down is retried on its own
(network steps retry with backoff) and never blocks the others.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from pipeline.config import DEFAULT_STORE, SOURCES_FILE
from pipeline.crawl import refresh_source
from pipeline.mirror import serve_sample_site
from pipeline.progress import counter
from pipeline.sources import SourceConfig, load_sources
from pipeline.store import CorpusStore

SAMPLE_GROUP = "sample"


@task(retries=2, retry_delay_seconds=[10, 60], cache_policy=NONE)
def refresh_source_task(store_root: str, source: SourceConfig, max_docs: int | None) -> dict:
    with CorpusStore(store_root) as store, counter(f"refresh {source.name}", max_docs) as advance:
        report = refresh_source(store, source, max_docs=max_docs, progress=lambda name, done: advance(1))
    get_run_logger().info("%s: %s", source.name, report)
    return asdict(report)


def sources_for(names: list[str] | None, keywords: list[str], mirror: str | None) -> list[SourceConfig]:
    overrides = {"mirror": mirror} if mirror else None
    return load_sources(SOURCES_FILE, names=names or [SAMPLE_GROUP], keywords=keywords, overrides=overrides)


def needs_mirror(names: list[str] | None) -> bool:
    """The bundled sample sources point at the local mirror, which the flow starts itself."""
    return not names or any(name == SAMPLE_GROUP or name.startswith(f"{SAMPLE_GROUP}-") for name in names)


@flow(name="refresh")
def refresh_flow(sources: list[str] | None = None, keywords: list[str] | None = None,
                 store_root: str = str(DEFAULT_STORE), max_docs: int | None = None) -> list[str]:
    """Crawl ``sources`` (names or groups from corpora/sources.toml; default: the bundled sample site).

    Returns the source names crawled (their documents are what `export --source` selects).
    """
    with ExitStack() as stack:
        mirror = stack.enter_context(serve_sample_site()) if needs_mirror(sources) else None
        configs = sources_for(sources, list(keywords or []), mirror)
        for config in configs:
            refresh_source_task(store_root, config, max_docs)
    return [c.name for c in configs]
