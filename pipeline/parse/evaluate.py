"""Measure the parser on the real documents in the shared corpus folder.

    python -m pipeline.parse.evaluate [--shared ../shared] [--misses]

* Metadata against expected values read by hand (``corpora/metadata_expected/*.tsv``):
  gov.cn pages with their metadata table removed, Guangzhou portal pages,
  pkulaw exports and page texts of 20 other portals, per field, per portal,
  for the development and the held-out split separately (misses are listed
  for the development split only).
* gov.cn pages (ZhouYNF__platform-1) as shipped: the page's metadata table
  read back against the fields the corpus recorded from it.
* The WPS-made Beijing PDF (datawhalechina__llm-cookbook): characters
  recovered against ``pdftotext`` (poppler) or, without it, pdfplumber.
* Guangzhou portal pages (shizelengleng__ai-zhengce-tong): pages whose body
  came out non-empty and free of navigation text.

The corpus is read in place, never copied into the project.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from pipeline.config import PROJECT_ROOT
from pipeline.formats import HTML, PDF, TEXT, suffix_media_type
from pipeline.models import DocumentMeta, ParsedDocument, RawDocument, RawPart
from pipeline.parse import parse_document, parse_part
from pipeline.parse.metadata import normalise_date
from pipeline.parse.text import normalise

DEFAULT_SHARED = PROJECT_ROOT.parent / "shared"
GOVCN_DIR = "corpora/ZhouYNF__platform-1/_derived"
BEIJING_PDF = "corpora/datawhalechina__llm-cookbook/content/选修-Advanced Retrieval for AI with Chroma/data/2024年北京市政府工作报告.pdf"
GUANGZHOU_DIR = "corpora/shizelengleng__ai-zhengce-tong/docs/policy_sources"

GOVCN_FIELDS = {"title": "title", "index_number": "index_number", "category": "topic_class", "issuer": "issuer",
                "written_date": "written_date", "doc_number": "doc_number", "publish_date": "publish_date"}
"""DocumentMeta field → field recorded for the page in the corpus's derived JSONL."""

EXPECTED_DIR = PROJECT_ROOT / "corpora" / "metadata_expected"
SCORED_FIELDS = ("title", "issuer", "doc_number", "written_date", "publish_date")
STATES_NONE = "-"
"""An expected cell holding this means "the page states none": the parser must give nothing (a blank cell is not scored)."""
LISTING = "(listing page)"
"""Expected title of a page that is not a document: the parser must record a problem for it instead."""
HELD_OUT_BUCKETS = 4
"""A page is held out when the SHA-1 of its key, as an integer, is divisible by this (about a quarter of the pages)."""

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
class ExpectedPage:
    portal: str
    key: str  # path under ../shared/corpora, or "<folder>#<url>" for pages stored inside a JSONL file
    values: dict[str, str]  # field → expected value ("" = states none); unscored fields absent

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha1(self.key.encode("utf-8")).hexdigest(), 16) % HELD_OUT_BUCKETS == 0

    @property
    def listing(self) -> bool:
        return self.values.get("title") == LISTING


def load_expected(folder: Path = EXPECTED_DIR) -> list[ExpectedPage]:
    """Every row of the expected-values TSVs (``#`` lines are comments)."""
    pages = []
    for path in sorted(folder.glob("*.tsv")):
        lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            values = {f: ("" if row[f] == STATES_NONE else row[f]) for f in SCORED_FIELDS if row.get(f)}
            pages.append(ExpectedPage(row["portal"], row["key"], values))
    return pages


def comparable(field: str, value: str) -> str:
    """The form two values are compared in: normalised, no spaces, one kind of bracket and dash."""
    value = normalise(value)
    if field.endswith("date"):
        return normalise_date(value) if value else ""
    value = re.sub(r"\s+", "", value).replace("(", "（").replace(")", "）")
    return re.sub(r"[—–－―-]+", "-", value)


@dataclass
class Tally:
    """Right and scored values per field, over some pages."""

    pages: int = 0
    correct: Counter[str] = dataclasses.field(default_factory=Counter)
    scored: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, field: str, right: bool) -> None:
        self.scored[field] += 1
        self.correct[field] += right

    def cell(self, field: str | None = None) -> str:
        right = sum(self.correct.values()) if field is None else self.correct[field]
        total = sum(self.scored.values()) if field is None else self.scored[field]
        return f"{right / total:6.1%} {right:>3}/{total:<3}" if total else f"{'—':>14}"


@dataclass(frozen=True)
class MetadataScore:
    tallies: dict[tuple[str, str], Tally]  # (split, portal) → tally; portal "all" sums the split
    misses: tuple[tuple[str, str, str, str], ...]  # development split only: (key, field, expected, parsed)
    listings: tuple[int, int]  # (listing pages flagged with a problem, listing pages)

    def accuracy(self, split: str, field: str | None = None, portal: str = "all") -> float:
        tally = self.tallies.get((split, portal))
        if not tally:
            return 0.0
        right = sum(tally.correct.values()) if field is None else tally.correct[field]
        total = sum(tally.scored.values()) if field is None else tally.scored[field]
        return right / total if total else 1.0


def metadata_score(shared: Path = DEFAULT_SHARED, expected: list[ExpectedPage] | None = None) -> MetadataScore:
    """Parse every expected page as the pipeline would and compare its merged metadata field by field."""
    expected = load_expected() if expected is None else expected
    tallies: dict[tuple[str, str], Tally] = {}
    misses = []
    flagged = listings = 0
    for page in expected:
        document = parse_expected_page(shared, page.key)
        if page.listing:
            listings += 1
            flagged += any(p.error for p in document.parts)
            continue
        split = "test" if page.held_out else "dev"
        for scope in ((split, page.portal), (split, "all"), ("all", page.portal), ("all", "all")):
            tallies.setdefault(scope, Tally()).pages += 1
        for field, value in page.values.items():
            parsed = getattr(document.meta, field)
            right = comparable(field, parsed) == comparable(field, value)
            for scope in ((split, page.portal), (split, "all"), ("all", page.portal), ("all", "all")):
                tallies[scope].add(field, right)
            if not right and split == "dev":
                misses.append((page.key, field, value, parsed))
    return MetadataScore(tallies, tuple(misses), (flagged, listings))


def parse_expected_page(shared: Path, key: str) -> ParsedDocument:
    """The ParsedDocument for one expected page; a gov.cn page loses its metadata table first.

    Keys: a file path under ``corpora/``; ``ZhouYNF__platform-1#<url>`` (a gov.cn page's HTML in the corpus's
    JSONL); ``<path of a JSONL>#<row id>`` (a page text scraped into a JSONL's ``Body``, parsed as a text file).
    """
    folder, _, record = key.partition("#")
    if record and folder == GOVCN_DIR.split("/")[1]:
        html = _govcn_pages(shared)[record]
        data, name, media_type = strip_metadata_table(html).encode("utf-8"), record, HTML
    elif record:
        data, name, media_type = _jsonl_bodies(shared / "corpora" / folder)[record].encode("utf-8"), key, TEXT
    else:
        path = shared / "corpora" / key
        data, name, media_type = path.read_bytes(), key, suffix_media_type(path.name)
    role = "page" if media_type == HTML else "file"
    part = RawPart(role=role, url=name, sha256="blob", media_type=media_type, filename=Path(name).name)
    raw = RawDocument(doc_id=key, source=folder, url=name, parts=(part,), meta=DocumentMeta())
    return parse_document(raw, lambda _sha: data)


def strip_metadata_table(html: str) -> str:
    """The gov.cn page without its metadata table (``table.bd1``: 索引号 … 发布日期, 主题词)."""
    root = lxml.html.fromstring(html)
    for table in root.cssselect("table.bd1"):
        table.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _jsonl_bodies(path: Path) -> dict[str, str]:
    """Row id (the ``Unnamed: 0`` column of a converted spreadsheet) → its ``Body`` text."""
    return {str(row.get("Unnamed: 0")): str(row.get("Body") or "") for row in _jsonl(path)}


def _govcn_pages(shared: Path) -> dict[str, str]:
    pages: dict[str, str] = {}
    for row in _jsonl(shared / GOVCN_DIR / "ge_policy_raw_all.jsonl"):
        if row.get("html"):
            pages.setdefault(row["crawl_url"], row["html"])
    return pages


def print_metadata_score(score: MetadataScore, misses: bool = False) -> None:
    print("metadata vs. expected values read by hand (corpora/metadata_expected/; gov.cn metadata tables removed)")
    print(f"  {'split':<5} {'portal':<10} {'pages':>5}  " + "  ".join(f"{f:<14}" for f in SCORED_FIELDS)
          + "  all fields")
    for (split, portal), tally in sorted(score.tallies.items(), key=lambda kv: (
            ("dev", "test", "all").index(kv[0][0]), kv[0][1] == "all", kv[0][1])):
        print(f"  {split:<5} {portal:<10} {tally.pages:>5}  "
              + "  ".join(tally.cell(f) for f in SCORED_FIELDS) + "  " + tally.cell())
    print(f"  listing pages recorded as a problem, not a document: {score.listings[0]}/{score.listings[1]}")
    if misses:
        for key, field, expected, parsed in score.misses:
            print(f"  miss {field} {key}: expected {expected!r}, parsed {parsed!r}")


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
    """Parse the saved Guangzhou portal pages as documents; count bodies and any navigation text inside them."""
    files = sorted((shared / GUANGZHOU_DIR).glob("*.html"))
    with_body, navigation, errors = 0, [], []
    for path in files:
        part = parse_expected_page(shared, str(path.relative_to(shared / "corpora"))).parts[0]
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
    parser.add_argument("--misses", action="store_true",
                        help="list the metadata misses of the development split (never of the held-out split)")
    args = parser.parse_args(argv)
    shared = args.shared
    if not (shared / "corpora").is_dir():
        raise SystemExit(f"no corpus at {shared}/corpora")
    print_metadata_score(metadata_score(shared), misses=args.misses)
    govcn = govcn_metadata_accuracy(shared)
    print(f"gov.cn metadata table read back (pages as shipped), {govcn.documents} pages: overall {govcn.overall:.1%}")
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
