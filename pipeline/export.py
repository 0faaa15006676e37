"""Findings as tables: the CSV/Parquet files researchers and scripts read, plus the workbook, report and corpus.

The column contract is documented in docs/outputs.md; change both together.
CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly; every
table is also written as Parquet.  Text cells that a spreadsheet would run
as a formula (starting with = + - @, tab or CR) are prefixed with ' in CSV
and XLSX (OWASP's CSV-injection advice); Parquet and JSON keep the raw text.
An export writes one complete folder and then switches ``--out`` to it (see
:mod:`pipeline.exports.outdir`), so a reader never sees two runs mixed.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePath

import pandas as pd

from pipeline.exports import ALWAYS, FORMATS  # defined there: the CLI reads them without loading pandas
from pipeline.exports.outdir import staged_folder
from pipeline.exports.provenance import Where, locate
from pipeline.exports.text import MENTION_COLUMNS, full_text, mentions
from pipeline.extract import merge_chains, merge_schemes
from pipeline.manifest import RunInfo, build_manifest, now_iso, write_manifest
from pipeline.models import (
    MODES,
    ChainLeaderScheme,
    Evidence,
    ParsedPart,
    ProcessedDocument,
    RawDocument,
    to_dict,
)
from pipeline.parse import why_not_documents
from pipeline.regions import region_fields
from pipeline.store import CorpusStore

log = logging.getLogger(__name__)

LIST_JOIN = "、"  # joins items inside a cell (model components, key chains), as the paper's table does
ID_JOIN = ";"  # joins identifiers (modes, doc ids)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DOCUMENT_COLUMNS = ["doc_id", "title", "source_url", "region", "province", "admin_code", "issuer", "doc_number", "date",
                    "year", "doc_type", "modes",
                    *(f"{m}_score" for m in MODES), *(f"{m}_evidence" for m in MODES), "error"]
CONTEXT_COLUMNS = ["province", "admin_code", "first_date", "title", "issuer", "source_url"]
TABLE1_COLUMNS = ["region", "concept", "model", "key_chains", "doc_ids", "roles", "flags", "evidence",
                  *CONTEXT_COLUMNS]
CHAIN_COLUMNS = ["region", "chain", "chain_leader", "chain_owner", "lead_unit", "doc_id", "evidence", "locator",
                 *CONTEXT_COLUMNS]
ITEM_COLUMNS = ["title", "issuer", "requirement", "funding_wan", "deadline", "region", "doc_id", "evidence", "locator"]
FACT_COLUMNS = ["mode", "kind", "value", "doc_id", "evidence", "locator"]
PROJECT_COLUMNS = ["project", "provinces", "organisations", "people", "doc_id", "evidence", "locator"]
FETCH_ERROR_COLUMNS = ["url", "stage", "message", "at"]
CORPUS_META = ["source", "title", "source_url", "region", "issuer", "doc_number", "date", "doc_type", "modes"]
CITATION_FIELDS = ("title", "date", "issuer", "doc_number", "source_url", "region")
TABLE_NAMES = ("documents", "chain_leader_table", "chains", "open_competition_items", "document_facts",
               "national_system_projects")


@dataclass(frozen=True)
class StoredDoc:
    """What an export needs of one document besides its table row: its files and their parsed text."""

    raw: RawDocument
    parts: tuple[ParsedPart, ...]  # from the processing result, in raw.parts order

    def where(self, evidence: Evidence) -> Where:
        return locate(evidence, self.parts, self.raw.parts)


@dataclass(frozen=True)
class Findings:
    documents: pd.DataFrame
    chain_leader_table: pd.DataFrame
    chains: pd.DataFrame
    open_competition_items: pd.DataFrame
    document_facts: pd.DataFrame
    national_system_projects: pd.DataFrame
    schemes: tuple[ChainLeaderScheme, ...]  # merged, with full provenance (written as chain_leader_table.json)
    mentions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MENTION_COLUMNS))
    fetch_errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FETCH_ERROR_COLUMNS))
    stored: dict[str, StoredDoc] = field(default_factory=dict)
    not_documents: tuple[RawDocument, ...] = ()  # stored items no file of which yielded text (listed in fetch_errors)
    refused: dict[str, str] = field(default_factory=dict)  # doc_id → why it is not a document (pipeline.parse)
    results: dict[str, ProcessedDocument] = field(default_factory=dict)
    store_path: str = ""
    store_documents: int = 0

    def tables(self) -> dict[str, pd.DataFrame]:
        """The six findings tables, in the workbook's sheet order."""
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def all_tables(self) -> dict[str, pd.DataFrame]:
        """Every table written as CSV and Parquet: the findings, keyword in context and fetch errors."""
        return {**self.tables(), "mentions": self.mentions, "fetch_errors": self.fetch_errors}

    def evidence(self, evidence: Evidence) -> dict:
        """An evidence made readable: the sentence and the document's title, date, issuer, URL, attachment, page."""
        stored = self.stored.get(evidence.doc_id)
        where = stored.where(evidence) if stored else Where(evidence.locator)
        meta = self.document(evidence.doc_id)
        return {"doc_id": evidence.doc_id, "text": evidence.text, "locator": where.label(),
                "attachment": where.attachment, "page": where.page, **meta}

    def document(self, doc_id: str) -> dict:
        """Title, date, issuer, 文号, URL and region of a document (empty strings when unknown)."""
        return self._document_meta.get(doc_id) or dict.fromkeys(CITATION_FIELDS, "")

    @cached_property
    def _document_meta(self) -> dict[str, dict]:
        table = self.documents.reindex(columns=["doc_id", *CITATION_FIELDS]).fillna("").astype(str)
        return {row["doc_id"]: {key: row[key] for key in CITATION_FIELDS} for row in table.to_dict("records")}

    def corpus(self) -> pd.DataFrame:
        """doc_id, metadata and full text of every document (for quanteda, tidytext and the like)."""
        meta = self.documents.set_index("doc_id")
        rows = [{"doc_id": doc_id, "source": stored.raw.source,
                 **{c: meta.at[doc_id, c] for c in CORPUS_META[1:] if c in meta.columns},
                 "text": full_text(stored.parts)} for doc_id, stored in self.stored.items()]
        return pd.DataFrame(rows, columns=["doc_id", *CORPUS_META, "text"])


def collect_findings(store: CorpusStore, doc_ids: Iterable[str] | None = None) -> Findings:
    """Build every output table from the store's documents and processing results."""
    wanted = list(doc_ids) if doc_ids is not None else None
    raws = {d.doc_id: d for d in store.documents(doc_ids=wanted)}
    results = {r.doc_id: r for r in store.results(raws)}
    refused = why_not_documents(results.values())
    if refused:  # stored all the same: changed bytes that parse make it a document again
        log.info("%d stored items are not documents (no text in any file, or a listing page): listed in "
                 "fetch_errors", len(refused))
    not_documents = [raws.pop(doc_id) for doc_id in refused]
    results = {doc_id: r for doc_id, r in results.items() if doc_id in raws}
    stored = {doc_id: StoredDoc(raw, results[doc_id].parts if doc_id in results else ())
              for doc_id, raw in raws.items()}
    without_text = [d for d, r in results.items() if not r.parts and r.classification is not None]
    if without_text:
        log.warning("%d documents were processed by an older version that kept no text: mentions, corpus and "
                    "attachment locators miss them until `policy-miner process` redoes them", len(without_text))
    extractions = [r.extraction for r in results.values() if r.extraction is not None]
    schemes = tuple(merge_schemes(s for e in extractions for s in e.schemes))
    chains = merge_chains(c for e in extractions for c in e.chains)
    documents = _frame([_document_row(raw, results.get(doc_id), store) for doc_id, raw in raws.items()],
                       DOCUMENT_COLUMNS)
    context = _DocumentContext(documents)

    def located(rows: Iterable, columns: list[str]) -> pd.DataFrame:
        return _frame([{**_plain(r), "evidence": r.evidence.text if r.evidence else "",
                        "locator": _where(stored, r.evidence)} for r in rows], columns)

    chain_rows = located(chains, CHAIN_COLUMNS)
    for column, values in context.columns(chain_rows.region, [[d] for d in chain_rows.doc_id]).items():
        chain_rows[column] = values
    table1 = _frame([_scheme_row(s, stored) for s in schemes], TABLE1_COLUMNS)
    for column, values in context.columns(table1.region, [_main_first(s) for s in schemes]).items():
        table1[column] = values
    return Findings(
        documents=documents,
        chain_leader_table=table1.sort_values(["province", "region"], kind="stable", ignore_index=True),
        chains=chain_rows.sort_values(["province", "region"], kind="stable", ignore_index=True),
        open_competition_items=located((i for e in extractions for i in e.open_items), ITEM_COLUMNS),
        document_facts=located((f for e in extractions for f in e.facts), FACT_COLUMNS),
        national_system_projects=located((p for e in extractions for p in e.projects), PROJECT_COLUMNS)
        .astype({"provinces": "Int64", "organisations": "Int64", "people": "Int64"}),  # counts, blank when unstated
        schemes=tuple(sorted(schemes, key=lambda s: (context.province(s.region), s.region))),
        mentions=_frame([m for doc_id, s in stored.items() for m in mentions(doc_id, s.parts, s.raw.parts)],
                        MENTION_COLUMNS).astype({"page": "Int64"}),
        fetch_errors=_frame([*({"url": e.url, "stage": e.stage, "message": e.message, "at": e.at}
                               for e in store.errors() if e.doc_id is None or not store.has_document(e.doc_id)),
                             *({"url": raw.url, "stage": "parse", "message": refused[raw.doc_id],
                                "at": raw.fetched_at} for raw in not_documents)],
                            FETCH_ERROR_COLUMNS),
        stored=stored,
        not_documents=tuple(not_documents),
        refused=refused,
        results=results,
        store_path=str(store.root.resolve()),
        store_documents=store.count_documents(),
    )


class _DocumentContext:
    """Province, admin code, first date and the main document's title, issuer and URL for table rows."""

    def __init__(self, documents: pd.DataFrame) -> None:
        self._meta = documents.set_index("doc_id")

    @staticmethod
    def province(region: str) -> str:
        return region_fields(region)["province"] if region else ""

    def columns(self, regions: Iterable[str], doc_groups: Iterable[list[str]]) -> dict[str, list]:
        out: dict[str, list] = {c: [] for c in CONTEXT_COLUMNS}
        for region, doc_ids in zip(regions, doc_groups, strict=True):
            known = [d for d in doc_ids if d in self._meta.index]
            dates = sorted(str(self._meta.at[d, "date"]) for d in known if self._meta.at[d, "date"])
            main = known[0] if known else None
            fields = region_fields(region) if region else {"province": "", "admin_code": ""}
            out["province"].append(fields["province"])
            out["admin_code"].append(fields["admin_code"])
            out["first_date"].append(dates[0] if dates else "")
            for column in ("title", "issuer", "source_url"):
                out[column].append(self._meta.at[main, column] if main else "")
        return out


def _main_first(scheme: ChainLeaderScheme) -> list[str]:
    """The scheme's documents, the one most of its evidence cites first (its 'main document')."""
    cited = Counter(e.doc_id for items in scheme.evidence.values() for e in items)
    return sorted(scheme.doc_ids, key=lambda d: -cited[d])


def _where(stored: dict[str, StoredDoc], evidence: Evidence | None) -> str:
    if evidence is None:
        return ""
    return stored[evidence.doc_id].where(evidence).label() if evidence.doc_id in stored else evidence.locator


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _plain(obj: object) -> dict:
    return {k: v for k, v in to_dict(obj).items() if not isinstance(v, (dict, list))}


def _document_row(raw: RawDocument, result: ProcessedDocument | None, store: CorpusStore) -> dict:
    meta = result.meta if result else raw.meta
    region = region_fields(meta.region) if meta.region and not meta.admin_code else vars(meta)  # older results lack codes
    date = meta.written_date or meta.publish_date
    row = {
        "doc_id": raw.doc_id,
        "title": meta.title or PurePath(raw.url).stem,
        "source_url": raw.url,
        "region": meta.region,
        "province": region["province"],
        "admin_code": region["admin_code"],
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "date": date,
        "year": date[:4],
        "doc_type": meta.doc_type,
        "modes": "",
        "error": "; ".join(_document_errors(raw, result, store)),
    }
    if result and result.classification:
        row["modes"] = ID_JOIN.join(result.classification.labels)
        for mode_result in result.classification.results:
            row[f"{mode_result.mode}_score"] = round(mode_result.score, 4)
            row[f"{mode_result.mode}_evidence"] = mode_result.evidence[0].text if mode_result.evidence else ""
    return row


def _document_errors(raw: RawDocument, result: ProcessedDocument | None, store: CorpusStore) -> list[str]:
    errors = [f"{e.stage}: {e.message}" for e in store.errors(raw.doc_id) if e.stage != "process"]
    if result is None:
        return [*errors, "not processed yet (run `policy-miner process`)"]
    return [*errors, *result.errors, *(["needs OCR"] if result.needs_ocr else [])]


def _scheme_row(scheme: ChainLeaderScheme, stored: dict[str, StoredDoc]) -> dict:
    return {
        "region": scheme.region,
        "concept": scheme.concept,
        "model": LIST_JOIN.join(scheme.model),
        "key_chains": LIST_JOIN.join(scheme.key_chains),
        "doc_ids": ID_JOIN.join(scheme.doc_ids),
        "roles": ID_JOIN.join(f"{role}={who}" for role, who in scheme.roles.items()),
        "flags": ID_JOIN.join(scheme.flags),
        "evidence": ID_JOIN.join(f"{cell}@{e.doc_id}:{_where(stored, e) or e.sentence}"
                                 for cell, items in scheme.evidence.items() for e in items),
    }


def scheme_provenance(findings: Findings) -> list[dict]:
    """chain_leader_table.json: each row with, per cell, the evidence sentence, its document and where it sits."""
    rows = []
    for scheme in findings.schemes:
        row = to_dict(scheme)
        row["evidence"] = {cell: [{**to_dict(e), **findings.evidence(e)} for e in items]
                           for cell, items in scheme.evidence.items()}
        rows.append(row)
    return rows


def table1_markdown(table: pd.DataFrame, findings: Findings | None = None) -> str:
    """The chain-leader table rendered like the paper's Table 1, with a citation of its documents per row."""
    header = "| 地区 | 发展理念 | 发展模式 | 重点产业链方向 | 来源 |\n|---|---|---|---|---|\n"
    lines = []
    for row in table.fillna("").astype(str).itertuples(index=False):
        cells = [row.region, row.concept, row.model, row.key_chains, _citation(row.doc_ids, findings)]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |\n")
    return header + "".join(lines)


def _citation(doc_ids: str, findings: Findings | None) -> str:
    if findings is None:
        return doc_ids
    cites = []
    for doc_id in filter(None, doc_ids.split(ID_JOIN)):
        meta = findings.document(doc_id)
        detail = "，".join(filter(None, [meta["issuer"], meta["doc_number"], meta["date"]]))
        title = f"[{meta['title'] or doc_id}]({meta['source_url']})" if meta["source_url"].startswith("http") \
            else meta["title"] or doc_id
        cites.append(f"{title}（{detail}）" if detail else title)
    return "；".join(cites)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix ' to text cells a spreadsheet would run as a formula (= + - @ tab CR), per OWASP CSV injection."""
    safe = table.copy()
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START)
                                            else v)
    return safe


def write_findings(findings: Findings, out_dir: Path, formats: Sequence[str] = ALWAYS,
                   run: RunInfo | None = None) -> list[Path]:
    """Write every table (CSV + Parquet) and the requested extra formats into a fresh folder, then switch
    ``out_dir`` to it; returns the paths as seen through ``out_dir``.  Raises ExportError (one line) on failure."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    run = run or RunInfo()
    started = now_iso()
    clock = time.monotonic()
    out_dir = Path(out_dir)
    with staged_folder(out_dir) as folder:
        _write_all(findings, folder, set(formats) | set(ALWAYS), run, started)
        names = sorted(p.name for p in folder.iterdir())
    log.info("export of %d documents took %.1f s", len(findings.documents), time.monotonic() - clock)
    return [out_dir / name for name in names]


def _write_all(findings: Findings, folder: Path, formats: set[str], run: RunInfo, started: str) -> None:
    for name, table in findings.all_tables().items():
        neutralise_formulas(table).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
        table.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "chain_leader_table.json").write_text(
        json.dumps(scheme_provenance(findings), ensure_ascii=False, indent=1), encoding="utf-8")
    if "md" in formats:
        (folder / "chain_leader_table.md").write_text(table1_markdown(findings.chain_leader_table, findings),
                                                       encoding="utf-8")
    if "corpus" in formats:
        corpus = findings.corpus()
        corpus.to_parquet(folder / "corpus.parquet", index=False)
        corpus.to_json(folder / "corpus.jsonl", orient="records", lines=True, force_ascii=False)
    manifest = _manifest(findings, folder, formats, run, started)
    if "xlsx" in formats:
        from pipeline.exports.xlsx import write_workbook

        write_workbook(findings, manifest, folder / "findings.xlsx")
    if "html" in formats:
        from pipeline.exports.report import write_report

        write_report(findings, manifest, folder / "report.html")
    write_manifest(folder, _manifest(findings, folder, formats, run, started))  # last: marks the folder complete


def _manifest(findings: Findings, folder: Path, formats: set[str], run: RunInfo, started: str) -> dict:
    return findings_manifest(findings, run, formats, [p for p in folder.iterdir() if p.name != "manifest.json"],
                             started)


def findings_manifest(findings: Findings, run: RunInfo, formats: Iterable[str] = ALWAYS,
                      files: Iterable[Path] = (), started: str | None = None) -> dict:
    """The manifest of these findings (pipeline.manifest.build_manifest with the findings' counts and scope)."""
    return build_manifest(
        run, store_path=findings.store_path, store_documents=findings.store_documents,
        content_keys={raw.doc_id: raw.content_key  # not-documents too: a rerun judges them again
                      for raw in [*(s.raw for s in findings.stored.values()), *findings.not_documents]},
        result_versions=(r.classification.model_version for r in findings.results.values() if r.classification),
        formats=formats, counts={name: len(table) for name, table in findings.all_tables().items()},
        files=files, started_at=started or now_iso())
