"""Media-type sniffing and GBK-safe decoding on real byte patterns."""

from __future__ import annotations

import io
import zipfile

from pipeline.formats import DOCX, HTML, PDF, TEXT, UNKNOWN, decode_html, decode_text, sniff_media_type

GBK_PAGE = '<html><head><title>通知</title></head><body><p>各市人民政府：现将链长制工作方案印发给你们。</p></body></html>'


def test_pdf_served_as_html_is_sniffed_as_pdf() -> None:
    assert sniff_media_type(b"%PDF-1.7\n...", "download.htm", "text/html") == PDF


def test_docx_recognised_by_its_zip_members() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert sniff_media_type(buffer.getvalue(), "attachment.bin") == DOCX


def test_html_and_text_and_unknown() -> None:
    assert sniff_media_type(b"<!DOCTYPE html><html>", "x") == HTML
    assert sniff_media_type("第一条 为了规范管理。".encode("gb18030"), "law.txt") == TEXT
    assert sniff_media_type("链长制".encode()[:-1], "") == TEXT  # a character cut at the end is still text
    assert sniff_media_type(b"Rar!\x1a\x07\x00\x00\xff\x00", "data.rar") == UNKNOWN


def test_gbk_page_without_any_declaration_decodes() -> None:
    text, encoding = decode_html(GBK_PAGE.encode("gbk"))
    assert encoding == "gb18030"
    assert "链长制工作方案" in text


def test_meta_charset_wins_over_wrong_header_only_when_it_decodes() -> None:
    page = GBK_PAGE.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    text, encoding = decode_html(page.encode("gbk"), "text/html; charset=utf-8")
    assert encoding == "gb18030" and "链长制" in text
    text, encoding = decode_html(GBK_PAGE.encode("utf-8"), "text/html; charset=gbk")
    assert "链长制" in text


def test_undecodable_bytes_are_flagged() -> None:
    text, encoding = decode_text(b"abc\x80\xff\x80")
    assert encoding == "replace" and text.startswith("abc")
