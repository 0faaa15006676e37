"""Measure the extractors on the bundled sample corpus (corpora/sample).

    python -m pipeline.extract.evaluate [--sample corpora/sample] [--verbose]

Every page of ``site/`` is parsed with its attachments (files beside it named
in ``src/*.toml``) through the real parser and segmenter, extracted, merged per
region, and compared with ``expected/chain_leader_table.csv`` (cell-level F1)
and ``expected/chains.csv`` (chain-row fields).  Documents are read in place.
"""

from __future__ import annotations

import argparse
import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import SAMPLE_DIR
from pipeline.formats import sniff_media_type
from pipeline.models import ChainRow, Extraction, RawDocument, RawPart
from pipeline.parse import parse_document
from pipeline.segment import segment
from pipeline.extract import extract, merge_chains, merge_schemes, score_tables
from pipeline.extract.regions import canonical_region
from pipeline.extract.score import TableScore
from pipeline.chain_names import normalise_chain


@dataclass(frozen=True)
class SampleRun:
    extractions: dict[str, Extraction]  # site path → extraction
    table: TableScore
    chain_fields: tuple[int, int, tuple[str, ...]]  # (correct, expected, misses) over chain, leader, owner, lead unit


def load_document(sample: Path, source: Path) -> RawDocument:
    """A sample page and its attachments as a RawDocument whose blob keys are file paths."""
    spec = tomllib.loads(source.read_text(encoding="utf-8"))
    page = sample / "site" / spec["path"]
    files = [(page, "page")] + [(page.parent / a["file"], "attachment") for a in spec.get("attachments", [])]
    parts = tuple(RawPart(role=role, url=str(path), sha256=str(path), filename=path.name,
                          media_type=sniff_media_type(path.read_bytes(), path.name))
                  for path, role in files if path.exists())
    return RawDocument(doc_id=spec["path"], source="sample", url=str(page), parts=parts)


def run(sample: Path = SAMPLE_DIR) -> SampleRun:
    extractions = {}
    for source in sorted((sample / "src").glob("*.toml")):
        raw = load_document(sample, source)
        extractions[raw.doc_id] = extract(segment(parse_document(raw, lambda key: Path(key).read_bytes())))
    schemes = merge_schemes(s for e in extractions.values() for s in e.schemes)
    table = score_tables(schemes, sample / "expected" / "chain_leader_table.csv")
    rows = merge_chains(r for e in extractions.values() for r in e.chains)
    return SampleRun(extractions, table, chain_field_score(rows, sample / "expected" / "chains.csv"))


def chain_field_score(rows: list[ChainRow], expected_csv: Path) -> tuple[int, int, tuple[str, ...]]:
    """Expected chain rows whose chain is found, and whose leader / owners / lead unit match exactly."""
    found = {(r.region, normalise_chain(r.chain)): r for r in rows}
    correct = total = 0
    misses = []
    with expected_csv.open(encoding="utf-8-sig", newline="") as handle:
        for want in csv.DictReader(handle):
            got = found.get((canonical_region(want["region"]) or want["region"], normalise_chain(want["chain"])))
            total += 1
            correct += got is not None
            if got is None:
                misses.append(f"{want['region']} {want['chain']}: chain not found")
            for name in ("chain_leader", "chain_owner", "lead_unit"):
                if want[name]:
                    total += 1
                    value = getattr(got, name) if got else ""
                    correct += value == want[name]
                    if got and value != want[name]:
                        misses.append(f"{want['region']} {want['chain']} {name}: {value!r} ≠ {want[name]!r}")
    return correct, total, tuple(misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    result = run(args.sample)
    table = result.table
    print(f"chain_leader_table: {table}")
    for cell, counts in table.per_cell.items():
        print(f"  {cell:<10} {counts}")
    correct, total, misses = result.chain_fields
    print(f"chains.csv fields: {correct}/{total} = {correct / total:.3f}")
    if args.verbose:
        for miss in misses:
            print("  ", miss)
        for error in table.errors:
            print("  ", error)
        for path, extraction in result.extractions.items():
            for scheme in extraction.schemes:
                print(path, scheme.region, scheme.concept, scheme.model, scheme.key_chains, scheme.roles, scheme.flags)


if __name__ == "__main__":
    main()
