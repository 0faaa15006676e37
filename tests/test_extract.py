"""pipeline.extract on documents written for these tests, the bundled sample corpus and the seed paper."""

from __future__ import annotations

from dataclasses import replace
import csv
import json
import tomllib
from pathlib import Path

import pytest

from pipeline.config import SAMPLE_DIR
from pipeline.models import ChainLeaderScheme, DocumentMeta, Extraction, Table
from pipeline.parse import parse_text, text_document
from pipeline.parse.flat_table import find_flat_tables
from pipeline.parse.reflow import wrap_width
from pipeline.segment import segment, segment_text
from pipeline.extract import extract, merge_chains, merge_schemes, score_tables
from pipeline.extract.score import ExpectedRow, read_expected, score_rows
from pipeline.chain_names import split_chain_list
from pipeline.extract.text import cn_number, drop_near_duplicates, split_items, to_wan
from pipeline.textshape import join_wrapped
from pipeline.extract.chain_leader import concept_candidates
from pipeline.extract.learned import Judge, Observation, concept_features, default_judge
from pipeline.extract.train import _main as train_main, schemes_of, train as train_extractor, written_golds

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SEED_PAPER = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "national-innovation-models-paper.txt"


def _documents(name: str) -> dict[str, Extraction]:
    """Extractions of the documents in ``tests/fixtures/extract/<name>.toml``, each text handed on as the
    parser hands a text file on (hard wraps mended, flattened tables recovered)."""
    docs = tomllib.loads((FIXTURES / f"{name}.toml").read_text(encoding="utf-8"))["doc"]
    extractions = {}
    for doc in docs:
        tables = tuple(Table(rows=tuple(tuple(row) for row in rows), index=i) for i, rows in enumerate(doc.get("tables", [])))
        meta = DocumentMeta(title=doc.get("title", ""), region=doc.get("meta_region", ""))
        extractions[doc["id"]] = extract(segment(text_document(doc["id"], doc["text"].strip(), meta, tables)))
    return extractions


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Extraction]:
    return _documents("documents")


@pytest.fixture(scope="module")
def fixture_schemes(fixtures) -> dict[str, ChainLeaderScheme]:
    return {s.region: s for s in merge_schemes(s for e in fixtures.values() for s in e.schemes)}


def test_fixture_table_reaches_cell_f1(fixture_schemes):
    score = score_tables(list(fixture_schemes.values()), FIXTURES / "expected_chain_leader_table.csv")
    assert score.f1 >= 0.9, score.errors


@pytest.mark.parametrize("doc_id", ["river-chief", "long-chain", "bangdan", "major-project"])
def test_false_friends_and_other_modes_yield_no_scheme(fixtures, doc_id):
    assert fixtures[doc_id].schemes == () and fixtures[doc_id].chains == ()


def test_numeral_mismatch_is_flagged(fixture_schemes):
    assert fixture_schemes["成都市"].flags == ("concept numeral 三 ≠ 4 components",)
    assert fixture_schemes["湖南省"].flags == ()


def test_scheme_split_over_documents_is_merged_with_every_source(fixture_schemes):
    hunan = fixture_schemes["湖南省"]
    assert hunan.doc_ids == ("hn-mechanism", "hn-chains")
    assert hunan.roles == {"总链长": "省长", "链长": "分管副省长", "链长办": "省工业和信息化厅"}
    assert {e.doc_id for e in hunan.evidence["key_chains"]} == {"hn-chains"}
    assert {e.doc_id for e in hunan.evidence["model"]} == {"hn-mechanism"}


def test_merged_model_is_the_documents_components_that_meet_the_concepts_count():
    """One notice enumerates a “三位一体” scheme's three parts; a later chain list names only the two roles it
    assigns.  The three parts are the model, not the union of five."""
    notice = ChainLeaderScheme("某省", "“三位一体”机制", ("链长统筹", "链主带动", "专班服务"), doc_ids=("a",))
    chain_list = ChainLeaderScheme("某省", "“三位一体”机制", ("总链长", "链长"), ("新材料",), doc_ids=("b",))
    for order in ((notice, chain_list), (chain_list, notice)):
        merged = merge_schemes(order)[0]
        assert merged.model == notice.model and merged.key_chains == ("新材料",) and merged.flags == ()
    uncounted = replace(chain_list, concept="链长制")
    assert merge_schemes([replace(notice, concept="链长制"), uncounted])[0].model == (*notice.model, "总链长", "链长")


def test_chain_rows_from_table_cells_and_numbered_items(fixtures):
    rows = {(r.region, r.chain): r for r in merge_chains(r for e in fixtures.values() for r in e.chains)}
    rail = rows[("湖南省", "先进轨道交通装备")]
    assert (rail.chain_leader, rail.chain_owner, rail.lead_unit) == (
        "副省长", "株洲轨道装备集团有限公司、湘潭电机车辆有限公司", "省发展改革委")
    assert rail.evidence.locator == "t1r3c2" and rail.evidence.doc_id == "hn-chains"
    nano = rows[("苏州市", "纳米新材料")]
    assert (nano.chain_leader, nano.chain_owner, nano.lead_unit) == ("副市长", "吴中纳米材料股份有限公司", "市工信局")
    assert rows[("苏州市", "光子")].chain_leader == "常务副市长"
    district = rows[("上海市浦东新区", "人工智能")]  # one-chain scheme: 链主 / 牵头单位 sentences do not name the chain
    assert (district.chain_leader, district.chain_owner, district.lead_unit) == (
        "区委副书记", "张江智算科技有限公司", "区科技和经济委员会")


def test_open_competition_items_and_facts(fixtures):
    bangdan = fixtures["bangdan"]
    items = {i.title: i for i in bangdan.open_items}
    listed = items["高纯石英砂提纯工艺"]
    assert (listed.issuer, listed.funding_wan, listed.deadline, listed.region) == (
        "荆楚石英材料有限公司", 15000.0, "2023-08-31", "湖北省")
    tabled = items["光纤预制棒沉积装备"]
    assert (tabled.issuer, tabled.requirement, tabled.funding_wan, tabled.evidence.locator) == (
        "长江光纤科技有限公司", "沉积速率提升30%", 800.0, "t1r2c2")
    assert {(f.kind, f.value) for f in bangdan.facts} == {("demand_count", "26"), ("funding_share", "15%~25%")}


def test_national_project_participation(fixtures):
    (project,) = fixtures["major-project"].projects
    assert (project.project, project.provinces, project.organisations, project.people) == ("载人航天工程", 30, 3000, 100000)


def test_score_counts_cells_by_region():
    want = [ExpectedRow("浙江省", "“九个一”机制", ("一个规划", "一套政策"), ("集成电路", "生物医药"))]
    got = [ChainLeaderScheme("浙江省", "\"九个一\"机制", ("一个规划",), ("集成电路产业链", "生物医药", "光伏")),
           ChainLeaderScheme("江苏省", "", (), ("软件",))]
    score = score_rows(got, want)
    assert (score.tp, score.fp, score.fn) == (4, 2, 1)  # tp: concept, 一个规划, 集成电路, 生物医药


@pytest.mark.parametrize(("text", "names"), [
    # 与 never splits; 和 splits when both halves are classified industries (the lexicon holds categories only)
    ("智能装备、炼化一体化与新材料、节能与新能源汽车、汽车和新能源汽车", ["智能装备", "炼化一体化与新材料", "节能与新能源汽车", "汽车", "新能源汽车"]),
    ("有色金属、绿色食品、钢铁和房地产建筑", ["有色金属", "绿色食品", "钢铁", "房地产建筑"]),
    ("集成电路产业链、生物医药产业集群等", ["集成电路", "生物医药"]),
])
def test_chain_enumerations_split_where_the_lexicon_agrees(text, names):
    assert split_chain_list(text) == names


def test_numbers_money_and_components():
    assert [cn_number(t) for t in ("九", "十一", "二十三", "83", "N")] == [9, 11, 23, 83, None]
    assert [to_wan(t) for t in ("1.2亿元", "500万元", "3000元")] == [12000.0, 500.0, 0.3]
    assert split_items("即：制定一个发展规划，建立一个分工责任机制和年度工作计划、一套政策和一支队伍") == [
        "一个发展规划", "一个分工责任机制和年度工作计划", "一套政策", "一支队伍"]


def test_sample_corpus_table():
    if not (SAMPLE_DIR / "expected" / "chain_leader_table.csv").exists():
        pytest.skip("sample corpus not built")
    from pipeline.extract.evaluate import run
    result = run(SAMPLE_DIR)
    assert result.table.f1 >= 0.9, result.table.errors
    correct, total, misses = result.chain_fields
    assert correct / total >= 0.9, misses


def test_seed_paper_table_after_reflow():
    """The paper's Table 1 is flattened with a hard line break every ~22 characters; it is read back as a
    table, so each province's row gets its own concept, components and chain list (docs/extraction.md).

    Relaxed (issue #9) to what a generic extractor does without an answer key: the industry lexicon no
    longer holds the paper's chain names, and the learned scorer is not trained on the paper, so 山东's
    joined slogan and 天津's first chain (信息技术应用创新, no classification's name) are no longer
    asserted; the rows, the comparison-table concepts, the counted models and the role holders are."""
    if not SEED_PAPER.exists():
        pytest.skip("seed paper not available")
    raw = SEED_PAPER.read_text(encoding="utf-8")
    for text in (raw, _as_parsed(SEED_PAPER.read_bytes())):
        extraction = extract(segment(text_document("seed", text)))
        schemes = {s.region: s for s in extraction.schemes}
        concepts = {region: s.concept for region, s in schemes.items()}
        provinces = {"浙江省", "江西省", "广东省", "河北省", "河南省", "山东省", "黑龙江省", "天津市", "山西省"}
        if text is not raw:  # spaces between Chinese characters gone (天津四个一模式): the row labels that the
            # lexicon-free industry test no longer separates from their cells lose their row
            assert len(provinces & schemes.keys()) >= 8
            continue
        assert provinces <= schemes.keys()
        assert {"浙江省": "“九个一”机制", "天津市": "四个一模式", "山西省": "“六位一体”架构", "江西省": "11位省领导“挂帅”",
                "广东省": "省长担任“总链长”+三个核心机制"}.items() <= concepts.items()
        assert schemes["浙江省"].model[0] == "一个发展规划" and schemes["浙江省"].model[-1] == "一个发展分工责任机制和年度工作计划"
        assert schemes["浙江省"].flags == ("concept numeral 九 ≠ 8 components",)  # the paper lists eight
        assert schemes["山西省"].model[:2] == ("总链长统领", "链长推动") and len(schemes["山西省"].model) == 6
        assert "炼化一体化与新材料" in schemes["浙江省"].key_chains
        assert schemes["黑龙江省"].key_chains == ("生物医药", "航空航天", "玉米加工", "智能装备")  # not 天津's
        assert schemes["黑龙江省"].roles == {"总链长": "省政府主要领导", "链长": "副省长"}
        assert len(schemes["广东省"].model) == 3 and len(schemes["江西省"].key_chains) >= 14
    assert any(f.kind == "demand_count" and f.value == "83" for f in extraction.facts)
    aircraft = next(p for p in extraction.projects if p.project == "大飞机")
    assert (aircraft.provinces, aircraft.organisations, aircraft.people) == (24, 1000, 300000)


def _as_parsed(data: bytes) -> str:
    """The text as ``pipeline.parse`` hands it on for a .txt file: blank lines dropped, and the spaces
    between Chinese characters too (天津 四个一模式 → 天津四个一模式)."""
    return "\n".join(parse_text(data).paragraphs)


# ---- round 2: forms that failed on unseen documents; variants.toml was written after the rules ----

def _chain_rows(extractions: dict[str, Extraction]) -> dict[tuple[str, str], tuple[str, str, str]]:
    rows = merge_chains(r for e in extractions.values() for r in e.chains)
    return {(r.region, r.chain): (r.chain_leader, r.chain_owner, r.lead_unit) for r in rows}


def _expected_chain_rows(name: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return {(w["region"], w["chain"]): (w["chain_leader"], w["chain_owner"], w["lead_unit"])
                for w in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def variants() -> dict[str, Extraction]:
    return _documents("variants")


def test_chain_rows_match_exactly(fixtures):
    """Every (region, chain) — from tables, numbered items, prose claims and prose-only lists — and its fields."""
    assert _chain_rows(fixtures) == _expected_chain_rows("expected_chains.csv")


def test_variants_table_and_chain_rows(variants):
    schemes = merge_schemes(s for e in variants.values() for s in e.schemes)
    score = score_tables(schemes, FIXTURES / "expected_variants_table.csv")
    assert score.f1 >= 0.95, score.errors
    found, expected = _chain_rows(variants), _expected_chain_rows("expected_variants_chains.csv")
    # Every row the learned scorer gives is right; it may miss one listed name (先进装备制造: jieba tags 制造 a
    # verb, and the name sits near the threshold — missed by some retrainings, found by the current one).
    assert found.items() <= expected.items() and set(expected) - set(found) <= {("贵州省", "先进装备制造")}


@pytest.mark.parametrize(("doc_id", "region"), [
    ("new-area", "长沙市湘江新区"), ("industry-standard", "全国"), ("v-new-area", "青岛市西海岸新区"),
    ("v-national-standard", "全国")])
def test_document_region_is_the_most_specific_one(fixtures, variants, doc_id, region):
    extraction = {**fixtures, **variants}[doc_id]
    assert {s.region for s in extraction.schemes} == {region}


def test_role_holders_lose_neighbouring_words(fixtures, variants):
    roles = {s.region: s.roles for s in merge_schemes(s for e in (*fixtures.values(), *variants.values())
                                                       for s in e.schemes)}
    assert roles["合肥市"]["总链长"] == "市长"  # 总链长即为市长
    assert roles["济南市"]["总链长"] == "市委书记、市长"  # 市委书记、市长共同担任总链长
    assert roles["湖南省"]["总链长"] == "省长"


def test_passing_slogan_does_not_displace_the_defined_one(fixtures, variants):
    concepts = {s.region: s.concept for e in (*fixtures.values(), *variants.values()) for s in e.schemes}
    assert concepts["厦门市"] == "“三链融合”工作格局" and concepts["合肥市"] == "“双链长”工作机制"
    assert concepts["无锡市"] == "“双链长”制度"


@pytest.mark.parametrize(("doc_id", "facts"), [
    ("bangdan-share", {("demand_count", "62"), ("demand_count", "18"), ("funding_share", "20%—30%"),
                       ("funding_share", "不超过25%")}),
    ("v-bangdan", {("demand_count", "35"), ("demand_count", "12"), ("funding_share", "不超过30%")}),
])
def test_demand_counts_and_funding_shares(fixtures, variants, doc_id, facts):
    assert {(f.kind, f.value) for f in {**fixtures, **variants}[doc_id].facts} == facts


@pytest.mark.parametrize(("doc_id", "projects"), [
    ("project-figures", {("大型客机专项", 22, 200, 20000), ("北斗卫星导航系统工程", None, 400, 15000),
                         ("探月工程任务", None, None, None)}),
    ("v-projects", {("核潜艇工程", 26, 1000, None), ("大型客机", 22, 200, 200000)}),  # figures one sentence later
])
def test_project_participation_phrasings(fixtures, variants, doc_id, projects):
    found = {(p.project, p.provinces, p.organisations, p.people) for p in {**fixtures, **variants}[doc_id].projects}
    assert found == projects


def test_reflow_joins_wrapped_lines_only_in_wrapped_text(variants, fixtures):
    wrapped = variants["v-wrapped"]
    guizhou = next(s for s in wrapped.schemes if s.region == "贵州省")
    assert guizhou.model == ("一位省领导", "一个牵头部门", "一个工作专班", "一套支持政策")
    assert guizhou.evidence["model"][0].locator == "p9"  # the first original line of the rejoined paragraph
    assert wrap_width([len("链长：副市长")] * 3 + [30, 41, 57, 12, 25, 33, 18]) is None
    assert wrap_width([20, 20, 19, 20, 11, 20, 21, 20, 15, 20]) == 20


@pytest.mark.parametrize(("text", "names"), [
    ("光伏与储能、航空航天", ["光伏与储能", "航空航天"]),
    ("绿色石化、汽车零部件和软件信息服务、磁性材料", ["绿色石化", "汽车零部件", "软件信息服务", "磁性材料"]),
    ("新能源汽车、集成电路和新型显示", ["新能源汽车", "集成电路", "新型显示"]),
])
def test_conjunctions_in_chain_lists(text, names):
    assert split_chain_list(text) == names


# ---- round 3: national projects, document facts, list splitting, slogan parts, 暂缺 cells ----
# round3.toml was written before the round-3 rules, round3_variants.toml after them.

@pytest.fixture(scope="module")
def round3() -> dict[str, Extraction]:
    return {**_documents("round3"), **_documents("round3_variants")}


@pytest.mark.parametrize("name", ["round3", "round3_variants"])
def test_round3_table_and_chain_rows(round3, name):
    ids = {doc["id"] for doc in tomllib.loads((FIXTURES / f"{name}.toml").read_text(encoding="utf-8"))["doc"]}
    extractions = {doc_id: e for doc_id, e in round3.items() if doc_id in ids}
    score = score_tables(merge_schemes(s for e in extractions.values() for s in e.schemes),
                         FIXTURES / f"expected_{name}_table.csv")
    assert score.f1 == 1.0, score.errors
    assert _chain_rows(extractions) == _expected_chain_rows(f"expected_{name}_chains.csv")


@pytest.mark.parametrize(("doc_id", "projects"), [
    ("r3-projects", {("高端数控机床专项", 18, 96, 4000), ("载人航天工程", 19, 230, 16000),
                     ("某重大科技任务", None, 1000, 300000)}),  # 年度工作计划 and 12个省的交流任务 are no project
    ("r3v-projects", {("探月工程", 20, 300, 25000), ("北斗卫星导航系统", None, 400, 300000),
                      ("重型燃气轮机专项", 15, 90, None), ("航空发动机专项", 21, 260, None)}),  # 分别: n-th figure each
])
def test_round3_projects(round3, doc_id, projects):
    assert {(p.project, p.provinces, p.organisations, p.people) for p in round3[doc_id].projects} == projects


@pytest.mark.parametrize(("doc_id", "facts"), [
    ("r3-shares", {("demand_count", "36"), ("funding_share", "20%"), ("funding_share", "不超过40%")}),
    ("r3v-shares", {("demand_count", "48"), ("funding_share", "不超过35%"), ("funding_share", "不超过20%")}),
])
def test_round3_facts(round3, doc_id, facts):
    assert {(f.kind, f.value) for f in round3[doc_id].facts} == facts


@pytest.mark.parametrize(("text", "names"), [
    ("集成电路、智能装备及生物医药三条产业链", ["集成电路", "智能装备", "生物医药"]),
    ("新能源汽车及零部件", ["新能源汽车及零部件"]),  # 及 inside one name when it closes no enumeration
    ("集成电路、新材料等5条", ["集成电路", "新材料"]),
])
def test_closing_conjunction_and_trailing_count(text, names):
    assert split_chain_list(text) == names


# ---- round 4: comparison tables flattened into hard-wrapped lines (issue #6) ----
def test_labels_written_as_enumerations():
    """labels.toml (issue #9): a label written as an enumeration is the concept and its items the components
    (“链长领航、链主牵引…”的工作格局, …的“链长制”工作机制, a counted one …的推进机制); an enumeration bound by 的
    or written before an N长制 label holds its components, its lead verb dropped; a plan's counted tasks and
    targets, and figures after an industrial-system slogan, are no concept and no model."""
    extractions = _documents("labels")
    score = score_tables(merge_schemes(s for e in extractions.values() for s in e.schemes),
                         FIXTURES / "expected_labels_table.csv")
    assert score.f1 == 1.0, score.errors


@pytest.mark.parametrize(("sentence", "concepts"), [
    ("全力推行产业链办、链主企业、行业协会、产业联盟四方发力、协同推进工作机制，推动产业链发展", ["四方发力、协同推进工作机制"]),
    ("全力推行产业链办、链主企业、行业协会四方发力、协同推进工作机制", []),  # four promised, three listed
    ("统筹推进产业链办、链主企业、行业协会工作，形成三方协同格局", []),  # no list in the label's clause
])
def test_unquoted_label_counts_the_enumeration_before_it(sentence, concepts):
    assert [c.text for c, counted in concept_candidates(sentence) if counted] == concepts


def test_unquoted_counted_label_and_its_components():
    """A label written without quotes after the enumeration it counts is the concept, the enumeration its
    components, the clause's adopting verb dropped (全面推行)."""
    text = ("常德市推行产业链链长制，市委书记担任总链长。\n"
            "全市全面推行产业链办、链主企业、行业协会、产业联盟四方发力、协同推进工作机制，推动重点产业链高质量发展。")
    schemes = extract(segment(text_document("counted-label", text, DocumentMeta(region="常德市")))).schemes
    assert [(s.concept, s.model) for s in schemes] == [
        ("四方发力、协同推进工作机制", ("产业链办", "链主企业", "行业协会", "产业联盟"))]


def test_a_label_ending_in_zhi_names_its_own_head_noun():
    features = concept_features("“三长制”", "三长制", "全面落实", "，", counted=True, in_title=False, in_lead=False,
                                near_cue=True, has_model=True, count=3, model_size=3, position=0.1, mentions=1,
                                sentence="全面落实产业链链长、行业协会会长、产业园区园长“三长制”，")
    assert "head_noun:制" in features and "head_noun:none" not in features


def test_a_written_set_for_labels_labels_no_chain_candidates():
    """labels.toml declares it was written for the concept and model cells: its chain words (行业协会会长) are
    no negative chain candidates, while its concept candidates are labelled."""
    golds = {g.file: g for g in written_golds()}
    labels, documents = golds["lb-three-heads"], next(g for g in golds.values() if g.group == "written:documents")
    assert labels.label(Observation("chain", "行业协会会长", {}, "湖州市")) is None
    assert labels.label(Observation("chain_list", "行业协会会长；产业园区园长", {}, "湖州市")) is None
    assert labels.label(Observation("concept", "“三长制”", {}, "湖州市")) is True
    assert documents.label(Observation("chain", "不是产业链的词", {}, documents.doc.meta.region)) is False


# flat_tables.toml was written before flat_table.py (now pipeline/parse/), flat_tables_variants.toml after it.

@pytest.fixture(scope="module")
def flat_tables() -> dict[str, Extraction]:
    return {**_documents("flat_tables"), **_documents("flat_tables_variants")}


@pytest.mark.parametrize("name", ["flat_tables", "flat_tables_variants"])
def test_flattened_comparison_table_is_read_row_by_row(flat_tables, name):
    ids = {doc["id"] for doc in tomllib.loads((FIXTURES / f"{name}.toml").read_text(encoding="utf-8"))["doc"]}
    schemes = [s for doc_id in ids for s in flat_tables[doc_id].schemes]
    expected = {row.region for row in read_expected(FIXTURES / f"expected_{name}.csv")}
    assert {s.region for s in schemes} == expected  # no label leaks into prose, no prose becomes a row
    score = score_tables(merge_schemes(schemes), FIXTURES / f"expected_{name}.csv")
    assert score.f1 == 1.0, score.errors
    listed = {(r.region, r.chain) for doc_id in ids for r in flat_tables[doc_id].chains}
    assert listed == {(s.region, c) for s in schemes for c in s.key_chains}


def test_flattened_table_cells_point_at_their_cell(flat_tables):
    schemes = {s.region: s for s in flat_tables["flat-comparison"].schemes}
    assert [e.locator for e in schemes["湖北省"].evidence["key_chains"]] == ["t1r2c4"]
    assert schemes["吉林省"].roles == {"总链长": "省长", "链长": "分管副省长"}  # stated in the model cell


@pytest.mark.parametrize(("lines", "joined"), [
    (["一套Sa-", "aS平台"], "一套SaaS平台"),  # a hyphenated Latin word is mended
    (["Micro-", "LED显示"], "Micro-LED显示"),  # a real hyphen before a capital stays
    (["炼化一", "体化与新材料"], "炼化一体化与新材料"),
])
def test_wrapped_lines_rejoin_without_spaces(lines, joined):
    assert join_wrapped(lines) == joined


def test_heading_that_reads_like_a_header_is_no_table():
    lines = ["各地区特色产业链发展模式", "湖南省人民政府办公厅", "为推进产业链链长制,现就有关事项通知如下,请",
             "认真贯彻落实。各市州要明确牵头部门,建立工", "作专班,按月调度。"]
    assert find_flat_tables(lines, 20) == []


# ---- issue #9: candidates + learned scorer ----

def test_near_duplicate_chain_names_merge():
    assert drop_near_duplicates(["有色金属", "汽车", "有色", "文化旅游", "文旅"]) == ["有色金属", "汽车", "文化旅游"]


def test_extractor_training_is_deterministic(tmp_path):
    """`policy-miner train` rebuilds models/extractor.json byte for byte from the same annotations."""
    first, second = train_extractor(models_dir=tmp_path / "a"), train_extractor(models_dir=tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    kinds = json.loads(first.read_text(encoding="utf-8"))["kinds"]
    assert {"chain_list", "chain", "concept"} <= kinds.keys()


def test_train_share_outside_zero_to_one_is_refused(capsys):
    """The learning-curve option names its range instead of fitting folds on no data."""
    with pytest.raises(SystemExit) as refused:
        train_main(["--cv", "--train-share", "0"])
    assert refused.value.code == 2 and "--train-share must be in (0, 1]" in capsys.readouterr().err


def test_list_scorer_keeps_the_schemes_list_and_drops_a_figures_list():
    """The shipped list-level scorer, on prose in our own words: the enumeration the mechanism introduces
    (推行链长制，明确…三条重点产业链) is a chain list, an enumeration of industries in a sentence of figures is not."""
    text = ("我区全面推行链长制，明确智能网联汽车、高端医疗器械、工业软件三条重点产业链，每条产业链由一名区领导担任链长。"
            "去年全区新能源、新材料、生物医药、集成电路等产业产值增长12%。")
    shipped, record = default_judge(), []
    schemes_of(segment_text("t", text, DocumentMeta(region="合肥市")), Judge(shipped.models, record))
    lists = {o.text: shipped.probability("chain_list", o.features) for o in record if o.kind == "chain_list"}
    assert lists["智能网联汽车；高端医疗器械；工业软件"] >= 0.5
    figures = [p for text, p in lists.items() if "新材料" in text]
    assert figures and max(figures) < 0.5


def test_scorer_keeps_chain_names_and_drops_fragments():
    """The shipped scorer on prose it was not trained on: a counted list of chains, officials and fragments."""
    text = ("全市重点打造电子信息、装备制造、生物医药、新材料等4条产业链，实行链长制。"
            "副市长张某某担任电子信息产业链链长，多个部门根据职责做好服务，产值增长19.2%。")
    schemes = extract(segment_text("t", text, DocumentMeta(region="合肥市"))).schemes
    assert set(schemes[0].key_chains) == {"电子信息", "装备制造", "生物医药", "新材料"}
