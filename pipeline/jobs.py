"""What each command does, as plain functions: ingest, refresh, process, export, and run (gather → process → export).

One-off commands (the CLI) call these directly: no Prefect server, nothing to
start, nothing to time out.  flows/ wraps the same functions as Prefect flows
for served, scheduled and distributed work; inside a flow run, :func:`step`
makes each stage a Prefect task (its own state, retries and logs in the UI)
and :func:`batch_runner` sends process batches to the flow's task runner.
Outside a flow run Prefect is never imported.

Every job returns a :class:`Summary` whose :meth:`Summary.line` is the one
line a person reads at the end of a command.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline.config import SOURCES_FILE

if TYPE_CHECKING:
    from pipeline.models import ProcessedDocument
    from pipeline.store import CorpusStore

log = logging.getLogger("policy_miner")
T = TypeVar("T")

SAMPLE_GROUP = "sample"
MIRROR_PLACEHOLDER = "http://127.0.0.1:0"  # stands in for the sample mirror's address when only checking names


class UsageError(ValueError):
    """A request refused before any work (unknown source or format, empty folder, missing store)."""


# -- Prefect, only when running inside a flow ------------------------------------------------------------


def in_flow_run() -> bool:
    if "prefect" not in sys.modules:
        return False
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a flow run (its lines show in the UI), the standard logger otherwise."""
    if in_flow_run():
        from prefect import get_run_logger

        return get_run_logger()
    return log


def step(fn: Callable[..., T], *args: object, retries: int = 0, **kwargs: object) -> T:
    """Call ``fn``; inside a flow run, as a Prefect task of that name (run in the flow's own process)."""
    if not in_flow_run():
        return fn(*args, **kwargs)
    from prefect import task
    from prefect.cache_policies import NONE

    as_task = task(fn, name=fn.__name__.strip("_"), retries=retries, retry_delay_seconds=[10, 60][:retries] or 0,
                   cache_policy=NONE, persist_result=False)
    return as_task(*args, **kwargs)


def batch_runner(workers: int = 1, dask_address: str | None = None):
    """How process batches run: Prefect tasks on the flow's task runner inside a flow, else pipeline.process's."""
    if in_flow_run():
        from flows.process import PrefectTaskRunner

        return PrefectTaskRunner()
    from pipeline.process import make_runner

    return make_runner(workers, dask_address)


# -- summaries ------------------------------------------------------------------------------------------


@dataclass
class Summary:
    """Counts a command ends with (documents in scope, what happened to them) and what it wrote."""

    documents: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    processed: int = 0
    up_to_date: int = 0
    failed: int = 0  # documents with a recorded error (fetch failures of a crawl included)
    not_ingested: int = 0  # files of an input folder that did not become documents (each recorded with why)
    not_documents: list[str] = field(default_factory=list)  # why, per stored item no file of which yielded text
    failed_sources: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)  # host:pid of the processes that ran process batches

    @property
    def ok(self) -> bool:
        return not self.failed_sources

    def line(self) -> str:
        counts = {"new": self.new, "changed": self.changed, "unchanged": self.unchanged, "processed": self.processed}
        parts = [f"{n} {what}" for what, n in counts.items() if n]
        if self.not_documents:  # counted apart: they are in fetch_errors, not in the findings
            kept, refused = self.documents - len(self.not_documents), len(self.not_documents)
            text = (f"{self.documents} items{': ' + ', '.join(parts) if parts else ''}; "
                    f"{kept} document{'s' if kept != 1 else ''} "
                    f"({self.failed} failed), {refused} {'not documents' if refused > 1 else 'not a document'} "
                    f"({', '.join(Counter(self.not_documents))})")
        else:
            text = f"{self.documents} documents: {', '.join([*parts, f'{self.failed} failed'])}"
        if self.not_ingested:
            text += f"; {self.not_ingested} file{'s' if self.not_ingested > 1 else ''} not ingested"
        if self.failed_sources:
            text += f"; sources failed: {', '.join(self.failed_sources)}"
        if self.written:
            text += f"; wrote {len(self.written)} files to {Path(self.written[0]).parent}"
        if self.failed or self.failed_sources or self.not_ingested or self.not_documents:
            text += " — policy-miner status for details"
        return text

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# -- checks before any work --------------------------------------------------------------------------------


def open_existing(store_root: str | Path) -> CorpusStore:
    """The store at ``store_root``, refused (UsageError) when there is none: a mistyped --store creates nothing."""
    from pipeline.store import CorpusStore, StoreNotFoundError

    try:
        return CorpusStore(store_root, create=False)
    except StoreNotFoundError as exc:
        raise UsageError(str(exc)) from None


def check_sources(names: Sequence[str] | None) -> None:
    from pipeline.sources import load_sources
    from pipeline.sources.registry import SourceConfigError

    try:
        load_sources(SOURCES_FILE, names=list(names) if names else [SAMPLE_GROUP],
                     overrides={"mirror": MIRROR_PLACEHOLDER})
    except SourceConfigError as exc:
        raise UsageError(str(exc)) from None


def check_formats(formats: Sequence[str] | None) -> None:
    from pipeline.exports import FORMATS

    unknown = sorted(set(formats or ()) - set(FORMATS))
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")


def check_input(folder: str | Path) -> None:
    """A folder with at least one file somewhere below it (which files are documents is ingest's business)."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    if not any(files for _, _, files in os.walk(path)):
        raise UsageError(f"{path} holds no files to ingest")


# -- the jobs ------------------------------------------------------------------------------------------------


def ingest_job(folder: str, store_root: str, follow_outside: bool = False) -> Summary:
    """Store every file below ``folder``; the summary's doc_ids are the documents found there.
    Symbolic links leaving the folder are recorded, not followed, unless ``follow_outside``."""
    check_input(folder)
    return step(_ingest, folder, store_root, follow_outside)


def _ingest(folder: str, store_root: str, follow_outside: bool = False) -> Summary:
    from pipeline.ingest import ingest_folder
    from pipeline.store import CorpusStore

    with CorpusStore(store_root) as store:
        report = ingest_folder(store, Path(folder), follow_outside=follow_outside)
    return Summary(documents=len(report.doc_ids), new=report.new, unchanged=report.unchanged,
                   not_ingested=len(report.errors), doc_ids=report.doc_ids)


def refresh_job(sources: list[str] | None, keywords: list[str] | None, store_root: str,
                max_docs: int | None = None, retry_failed: bool = False) -> Summary:
    """Crawl ``sources`` (names or groups of corpora/sources.toml; default: the bundled sample site, served by
    a local mirror started here).  A source whose crawl failed is named in ``failed_sources``.
    ``retry_failed``: retry attachments that failed for good now, not after ``retry_failed_after_days``."""
    check_sources(sources)
    from pipeline.mirror import serve_sample_site
    from pipeline.sources import load_sources
    from pipeline.store import CorpusStore

    summary = Summary()
    with ExitStack() as stack:
        needs_mirror = not sources or any(n == SAMPLE_GROUP or n.startswith(f"{SAMPLE_GROUP}-") for n in sources)
        mirror = stack.enter_context(serve_sample_site()) if needs_mirror else None
        configs = load_sources(SOURCES_FILE, names=sources or [SAMPLE_GROUP], keywords=list(keywords or []),
                               overrides={"mirror": mirror} if mirror else None)
        for config in configs:
            report = step(_refresh_source, store_root, config, max_docs, retry_failed, retries=2)
            summary.sources.append(config.name)
            summary.new += report.new
            summary.changed += report.changed
            summary.unchanged += report.unchanged
            summary.failed += report.errors
            if report.listed == 0 and report.errors:
                summary.failed_sources.append(config.name)
    with CorpusStore(store_root) as store:
        summary.doc_ids = store.doc_ids(summary.sources)
    summary.documents = len(summary.doc_ids)
    return summary


def _refresh_source(store_root: str, source, max_docs: int | None, retry_failed: bool = False):
    from pipeline.crawl import refresh_source
    from pipeline.progress import counter
    from pipeline.store import CorpusStore

    with CorpusStore(store_root) as store, counter(f"refresh {source.name}", max_docs) as advance:
        report = refresh_source(store, source, max_docs=max_docs, progress=lambda name, done: advance(1),
                                retry_failed=retry_failed)
    (logger().warning if report.errors else logger().info)(
        "%s: %d listed, %d new, %d changed, %d unchanged, %d errors", source.name, report.listed, report.new,
        report.changed, report.unchanged, report.errors)
    return report


def process_job(store_root: str, doc_ids: list[str] | None = None, force: bool = False, workers: int = 1,
                dask_address: str | None = None) -> Summary:
    """Process what is new or stale in the store (or ``doc_ids``), batches on ``workers`` / a Dask cluster."""
    with open_existing(store_root) as store:  # refused before anything heavy is loaded
        from pipeline.process import process_store

        runner = batch_runner(workers, dask_address)
        try:
            report = process_store(store, doc_ids=doc_ids, force=force, runner=runner)
        finally:
            close = getattr(runner, "close", None)
            if close:
                close()
        not_documents = not_document_reasons(store.results(report.not_documents))
    logger().info("process: %s", report)
    return Summary(documents=report.processed + report.skipped, processed=report.processed,
                   up_to_date=report.skipped, unchanged=report.skipped, failed=len(report.with_errors),
                   not_documents=not_documents, workers=sorted(report.peak_rss_mb))


def export_job(store_root: str, out_dir: str, sources: list[str] | None = None, doc_ids: list[str] | None = None,
               formats: list[str] | None = None, run: dict | None = None) -> Summary:
    """Write the findings of ``doc_ids`` (or of ``sources``, or the whole store) to ``out_dir``."""
    from pipeline.store import CorpusStore

    check_formats(formats)
    with open_existing(store_root) as store:
        if sources is not None and doc_ids is None:
            known = set(store.sources())
            unknown = [s for s in sources if s not in known]
            if unknown:
                raise UsageError(f"the store holds no documents of source {', '.join(unknown)}; "
                                 f"it has {', '.join(sorted(known)) or 'none'}")
            doc_ids = store.doc_ids(sources)
    run = {"sources": sources or [], "store": str(Path(store_root).resolve()), **(run or {})}
    written = step(_export, store_root, out_dir, doc_ids, list(formats or []), run)
    with CorpusStore(store_root) as store:
        scope = doc_ids if doc_ids is not None else store.doc_ids()
        results = list(store.results(scope))
    not_documents = not_document_reasons(results)
    failed = sum(1 for r in results if r.errors) - len(not_documents)  # a not-document always carries its error
    logger().info("wrote %d files to %s", len(written), out_dir)
    return Summary(documents=len(scope), failed=failed, not_documents=not_documents, doc_ids=list(scope),
                   written=written)


def not_document_reasons(results: Iterable[ProcessedDocument]) -> list[str]:
    """For each result that is no document (pipeline.parse.not_a_document), why in a few words: "not text"."""
    from pipeline.parse import not_a_document
    from pipeline.parse.html import STUB

    heads = (next((p.error for p in r.parts if p.error), "no text").split(":")[0] for r in results if not_a_document(r.parts))
    return ["listing page or stub" if head == STUB else head for head in heads]


def _export(store_root: str, out_dir: str, doc_ids: list[str] | None, formats: list[str], run: dict) -> list[str]:
    from dataclasses import replace

    from pipeline.export import ALWAYS, collect_findings, write_findings
    from pipeline.manifest import run_info_from_dict
    from pipeline.store import CorpusStore

    info = run_info_from_dict(run)
    if not info.flow_run_id and in_flow_run():
        from prefect.runtime import flow_run

        info = replace(info, flow_run_id=flow_run.root_flow_run_id or "")
    with CorpusStore(store_root) as store:
        findings = collect_findings(store, doc_ids)
    return [str(p) for p in write_findings(findings, Path(out_dir), [*ALWAYS, *formats], info)]


def run_job(input_dir: str | None, out_dir: str, store_root: str, sources: list[str] | None = None,
            keywords: list[str] | None = None, max_docs: int | None = None, formats: list[str] | None = None,
            workers: int = 1, dask_address: str | None = None, follow_outside: bool = False,
            retry_failed: bool = False) -> Summary:
    """ingest ``input_dir`` (or refresh ``sources``) → process → export those documents to ``out_dir``."""
    from pipeline.store import now_iso
    started = now_iso()
    check_input(input_dir) if input_dir else check_sources(sources)
    check_formats(formats)
    if input_dir:
        gathered = ingest_job(input_dir, store_root, follow_outside)
    else:
        gathered = refresh_job(sources, keywords, store_root, max_docs, retry_failed)
    processed = process_job(store_root, gathered.doc_ids, workers=workers, dask_address=dask_address)
    run = {"command": "run", "input_dir": str(Path(input_dir).resolve()) if input_dir else "",
           "sources": sources or [], "keywords": keywords or [], "max_docs": max_docs, "started_at": started}
    exported = export_job(store_root, out_dir, doc_ids=gathered.doc_ids, formats=formats, run=run)
    gathered.processed, gathered.up_to_date = processed.processed, processed.up_to_date
    gathered.failed += exported.failed  # fetch failures of a crawl + documents whose result carries an error
    gathered.not_documents = exported.not_documents
    gathered.workers = processed.workers
    gathered.written = exported.written
    return gathered


def rerun_manifest(manifest_path: str, out_dir: str, workers: int = 1, dask_address: str | None = None) -> Summary:
    """Redo the run a manifest.json describes: the same documents (its doc_ids) from the same store, processed
    (only what is stale) and exported in its formats.  A store whose content changed since is said so (warning);
    with equal content, code and model, the tables are the same."""
    from pipeline.manifest import read_manifest, snapshot_hash
    from pipeline.store import now_iso

    try:
        manifest = read_manifest(Path(manifest_path))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    store_root, doc_ids = manifest["store"]["path"], list(manifest["doc_ids"])
    with open_existing(store_root) as store:
        content_keys = {d.doc_id: d.content_key for d in store.documents(doc_ids=doc_ids)}
    missing = sorted(set(doc_ids) - set(content_keys))
    if missing:
        raise UsageError(f"store {store_root} no longer holds {len(missing)} of the manifest's documents "
                         f"(e.g. {missing[0]})")
    if snapshot_hash(content_keys) != manifest["store"]["content_hash"]:
        logger().warning("documents in %s changed since the manifest was written: the tables will differ", store_root)
    formats = [f for f in manifest.get("formats", []) if f not in ("csv", "parquet")]
    processed = process_job(store_root, doc_ids, workers=workers, dask_address=dask_address)
    run = {key: manifest.get(key) for key in ("input_dir", "sources", "keywords", "max_docs")}
    exported = export_job(store_root, out_dir, doc_ids=doc_ids, formats=formats,
                          run={**run, "command": "run --from-manifest", "started_at": now_iso()})
    exported.processed, exported.up_to_date = processed.processed, processed.up_to_date
    return exported
