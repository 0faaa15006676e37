"""The shipped classifier on real documents from ../shared: the issue's goals on the held-out test split."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.classify import classify, evaluate
from pipeline.models import MODES
from pipeline.segment import segment_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
pytestmark = pytest.mark.skipif(not (SHARED / "corpora").is_dir(), reason="../shared corpora not available")


@pytest.fixture(scope="module")
def test_report():
    return evaluate(split="test")


def test_held_out_split_meets_f1_goals(test_report):
    assert test_report.documents > 300
    for mode in MODES:
        assert test_report.model[mode].f1 >= 0.90, (mode, test_report.as_text())
    assert test_report.macro_f1() >= 0.90


def test_beats_keyword_baseline_on_precision_without_losing_recall(test_report):
    for mode in MODES:
        model, baseline = test_report.model[mode], test_report.baseline[mode]
        assert model.recall >= baseline.recall, mode
        assert model.precision >= baseline.precision, mode
    assert sum(c.fp for c in test_report.model.values()) * 3 <= sum(c.fp for c in test_report.baseline.values())


def test_seed_paper_carries_all_three_modes():
    paper = SHARED / "seed" / "national-innovation-models-paper.txt"
    if not paper.exists():
        pytest.skip("seed paper not available")
    result = classify(segment_text("seed-paper", paper.read_text(encoding="utf-8")))
    assert set(result.labels) == set(MODES)
    assert all(result.result(mode).evidence for mode in MODES)
