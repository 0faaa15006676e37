"""Key-chain candidates (issue #9): the list structures of real notices, on sentences written for these tests.

Read with the rules alone (a judge that keeps every candidate), so each test checks that a structure is offered
at all; which candidates are kept is the trained scorer's job, measured by ``python -m pipeline.extract.train --cv``.
"""

from __future__ import annotations

import pytest

from pipeline.extract.chain_leader import _chain_lists, _name_variants, _named_chains
from pipeline.extract.learned import Judge, KindModel, chain_list_features, whole_line
from pipeline.chain_names import chain_name
from pipeline.extract.train import schemes_of
from pipeline.segment import segment_text
from pipeline.textshape import strip_marker


def _names(text: str) -> list[list[str]]:
    return [[name for _, parts in readings for name in parts] for _, readings, _ in _chain_lists(text)]


def _rules_chains(text: str) -> set[str]:
    """Every key chain the rules offer for a one-region document (nothing dropped by a scorer)."""
    return {chain for scheme in schemes_of(segment_text("t", text.strip()), Judge()) for chain in scheme.key_chains}


@pytest.mark.parametrize(("text", "expected"), [
    # two lists in one clause, the first closed by its own chain noun: the chain list starts after it
    ("全县重点培育家纺、船舶2大产业集群和轴承、光学膜、智能电网等3条产业链。", ["轴承", "光学膜", "智能电网"]),
    # the noun after 产业链 (现代化, 链长制) does not hide the list before it
    ("推动光学膜、智能电网2条重点产业链现代化水平提升。", ["光学膜", "智能电网"]),
    # the list ends at 等 followed by a description without a count
    ("预制菜、轴承、光学膜等一批超百亿级产业链加快成长。", ["预制菜", "轴承", "光学膜"]),
])
def test_lists_before_a_chain_noun(text, expected):
    assert expected in _names(text)


def test_a_cluster_list_beside_a_chain_list_is_no_candidate():
    # a plan names its clusters and its chains in one clause; the 链长制 is about the chains
    text = "全县以链长制推动，重点培育家纺、船舶2大产业集群和轴承、光学膜、智能电网等3条产业链。"
    assert _names(text) == [["轴承", "光学膜", "智能电网"]]
    assert "船舶" not in _named_chains(text)
    # without a chain list beside it, a cluster list is a candidate as before
    assert ["家纺", "船舶"] in _names("全县重点培育家纺、船舶2大产业集群。")


def test_a_bare_lead_after_a_chain_noun_reads_only_its_clause():
    # 以…产业链为重点，…: 为 is the predicate of 以…为, not the lead of a list running over the commas
    lists = _chain_lists("以优势产业链为重点，以链长制为抓手，持续完善产业链、畅通供应链、优化政策链。")
    assert not [names for source, names, _ in lists if source == "after_chain_noun"]
    assert ["轴承", "光学膜"] in _names("重点产业链包括：轴承，光学膜。")  # after a colon the list runs on


def test_items_lose_a_modifier_clause_that_makes_them_no_name():
    assert ["轴承", "光学膜"] in _names("集中力量培育以甲公司为链主的轴承、以乙集团为链主的光学膜等优势产业。")


def test_a_list_whose_etc_is_followed_by_a_verb_is_not_anchored_on_the_chain_noun():
    lists = _chain_lists("精准遴选驻区央企、行业龙头、高校院所等作为产业链重点支撑单位。")
    assert not [names for source, names, _ in lists if source == "before_chain_noun"]
    assert ["预制菜", "轴承"] in _names("预制菜、轴承等一批超百亿级产业链加快成长。")  # a description, not a verb


def test_enumeration_ends_at_its_count_and_at_an_unclosed_bracket():
    text = "全市已形成体系(轴承、光学膜、智能电网等3个优势产业规模较大、配套完善的格局，船舶、家纺2个传统产业)。"
    lists = {tuple(names): promised for _, readings, promised in _chain_lists(text)
             for names in [[n for _, parts in readings for n in parts]]}
    assert lists.get(("轴承", "光学膜", "智能电网")) == 3  # not …规模较大, 配套完善的格局
    assert ("船舶", "家纺") in lists


def test_a_bracket_closed_inside_an_item_stays_in_the_list():
    assert ["轴承", "精细化工", "光学膜"] in _names("重点产业链包括：轴承、精细化工(含电子化学品)、光学膜。")


def test_clause_series_is_one_list():
    chains = _rules_chains("""
淮安市实行产业链链长制。
会议要求，轴承产业要加快技术改造；光学膜产业要突出项目招引；智能电网产业要加强规划引领。
""")
    assert {"轴承", "光学膜", "智能电网"} <= chains


def test_clause_series_across_sentences():
    chains = _rules_chains("""
淮安市推出产业链链长制工作方案。
其中，轴承链提质增效，巩固龙头地位。光学膜链创新领先，突破关键材料。
""")
    assert {"轴承", "光学膜"} <= chains


@pytest.mark.parametrize(("item", "reading"), [
    ("以甲公司为链主的轴承", "轴承"),  # a modifier clause ending in 的
    ("受益于某某经济开发区光学膜", "光学膜"),  # what precedes a place inside the name
])
def test_readings_of_an_item(item, reading):
    assert reading in [variant for variant, _ in _name_variants(item)]


@pytest.mark.parametrize(("text", "name"), [
    ("市里下发《盐城市轴承产业链链长制工作方案》。", "轴承"),  # X产业链链长制 in a cited title
    ("会议要求，推进光学膜产业链加快发展。", "光学膜"),  # a lead-in verb before the name
])
def test_prose_mentions(text, name):
    assert name in _named_chains(text)


def test_scope_and_kind_words_are_no_chain_names():
    assert not any(name.endswith(("全省", "各大")) for name in _named_chains("研究下一步工作及全省产业链，力促各大产业链做强。"))
    assert not _named_chains("以此为抓手，贯通上下游产业链条。")  # a position on a chain, not a chain
    assert not _named_chains("省工业和信息化厅设立省产业链链长制办公室。")  # 省 scopes the office, no chain name
    assert not chain_name("先进制造业") and not chain_name("战略性新兴产业")  # sectors
    assert chain_name("都市现代农业") and chain_name("智慧城市")


def test_an_ordinal_inside_a_name_is_no_item_marker():
    """第三、 opens the third item of a list; 第三代 is part of a name (第三代半导体) and stays."""
    assert strip_marker("第三代半导体") == "第三代半导体" and strip_marker("第十三代芯片") == "第十三代芯片"
    assert strip_marker("第三，集成电路") == "集成电路" and strip_marker("第二条 本办法") == "本办法"


def test_figures_and_posts_are_no_chain_names():
    """A share read from a list of figures and an official's post read from a list of attendees are never chains,
    whatever the list around them (the scorer only sees list evidence for such items)."""
    assert not chain_name("19.2%") and not chain_name("增速17.8％")
    assert not chain_name("信息化厅副厅长") and not chain_name("市委书记") and not chain_name("分管负责人")
    assert not _named_chains("两项指标分别为19.2%、17.8%，重点产业链稳步增长。")
    assert chain_name("新型显示") and chain_name("现代中药")


def test_areas_before_a_chain_noun_are_no_chain_list():
    lists = _chain_lists("聚焦装备、材料、消费品等领域的21条重点产业链。")
    assert not [names for source, names, _ in lists if source == "before_chain_noun"]


def test_a_numbered_item_filled_by_labelled_lines_is_a_chain_by_structure():
    """A table written as prose (六、X产业链 / 链长：… / 链主企业：…) is kept like a chain table's row, whatever the
    scorer thinks of the name."""
    text = """
山西省建立重点产业链链长制。
六、铝镁精深加工产业链
链长：副省长
链主企业：甲铝业集团有限公司
"""
    nothing = KindModel({}, -5.0, 0.5)
    judge = Judge({"chain_list": nothing, "chain": nothing})
    chains = {c for scheme in schemes_of(segment_text("t", text.strip()), judge) for c in scheme.key_chains}
    assert chains == {"铝镁精深加工"}
    prose = "山西省建立重点产业链链长制，铝镁精深加工产业链由副省长担任链长。"  # prose, not a labelled item: scored
    assert not {c for scheme in schemes_of(segment_text("t", prose), judge) for c in scheme.key_chains}


def test_a_confident_list_that_states_its_count_is_kept_whole():
    """Numeral agreement: the list scorer is sure of the list and its count fits, so every item counts even when
    the item scorer rates them low (names it has not seen)."""
    text = "淮安市实行产业链链长制，重点培育轴承、光学膜、智能电网等3条产业链。"
    sure_list = KindModel({}, 5.0, 0.5)  # probability 0.99 for every list
    doubtful_items = KindModel({}, -5.0, 0.5)  # probability 0.01 for every item
    judge = Judge({"chain_list": sure_list, "chain": doubtful_items})
    chains = {c for scheme in schemes_of(segment_text("t", text), judge) for c in scheme.key_chains}
    assert chains == {"轴承", "光学膜", "智能电网"}
    unsure = Judge({"chain_list": KindModel({}, 0.5, 0.5), "chain": doubtful_items})  # probability 0.62
    assert not {c for scheme in schemes_of(segment_text("t", text), unsure) for c in scheme.key_chains}


def test_a_line_that_only_lists_is_a_feature():
    assert whole_line("轴承、光学膜、智能电网等")
    assert not whole_line("重点发展轴承、光学膜、智能电网等产业。")
    features = chain_list_features(["财政", "税收", "用地"], "enumeration", "从财政、税收、用地等方面给予支持。", "", None,
                                   None, 0.0, False, 1, False)
    assert features["policy>9"] == 1.0 and features["after:area"] == 1.0
