"""Which region a document, and each of its sentences, speaks about.

The document's region comes from the one resolver, :func:`pipeline.regions.resolve_region`, over
the metadata (issuer, 文号, title, the region a source or portal states) and the body text; this
module adds only what is particular to extraction: a national standard (GB/T …) is about 全国.

Comparison texts — a research paper, a flattened table of several provinces — switch region
mid-document: a paragraph that *opens* with a region name used as a row label ("浙江 “九个一”机制",
"天津市：…", :func:`pipeline.regions.opens_with_region_label`) or a section heading naming one region
("2.2 以重庆两江新区为例") starts a block for that region, which lasts until the next section heading.
A prose paragraph opening with a region and mentioning the mechanism switches that paragraph only.
Names are found by the division list's matcher (:func:`pipeline.regions.find_mentions`), settled
against the document's own region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.models import SegmentedDocument, Sentence
from pipeline.regions import (Division, Evidence, Resolution, lookup, opens_with_region_label, places,
                              resolve_region)
from pipeline.textshape import SECTION_HEADING, strip_marker

NATIONAL_STANDARD = re.compile(r"(?:国家|行业)标准|\b(?:GB|[A-Z]{2})(?:/[TZ])?\s*\d+(?:\.\d+)?\s*[—-]\s*\d{4}")
"""A national or industry standard (GB/T 1234—2024, YD/T …, 行业标准): issued by central organs, so about 全国."""


def canonical_region(text: str) -> str:
    """Full name of a region written in any form (浙江, 浙江省, 重庆两江新区, 重庆市两江新区, 江苏省/南通市/如东县, a
    GB/T 2260 code); '' when unknown."""
    text = text.strip()
    if not text:
        return ""
    if division := lookup(text):
        return division.full_name
    found = mentions_in_text(text)
    return found[-1][0] if found else ""


def mentions_in_text(text: str, context: Iterable[Division] = ()) -> list[tuple[str, int]]:
    """Regions named in a text as (full name, character offset); a city directly followed by one of
    its units (重庆两江新区) counts once, as the unit; ``context`` settles shared names (鼓楼区)."""
    return [(division.full_name, start) for division, start, _ in places(text, context)]


def mentions(sentence: Sentence, context: Iterable[Division] = ()) -> list[tuple[str, int]]:
    return mentions_in_text(sentence.text, context)


def document_resolution(doc: SegmentedDocument) -> Resolution:
    """The resolver's answer for a document: metadata first, the region its source states as the
    site, the paragraphs' text as the body."""
    meta = doc.meta
    body = "\n".join(s.text for s in doc.sentences if s.locator.startswith("p"))
    return resolve_region(Evidence(issuer=meta.issuer, doc_number=meta.doc_number, title=meta.title,
                                   site=(meta.region,) if meta.region else (), body=body))


def document_region(doc: SegmentedDocument) -> str:
    """Full name of the region a document is about; a national standard without any other evidence
    is 全国; '' when nothing decides."""
    resolution = document_resolution(doc)
    if resolution.division is not None:
        return resolution.name
    opening = [s for s in doc.sentences[:4] if s.locator.startswith("p")]
    return "全国" if any(NATIONAL_STANDARD.search(s.text) for s in opening) else ""


def sentence_regions(doc: SegmentedDocument, default: str) -> dict[int, str]:
    """Region of every sentence index (see module docstring); table rows keep the document's region."""
    context = tuple(d for d in (lookup(default),) if d is not None)
    regions: dict[int, str] = {}
    block, block_scope = default, ""  # scope: "section" until the next heading, "paragraph" for one paragraph
    previous_paragraph = ""
    for sentence in doc.sentences:
        if not sentence.locator.startswith("p"):
            regions[sentence.index] = default
            continue
        new_paragraph = sentence.locator != previous_paragraph
        previous_paragraph = sentence.locator
        if new_paragraph:
            if block_scope == "paragraph":
                block, block_scope = default, ""
            switch = _block_switch(sentence, context)
            if switch:
                block, block_scope = switch
            elif SECTION_HEADING.match(sentence.text):
                block, block_scope = default, ""
        regions[sentence.index] = block
    return regions


def _block_switch(sentence: Sentence, context: tuple[Division, ...]) -> tuple[str, str] | None:
    """(region, scope) when this paragraph-opening sentence starts a region block."""
    found = mentions(sentence, context)
    if not found:
        return None
    if SECTION_HEADING.match(sentence.text) and len({name for name, _ in found}) == 1 and len(sentence.text) <= 60:
        return found[0][0], "section"
    body = strip_marker(sentence.text)
    lead = len(sentence.text) - len(body)
    name, offset = found[0]
    if offset != lead:
        return None
    if opens_with_region_label(body):
        return name, "section"
    rest = _after_region_name(body)
    if re.search(r"链长|链主|“[^”]{1,12}”(?:机制|模式|架构|体系)", rest):
        return name, "paragraph"
    return None


def _after_region_name(body: str) -> str:
    """Text after the region name (with any of its own units: 重庆两江新区) that opens ``body``."""
    found = places(body)
    return body[found[0][2]:] if found and found[0][1] == 0 else body



def evaluate_document_regions(split: str = "train") -> tuple[int, list[tuple[str, str, str, str]]]:
    """Document regions of the annotated real excerpts of one split, read as an ingested TXT file would be
    (parse, segment, :func:`document_region`): (number right, [(file, gold path, got path, evidence)])."""
    import hashlib

    from pipeline.annotations import EXCERPTS_DIR, load_annotations
    from pipeline.models import RawDocument, RawPart
    from pipeline.parse import parse_document
    from pipeline.regions import divisions
    from pipeline.segment import segment

    right, rows = 0, []
    for annotation in load_annotations(split=split):
        data = annotation.text.encode("utf-8")
        path = str(EXCERPTS_DIR / annotation.file)
        part = RawPart("file", path, hashlib.sha256(data).hexdigest(), "text/plain")
        raw = RawDocument(doc_id=annotation.file, source="ingest:real-excerpts", url=path, parts=(part,))
        doc = segment(parse_document(raw, lambda _, data=data: data))
        name = document_region(doc)
        division = lookup(name)
        got = divisions().path(division) if division else name
        right += got == annotation.region
        rows.append((annotation.file, annotation.region, got, document_resolution(doc).decided_by))
    return right, rows


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.extract.regions",
                                     description="Score document regions on the annotated real excerpts.")
    parser.add_argument("--split", choices=("train", "test"), default="train")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every document, not only the misses")
    args = parser.parse_args(argv)
    right, rows = evaluate_document_regions(args.split)
    categories: dict[str, int] = {}
    for file, gold, got, decided_by in rows:
        if gold != got:
            category = miss_category(gold, got)
            categories[category] = categories.get(category, 0) + 1
        if args.verbose or gold != got:
            print(f"{'ok  ' if gold == got else 'MISS'} {file}: key {gold or '-'}, got {got or '-'} "
                  f"({decided_by or 'nothing decided'}; {miss_category(gold, got) if gold != got else 'right'})")
    print(f"document regions right ({args.split} split): {right}/{len(rows)}")
    print("misses by category: " + ", ".join(f"{name} {n}" for name, n in sorted(categories.items())))
    return 0


def miss_category(gold: str, got: str) -> str:
    """How a wrong region relates to the annotated one (paths as 江苏省/南通市/如东县): nothing decided, the
    nation for a local text or the reverse, a unit above the right one (a county's scheme given its city),
    one inside it (a provincial report given a city it names), or an unrelated place."""
    if not got:
        return "nothing decided"
    if "全国" in (gold, got):
        return "local given as national" if got == "全国" else "national given as local"
    if gold.startswith(got + "/"):
        return "too high"
    if got.startswith(gold + "/"):
        return "too low"
    return "unrelated place"


if __name__ == "__main__":
    raise SystemExit(_main())
