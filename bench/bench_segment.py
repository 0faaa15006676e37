"""Benchmark: jieba (Python) against jieba-rs (``rjieba``) on the shared corpus, same dictionary and lexicon.

Both segmenters get jieba's own dictionary (jieba-rs ships the same ``dict.txt``) plus every word of
:func:`pipeline.segment.lexicon_words` at the frequency the pipeline uses, and cut exactly the pieces
:func:`pipeline.segment.segment` cuts (one line at a time, over-long lines split at '；').  The token lists
are compared piece by piece; differing pieces are counted and the commonest differences printed so they can
be judged.  Dictionary loading is timed apart from cutting (the pipeline loads it once per process).

    .venv/bin/python bench/bench_segment.py [--limit N] [--show 15]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import platform
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jieba  # noqa: E402
import platformdirs  # noqa: E402
import rjieba  # noqa: E402

from pipeline.classify.dataset import iter_shared_texts, shared_available  # noqa: E402
from pipeline.segment import LEXICON_FREQUENCY, lexicon_words, pieces  # noqa: E402


HAN = re.compile(r"[\u4e00-\u9fff]")


def jieba_cache_dir() -> Path:
    """Python jieba's dictionary cache, in the user's own cache folder (0700) rather than jieba's default
    ``/tmp/jieba.cache``, where anyone could plant the file jieba loads.  (The pipeline itself runs jieba-rs,
    which writes no cache.)"""
    folder = platformdirs.user_cache_path("policy-miner") / "jieba"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise SystemExit(f"{folder}: jieba's cache folder must be yours and not writable by others")
    return folder


def python_jieba(words: tuple[str, ...], total_as_rust: bool = False) -> jieba.Tokenizer:
    """Python jieba with the lexicon.  ``total_as_rust``: count the dictionary's total frequency as jieba-rs
    does, where a word added again replaces its old frequency (Python jieba adds the new one on top)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(jieba_cache_dir())
    tokenizer.initialize()
    total = tokenizer.total + sum(LEXICON_FREQUENCY - tokenizer.FREQ.get(word, 0) for word in words)
    for word in words:
        tokenizer.add_word(word, freq=LEXICON_FREQUENCY)
    if total_as_rust:
        tokenizer.total = total
    return tokenizer


def rust_jieba(words: tuple[str, ...]) -> rjieba.Jieba:
    tokenizer = rjieba.Jieba()
    for word in words:
        tokenizer.add_word(word, LEXICON_FREQUENCY, None)
    return tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0 = all)")
    parser.add_argument("--show", type=int, default=15, help="how many of the commonest differences to print")
    args = parser.parse_args()
    if not shared_available():
        raise SystemExit("../shared/corpora not found next to the checkout")
    jieba.setLogLevel(logging.WARNING)
    texts = [s.text for s in list(iter_shared_texts())[: args.limit or None]]
    chunks = [piece for text in texts for piece in pieces(text)]
    characters = sum(len(c) for c in chunks)
    words = lexicon_words()

    started = time.perf_counter()
    slow = python_jieba(words)
    load_py = time.perf_counter() - started
    started = time.perf_counter()
    fast = rust_jieba(words)
    load_rs = time.perf_counter() - started

    started = time.perf_counter()
    py_tokens = [slow.lcut(c) for c in chunks]
    cut_py = time.perf_counter() - started
    started = time.perf_counter()
    rs_tokens = [fast.cut(c) for c in chunks]
    cut_rs = time.perf_counter() - started

    differing = _differences(py_tokens, rs_tokens)
    same_total = python_jieba(words, total_as_rust=True)
    remaining = _differences([same_total.lcut(c) for c in chunks], rs_tokens)
    tokens = sum(len(t) for t in py_tokens)
    print(f"documents {len(texts)}  pieces {len(chunks):,}  characters {characters:,}  tokens {tokens:,}  "
          f"lexicon words {len(words)}  ({os.cpu_count()} CPUs, Python {platform.python_version()})")
    print(f"{'segmenter':<16} {'load s':>7} {'cut s':>8} {'M chars/s':>10}")
    for name, load, cut in (("jieba", load_py, cut_py), ("rjieba", load_rs, cut_rs)):
        print(f"{name:<16} {load:7.2f} {cut:8.1f} {characters / cut / 1e6:10.3f}")
    print(f"speed-up (cut) ×{cut_py / cut_rs:.2f}")
    for label, found in (("jieba", differing), ("jieba, total frequency counted as jieba-rs does", remaining)):
        pieces_differing = sum(found.values())
        in_han = sum(n for (a, b), n in found.items() if HAN.search(a + b))
        print(f"pieces cut differently, {label}: {pieces_differing:,} of {len(chunks):,} "
              f"({pieces_differing / max(len(chunks), 1):.3%}); differing tokens with Han characters: {in_han:,}")
        for (only_py, only_rs), count in found.most_common(args.show):
            print(f"  {count:5d}  jieba [{only_py}]  rjieba [{only_rs}]")


def _differences(first: list[list[str]], second: list[list[str]]) -> Counter[tuple[str, str]]:
    """(tokens only in the first cut, tokens only in the second) → how many pieces differ that way."""
    found: Counter[tuple[str, str]] = Counter()
    for a, b in zip(first, second, strict=True):
        if a != b:
            found[(" ".join(t for t in a if t not in b), " ".join(t for t in b if t not in a))] += 1
    return found


if __name__ == "__main__":
    main()
