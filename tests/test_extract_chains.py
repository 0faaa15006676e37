"""Key-chain candidates (issue #9): the list structures of real notices, on sentences written for these tests.

Read with the rules alone (a judge that keeps every candidate), so each test checks that a structure is offered
at all; which candidates are kept is the trained scorer's job, measured by ``python -m pipeline.extract.train --cv``.
"""

from __future__ import annotations

import pytest

from pipeline.extract.chain_leader import _chain_lists, _name_variants, _named_chains
from pipeline.extract.learned import Judge, chain_list_features, whole_line
from pipeline.extract.train import schemes_of
from pipeline.segment import segment_text


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


def test_a_line_that_only_lists_is_a_feature():
    assert whole_line("轴承、光学膜、智能电网等")
    assert not whole_line("重点发展轴承、光学膜、智能电网等产业。")
    features = chain_list_features(["财政", "税收", "用地"], "enumeration", "从财政、税收、用地等方面给予支持。", "", None,
                                   None, 0.0, False, 1, False)
    assert features["policy>9"] == 1.0 and features["after:area"] == 1.0
