"""揭榜挂帅: 榜单 items and document-level facts.

Items come from tables whose header names the item column (项目名称 / 榜单名称 /
技术需求 …) and from numbered items whose body labels the fields
(发榜方：…；支持金额：…；揭榜期限：…).  Facts are stated counts of demands or
榜单 ("首批发布技术攻关类需求83项") and the government's funding share
("总投入的20%~30%", "不超过总投入的25%").  Nothing is read unless the document is about the
mechanism (揭榜 / 榜单 / 发榜 / 张榜).
"""

from __future__ import annotations

import re

from pipeline.models import DocumentFact, Evidence, OpenCompetitionItem, SegmentedDocument, Sentence
from pipeline.extract import tables
from pipeline.extract.text import NUMERAL, cn_number, heading_of, item_marker, strip_marker, to_wan

MODE = "open_competition"
CUE = re.compile(r"揭榜|榜单|发榜|张榜|悬赏")
ITEM_TABLE = {
    "issuer": re.compile(r"发榜方|发榜单位|需求单位|需求方|需求企业|发布单位|张榜单位|出榜单位|榜单发布"),
    "funding": re.compile(r"金额|经费|资金|额度|资助|奖励|悬赏|投入"),
    "deadline": re.compile(r"截止|期限|时限|周期|完成时间|实施期"),
    "requirement": re.compile(r"需求内容|需求描述|攻关需求|主要内容|研究内容|技术要求|技术指标|考核指标|攻关目标|攻关内容|^内容$|指标|需求$"),
    "title": re.compile(r"项目名称|榜单名称|需求名称|任务名称|技术需求|攻关方向|攻关任务|榜单|^项目$|^名称$|难题"),
}
FIELD_LABELS = {
    "issuer": r"发榜方|发榜单位|需求单位|需求方|需求企业|发布单位|张榜单位|出榜单位",
    "requirement": r"需求内容|需求描述|主要内容|研究内容|技术要求|技术指标|考核指标|攻关目标|攻关内容|榜单需求|需求",
    "funding": r"支持金额|资助金额|支持经费|支持资金|财政支持|悬赏金额|榜金|资金额度|经费|金额|额度",
    "deadline": r"揭榜截止时间|揭榜截止日期|揭榜截止|截止时间|截止日期|揭榜期限|完成时限|实施周期|研发周期|攻关周期|实施期限|截止|期限|周期",
}
TITLE_PREFIX = re.compile(r"^(?:榜单|项目|需求|任务)\s*[\d一二三四五六七八九十]*\s*[：:、.．]?\s*")
NUMBERED_ITEM = re.compile(r"^(?:榜单|项目|需求|任务)\s*[\d一二三四五六七八九十]+\s*[：:、.．]")
"""榜单一、… / 项目2：… — 榜单 items numbered by their own label."""
BATCH = r"(?:首批|第[一二三四五六七八九十\d]+批|本批|今年|共)"
DEMAND_NOUN = r"(?:需求|榜单|项目|任务|难题)"
DEMAND_VERB = r"(?:发布|征集|形成|梳理|凝练|张榜|发榜|公布|遴选)"
DEMAND_COUNTS = (
    re.compile(rf"{BATCH}?[^，。；,]{{0,16}}?{DEMAND_VERB}[^，。；,]{{0,16}}?{DEMAND_NOUN}[^，。；,]{{0,6}}?"
               rf"(?P<count>{NUMERAL})\s*(?:项|个|条|批)"),  # 首批发布技术攻关类需求83项
    re.compile(rf"(?:首批|第[一二三四五六七八九十\d]+批|本批)[^，。；,]{{0,16}}?(?:需求|榜单|难题)[^，。；,]{{0,6}}?"
               rf"(?P<count>{NUMERAL})\s*(?:项|个|条)"),  # 首批企业技术需求62项
    re.compile(rf"{DEMAND_VERB}[^，。；,\d]{{0,10}}?(?P<count>{NUMERAL})\s*(?:项|个|条)[^，。；,]{{0,10}}?{DEMAND_NOUN}"),  # 发布了15项榜单
)
"""Stated numbers of demands or 榜单: a batch word or a publishing verb, the demand noun, the count."""
SHARE_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*%?\s*[~～至到—–\-]{1,2}\s*(\d+(?:\.\d+)?)\s*%")
SHARE_CAP = re.compile(r"(不超过|不高于|最高不超过|最多不超过|原则上不超过)[^，。；,%]{0,16}?(?:的)?(\d+(?:\.\d+)?\s*%)")
"""不超过项目总投入的25% → 不超过25%: a cap on the government's share, reported with its cap word."""
SHARE_BASE = re.compile(r"总投入|总投资|投入|投资|经费|研发费用|费用|成本")
DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
LABELLED_LINE = re.compile(r"^[^：:，。；]{2,10}[：:]")
SHARE_CONTEXT = re.compile(r"政府|财政|资助|补助|补贴|支持|奖励|给予")


def is_open_competition(doc: SegmentedDocument) -> bool:
    return any(CUE.search(s.text) for s in doc.sentences)


def extract_open_competition(doc: SegmentedDocument, region: str
                             ) -> tuple[list[OpenCompetitionItem], list[DocumentFact]]:
    if not is_open_competition(doc):
        return [], []
    items = _table_items(doc, region) + _listed_items(doc, region)
    return items, _facts(doc)


def _table_items(doc: SegmentedDocument, region: str) -> list[OpenCompetitionItem]:
    items = []
    for record in tables.records(doc, ITEM_TABLE, required=("title",)):
        title = record.get("title")
        if not title or re.fullmatch(r"[\d\s]+", title):
            continue
        items.append(OpenCompetitionItem(
            title=title, issuer=record.get("issuer"), requirement=record.get("requirement"),
            funding_wan=to_wan(record.get("funding")) if record.get("funding") else None,
            deadline=iso_date(record.get("deadline")), region=region, doc_id=doc.doc_id, evidence=record.cells["title"].evidence))
    return items


def iso_date(text: str) -> str:
    """A deadline as ISO date when it is one (2022年5月31日 → 2022-05-31), else as written."""
    match = DATE.search(text)
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}" if match else text.strip()


def _listed_items(doc: SegmentedDocument, region: str) -> list[OpenCompetitionItem]:
    """Numbered items whose body labels at least an issuer or an amount (发榜方：… / 榜单金额：…)."""
    items = []
    for block in _item_blocks(doc):
        first = block[0]
        text = "；".join(s.text for s in block)
        fields = {name: _labelled(text, labels) for name, labels in FIELD_LABELS.items()}
        if not (fields["issuer"] or fields["funding"]):
            continue
        heading = heading_of(NUMBERED_ITEM.sub("", first.text))
        title = TITLE_PREFIX.sub("", heading) if not re.match(rf"^(?:{FIELD_LABELS['issuer']})", heading) else ""
        if not title:
            continue
        items.append(OpenCompetitionItem(
            title=title, issuer=fields["issuer"], requirement=fields["requirement"],
            funding_wan=to_wan(fields["funding"]) if fields["funding"] else None, deadline=iso_date(fields["deadline"]),
            region=region, doc_id=doc.doc_id,
            evidence=Evidence(doc.doc_id, strip_marker(text)[:300], first.index, first.locator)))
    return items


def _labelled(text: str, labels: str) -> str:
    match = re.search(rf"(?:{labels})\s*(?:为|是|：|:)\s*([^；;。\n]+)", text)
    return match.group(1).strip(" ，,") if match else ""


def _item_blocks(doc: SegmentedDocument) -> list[list[Sentence]]:
    """Numbered items with their body: the item's paragraph plus following labelled lines
    (发榜方：… on lines of their own, as text attachments and PDFs lay them out)."""
    blocks: list[list[Sentence]] = []
    open_block = False
    previous = None
    for sentence in (s for s in doc.sentences if s.locator.startswith("p")):
        new_paragraph = previous is None or (sentence.part, sentence.locator) != previous
        previous = (sentence.part, sentence.locator)
        if new_paragraph and (item_marker(sentence.text) or NUMBERED_ITEM.match(sentence.text)):
            blocks.append([sentence])
            open_block = True
        elif open_block and (not new_paragraph or LABELLED_LINE.match(sentence.text)):
            blocks[-1].append(sentence)
        else:
            open_block = False
    return blocks


def _facts(doc: SegmentedDocument) -> list[DocumentFact]:
    """demand_count: the stated number (the phrase is the evidence); funding_share: the government's
    share of a project's cost as written — a range (20%—30%) or a cap (不超过25%) — only in a sentence
    about funding that names what the share is of (总投入, 经费 …)."""
    facts = []
    for sentence in doc.sentences:
        evidence = Evidence(doc.doc_id, sentence.text, sentence.index, sentence.locator)
        counts = {m.start(): m.group("count") for pattern in DEMAND_COUNTS for m in pattern.finditer(sentence.text)}
        for count in dict.fromkeys(counts.values()):
            facts.append(DocumentFact(MODE, "demand_count", str(cn_number(count) or count), doc.doc_id, evidence))
        if SHARE_CONTEXT.search(sentence.text) and SHARE_BASE.search(sentence.text):
            for share in funding_shares(sentence.text):
                facts.append(DocumentFact(MODE, "funding_share", share, doc.doc_id, evidence))
    return facts


def funding_shares(text: str) -> list[str]:
    """Shares stated in a sentence, as written: ranges (20%—30%) and caps (不超过25%), in reading order."""
    ranges = [(m.start(), m.group(0)) for m in SHARE_RANGE.finditer(text)]
    caps = [(m.start(), m.group(1) + m.group(2)) for m in SHARE_CAP.finditer(text)
            if not any(start <= m.end(2) and m.start(2) <= start + len(written) for start, written in ranges)]
    return [written for _, written in sorted(ranges + caps)]
