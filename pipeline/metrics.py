"""Precision, recall and F1 from match counts, shared by every evaluation in the project.

Conventions: with nothing predicted precision is 1.0, with nothing expected
recall is 1.0, and F1 = 2·TP / (2·TP + FP + FN) (1.0 when there was nothing to
find and nothing was found).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: Collection, predicted: Collection) -> None:
        """Count one comparison of item sets."""
        expected, predicted = set(expected), set(predicted)
        self.tp += len(expected & predicted)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0

    def __str__(self) -> str:
        return f"P={self.precision:.2f} R={self.recall:.2f} F1={self.f1:.2f} (tp={self.tp} fp={self.fp} fn={self.fn})"
