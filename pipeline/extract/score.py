"""Cell-level scoring of a chain-leader table against an expected CSV.

Rows are matched by region.  Cells: the concept is one cell (exact match,
modulo quote style and spacing); model and key_chains count one cell per item
(set comparison after the same normalisers the extractor uses).  A predicted
region missing from the expectation contributes all its cells as false
positives, an expected region never predicted all its cells as false
negatives.  Micro-averaged precision/recall/F1 over all cells.

The CSV format is outputs/chain_leader_table.csv's (docs/outputs.md): columns
``region``, ``concept``, ``model``, ``key_chains``, lists joined by "、" (or
"；" in hand-written files); other columns (doc ids, evidence, paths) are ignored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.metrics import Counts
from pipeline.models import ChainLeaderScheme
from pipeline.extract.regions import canonical_region
from pipeline.chain_names import normalise_chain
from pipeline.extract.text import normalise_concept, normalise_item



@dataclass(frozen=True)
class ExpectedRow:
    region: str
    concept: str
    model: tuple[str, ...]
    key_chains: tuple[str, ...]


@dataclass
class TableScore(Counts):
    """Micro-averaged counts over all cells, plus the counts per cell name."""

    per_cell: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # human-readable differences, for reports

    def add_cell(self, cell: str, expected: set[str], predicted: set[str]) -> None:
        self.add(expected, predicted)
        self.per_cell.setdefault(cell, Counts()).add(expected, predicted)


def split_list(cell: str) -> tuple[str, ...]:
    separators = r"[；;|｜\n]" if re.search(r"[；;|｜\n]", cell) else r"[、]"
    return tuple(p.strip() for p in re.split(separators, cell) if p.strip())


def read_expected(path: Path) -> list[ExpectedRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [ExpectedRow(canonical_region(row["region"]) or row["region"].strip(), (row.get("concept") or "").strip(),
                            split_list(row.get("model") or ""), split_list(row.get("key_chains") or ""))
                for row in csv.DictReader(handle) if (row.get("region") or "").strip()]


def score_tables(predicted: list[ChainLeaderScheme], expected_csv: Path) -> TableScore:
    return score_rows(predicted, read_expected(expected_csv))


def score_rows(predicted: list[ChainLeaderScheme], expected: list[ExpectedRow]) -> TableScore:
    score = TableScore()
    by_region = {s.region: s for s in predicted}
    for row in expected:
        scheme = by_region.pop(row.region, None)
        got = ExpectedRow(row.region, scheme.concept, scheme.model, scheme.key_chains) if scheme else \
            ExpectedRow(row.region, "", (), ())
        _compare(score, row, got)
    for scheme in by_region.values():
        _compare(score, ExpectedRow(scheme.region, "", (), ()),
                 ExpectedRow(scheme.region, scheme.concept, scheme.model, scheme.key_chains))
    return score


def _compare(score: TableScore, want: ExpectedRow, got: ExpectedRow) -> None:
    _compare_sets(score, want.region, "concept", [want.concept] if want.concept else [],
                  [got.concept] if got.concept else [], normalise_concept)
    _compare_sets(score, want.region, "model", list(want.model), list(got.model), normalise_item)
    _compare_sets(score, want.region, "key_chains", list(want.key_chains), list(got.key_chains), normalise_chain)


def _compare_sets(score: TableScore, region: str, cell: str, want: list[str], got: list[str],
                  key: Callable[[str], str]) -> None:
    want_keys, got_keys = {key(w) for w in want}, {key(g) for g in got}
    score.add_cell(cell, want_keys, got_keys)
    for missing in sorted(want_keys - got_keys):
        score.errors.append(f"{region} {cell}: missing {missing}")
    for extra in sorted(got_keys - want_keys):
        score.errors.append(f"{region} {cell}: extra {extra}")
