"""新型举国体制: major national projects and the participation figures stated for them.

A project is recognised by name (aliases map to one canonical name: 大飞机 and
国产大型客机 are C919).  Figures — provinces, organisations, people — are read
from a sentence that names the project ("全国有24个省市、超过1000家企事业单位，
30万人参与大飞机技术攻关").  Names are only kept in documents about the
national-system mode (举国体制, 集中力量办大事, 国家重大工程/专项) or when figures
are stated, since 北斗 alone is also a consumer technology.
"""

from __future__ import annotations

import re

from pipeline.models import Evidence, NationalProject, SegmentedDocument

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

CUE = re.compile(r"举国体制|集中力量办大事|国家重大(?:科技)?(?:工程|专项|项目)|重大科技专项|大国重器")
PROVINCES = re.compile(r"(\d+)\s*个(?:省|省份|省市|省区市|省（区、市）|省、自治区、直辖市)")
ORGANISATIONS = re.compile(r"(\d+)\s*(?:余|多)?\s*家[^，。；、\d]{0,8}?(?:企事业单位|单位|企业|科研院所|高校|院所|机构)")
"""96家单位, 96家优势科研单位, 200余家高校: a few qualifying words may sit between 家 and the noun."""
PEOPLE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:余|多)?\s*(万|千)?\s*(?:余|多)?\s*(?:人|名)(?!民|才)")
NAME_SUFFIX = re.compile(r"^(?:重大专项|专项|系统工程|重大工程|工程|项目|计划|任务)")


def _alias_pattern() -> re.Pattern[str]:
    aliases = sorted(((alias, name) for name, names in PROJECTS.items() for alias in names), key=lambda a: -len(a[0]))
    return re.compile("|".join(re.escape(alias) for alias, _ in aliases))


ALIASES = {alias: name for name, names in PROJECTS.items() for alias in names}
PROJECT_NAMES = _alias_pattern()


def extract_projects(doc: SegmentedDocument) -> list[NationalProject]:
    """Projects named in the document, each with the figures stated for it (see module docstring)."""
    in_mode = any(CUE.search(s.text) for s in doc.sentences)
    projects: dict[str, NationalProject] = {}
    for position, sentence in enumerate(doc.sentences):
        named = {ALIASES[m.group(0)]: _as_written(sentence.text, m) for m in PROJECT_NAMES.finditer(sentence.text)}
        if not named:
            continue
        text = sentence.text + "".join(s.text for s in _continuation(doc.sentences, position)) if len(named) == 1 \
            else sentence.text
        figures = participation(text) if len(named) == 1 else _figures_per_project(text, named)
        evidence = Evidence(doc.doc_id, sentence.text, sentence.index, sentence.locator)
        for key, written in named.items():
            stated = figures if len(named) == 1 else figures.get(key, {})
            known = projects.get(key)
            if _has_figures(stated) and (known is None or not _has_figures(vars(known))):
                projects[key] = NationalProject(written, doc_id=doc.doc_id, evidence=evidence, **stated)
            elif known is None and in_mode:
                projects[key] = NationalProject(written, doc_id=doc.doc_id, evidence=evidence)
    return list(projects.values())


def _continuation(sentences, position: int) -> list:
    """The next sentence of the same paragraph when it names no project: figures are often stated one
    sentence after the name (“C919大型客机研制成功。该项目汇聚了…18个省…的96家单位…”)."""
    current = sentences[position]
    following = sentences[position + 1:position + 2]
    return [s for s in following if s.locator == current.locator and s.part == current.part
            and not PROJECT_NAMES.search(s.text)]


def _as_written(text: str, match: re.Match[str]) -> str:
    """The project's name as the document writes it, with a following 专项/工程 (大型客机专项)."""
    suffix = NAME_SUFFIX.match(text[match.end():])
    return match.group(0) + (suffix.group(0) if suffix else "")


def _figures_per_project(text: str, named: dict[str, str]) -> dict[str, dict[str, int | None]]:
    """Several projects in one sentence: each gets the figures stated between its name and the next."""
    starts = sorted((text.find(written), key) for key, written in named.items())
    bounds = [s for s, _ in starts[1:]] + [len(text)]
    return {key: participation(text[start:end]) for (start, key), end in zip(starts, bounds)}


def _has_figures(values: dict) -> bool:
    return any(values.get(key) is not None for key in ("provinces", "organisations", "people"))


def participation(text: str) -> dict[str, int | None]:
    """Participation figures stated in a sentence: 省市数, 企事业单位数, 人数 (30万人 → 300000)."""
    provinces = PROVINCES.search(text)
    organisations = ORGANISATIONS.search(text)
    people = PEOPLE.search(text)
    scale = {"万": 10000, "千": 1000}.get(people.group(2), 1) if people else 1
    return {"provinces": int(provinces.group(1)) if provinces else None,
            "organisations": int(organisations.group(1)) if organisations else None,
            "people": int(float(people.group(1)) * scale) if people else None}
