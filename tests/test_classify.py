"""Innovation-mode classifier: rules, evidence, model loading, training determinism (no shared corpora needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.classify import ModelVersionError, classify, classify_many, load_model, train
from pipeline.classify.dataset import LABELS_FILE, read_labels, write_labels
from pipeline.classify.model import ARRAYS_FILE, META_FILE
from pipeline.classify.rules import RULES, keyword_baseline, sentence_hit
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
    """Train twice on our own written documents (no shared corpora needed): identical artifact bytes."""
    labels = tmp_path / "labels.tsv"
    write_labels([r for r in read_labels(LABELS_FILE) if r.key.startswith("written:") and r.split != "test"], labels)
    first, second = tmp_path / "a", tmp_path / "b"
    report = train(labels, first, seed=0)
    train(labels, second, seed=0)
    for name in (ARRAYS_FILE, META_FILE):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert load_model(first).version == report.model_version
    assert (first / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")
