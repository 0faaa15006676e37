"""Segmentation: lexicon-aware jieba-rs tokens inside the spaCy zh pipeline, sentences, table rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.models import DocumentMeta, Table
from pipeline.parse.text import is_traditional, normalise, to_simplified
from pipeline.segment import MAX_SENTENCE_CHARS, segment_text, spacy_doc, split_sentences, tokenize
from pipeline.vocabulary import MODE_TERMS, ROLE_TERMS, segmenter_words


def test_domain_terms_are_single_tokens() -> None:
    tokens = tokenize("全面推行链长制，由总链长统筹，链主企业牵头实施揭榜挂帅，健全新型举国体制。")
    for term in ("链长制", "总链长", "链主企业", "揭榜挂帅", "新型举国体制"):
        assert term in tokens


def test_sentences_keep_their_quotes() -> None:
    sentences = split_sentences("全省建立工作体系。“九个一”机制是核心！他说：“好。”然后实施。")
    assert sentences == ["全省建立工作体系。", "“九个一”机制是核心！", "他说：“好。”", "然后实施。"]


def test_over_long_runs_are_cut_at_semicolons() -> None:
    clause = "各地区各部门要加强统筹协调做好工作" * 3 + "；"
    sentences = split_sentences(clause * 20)
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert "".join(sentences) == clause * 20
    assert all(s.endswith("；") for s in sentences)


def test_table_rows_become_located_sentences() -> None:
    table = Table(rows=(("产业链", "链长", "牵头单位"), ("集成电路", "副省长", "省经信厅")), index=0)
    doc = segment_text("d1", "第一段。第二句。\n第二段。", tables=(table,))
    assert [(s.text, s.locator) for s in doc.sentences] == [
        ("第一段。", "p1"), ("第二句。", "p1"), ("第二段。", "p2"),
        ("产业链｜链长｜牵头单位", "t1r1"), ("集成电路｜副省长｜省经信厅", "t1r2")]
    assert [s.index for s in doc.sentences] == list(range(5))


def test_entity_ruler_tags_regions_roles_and_mode_terms() -> None:
    doc = segment_text("d2", "浙江省实行链长制，省长担任总链长。")
    labels = {(ent.label_, ent.text) for ent in spacy_doc(doc.sentences[0]).ents}
    assert {("REGION", "浙江省"), ("MODE_TERM", "链长制"), ("ROLE", "总链长")} <= labels


def test_segmentation_writes_no_dictionary_cache_to_tmp(tmp_path) -> None:
    """Python jieba caches its dictionary in the world-writable /tmp (anyone can plant the file it loads);
    the pipeline segments with jieba-rs, which keeps its dictionary in memory: nothing lands in TMPDIR and
    Python jieba is never initialised, whatever a stage does with text."""
    script = (
        "import sys, jieba\n"
        "from pipeline.segment import segment_text, spacy_doc, nlp, tokenize\n"
        "doc = segment_text('d', '浙江省实行链长制，省长担任总链长。\\n揭榜挂帅。')\n"
        "spacy_doc(doc.sentences[0]); nlp()('链主企业牵头'); tokenize('新型举国体制')\n"
        "assert not jieba.dt.initialized, 'Python jieba was initialised'\n"
        "print(len(doc.sentences))\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
    assert not list(scratch.rglob("*jieba*"))


def test_lexicon_and_vocabulary_terms_stay_whole() -> None:
    """A cue term in pipeline.vocabulary (roles, mechanism names, the classifier's strong and contextual cues) is a
    word of the segmenter too: one vocabulary, seen everywhere."""
    assert {*ROLE_TERMS, *MODE_TERMS} <= set(segmenter_words())
    for term in segmenter_words():
        assert tokenize(f"各地{term}要落实") == ["各地", term, "要", "落实"], term


TRADITIONAL = "天津市實行重點產業鏈鏈長制，總鏈長由市委書記擔任。\n各區建立“一鏈一策”工作機制，鏈主企業牽頭攻關。"


def test_traditional_text_is_segmented_in_simplified_characters_with_original_offsets() -> None:
    doc = segment_text("t", TRADITIONAL, DocumentMeta(title="關於實行鏈長制的通知"))
    assert doc.meta.title == "关于实行链长制的通知"
    assert doc.sentences[0].text == "天津市实行重点产业链链长制，总链长由市委书记担任。"
    assert {"链长制", "总链长", "链主企业", "一链一策"} <= {t for s in doc.sentences for t in s.tokens}
    simplified = to_simplified(TRADITIONAL)
    assert len(simplified) == len(TRADITIONAL)
    for sentence in doc.sentences:  # an offset into the simplified text is one into the original
        start = simplified.index(sentence.text)
        assert to_simplified(TRADITIONAL[start:start + len(sentence.text)]) == sentence.text


def test_simplified_text_is_left_alone() -> None:
    """t2s rewrites some words a simplified text uses legitimately; such a text is not converted at all."""
    text = "一批覆盖全市的重点项目，严禁破坏土地。昇腾生态由市工信局负责。"
    assert not is_traditional(text)
    assert [s.text for s in segment_text("s", text).sentences] == ["一批覆盖全市的重点项目，严禁破坏土地。",
                                                                  "昇腾生态由市工信局负责。"]
    assert is_traditional(TRADITIONAL)


def test_pinyin_inserted_by_mirror_sites_is_removed_before_segmentation() -> None:
    """Some reposts put tone-marked pinyin after characters (舉國(guó)體制): it would split every term."""
    text = normalise("發揮新型舉國(guó)體制作用(a)，重大專項(xiàng):北京(Beijing)")
    assert text == "發揮新型舉國體制作用(a)，重大專項：北京(Beijing)"
    assert "新型举国体制" in segment_text("p", text).sentences[0].tokens
