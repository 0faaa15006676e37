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
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, get_args

from pipeline.config import SOURCES_FILE

if TYPE_CHECKING:
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
            text = (f"{self.documents} items{': ' + ', '.join(parts) if parts else ''}; "
                    f"{document_counts(self.documents - len(self.not_documents), self.failed, self.not_documents)}")
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


def document_counts(documents: int, failed: int, not_documents: Sequence[str]) -> str:
    """Stored items counted apart, as a run's summary and `status` say it when some are not documents:
    "1 document (0 failed), 2 not documents (not text, not a DOC file)", each kind of reason once."""
    return (f"{documents} document{'s' if documents != 1 else ''} ({failed} failed), "
            f"{count_not_documents(len(not_documents))} ({', '.join(Counter(not_documents))})")


def count_not_documents(count: int) -> str:
    return f"{count} {'not documents' if count > 1 else 'not a document'}"


def in_brief(why: str) -> str:
    """Why an item is not a document (pipeline.parse.not_a_document says it) in a few words, for a summary:
    the first failure without the file it concerns or its details, e.g. "not text", "listing page or stub"."""
    from pipeline.models import PartRole
    from pipeline.parse.html import STUB

    named = rf"^(?:{'|'.join(get_args(PartRole))}) \S+: "  # "attachment URL: ": not_a_document names the file
    head = re.sub(named, "", why, count=1).split(":")[0]  # each failure concerns when an item has several
    return "listing page or stub" if head == STUB else head


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
    logger().info("process: %s", report)
    return Summary(documents=report.processed + report.skipped, processed=report.processed,
                   up_to_date=report.skipped, unchanged=report.skipped, failed=len(report.with_errors),
                   not_documents=[in_brief(why) for why in report.not_documents.values()],
                   workers=sorted(report.peak_rss_mb))


def export_job(store_root: str, out_dir: str, sources: list[str] | None = None, doc_ids: list[str] | None = None,
               formats: list[str] | None = None, run: dict | None = None) -> Summary:
    """Write the findings of ``doc_ids`` (or of ``sources``, or the whole store) to ``out_dir``."""
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
    summary = step(_export, store_root, out_dir, doc_ids, list(formats or []), run)
    logger().info("wrote %d files to %s", len(summary.written), out_dir)
    return summary


def _export(store_root: str, out_dir: str, doc_ids: list[str] | None, formats: list[str], run: dict) -> Summary:
    """Write the findings; the summary counts from the same read of the store: the items in scope, the
    documents whose result carries an error (``failed``) and why each not-document is not one."""
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
    written = [str(p) for p in write_findings(findings, Path(out_dir), [*ALWAYS, *formats], info)]
    scope = doc_ids if doc_ids is not None else sorted([*findings.stored, *findings.refused])
    return Summary(documents=len(scope), failed=sum(1 for r in findings.results.values() if r.errors),
                   not_documents=[in_brief(why) for why in findings.refused.values()], doc_ids=list(scope),
                   written=written)


def status_job(store_root: str | Path, shown: int = 20) -> list[str]:
    """What ``policy-miner status`` prints: documents per source, the last ``shown`` problems recorded, the last
    ``shown`` items that are not documents (why, as fetch_errors lists them: stage parse), and one line of counts.
    Not-documents are counted apart from the documents, as a run's summary counts them."""
    from pipeline.parse import why_not_documents

    with open_existing(store_root) as store:
        raws = {d.doc_id: d for d in store.documents()}
        results = list(store.results())
        problems = [f"[{e.stage}] {e.doc_id or e.url}: {e.message}" for e in store.errors() if e.stage != "process"]
    refused = why_not_documents(results)  # results are of stored items
    problems += [f"[document] {r.doc_id}: {message}" for r in results if r.doc_id not in refused
                 for message in r.errors]
    documents = Counter(raw.source for doc_id, raw in raws.items() if doc_id not in refused)
    not_documents = Counter(raws[doc_id].source for doc_id in refused)
    lines = [f"  {source}: {documents[source]}"
             + (f" (and {count_not_documents(not_documents[source])})" if not_documents[source] else "")
             for source in sorted({*documents, *not_documents})]
    lines += [f"  {problem}" for problem in problems[-shown:]]
    lines += [f"  [parse] {raws[doc_id].url}: {why}" for doc_id, why in list(refused.items())[-shown:]]
    if not refused:
        return [*lines, f"store {store_root}: {len(raws)} documents, {len(results)} processed, "
                        f"{len(problems)} problems recorded"]
    failed = sum(1 for r in results if r.errors and r.doc_id not in refused)
    counts = document_counts(len(raws) - len(refused), failed, [in_brief(why) for why in refused.values()])
    return [*lines, f"store {store_root}: {len(raws)} items, {len(results)} processed; {counts}; "
                    f"{len(problems)} problems recorded"]


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
