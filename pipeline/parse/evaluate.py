"""Measure the parser on the real documents in the shared corpus folder.

    python -m pipeline.parse.evaluate [--shared ../shared]

* gov.cn pages (ZhouYNF__platform-1): metadata parsed from each page's raw
  HTML against the fields recorded for it, per field.
* The WPS-made Beijing PDF (datawhalechina__llm-cookbook): characters
  recovered against ``pdftotext`` (poppler) or, without it, pdfplumber.
* Guangzhou portal pages (shizelengleng__ai-zhengce-tong): pages whose body
  came out non-empty and free of navigation text.

The corpus is read in place, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.formats import HTML, PDF
from pipeline.models import RawPart
from pipeline.parse import parse_part
from pipeline.parse.metadata import normalise_date
from pipeline.parse.text import normalise

DEFAULT_SHARED = PROJECT_ROOT.parent / "shared"
GOVCN_DIR = "corpora/ZhouYNF__platform-1/_derived"
BEIJING_PDF = "corpora/datawhalechina__llm-cookbook/content/选修-Advanced Retrieval for AI with Chroma/data/2024年北京市政府工作报告.pdf"
GUANGZHOU_DIR = "corpora/shizelengleng__ai-zhengce-tong/docs/policy_sources"

GOVCN_FIELDS = {"title": "title", "index_number": "index_number", "category": "topic_class", "issuer": "issuer",
                "written_date": "written_date", "doc_number": "doc_number", "publish_date": "publish_date"}
"""DocumentMeta field → field recorded for the page in the corpus's derived JSONL."""

NAVIGATION_LINES = ("首页", "网站地图", "无障碍", "联系我们", "English", "登录", "注册", "打印", "关闭", "分享到",
                    "打印本页", "关闭窗口", "字号", "大", "中", "小")
"""Menu and toolbar items: a body paragraph consisting of just one of these is portal chrome."""

NAVIGATION_PHRASES = ("版权所有", "ICP备", "公网安备", "网站标识码", "主办单位：", "当前位置：", "您现在的位置")
"""Footer and breadcrumb phrases that never occur inside a policy document."""


def navigation_text(text: str) -> list[str]:
    """Chrome found in a parsed body: nav-item paragraphs and footer/breadcrumb phrases."""
    lines = text.split("\n")
    return [x for x in lines if x in NAVIGATION_LINES] + [p for p in NAVIGATION_PHRASES if p in text]


@dataclass(frozen=True)
class FieldAccuracy:
    documents: int
    correct: dict[str, int]
    misses: tuple[tuple[str, str, str, str], ...]  # (url, field, expected, parsed)

    def accuracy(self, field: str) -> float:
        return self.correct[field] / self.documents if self.documents else 0.0

    @property
    def overall(self) -> float:
        total = self.documents * len(self.correct)
        return sum(self.correct.values()) / total if total else 0.0


def govcn_metadata_accuracy(shared: Path = DEFAULT_SHARED) -> FieldAccuracy:
    """Parse every unique gov.cn page's raw HTML and compare its metadata with the recorded fields."""
    folder = shared / GOVCN_DIR
    recorded = {r["url"]: r for r in _jsonl(folder / "gov_cn_zhengce_2018-11_2019-02_text.jsonl")}
    pages: dict[str, str] = {}
    for row in _jsonl(folder / "ge_policy_raw_all.jsonl"):
        if row.get("html"):
            pages.setdefault(row["crawl_url"], row["html"])
    correct = Counter({f: 0 for f in GOVCN_FIELDS})
    misses = []
    urls = [u for u in recorded if u in pages]
    for url in urls:
        part = parse_part(pages[url].encode("utf-8"), RawPart(role="page", url=url, sha256="", media_type=HTML))
        for field, key in GOVCN_FIELDS.items():
            expected = recorded[url].get(key) or ""
            expected = normalise_date(expected) if field.endswith("date") else normalise(expected)
            parsed = getattr(part.meta, field)
            if parsed == expected:
                correct[field] += 1
            else:
                misses.append((url, field, expected, parsed))
    return FieldAccuracy(len(urls), dict(correct), tuple(misses))


@dataclass(frozen=True)
class TextRecovery:
    reference: str  # "pdftotext" or "pdfplumber"
    reference_chars: int
    parsed_chars: int
    recovered: float  # share of the reference's characters (as a multiset) present in the parsed text
    same_order: bool  # parsed text equals the reference once whitespace is removed
    error: str


def pdf_text_recovery(path: Path) -> TextRecovery:
    """Characters of a PDF recovered by parse_part, against pdftotext (or pdfplumber without poppler)."""
    data = path.read_bytes()
    part = parse_part(data, RawPart(role="file", url=str(path), sha256="", media_type=PDF))
    reference_name, reference = _reference_text(path)
    ours, theirs = _significant(part.text), _significant(normalise(reference))
    counts, reference_counts = Counter(ours), Counter(theirs)
    common = sum(min(n, counts[ch]) for ch, n in reference_counts.items())
    return TextRecovery(reference_name, len(theirs), len(ours), common / max(len(theirs), 1), ours == theirs,
                        part.error)


def _reference_text(path: Path) -> tuple[str, str]:
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
        return "pdftotext", result.stdout.decode("utf-8", errors="replace")
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "pdfplumber", "\n".join(page.dedupe_chars().extract_text() for page in pdf.pages)


def _significant(text: str) -> str:
    """Text without whitespace, page-break form feeds and page-number-only lines' spacing."""
    return re.sub(r"\s+", "", normalise(text))


@dataclass(frozen=True)
class BodyCheck:
    pages: int
    with_body: int
    with_navigation: tuple[tuple[str, str], ...]  # (file, navigation string found)
    errors: tuple[tuple[str, str], ...]


def guangzhou_body_check(shared: Path = DEFAULT_SHARED) -> BodyCheck:
    """Parse the saved Guangzhou portal pages; count bodies and any navigation text inside them."""
    files = sorted((shared / GUANGZHOU_DIR).glob("*.html"))
    with_body, navigation, errors = 0, [], []
    for path in files:
        part = parse_part(path.read_bytes(), RawPart(role="page", url=path.name, sha256="", media_type=HTML))
        if part.error:
            errors.append((path.name, part.error))
        if part.text:
            with_body += 1
        navigation += [(path.name, s) for s in navigation_text(part.text)]
    return BodyCheck(len(files), with_body, tuple(navigation), tuple(errors))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared corpus folder")
    shared = parser.parse_args(argv).shared
    if not (shared / "corpora").is_dir():
        raise SystemExit(f"no corpus at {shared}/corpora")
    govcn = govcn_metadata_accuracy(shared)
    print(f"gov.cn metadata, {govcn.documents} pages: overall {govcn.overall:.1%}")
    for field in GOVCN_FIELDS:
        print(f"  {field:<13} {govcn.accuracy(field):.1%}")
    for url, field, expected, parsed in govcn.misses[:10]:
        print(f"  miss {field} {url}: expected {expected!r}, parsed {parsed!r}")
    pdf = pdf_text_recovery(shared / BEIJING_PDF)
    print(f"Beijing WPS PDF: {pdf.parsed_chars} chars parsed, {pdf.reference_chars} by {pdf.reference}; "
          f"recovered {pdf.recovered:.2%}; identical order: {pdf.same_order}; error: {pdf.error or 'none'}")
    body = guangzhou_body_check(shared)
    print(f"Guangzhou pages: {body.with_body}/{body.pages} with a body, "
          f"{len(body.with_navigation)} navigation strings in bodies {list(body.with_navigation)[:5]}, "
          f"errors {list(body.errors)}")


if __name__ == "__main__":
    main()
