"""Benchmark the PDF text paths and the parse stages.

    .venv/bin/python bench/bench_parse.py [--pages 10 40] [--shared ../shared]

Generates multi-page policy-like PDFs (reportlab, STSong-Light CID font,
running header and page numbers) in a temp dir, then measures pages/s for
pdfplumber text, pdfplumber text + table finding, pypdfium2 text and the
whole ``parse_pdf``, plus time per stage, and checks that pypdfium2 and
pdfplumber give the same lines after normalisation.  With the shared corpus
present the real WPS-made Beijing PDF is measured too, and the metadata /
recovery figures of ``python -m pipeline.parse.evaluate`` are printed.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
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
