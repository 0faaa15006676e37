"""`make bench`: speed and memory of ingest → process on the real documents in ../shared/corpora/.

Stages are timed separately (ingest, parse, segment, classify, extract, store)
and reported as docs/s and MB/s of input, with the process's peak RSS.
Records that live inside JSONL files (xvshiting policies, gov.cn pages) are
written to a temporary folder first, as a researcher's download folder would
hold them; nothing from ../shared is written into the project.

    .venv/bin/python bench/run.py [--shared ../shared] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.classify import classify_many, load_model  # noqa: E402
from pipeline.extract import extract  # noqa: E402
from pipeline.ingest import ingest_folder  # noqa: E402
from pipeline.parse import parse_document  # noqa: E402
from pipeline.process import save_result  # noqa: E402
from pipeline.models import ProcessedDocument  # noqa: E402
from pipeline.segment import segment  # noqa: E402
from pipeline.store import CorpusStore  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def materialise(shared: Path, folder: Path) -> None:
    """Write the JSONL-held documents as files: xvshiting texts as .txt, gov.cn raw pages as .html."""
    corpora = shared / "corpora"
    (folder / "xvshiting").mkdir(parents=True)
    for line in (corpora / "xvshiting__politic_analysis_paper_2025/_derived/policies_data.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        name = f"{row['sheet'][:7]}-{row['No.']}.txt".replace(" ", "_")
        (folder / "xvshiting" / name).write_text(f"{row['Policy Title']}\n{row['Policy Content']}", encoding="utf-8")
    (folder / "govcn").mkdir()
    for line in (corpora / "ZhouYNF__platform-1/_derived/ge_policy_raw_all.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row.get("html"):
            (folder / "govcn" / f"{row['id']}.html").write_text(row["html"], encoding="utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--limit", type=int, default=None, help="process at most N documents")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        sys.exit(f"no corpora under {args.shared}; pass --shared")

    seconds: dict[str, float] = defaultdict(float)
    with tempfile.TemporaryDirectory(prefix="policy-miner-bench-") as tmp:
        tmp_path = Path(tmp)
        materialise(args.shared, tmp_path / "files")
        folders = [args.shared / "corpora/LawRefBook__Laws", tmp_path / "files"]
        store = CorpusStore(tmp_path / "store")
        doc_ids: list[str] = []
        started = time.perf_counter()
        for folder in folders:
            doc_ids += ingest_folder(store, folder).doc_ids
        seconds["ingest"] = time.perf_counter() - started
        doc_ids = doc_ids[: args.limit] if args.limit else doc_ids
        raws = [store.get_document(d) for d in doc_ids]
        input_mb = sum(p.size for r in raws for p in r.parts) / 1e6

        model = load_model()
        segmented, parsed_meta, errors = [], {}, {}
        for raw in raws:
            t0 = time.perf_counter()
            parsed = parse_document(raw, store.read_blob)
            t1 = time.perf_counter()
            segmented.append(segment(parsed))
            seconds["parse"] += t1 - t0
            seconds["segment"] += time.perf_counter() - t1
            parsed_meta[raw.doc_id], errors[raw.doc_id] = parsed.meta, parsed.errors
        t0 = time.perf_counter()
        classifications = classify_many(segmented, model)
        seconds["classify"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        extractions = [extract(doc) for doc in segmented]
        seconds["extract"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for raw, classification, extraction in zip(raws, classifications, extractions, strict=True):
            result = ProcessedDocument(raw.doc_id, parsed_meta[raw.doc_id], classification, extraction,
                                       errors[raw.doc_id])
            save_result(store, raw, result, model)
        seconds["store"] = time.perf_counter() - t0
        store.close()

    docs = len(raws)
    print(f"documents: {docs}, input {input_mb:.1f} MB, peak RSS {peak_rss_mb():.0f} MB")
    print(f"{'stage':10} {'seconds':>8} {'docs/s':>9} {'MB/s':>7}")
    for stage, spent in [*seconds.items(), ("total", sum(seconds.values()))]:
        print(f"{stage:10} {spent:8.1f} {docs / spent:9.1f} {input_mb / spent:7.2f}")
    labelled = sum(1 for c in classifications if c.labels)
    print(f"documents with at least one mode: {labelled}")


if __name__ == "__main__":
    main()
