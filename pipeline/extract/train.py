"""Train the extractor's candidate scorer (``models/extractor.json``) from the annotated real excerpts.

Training data: the TRAIN split of ``corpora/annotations/real_excerpts.jsonl`` (never the frozen test
split).  Each excerpt is segmented and run through the structure rules with a judge that keeps
every candidate and records it (:class:`pipeline.extract.learned.Judge`); a candidate is positive
when it matches the annotation after the scorer's normalisers (a chain name, the concept, a
component list, a (role, holder) pair).  One logistic regression per candidate kind, kept at
probability ≥ a fixed threshold.  ``--cv`` measures it with folds grouped by the split's region groups, so a
region's phrasing never helps score itself.

Deterministic: documents in annotation-file order, sorted feature names, liblinear with a fixed
seed, JSON written with sorted keys and rounded weights — two runs on the same annotations give
the same bytes.

``python -m pipeline.extract.train [--cv [--errors]]``: train and write the artifact; ``--cv`` prints the
grouped cross-validated table figures on the train split instead (rules alone vs rules + scorer, with the
(role, holder) pairs of schemes and chain rows as `holders`), and
``--errors`` the scorer's out-of-fold misses per cell (train-split files only), ``--leave-out SET`` trains the
folds without one written fixture set (``--leave-out labels``: the figure without the set written after reading
the train split's misses).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from pipeline.annotations import ANNOTATIONS_FILE, ExcerptAnnotation, load_annotations
from pipeline.classify.dataset import load_segmented
from pipeline.config import MODELS_DIR, PROJECT_ROOT
from pipeline.extract.chain_leader import extract_chain_leader
from pipeline.extract.learned import (EXTRACTOR_FILE, FORMAT_VERSION, KINDS, Judge, KindModel, Observation,
                                      default_judge)
from pipeline.extract.merge import merge_schemes
from pipeline.extract.real_eval import gold_roles, holder_pairs, simplified
from pipeline.extract.regions import canonical_region, document_region, sentence_regions
from pipeline.extract.score import ExpectedRow, TableScore, read_expected, score_rows
from pipeline.chain_names import normalise_chain
from pipeline.extract.text import normalise_concept, normalise_item
from pipeline.metrics import Counts
from pipeline.models import ChainLeaderScheme, ChainRow, DocumentMeta, SegmentedDocument, Table
from pipeline.parse import text_document
from pipeline.segment import segment

SEED = 0
REGULARISATION_C = 1.0
THRESHOLD = {"chain_list": 0.5, "chain": 0.5, "concept": 0.4, "component": 0.35, "holder": 0.2}
"""Keep at probability ≥ this.  A component list is dropped only when the scorer is fairly sure: grouped
cross-validation on the real excerpts gives the same model figures from 0.3 to 0.5, and the written lists
(numbered headings of a mechanism) sit near 0.4.  Concepts at 0.4: cross-validated concept F1 0.56 → 0.59 against
0.5 (the region's best slogan is taken anyway; the threshold only says when no slogan is the label).  Chain lists
and chains: 0.4–0.7 tried, 0.5 best.  Holders at 0.2, a veto of claims the scorer is sure are wrong: on grouped
cross-validation the holder scorer never beat keeping every Matcher claim (holders F1 0.71 kept whole; 0.59 at
0.5, 0.68 at 0.3, 0.71 at 0.1–0.2): 28 annotated excerpts, and most claims it rates low are holders the annotators
left unmarked (a 省领导 in a quoted speech, 市委市政府相关负责同志) rather than misreadings."""
FOLDS = 5
MIN_EXAMPLES = 10
"""A kind with fewer positive or negative candidates gets no model: its candidates are all kept."""
WRITTEN_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "extract"
WRITTEN_SETS = {"documents": "expected_chain_leader_table.csv", "variants": "expected_variants_table.csv",
                "round3": "expected_round3_table.csv", "round3_variants": "expected_round3_variants_table.csv",
                "flat_tables": "expected_flat_tables.csv", "flat_tables_variants": "expected_flat_tables_variants.csv",
                "labels": "expected_labels_table.csv"}
ROLE_OF = {"chief_chain_head": ("总链长", "副总链长"), "chain_head": ("链长", "副链长"), "lead_firm": ("链主",),
           "lead_unit": ("牵头单位",), "chain_office": ("链长办", "工作专班")}


@dataclass(frozen=True)
class RowKeys:
    """A scheme row as comparison keys."""

    concept: str = ""
    components: frozenset[str] = frozenset()
    chains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Gold:
    """What one annotated document says its scheme row(s) hold, as comparison keys."""

    file: str
    group: str
    scheme: bool  # the annotation's modes include chain_leader: the table has a row for it
    doc: SegmentedDocument
    rows: dict[str, RowKeys]  # region → row; "" for an excerpt's one row, whatever region it is read under
    holders: frozenset[tuple[str, str]] | None  # None: roles not annotated (written fixtures)
    role_pairs: frozenset[tuple[str, str]] = frozenset()  # (annotation role, holder) as real_eval scores them
    chains_annotated: bool = True  # False: a written set made for labels, whose texts' chain words are not labelled

    def expected_row(self) -> ExpectedRow | None:
        row = self.rows.get("")
        if not self.scheme or row is None:
            return None
        return ExpectedRow(self.file, row.concept, tuple(sorted(row.components)), tuple(sorted(row.chains)))

    def label(self, observation: Observation) -> bool | None:
        """Is the candidate what the annotation says (None: the annotation does not say)?"""
        row = self.rows.get("") or self.rows.get(canonical_region(observation.region) or observation.region) or RowKeys()
        text = observation.text
        if observation.kind in ("chain", "chain_list") and not self.chains_annotated:
            return None
        if observation.kind == "chain":
            return normalise_chain(text) in row.chains
        if observation.kind == "chain_list":  # a list: the scheme's when most of its items hold a chain of the row
            items = [normalise_chain(item) for item in text.split("；")]
            return bool(row.chains) and sum(any(gold in item or item in gold for gold in row.chains if len(gold) > 1)
                                            for item in items if item) * 2 >= len(items)
        if observation.kind == "concept":
            return bool(row.concept) and normalise_concept(text) == row.concept
        if observation.kind == "component":  # a list: right when most of its items are components
            items = [normalise_item(item) for item in text.split("；")]
            return bool(row.components) and sum(item in row.components for item in items) >= len(items) / 2
        return None if self.holders is None else self.holder_label(observation.role, text)

    def holder_label(self, role: str, text: str) -> bool:
        """A holder claim is right when the annotation names it, or names most of the holders it lists
        (链主 甲集团、乙公司; 市委书记、市长)."""
        holders = self.holders or frozenset()
        parts = [part.strip() for part in re.split(r"[、，,；;]", text) if part.strip()]
        return (role, text.strip()) in holders or 0 < len(parts) <= 2 * sum((role, p) in holders for p in parts)


def gold_of(annotation: ExcerptAnnotation) -> Gold:
    """The annotation as comparison keys, text and spans in simplified characters (as the pipeline reads
    them: traditional-character excerpts are converted before segmentation)."""
    def span(s) -> str:
        return simplified(annotation.span_text(s))
    roles = {(role, span(r.holder).strip()) for r in annotation.roles for role in ROLE_OF[r.role]}
    row = RowKeys(normalise_concept(span(annotation.concept)) if annotation.concept else "",
                  frozenset(normalise_item(span(s)) for s in annotation.components),
                  frozenset(normalise_chain(span(s)) for s in annotation.chains))
    return Gold(annotation.file, annotation.group, "chain_leader" in annotation.modes,
                load_segmented(f"excerpt:{annotation.file}"), {"": row},
                frozenset(roles), frozenset(gold_roles(annotation)))


def written_golds(directory: Path = WRITTEN_FIXTURES, leave_out: frozenset[str] = frozenset()) -> list[Gold]:
    """The written extraction fixtures (documents in our own words, each set with its expected table): more
    labelled candidates, in the conventions the project's tests hold.  A set written for one cell says so
    (``cells = ["concept", "model"]`` in its file): its texts' other candidates are not labelled, since nobody
    wrote them as examples of those cells.  The held-out sets are never read."""
    golds = []
    for name, table in ((n, t) for n, t in WRITTEN_SETS.items() if n not in leave_out):
        expected = {row.region: RowKeys(normalise_concept(row.concept), frozenset(map(normalise_item, row.model)),
                                        frozenset(map(normalise_chain, row.key_chains)))
                    for row in read_expected(directory / table)}
        written = tomllib.loads((directory / f"{name}.toml").read_text(encoding="utf-8"))
        chains_annotated = "key_chains" in written.get("cells", ["key_chains"])
        for record in written["doc"]:
            tables = tuple(Table(rows=tuple(tuple(row) for row in rows), index=i)
                           for i, rows in enumerate(record.get("tables", [])))
            meta = DocumentMeta(title=record.get("title", ""), region=record.get("meta_region", ""))
            doc = segment(text_document(record["id"], record["text"].strip(), meta, tables))
            golds.append(Gold(record["id"], f"written:{name}", True, doc, expected, None,
                              chains_annotated=chains_annotated))
    return golds


def schemes_of(doc: SegmentedDocument, judge: Judge) -> list[ChainLeaderScheme]:
    """The chain-leader part of :func:`pipeline.extract.extract`, with a given judge."""
    return extraction_of(doc, judge)[0]


def extraction_of(doc: SegmentedDocument, judge: Judge) -> tuple[list[ChainLeaderScheme], list[ChainRow]]:
    """Schemes and chain rows as :func:`pipeline.extract.extract` makes them, with a given judge."""
    return extract_chain_leader(doc, sentence_regions(doc, document_region(doc)), judge)


def observations(gold: Gold) -> list[tuple[Observation, bool]]:
    """Every candidate the rules propose for one excerpt, labelled against its annotation."""
    record: list[Observation] = []
    schemes_of(gold.doc, Judge(record=record))
    return [(o, label) for o in record if (label := gold.label(o)) is not None]


def fit(labelled: Sequence[tuple[Observation, bool, str]]) -> dict[str, KindModel]:
    """One logistic regression per kind over (observation, label, group) triples; a candidate is kept at
    probability ≥ THRESHOLD (thresholds chosen on out-of-fold scores moved with every retraining on so few
    documents and did no better in cross-validation)."""
    models = {}
    for kind in KINDS:
        rows = [(o.features, y, g) for o, y, g in labelled if o.kind == kind]
        labels = [y for _, y, _ in rows]
        if min(sum(labels), len(labels) - sum(labels)) < MIN_EXAMPLES:
            continue
        vectoriser = DictVectorizer(sort=True, sparse=False)
        design = vectoriser.fit_transform([f for f, _, _ in rows])
        target = np.array(labels, dtype=int)
        model = _regression().fit(design, target)
        weights = {name: round(float(w), 6) for name, w in zip(vectoriser.get_feature_names_out(), model.coef_.ravel())
                   if round(float(w), 6) != 0.0}
        models[kind] = KindModel(weights, round(float(model.intercept_[0]), 6), THRESHOLD[kind])
    return models


def _regression() -> LogisticRegression:
    return LogisticRegression(C=REGULARISATION_C, class_weight="balanced", solver="liblinear", random_state=SEED,
                              max_iter=1000)


def train(annotations: Path = ANNOTATIONS_FILE, models_dir: Path = MODELS_DIR) -> Path:
    """Fit the scorer on the train split and write ``models/extractor.json``; returns its path."""
    golds = [gold_of(a) for a in load_annotations(annotations, split="train")] + written_golds()
    labelled = [(o, y, g.group) for g in golds for o, y in observations(g)]
    models = fit(labelled)
    counts = {kind: [sum(1 for o, y, _ in labelled if o.kind == kind and y == label) for label in (True, False)]
              for kind in KINDS}
    artifact = {
        "format_version": FORMAT_VERSION,
        "train_annotations_sha256": _train_digest(annotations),
        "train_documents": {"real_excerpts": sum(not g.group.startswith("written:") for g in golds),
                            "written_fixtures": sum(g.group.startswith("written:") for g in golds)},
        "candidates": {kind: {"positive": p, "negative": n} for kind, (p, n) in counts.items()},
        "kinds": {kind: {"weights": m.weights, "intercept": m.intercept, "threshold": m.threshold}
                  for kind, m in models.items()},
    }
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / EXTRACTOR_FILE
    path.write_text(json.dumps(artifact, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    default_judge.cache_clear()
    return path


def _train_digest(annotations: Path) -> str:
    """Digest of the train-split records only: annotating the test split does not make the artifact stale."""
    train_files = {a.file for a in load_annotations(annotations, split="train")}
    lines = sorted(line for line in annotations.read_text(encoding="utf-8").splitlines()
                   if line.strip() and json.loads(line).get("file") in train_files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _document_row(file: str, schemes: list[ChainLeaderScheme]) -> list[ChainLeaderScheme]:
    """All schemes of one excerpt as one row keyed by the file: the figures measure extraction, not regions."""
    merged = merge_schemes([ChainLeaderScheme(file, s.concept, s.model, s.key_chains, s.roles, s.doc_ids, s.evidence)
                            for s in schemes])
    return merged


def cross_validate(annotations: Path = ANNOTATIONS_FILE, holders: dict[str, Counts] | None = None,
                   leave_out: frozenset[str] = frozenset(), share: float = 1.0) -> dict[str, TableScore]:
    """Grouped k-fold on the train split: table cells per excerpt with the rules alone (every candidate kept)
    and with the scorer.  Rows are keyed by file (regions are not measured here) and only excerpts whose gold
    modes include chain_leader are read, as if the mode classifier were right.  ``holders`` (rules, rules+scorer)
    gets the (role, holder) pairs of schemes and chain rows counted against the annotation, as real_eval does;
    ``leave_out`` names written sets kept out of training (a set written after reading the train split's misses
    makes the figure optimistic: this measures the code without it); ``share`` < 1 fits each fold's scorer on that
    share of its training groups (drawn with a fixed seed), a learning curve: how much the figures owe to the amount
    of annotated real text."""
    golds = [gold_of(a) for a in load_annotations(annotations, split="train")]
    per_gold = [observations(g) for g in golds]
    groups = [g.group for g in golds]
    written = [(o, y, g.group) for g in written_golds(leave_out=leave_out) for o, y in observations(g)]
    predicted: dict[str, list[ChainLeaderScheme]] = {"rules": [], "rules+scorer": []}
    splits = min(FOLDS, len(set(groups)))
    for fold, (train_index, test_index) in enumerate(GroupKFold(n_splits=splits).split(golds, groups=groups)):
        fold_groups = sorted({groups[i] for i in train_index})
        kept = set(random.Random(SEED + fold).sample(fold_groups, max(1, round(share * len(fold_groups)))))
        models = fit([(o, y, groups[i]) for i in train_index if groups[i] in kept for o, y in per_gold[i]] + written)
        judge = Judge(models)
        for i in (i for i in test_index if golds[i].scheme):  # as if the mode classifier were right
            for name, each in (("rules", Judge()), ("rules+scorer", judge)):
                schemes, rows = extraction_of(golds[i].doc, each)
                predicted[name] += _document_row(golds[i].file, schemes)
                if holders is not None:
                    want = set(golds[i].role_pairs)
                    holders.setdefault(name, Counts()).add(want, holder_pairs(schemes, rows, want))
    expected = [row for g in golds if (row := g.expected_row())]
    return {name: score_rows(rows, expected) for name, rows in predicted.items()}


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.extract.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="Print grouped cross-validated figures on the train split.")
    parser.add_argument("--errors", action="store_true",
                        help="With --cv: also list the scorer's out-of-fold misses (train split only), by cell.")
    parser.add_argument("--leave-out", action="append", default=[], choices=sorted(WRITTEN_SETS), metavar="SET",
                        help="With --cv: train the folds without this written fixture set (repeatable), e.g. labels.")
    parser.add_argument("--train-share", type=float, default=1.0, metavar="F",
                        help="With --cv: fit each fold on this share (0–1] of its training groups (a learning curve).")
    args = parser.parse_args(argv)
    if not 0 < args.train_share <= 1:
        parser.error("--train-share must be in (0, 1]")
    if not args.cv:
        print(f"extractor scorer written to {train()}")
        return 0
    holders: dict[str, Counts] = {}
    for name, score in cross_validate(holders=holders, leave_out=frozenset(args.leave_out),
                                      share=args.train_share).items():
        print(f"{name}: table cells P={score.precision:.2f} R={score.recall:.2f} F1={score.f1:.2f} "
              f"(tp={score.tp} fp={score.fp} fn={score.fn})")
        for cell, counts in score.per_cell.items():
            print(f"  {cell:<10} P={counts.precision:.2f} R={counts.recall:.2f} F1={counts.f1:.2f} "
                  f"(tp={counts.tp} fp={counts.fp} fn={counts.fn})")
        print(f"  {'holders':<10} {holders[name]}")
        if args.errors and name == "rules+scorer":
            for cell in ("concept", "model", "key_chains"):
                print(f"  errors, {cell}:")
                for error in score.errors:
                    if f" {cell}: " in error:
                        print(f"    {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
