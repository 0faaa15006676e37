"""Parse stored raw files into text, tables and metadata (raw store → ParsedDocument).

``parse_part`` reads one stored file by its sniffed media type and never
raises for bad input: an encrypted, corrupt, scanned or empty file becomes a
ParsedPart whose ``error`` says what is wrong, so a crawl of thousands of
documents goes on.  ``parse_document`` parses every part of a document,
merges metadata by trust (what the landing page states, then what the
listing API said, then what the texts themselves state) and hands each
part on with its hard wraps mended and its flattened tables recovered
(:mod:`pipeline.parse.reflow`), so that segmentation runs once on whole paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial, reduce

from pipeline import formats
from pipeline.models import DocumentMeta, ParsedDocument, ParsedPart, ProcessedDocument, RawDocument, RawPart, Table
from pipeline.parse.base import Extracted, ParseError
from pipeline.parse import limits, sandbox
from pipeline.parse.html import STUB, parse_html, stub_problem
from pipeline.parse.metadata import TextEvidence, complete, document_meta, meta_from_text, text_evidence
from pipeline.parse.office import network_isolation, parse_docx, parse_legacy_word
from pipeline.parse.pdf import parse_pdf
from pipeline.parse.plain import parse_markdown, parse_text
from pipeline.parse.reflow import mend

INGEST_PREFIX = "ingest:"
"""Source name prefix of ingested folders (pipeline.ingest), whose listing metadata is a metadata.csv sidecar."""

__all__ = ["PARSERS", "ParseError", "not_a_document", "parse_document", "parse_part", "text_document", "why_not_documents"]

PARSERS: dict[str, Callable[[bytes], Extracted]] = {
    formats.PDF: parse_pdf,
    formats.HTML: parse_html,
    formats.DOCX: parse_docx,
    formats.DOC: partial(parse_legacy_word, suffix=".doc"),
    formats.WPS: partial(parse_legacy_word, suffix=".wps"),
    formats.TEXT: parse_text,
    formats.MARKDOWN: parse_markdown,
}
"""Media type → parser.  Each returns Extracted or raises ParseError."""


def parse_part(data: bytes, part: RawPart, *, index: int = 0, max_chars: int = limits.MAX_DOCUMENT_CHARS) -> ParsedPart:
    """Text, tables and self-stated metadata of one stored file; problems go into ``error``.

    ``meta`` holds what the part itself states: labelled page fields for
    HTML, and title / 文号 / issuer / date read from the text for files.
    Text beyond ``max_chars`` is cut (and the cut reported), so that what
    follows parsing works within the per-document limits.
    """
    media_type = part.media_type if part.media_type in PARSERS else _resniff(data, part)
    empty = ParsedPart(role=part.role, url=part.url, media_type=media_type)
    parser = PARSERS.get(media_type)
    try:
        if not data:
            raise ParseError("empty file (0 bytes)")
        if parser is None:
            raise ParseError(f"unsupported file type {media_type}")
        extracted = parser(data)
    except ParseError as exc:
        return replace(empty, error=str(exc), needs_ocr=exc.needs_ocr)
    except MemoryError:  # the per-file memory ceiling (pipeline.parse.sandbox) reports it
        raise
    except Exception as exc:  # a parser library bug must not stop the run either
        return replace(empty, error=f"parser failed: {type(exc).__name__}: {exc}")
    meta = extracted.meta if media_type == formats.HTML else meta_from_text(extracted.paragraphs)
    tables = tuple(Table(rows=rows, part=index, page=page, index=n) for n, (rows, page) in enumerate(extracted.tables))
    text, problem = "\n".join(extracted.paragraphs), extracted.problem
    if len(text) > max_chars:
        cut = f"text cut at {max_chars:,} of {len(text):,} characters (limit MAX_DOCUMENT_CHARS)"
        text, problem = text[:max_chars], "; ".join(filter(None, [problem, cut]))
    return replace(empty, text=text, tables=tables, meta=meta, needs_ocr=extracted.needs_ocr, error=problem,
                   paragraph_pages=tuple(extracted.paragraph_pages))


def parse_document(raw: RawDocument, read_blob: Callable[[str], bytes]) -> ParsedDocument:
    """Parse every part and merge metadata (see ``metadata.document_meta`` for the order of trust).

    The text's own statements (落款, decree, export header) come first for
    issuer and dates, then the page's labels, then the listing API
    (raw.meta), then layout guesses from the text and the attachments.
    Region and document type are derived when still missing; attachments
    keep what they state themselves and inherit the rest from the document.
    Metadata is read from the text as each format's parser gave it; the parts
    are then mended (:func:`_mended`).
    """
    parts: list[ParsedPart] = []
    for index, raw_part in enumerate(raw.parts):  # one text budget for the whole document
        budget = max(limits.MAX_DOCUMENT_CHARS - sum(len(p.text) for p in parts), 0)
        parts.append(_parse_stored(raw_part, read_blob, index, budget))
    own_texts = [p for p in parts if p.role != "attachment" and p.text]  # a page body, or an ingested file
    attachments = [p for p in parts if p.role == "attachment"]
    if not any(p.text for p in attachments):  # a landing page is the document: a listing page or stub is a problem
        parts = [replace(p, error=p.error or stub_problem(p.text)) if p.role == "page" else p for p in parts]
    text = next((text_evidence(p.text.split("\n")) for p in own_texts), TextEvidence())
    landing = [p for p in parts if p.role == "page" or (p.role == "file" and p.media_type == formats.HTML)]
    meta = document_meta(_merge(p.meta for p in landing), raw.meta, text, [p.meta for p in attachments])
    if raw.source.startswith(INGEST_PREFIX):  # an ingested file's raw.meta is its sidecar row: a person's word wins
        meta = raw.meta.merged_with(meta)
    meta = complete(meta, [raw.url, *(p.url for p in parts)])
    inherited = replace(meta, title="", doc_number="", doc_type="")
    parts = [p if p.role == "page" else replace(p, meta=complete(p.meta.merged_with(inherited), [p.url]))
             for p in parts]
    return ParsedDocument(doc_id=raw.doc_id, meta=meta, parts=_mended(parts))


def text_document(doc_id: str, text: str, meta: DocumentMeta = DocumentMeta(),
                  tables: tuple[Table, ...] = ()) -> ParsedDocument:
    """Text already extracted (a written fixture, an annotated excerpt) as :func:`parse_document` hands a
    one-part document on: hard wraps mended, flattened tables recovered.  Tests and the extractor's
    training read texts this way, so that they see what a run sees."""
    part = ParsedPart(role="file", url="", media_type=formats.TEXT, text=text, tables=tables)
    return ParsedDocument(doc_id=doc_id, meta=meta, parts=_mended([part]))


def _mended(parts: Sequence[ParsedPart]) -> tuple[ParsedPart, ...]:
    """Every part with its hard wraps mended and flattened tables recovered (pipeline.parse.reflow)."""
    return tuple(mend(part, index) for index, part in enumerate(parts))


def not_a_document(parts: Sequence[ParsedPart]) -> str:
    """Why parsed parts are not a document ("" when they are one): what each part's failure was.

    An item is a document when some part yielded text (a landing page judged a listing page or stub does
    not count) or awaits OCR.  Random bytes under a .txt name, a .doc that is no Word file, a corrupt PDF, an
    empty or listing page without attachment text are not: the exports list them with the failures, not as
    documents.  No parts at all (a result of an older version, which kept none) gives nothing to judge by.
    """
    if not parts or any(p.needs_ocr or (p.text and not (p.role == "page" and p.error.startswith(STUB)))
                        for p in parts):
        return ""
    named = len(parts) > 1  # a landing page and its attachments: say which file failed how
    return "; ".join(f"{p.role} {p.url}: {p.error}" if named else p.error
                     for p in parts if p.error) or "no text could be extracted"


def why_not_documents(results: Iterable[ProcessedDocument]) -> dict[str, str]:
    """doc id → why, for the processing results that are no document (:func:`not_a_document`): one verdict for
    the exports and ``policy-miner status`` alike."""
    return {r.doc_id: why for r in results if (why := not_a_document(r.parts))}


def _resniff(data: bytes, part: RawPart) -> str:
    """A second look at a part stored under a type we cannot parse (keeps the stored type if none better)."""
    sniffed = formats.sniff_media_type(data, part.filename or part.url, part.media_type)
    return sniffed if sniffed != formats.UNKNOWN else (part.media_type or formats.UNKNOWN)


def _parse_stored(part: RawPart, read_blob: Callable[[str], bytes], index: int, max_chars: int) -> ParsedPart:
    """Parse one stored file; one over its type's size limit is refused before its bytes are read."""
    limit = limits.max_bytes(part.media_type)
    if limit is not None and part.size > limit:
        return ParsedPart(role=part.role, url=part.url, media_type=part.media_type,
                          error=f"file too large to parse: {part.size / 2**20:.0f} MB "
                                f"(limit for {part.media_type}: {limit // 2**20} MB)")
    try:
        data = read_blob(part.sha256)
    except (OSError, KeyError, LookupError) as exc:
        return ParsedPart(role=part.role, url=part.url, media_type=part.media_type,
                          error=f"stored file missing: {part.sha256[:12]} ({type(exc).__name__})")
    if part.media_type in (formats.DOC, formats.WPS):
        network_isolation()  # probed here, once per process: the forked children inherit the answer
    try:  # in a child with a memory ceiling and a deadline, so one hostile file cannot take the batch down;
        # a small text or page in-process: a fork would cost more than parsing it (limits.IN_PROCESS_MAX_BYTES)
        if sandbox.isolated(part.media_type, len(data)):
            return sandbox.run_bounded(parse_part, data, part, index=index, max_chars=max_chars)
        return parse_part(data, part, index=index, max_chars=max_chars)
    except sandbox.Exceeded as exc:
        return ParsedPart(role=part.role, url=part.url, media_type=part.media_type, error=str(exc))
    except MemoryError:  # in-process: the worker itself is short of memory; the next file may fare better
        return ParsedPart(role=part.role, url=part.url, media_type=part.media_type,
                          error="parsing ran out of memory (in the worker process)")


def _merge(metas: Iterable[DocumentMeta]) -> DocumentMeta:
    """Field-wise merge, earlier records winning."""
    return reduce(DocumentMeta.merged_with, metas, DocumentMeta())
