"""Dataclasses that flow between the pipeline's stages.

source → fetch → raw store → parse → segment → classify → extract → export.
Each stage takes the previous stage's dataclass and returns its own; nothing
here knows about Prefect, SQLite or HTTP, so a notebook can build any of them
by hand.  Serialisation (to the store's JSON columns) goes through
:func:`to_json` / :func:`from_json`, which use pydantic's ``TypeAdapter`` so
nested dataclasses round-trip without hand-written loaders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import TypeAdapter

MODES: tuple[str, ...] = ("national_system", "chain_leader", "open_competition")
"""The three innovation modes, macro → meso → micro (see docs/outputs.md)."""

PartRole = Literal["page", "attachment", "file"]


@dataclass(frozen=True)
class DocumentMeta:
    """Bibliographic facts about a policy document.

    Every field is a plain string, empty when unknown, so that metadata from
    several places (listing API, page table, attachment text) can be merged
    field by field with :meth:`merged_with`.  Dates are ISO ``YYYY-MM-DD``.
    """

    title: str = ""
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 发文字号 / 文号, e.g. 浙政办发〔2021〕12号
    written_date: str = ""  # 成文日期
    publish_date: str = ""  # 发布日期
    category: str = ""  # 主题分类
    index_number: str = ""  # 索引号
    region: str = ""  # province / city / county (full name, see pipeline/regions.py), e.g. 浙江省, 广州市, 南通市如东县
    province: str = ""  # its province-level unit, e.g. 江苏省 (全国 for central organs)
    admin_code: str = ""  # GB/T 2260 code of the region, e.g. 320623
    doc_type: str = ""  # 通知 / 意见 / 方案 / 办法 / 规划 …

    def merged_with(self, other: DocumentMeta) -> DocumentMeta:
        """Fill this record's empty fields from ``other`` (self wins)."""
        return replace(
            self,
            **{f.name: getattr(other, f.name) for f in fields(self) if not getattr(self, f.name)},
        )


@dataclass(frozen=True)
class RawPart:
    """One stored file of a document: its landing page or an attachment.

    ``sha256`` names the blob in the content-addressed raw store; the same
    PDF linked from two pages is one blob referenced by two parts.
    """

    role: PartRole
    url: str  # where it came from: http(s) URL, or a local path for ingested files
    sha256: str
    media_type: str  # text/html, application/pdf, …  (as sniffed, not as claimed)
    filename: str = ""  # sanitised file name (attachments), for display only
    size: int = 0
    label: str = ""  # link text of an attachment, e.g. "附件1：重点产业链链长名单"


@dataclass(frozen=True)
class RawDocument:
    """A policy document as stored: landing page plus attachments under one id.

    ``meta`` holds what the listing said about the document (API fields);
    parsing later merges what the page itself says.  Attachments inherit it.
    """

    doc_id: str
    source: str  # source name from corpora/sources.toml, or "ingest:<dir>"
    url: str  # canonical landing URL or file path
    parts: tuple[RawPart, ...]
    meta: DocumentMeta = DocumentMeta()
    fetched_at: str = ""  # ISO timestamp of the last fetch/ingest

    @property
    def content_key(self) -> str:
        """Identifies the document's input: changes iff a part or the listing metadata changes."""
        return "|".join([*(p.sha256 for p in self.parts), to_json(self.meta)])


@dataclass(frozen=True)
class Table:
    """A table as rows of cell strings (merged cells repeated or empty)."""

    rows: tuple[tuple[str, ...], ...]
    part: int = 0  # index into ParsedDocument.parts
    page: int | None = None  # 1-based PDF page, None for HTML/DOCX
    index: int = 0  # n-th table of that part


@dataclass(frozen=True)
class ParsedPart:
    """Text and tables read from one RawPart."""

    role: PartRole
    url: str
    media_type: str
    text: str = ""  # paragraphs separated by "\n", no spaces inserted between Chinese characters
    tables: tuple[Table, ...] = ()
    meta: DocumentMeta = DocumentMeta()  # what this part itself states
    needs_ocr: bool = False
    error: str = ""  # empty when the part parsed fine
    paragraph_pages: tuple[int, ...] = ()  # PDF: 1-based page of each line of ``text`` (empty for other formats)


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str
    meta: DocumentMeta  # merged: page table > listing API > attachment text
    parts: tuple[ParsedPart, ...]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts if p.text)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for p in self.parts for t in p.tables)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{p.role} {p.url}: {p.error}" for p in self.parts if p.error)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or table row) with its jieba tokens and where it came from."""

    index: int  # position in SegmentedDocument.sentences
    text: str
    tokens: tuple[str, ...]
    part: int = 0
    locator: str = ""  # "p3" paragraph, or "t1r4" table 1 row 4 (table rows become sentences too)


@dataclass(frozen=True)
class SegmentedDocument:
    doc_id: str
    meta: DocumentMeta
    sentences: tuple[Sentence, ...]
    tables: tuple[Table, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Evidence:
    """Provenance of a finding: the document and sentence (or table cell) it came from."""

    doc_id: str
    text: str
    sentence: int | None = None  # Sentence.index
    locator: str = ""


@dataclass(frozen=True)
class ModeResult:
    mode: str
    score: float  # calibrated probability in [0, 1]
    label: bool
    evidence: tuple[Evidence, ...] = ()  # best first


@dataclass(frozen=True)
class Classification:
    doc_id: str
    results: tuple[ModeResult, ...]
    model_version: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(r.mode for r in self.results if r.label)

    def result(self, mode: str) -> ModeResult:
        return next(r for r in self.results if r.mode == mode)


@dataclass(frozen=True)
class ChainRow:
    """One key industrial chain of a region's scheme and who leads it."""

    region: str
    chain: str
    chain_leader: str = ""  # 链长: role or person (省长, 副省长, 市级领导 …)
    chain_owner: str = ""  # 链主 enterprise(s), '、'-joined
    lead_unit: str = ""  # 牵头单位
    doc_id: str = ""
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ChainLeaderScheme:
    """A region's 链长制 scheme: one row of the paper's Table 1."""

    region: str
    concept: str = ""  # slogan / label as written, e.g. “九个一”机制
    model: tuple[str, ...] = ()  # the mechanism's components
    key_chains: tuple[str, ...] = ()  # normalised chain names
    roles: dict[str, str] = field(default_factory=dict)  # 总链长 / 链长 / 链长办 / 工作专班 (/ 链主 / 牵头单位 of no kept chain) → who
    doc_ids: tuple[str, ...] = ()
    evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)  # cell name → evidence
    flags: tuple[str, ...] = ()  # e.g. "concept numeral 九 ≠ 8 components"


@dataclass(frozen=True)
class OpenCompetitionItem:
    """One 揭榜挂帅 榜单 item."""

    title: str
    issuer: str = ""  # 发榜方
    requirement: str = ""
    funding_wan: float | None = None  # normalised to 万元
    deadline: str = ""
    region: str = ""
    doc_id: str = ""
    evidence: Evidence | None = None


@dataclass(frozen=True)
class DocumentFact:
    """A document-level stated fact, e.g. 首批发布技术攻关类需求83项 or a 20%–30% funding share."""

    mode: str
    kind: str  # e.g. "demand_count", "funding_share", "participants"
    value: str
    doc_id: str = ""
    evidence: Evidence | None = None


@dataclass(frozen=True)
class NationalProject:
    """A major national project (C919, 北斗 …) with stated participation figures."""

    project: str
    provinces: int | None = None  # 省市数
    organisations: int | None = None  # 企事业单位数
    people: int | None = None  # 人数
    doc_id: str = ""
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Extraction:
    doc_id: str
    region: str = ""  # the region the document is about, refined from metadata and text (full name)
    schemes: tuple[ChainLeaderScheme, ...] = ()
    chains: tuple[ChainRow, ...] = ()
    open_items: tuple[OpenCompetitionItem, ...] = ()
    facts: tuple[DocumentFact, ...] = ()
    projects: tuple[NationalProject, ...] = ()


@dataclass(frozen=True)
class ProcessedDocument:
    """Everything the processing stages made of one document; stored as one JSON value."""

    doc_id: str
    meta: DocumentMeta
    classification: Classification | None = None
    extraction: Extraction | None = None
    errors: tuple[str, ...] = ()  # per-part or per-stage errors, human readable
    needs_ocr: bool = False
    parts: tuple[ParsedPart, ...] = ()  # parsed text and tables, in RawDocument.parts order: exports read them
    # (full text, keyword in context, attachment and PDF page of evidence) without parsing again


T = TypeVar("T")


@cache
def _adapter(cls: Any) -> TypeAdapter:
    """One adapter per type: building one compiles a validator, far dearer than using it."""
    return TypeAdapter(cls)


def to_json(obj: Any) -> str:
    """Serialise a dataclass (nested ones included) to compact JSON, keys in field order."""
    return _adapter(type(obj)).dump_json(obj).decode()


def from_json(cls: type[T], text: str | bytes) -> T:
    """Inverse of :func:`to_json`; validates types on the way in."""
    return _adapter(cls).validate_json(text)


def to_dict(obj: Any) -> dict[str, Any]:
    return json.loads(to_json(obj))
