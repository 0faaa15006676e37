"""Innovation-mode classifier: rules, evidence, model loading, training determinism (no shared corpora needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.annotations import EXCERPTS_DIR, read_split
from pipeline.classify import ModelVersionError, classify, classify_many, load_model, train
from pipeline.classify.dataset import LABELS_FILE, MissingSourceError, excerpt_rows, load_text, read_labels, write_labels
from pipeline.classify.model import ARRAYS_FILE, META_FILE
from pipeline.classify.rules import RULES, keyword_baseline, prominence, sentence_hit
from pipeline.config import MODELS_DIR
from pipeline.models import MODES, DocumentMeta
from pipeline.segment import segment_text


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.mark.parametrize(("mode", "sentence"), [
    ("chain_leader", "全面推行河长制，省委书记担任总河长，各级河长负责河湖保护。"),
    ("chain_leader", "汽车产业零部件众多、产业链长、细分车型多。"),
    ("chain_leader", "提升企业对产业链供应链主导能力。"),
    ("open_competition", "本届挑战杯竞赛设置揭榜挂帅专项赛，大学生团队自愿参赛。"),
    ("open_competition", "审核结果在村务公开栏张榜公布。"),
    ("open_competition", "对首次进入全国百强榜单的企业给予奖励。"),
    ("national_system", "坚持和完善竞技体育举国体制，争取更多奥运金牌。"),
    ("national_system", "举国上下喜迎佳节。"),
    ("national_system", "对承担国家科技重大专项的企业按国拨经费给予配套补助。"),
])
def test_false_friends_do_not_qualify(mode, sentence):
    assert not sentence_hit(sentence, RULES[mode]).qualifies


@pytest.mark.parametrize(("mode", "sentence"), [
    ("chain_leader", "全面推行重点产业链链长制，由省长担任总链长。"),
    ("chain_leader", "每条产业链由一位市领导担任链长。"),
    ("open_competition", "通过揭榜挂帅方式组织关键核心技术攻关。"),
    ("open_competition", "需求单位提出的技术难题经论证后统一发榜。"),
    ("national_system", "健全关键核心技术攻关新型举国体制。"),
    ("national_system", "全面启动实施国家科技重大专项。"),
])
def test_policy_sentences_qualify(mode, sentence):
    assert sentence_hit(sentence, RULES[mode]).qualifies


def test_sports_heading_vetoes_a_bare_heading_sentence():
    """In a 体育总局 notice even a section heading “坚持举国体制…” is the sports sense."""
    hit = sentence_hit("一、坚持举国体制与市场机制相结合", RULES["national_system"], heading="体育总局关于加强竞技体育工作的通知")
    assert not hit.qualifies


def test_keyword_baseline_fires_on_false_friend():
    """The baseline the classifier must beat: it cannot tell 张榜公布 from 张榜招贤."""
    assert keyword_baseline("结果张榜公布。", "open_competition")


SCHEME = ("某市关于推行重点产业链链长制的通知\n为加快产业发展，现就有关事项通知如下。\n"
          "全市推行重点产业链链长制，由市长担任总链长，每条产业链明确一家链主企业。\n"
          "各链长每季度召开一次专题会议。\n对关键技术难题，通过揭榜挂帅方式面向社会公开张榜招贤，揭榜团队给予资金支持。\n"
          "各区要加强河长制工作。")


def test_positive_labels_come_with_evidence(model):
    doc = segment_text("scheme", SCHEME, DocumentMeta(title="某市关于推行重点产业链链长制的通知"))
    result = classify(doc, model)
    assert set(result.labels) == {"chain_leader", "open_competition"}
    assert result.model_version == model.version
    for mode in result.labels:
        evidence = result.result(mode).evidence
        assert evidence and all(e.doc_id == "scheme" for e in evidence)
        assert all(doc.sentences[e.sentence].text == e.text for e in evidence)
    assert "链长制" in result.result("chain_leader").evidence[0].text
    assert "揭榜挂帅" in result.result("open_competition").evidence[0].text
    assert not result.result("national_system").evidence
    assert 0.0 <= result.result("national_system").score < 0.5


def test_false_friend_documents_get_no_label(model):
    texts = ["关于全面推行河长制的实施方案\n省长担任总河长，各级河长负责河湖管理。\n实行林长制。",
             "关于举办挑战杯大学生课外学术科技作品竞赛的通知\n竞赛设置揭榜挂帅专项赛，由企业命题，学生参赛。",
             "关于加快建设体育强省的意见\n完善竞技体育举国体制，提高奥运争光能力。",
             "最低生活保障审核办法\n初审结果应当张榜公布七日。"]
    results = classify_many([segment_text(f"ff{i}", t) for i, t in enumerate(texts)], model)
    assert [r.labels for r in results] == [()] * len(texts)


def test_document_without_cue_scores_zero(model):
    result = classify(segment_text("plain", "关于做好春季农业生产的通知。\n各地要抓好春耕备耕。"), model)
    assert [(r.score, r.label) for r in result.results] == [(0.0, False)] * len(MODES)


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "models"
    target.mkdir()
    for name in (ARRAYS_FILE, META_FILE):
        shutil.copy(MODELS_DIR / name, target / name)
    return target


def test_model_with_other_format_version_is_refused(tmp_path):
    models_dir = _copy_model(tmp_path)
    meta = json.loads((models_dir / META_FILE).read_text(encoding="utf-8"))
    meta["format_version"] = 0
    (models_dir / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError, match="retrain with `policy-miner train`"):
        load_model(models_dir)


def test_model_with_other_features_is_refused(tmp_path):
    models_dir = _copy_model(tmp_path)
    meta = json.loads((models_dir / META_FILE).read_text(encoding="utf-8"))
    meta["feature_fingerprint"] = "0" * 16
    (models_dir / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError, match="features"):
        load_model(models_dir)


def test_tampered_arrays_and_missing_model_are_refused(tmp_path):
    models_dir = _copy_model(tmp_path)
    with (models_dir / ARRAYS_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelVersionError, match="does not match"):
        load_model(models_dir)
    with pytest.raises(ModelVersionError, match="no mode classifier"):
        load_model(tmp_path / "empty")


def test_training_is_deterministic(tmp_path):
    """Train twice on our own written documents, plus the train-split real excerpts when ../shared is there:
    identical artifact bytes."""
    labels = tmp_path / "labels.tsv"
    write_labels([r for r in read_labels(LABELS_FILE) if r.key.startswith("written:") and r.split != "test"], labels)
    first, second = tmp_path / "a", tmp_path / "b"
    report = train(labels, first, seed=0, excerpts=EXCERPTS_DIR.is_dir())
    train(labels, second, seed=0, excerpts=EXCERPTS_DIR.is_dir())
    for name in (ARRAYS_FILE, META_FILE):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert load_model(first).version == report.model_version
    assert (first / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")


# ------------------------------------------------------------------ passing mentions (issue #5, round 2)
# Documents written for these tests only (not in corpora/labels): reports that name a mechanism in one clause must
# get no label; reports that describe it, and adopting documents with a single operative clause, must keep theirs.

PASSING = {
    "述职报告": ("某开发区管委会副主任2023年度述职报告\n"
                 "一年来，本人在党工委、管委会领导下，分管招商、科技和企业服务工作。\n"
                 "协助抓好园区招商引资，全年引进亿元以上项目14个。\n"
                 "参与园区重点产业链链长制相关工作，走访企业60余家次，帮助企业解决用工、融资等问题。\n"
                 "推动企业申报省级揭榜挂帅项目1项、省级工程研究中心2家。\n"
                 "认真履行一岗双责，严格遵守廉洁自律各项规定。\n"
                 "下一步将加强学习，提高服务企业能力。"),
    "信息公开": ("某省科学技术厅2022年政府信息公开工作年度报告\n"
                 "一、总体情况\n全年主动公开各类政府信息512条，及时更新机构职能、政策文件、财政预决算等信息。\n"
                 "加强政策解读，对《关于开展揭榜挂帅科技攻关的实施办法》《推行重点产业链链长制工作方案》等文件配发解读。\n"
                 "二、收到和处理政府信息公开申请情况\n新收申请21件，全部按期办结。\n"
                 "三、存在的主要问题及改进情况\n个别栏目信息更新不够及时，将加强内容保障。"),
    "工作总结": ("某市发展和改革委员会2023年工作总结\n"
                 "一、经济运行总体平稳。地区生产总值增长5.6%，固定资产投资增长4.2%。\n"
                 "二、重大项目建设提速。全年开工省市重点项目96个，完成投资420亿元。\n"
                 "三、创新驱动持续增强。牵头出台支持科技创新若干措施，去年首次开展了揭榜挂帅试点。\n"
                 "四、产业结构加快优化。协同推进重点产业链链长制，新增规上工业企业58家。\n"
                 "五、民生保障有力有效。城镇新增就业3.1万人，完成老旧小区改造42个。\n"
                 "六、改革开放纵深推进。营商环境评价位列全省第三。\n"
                 "七、安全发展底线守牢。粮食、能源供应保持稳定。"),
}


@pytest.mark.parametrize("genre", sorted(PASSING))
def test_reports_naming_a_mechanism_in_one_clause_get_no_label(model, genre):
    text = PASSING[genre]
    result = classify(segment_text(genre, text, DocumentMeta(title=text.splitlines()[0])), model)
    assert result.labels == (), (genre, result.labels)


ADOPTING = {
    "summary-section": (("某区科技局2023年工作总结\n今年以来，我局重点推进了以下工作。\n"
                         "（一）深化揭榜挂帅改革\n围绕企业技术难题征集需求，梳理形成年度榜单12项并公开发榜。\n"
                         "经竞争遴选，确定揭榜方9家，按进度分期拨付资助资金。\n"
                         "对揭榜项目实行里程碑管理，中期考核不合格的终止支持。\n"
                         "（二）加强科普工作\n举办科普活动50余场。"), {"open_competition"}),
    "plan-one-clause": (("某省制造业数字化转型三年行动方案\n一、总体要求\n以智能制造为主攻方向，推动制造业高端化、智能化、绿色化发展。\n"
                         "二、重点任务\n（一）夯实数字基础设施。加快5G基站和工业互联网标识解析节点建设。\n"
                         "（二）推进企业数字化改造。每年遴选一批数字化转型标杆企业，给予技术改造补助。\n"
                         "（三）突破关键软件和装备。对工业软件等短板领域实行揭榜挂帅，支持企业联合高校开展攻关。\n"
                         "（四）培育服务生态。培育一批系统解决方案服务商。\n"
                         "三、保障措施\n加强组织领导，强化资金保障，做好宣传引导。"), {"open_competition"}),
    "short-notice": (("某县人民政府关于调整重点产业链链长的通知\n"
                      "各乡镇人民政府，县直各单位：\n因人事变动，经县政府研究，现调整部分重点产业链链长：装备制造产业链由副县长王某担任链长，"
                      "绿色食品产业链由副县长李某担任链长，牵头单位不变。\n特此通知。"), {"chain_leader"}),
}


@pytest.mark.parametrize("name", sorted(ADOPTING))
def test_adopting_or_describing_documents_keep_their_label(model, name):
    text, expected = ADOPTING[name]
    result = classify(segment_text(name, text, DocumentMeta(title=text.splitlines()[0])), model)
    assert set(result.labels) == expected, (name, [(r.mode, r.score) for r in result.results])
    for mode in expected:
        assert result.result(mode).evidence


def test_prominence_separates_a_clause_from_a_description():
    rules = RULES["open_competition"]
    clause = ["某局2023年工作总结", "新增高新技术企业百余家。", "组织实施揭榜挂帅项目5项。", "举办科普活动30场。"]
    assert prominence(clause, [2], rules, clause[0]).passing
    # the same clause in a forward-looking plan is a requirement, not a passing mention
    plan = ["某市科技创新行动方案", *clause[1:]]
    assert not prominence(plan, [2], rules, plan[0]).passing
    # a report whose title names the mechanism is about it
    assert not prominence(clause, [2], rules, "某局关于揭榜挂帅工作的总结").passing
    # a clause followed by sentences in the mechanism's own vocabulary is a description
    described = [*clause[:3], "面向社会发榜12项，确定揭榜方8家。", "按节点拨付资助资金。", "举办科普活动30场。"]
    assert not prominence(described, [2], rules, described[0]).passing


def test_briefing_topics_do_not_qualify():
    hit = sentence_hit("召开新闻发布会，介绍揭榜挂帅项目申报有关情况。", RULES["open_competition"])
    assert hit.strong and hit.mentioned and not hit.qualifies



# ------------------------------------------------------------------ real phrasing (issue #9: modes on real excerpts)

def test_one_chain_one_policy_alone_is_no_chain_leader_scheme():
    """一链一策 is a work method many plans use without any 链长 or 链主: alone it marks a sentence, never decides."""
    rules = RULES["chain_leader"]
    assert not sentence_hit("围绕十大重点产业，实行一链一策，精准制定扶持政策。", rules).qualifies
    assert sentence_hit("实行一链一策，每条产业链由一位市领导担任链长。", rules).qualifies


def test_report_titled_on_the_major_projects_qualifies_without_a_policy_verb():
    """A retrospective report about the national major projects recounts results (结出硕果, 通过评估) instead of
    naming an action; its title says what it is about."""
    rules = RULES["national_system"]
    sentence = "五年来，我国科技重大专项在集成电路、新药创制等领域结出硕果。"
    assert not sentence_hit(sentence, rules).qualifies
    assert sentence_hit(sentence, rules, heading="科技重大专项：举国协同攻关结硕果").qualifies


def test_nationwide_participation_is_mobilisation_not_a_passive_role():
    rules = RULES["national_system"]
    assert sentence_hit("全国20余个省份、300多家企业、40所高校参与了大型飞机的研制。", rules).qualifies
    assert not sentence_hit("我市企业参与国家科技重大专项研制，获得配套资金。", rules).qualifies


def test_briefing_after_the_term_in_another_clause_does_not_void_it():
    rules = RULES["chain_leader"]
    assert sentence_hit("副市长以链长身份召开产业链链长制推进会，并宣讲了全会精神。", rules).qualifies
    assert _mentioned("讨论了政策术语的扩散，例如链长制等词语的使用。", rules)
    assert _mentioned("开展链长制政策解读。", rules)


def _mentioned(sentence, rules):
    return sentence_hit(sentence, rules).mentioned


@pytest.mark.skipif(not EXCERPTS_DIR.is_dir(), reason="../shared real excerpts not available")
def test_real_excerpts_train_the_classifier_and_the_test_split_is_refused():
    rows = excerpt_rows()
    split = read_split()
    assert rows and all(split[r.key.split(":", 1)[1]][1] == "train" and r.split == "train" for r in rows)
    test_file = next(file for file, (_, part) in split.items() if part == "test")
    with pytest.raises(MissingSourceError, match="not a train-split"):
        load_text(f"excerpt:{test_file}")


def test_a_local_programme_of_major_projects_is_not_national_mobilisation():
    """我市/我区 is 本市/本区 in the first person: a city's own major projects are not the national mode."""
    rules = RULES["national_system"]
    assert not sentence_hit("我市将推进重大科技项目组织管理改革，贯彻国务院有关部署。", rules).qualifies
    assert sentence_hit("国务院将推进重大科技项目组织管理改革，在全国统筹部署。", rules).qualifies


def test_a_headline_first_line_stands_for_a_missing_title(model):
    """A repost whose headline is only the first line of the text: the rules read that line as the title."""
    text = ("科技重大专项：举国协同结硕果\n"
            "五年来，我国科技重大专项在集成电路、新药创制等领域结出硕果。\n"
            "十余个重大专项陆续通过专家组评估，一批成果投入应用。\n"
            "专家表示，重大专项组织实施的经验值得总结。")
    result = classify(segment_text("headline", text), model)
    assert "national_system" in result.labels, [(r.mode, r.score) for r in result.results]


def test_cadres_taking_on_tasks_by_jiebang_is_no_open_competition(model):
    """揭榜 as an assignment of cadres to administrative tasks: every 揭榜 sentence of such a document, its 揭榜挂帅
    slogans included, is in that sense, and 新型举国体制 invoked for it is no national mobilisation; a 揭榜挂帅 call
    for technical challenges keeps its label, also where it names 科技干部 beside research."""
    cadres = ("某区开展重点任务“揭榜攻坚”行动\n"
              "区委组织部日前公布第二批重点任务榜单，共十二项。\n"
              "全区党员干部可自愿报名揭榜，经遴选后组成攻坚小组。\n"
              "推行“揭榜挂帅”机制，让能干事的人上阵，激励干部担当作为。")
    technical = ("某市发布关键核心技术攻关榜单\n"
                 "市科技局日前发布第二批关键核心技术攻关榜单，共十二项。\n"
                 "实行“揭榜挂帅”机制，企业、高校和科研院所均可揭榜，不设门槛。\n"
                 "揭榜方完成攻关任务后，按合同给予资助。\n"
                 "鼓励科技干部和科研人员组队参与揭榜。")
    frame = "“揭榜攻坚”依托新型举国体制，汇聚各方力量破解难题。"
    results = classify_many([segment_text("cadres", f"{cadres}\n{frame}"),
                             segment_text("technical", f"{technical}\n{frame}")], model)
    assert not {"open_competition", "national_system"} & set(results[0].labels), results[0].labels
    assert "open_competition" in results[1].labels


def test_chain_heads_at_a_meeting_are_the_chain_leader_system_at_work():
    """会上各产业链链长发言: a meeting of chain heads shows the mechanism at work (guideline, news reports) even
    without a policy verb; a chain that is merely long is still no chain head."""
    rules = RULES["chain_leader"]
    assert sentence_hit("会上，各产业链“链长”结合实际提出了下一步工作建议。", rules).qualifies
    assert not sentence_hit("会上，专家指出汽车产业零部件众多、产业链长、细分车型多。", rules).qualifies
