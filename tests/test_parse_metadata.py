"""Metadata helpers, text clean-up, and parse_document's merge order through a real CorpusStore."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline import formats
from pipeline.models import DocumentMeta, RawDocument, RawPart
from pipeline.parse import parse_document
from pipeline.parse.metadata import (doc_type_from_title, meta_from_text, normalise_date, normalise_doc_number,
                                     region_from_doc_number, region_from_url, region_in_text)
from pipeline.parse.text import normalise, rejoin_wrapped, strip_running_lines
from pipeline.store import CorpusStore

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "parse"))
import make_docs  # noqa: E402


@pytest.mark.parametrize(("text", "iso"), [
    ("2023年6月14日", "2023-06-14"), ("成文日期 ：2023-06-14", "2023-06-14"), ("2023.06.14", "2023-06-14"),
    ("2023/6/4 10:00", "2023-06-04"), ("二〇二三年六月十四日", "2023-06-14"), ("二○二一年十二月三十一日", "2021-12-31"),
    ("２０２３年０６月１４日", "2023-06-14"), ("2023年13月40日", ""), ("无", ""),
])
def test_dates_normalised(text: str, iso: str):
    assert normalise_date(text) == iso


@pytest.mark.parametrize("text", ["浙政办发〔2021〕12号", "浙政办发[2021]12号", "浙政办发(2021)12号",
                                  "浙政办发（2021）12号", "浙政办发［2021］12号", "浙政办发 〔2021〕 12 号"])
def test_doc_number_brackets_normalised(text: str):
    assert normalise_doc_number(text) == "浙政办发〔2021〕12号"


@pytest.mark.parametrize(("title", "kind"), [
    ("示范省人民政府关于印发《重点产业链链长制工作方案》的通知", "通知"),
    ("关于加快建设科技强省的实施意见", "意见"), ("揭榜挂帅项目管理办法（试行）", "办法"),
    ("示范市“十四五”科技创新规划", "规划"), ("关于同意设立示范高新区的批复", "批复"),
    ("科技成果转化实施细则", "细则"), ("2024年政府工作报告", "报告"), ("示范市科技创新大会召开", ""),
])
def test_doc_type_from_title(title: str, kind: str):
    assert doc_type_from_title(title) == kind


def test_regions_from_issuer_doc_number_and_url():
    assert region_in_text("广州市天河区科技工业和信息化局") == "广州市天河区"
    assert region_in_text("浙江省人民政府办公厅") == "浙江省"
    assert region_in_text("国务院办公厅") == "全国"  # central organs: the nation as region
    assert region_from_doc_number("粤府办〔2022〕3号") == "广东省"
    assert region_from_doc_number("穗府办规〔2021〕7号") == "广州市"
    assert region_from_doc_number("国办发〔2023〕18号") == "全国"
    assert region_from_url("https://www.zj.gov.cn/art/2023/1/1/art_1.html") == "浙江省"
    assert region_from_url("http://www.gd.gov.cn/gkmlpt/content/1/1/post_1.html") == "广东省"
    assert region_from_url("https://rsj.gz.gov.cn/zcwj/content/post_1.html") == "广州市"
    assert region_from_url("https://www.gov.cn/zhengce/content/1.htm") == ""


def test_text_metadata_skips_letterhead_and_reads_closing():
    paragraphs = ["示范省人民政府办公厅文件", "示政办发（2023）5号", "示范省人民政府办公厅", "关于印发重点产业链",
                  "链长制工作方案的通知", "各市人民政府，省政府直属各单位：", "现将方案印发给你们，请认真贯彻执行。",
                  "示范省人民政府办公厅", "二〇二三年三月八日", "（此件公开发布）"]
    meta = meta_from_text(paragraphs)
    assert meta.title == "示范省人民政府办公厅关于印发重点产业链链长制工作方案的通知"
    assert meta.doc_number == "示政办发〔2023〕5号"
    assert meta.issuer == "示范省人民政府办公厅"
    assert meta.written_date == "2023-03-08"


def test_character_normalisation():
    assert normalise("链长 制 ，第 ３ 批:ＡＢ公司,已 认定") == "链长制，第3批：AB公司，已认定"
    assert normalise("Hello   world 2023 年") == "Hello world 2023年"


def test_rejoin_wrapped_lines_without_spaces():
    lines = ["为加快构建现代化产业体系，推动重点产业链稳链补链强链，经市政府", "同意，现就建立链长制提出如下意见。", "一、总体要求",
             "坚持市级领导挂帅、部门协同推进、企业主体参与的工作机制，围绕重", "点产业链逐链明确链长。", "（一）梳理产业链图谱",
             "牵头单位会同相关部门摸清产业链上下游企业、关键技术和配套短板，"]
    assert rejoin_wrapped(lines) == [
        "为加快构建现代化产业体系，推动重点产业链稳链补链强链，经市政府同意，现就建立链长制提出如下意见。", "一、总体要求",
        "坚持市级领导挂帅、部门协同推进、企业主体参与的工作机制，围绕重点产业链逐链明确链长。", "（一）梳理产业链图谱",
        "牵头单位会同相关部门摸清产业链上下游企业、关键技术和配套短板，"]


def test_running_lines_and_page_numbers_stripped():
    pages = [["示范市科技局文件", "正文第一页内容。", "第1页 共3页"], ["示范市科技局文件", "正文第二页内容。", "- 2 -"],
             ["示范市科技局文件", "正文第三页内容。", "3/3"]]
    assert strip_running_lines(pages) == [["正文第一页内容。"], ["正文第二页内容。"], ["正文第三页内容。"]]


def test_parse_document_merges_page_listing_and_attachment(tmp_path: Path):
    page_html = ("<html><head><meta name='ArticleTitle' content='示范市科技局关于建立链长制的通知'></head><body>"
                 "<div class='xxgk'><span>发布机构：</span>示范市科学技术局<span>成文日期：</span>2022-03-18</div>"
                 "<div id='zoom'><p>各区科技局：</p><p>现将链长制实施意见转发给你们。</p></div></body></html>")
    with CorpusStore(tmp_path / "store") as store:
        page_sha = store.put_blob(page_html.encode(), formats.HTML)
        pdf_sha = store.put_blob(make_docs.policy_pdf(), formats.PDF)
        bad_sha = store.put_blob(make_docs.policy_pdf(encrypt_password="x"), formats.PDF)
        raw = RawDocument(
            doc_id="d1", source="test", url="https://kjj.hangzhou.gov.cn/art/2022/3/20/art_1.html",
            parts=(RawPart("page", "https://kjj.hangzhou.gov.cn/art/2022/3/20/art_1.html", page_sha, formats.HTML),
                   RawPart("attachment", "https://kjj.hangzhou.gov.cn/a1.pdf", pdf_sha, formats.PDF),
                   RawPart("attachment", "https://kjj.hangzhou.gov.cn/a2.pdf", bad_sha, formats.PDF)),
            meta=DocumentMeta(title="列表标题（不应覆盖页面）", issuer="列表机构", doc_number="杭科发〔2022〕9号",
                              publish_date="2022-03-20"))
        parsed = parse_document(raw, store.read_blob)
    meta = parsed.meta
    assert meta.title == "示范市科技局关于建立链长制的通知"  # page > listing
    assert meta.issuer == "示范市科学技术局"
    assert meta.written_date == "2022-03-18"
    assert meta.doc_number == "杭科发〔2022〕9号"  # listing > attachment text (示政办发…)
    assert meta.publish_date == "2022-03-20"
    assert meta.region == "杭州市" and meta.doc_type == "通知"
    attachment = parsed.parts[1]
    assert attachment.meta.title == make_docs.TITLE  # its own statement kept
    assert attachment.meta.publish_date == "2022-03-20" and attachment.meta.region == "杭州市"  # inherited
    assert attachment.meta.doc_type == "意见"
    assert parsed.tables[0].part == 1
    assert parsed.errors == ("attachment https://kjj.hangzhou.gov.cn/a2.pdf: encrypted PDF (password required)",)
    assert "现将链长制实施意见转发给你们。" in parsed.text


def test_parse_document_reports_missing_blob(tmp_path: Path):
    with CorpusStore(tmp_path / "store") as store:
        raw = RawDocument(doc_id="d2", source="test", url="https://example.gov.cn/x.html",
                          parts=(RawPart("page", "https://example.gov.cn/x.html", "ab" * 32, formats.HTML),))
        parsed = parse_document(raw, store.read_blob)
    assert parsed.parts[0].error.startswith("stored file missing")
