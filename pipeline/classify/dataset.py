"""Labelled documents: real texts read from ``../shared/corpora`` by stable key, plus our own written ones.

The label file (``corpora/labels/labels.tsv``) stores only keys, labels and the
split — never the shared texts — so the project can be published while the
training material stays where it is.  Each key names a source and a position
that does not move when the shared folder is re-read:

=======================  ==========================================================
``xvshiting:<sheet>:<No>``  row of the xvshiting workbook (sheet ``central``/``shandong``)
``gwr:<year>``             State Council 政府工作报告 of that year (``gwr:line<n>`` for the NPC resolutions)
``cpc:<n>``                CPC congress report, n-th line of the JSONL (1-based)
``govcn:<content id>``     2018-19 gov.cn State Council page (ZhouYNF crawl)
``transparency:<n>``       n-th body of the Policy-Transparency 50-document sample
``tianhe:<id>``            Guangzhou/天河 page text (ai-zhengce-tong documents.json)
``pkulaw:<CLI code>``      pkulaw TXT export (mengke25), by its 法宝引证码
``law:<relative path>``    LawRefBook Markdown file, path below the repo folder
``written:<file stem>``    our own document in ``corpora/labels/written/``
``excerpt:<file>``         a real excerpt (``../shared/corpora/real-excerpts/docs``), train split only
=======================  ==========================================================

The real excerpts' labels are not in the label file: their gold modes come from the item-level annotations
(``corpora/annotations/real_excerpts.jsonl``, :func:`excerpt_rows`), train split only — the frozen test split
is scored by ``python -m pipeline.extract.real_eval`` and never read here.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.annotations import EXCERPTS_DIR, load_annotations, raw_document, read_split
from pipeline.classify.rules import RULES
from pipeline.config import CORPORA_DIR, PROJECT_ROOT
from pipeline.models import MODES, DocumentMeta, SegmentedDocument
from pipeline.parse import parse_document, text_document
from pipeline.segment import segment

SHARED_CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"
LABELS_DIR = CORPORA_DIR / "labels"
LABELS_FILE = LABELS_DIR / "labels.tsv"
WRITTEN_DIR = LABELS_DIR / "written"
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class LabelledDocument:
    key: str
    labels: frozenset[str]  # subset of MODES
    split: str  # train | dev | test
    note: str = ""  # the annotator's reason, one line


@dataclass(frozen=True)
class SourceText:
    key: str
    title: str
    text: str


class MissingSourceError(FileNotFoundError):
    """A label refers to a text that is not where the key says (shared corpora absent or moved)."""


def read_labels(path: Path = LABELS_FILE) -> list[LabelledDocument]:
    """Rows of the label file: ``key  labels(comma-separated or -)  split  note``."""
    rows: list[LabelledDocument] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            labels = frozenset(x for x in row["labels"].split(",") if x and x != "-")
            unknown = labels - set(MODES)
            if unknown or row["split"] not in SPLITS:
                raise ValueError(f"{path}: bad row for {row['key']}: labels {sorted(unknown)} / split {row['split']!r}")
            rows.append(LabelledDocument(row["key"], labels, row["split"], row.get("note") or ""))
    return rows


def write_labels(rows: list[LabelledDocument], path: Path = LABELS_FILE, header: str = "") -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        handle.write("key\tlabels\tsplit\tnote\n")
        for row in rows:
            labels = ",".join(m for m in MODES if m in row.labels) or "-"
            handle.write(f"{row.key}\t{labels}\t{row.split}\t{row.note}\n")


def excerpt_rows() -> list[LabelledDocument]:
    """The train split of the annotated real excerpts as label rows (all in the classifier's train split): real
    phrasing — press releases, reports, traditional-character mirrors — that the written and corpus labels lack."""
    return [LabelledDocument(f"excerpt:{item.file}", frozenset(item.modes), "train", "real excerpt (annotations)")
            for item in load_annotations(split="train")]


def training_rows(labels_path: Path = LABELS_FILE) -> list[LabelledDocument]:
    """Everything the classifier learns and is scored on: the label file, then the train-split excerpts."""
    return [*read_labels(labels_path), *excerpt_rows()]


def shared_available(root: Path = SHARED_CORPORA) -> bool:
    return root.is_dir()


def load_text(key: str, root: Path = SHARED_CORPORA) -> SourceText:
    """The text behind one label key (raises :class:`MissingSourceError` when absent)."""
    source = key.split(":", 1)[0]
    if source == "written":
        return _written(key)
    if source == "excerpt":
        path = _excerpt_path(key)
        text = path.read_text(encoding="utf-8")
        return SourceText(key, text.splitlines()[0] if text else "", text)
    texts = _source_index(source, root)
    if key not in texts:
        raise MissingSourceError(f"{key}: not found under {root}")
    return texts[key]


def iter_shared_texts(root: Path = SHARED_CORPORA) -> Iterator[SourceText]:
    """Every full-text document of the shared corpora, in a fixed order (for benchmarks and labelling)."""
    for source in _READERS:
        yield from _source_index(source, root).values()


@cache
def _source_index(source: str, root: Path) -> dict[str, SourceText]:
    if source not in _READERS:
        raise MissingSourceError(f"unknown source {source!r}")
    if not root.is_dir():
        raise MissingSourceError(f"shared corpora not found at {root}")
    return {doc.key: doc for doc in _READERS[source](root)}


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _xvshiting(root: Path) -> Iterator[SourceText]:
    sheets = {"Central Policies Table": "central", "ShanDong Policies Table": "shandong"}
    for row in _jsonl(root / "xvshiting__politic_analysis_paper_2025/_derived/policies_data.jsonl"):
        yield SourceText(f"xvshiting:{sheets[row['sheet']]}:{row['No.']}", str(row["Policy Title"]),
                         str(row["Policy Content"] or ""))


def _reports(root: Path) -> Iterator[SourceText]:
    folder = root / "aldohemsn__chinese-political-corpora"
    for number, row in enumerate(_jsonl(folder / "government_work_reports.jsonl"), start=1):
        # the NPC resolutions approving each report carry no year: keyed by line number instead
        yield SourceText(f"gwr:{row['year'] or f'line{number}'}", row["title"], row["content"])


def _congress(root: Path) -> Iterator[SourceText]:
    folder = root / "aldohemsn__chinese-political-corpora"
    for number, row in enumerate(_jsonl(folder / "cpc_congress_reports.jsonl"), start=1):
        yield SourceText(f"cpc:{number}", row["title"], row["content"])


def _govcn(root: Path) -> Iterator[SourceText]:
    for row in _jsonl(root / "ZhouYNF__platform-1/_derived/gov_cn_zhengce_2018-11_2019-02_text.jsonl"):
        content_id = re.search(r"content_(\d+)", row["url"]).group(1)
        yield SourceText(f"govcn:{content_id}", row["title"], row["text"] or "")


def _transparency(root: Path) -> Iterator[SourceText]:
    path = root / "zongtihuoguoguan__Policy-Transparency-China-2024/_derived/data_sample50.jsonl"
    for number, row in enumerate(_jsonl(path), start=1):
        body = str(row.get("Body") or "")
        if len(body) > 20:  # four bodies are "error"/empty in the source
            yield SourceText(f"transparency:{number}", str(row.get("Title") or ""), body)


def _tianhe(root: Path) -> Iterator[SourceText]:
    path = root / "shizelengleng__ai-zhengce-tong/data/documents.json"
    for row in json.loads(path.read_text(encoding="utf-8")):
        yield SourceText(f"tianhe:{row['id']}", row["title"], row["original_text"] or "")


def _pkulaw(root: Path) -> Iterator[SourceText]:
    for path in sorted((root / "mengke25__policy_text_frenq/pool").glob("*.txt")):
        code = re.search(r"CLI\.[\d.]+\d", path.name).group(0)
        text = path.read_text(encoding="utf-8")
        yield SourceText(f"pkulaw:{code}", text.splitlines()[2] if text.count("\n") > 2 else path.stem, text)


def _laws(root: Path) -> Iterator[SourceText]:
    folder = root / "LawRefBook__Laws"
    for path in sorted(folder.rglob("*.md")):
        relative = path.relative_to(folder).as_posix()
        if "/" in relative:  # README.md and the format template sit at the top level
            yield SourceText(f"law:{relative}", path.stem, path.read_text(encoding="utf-8"))


_READERS = {"xvshiting": _xvshiting, "gwr": _reports, "cpc": _congress, "govcn": _govcn,
            "transparency": _transparency, "tianhe": _tianhe, "pkulaw": _pkulaw, "law": _laws}


def _written(key: str) -> SourceText:
    path = WRITTEN_DIR / f"{key.split(':', 1)[1]}.txt"
    if not path.exists():
        raise MissingSourceError(f"{key}: {path} missing")
    text = path.read_text(encoding="utf-8")
    return SourceText(key, text.splitlines()[0] if text else "", text)


def _excerpt_path(key: str) -> Path:
    """The file behind an ``excerpt:`` key; a test-split file is refused (it is for evaluation only)."""
    file = key.split(":", 1)[1]
    if read_split().get(file, ("", ""))[1] != "train":
        raise MissingSourceError(f"{key}: not a train-split real excerpt (corpora/annotations/real_excerpts_split.tsv)")
    path = EXCERPTS_DIR / file
    if not path.exists():
        raise MissingSourceError(f"{key}: {path} missing")
    return path


def _parsed_excerpt(key: str) -> SegmentedDocument:
    """An excerpt as ``policy-miner process`` reads the file — the crawled page :func:`raw_document` describes,
    parsed (hard wraps mended) and segmented — which is also how the real-excerpt evaluation reads it."""
    path = _excerpt_path(key)
    return segment(parse_document(raw_document(path.name, path.parent), lambda blob: Path(blob).read_bytes()))


@cache
def load_segmented(key: str, root: Path = SHARED_CORPORA) -> SegmentedDocument:
    """The labelled document as the pipeline sees it (segmented once per process: train, tune and evaluate share it).

    A text holding no cue term of any mode is not segmented at all: with no cue sentence every mode scores 0
    whatever the sentences are, so the empty document gives the same classification at a fraction of the cost.
    """
    if key.startswith("excerpt:"):
        return _parsed_excerpt(key)
    source = load_text(key, root)
    meta = DocumentMeta(title=source.title)
    if not any(rules.cue.search(source.text) for rules in RULES.values()):
        return SegmentedDocument(key, meta, ())
    return segment(text_document(key, source.text, meta))
