"""`make bench`: speed and memory of `policy-miner process` on the real documents in ../shared/corpora/.

It runs exactly the loop `policy-miner process` runs (pipeline.process.process_store, with the runner
`--workers N` or `--dask-address` selects), and reports per stage (parse, segment, classify, extract: wall
seconds summed over workers), docs/s and MB/s of input, and peak RSS per worker process.

Sections (each can be skipped):
- floor: what any tool must at least do on the same files (read, segment with jieba-rs and with Python jieba,
  regex for the three mode names), in one process: the yardstick of issue 14.
- corpus: the whole shared corpus (or --corpus-subset N files of it), ingested once, processed with 1 and 2
  workers, then the incremental reruns: nothing changed, and 1% of the files changed.
- scale: a fixed subset (--subset files, every n-th in path order) at 1x, 4x and 16x, with 1 and 2 workers.
  Copy k of a file is the file plus k trailing newlines: a different document (not deduplicated) that
  costs the same to process.  The subset keeps 16x affordable on 2 cores (the whole corpus at 16x is ~50k
  documents, hours here).
- dask: a Dask LocalCluster of 2 worker processes started here, used through its address exactly as
  `--dask-address tcp://HOST:8786` uses a remote cluster.

Records that live inside JSONL files (xvshiting policies, gov.cn pages) and the variants are written to a
temporary folder, as a researcher's download folder would hold them; nothing from ../shared is written into
the project.

    .venv/bin/python bench/run.py [--shared ../shared] [--sections corpus scale dask] [--subset 200]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.ingest import ingest_folder  # noqa: E402
from pipeline.process import STAGES, ProcessReport, make_runner, process_store  # noqa: E402
from pipeline.store import CorpusStore  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
LAWS = "corpora/LawRefBook__Laws"


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


def corpus_files(shared: Path, materialised: Path) -> list[Path]:
    return sorted(p for p in (shared / LAWS).rglob("*") if p.is_file()) + sorted(
        p for p in materialised.rglob("*") if p.is_file())


def pick(files: list[Path], count: int) -> list[Path]:
    """A fixed subset: every n-th file in path order, ``count`` of them."""
    return files[:: max(1, len(files) // count)][:count]


def write_variants(files: list[Path], folder: Path, copies: int) -> None:
    """``copies`` versions of every file; copy k has k trailing newlines (copy 0 is the file itself)."""
    for index, path in enumerate(files):
        data = path.read_bytes()
        for k in range(copies):
            target = folder / f"{k:02d}" / f"{index:05d}{path.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data + b"\n" * k)


def input_mb(store: CorpusStore) -> float:
    return sum(p.size for d in store.documents() for p in d.parts) / 1e6


MODE_TERMS = re.compile("新型举国体制|链长制|揭榜挂帅")  # the floor of issue 14: the three mode names


def floor_seconds(store: CorpusStore, segmenter: str = "jieba-rs") -> float:
    """The floor the pipeline is compared with: read every stored file, segment it (jieba-rs, as the pipeline
    does, or Python jieba, as issue 14 first measured it) and find the three mode names with a regex — what any
    tool answering "which mode?" must at least do."""
    if segmenter == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()  # load the dictionary before the clock starts, as a worker does once
        cut = jieba.lcut
    else:
        import rjieba

        rjieba.cut("")
        cut = rjieba.cut
    started = time.perf_counter()
    for document in store.documents():
        for part in document.parts:
            text = store.read_blob(part.sha256).decode("utf-8", "replace")
            cut(text)
            MODE_TERMS.findall(text)
    return time.perf_counter() - started


def bench_floor(folders: list[Path], work: Path) -> None:
    print("== floor: read + segment + mode-name regex, one process, same files as the corpus section", flush=True)
    with CorpusStore(work / "floor-store") as store:
        for folder in folders:
            ingest_folder(store, folder)
        for segmenter in ("jieba-rs", "jieba"):
            print(f"floor with {segmenter}: {store.count_documents()} documents in "
                  f"{floor_seconds(store, segmenter):.1f} s", flush=True)


def timed_process(store: CorpusStore, workers: int = 1, dask_address: str | None = None,
                  force: bool = False) -> tuple[ProcessReport, float]:
    runner = make_runner(workers, dask_address)
    try:
        if hasattr(runner, "client"):
            runner.client()  # start the local cluster outside the timing: it is paid once per command
        started = time.perf_counter()
        report = process_store(store, force=force, runner=runner)
        return report, time.perf_counter() - started
    finally:
        getattr(runner, "close", lambda: None)()


def print_run(label: str, report: ProcessReport, wall: float, mb: float) -> None:
    rss = ", ".join(f"{v:.0f}" for v in sorted(report.peak_rss_mb.values())) or "-"
    docs = report.processed
    stages = " ".join(f"{stage} {report.seconds.get(stage, 0):.1f}" for stage in STAGES)
    rates = f"{docs / wall:7.1f} docs/s {mb / wall:6.2f} MB/s" if docs and wall else f"{'-':>7} docs/s {'-':>6} MB/s"
    print(f"{label:34} {docs:6d} docs {wall:8.1f} s {rates}  peak RSS/worker MB: {rss}  [stage s: {stages}]",
          flush=True)


def bench_corpus(files_dir: Path, folders: list[Path], work: Path, workers_list: list[int]) -> None:
    print(f"== corpus: {', '.join(str(f) for f in folders)}", flush=True)
    with CorpusStore(work / "corpus-store") as store:
        started = time.perf_counter()
        for folder in folders:
            ingest_folder(store, folder)
        ingest_seconds = time.perf_counter() - started
        mb = input_mb(store)
        print(f"ingest: {store.count_documents()} documents, {mb:.1f} MB in {ingest_seconds:.1f} s", flush=True)
        floor = floor_seconds(store)
        print(f"floor (read + jieba-rs + mode-name regex, 1 process): {floor:.1f} s", flush=True)
        first = {}
        for workers in workers_list:
            report, wall = timed_process(store, workers, force=True)
            first[workers] = wall
            print_run(f"process, {workers} worker(s)", report, wall, mb)
            print(f"  = {wall / floor:.2f}x the floor", flush=True)
        workers = workers_list[-1]
        report, wall = timed_process(store, workers)
        print_run(f"rerun, nothing changed, {workers} w", report, wall, mb)
        print(f"  = {100 * wall / first[workers]:.1f}% of the first run", flush=True)
        editable = sorted(p for p in files_dir.rglob("*") if p.is_file())  # ../shared itself is read-only
        wanted = max(1, store.count_documents() // 100)
        changed = editable[:: max(1, len(editable) // wanted)][:wanted]
        for path in changed:
            path.write_bytes(path.read_bytes() + b"\n")
        started = time.perf_counter()
        ingest_folder(store, files_dir)
        ingest_seconds = time.perf_counter() - started
        report, wall = timed_process(store, workers)
        print_run(f"rerun, {len(changed)} files (1%) changed, {workers} w", report, wall, mb)
        print(f"  = {100 * wall / first[workers]:.1f}% of the first run; + {ingest_seconds:.1f} s to ingest the "
              "folder again", flush=True)


def bench_scale(files: list[Path], work: Path, scales: list[int], workers_list: list[int]) -> None:
    print(f"== scale: a fixed subset of {len(files)} files at {', '.join(f'{s}x' for s in scales)}", flush=True)
    for scale in scales:
        folder = work / f"scale-{scale}"
        write_variants(files, folder, scale)
        for workers in workers_list:
            root = work / f"scale-store-{scale}-{workers}"
            with CorpusStore(root) as store:
                ingest_folder(store, folder)
                mb = input_mb(store)
                report, wall = timed_process(store, workers)
                print_run(f"{scale:2d}x, {workers} worker(s)", report, wall, mb)
            shutil.rmtree(root)
        shutil.rmtree(folder)


def bench_dask(files: list[Path], work: Path, scale: int) -> None:
    from distributed import LocalCluster

    print(f"== Dask LocalCluster of 2 workers through its address (the --dask-address path), subset at {scale}x",
          flush=True)
    folder = work / "dask-files"
    write_variants(files, folder, scale)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=logging.WARNING) as cluster, CorpusStore(work / "dask-store") as store:
        ingest_folder(store, folder)
        report, wall = timed_process(store, dask_address=cluster.scheduler_address)
        print_run(f"{scale}x, LocalCluster(2) at its address", report, wall, input_mb(store))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sections", nargs="+", default=["floor", "corpus", "scale", "dask"],
                        choices=["floor", "corpus", "scale", "dask"])
    parser.add_argument("--subset", type=int, default=200, help="files in the scale and dask subset")
    parser.add_argument("--corpus-subset", type=int, default=0,
                        help="run the corpus section on this many files (every n-th) instead of the whole corpus")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        sys.exit(f"no corpora under {args.shared}; pass --shared")
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="policy-miner-bench-") as tmp:
        work = Path(tmp)
        materialise(args.shared, work / "files")
        files = corpus_files(args.shared, work / "files")
        subset = pick(files, args.subset)
        if "floor" in args.sections:
            bench_floor([args.shared / LAWS, work / "files"], work)
        if "corpus" in args.sections and args.corpus_subset:
            write_variants(pick(files, args.corpus_subset), work / "corpus-subset", 1)
            bench_corpus(work / "corpus-subset", [work / "corpus-subset"], work, args.workers)
        elif "corpus" in args.sections:
            bench_corpus(work / "files", [args.shared / LAWS, work / "files"], work, args.workers)
        if "scale" in args.sections:
            bench_scale(subset, work, args.scales, args.workers)
        if "dask" in args.sections:
            bench_dask(subset, work, 4)


if __name__ == "__main__":
    main()
