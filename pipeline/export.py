"""Findings as tables: the CSV/Parquet/Markdown files researchers and scripts read.

The column contract is documented in docs/outputs.md; change both together.
CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly; every
table is also written as Parquet.  Files are written to a temporary name and
renamed, so a crash never leaves a half-written table behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from pipeline.extract import merge_chains, merge_schemes
from pipeline.models import MODES, ChainLeaderScheme, Evidence, ProcessedDocument, RawDocument, to_dict
from pipeline.store import CorpusStore

LIST_JOIN = "、"  # joins items inside a cell (model components, key chains), as the paper's table does
ID_JOIN = ";"  # joins identifiers (modes, doc ids)
FORMATS = ("csv", "parquet", "md")

DOCUMENT_COLUMNS = ["doc_id", "title", "source_url", "region", "issuer", "doc_number", "date", "doc_type", "modes",
                    *(f"{m}_score" for m in MODES), *(f"{m}_evidence" for m in MODES), "error"]
TABLE1_COLUMNS = ["region", "concept", "model", "key_chains", "doc_ids", "roles", "flags", "evidence"]
CHAIN_COLUMNS = ["region", "chain", "chain_leader", "chain_owner", "lead_unit", "doc_id", "evidence"]
ITEM_COLUMNS = ["title", "issuer", "requirement", "funding_wan", "deadline", "region", "doc_id", "evidence"]
FACT_COLUMNS = ["mode", "kind", "value", "doc_id", "evidence"]
PROJECT_COLUMNS = ["project", "provinces", "organisations", "people", "doc_id", "evidence"]


@dataclass(frozen=True)
class Findings:
    documents: pd.DataFrame
    chain_leader_table: pd.DataFrame
    chains: pd.DataFrame
    open_competition_items: pd.DataFrame
    document_facts: pd.DataFrame
    national_system_projects: pd.DataFrame
    schemes: tuple[ChainLeaderScheme, ...]  # merged, with full provenance (written as chain_leader_table.json)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in (
            "documents", "chain_leader_table", "chains", "open_competition_items", "document_facts",
            "national_system_projects")}


def collect_findings(store: CorpusStore, doc_ids: Iterable[str] | None = None) -> Findings:
    """Build every output table from the store's documents and processing results."""
    wanted = list(doc_ids) if doc_ids is not None else None
    raws = {d.doc_id: d for d in store.documents(doc_ids=wanted)}
    results = {r.doc_id: r for r in store.results(raws)}
    extractions = [r.extraction for r in results.values() if r.extraction is not None]
    schemes = tuple(merge_schemes(s for e in extractions for s in e.schemes))
    chains = merge_chains(c for e in extractions for c in e.chains)
    return Findings(
        documents=_frame([_document_row(raw, results.get(doc_id), store) for doc_id, raw in raws.items()],
                         DOCUMENT_COLUMNS),
        chain_leader_table=_frame([_scheme_row(s) for s in schemes], TABLE1_COLUMNS),
        chains=_frame([{**_plain(c), "evidence": _evidence_text(c.evidence)} for c in chains], CHAIN_COLUMNS),
        open_competition_items=_frame([{**_plain(i), "evidence": _evidence_text(i.evidence)}
                                       for e in extractions for i in e.open_items], ITEM_COLUMNS),
        document_facts=_frame([{**_plain(f), "evidence": _evidence_text(f.evidence)}
                               for e in extractions for f in e.facts], FACT_COLUMNS),
        national_system_projects=_frame([{**_plain(p), "evidence": _evidence_text(p.evidence)}
                                         for e in extractions for p in e.projects], PROJECT_COLUMNS)
        .astype({"provinces": "Int64", "organisations": "Int64", "people": "Int64"}),  # counts, blank when unstated
        schemes=schemes,
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _plain(obj: object) -> dict:
    return {k: v for k, v in to_dict(obj).items() if not isinstance(v, (dict, list))}


def _evidence_text(evidence: Evidence | None) -> str:
    return evidence.text if evidence else ""


def _document_row(raw: RawDocument, result: ProcessedDocument | None, store: CorpusStore) -> dict:
    meta = result.meta if result else raw.meta
    row = {
        "doc_id": raw.doc_id,
        "title": meta.title or PurePath(raw.url).stem,
        "source_url": raw.url,
        "region": meta.region,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "date": meta.written_date or meta.publish_date,
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


def _scheme_row(scheme: ChainLeaderScheme) -> dict:
    return {
        "region": scheme.region,
        "concept": scheme.concept,
        "model": LIST_JOIN.join(scheme.model),
        "key_chains": LIST_JOIN.join(scheme.key_chains),
        "doc_ids": ID_JOIN.join(scheme.doc_ids),
        "roles": ID_JOIN.join(f"{role}={who}" for role, who in scheme.roles.items()),
        "flags": ID_JOIN.join(scheme.flags),
        "evidence": ID_JOIN.join(f"{cell}@{e.doc_id}:{e.locator or e.sentence}"
                                 for cell, items in scheme.evidence.items() for e in items),
    }


def table1_markdown(table: pd.DataFrame) -> str:
    """The chain-leader table rendered like the paper's Table 1."""
    header = "| 地区 | 发展理念 | 发展模式 | 重点产业链方向 |\n|---|---|---|---|\n"
    cells = (table[["region", "concept", "model", "key_chains"]].fillna("").astype(str)
             .map(lambda text: text.replace("|", "\\|").replace("\n", " ")))
    return header + "".join(f"| {' | '.join(row)} |\n" for row in cells.itertuples(index=False))


def write_findings(findings: Findings, out_dir: Path, formats: Sequence[str] = ("csv", "parquet")) -> list[Path]:
    """Write every table in each requested format; returns the paths written."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s) {sorted(unknown)}; choose from {FORMATS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, table in findings.tables().items():
        if "csv" in formats:
            written.append(_atomic_write(out_dir / f"{name}.csv",
                                         lambda p, t=table: t.to_csv(p, index=False, encoding="utf-8-sig")))
        if "parquet" in formats:
            written.append(_atomic_write(out_dir / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False)))
    provenance = json.dumps([to_dict(s) for s in findings.schemes], ensure_ascii=False, indent=1)
    written.append(_atomic_write(out_dir / "chain_leader_table.json",
                                 lambda p: p.write_text(provenance, encoding="utf-8")))
    if "md" in formats:
        markdown = table1_markdown(findings.chain_leader_table)
        written.append(_atomic_write(out_dir / "chain_leader_table.md",
                                     lambda p: p.write_text(markdown, encoding="utf-8")))
    return written


def _atomic_write(path: Path, write) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path
