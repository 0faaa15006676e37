"""What every exported column means: shown in the workbook's README sheet and as Datasette column descriptions.

Keep in step with docs/outputs.md (the contract researchers read).
"""

from __future__ import annotations

from pipeline.models import MODES

_CONTEXT = {
    "province": "province (省级) the region belongs to",
    "admin_code": "administrative division code of the region (GB/T 2260)",
    "first_date": "date of the earliest document of the row (YYYY-MM-DD)",
    "title": "title of the row's main document (the one most of its evidence cites)",
    "issuer": "issuer (发文机关) of the main document",
    "source_url": "URL (or file) of the main document",
}
_LOCATOR = ("where the evidence sits: [attachment][#page=N]:p3 (paragraph 3) or t1r4 (table 1 row 4); "
            "attachment and PDF page when known")

COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "stable document id",
        "title": "标题",
        "source_url": "landing page URL, or the file path (relative to the input folder) for ingested files",
        "region": "省/市/区 the document belongs to (full administrative name)",
        "province": "its province-level unit", "admin_code": "GB/T 2260 code of the region",
        "issuer": "发文机关",
        "doc_number": "发文字号 (文号)",
        "date": "成文日期, else 发布日期 (YYYY-MM-DD)", "year": "the year of date",
        "doc_type": "通知 / 意见 / 方案 / 办法 / 规划 … from the title",
        "modes": "labels among national_system, chain_leader, open_competition (;-joined)",
        **{f"{m}_score": f"classifier probability of {m} (0–1)" for m in MODES},
        **{f"{m}_evidence": f"top evidence sentence for {m}" for m in MODES},
        "error": "problems recorded for the document (empty when fine)",
    },
    "chain_leader_table": {
        "region": "province, city or district/new area", "concept": "the scheme's label or slogan as written",
        "model": "the mechanism's components (、-joined)", "key_chains": "key industrial chains (、-joined)",
        "doc_ids": "documents the row was merged from (;-joined)", "roles": "role=who pairs",
        "flags": "warnings about the row", "evidence": "cell@doc_id:locator references", **_CONTEXT,
    },
    "chains": {
        "region": "region of the scheme", "chain": "key industrial chain",
        "chain_leader": "链长 (role or person)", "chain_owner": "链主 enterprises (、-joined)",
        "lead_unit": "牵头单位", "doc_id": "document", "evidence": "the sentence or table row", "locator": _LOCATOR,
        **_CONTEXT,
    },
    "open_competition_items": {
        "title": "榜单 item title", "issuer": "发榜方", "requirement": "summary of the requirement",
        "funding_wan": "funding in 万元", "deadline": "deadline", "region": "region", "doc_id": "document",
        "evidence": "the sentence or table row", "locator": _LOCATOR,
    },
    "document_facts": {
        "mode": "mode the fact belongs to", "kind": "demand_count, funding_share, participants …",
        "value": "the stated value", "doc_id": "document", "evidence": "the sentence", "locator": _LOCATOR,
    },
    "national_system_projects": {
        "project": "major project named", "provinces": "省市数", "organisations": "企事业单位数", "people": "人数",
        "doc_id": "document", "evidence": "the sentence", "locator": _LOCATOR,
    },
    "mentions": {
        "doc_id": "document", "mode": "mode of the term", "term": "key term (from pipeline/vocabulary.py)",
        "left": "up to 30 characters before", "keyword": "the term as found", "right": "up to 30 characters after",
        "locator": "p3 (paragraph) or t1r4 (table row) within the part", "attachment": "attachment it is in",
        "page": "PDF page",
    },
    "fetch_errors": {
        "url": "page or file that never became a document", "stage": "fetch, listing, ingest, parse …",
        "message": "what went wrong (404, 412, timeout, not text …)", "at": "when (UTC)",
    },
}
