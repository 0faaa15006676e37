"""parse → segment → classify → extract for stored documents, skipping what is already done: THE process loop.

A result is stored with the document's content key and the pipeline version
(code version + model fingerprint), so :func:`process_store` redoes a document
only when its bytes, its listing metadata, the code or the model changed.
The store's results table is the only result cache: nothing else (no pickled
task results) has to be trusted on a rerun.

The loop cuts the stale documents into batches and maps the pure
:func:`process_batch` over them through a :class:`Runner`: inline, a Dask
cluster of local processes (``workers > 1``), an existing Dask cluster
(``dask_address``), or Prefect tasks on the flow's task runner (flows/process.py).
Workers read raw bytes themselves through the store's :class:`BlobStore`;
only this process writes to the store, result by result, as batches finish.

One document failing never stops the run: its error is stored with it.  A
batch whose worker died (out of memory, killed) is retried document by
document, so only the document that kills a worker is lost, and that one is
recorded with the reason.  A batch that fails by raising (a worker that cannot
load the model, say) is not any document's fault: the run stops with that
error and records nothing against the documents.
"""

from __future__ import annotations

import hashlib
import logging
import os
import resource
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Protocol

from pipeline import __version__
from pipeline.classify import ModeClassifier, classify, shipped_model
from pipeline.config import LEXICON_DIR, MODELS_DIR
from pipeline.extract import extract
from pipeline.models import Extraction, ProcessedDocument, RawDocument
from pipeline.parse import not_a_document, parse_document
from pipeline.progress import counter
from pipeline.regions import region_fields
from pipeline.segment import segment
from pipeline.store import BlobStore, CorpusStore

log = logging.getLogger(__name__)

BATCH_SIZE = 25
STAGES = ("parse", "segment", "classify", "extract")


@cache
def code_fingerprint() -> str:
    """Digest of the processing code and lexicon, so that upgrading either makes old results stale."""
    files = sorted([*Path(__file__).parent.rglob("*.py"), *LEXICON_DIR.glob("*")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def pipeline_version(model: ModeClassifier) -> str:
    """Identifies the code, lexicon and model that made a result; a change means results are stale."""
    return f"{__version__}+{code_fingerprint()}+{model.version}"


def process_document(raw: RawDocument, read_blob: Callable[[str], bytes], model: ModeClassifier,
                     seconds: Counter[str] | None = None) -> ProcessedDocument:
    """Run every processing stage on one document; stage failures become errors on the result.

    ``seconds`` (if given) accumulates the wall time spent in each stage, for the benchmark.
    """
    clock = [time.perf_counter()]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        if seconds is not None:
            seconds[stage] += now - clock[0]
        clock[0] = now

    parsed = parse_document(raw, read_blob)
    lap("parse")
    segmented = segment(parsed)
    lap("segment")
    classification = classify(segmented, model)
    lap("classify")
    extraction = _keep_classified_modes(extract(segmented), classification.labels)
    lap("extract")
    return ProcessedDocument(
        doc_id=raw.doc_id,
        meta=replace(parsed.meta, **region_fields(extraction.region or parsed.meta.region)),
        classification=classification,
        extraction=extraction,
        errors=parsed.errors if segmented.sentences else (*parsed.errors, "no text could be extracted"),
        needs_ocr=any(p.needs_ocr for p in parsed.parts),
        parts=parsed.parts,
    )


def _keep_classified_modes(extraction: Extraction, labels: Iterable[str]) -> Extraction:
    """Drop structures of modes the document was not classified as.

    The extractors look for shapes (a chain list, a 榜单 table); the
    classifier decides whether the document adopts the mechanism at all,
    which is what keeps 河长制 notices out of the chain-leader table.
    """
    labels = set(labels)
    return replace(
        extraction,
        schemes=extraction.schemes if "chain_leader" in labels else (),
        chains=extraction.chains if "chain_leader" in labels else (),
        open_items=extraction.open_items if "open_competition" in labels else (),
        facts=tuple(f for f in extraction.facts if f.mode in labels),
        projects=extraction.projects if "national_system" in labels else (),
    )


def failed_result(raw: RawDocument, message: str) -> ProcessedDocument:
    return ProcessedDocument(doc_id=raw.doc_id, meta=raw.meta, errors=(message,))


def process_safely(raw: RawDocument, read_blob: Callable[[str], bytes], model: ModeClassifier,
                   seconds: Counter[str] | None = None) -> ProcessedDocument:
    """:func:`process_document`, with an unexpected exception turned into the document's error."""
    try:
        return process_document(raw, read_blob, model, seconds)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop a corpus run
        log.warning("document %s: processing failed: %s: %s", raw.doc_id, type(exc).__name__, exc)
        return failed_result(raw, f"processing failed: {type(exc).__name__}: {exc}")


# -- batches: what a worker gets and gives back ------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Documents for one worker call, with where their bytes and the model live (all picklable, all small)."""

    documents: tuple[RawDocument, ...]
    blobs: BlobStore
    models_dir: str = str(MODELS_DIR)


@dataclass(frozen=True)
class BatchOutcome:
    version: str  # the pipeline version of the worker that made the results: must equal the caller's
    results: tuple[ProcessedDocument, ...]
    seconds: dict[str, float]  # wall time per stage
    worker: str  # host:pid
    peak_rss_mb: float  # the worker process's peak resident memory so far


def process_batch(batch: Batch) -> BatchOutcome:
    """Process a batch (pure: reads blobs and the model, writes nothing).  The model loads once per process."""
    model = shipped_model(Path(batch.models_dir))
    seconds: Counter[str] = Counter()
    results = tuple(process_safely(raw, batch.blobs.read, model, seconds) for raw in batch.documents)
    return BatchOutcome(version=pipeline_version(model), results=results, seconds=dict(seconds),
                        worker=f"{socket.gethostname()}:{os.getpid()}",
                        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


BatchFunction = Callable[[Batch], BatchOutcome]


class Runner(Protocol):
    """Maps the batch function over batches, yielding each batch with its outcome (or the exception) as it ends."""

    def map(self, fn: BatchFunction, batches: Sequence[Batch]) -> Iterator[tuple[Batch, BatchOutcome | BaseException]]:
        ...


class InlineRunner:
    """One batch after another, in this process."""

    def map(self, fn: BatchFunction, batches: Sequence[Batch]) -> Iterator[tuple[Batch, BatchOutcome | BaseException]]:
        for batch in batches:
            try:
                yield batch, fn(batch)
            except Exception as exc:  # noqa: BLE001 - reported per batch, then retried per document
                yield batch, exc


class DaskRunner:
    """Batches on a Dask cluster: an existing one (``address``) or a local cluster of ``workers`` processes.

    The local cluster is started on first use and closed with the runner (use it as a context manager).
    """

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers = workers or default_workers()
        self.address = address
        self._client = None
        self._cluster = None

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client(self):  # -> distributed.Client
        if self._client is None:
            import dask
            from distributed import Client, LocalCluster

            # distributed sets its loggers to INFO on import and warns about slow worker shutdowns: a person
            # running a command sees its errors only, unless they asked for logs (-v)
            quiet = logging.getLogger().getEffectiveLevel() > logging.INFO
            logging.getLogger("distributed").setLevel(logging.ERROR if quiet else logging.INFO)
            if self.address:
                self._client = Client(self.address, timeout="120s")
            else:
                # a batch whose worker dies is retried here document by document: do not let the scheduler
                # hand the same killer batch to the next worker three times first
                with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                    self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                 dashboard_address="127.0.0.1:0", silence_logs=logging.WARNING)
                self._client = Client(self._cluster, timeout="120s")
        return self._client

    def map(self, fn: BatchFunction, batches: Sequence[Batch]) -> Iterator[tuple[Batch, BatchOutcome | BaseException]]:
        from distributed import as_completed

        if not batches:
            return
        client = self.client()
        futures = {}
        for batch in batches:
            future = client.submit(fn, batch, pure=False)
            futures[future.key] = (future, batch)
        for future in as_completed([f for f, _ in futures.values()]):
            batch = futures.pop(future.key)[1]
            try:
                yield batch, future.result()
            except Exception as exc:  # noqa: BLE001 - reported per batch, then retried per document
                yield batch, exc
            future.release()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def make_runner(workers: int = 1, dask_address: str | None = None) -> InlineRunner | DaskRunner:
    """Inline for one worker; a local Dask cluster for more (0: one per core); the cluster at ``dask_address``."""
    if dask_address:
        return DaskRunner(address=dask_address)
    workers = workers or default_workers()
    return DaskRunner(workers=workers) if workers > 1 else InlineRunner()


# -- the loop ----------------------------------------------------------------------------------------------


@dataclass
class ProcessReport:
    processed: int = 0
    skipped: int = 0  # already up to date
    failed: list[str] = field(default_factory=list)  # doc ids whose processing gave no result (error recorded)
    with_errors: list[str] = field(default_factory=list)  # doc ids whose result carries an error (failed included)
    not_documents: dict[str, str] = field(default_factory=dict)  # doc id → why it is no document (not in with_errors)
    seconds: Counter[str] = field(default_factory=Counter)  # wall time per stage, summed over workers
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker (host:pid)

    def __str__(self) -> str:
        return (f"processed {self.processed}, up to date {self.skipped}, failed {len(self.failed)}, "
                f"not documents {len(self.not_documents)}")


def save_result(store: CorpusStore, raw: RawDocument, result: ProcessedDocument, version: str) -> None:
    """Store a result against the input it was made from; a failed run is also logged as an error."""
    store.clear_errors("process", doc_id=raw.doc_id)
    if result.classification is None:
        store.record_error("process", "; ".join(result.errors), doc_id=raw.doc_id, url=raw.url)
    store.save_result(result, raw.content_key, version)


def process_store(store: CorpusStore, *, doc_ids: Iterable[str] | None = None, force: bool = False,
                  runner: Runner | None = None, batch_size: int = BATCH_SIZE,
                  models_dir: Path = MODELS_DIR) -> ProcessReport:
    """Process every stored document (or ``doc_ids``) whose result is missing or stale.

    Holds the store's process lock: a second run on the same store waits, then finds the work done.
    """
    runner = runner or InlineRunner()
    with store.process_lock():
        version = pipeline_version(shipped_model(models_dir))
        wanted = list(doc_ids) if doc_ids is not None else store.doc_ids()
        todo = wanted if force else store.stale_doc_ids(version, wanted)
        report = ProcessReport(skipped=len(wanted) - len(todo))
        raws = [raw for raw in map(store.get_document, todo) if raw is not None]
        batches = [Batch(tuple(raws[i:i + batch_size]), store.blobs, str(models_dir))
                   for i in range(0, len(raws), batch_size)]
        with counter("process", total=len(raws)) as advance:
            retry = _save_outcomes(store, runner.map(process_batch, batches), version, report, advance)
            if retry:
                log.warning("retrying %d documents one by one after their worker was lost",
                            sum(len(batch.documents) for batch in retry))
            for raw in (raw for batch in retry for raw in batch.documents):
                # one at a time: a worker that dies now died on this document and on no other that happened
                # to be queued on it (a scheduler fails every task assigned to a lost worker)
                single = Batch((raw,), store.blobs, str(models_dir))
                _save_outcomes(store, runner.map(process_batch, [single]), version, report, advance, blame=True)
    return report


WORKER_LOST = frozenset({"KilledWorker", "CommClosedError", "CrashedRun", "CancelledError", "FutureCancelledError"})


def worker_lost(error: BaseException) -> bool:
    """Did the batch fail because its worker process died (Dask, Prefect), rather than by raising?"""
    return any(cls.__name__ in WORKER_LOST for cls in type(error).__mro__)


def _save_outcomes(store: CorpusStore, outcomes: Iterable[tuple[Batch, BatchOutcome | BaseException]],
                   version: str, report: ProcessReport, advance: Callable[[int], None],
                   blame: bool = False) -> list[Batch]:
    """Save each finished batch's results; return the batches whose worker was lost (to retry one by one).

    With ``blame`` (a document running alone) a lost worker is that document's doing: it is saved as failed
    with the reason, so it is not retried on every run; it is redone when its content, the code or the model
    changes.
    """
    retry = []
    for batch, outcome in outcomes:
        if isinstance(outcome, BaseException) and not worker_lost(outcome):
            # not one document's fault (process_safely catches those): a worker that cannot load the model or
            # import the code fails every batch alike, and must not be recorded against every document
            raise RuntimeError(f"a process batch failed on {len(batch.documents)} documents: "
                               f"{type(outcome).__name__}: {outcome}") from outcome
        if isinstance(outcome, BaseException):
            if not blame:
                retry.append(batch)
                continue
            raw = batch.documents[0]
            log.warning("document %s: its worker failed: %s: %s", raw.doc_id, type(outcome).__name__, outcome)
            outcome = BatchOutcome(version, (failed_result(raw, f"processing failed: worker lost on this document "
                                                                 f"({type(outcome).__name__}: {outcome})"),),
                                   {}, "", 0.0)
        if outcome.version != version and outcome.worker not in report.peak_rss_mb:
            # stored as made (below), so the next run sees these results as stale; said once per worker
            log.warning("worker %s runs pipeline %s, this process %s: install the same code and model on "
                        "every worker", outcome.worker, outcome.version, version)
        raws = {raw.doc_id: raw for raw in batch.documents}
        for result in outcome.results:
            save_result(store, raws[result.doc_id], result, outcome.version)
            report.processed += 1
            if result.classification is None:
                report.failed.append(result.doc_id)
            if why := not_a_document(result.parts):
                report.not_documents[result.doc_id] = why
            elif result.errors:
                report.with_errors.append(result.doc_id)
        report.seconds.update(outcome.seconds)
        if outcome.worker:
            report.peak_rss_mb[outcome.worker] = max(outcome.peak_rss_mb, report.peak_rss_mb.get(outcome.worker, 0))
        advance(len(batch.documents))
    return retry
