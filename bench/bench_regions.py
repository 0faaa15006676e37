"""Benchmark: the region resolver (pipeline/regions.py) on the shared corpus.

Times building the division table and its Aho-Corasick matcher (once per process), then resolves every
shared document twice: from its title alone (as parse does for metadata) and from title and full text (as
extract does, body included).  Prints units, searchable names, build seconds, resolutions per second and
characters per second, and how the documents were decided.

    .venv/bin/python bench/bench_regions.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import regions  # noqa: E402
from pipeline.classify.dataset import iter_shared_texts  # noqa: E402
from pipeline.regions import Evidence, resolve_region  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N shared documents (0: all)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = regions.divisions()
    build = time.perf_counter() - started
    print(f"division table: {len(table.all)} units, {len(table.patterns)} searchable names, built in {build:.2f} s")
    texts = list(iter_shared_texts())
    texts = texts[:args.limit] if args.limit else texts
    regions.resolve_region(Evidence(body="浙江省宁波市如东县"))  # jieba loads its dictionary outside the timing

    started = time.perf_counter()
    for doc in texts:
        resolve_region(Evidence(title=doc.title))
    titles = time.perf_counter() - started

    decided: Counter[str] = Counter()
    started = time.perf_counter()
    for doc in texts:
        decided[resolve_region(Evidence(title=doc.title, body=doc.text)).decided_by or "nothing"] += 1
    full = time.perf_counter() - started
    chars = sum(len(doc.text) for doc in texts)
    print(f"{len(texts)} documents, {chars:,} characters")
    print(f"title only:   {len(texts) / titles:,.0f} resolutions/s")
    print(f"title + body: {len(texts) / full:,.0f} resolutions/s, {chars / full / 1e6:.2f} M characters/s")
    print("decided by: " + ", ".join(f"{kind} {count}" for kind, count in decided.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
