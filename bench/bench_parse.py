"""Benchmark the PDF text paths and the parse stages.

    .venv/bin/python bench/bench_parse.py [--pages 10 40] [--shared ../shared]
    .venv/bin/python bench/bench_parse.py --parse-only [--files N] [--shared ../shared]

Generates multi-page policy-like PDFs (reportlab, STSong-Light CID font,
running header and page numbers) in a temp dir, then measures pages/s for
pdfplumber text, pdfplumber text + table finding, pypdfium2 text and the
whole ``parse_pdf``, plus time per stage, and checks that pypdfium2 and
pdfplumber give the same lines after normalisation.  With the shared corpus
present the real WPS-made Beijing PDF is measured too, and the metadata /
recovery figures of ``python -m pipeline.parse.evaluate`` are printed.

``--parse-only`` measures instead what parsing costs a worker on the shared corpus (the files bench/run.py
processes, or every n-th of them with ``--files N``): ``parse_document`` on every file in one process that has
loaded what a worker loads (model, jieba dictionary, region tables, so a fork copies a worker-sized process),
three ways — every file in a forked child (``limits.IN_PROCESS_MAX_BYTES = 0``), the shipped isolation policy
(``pipeline.parse.sandbox.isolated``), and nothing in a child (``limits.PARSE_IN_CHILD = False``) — each as a
multiple of the floor's read + jieba-rs + mode-name regex over the same files, so the ratios hold on a busy machine.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures" / "parse")]

import make_docs  # noqa: E402

from pipeline import formats  # noqa: E402
from pipeline.models import RawDocument, RawPart  # noqa: E402
from pipeline.parse import limits, parse_document, parse_part, sandbox  # noqa: E402
from pipeline.parse.evaluate import BEIJING_PDF, DEFAULT_SHARED, main as evaluate_main  # noqa: E402
from pipeline.parse.pdf import parse_pdf, pdfium_page_lines, plumber_page_lines  # noqa: E402
from pipeline.parse.text import normalise, rejoin_wrapped, strip_running_lines  # noqa: E402


def timed(run: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Best-of-``repeat`` wall time and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def plumber_text(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [[x for x in page.dedupe_chars().extract_text().splitlines() if x.strip()] for page in pdf.pages]


def plumber_text_and_tables(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [plumber_page_lines(page)[0] for page in pdf.pages]


def pdfium_text(path: Path) -> list[list[str]]:
    document = pdfium.PdfDocument(path)
    try:
        return [pdfium_page_lines(document[i]) for i in range(len(document))]
    finally:
        document.close()


def paragraphs(pages: list[list[str]]) -> list[str]:
    """What parse_pdf makes of per-page lines: running lines dropped, wraps rejoined."""
    return rejoin_wrapped([line for page in strip_running_lines(pages) for line in page])


def same_lines(a: list[list[str]], b: list[list[str]]) -> bool:
    return [[normalise(x) for x in page] for page in a] == [[normalise(x) for x in page] for page in b]


def bench_file(label: str, path: Path) -> None:
    pages = len(pdfium.PdfDocument(path))
    t_plumber, by_plumber = timed(lambda: plumber_text(path))
    t_tables, _ = timed(lambda: plumber_text_and_tables(path))
    t_pdfium, by_pdfium = timed(lambda: pdfium_text(path))
    t_clean, _ = timed(lambda: paragraphs(by_pdfium))
    data = path.read_bytes()
    t_parse, _ = timed(lambda: parse_pdf(data))
    print(f"\n{label}: {pages} pages")
    for name, seconds in (("pdfplumber text (dedupe_chars)", t_plumber), ("pdfplumber text + find_tables", t_tables),
                          ("pypdfium2 text", t_pdfium), ("parse_pdf (whole, as used)", t_parse)):
        print(f"  {name:<32} {pages / seconds:8.1f} pages/s  ({seconds * 1000:7.1f} ms)")
    print(f"  stage: headers/footers + rejoin   {t_clean * 1000:7.1f} ms")
    print(f"  raw lines identical (normalised): {same_lines(by_pdfium, by_plumber)}; "
          f"paragraphs after header/footer removal identical: {paragraphs(by_pdfium) == paragraphs(by_plumber)}")


MODE_TERMS = re.compile("新型举国体制|链长制|揭榜挂帅")


def corpus_documents(shared: Path, folder: Path, count: int) -> tuple[list[RawDocument], dict[str, bytes]]:
    """The files bench/run.py processes (every n-th when ``count``), as one-part documents and their bytes."""
    from run import corpus_files, materialise, pick  # bench/run.py: one definition of "the shared corpus"

    materialise(shared, folder)
    files = corpus_files(shared, folder)
    blobs: dict[str, bytes] = {}
    documents = []
    for path in pick(files, count) if count else files:
        data = path.read_bytes()
        key = str(len(blobs))
        blobs[key] = data
        part = RawPart(role="file", url=path.name, sha256=key, media_type=formats.sniff_media_type(data, path.name),
                       filename=path.name, size=len(data))
        documents.append(RawDocument(doc_id=key, source="bench", url=path.name, parts=(part,)))
    return documents, blobs


def load_worker_state(documents: list[RawDocument], blobs: dict[str, bytes]) -> None:
    """Load what a worker holds when it parses (model, dictionaries, region tables): a fork copies all of it."""
    from pipeline.classify import shipped_model
    from pipeline.config import MODELS_DIR
    from pipeline.process import process_document

    process_document(documents[0], blobs.__getitem__, shipped_model(MODELS_DIR))


def floor_seconds(documents: list[RawDocument], blobs: dict[str, bytes]) -> float:
    """bench/run.py's floor on these files: decode, jieba-rs, the three mode names."""
    import rjieba

    rjieba.cut("")
    started = time.perf_counter()
    for document in documents:
        text = blobs[document.parts[0].sha256].decode("utf-8", "replace")
        rjieba.cut(text)
        MODE_TERMS.findall(text)
    return time.perf_counter() - started


def parse_all(documents: list[RawDocument], blobs: dict[str, bytes]) -> tuple[float, int]:
    """Best-of-2 wall seconds to parse every document, and how many parts came back with an error or note."""
    def run() -> int:
        return sum(bool(p.error) for d in documents for p in parse_document(d, blobs.__getitem__).parts)

    return timed(run, repeat=2)  # type: ignore[return-value]


_LINE = "各市人民政府：为推动产业链高质量发展，决定建立链长制，由市领导担任链长。１２３ＡＢＣ (guó) , "
WORST_CASES: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "text, short lines": (formats.TEXT, lambda n: ((_LINE + "\n") * n).encode()),
    "text, one line": (formats.TEXT, lambda n: (_LINE * n).encode()),
    "text, GBK": (formats.TEXT, lambda n: ((_LINE + "\n") * n).encode("gbk")),
    "text, random bytes": (formats.TEXT, lambda n: random.Random(1).randbytes(n)),
    "markdown, headings/lists/tables": (formats.MARKDOWN, lambda n: (("# 标题\n- " + _LINE + "\n| a | b |\n") * n).encode()),
    "HTML, nested <div><p>": (formats.HTML, lambda n: b"<html><body>" + b"<div><p>\xe9\x93\xbe" * n),
    "HTML, one big table": (formats.HTML, lambda n: ("<table>" + "<tr><td>链长</td><td>链主</td></tr>" * n).encode()),
    "HTML, paragraphs": (formats.HTML, lambda n: ("<div class='content'>" + f"<p>{_LINE}</p>" * n).encode()),
}
"""Generated inputs that stress the in-process parsers (TXT, Markdown, HTML) at ``limits.IN_PROCESS_MAX_BYTES``."""


def _status_kb(field: str) -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return int(line.split()[1])


def worst_case(name: str) -> None:
    """Parse one generated worst case in this (fresh) process; print its time and peak memory added."""
    media_type, make = WORST_CASES[name]
    data = make(limits.IN_PROCESS_MAX_BYTES)[: limits.IN_PROCESS_MAX_BYTES]
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from the resident size
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    part = parse_part(data, RawPart(role="file", url="x", sha256="", media_type=media_type))
    seconds = time.perf_counter() - started
    added = (_status_kb("VmHWM") - before) / 1024
    print(f"  {name:<32} {len(data) / 2**20:4.1f} MiB {seconds:6.2f} s  peak RSS +{added:4.0f} MB  "
          f"({len(part.text):,} characters{', ' + part.error[:40] if part.error else ''})", flush=True)


def bench_parse_only(shared: Path, count: int) -> None:
    print(f"in-process worst cases at IN_PROCESS_MAX_BYTES ({limits.IN_PROCESS_MAX_BYTES / 2**20:.0f} MiB), "
          "each in a fresh process:")
    for name in WORST_CASES:
        subprocess.run([sys.executable, __file__, "--worst-case", name], check=True)
    with tempfile.TemporaryDirectory(prefix="bench-parse-corpus-") as tmp:
        documents, blobs = corpus_documents(shared, Path(tmp), count)
    types = sorted({p.media_type for d in documents for p in d.parts})
    isolated = sum(sandbox.isolated(p.media_type, p.size) for d in documents for p in d.parts)
    print(f"{len(documents)} files, {sum(map(len, blobs.values())) / 1e6:.1f} MB ({', '.join(types)}); "
          f"{isolated} of them go to a child under the isolation policy")
    load_worker_state(documents, blobs)
    print(f"worker state loaded: RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    floor = floor_seconds(documents, blobs)
    print(f"floor (read + jieba-rs + mode-name regex)   {floor:7.1f} s")
    every_file = limits.IN_PROCESS_MAX_BYTES
    for label, in_child, max_in_process in (("nothing in a child", False, every_file),
                                            ("isolation policy (sandbox.isolated)", True, every_file),
                                            ("every file in a forked child", True, 0)):
        limits.PARSE_IN_CHILD, limits.IN_PROCESS_MAX_BYTES = in_child, max_in_process
        seconds, errors = parse_all(documents, blobs)
        print(f"parse: {label:<38} {seconds:7.1f} s = {seconds / floor:5.2f}x the floor  ({errors} parts with "
              "an error or note)", flush=True)
    limits.PARSE_IN_CHILD, limits.IN_PROCESS_MAX_BYTES = True, every_file


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--parse-only", action="store_true",
                        help="parse the shared corpus as a worker does: every file forked vs. the isolation policy")
    parser.add_argument("--files", type=int, default=0, help="with --parse-only: every n-th file, this many (0: all)")
    parser.add_argument("--worst-case", choices=WORST_CASES, help=argparse.SUPPRESS)  # one, run by --parse-only
    args = parser.parse_args(argv)
    if args.worst_case:
        worst_case(args.worst_case)
        return
    if args.parse_only:
        bench_parse_only(args.shared, args.files)
        return
    with tempfile.TemporaryDirectory(prefix="bench-parse-") as tmp:
        for pages in args.pages:
            path = Path(tmp) / f"policy-{pages}.pdf"
            path.write_bytes(make_docs.long_pdf(pages))
            bench_file(f"generated text PDF ({path.name})", path)
        table_pdf = Path(tmp) / "table.pdf"
        table_pdf.write_bytes(make_docs.policy_pdf(table=True, pages=3))
        bench_file("generated PDF with a ruled table (pdfplumber path on page 1)", table_pdf)
    real = args.shared / BEIJING_PDF
    if real.exists():
        bench_file("real WPS PDF (2024 Beijing government work report)", real)
        print()
        evaluate_main(["--shared", str(args.shared)])


if __name__ == "__main__":
    main()
