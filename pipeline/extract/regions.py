"""Which region a sentence speaks about.

A document normally describes its issuer's region (meta.region, set by the
parser from 发文机关/文号/URL, else the region named in its title or first
lines).  Comparison texts — a research paper, a flattened table of several
provinces — switch region mid-document: a paragraph that *opens* with a region
name used as a row label ("浙江 “九个一”机制", "天津市：…") or a section heading
naming one region ("2.2 以重庆两江新区为例") starts a block for that region,
which lasts until the next section heading.  A prose paragraph opening with a
region and mentioning the mechanism switches that paragraph only.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.models import SegmentedDocument, Sentence
from pipeline.segment import Region, load_lexicon
from pipeline.extract.text import SECTION_HEADING, region_alias_pattern, strip_marker

LABEL_AFTER_REGION = re.compile(r"^[\s\t：:｜|]")


@cache
def _regions_by_name() -> dict[str, Region]:
    return {region.name: region for region in load_lexicon().regions}


def full_name(name: str) -> str:
    """Naming convention for output rows: provinces and cities as listed, districts with their city (重庆市两江新区)."""
    regions = _regions_by_name()
    region = regions.get(name) or load_lexicon().region_by_alias().get(name)
    if region is None:
        return name
    if region.level == "district" and region.parent and not region.name.startswith(region.parent):
        return region.parent + region.name
    return region.name


def canonical_region(text: str) -> str:
    """Full name of a region written in any form (浙江, 浙江省, 重庆两江新区, 重庆市两江新区); '' when unknown."""
    text = text.strip()
    if not text:
        return ""
    aliases = load_lexicon().region_by_alias()
    if text in aliases:
        return full_name(aliases[text].name)
    found = [name for name, _ in mentions_in_text(text)]
    return found[-1] if found else ""


def mentions_in_text(text: str) -> list[tuple[str, int]]:
    """Regions named in a text as (full name, character offset); a city directly followed by
    one of its districts (重庆两江新区) counts once, as the district."""
    aliases = load_lexicon().region_by_alias()
    found: list[tuple[str, int]] = []
    previous_end = -1
    for match in region_alias_pattern().finditer(text):
        region = aliases[match.group(0)]
        name = full_name(region.name)
        if found and region.level == "district" and previous_end == match.start() and found[-1][0] == full_name(region.parent):
            found[-1] = (name, found[-1][1])
        else:
            found.append((name, match.start()))
        previous_end = match.end()
    return found


def mentions(sentence: Sentence) -> list[tuple[str, int]]:
    return mentions_in_text(sentence.text)


NATIONAL_STANDARD = re.compile(r"(?:国家|行业)标准|\b(?:GB|[A-Z]{2})(?:/[TZ])?\s*\d+(?:\.\d+)?\s*[—-]\s*\d{4}")
"""A national or industry standard (GB/T 1234—2024, YD/T …, 行业标准): issued by central organs, so about 全国."""

LEVEL_DEPTH = {"national": 0, "province": 1, "city": 2, "district": 3}


def document_region(doc: SegmentedDocument) -> str:
    """The region a document is about: the most specific region its metadata, issuer and title agree on.

    A portal's region (meta.region) is often the province while the page is about one of its
    cities or new areas (湖南湘江新区…); a more specific region named by the issuer or title that lies
    inside the portal's region wins, so that its chains never overwrite the province's row.  Without
    metadata, the first lines decide; a national standard is 全国."""
    region = canonical_region(doc.meta.region)
    for text in (doc.meta.issuer, doc.meta.title):
        for name, _ in mentions_in_text(text):
            if not region or _is_within(name, region) and _depth(name) > _depth(region):
                region = name
    if region:
        return region
    opening = [s for s in doc.sentences[:4] if s.locator.startswith("p")]
    for sentence in opening:
        if found := mentions(sentence):
            return found[0][0]
    return "全国" if any(NATIONAL_STANDARD.search(s.text) for s in opening) else ""


def _region(name: str) -> Region | None:
    return _regions_by_name().get(name) or load_lexicon().region_by_alias().get(name)


def _depth(name: str) -> int:
    region = _region(name)
    return LEVEL_DEPTH.get(region.level, 0) if region else 0


def _is_within(name: str, ancestor: str) -> bool:
    """``name`` is ``ancestor`` or lies inside it (district → city → province)."""
    seen: set[str] = set()
    while name and name not in seen:
        if name == ancestor:
            return True
        seen.add(name)
        region = _region(name)
        name = full_name(region.parent) if region and region.parent else ""
    return False


def sentence_regions(doc: SegmentedDocument, default: str) -> dict[int, str]:
    """Region of every sentence index (see module docstring); table rows keep the document's region."""
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
            switch = _block_switch(sentence)
            if switch:
                block, block_scope = switch
            elif SECTION_HEADING.match(sentence.text):
                block, block_scope = default, ""
        regions[sentence.index] = block
    return regions


def _block_switch(sentence: Sentence) -> tuple[str, str] | None:
    """(region, scope) when this paragraph-opening sentence starts a region block."""
    found = mentions(sentence)
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


def opens_with_region_label(text: str) -> bool:
    """The text opens with a region name used as a row label: alone, or followed by a space or colon
    (“浙江 “九个一”机制”, “天津市：…”), as flattened comparison tables lay rows out."""
    label = region_label(text)
    return label is not None and (not label[1].strip() or bool(LABEL_AFTER_REGION.match(label[1])))


def region_label(text: str) -> tuple[str, str] | None:
    """(full region name, the text after it) when ``text`` opens with a region name, else None."""
    body = strip_marker(text)
    found = mentions_in_text(body)
    if not found or found[0][1] != 0:
        return None
    return found[0][0], _after_region_name(body)


def _after_region_name(body: str) -> str:
    """Text after the region name that opens ``body`` (longest alias that matches)."""
    aliases = sorted((alias for alias in load_lexicon().region_by_alias() if body.startswith(alias)), key=len)
    rest = body[len(aliases[-1]):] if aliases else body
    district = next((a for a in sorted(load_lexicon().region_by_alias(), key=len, reverse=True)
                     if rest.startswith(a) and len(a) > 1), "")
    return rest[len(district):]
