"""Per-mode precision/recall/F1 and confusion counts against the labels, next to the keyword baseline.

The baseline is the rule the issue asks us to beat: a document gets a mode as
soon as one of the mode's listed terms appears anywhere in its text
(``rules.keyword_baseline``).  Both columns are computed on the same
documents, so the table shows directly what the sentence rules and the model
add in precision and what (if anything) they cost in recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.classify.dataset import LABELS_FILE, LabelledDocument, load_segmented, load_text, read_labels
from pipeline.classify.model import ModeClassifier, load_model
from pipeline.classify.rules import keyword_baseline
from pipeline.config import MODELS_DIR
from pipeline.metrics import Counts
from pipeline.models import MODES


@dataclass
class Confusion(Counts):
    tn: int = 0

    @classmethod
    def of(cls, truth: list[bool], predicted: list[bool]) -> Confusion:
        pairs = list(zip(truth, predicted, strict=True))
        return cls(sum(t and p for t, p in pairs), sum(p and not t for t, p in pairs),
                   sum(t and not p for t, p in pairs), sum(not t and not p for t, p in pairs))


@dataclass(frozen=True)
class EvaluationReport:
    split: str
    documents: int
    model: dict[str, Confusion]
    baseline: dict[str, Confusion]
    errors: tuple[str, ...] = ()  # "key mode FP|FN" for the documents the model got wrong

    def macro_f1(self, which: str = "model") -> float:
        table = self.model if which == "model" else self.baseline
        return sum(c.f1 for c in table.values()) / len(table)

    def as_text(self) -> str:
        head = f"split={self.split}  documents={self.documents}"
        rows = [head, f"{'mode':<17} {'P':>6} {'R':>6} {'F1':>6}  {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>5}   |  "
                      f"baseline {'P':>6} {'R':>6} {'F1':>6}  {'TP':>4} {'FP':>4} {'FN':>4}"]
        for mode in MODES:
            m, b = self.model[mode], self.baseline[mode]
            rows.append(f"{mode:<17} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f}  {m.tp:4d} {m.fp:4d} {m.fn:4d} "
                        f"{m.tn:5d}   |           {b.precision:6.3f} {b.recall:6.3f} {b.f1:6.3f}  {b.tp:4d} {b.fp:4d} {b.fn:4d}")
        rows.append(f"{'macro-F1':<17} {'':>13} {self.macro_f1():6.3f}  {'':>20}   |           {'':>13} "
                    f"{self.macro_f1('baseline'):6.3f}")
        rows += [f"  error: {e}" for e in self.errors]
        return "\n".join(rows)


def evaluate(models_dir: Path = MODELS_DIR, labels_path: Path = LABELS_FILE, split: str = "test") -> EvaluationReport:
    """Score the stored model on one split of the label file (``split="all"`` for every row)."""
    rows = [r for r in read_labels(labels_path) if split in ("all", r.split)]
    return evaluate_rows(load_model(models_dir), rows, split)


def evaluate_rows(classifier: ModeClassifier, rows: list[LabelledDocument], split: str) -> EvaluationReport:
    predictions = classifier.classify_many([load_segmented(r.key) for r in rows])
    texts = [load_text(r.key).text for r in rows]
    model, baseline, errors = {}, {}, []
    for mode in MODES:
        truth = [mode in r.labels for r in rows]
        predicted = [c.result(mode).label for c in predictions]
        model[mode] = Confusion.of(truth, predicted)
        baseline[mode] = Confusion.of(truth, [keyword_baseline(t, mode) for t in texts])
        errors += [f"{r.key} {mode} {'FN' if t else 'FP'}" for r, t, p in zip(rows, truth, predicted) if t != p]
    return EvaluationReport(split, len(rows), model, baseline, tuple(errors))
