"""The domain lexicon: the words the segmenter keeps whole and the industry names, read from ``corpora/lexicon/``.

Below every stage that reads it: segmentation gives the words to jieba, and the chain-name helpers
(:mod:`pipeline.chain_names`), which parsing uses to recognise a flattened table's chain cell, read the
industry names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.config import LEXICON_DIR


@dataclass(frozen=True)
class Lexicon:
    """The domain vocabulary, read from ``corpora/lexicon/`` (editable without touching code)."""

    words: tuple[str, ...]  # jieba user dictionary entries
    industries: tuple[str, ...]


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    words = tuple(_dict_lines(directory / "domain.txt"))
    industries_file = directory / "industries.txt"
    industries = tuple(_dict_lines(industries_file)) if industries_file.exists() else ()
    return Lexicon(words=words, industries=industries)


def _dict_lines(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line.split()[0]
