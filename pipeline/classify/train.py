"""Train the mode classifier from the label file, choose thresholds on dev, write artifact and model card.

Deterministic by construction: documents are processed in label-file order,
every estimator gets ``seed``, the arrays zip has fixed timestamps, and the
JSON is written with sorted keys — two runs on the same labels give the same
bytes (the model card alone carries the date of the run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.annotations import ANNOTATIONS_FILE
from pipeline.classify.dataset import LABELS_FILE, LabelledDocument, load_segmented, read_labels, training_rows
from pipeline.classify.evaluate import EvaluationReport, evaluate_rows
from pipeline.classify.model import (
    CHAR_HASHER, FORMAT_VERSION, META_FILE, WORD_HASHER, ModeClassifier, ModeModel, cue_view,
    feature_fingerprint, save_model, scalars,
)
from pipeline.config import LEXICON_DIR, MODELS_DIR
from pipeline.models import MODES, SegmentedDocument

REGULARISATION_C = 2.0
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.05))
MODEL_CARD = "MODEL_CARD.md"


@dataclass(frozen=True)
class TrainReport:
    models_dir: Path
    model_version: str
    thresholds: dict[str, float]
    training_counts: dict[str, tuple[int, int]]  # mode → (cue documents, positives) in train
    dev: EvaluationReport
    test: EvaluationReport | None

    def as_text(self) -> str:
        lines = [f"model {self.model_version} written to {self.models_dir}"]
        lines += [f"  {mode}: trained on {n} cue documents ({pos} positive), threshold {self.thresholds[mode]:.2f}"
                  for mode, (n, pos) in self.training_counts.items()]
        lines += ["", self.dev.as_text()]
        if self.test:
            lines += ["", self.test.as_text()]
        return "\n".join(lines)


def train(labels_path: Path = LABELS_FILE, models_dir: Path = MODELS_DIR, *, seed: int = 0,
          card_date: str | None = None, excerpts: bool = True) -> TrainReport:
    """Fit, tune on dev, write the artifact and its card.  ``excerpts``: add the train-split real excerpts to the
    label file's rows (the shipped model has them; a test on written documents alone can leave them out)."""
    rows = training_rows(labels_path) if excerpts else read_labels(labels_path)
    by_split = {split: [r for r in rows if r.split == split] for split in ("train", "dev", "test")}
    models = fit(by_split["train"], by_split["dev"], seed).modes
    meta = {"format_version": FORMAT_VERSION, "feature_fingerprint": feature_fingerprint(),
            "labels_sha256": hashlib.sha256(labels_path.read_bytes()).hexdigest()[:16], "seed": seed,
            "annotations_sha256": hashlib.sha256(ANNOTATIONS_FILE.read_bytes()).hexdigest()[:16],
            "lexicon_sha256": _lexicon_digest(),
            "modes": {mode: {"scalars": scalars(models[mode]),
                             "train_cue_documents": _counts(by_split["train"], mode)[0],
                             "train_positives": _counts(by_split["train"], mode)[1]} for mode in MODES}}
    classifier = save_model(ModeClassifier(models, meta), models_dir)
    dev = evaluate_rows(classifier, by_split["dev"], "dev")
    test = evaluate_rows(classifier, by_split["test"], "test") if by_split["test"] else None
    report = TrainReport(models_dir, classifier.version, {m: models[m].threshold for m in MODES},
                         {m: _counts(by_split["train"], m) for m in MODES}, dev, test)
    (models_dir / MODEL_CARD).write_text(_model_card(report, labels_path, rows, card_date), encoding="utf-8")
    return report


def fit(train_rows: list[LabelledDocument], dev_rows: list[LabelledDocument], seed: int = 0) -> ModeClassifier:
    """Fit every mode on ``train_rows`` and choose its threshold on ``dev_rows``, in memory (no artifact): what
    :func:`train` stores and what the cross-validation (``crossval.py``) refits once per fold."""
    models = {mode: _fit_mode(train_rows, mode, seed) for mode in MODES}
    untuned = ModeClassifier(models, {"model_version": "untuned"})
    dev_docs = [load_segmented(r.key) for r in dev_rows]
    dev_predictions = untuned.classify_many(dev_docs)
    for mode in MODES:
        truth = [mode in r.labels for r in dev_rows]
        results = [c.result(mode) for c in dev_predictions]
        threshold = _best_threshold(truth, [r.score for r in results], [_gate(d, mode) for d in dev_docs])
        models[mode] = replace(models[mode], threshold=threshold)
    return ModeClassifier(models, {"model_version": "in-memory"})


def _lexicon_digest() -> str:
    """Recorded, not enforced: tokens come from pipeline.segment with this lexicon, so a lexicon edit changes the
    artifact's bytes (not its behaviour much) — retrain to reproduce it exactly."""
    digest = hashlib.sha256()
    for path in sorted(LEXICON_DIR.glob("*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _gate(doc: SegmentedDocument, mode: str) -> bool:
    return cue_view(doc, mode).gate


def _counts(rows: list[LabelledDocument], mode: str) -> tuple[int, int]:
    cued = [r for r in rows if cue_view(load_segmented(r.key), mode).sentences]
    return len(cued), sum(mode in r.labels for r in cued)


def _fit_mode(rows: list[LabelledDocument], mode: str, seed: int) -> ModeModel:
    """Fit idf, the logistic regression and its Platt calibration on the train documents that have cue sentences."""
    views, truth = [], []
    for row in rows:
        view = cue_view(load_segmented(row.key), mode)
        if view.sentences:
            views.append(view)
            truth.append(mode in row.labels)
    y = np.array(truth, dtype=int)
    if len(set(truth)) < 2:
        raise ValueError(f"{mode}: the train split needs positive and negative cue documents, found {int(y.sum())} "
                         f"positive of {len(y)}")
    idf = {}
    for name, hasher, data in (("word_idf", WORD_HASHER, [v.tokens for v in views]),
                               ("char_idf", CHAR_HASHER, [v.text for v in views])):
        idf[name] = TfidfTransformer(sublinear_tf=True).fit(hasher.transform(data)).idf_
    draft = ModeModel(idf["word_idf"], idf["char_idf"], np.zeros(0), 0.0, 1.0, 0.0, 0.5)
    design = draft.design(views, mode)
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", solver="liblinear", random_state=seed,
                                    max_iter=1000)
    folds = StratifiedKFold(n_splits=max(2, min(5, int(y.sum()), int(len(y) - y.sum()))), shuffle=True,
                            random_state=seed)
    out_of_fold = cross_val_predict(classifier, design, y, cv=folds, method="decision_function")
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(out_of_fold.reshape(-1, 1), y)
    classifier.fit(design, y)
    return ModeModel(idf["word_idf"], idf["char_idf"], classifier.coef_.ravel().copy(), float(classifier.intercept_[0]),
                     float(platt.coef_[0, 0]), float(platt.intercept_[0]), 0.5)


def _best_threshold(truth: list[bool], scores: list[float], gates: list[bool]) -> float:
    """Threshold with the best dev F1; ties go to the one nearest 0.5 (least tuned to a handful of documents)."""
    def f1(threshold: float) -> float:
        predicted = [g and s >= threshold for s, g in zip(scores, gates)]
        tp = sum(p and t for p, t in zip(predicted, truth))
        return 2 * tp / (sum(predicted) + sum(truth)) if (sum(predicted) + sum(truth)) else 1.0
    return max(THRESHOLD_GRID, key=lambda t: (round(f1(t), 6), -abs(t - 0.5)))


def _model_card(report: TrainReport, labels_path: Path, rows: list[LabelledDocument], card_date: str | None) -> str:
    split_sizes = {s: sum(r.split == s for r in rows) for s in ("train", "dev", "test")}
    real = {s: sum(r.split == s and not r.key.startswith("written:") for r in rows) for s in split_sizes}
    positives = {m: {s: sum(r.split == s and m in r.labels for r in rows) for s in split_sizes} for m in MODES}
    lines = [
        "# Model card: innovation-mode classifier", "",
        f"- Version: `{report.model_version}` (format {FORMAT_VERSION}, features `{feature_fingerprint()}`)",
        f"- Trained: {card_date or dt.date.today().isoformat()} by `policy-miner train` (seed 0, deterministic)",
        f"- Artifact: `{META_FILE}` (settings, intercepts, Platt calibration, thresholds) + `mode_classifier.npz` "
        "(idf and coefficient arrays, loaded with `allow_pickle=False`)",
        "- Method: lexicon rules per sentence (pipeline/classify/rules.py) + per-mode logistic regression over the "
        "cue sentences (hashed jieba-rs uni/bigrams and char 2–3-grams, TF-IDF, 11 rule features), Platt-calibrated on "
        "out-of-fold scores; label = probability ≥ dev-chosen threshold AND a rule-qualifying sentence AND not a "
        "passing mention (a report naming the mechanism in a clause without describing it).",
        "- Intended use: selecting Chinese S&T policy documents by innovation mode, with evidence sentences. "
        "Not a substitute for reading the evidence.", "",
        "## Data", "",
        f"Label file `{labels_path.relative_to(labels_path.parents[2]) if len(labels_path.parents) > 2 else labels_path}` "
        f"(sha256 {hashlib.sha256(labels_path.read_bytes()).hexdigest()[:16]}), guideline in docs/annotation-guideline.md; "
        f"plus the {sum(r.key.startswith('excerpt:') for r in rows)} train-split real excerpts of "
        f"`corpora/annotations/real_excerpts.jsonl` (sha256 {hashlib.sha256(ANNOTATIONS_FILE.read_bytes()).hexdigest()[:16]}), "
        "all in train. The excerpts' frozen test split is scored by `python -m pipeline.extract.real_eval --split test` "
        "(docs/evaluation.md), never used here.", "",
        "| split | documents | real | national_system + | chain_leader + | open_competition + |",
        "|---|---|---|---|---|---|",
        *(f"| {s} | {split_sizes[s]} | {real[s]} | {positives['national_system'][s]} | {positives['chain_leader'][s]} "
          f"| {positives['open_competition'][s]} |" for s in split_sizes), "",
        "Thresholds (chosen on dev): " + ", ".join(f"{m} {t:.2f}" for m, t in report.thresholds.items()), "",
        "## Metrics", "", "```", report.dev.as_text(), "```", "",
    ]
    if report.test:
        lines += ["Held-out test split (never used for any choice):", "", "```", report.test.as_text(), "```", ""]
    lines += ["## Limits", "",
              "- Real positives are few (tens per mode); the test figures rest on a handful of positive documents.",
              "- A positive document needs a sentence with a mode term: purely descriptive texts without any of the "
              "terms are missed by design (precision first).",
              "- Passing mentions are recognised by genre (report titles: 总结, 年度报告, 信息公开, 述职…), by "
              "retrospective wording and by briefing/解读 context; a report with an untypical title that lists a "
              "mechanism in a forward-looking clause can still be labelled.",
              "- Benchmarks: see docs/classifier.md.", ""]
    return "\n".join(lines)
