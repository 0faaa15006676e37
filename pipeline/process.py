"""parse → segment → classify → extract for stored documents, skipping what is already done.

A result is stored with the document's content key and the pipeline version
(code version + model fingerprint), so ``process_store`` redoes a document
only when its bytes, its listing metadata, the code or the model changed.
One document failing never stops the run: its error is stored with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from pipeline import __version__
from pipeline.classify import ModeClassifier, classify, load_model
from pipeline.config import LEXICON_DIR
from pipeline.extract import extract
from pipeline.models import Extraction, ProcessedDocument, RawDocument
from pipeline.parse import parse_document
from pipeline.regions import region_fields
from pipeline.progress import track
from pipeline.segment import segment
from pipeline.store import CorpusStore


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


def process_document(raw: RawDocument, read_blob: Callable[[str], bytes], model: ModeClassifier) -> ProcessedDocument:
    """Run every processing stage on one document; stage failures become errors on the result."""
    parsed = parse_document(raw, read_blob)
    segmented = segment(parsed)
    classification = classify(segmented, model)
    extraction = _keep_classified_modes(extract(segmented), classification.labels)
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


@dataclass
class ProcessReport:
    processed: int = 0
    skipped: int = 0  # already up to date
    failed: list[str] = field(default_factory=list)  # doc ids whose processing raised

    def __str__(self) -> str:
        return f"processed {self.processed}, up to date {self.skipped}, failed {len(self.failed)}"


def process_safely(raw: RawDocument, read_blob: Callable[[str], bytes], model: ModeClassifier) -> ProcessedDocument:
    """:func:`process_document`, with an unexpected exception turned into the document's error."""
    try:
        return process_document(raw, read_blob, model)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop a corpus run
        message = f"processing failed: {type(exc).__name__}: {exc}"
        return ProcessedDocument(doc_id=raw.doc_id, meta=raw.meta, errors=(message,))


def save_result(store: CorpusStore, raw: RawDocument, result: ProcessedDocument, model: ModeClassifier) -> None:
    """Store a result against the input it was made from; a failed run is also logged as an error."""
    store.clear_errors("process", doc_id=raw.doc_id)
    if result.classification is None:
        store.record_error("process", "; ".join(result.errors), doc_id=raw.doc_id, url=raw.url)
    store.save_result(result, raw.content_key, pipeline_version(model))


def process_store(store: CorpusStore, *, doc_ids: Iterable[str] | None = None, force: bool = False,
                  model: ModeClassifier | None = None) -> ProcessReport:
    """Process every stored document (or ``doc_ids``) whose result is missing or stale."""
    model = model or load_model()
    wanted = list(doc_ids) if doc_ids is not None else store.doc_ids()
    todo = wanted if force else store.stale_doc_ids(pipeline_version(model), wanted)
    report = ProcessReport(skipped=len(wanted) - len(todo))
    for doc_id in track(todo, "process", total=len(todo)):
        raw = store.get_document(doc_id)
        result = process_safely(raw, store.read_blob, model)
        save_result(store, raw, result, model)
        report.processed += 1
        if result.classification is None:
            report.failed.append(doc_id)
    return report
