"""Metadata helpers, text clean-up, and parse_document's merge order through a real CorpusStore."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import formats
from pipeline.ingest import ingest_folder
from pipeline.models import DocumentMeta, RawDocument, RawPart
from pipeline.parse import parse_document
from pipeline.parse.metadata import (TextEvidence, clean_title, complete, doc_type_from_title, document_meta, meta_from_text,
                                     normalise_date, normalise_doc_number, region_from_doc_number, region_from_url,
                                     region_in_text, split_organs, text_evidence)
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


def test_traditional_character_notice_states_issuer_number_and_date():
    """A traditional-character copy reads like the simplified original (offsets and length unchanged)."""
    from opencc import OpenCC

    simplified = ["台州市人民政府办公室", "台政办发〔2022〕9号", "台州市人民政府办公室关于建立重点产业链链长制的通知",
                  "各县（市、区）人民政府，市政府直属各单位：", "经市政府同意，现就建立产业链链长制有关事项通知如下。",
                  "由市领导担任链长，市经信局负责日常联络。", "台州市人民政府办公室", "2022年4月18日"]
    traditional = [OpenCC("s2t").convert(line) for line in simplified]
    assert traditional != simplified and "辦公室" in traditional[0]  # the copy really is in traditional characters
    meta = meta_from_text(traditional)
    assert meta.issuer == "台州市人民政府办公室"
    assert meta.doc_number == "台政办发〔2022〕9号"
    assert meta.written_date == "2022-04-18"
    assert meta.title == "台州市人民政府办公室关于建立重点产业链链长制的通知"
    assert complete(meta).region == "台州市"


def test_a_page_opening_with_its_organs_name_alone_names_the_issuer():
    paragraphs = ["洛阳市人民政府办公室", "各县（市、区）人民政府，市政府各部门：",
                  "经市政府同意，决定建立重点产业链链长制。现将有关事项通知如下。", "由市长担任总链长。"]
    meta = meta_from_text(paragraphs)
    assert meta.issuer == "洛阳市人民政府办公室" and meta.title == ""
    assert complete(meta).region == "洛阳市"
    news = meta_from_text(["洛阳市召开产业链推进会", "记者获悉，洛阳市将建立链长制。"])
    assert news.issuer == ""  # a headline is not an organ's name


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


# --- text evidence: 落款, joint issuers, decrees, reposts, exports (invented documents) -----------------------------

@pytest.mark.parametrize(("line", "organs"), [
    ("示范省人民政府办公厅　中央军委办公厅", ["示范省人民政府办公厅", "中央军委办公厅"]),
    ("国务院中央军委", ["国务院", "中央军委"]),
    ("示范市科学技术局示范市财政局", ["示范市科学技术局", "示范市财政局"]),
    ("广州市天河区科技工业和信息化局广州市天河区人力资源和社会保障局中共广州市天河区委统战部",
     ["广州市天河区科技工业和信息化局", "广州市天河区人力资源和社会保障局", "中共广州市天河区委统战部"]),
    ("示范市人力资源和社会保障局、示范市财政局", ["示范市人力资源和社会保障局", "示范市财政局"]),
    ("国务院办公厅 &bsp;", ["国务院办公厅"]),
    ("示范省推进“三地一区”建设领导小组办公室", ["示范省推进“三地一区”建设领导小组办公室"]),
    ("国务院办公厅", ["国务院办公厅"]),  # an inner unit (办公厅) never starts an organ of its own
    ("现将方案印发给你们。", []), ("一、总体要求", []), ("总理　李克强", []),
])
def test_split_organs(line: str, organs: list[str]):
    assert split_organs(line) == organs


def test_closing_of_an_issuing_notice_comes_before_the_attached_text():
    paragraphs = ["示范省人民政府办公厅转发示范省科学技术厅关于揭榜挂帅项目管理意见的通知", "示政办发〔2022〕7号",
                  "各市人民政府：", "省科技厅《关于揭榜挂帅项目管理的意见》已经省政府同意，现转发给你们，请认真贯彻执行。",
                  "示范省人民政府办公厅", "2022年5月6日", "关于揭榜挂帅项目管理的意见", "一、总体要求",
                  "以需求为导向，面向全社会张榜招贤。", "示范省科学技术厅", "2022年3月1日"]
    meta = meta_from_text(paragraphs)
    assert meta.issuer == "示范省人民政府办公厅" and meta.written_date == "2022-05-06"
    assert meta.title.startswith("示范省人民政府办公厅转发") and meta.doc_number == "示政办发〔2022〕7号"


def test_joint_closing_keeps_every_issuer():
    paragraphs = ["示范市科学技术局示范市财政局关于印发链长制专项资金管理办法的通知", "各区科技局、财政局：",
                  "现将办法印发给你们，请遵照执行。", "示范市科学技术局示范市财政局", "示范市发展和改革委员会",
                  "2023年2月1日", "（联系人：张三）"]
    meta = meta_from_text(paragraphs)
    assert meta.issuer == "示范市科学技术局、示范市财政局、示范市发展和改革委员会"
    assert meta.written_date == "2023-02-01"


@pytest.mark.parametrize(("paragraphs", "expected"), [
    (["中华人民共和国国务院令", "第900号", "《示范数据条例》已经国务院常务会议通过，现予公布，自2030年1月1日起施行。",
      "总理　某某", "2029年12月1日", "示范数据条例", "第一章　总则"],
     ("示范数据条例", "国务院", "国令第900号", "2029-12-01")),
    (["示范市人民政府令", "第12号", "《示范市科技成果转化办法》已经市政府常务会议通过，现予公布。", "市长：某某",
      "2024年3月8日", "示范市科技成果转化办法"],
     ("示范市科技成果转化办法", "示范市人民政府", "示范市人民政府令第12号", "2024-03-08")),
    (["（2025年7月1日中华人民共和国国务院令第901号公布）", "第一章　总则", "第一条　为了规范示范登记，制定本条例。"],
     ("", "国务院", "国令第901号", "2025-07-01")),
])
def test_decrees(paragraphs: list[str], expected: tuple[str, str, str, str]):
    evidence = text_evidence(paragraphs)
    stated = evidence.stated
    assert (stated.title, stated.issuer, stated.doc_number, stated.written_date) == expected
    assert stated.doc_type == "令"


def test_export_header_labels_and_citation_code_line():
    paragraphs = ["【法宝引证码】 CLI.12.1234567", "原文链接：https://www.pkulaw.com/lar/0000.html",
                  "示范市人民政府办公室关于印发《示范市数据管理办法》的通知", "示范市人民政府办公室关于印发《示范市数据管理办法》的通知",
                  "【发布部门】 示范市人民政府办公室", "【发文字号】 示府办发〔2022〕4号", "【发布日期】 2022.05.06",
                  "各区人民政府：", "现将办法印发给你们。", "2022年5月1日"]
    meta = meta_from_text(paragraphs)
    assert meta.title == "示范市人民政府办公室关于印发《示范市数据管理办法》的通知"
    assert (meta.issuer, meta.doc_number, meta.publish_date) == ("示范市人民政府办公室", "示府办发〔2022〕4号", "2022-05-06")
    assert meta.written_date == "2022-05-01"  # a lone date line after a sentence closes too


@pytest.mark.parametrize(("paragraphs", "title"), [
    (["示范省人民政府办公厅关于全面推行行政规范性文件", "合法性审核机制的实施意见", "示政办发〔2020〕3号"],
     "示范省人民政府办公厅关于全面推行行政规范性文件合法性审核机制的实施意见"),  # …规范性文件 is no letterhead
    (["示范省人民政府文件", "示政发〔2020〕1号", "示范省人民政府关于加快科技创新的意见"], "示范省人民政府关于加快科技创新的意见"),
    (["一、总体要求", "坚持创新驱动。"], ""),  # a heading is never a title
    (["本报记者　某某", "示范市召开链长制工作推进会", "会议指出，要压实链长责任。"], "示范市召开链长制工作推进会"),
    (["示范行业是国民经济的传统优势产业，在稳增长、扩内需、惠民生等方面发挥着关键", "作用。"], ""),  # prose
    (["摘要", "本报告梳理了示范产业的发展。"], ""), (["、指导思想", "以创新驱动为引领。"], ""),
    (["1.示范安全治理原则", "示范是新领域。"], ""),
    (["2029年10月28日在示范会议上", "示范委员会主任某某", "各位委员："], ""),  # a speech's byline
    (["示范水利部办公厅", "2029年6月14日", "2029年推进智慧水利工作要点", "为贯彻落实部署，现提出要点。"],
     "2029年推进智慧水利工作要点"),  # an organ line and a date above the title
    (["JNCR—2029—0040001", "示范市工业和信息化局示范市公安局", "关于印发示范规定的通知", "各区："],
     "示范市工业和信息化局示范市公安局关于印发示范规定的通知"),
    (["示范商报网 > 示范省 > 特别报道", "示范省实施产业链链长制", "2029-05-10"], "示范省实施产业链链长制"),  # a nav trail
    (["您当前的位置 : 示范网 >> 新闻中心 >> 评论", "示范市推行链长制", "2029-05-10"], "示范市推行链长制"),
    (["从示范研发看我国科技力量建设", "示范技术发展中心 北京 100039", "摘要：强化科技力量。"],
     "从示范研发看我国科技力量建设"),  # an affiliation with its postcode ends the title
    (["29-05-29 16:40 来源：示范网 编辑：某某", "示范市推行链长制", "正文。"], "示范市推行链长制"),  # a byline inside a line
])
def test_text_titles(paragraphs: list[str], title: str):
    assert meta_from_text(paragraphs).title == title


@pytest.mark.parametrize(("raw", "clean"), [
    ("（转载）示范市人民政府办公厅关于印发住房管理办法的通知", "示范市人民政府办公厅关于印发住房管理办法的通知"),
    ("【人社】示范市劳动仲裁网上申请流程", "示范市劳动仲裁网上申请流程"), ("[有效]示范省盐业改革方案", "示范省盐业改革方案"),
    ("示范市科技局关于建立链长制的通知", "示范市科技局关于建立链长制的通知"),
])
def test_clean_title(raw: str, clean: str):
    assert clean_title(raw) == clean


def test_reposted_page_takes_the_documents_organ_not_the_sites():
    page = DocumentMeta(title="（转载）示范市人民政府办公厅关于印发住房管理办法的通知", issuer="示范市东城区某某街道办事处",
                        written_date="2024-07-26", publish_date="2024-09-12")
    no_closing = document_meta(page, DocumentMeta(), TextEvidence())
    assert no_closing.title == "示范市人民政府办公厅关于印发住房管理办法的通知"
    assert no_closing.issuer == "示范市人民政府办公厅"  # from the title, never the reposting site
    unmarked = replace(page, title="示范市人民政府办公厅关于印发住房管理办法的通知")
    closing = TextEvidence(stated=DocumentMeta(issuer="示范市人民政府办公厅", written_date="2024-07-26"))
    assert document_meta(unmarked, DocumentMeta(), closing).issuer == "示范市人民政府办公厅"
    abbreviated = DocumentMeta(title="示范市科技局关于建立链长制的通知", issuer="示范市科学技术局")
    assert document_meta(abbreviated, DocumentMeta(), TextEvidence()).issuer == "示范市科学技术局"  # same organ, full name


def test_notice_title_wins_over_a_page_title_naming_the_attached_text():
    page = DocumentMeta(title="示范区港澳青年创新创业实施办法")
    text = TextEvidence(guessed=DocumentMeta(title="示范区科技局关于印发示范区港澳青年创新创业实施办法的通知"))
    assert document_meta(page, DocumentMeta(), text).title == "示范区科技局关于印发示范区港澳青年创新创业实施办法的通知"


# --- metadata sidecar (metadata.csv next to ingested files) -------------------------------------------------------

def _ingest_and_parse(store: CorpusStore, folder: Path) -> dict[str, DocumentMeta]:
    report = ingest_folder(store, folder)
    parsed = {}
    for doc_id in report.doc_ids:
        raw = store.get_document(doc_id)
        parsed[raw.url] = parse_document(raw, store.read_blob).meta
    return parsed


def test_sidecar_states_what_a_file_does_not(tmp_path: Path):
    folder = tmp_path / "in"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "report.txt").write_text("各位代表：\n现在，我代表市人民政府向大会报告工作。\n", encoding="utf-8")
    (folder / "notice.txt").write_text("示范市科学技术局关于建立链长制的通知\n各区科技局：\n现就建立链长制通知如下。\n"
                                       "示范市科学技术局\n2023年4月2日\n", encoding="utf-8")
    (folder / "reports" / "metadata.csv").write_text(
        "file,title,issuer,written_date,doc_type\nreport.txt,2030年示范市政府工作报告,示范市人民政府,2030年1月20日,报告\n",
        encoding="utf-8")
    with CorpusStore(tmp_path / "store") as store:
        parsed = _ingest_and_parse(store, folder)
        assert set(parsed) == {"reports/report.txt", "notice.txt"}  # the sidecar itself is no document
        report = parsed["reports/report.txt"]
        assert (report.title, report.issuer, report.written_date, report.doc_type) == (
            "2030年示范市政府工作报告", "示范市人民政府", "2030-01-20", "报告")
        notice = parsed["notice.txt"]  # no sidecar row: what the text states
        assert (notice.issuer, notice.written_date) == ("示范市科学技术局", "2023-04-02")
        # a corrected sidecar row updates the stored document on the next ingest
        (folder / "reports" / "metadata.csv").write_text("file,title\nreport.txt,2030年示范市人民政府工作报告\n",
                                                         encoding="utf-8")
        assert _ingest_and_parse(store, folder)["reports/report.txt"].title == "2030年示范市人民政府工作报告"


@pytest.mark.parametrize(("content", "message"), [
    ("title\nx\n", r"metadata.csv:1: the header needs a 'file' column"),
    ("file,author\nreport.txt,x\n", r"metadata.csv:1: unknown column 'author'"),
    ("file,written_date\nreport.txt,next spring\n", r"metadata.csv:2: written_date is not a date"),
])
def test_malformed_sidecar_is_recorded_with_file_and_line(tmp_path: Path, content: str, message: str):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text("各位代表：\n现在报告工作。\n", encoding="utf-8")
    (folder / "metadata.csv").write_text(content, encoding="utf-8")
    with CorpusStore(tmp_path / "store") as store:
        report = ingest_folder(store, folder)
        assert len(report.doc_ids) == 1  # the file is ingested all the same
        assert len(report.errors) == 1 and re.search(message, report.errors[0])


def test_portal_header_in_a_page_text_and_labels_of_listed_documents():
    paragraphs = ["索引号：000000000/2016-000001 主题分类：综合政务", "发布机构： 示范省政府办公厅 成文日期： 2016-12-28",
                  "文号： 示政发〔2016〕49号", "有效性： 有效", "示范省人民政府关于印发示范省盐业改革方案的通知",
                  "日期：2016-12-29 12:18", "各市人民政府：", "现将方案印发给你们，请认真贯彻实施。",
                  "发文单位：省科委、省财政局", "文号：示科〔2005〕11号", "示范省人民政府", "2016年12月28日"]
    evidence = text_evidence(paragraphs)
    assert evidence.labelled.doc_number == "示政发〔2016〕49号"  # header labels only, not the listed documents'
    assert evidence.labelled.publish_date == "2016-12-29"
    meta = document_meta(DocumentMeta(), DocumentMeta(), evidence)
    assert meta.title == "示范省人民政府关于印发示范省盐业改革方案的通知"  # 有效性：有效 is no title line
    assert meta.issuer == "示范省人民政府"  # the 落款, not the portal's 发布机构
    assert meta.doc_number == "示政发〔2016〕49号"


@pytest.mark.parametrize(("paragraphs", "issuer", "date"), [
    (["示范省人民政府办公厅关于印发打假工作方案的通知", "各地级以上市人民政府：", "现将方案印发给你们。", "省府办公厅",
      "2017年3月21日"], "示范省人民政府办公厅", "2017-03-21"),  # an abbreviated 落款 takes the title's full name
    (["关于示范课题成果出版有关事项的通知", "有关高等学校：", "成果出版依此办理。", "教育部社会科学司", "二ОО六年六月八日"],
     "教育部社会科学司", "2006-06-08"),  # …司, and 〇 typed as a Cyrillic О
    (["示范市财政局关于转发税收政策的通知", "各区财政局：", "现转发给你们。", "示范市财政局", "二ＯＯ七年二月六日"],
     "示范市财政局", "2007-02-06"),
    (["示范市工业和信息化局关于组织申报的通知", "各区主管部门：", "请按要求申报。", "附件：1. 推荐汇总表", "2. 申报材料",
      "2021年6月17日"], "示范市工业和信息化局", "2021-06-17"),  # a lone date under the attachment list
])
def test_closing_variants(paragraphs: list[str], issuer: str, date: str):
    meta = document_meta(DocumentMeta(), DocumentMeta(), text_evidence(paragraphs))
    assert (meta.issuer, meta.written_date) == (issuer, date)


def test_decree_numbered_by_year_keeps_the_year():
    stated = text_evidence(["中华人民共和国示范部令", "2018 年 第 2 号", "《示范听证规则》已经部务会议审议通过，现予发布。",
                            "部长　某某", "2018年4月4日", "示范听证规则"]).stated
    assert (stated.doc_number, stated.issuer, stated.title, stated.written_date) == (
        "示范部令2018年第2号", "示范部", "示范听证规则", "2018-04-04")


def test_an_ingested_html_file_keeps_what_its_page_labels(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(
        "<html><head><title>示范省人民政府办公厅关于实施链长制的通知_示范省人民政府</title></head><body>"
        "<div class='xxgk'><span>发布机构：</span>示范省人民政府办公厅<span>发文字号：</span>示政办发〔2022〕3号</div>"
        "<div id='zoom'><p>各市人民政府：</p><p>现就实施重点产业链链长制通知如下，请认真贯彻落实。</p></div></body></html>",
        encoding="utf-8")
    with CorpusStore(tmp_path / "store") as store:
        meta = _ingest_and_parse(store, folder)["page.html"]
    assert (meta.title, meta.issuer, meta.doc_number) == (
        "示范省人民政府办公厅关于实施链长制的通知", "示范省人民政府办公厅", "示政办发〔2022〕3号")
