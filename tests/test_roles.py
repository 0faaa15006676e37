"""Role holders (pipeline.extract.roles): the spaCy Matcher's claims on sentences written for these tests in the
phrasings of news reports and notices (people named after their titles, counted leaders, 链主 firms without a role
verb, named chain offices), and what the chain-leader extractor makes of them."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.extract.learned import default_judge, holder_features, holder_shape
from pipeline.extract.roles import clean_holder, role_claims
from pipeline.extract.train import Gold, RowKeys
from pipeline.segment import segment_text


def claims(text: str) -> set[tuple[str, str]]:
    """(role, holder) of every claim the Matcher reads in ``text``."""
    doc = segment_text("t", text)
    return {(c.role, c.holder) for sentence in doc.sentences for c in role_claims(sentence)}


@pytest.mark.parametrize(("text", "expected"), [
    # a title, the chain's 链长 label, then the person's name and what they do
    ("市政协主席、新材料产业链链长王立新出席会议并讲话。", ("链长", "王立新")),
    ("8日，芜湖县产业链总链长、县长陈志远主持召开推进会。", ("总链长", "陈志远")),
    ("市领导小组组长（链长）赵慧敏一行到园区调研。", ("链长", "赵慧敏")),
    ("作为产业链链长的开发区管委会主任孙晓东连夜召集有关部门。", ("链长", "孙晓东")),
    # title + name before 担任: the name is the holder
    ("省委常委、市委书记李明远担任集成电路产业链“链长”。", ("链长", "李明远")),
    # counted leaders and clause words around them
    ("每条产业链由1名市级领导担任链长。", ("链长", "市级领导")),
    ("党委、政府、人大、政协四套班子8位市领导担任市级“链长”。", ("链长", "市领导")),
    ("区委主要领导亲自挂帅总链长，6名区级领导担任分链长。", ("总链长", "区委主要领导")),
    ("6名区级领导担任分链长。", ("链长", "区级领导")),
    ("各厅局长、县区长都要当好链长。", ("链长", "各厅局长、县区长")),
    ("八成的链长都是由县区党政一把手担任。", ("链长", "县区党政一把手")),
    # 链主 firms listed without a role verb, or introduced with 作为
    ("会上，“链主”企业代表华星集团、远航科技公司作交流发言。", ("链主", "华星集团、远航科技公司")),
    ("位于江城的华星集团作为“链主”企业，带动上下游配套。", ("链主", "华星集团")),
    # named chain offices are their own holders
    ("成立链长制统筹推进办公室，负责日常调度。", ("链长办", "链长制统筹推进办公室")),
    ("聚焦优势产业链，以强链专班支撑项目建设。", ("工作专班", "强链专班")),
    ("组建由处级干部担任组长的工作专班。", ("工作专班", "工作专班")),  # the 处级干部 lead the 专班, they are not it
])
def test_matcher_reads_holders_of_news_prose(text, expected):
    assert expected in claims(text)


@pytest.mark.parametrize("text", [
    "零部件众多、产业链长、环节多。",  # the chain is long: no role
    "链长每季度召开一次调度会。",  # a time word after 链长 is no name
    "建立一个工作专班、一套支持政策。",  # a counted component, not a named office
    "链长办设在市工业和信息化局。",  # the office is held by its seat …
])
def test_no_person_or_office_where_there_is_none(text):
    found = claims(text)
    assert not {holder for _, holder in found} & {"每季度", "工作专班", "链长办"}
    if "设在" in text:
        assert found == {("链长办", "市工业和信息化局")}  # … as the written fixtures have it


@pytest.mark.parametrize(("written", "holder"), [
    ("合肥市委副书记、市长凌一帆", "凌一帆"),
    ("市委书记市长", "市委书记、市长"),  # two officials, no name after the titles
    ("广州市委书记", "市委书记"),  # a title without its place, as annotators mark titles
    ("江西省领导", "省领导"),
    ("赣州市纺织服装产业办", "赣州市纺织服装产业办"),  # an organisation keeps its place
    ("省政府主要负责同志", "省政府主要负责同志"),
    ("并明确了11名省领导", "省领导"),
    ("政府层级将", "政府层级"),
    ("由市长", "市长"),
    ("并州制药股份有限公司", "并州制药股份有限公司"),  # 并 opens the name here: jieba does not cut it off
])
def test_clean_holder(written, holder):
    assert clean_holder(written) == holder


def test_holder_shapes():
    assert [holder_shape(h) for h in ("王立新", "市委书记", "华星集团", "市工信局", "市委书记、市长", "通过培育龙头")] == \
        ["name", "title", "enterprise", "organisation", "list", "other"]


def test_each_person_goes_to_the_chain_named_in_their_clause():
    text = ("芜湖市实行重点产业链链长制。市委书记李明远担任集成电路产业链“链长”，市长赵一凡担任新型显示产业链“链长”。"
            "全市聚焦集成电路、新型显示、人工智能等重点产业链。")
    rows = {row.chain: row.chain_leader for row in extract(segment_text("t", text)).chains}
    assert rows["集成电路"] == "李明远" and rows["新型显示"] == "赵一凡"


def test_lead_firms_of_unnamed_chains_fill_the_scheme_roles():
    text = ("芜湖市实行重点产业链链长制，抓实产业链链长。"
            "集中力量培育以华星为链主的智能装备、以远航为链主的电池材料等优势产业。")
    schemes = extract(segment_text("t", text)).schemes
    assert set(schemes[0].roles["链主"].split("、")) == {"华星", "远航"}


def test_holders_of_a_kind_of_chain_are_the_schemes():
    text = ("宝鸡市实行链长制。其中数控机床、光子等5条重点产业链由市级领导担任“链长”，"
            "其他8条重点产业链由相关市级部门领导担任“链长”。")
    extraction = extract(segment_text("t", text))
    held = {h for s in extraction.schemes for h in s.roles.get("链长", "").split("、")} | \
        {row.chain_leader for row in extraction.chains}
    assert {"市级领导", "相关市级部门领导"} <= held


def test_a_listed_claim_is_right_when_most_of_its_holders_are_annotated():
    gold = Gold("f", "g", True, segment_text("f", "x"), {"": RowKeys()}, frozenset({("链长", "市委书记"), ("链长", "市长")}))
    assert gold.holder_label("链长", "市委书记、市长")
    assert gold.holder_label("链长", "市长")
    assert not gold.holder_label("链长", "省领导、副省长")
    assert not gold.holder_label("链主", "市长")


def test_holder_scorer_rates_a_named_leader_above_a_clause_fragment():
    judge = default_judge()
    person = holder_features("链长", "王立新", "ROLE_NAME", "新材料产业链链长王立新出席会议并讲话。", "新材料")
    fragment = holder_features("链主", "通过在一条产业链上培育龙头企业", "HOLDER_SERVES",
                               "通过在一条产业链上培育龙头企业作为链主，带动上下游。", "")
    assert judge.probability("holder", person) >= judge.threshold("holder") > 0
    assert judge.probability("holder", fragment) < judge.probability("holder", person)
