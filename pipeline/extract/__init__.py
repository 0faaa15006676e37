"""Extraction of the three modes' structures from segmented documents (issue #6).

``extract(doc)`` reads one document: chain-leader schemes (one per region it
describes) and chain rows, 揭榜挂帅 榜单 items and facts, national projects,
each with Evidence(doc_id, sentence, locator).  ``merge_schemes`` /
``merge_chains`` combine documents per region; ``score_tables`` measures a
chain-leader table against an expected CSV.  See docs/extraction.md.
"""

from __future__ import annotations

from pipeline.models import Extraction, SegmentedDocument
from pipeline.extract.chain_leader import extract_chain_leader
from pipeline.extract.merge import merge_chains, merge_schemes
from pipeline.extract.national_system import extract_projects
from pipeline.extract.open_competition import extract_open_competition
from pipeline.extract.regions import document_region, sentence_regions
from pipeline.extract.score import TableScore, read_expected, score_rows, score_tables

__all__ = ["extract", "merge_schemes", "merge_chains", "score_tables", "score_rows", "read_expected",
           "TableScore"]


def extract(doc: SegmentedDocument) -> Extraction:
    """Everything the three extractors find in one document, read as segmented (hard-wrapped lines were
    joined and flattened tables recovered where parsing ends: pipeline.parse.reflow)."""
    region = document_region(doc)
    schemes, chains = extract_chain_leader(doc, sentence_regions(doc, region))
    open_items, facts = extract_open_competition(doc, region)
    return Extraction(doc_id=doc.doc_id, region=region, schemes=tuple(schemes), chains=tuple(chains), open_items=tuple(open_items),
                      facts=tuple(facts), projects=tuple(extract_projects(doc)))
