"""Measure the whole pipeline on the annotated real excerpts, as a user's documents would go through it.

    python -m pipeline.extract.real_eval [--split test|train|all] [--verbose]

Each annotated excerpt (``corpora/annotations/real_excerpts.jsonl``, texts read
in place from ``../shared/corpora/real-excerpts/docs``) becomes a RawDocument
whose single page is the file, with the landing URL a crawler would know (the
``url`` column of the collectors' sources CSVs; nothing else from them is
used).  :func:`pipeline.process.process_document` runs parse → segment →
classify (shipped model) → extract → mode gate, i.e. exactly what
``policy-miner process`` stores.

Scored per document:

* the chain-leader table (region | concept | model | key chains) with
  :func:`pipeline.extract.score.score_rows`; rows are keyed by file and region,
  so a document's row meets only its own gold row, and a scheme placed in the
  wrong region counts all its cells wrong.  Gold rows exist for documents whose
  gold modes include chain_leader, predicted rows wherever the system outputs a
  scheme.  Texts are compared in simplified characters (OpenCC t2s on both
  sides), since several excerpts are stored in traditional characters.  Two
  lines split the losses: the same table with every scheme of a document filed
  under its gold region (what region errors cost), and for how many gold rows
  with cells the document gets no scheme at all (the mode gate, or no region found);
* region accuracy: the document's region against the gold division path
  (names compared through :func:`canonical_region`, so 浙江/浙江省 agree);
* roles: (role, holder) pairs from the schemes' roles and chain rows;
* modes: the classifier's labels against the gold modes, per label and macro-F1.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from opencc import OpenCC

from pipeline.annotations import EXCERPTS_DIR, ExcerptAnnotation, load_annotations, raw_document
from pipeline.metrics import Counts
from pipeline.models import ChainLeaderScheme, ChainRow, ProcessedDocument
from pipeline.extract.merge import merge_schemes
from pipeline.extract.regions import canonical_region
from pipeline.extract.score import ExpectedRow, TableScore, score_rows
from pipeline.extract.text import normalise_item

log = logging.getLogger(__name__)

MODES = ("national_system", "chain_leader", "open_competition")
ROLE_OF_LABEL = {"总链长": "chief_chain_head", "链长": "chain_head", "链主": "lead_firm", "牵头单位": "lead_unit",
                 "链长办": "chain_office", "工作专班": "chain_office"}
"""Scheme role labels (pipeline.extract.roles) → annotation roles; 副总链长/副链长 have no annotation role."""
HOLDER_SEPARATORS = re.compile(r"[、，,；;]")


@dataclass
class RealEvaluation:
    table: TableScore
    region_correct: int = 0
    region_total: int = 0
    roles: Counts = field(default_factory=Counts)
    modes: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    differences: list[str] = field(default_factory=list)  # per-document, for --verbose
    documents: int = 0
    table_region_forgiven: TableScore = field(default_factory=TableScore)  # every scheme filed under the gold region
    rows_with_cells: int = 0  # gold rows with at least one cell annotated
    without_scheme: int = 0  # of those, the documents for which the pipeline states no scheme at all

    @property
    def region_accuracy(self) -> float:
        return self.region_correct / self.region_total if self.region_total else 1.0

    @property
    def mode_macro_f1(self) -> float:
        return sum(c.f1 for c in self.modes.values()) / len(self.modes)


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text) if text else text


def run_pipeline(annotations: Sequence[ExcerptAnnotation], excerpts: Path = EXCERPTS_DIR
                 ) -> dict[str, ProcessedDocument | None]:
    """file → what ``policy-miner process`` makes of it (None when processing raised)."""
    from pipeline.classify import shipped_model
    from pipeline.process import process_document

    model = shipped_model()
    results: dict[str, ProcessedDocument | None] = {}
    for item in annotations:
        try:
            results[item.file] = process_document(raw_document(item.file, excerpts),
                                                  lambda key: Path(key).read_bytes(), model)
        except Exception as exc:  # noqa: BLE001 — one bad document must not stop the measurement
            log.warning("%s: processing failed: %s", item.file, exc)
            results[item.file] = None
    return results


def same_region(gold: str, predicted: str) -> bool:
    """Is ``predicted`` (a region as the pipeline writes it) the gold division path's last division?

    Names go through the project's region resolver, so only the 省/市 suffix forms
    (浙江 = 浙江省) and the resolver's full-name conventions are forgiven; divisions
    the resolver does not know are compared as written, modulo 省/市."""
    predicted = predicted.strip()
    if not gold or not predicted:
        return False
    if gold == "全国" or predicted == "全国":
        return gold == (canonical_region(predicted) or predicted)
    parts = gold.split("/")
    want, got = canonical_region(parts[-1]), canonical_region(predicted.replace("/", ""))
    if want and got:
        return want == got
    written = re.sub(r"[省市/]", "", predicted)
    return any(written == re.sub(r"[省市]", "", "".join(parts[i:])) for i in range(len(parts)))


def gold_row(item: ExcerptAnnotation) -> ExpectedRow:
    return ExpectedRow(_row_key(item.file, item.region), simplified(item.span_text(item.concept)) if item.concept else "",
                       tuple(simplified(item.span_text(s)) for s in item.components),
                       tuple(simplified(item.span_text(s)) for s in item.chains))


def predicted_rows(item: ExcerptAnnotation, schemes: Iterable[ChainLeaderScheme]) -> list[ChainLeaderScheme]:
    """The document's schemes keyed like its gold row when their region is the gold region."""
    return [ChainLeaderScheme(
        region=_row_key(item.file, item.region if same_region(item.region, s.region) else s.region or "?"),
        concept=simplified(s.concept), model=tuple(simplified(m) for m in s.model),
        key_chains=tuple(simplified(c) for c in s.key_chains)) for s in schemes]


def _row_key(file: str, region: str) -> str:
    return f"{file} [{region}]"


def gold_roles(item: ExcerptAnnotation) -> set[tuple[str, str]]:
    return {(r.role, _holder_key(item.span_text(r.holder))) for r in item.roles}


def predicted_roles(result: ProcessedDocument, gold: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """(role, holder) pairs the document's schemes and chain rows state.

    A value may list several holders (链主: 甲公司、乙公司); it is split on 、，；
    unless the value as a whole is the gold holder (山东省委、省政府主要领导 is one)."""
    extraction = result.extraction
    return set() if extraction is None else holder_pairs(extraction.schemes, extraction.chains, gold)


def holder_pairs(schemes: Iterable[ChainLeaderScheme], chains: Iterable[ChainRow], gold: set[tuple[str, str]]
                 ) -> set[tuple[str, str]]:
    """(annotation role, holder) pairs stated by schemes' roles and chain rows (see :func:`predicted_roles`)."""
    pairs = [(ROLE_OF_LABEL.get(label), holder) for s in schemes for label, holder in s.roles.items()]
    for row in chains:
        pairs += [("chain_head", row.chain_leader), ("lead_firm", row.chain_owner), ("lead_unit", row.lead_unit)]
    found: set[tuple[str, str]] = set()
    for role, holders in pairs:
        if not role or not holders:
            continue
        if (role, _holder_key(holders)) in gold:
            found.add((role, _holder_key(holders)))
        else:
            found.update((role, _holder_key(h)) for h in HOLDER_SEPARATORS.split(holders) if _holder_key(h))
    return found


def _holder_key(holder: str) -> str:
    return normalise_item(simplified(holder))


def score(annotations: Sequence[ExcerptAnnotation], results: dict[str, ProcessedDocument | None]) -> RealEvaluation:
    gold, predicted, forgiven = [], [], []
    evaluation = RealEvaluation(TableScore())
    for item in annotations:
        result = results.get(item.file)
        extraction = result.extraction if result else None
        labels = set(result.classification.labels) if result and result.classification else set()
        evaluation.documents += 1
        if "chain_leader" in item.modes:
            gold.append(row := gold_row(item))
            if row.concept or row.model or row.key_chains:
                evaluation.rows_with_cells += 1
                evaluation.without_scheme += not (extraction and extraction.schemes)
        if extraction is not None:
            predicted += predicted_rows(item, extraction.schemes)
            forgiven += predicted_rows(item, merge_schemes(replace(s, region=item.region) for s in extraction.schemes))
        region = (extraction.region if extraction else "") or (result.meta.region if result else "")
        if item.region:
            evaluation.region_total += 1
            if same_region(item.region, region):
                evaluation.region_correct += 1
            else:
                evaluation.differences.append(f"{item.file}: region {region or '-'} ≠ {item.region}")
        want_roles = gold_roles(item)
        got_roles = predicted_roles(result, want_roles) if result else set()
        evaluation.roles.add(want_roles, got_roles)
        for role, holder in sorted(want_roles - got_roles):
            evaluation.differences.append(f"{item.file}: role missing {role}={holder}")
        for role, holder in sorted(got_roles - want_roles):
            evaluation.differences.append(f"{item.file}: role extra {role}={holder}")
        for mode in MODES:
            evaluation.modes[mode].add({item.file} if mode in item.modes else set(),
                                       {item.file} if mode in labels else set())
        if labels != set(item.modes):
            evaluation.differences.append(f"{item.file}: modes {','.join(sorted(labels)) or '-'}"
                                          f" ≠ {','.join(item.modes) or '-'}")
        if result is None:
            evaluation.differences.append(f"{item.file}: processing failed")
    table = score_rows(predicted, gold)
    evaluation.table = table
    evaluation.table_region_forgiven = score_rows(forgiven, gold)
    evaluation.differences += table.errors
    return evaluation


def evaluate(split: str | None = "test") -> RealEvaluation:
    annotations = load_annotations(split=split)
    return score(annotations, run_pipeline(annotations))


def report(evaluation: RealEvaluation, split: str) -> str:
    table, cells = evaluation.table, evaluation.table.per_cell
    counts = lambda name: cells.get(name, Counts())  # noqa: E731
    chains = counts("key_chains")
    lines = [
        f"real excerpts, split={split}: {evaluation.documents} documents",
        f"{'metric':<26} {'P':>5} {'R':>5} {'F1':>5}   counts",
        f"{'table cells':<26} {table.precision:5.2f} {table.recall:5.2f} {table.f1:5.2f}   "
        f"tp={table.tp} fp={table.fp} fn={table.fn}",
    ]
    for name, cell in (("concept", counts("concept")), ("model", counts("model")), ("key chains", chains)):
        lines.append(f"{'  ' + name:<26} {cell.precision:5.2f} {cell.recall:5.2f} {cell.f1:5.2f}   "
                     f"tp={cell.tp} fp={cell.fp} fn={cell.fn}")
    forgiven = evaluation.table_region_forgiven
    lines.append(f"{'  cells, region forgiven':<26} {forgiven.precision:5.2f} {forgiven.recall:5.2f} {forgiven.f1:5.2f}   "
                 f"tp={forgiven.tp} fp={forgiven.fp} fn={forgiven.fn}")
    lines.append(f"{'  no scheme stated':<26} {'':>5} {'':>5} {'':>5}   {evaluation.without_scheme} of "
                 f"{evaluation.rows_with_cells} gold rows with cells")
    roles = evaluation.roles
    lines.append(f"{'roles (role, holder)':<26} {roles.precision:5.2f} {roles.recall:5.2f} {roles.f1:5.2f}   "
                 f"tp={roles.tp} fp={roles.fp} fn={roles.fn}")
    for mode, mode_counts in evaluation.modes.items():
        lines.append(f"{'mode ' + mode:<26} {mode_counts.precision:5.2f} {mode_counts.recall:5.2f} "
                     f"{mode_counts.f1:5.2f}   tp={mode_counts.tp} fp={mode_counts.fp} fn={mode_counts.fn}")
    lines.append(f"{'modes macro-F1':<26} {'':>5} {'':>5} {evaluation.mode_macro_f1:5.2f}")
    lines.append(f"{'region accuracy':<26} {'':>5} {'':>5} {evaluation.region_accuracy:5.2f}   "
                 f"{evaluation.region_correct}/{evaluation.region_total}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.extract.real_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "train", "all"), default="test",
                        help="which part of the frozen region split to score (default: test)")
    parser.add_argument("--verbose", action="store_true", help="list every per-document difference")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    evaluation = evaluate(None if args.split == "all" else args.split)
    print(report(evaluation, args.split))
    if args.verbose:
        for line in evaluation.differences:
            print("  ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
