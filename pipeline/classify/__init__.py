"""Innovation-mode classification (issue #5): which of national_system / chain_leader / open_competition a
document adopts, with a calibrated probability and the evidence sentences for each positive label.

Public API (the CLI and flows call these): :func:`load_model`, :func:`classify`, :func:`classify_many`,
:func:`train`, :func:`evaluate`, :class:`ModelVersionError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pipeline.classify.evaluate import EvaluationReport, evaluate
from pipeline.classify.model import ModeClassifier, ModelVersionError, load_model
from pipeline.classify.train import TrainReport, train
from pipeline.config import MODELS_DIR
from pipeline.models import Classification, SegmentedDocument

__all__ = ["EvaluationReport", "ModeClassifier", "ModelVersionError", "TrainReport", "classify", "classify_many",
           "evaluate", "load_model", "shipped_model", "train"]


@cache
def shipped_model(models_dir: Path = MODELS_DIR) -> ModeClassifier:
    """The model in models/, loaded and checked once per process."""
    return load_model(models_dir)


def classify(doc: SegmentedDocument, model: ModeClassifier | None = None) -> Classification:
    return classify_many([doc], model)[0]


def classify_many(docs: Sequence[SegmentedDocument], model: ModeClassifier | None = None) -> list[Classification]:
    """Classify a batch (vectorised per mode: much faster than one call per document)."""
    return (model or shipped_model()).classify_many(docs)
