"""The cue terms of the three modes and their roles: one list that segmentation, rules, extraction and exports share.

Why one module: the same words decide token boundaries (segment), label
sentences (classify/extract) and are counted in mentions.csv (export); kept
apart they drift, and a researcher could not say which words a table means.
The header words of comparison tables are here for the same reason: parsing reads such a table back from
flattened PDF lines and extraction reads its rows, and both must know the same columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ModeCues:
    """The words of one mode, by how much they say on their own (the classifier's rules read them this way).

    ``strong`` names the mechanism and carries the mode by itself; ``contextual`` does only beside a policy
    action (揭榜 alone is also a word for taking up any challenge); ``weak`` never decides but marks a sentence
    worth reading: a mechanism's working vocabulary that other schemes use too (一链一策 is also a plain
    work method without any 链长) and the look-alikes the classifier must learn to tell apart."""

    strong: tuple[str, ...]
    contextual: tuple[str, ...]
    weak: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.strong, *self.contextual, *self.weak)


MODE_CUES: dict[str, ModeCues] = {
    "national_system": ModeCues(
        strong=("新型举国体制", "举国体制", "集中力量办大事", "两弹一星", "举全国之力"),
        contextual=("科技重大专项", "重大科技专项", "国家重大专项", "重大科技项目", "科技创新重大项目", "国家重大工程",
                    "重大科技工程", "大型飞机", "C919", "两机专项"),
        weak=("大飞机", "载人航天", "探月", "北斗", "重大专项", "重大工程", "举国")),
    "chain_leader": ModeCues(
        strong=("链长制", "总链长", "副总链长", "链长办", "链主企业", "链主"),
        contextual=("链长",),
        weak=("一链一策", "产业链长", "河长", "湖长", "林长")),
    "open_competition": ModeCues(
        strong=("揭榜挂帅", "揭榜制", "揭榜攻关", "发榜方", "揭榜方", "张榜招贤"),
        contextual=("揭榜", "发榜", "张榜", "需求榜单", "技术榜单", "攻关榜单", "榜单任务", "榜单项目", "赛马制"),
        weak=("榜单", "挂帅", "赛马")),
}
"""Per mode (in pipeline.models.MODES order), the cue words of the classifier's sentence rules."""

ROLE_TERMS: tuple[str, ...] = (
    "总链长", "副总链长", "链长", "副链长", "分链长", "链主", "链主企业", "链主单位", "链长办", "链长办公室", "链长制办公室",
    "链长制工作办公室", "工作专班", "牵头单位", "牵头部门", "发榜方", "揭榜方", "需求单位", "总河长", "河长")
"""Roles named in schemes, with the longer forms texts write them in (链长制工作办公室 is the 链长办); 河长 kept so
that river-chief notices are recognised, and kept out."""

OFFICIAL_TITLE_TAIL = re.compile(r"(?:书记|省长|市长|县长|区长|主任|厅长|局长|部长|主席|领导|同志|负责人|干部|委员)$")
"""How the name of an office or of a person's post ends (副厅长, 市委书记, 分管负责人): what holds a role, never
what an industrial chain is called; the extractor's candidate features and chain-name check read it."""

MODE_TERMS: tuple[str, ...] = (
    "链长制", "揭榜挂帅", "新型举国体制", "举国体制", "集中力量办大事", "张榜", "发榜", "揭榜", "榜单",
    "河长制", "湖长制", "林长制")
"""Names of mechanisms, including the look-alike 河长制/湖长制/林长制 the classifier must tell apart."""

KEY_TERMS: dict[str, tuple[str, ...]] = {
    "national_system": ("新型举国体制", "举国体制", "集中力量办大事"),
    "chain_leader": ("链长制", "总链长", "链长", "链主", "链主企业"),
    "open_competition": ("揭榜挂帅", "揭榜", "发榜", "张榜", "榜单"),
}
"""Per mode, the terms whose every occurrence mentions.csv lists (keyword in context)."""


def segmenter_words() -> tuple[str, ...]:
    """The terms the segmenter must keep whole: roles, mechanism names and the strong and contextual cues (a
    term added to them is one token everywhere).  Weak cues are left out: 产业链长 as one word would hide the
    链长 in 某产业链长由…担任."""
    terms = (*ROLE_TERMS, *MODE_TERMS, *(t for cues in MODE_CUES.values() for t in (*cues.strong, *cues.contextual)),
             *(t for terms in KEY_TERMS.values() for t in terms))
    return tuple(dict.fromkeys(terms))


COMPARISON_TABLE: Mapping[str, re.Pattern[str]] = {
    "region": re.compile(r"省份|省市|地区|地市|城市|区域|省（区、市）|^省$|^市$|^区$"),
    "concept": re.compile(r"理念|概念|名称|特色|口号|提法"),
    "model": re.compile(r"模式|机制|做法|架构|内容"),
    "key_chains": re.compile(r"产业链|产业集群|重点产业|方向|领域"),
}
"""Header synonyms of a comparison table with one region per row (地区｜发展理念｜发展模式｜重点产业链方向);
shared by the reader of parsed tables (:mod:`pipeline.extract.tables`, used by the chain-leader extractor) and by
:mod:`pipeline.parse.flat_table`, which reads such a table back from flattened PDF lines."""
