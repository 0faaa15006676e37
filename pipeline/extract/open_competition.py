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
from pipeline.extract.text import cn_number, heading_of, to_wan
from pipeline.textshape import NUMERAL, item_marker, strip_marker
from pipeline.vocabulary import MODE_CUES

MODE = "open_competition"
CUE = re.compile("|".join(sorted(map(re.escape, {*MODE_CUES[MODE].all} - {"挂帅", "赛马"}), key=len, reverse=True)))
"""The document may list 榜单 items: any cue of the shared vocabulary (揭榜, 榜单, 发榜 …) except the two
words other prose uses in passing (挂帅 a leader, 赛马 a horse race)."""
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
COLLECT_VERB = r"(?:征集|梳理|收集|汇总|申报)"
DEMAND_VERB = rf"(?:发布|形成|凝练|张榜|发榜|公布|遴选|确定|{COLLECT_VERB})"
DEMAND_COUNTS = (
    re.compile(rf"{BATCH}?[^，。；,]{{0,16}}?{DEMAND_VERB}[^，。；,]{{0,16}}?{DEMAND_NOUN}[^，。；,]{{0,6}}?"
               rf"(?P<count>{NUMERAL})\s*(?:项|个|条|批)"),  # 首批发布技术攻关类需求83项
    re.compile(rf"(?:首批|第[一二三四五六七八九十\d]+批|本批)[^，。；,]{{0,16}}?(?:需求|榜单|难题)[^，。；,]{{0,6}}?"
               rf"(?P<count>{NUMERAL})\s*(?:项|个|条)"),  # 首批企业技术需求62项
    re.compile(rf"{DEMAND_VERB}[^，。；,\d]{{0,10}}?(?P<count>{NUMERAL})\s*(?:项|个|条)[^，。；,]{{0,10}}?{DEMAND_NOUN}"),  # 发布了15项榜单
)
"""Stated numbers of demands or 榜单: a batch word or a publishing verb, the demand noun, the count.
A count of collected demands (征集到…需求120项) is only a fact when the sentence publishes no 榜单 count
(…经论证形成榜单36项): the published list is what the document reports."""
SHARE_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*%?\s*[~～至到—–\-]{1,2}\s*(\d+(?:\.\d+)?)\s*%")
SHARE_CAP = re.compile(r"(?:不超过|不高于|最高不超过|最多不超过|原则上不超过|最高|最多|上限为?)[^，。；,%]{0,16}?(?:的)?(\d+(?:\.\d+)?\s*%)")
"""不超过项目总投入的25%, 最高40%的配套 → 不超过25%, 不超过40%: a cap on the government's share."""
SHARE_BASE = re.compile(r"总投入|总投资|投入|投资|经费|研发费用|费用|成本|比例|配套")
SHARE_SINGLE = re.compile(rf"(?:{SHARE_BASE.pattern})(?:的|为|达)?\s*(\d+(?:\.\d+)?\s*%)")
"""按项目研发投入的20%给予补助 → 20%: one share stated right after what it is a share of."""
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
    share of a project's cost as written — a range (20%—30%), a cap (不超过25%) or one share (20%) — only
    in a sentence about funding that names what the share is of (总投入, 经费, 比例 …)."""
    facts = []
    for sentence in doc.sentences:
        evidence = Evidence(doc.doc_id, sentence.text, sentence.index, sentence.locator)
        for count in demand_counts(sentence.text):
            facts.append(DocumentFact(MODE, "demand_count", count, doc.doc_id, evidence))
        if SHARE_CONTEXT.search(sentence.text) and SHARE_BASE.search(sentence.text):
            for share in funding_shares(sentence.text):
                facts.append(DocumentFact(MODE, "funding_share", share, doc.doc_id, evidence))
    return facts


def demand_counts(text: str) -> list[str]:
    """Demand/榜单 counts stated in a sentence, collected counts dropped when a published one is stated."""
    found = {m.start(): m for pattern in DEMAND_COUNTS for m in pattern.finditer(text)}
    published = [m for m in found.values() if not re.search(COLLECT_VERB, m.group(0))]
    kept = published or list(found.values())
    return list(dict.fromkeys(str(cn_number(m.group("count")) or m.group("count"))
                              for m in sorted(kept, key=lambda m: m.start())))


def funding_shares(text: str) -> list[str]:
    """Shares stated in a sentence, in reading order: ranges as written (20%—30%), caps as 不超过N%,
    and single shares (20%) that are neither."""
    found: list[tuple[int, int, str]] = []
    for pattern, written in ((SHARE_RANGE, lambda m: m.group(0)), (SHARE_CAP, lambda m: "不超过" + m.group(1)),
                             (SHARE_SINGLE, lambda m: m.group(1))):
        for m in pattern.finditer(text):
            start, end = m.span(1) if pattern is not SHARE_RANGE else m.span()
            if not any(s <= end and start <= e for s, e, _ in found):
                found.append((start, end, re.sub(r"\s+", "", written(m))))
    return [written for _, _, written in sorted(found)]
