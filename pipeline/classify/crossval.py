"""Grouped cross-validation of the mode classifier on the train-split real excerpts.

The frozen test split of the real excerpts is looked at once, by the coordinator; every choice before that is made
here.  The train-split excerpts are cut into folds by their split group (the province, or the subject family for
national texts — the same grouping that froze the split, so a fold never shares a region with its training data).
For each fold the classifier is refitted exactly as :func:`pipeline.classify.train.train` fits it — the label
file's train rows plus the other folds' excerpts, thresholds chosen on the label file's dev rows — and labels the
held-out excerpts.  A repeat is one full out-of-fold labelling of every excerpt; repeats shuffle the groups into
folds differently, and the table sums the counts over repeats (a few dozen positives per mode make one split's
figure move by ±0.05).

    python -m pipeline.classify.crossval [--folds 5] [--repeats 3] [--errors]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from sklearn.model_selection import GroupKFold

from pipeline.annotations import read_split
from pipeline.classify.dataset import LABELS_FILE, excerpt_rows, load_segmented, load_text, read_labels
from pipeline.classify.evaluate import Confusion, EvaluationReport
from pipeline.classify.rules import keyword_baseline
from pipeline.classify.train import fit
from pipeline.models import MODES


def real_excerpt_cv(folds: int = 5, repeats: int = 3, seed: int = 0) -> EvaluationReport:
    """Out-of-fold per-mode counts over the train-split excerpts (summed over ``repeats``), next to the keyword
    baseline on the same documents; ``errors`` lists every excerpt and mode wrong in at least one repeat."""
    base = read_labels(LABELS_FILE)
    train_rows = [r for r in base if r.split == "train"]
    dev_rows = [r for r in base if r.split == "dev"]
    excerpts = excerpt_rows()
    groups = [read_split()[r.key.split(":", 1)[1]][0] for r in excerpts]
    wrong: dict[tuple[str, str, str], list[float]] = defaultdict(list)  # (file, mode, FP|FN) → its scores
    model = {mode: Confusion() for mode in MODES}
    baseline = {mode: Confusion() for mode in MODES}
    texts = [load_text(r.key).text for r in excerpts]
    for repeat in range(repeats):
        splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
        for fit_index, held_index in splitter.split(excerpts, groups=groups):
            classifier = fit(train_rows + [excerpts[i] for i in fit_index], dev_rows, seed)
            held = [excerpts[i] for i in held_index]
            predictions = classifier.classify_many([load_segmented(r.key) for r in held])
            for row, text, classification in zip(held, [texts[i] for i in held_index], predictions, strict=True):
                for mode in MODES:
                    truth, result = mode in row.labels, classification.result(mode)
                    _count(model[mode], truth, result.label)
                    _count(baseline[mode], truth, keyword_baseline(text, mode))
                    if truth != result.label:
                        wrong[(row.key.split(":", 1)[1], mode, "FN" if truth else "FP")].append(result.score)
    errors = tuple(f"{file} {mode} {kind} in {len(scores)}/{repeats} (p={min(scores):.2f}–{max(scores):.2f})"
                   for (file, mode, kind), scores in sorted(wrong.items()))
    return EvaluationReport(f"real-excerpt train CV ({folds} grouped folds × {repeats} repeats, counts summed)",
                            len(excerpts) * repeats, model, baseline, errors)


def _count(confusion: Confusion, truth: bool, predicted: bool) -> None:
    confusion.tp += truth and predicted
    confusion.fp += predicted and not truth
    confusion.fn += truth and not predicted
    confusion.tn += not truth and not predicted


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.classify.crossval",
        description="Grouped cross-validation of the mode classifier over the train-split real excerpts "
                    "(folds by province / national subject family): per-mode P/R/F1 out of fold, keyword baseline "
                    "alongside. Never reads the frozen test split.")
    parser.add_argument("--folds", type=int, default=5, help="grouped folds per repeat (default 5)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="repeats with the groups shuffled differently; counts are summed (default 3)")
    parser.add_argument("--errors", action="store_true",
                        help="list the excerpts and modes labelled wrongly out of fold (file names only)")
    args = parser.parse_args(argv)
    report = real_excerpt_cv(args.folds, args.repeats)
    text = report.as_text()
    if not args.errors:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("  error:"))
        counts = Counter(e.split()[2] for e in report.errors)
        text += f"\n({len(report.errors)} excerpt/mode pairs wrong in some repeat: {dict(counts)}; --errors lists them)"
    print(text)


if __name__ == "__main__":
    main()
