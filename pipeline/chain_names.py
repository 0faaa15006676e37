"""Chain names: the one normaliser, the splitting of enumerations and the industry lexicon.

Policy documents write one chain in several forms (“集成电路产业链” vs 集成电路, 重点发展绿色石化和新材料…);
every comparison of chain names — by the extractors, the merger, the scorer, and the flattened-table
reader that tells a chain cell from prose (:mod:`pipeline.parse.flat_table`) — goes through
:func:`normalise_chain` and :func:`split_chain_list` defined here, below both parse and extract, so that
they can never disagree.  Industry names come from ``corpora/lexicon/industries.txt``
(:func:`pipeline.lexicon.load_lexicon`); region names, which are not chain names, from the one
division list (:mod:`pipeline.regions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from pipeline.lexicon import load_lexicon
from pipeline.regions import find_mentions, region_words
from pipeline.textshape import NUMERAL, unique
from pipeline.vocabulary import OFFICIAL_TITLE_TAIL

PRIMARY_SEPARATORS = re.compile(r"[、，,；;／/]")
SPLITTING_CONJUNCTIONS = re.compile(r"以及|和")
"""与/及 join the halves of one name (光伏与储能, 汽车及零部件); only 和/以及 may separate two list items…"""
CLOSING_CONJUNCTIONS = re.compile(r"以及|和|及")
"""…except in the item that closes an enumeration, where a final 及 may stand for 、 (A、B及C)."""
CHAIN_SUFFIXES = re.compile(
    r"(?:(?:战略性)?(?:支柱|新兴)?(?:产业链群|产业集群|产业链条|产业链|集群|产业|链条))+$")
CHAIN_PREFIXES = re.compile(r"^(?:包括|主要有|主要是|重点|聚焦|围绕|打造|发展|培育|推动|做强|做大|壮大|提升|以及|和|及|与|其中)+")
CHAIN_NOISE = re.compile(r"[（(][^）)]*[）)]|[“”\"「」『』《》\s]|等$|等[\d一二三四五六七八九十]+[条个大项]?$"
                         r"|等?[\d一二三四五六七八九十]+[条个大项](?:重点|主导|优势|特色|标志性|战略性|新兴|支柱|先进|现代)*$")
"""Brackets, quotes, and a count after the last item (…和新型显示三条产业链, …等5条)."""


@cache
def industry_names() -> frozenset[str]:
    """Normalised industry names from corpora/lexicon/industries.txt (names that contain 与/和 stay whole)."""
    return frozenset(normalise_chain(name) for name in load_lexicon().industries)


def normalise_chain(name: str) -> str:
    """Canonical chain name: no quotes, brackets, 等…, leading verbs or 产业链/产业集群/产业 suffix; a bracket
    left open by the list around it (乘用车(新能源…) ends the name."""
    name = re.sub(r"[（(][^）)]*$", "", name.strip())
    name = re.sub(r"(?<=[\u4e00-\u9fff])\s*\d+$", "", name)  # a list's count run into its last item (轻工纺织 4 个)
    name = CHAIN_PREFIXES.sub("", CHAIN_NOISE.sub("", CHAIN_NOISE.sub("", name)))
    stripped = CHAIN_NOISE.sub("", CHAIN_SUFFIXES.sub("", name))  # the count may precede the suffix: 三条产业链
    return stripped if len(stripped) >= 2 else name


def split_chain_list(text: str) -> list[str]:
    """Chain names of an enumeration, split on 、，；and on 和/以及 only where the names say so.

    A conjunction joins two list items (…、钢铁和房地产建筑) as often as it sits
    inside one name (光伏与储能, 汽车和新能源汽车).  与/及 almost always join one
    name and never split; 和/以及 split when both halves are known industries, when
    both look like complete chain names (汽车零部件和软件信息服务), or when the item
    closes a longer list, one half is known and the halves do not share a head
    (汽车 / 新能源汽车 do).  A name the lexicon lists whole always stays whole."""
    return unique(name for _, parts in chain_list_readings(text) for name in parts)


def chain_list_readings(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each item of a chain enumeration as (the item whole, the names the splitting rule makes of it):
    (集成电路, (集成电路,)) or (绿色石化和新材料, (绿色石化, 新材料)).  Both readings are candidates;
    the extractor's scorer may keep a joined name whole where the rule would split it."""
    raw = [_without_modifier_clause(piece) for piece in PRIMARY_SEPARATORS.split(text) if piece.strip()]
    known = industry_names()
    readings = []
    for position, piece in enumerate(raw):
        parts = tuple(unique(chain_name(n) for n in _split_conjunction(
            piece, known, closes_list=position == len(raw) - 1 and len(raw) >= 2)))
        whole = chain_name(piece) if len(parts) > 1 else (parts[0] if parts else "")
        if whole or parts:
            readings.append((whole or parts[0], parts or (whole,)))
    return readings


def _without_modifier_clause(piece: str) -> str:
    """A list item whose modifier clause ending in 的 makes it no name (以甲为链主的肉食品加工: 链主 is a role word)
    as the name after the clause; any other item as written (its 的-less reading is the scorer's choice)."""
    head, _, tail = piece.rpartition("的")
    return tail if head and len(tail) >= 2 and not chain_name(piece) and chain_name(tail) else piece


def _split_conjunction(piece: str, known: frozenset[str], closes_list: bool) -> list[str]:
    """Split one list item at 和/以及 — or at 及, but only in the item that closes an enumeration
    (…、智能装备及生物医药), where 及 does the work of 、."""
    parts = [p for p in (CLOSING_CONJUNCTIONS if closes_list else SPLITTING_CONJUNCTIONS).split(piece) if p.strip()]
    if normalise_chain(piece) in known or len(parts) != 2:
        return [piece]
    left, right = (normalise_chain(p) for p in parts)
    shares_head = left[-2:] == right[-2:]
    if left in known and right in known or (not shares_head and min(len(left), len(right)) >= 4):
        return parts
    if closes_list and (left in known or right in known) and not shares_head:
        return parts
    return [piece]


def is_chain_name(name: str) -> bool:
    """Plausible chain name: 2–16 characters, not a clause, a counted item, a figure (19.2%), a post (副厅长) or a bare
    chain noun."""
    return (2 <= len(name) <= 16 and not re.search(r"[，。；：:！？%％]|^[\d一二三四五六七八九十]+$|[和与及、的]$", name)
            and not OFFICIAL_TITLE_TAIL.search(name)
            and not re.search(rf"{NUMERAL}(?:个|名|位|家|条|批|项)$|^(?:投向|选派|围绕|面向|依托|瞄准)", name)
            and not re.match(rf"^(?:即|{NUMERAL}(?:个|套|批|支|名|条|位|张|项|份|大))", name)
            and not re.match(r"^(?:每|各|该|本|全|相关|上述|以上|所有|整条|整个|其他)", name)
            and not re.search(r"(?:全|本|我)(?:省|市|区|县)$|(?<!城)[省市县]$|(?:各大|首批|一批|多个|上下游|上中下游)$", name)
            and not re.fullmatch(r"(?:经济)?(?:开发区|高新区|新区|园区|领域|行业|制造业|工业|企业|项目)", name)
            and not re.fullmatch(r"(?:先进|高端|现代)?(?:制造业|服务业)|(?:战略性)?新兴产业", name)  # sectors
            and not re.search(r"实施|推进|加快|建立|开展|支持|提升|要求|担任|负责|研究|制定|组建|承担|会同|确定|融合|协调|"
                              r"绘制|编制|梳理|调研|摸清|做好|引进|招引|补强|推出|"
                              r"统筹|保障|召开|会议|包括|关于|公布|印发|通知|名单|政府|链长|链主|.等.|^(?:产业链|产业集群|集群|产业)$|^[补强延建固优稳]链$", name)
            and not re.fullmatch(r"(?:标志性|重点|主导|优势|特色|战略性|新兴|支柱|传统|未来|先进|现代|关键|核心)+", name))


@cache
def region_alias_pattern() -> re.Pattern[str]:
    """All region names and aliases the resolver gives jieba, longest first.  Matched on characters, not on
    jieba tokens: jieba keeps words such as 湖南省人民政府 whole, so a token-level entity pattern for 湖南省 misses them."""
    aliases = sorted({name for name, _ in region_words()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, aliases)))


def chain_name(raw: str) -> str:
    """Canonical chain name of a raw cell/heading/list item, '' when it is not one.
    A leading region or scope word (重庆两江新区…, 全省…, 我市…) is not part of the name."""
    text = re.sub(r"^(?:全|我|本)(?:省|市|区|县)", "", raw.strip())
    while (match := region_alias_pattern().match(text)) and len(text) > match.end() + 1:
        text = text[match.end():]
    name = normalise_chain(text)
    return name if is_chain_name(name) and not _is_place(name) else ""


def _is_place(name: str) -> bool:
    """The whole name is a place (南京江北新区, 开发区 names): a region, not a chain."""
    mentions = find_mentions(name)
    return bool(mentions) and mentions[0].start == 0 and mentions[-1].end == len(name) and \
        all(m.division is not None for m in mentions) and re.search(r"(?:省|市|区|县|新区|开发区)$", name) is not None


def known_industry_share(names: Sequence[str]) -> float:
    """Share of ``names`` the industry lexicon knows: what tells a list of chains from a list of
    mechanism components (一个方案、一套班子) or of prose clauses."""
    known = industry_names()
    return sum(normalise_chain(name) in known for name in names) / len(names) if names else 0.0


NOT_A_NAME = re.compile(rf"^{NUMERAL}(?:个|套|批|支|名|条|位|张|项|份|家)|^(?:一链|强链|补链|延链|稳链|创链)|"
                        r"(?:统筹|推动|引领|带动|服务|负责|担任|协同|牵头|实施|建立|推进|攻关|支撑|搭台|赋能|"
                        r"清单|图谱|方案|机制|专班|政策|体系|制度|平台|基金|队伍|班子|会议)$")
"""A list item that is a mechanism component or an action (一个专班, 链长统筹, 延链), not an industry."""


def is_industry_list(text: str) -> bool:
    """An enumeration of short names (a chain cell): at least a third of them known industries, or three or
    more noun-like names, none a counted component or an action — the lexicon is one cue, not the gate."""
    names = split_chain_list(text)
    if len(names) < 2 or any(len(name) > 12 for name in names):
        return False
    return known_industry_share(names) >= 1 / 3 or (len(names) >= 3 and not any(NOT_A_NAME.search(n) for n in names))
