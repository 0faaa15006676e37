"""Benchmark: classify every full-text document of ../shared/corpora with the shipped model.

Segmentation (jieba + spaCy, done upstream in the pipeline) is timed separately; the figure that matters for
issue #5 is classification alone, in one batch, as ``classify_many`` does it in the process stage.

    .venv/bin/python bench/bench_classify.py [--limit N] [--record]

``--record`` writes the figures into the "Speed" section of models/MODEL_CARD.md (``policy-miner train``
rewrites the card without it, since a new model has not been measured yet).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import Counter

from pipeline.classify import classify_many, load_model
from pipeline.classify.dataset import iter_shared_texts, shared_available
from pipeline.classify.train import MODEL_CARD
from pipeline.config import MODELS_DIR
from pipeline.models import DocumentMeta, MODES
from pipeline.segment import segment_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0 = all)")
    parser.add_argument("--record", action="store_true", help="write the figures into models/MODEL_CARD.md")
    args = parser.parse_args()
    if not shared_available():
        raise SystemExit("../shared/corpora not found next to the checkout")
    sources = list(iter_shared_texts())[: args.limit or None]
    characters = sum(len(s.text) for s in sources)

    started = time.perf_counter()
    docs = [segment_text(s.key, s.text, DocumentMeta(title=s.title)) for s in sources]
    segmenting = time.perf_counter() - started
    sentences = sum(len(d.sentences) for d in docs)

    model = load_model()
    started = time.perf_counter()
    results = classify_many(docs, model)
    classifying = time.perf_counter() - started

    labelled = Counter(mode for r in results for mode in r.labels)
    lines = [f"documents {len(docs)}  characters {characters:,}  sentences {sentences:,}  "
             f"({os.cpu_count()} CPUs, Python {platform.python_version()})",
             f"segment  {segmenting:8.1f} s  ({len(docs) / segmenting:7.1f} docs/s)  [upstream, reported separately]",
             f"classify {classifying:8.1f} s  ({len(docs) / classifying:7.1f} docs/s)  model {model.version}",
             "labelled: " + ", ".join(f"{mode} {labelled[mode]}" for mode in MODES)]
    print("\n".join(lines))
    if args.record:
        record(lines)


def record(lines: list[str]) -> None:
    card = MODELS_DIR / MODEL_CARD
    text = card.read_text(encoding="utf-8").split("\n## Speed\n")[0].rstrip("\n")
    section = ["", "## Speed", "", "`.venv/bin/python bench/bench_classify.py --record` on the shared corpora:", "",
               "```", *lines, "```", ""]
    card.write_text(text + "\n" + "\n".join(section), encoding="utf-8")


if __name__ == "__main__":
    main()
