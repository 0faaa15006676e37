"""新型举国体制: major national projects and the participation figures stated for them.

A project is recognised in two ways.  Well-known projects are found by name
(aliases map to one canonical name: 大飞机 and 国产大型客机 are C919).  Any
other project is a name ending in 工程/专项/任务/计划 (高端通用芯片专项,
某重大科技任务) — kept only when participation figures are stated for it, since
such words are also everyday nouns (工作计划, 年度任务).

Figures — provinces, organisations, people — are read from the sentence that
names the project ("全国有24个省市、超过1000家企事业单位，30万人参与大飞机技术
攻关"); when several projects share one sentence, each gets the figures between
its name and the next.  A sentence that states figures without naming a project
(“该工程汇聚了…”, "参与单位达230余家") belongs to the project named last, within
a few sentences: documents name a project in a heading or one sentence and give
its figures in the next.  Qualifiers (余/近/超过/逾) are dropped and 万 is
scaled: 1.6万余名 → 16000.  Projects without figures are only kept in documents
about the national-system mode (举国体制, 集中力量办大事, 国家重大工程/专项),
since 北斗 alone is also a consumer technology.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.models import Evidence, NationalProject, SegmentedDocument, Sentence
from pipeline.extract.text import cn_number
from pipeline.vocabulary import MODE_CUES

PROJECTS: dict[str, tuple[str, ...]] = {
    "C919": ("C919", "国产大型客机", "大型客机", "国产大飞机", "大飞机"),
    "ARJ21": ("ARJ21",),
    "运-20": ("运-20", "运20"),
    "两弹一星": ("两弹一星",),
    "核潜艇": ("核潜艇",),
    "北斗": ("北斗卫星导航系统", "北斗导航", "北斗系统", "北斗工程", "北斗"),
    "载人航天": ("载人航天工程", "载人航天", "神舟"),
    "探月工程": ("探月工程", "嫦娥工程", "探月探火", "嫦娥", "探月"),
    "中国空间站": ("中国空间站", "天宫空间站", "空间站"),
    "天问": ("天问一号", "火星探测"),
    "中国天眼": ("中国天眼", "FAST"),
    "蛟龙号": ("蛟龙号",),
    "奋斗者号": ("奋斗者号",),
    "三峡工程": ("三峡工程",),
    "南水北调": ("南水北调",),
    "西气东输": ("西气东输",),
    "港珠澳大桥": ("港珠澳大桥",),
    "复兴号": ("复兴号",),
    "墨子号": ("墨子号",),
}
"""Vocabulary of well-known national projects (not answers for any document); extend freely."""

CUE = re.compile("|".join(sorted(map(re.escape, (*MODE_CUES["national_system"].strong,
                                                  *MODE_CUES["national_system"].contextual)), key=len, reverse=True)))
"""The document is about the mode: a strong or contextual cue of the shared vocabulary (举国体制, 科技重大专项 …)."""
NAME_SUFFIX = re.compile(r"^(?:重大专项|专项|系统工程|重大工程|工程|项目|计划|任务)")

NAME_HEAD = re.compile(r"重大科技专项|科技重大专项|重大专项|专项|工程|任务|计划")
"""The nouns that end a project's name when it is not in the vocabulary."""
NAME_BREAK = re.compile(r"[^\w\-]|[的了在对于从自将把由以为是和与及等其]|实施|开展|组织|推进|启动|参与|参加|承担|完成|依托|"
                        r"通过|围绕|回顾|聚焦|攻克|牵头|制定|编制|落实|加强|做好|按照|根据|要|各|我国|我省|我市|全国|"
                        r"国家(?=重大|重点)|国家$")
"""Where a name written before its head noun starts: after punctuation, a function word or a verb
(“我国实施的载人航天工程” → 载人航天工程)."""
GENERIC_BODY = re.compile(r"^(?:重大|重点|科技|关键|核心|技术|攻关|示范|试点|建设|研发|系统|这一?|该|此项?|本|各|上述|相关|有关|"
                          r"一批|多个|若干|多项|各类|年度|工作|行动|人才|专项|国家)*$")
"""Bodies that make a category, not a name (重大科技专项, 年度工作计划); 某重大科技任务 is a name (anonymised)."""
ANAPHOR = re.compile(r"该(?:工程|专项|项目|任务|计划|系统|机型)|这一?(?:工程|专项|项目|任务|计划)|此项?(?:工程|专项|任务)")
"""A reference to the project named last (该工程汇聚了…)."""
WINDOW = 3
"""Sentences after a project's last mention in which unattributed figures still belong to it."""

QUANTITY = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*(万|千)?\s*(?:余|多)?\s*"
"""A number with its qualifiers (1.6万余, 230余, 近4000 — 近/超过/逾 stand before it and are ignored)."""
PROVINCES = re.compile(rf"{QUANTITY}个(?:省|省份|省市|省区市|省（区、市）|省、自治区、直辖市)")
ORGANISATIONS = re.compile(rf"{QUANTITY}家[^，。；、\d]{{0,8}}?(?:企事业单位|单位|企业|科研院所|高校|院所|机构)")
"""96家单位, 96家优势科研单位, 200余家高校: a few qualifying words may sit between 家 and the noun."""
PEOPLE = re.compile(rf"{QUANTITY}(?:人|名)(?!民|才|次|选)")
FIGURES = ("provinces", "organisations", "people")
JOINING = re.compile(r"参与|参加|汇聚|汇集|集聚|聚集|组织|调集|动员|带动|协同|协作|联合|攻关|研制|参研|参建|投身")
"""Participation is stated with a verb of taking part; "落实12个省的交流任务" states none."""


@dataclass(frozen=True)
class Mention:
    key: str  # canonical project (vocabulary name, or the name as written for other projects)
    written: str
    start: int
    known: bool  # in the vocabulary


@dataclass
class _Project:
    """A project while the document is read: its name as written and the figures found so far."""

    written: str
    known: bool
    evidence: Evidence
    figures: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(FIGURES))

    def has_figures(self) -> bool:
        return _has_figures(self.figures)

    def take(self, figures: dict[str, int | None], written: str, evidence: Evidence) -> None:
        """Fill the figures still missing; the mention that brings the first figures names the project."""
        if not _has_figures(figures):
            return
        if not self.has_figures():
            self.written, self.evidence = written, evidence
        for name, value in figures.items():
            if self.figures[name] is None:
                self.figures[name] = value


def _alias_pattern() -> re.Pattern[str]:
    aliases = sorted(((alias, name) for name, names in PROJECTS.items() for alias in names), key=lambda a: -len(a[0]))
    return re.compile("|".join(re.escape(alias) for alias, _ in aliases))


ALIASES = {alias: name for name, names in PROJECTS.items() for alias in names}
PROJECT_NAMES = _alias_pattern()


def extract_projects(doc: SegmentedDocument) -> list[NationalProject]:
    """Projects named in the document, each with the figures stated for it (see module docstring)."""
    in_mode = any(CUE.search(s.text) for s in doc.sentences)
    projects: dict[str, _Project] = {}
    last: tuple[Mention, int] | None = None  # the project named last and the position of that sentence
    for position, sentence in enumerate(doc.sentences):
        evidence = Evidence(doc.doc_id, sentence.text, sentence.index, sentence.locator)
        mentions = project_mentions(sentence.text)
        for mention in mentions:
            projects.setdefault(mention.key, _Project(mention.written, mention.known, evidence))
        recent = _recent(last, position, sentence)
        for mention, figures in _attributed_figures(sentence.text, mentions, recent):
            projects[mention.key].take(figures, mention.written, evidence)
        if mentions:
            last = (mentions[-1], position)
    return [NationalProject(p.written, doc_id=doc.doc_id, evidence=p.evidence, **p.figures)
            for p in projects.values() if p.has_figures() or (p.known and in_mode)]


def _attributed_figures(text: str, mentions: list[Mention], recent: Mention | None
                        ) -> list[tuple[Mention, dict[str, int | None]]]:
    """The figures a sentence states and whose they are: the project it names, each of several
    projects it names, or else the project named just before.  Numbers of provinces or units without
    anyone taking part (落实12个省的交流任务) are no participation figures."""
    if not JOINING.search(text):
        return []
    if len(mentions) > 1:
        return _figures_per_mention(text, mentions)
    mention = mentions[0] if mentions else recent
    return [(mention, participation(text))] if mention else []


def _recent(last: tuple[Mention, int] | None, position: int, sentence: Sentence) -> Mention | None:
    """The project named last, when this sentence refers to it (该工程…) or follows within WINDOW sentences."""
    if last is None:
        return None
    mention, seen_at = last
    return mention if ANAPHOR.search(sentence.text) or position - seen_at <= WINDOW else None


def project_mentions(text: str) -> list[Mention]:
    """Projects a sentence names, in reading order: vocabulary names first, then other names ending
    in 工程/专项/任务/计划 that do not overlap them."""
    mentions = [Mention(ALIASES[m.group(0)], _as_written(text, m), m.start(), True) for m in PROJECT_NAMES.finditer(text)]
    taken = [(m.start, m.start + len(m.written)) for m in mentions]
    for head in NAME_HEAD.finditer(text):
        name = _name_before(text[:head.start()], head.group(0))
        start = head.end() - len(name)
        if name and not any(s < head.end() and start < e for s, e in taken):
            mentions.append(Mention(name, name, start, False))
            taken.append((start, head.end()))
    return _one_per_project(sorted(mentions, key=lambda m: m.start))


def _one_per_project(mentions: list[Mention]) -> list[Mention]:
    """Two aliases of one project in a sentence (C919大型客机) are one mention: the later form is kept."""
    kept: dict[str, Mention] = {}
    for mention in mentions:
        kept.pop(mention.key, None)
        kept[mention.key] = mention
    return sorted(kept.values(), key=lambda m: m.start)


def _name_before(before: str, head: str) -> str:
    """The project name that ends in ``head`` after the text ``before`` it, '' when it is a category."""
    body = before[max((m.end() for m in NAME_BREAK.finditer(before)), default=0):]
    name = body + head
    if len(name) > 16:
        return ""
    return name if body.startswith("某") or (len(body) >= 2 and not GENERIC_BODY.match(body)) else ""


def _as_written(text: str, match: re.Match[str]) -> str:
    """The project's name as the document writes it, with a following 专项/工程 (大型客机专项)."""
    suffix = NAME_SUFFIX.match(text[match.end():])
    return match.group(0) + (suffix.group(0) if suffix else "")


def _figures_per_mention(text: str, mentions: list[Mention]) -> list[tuple[Mention, dict[str, int | None]]]:
    """Several projects in one sentence: each gets the figures stated between its name and the next —
    or, when the names come first and the figures follow together (“A、B分别带动了22个省…和15个省…”),
    the n-th figure of each kind goes to the n-th project."""
    bounds = [m.start for m in mentions[1:]] + [len(text)]
    spans = [text[m.start:end] for m, end in zip(mentions, bounds)]
    if any(_has_figures(participation(span)) for span in spans[:-1]):
        return [(m, participation(span)) for m, span in zip(mentions, spans)]
    return [(m, participation(text[mentions[-1].start:], nth=n)) for n, m in enumerate(mentions)]


def _has_figures(figures: dict[str, int | None]) -> bool:
    return any(v is not None for v in figures.values())


def participation(text: str, nth: int = 0) -> dict[str, int | None]:
    """Participation figures stated in a sentence (the ``nth`` of each kind): 省市数, 企事业单位数, 人数 (1.2万名 → 12000)."""
    def nth_match(pattern: re.Pattern[str]) -> re.Match[str] | None:
        matches = list(pattern.finditer(text))
        return matches[nth] if nth < len(matches) else None

    return {name: _quantity(nth_match(pattern)) for name, pattern in zip(FIGURES, (PROVINCES, ORGANISATIONS, PEOPLE))}


def _quantity(match: re.Match[str] | None) -> int | None:
    if not match:
        return None
    number = float(match.group(1)) if match.group(1)[0].isdigit() else cn_number(match.group(1))
    if number is None:
        return None
    return round(number * {"万": 10000, "千": 1000}.get(match.group(2) or "", 1))
