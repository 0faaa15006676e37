"""DOCX natively, zip-bomb guard, DOC through LibreOffice (when installed), TXT and Markdown."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import formats
from pipeline.models import RawPart
from pipeline.parse import parse_part

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "parse"))
import make_docs  # noqa: E402


def parse(data: bytes, media_type: str, name: str = "file"):
    return parse_part(data, RawPart(role="attachment", url=f"https://example.gov.cn/{name}", sha256="",
                                    media_type=media_type, filename=name), index=1)


def test_docx_paragraphs_and_table_in_body_order():
    part = parse(make_docs.policy_docx(), formats.DOCX)
    assert part.error == ""
    paragraphs = part.text.split("\n")
    assert paragraphs[0] == make_docs.TITLE
    assert paragraphs[-2:] == list(make_docs.CLOSING)
    assert part.tables[0].rows == make_docs.CHAINS
    assert part.tables[0].part == 1 and part.tables[0].page is None
    assert "新能源汽车" not in part.text
    assert part.meta.doc_number == "示政办发〔2022〕7号"
    assert part.meta.written_date == "2022-03-18"


def test_zip_bomb_docx_is_refused():
    part = parse(make_docs.zip_bomb_docx(), formats.DOCX)
    assert part.error.startswith("DOCX refused as a possible zip bomb")
    assert part.text == ""


def test_corrupt_docx_gives_error():
    part = parse(b"PK\x03\x04" + b"\x00" * 200, formats.DOCX)
    assert part.error.startswith("corrupt DOCX")


def _doc_bytes(tmp_path: Path) -> bytes:
    source = tmp_path / "policy.docx"
    source.write_bytes(make_docs.policy_docx())
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=120)
    return (tmp_path / "policy.doc").read_bytes()


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice (libreoffice-writer-nogui)")
def test_doc_is_converted_with_libreoffice(tmp_path: Path):
    data = _doc_bytes(tmp_path)
    assert formats.sniff_media_type(data, "policy.doc") == formats.DOC
    part = parse(data, formats.DOC, "policy.doc")
    assert part.error == ""
    assert part.text.split("\n")[0] == make_docs.TITLE
    assert part.tables[0].rows == make_docs.CHAINS


def test_doc_without_libreoffice_gives_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    part = parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, formats.WPS, "policy.wps")
    assert part.error == "WPS needs LibreOffice to convert (install libreoffice-writer-nogui)"


def test_unsupported_and_empty_files():
    assert parse(b"Rar!\x1a\x07\x00rest", "application/x-rar").error == "unsupported file type application/x-rar"
    assert parse(b"", formats.PDF).error == "empty file (0 bytes)"


def test_gbk_text_file_decoded_and_normalised():
    text = "第一条　为了规范科技项目管理，制定本办法。\n\n第二条 本办法适用于全市ＡＩ项目,由市科技局负责。\n"
    part = parse(text.encode("gbk"), formats.TEXT, "rules.txt")
    assert part.text.split("\n") == ["第一条为了规范科技项目管理，制定本办法。",
                                     "第二条本办法适用于全市AI项目，由市科技局负责。"]


def test_markdown_stripped_of_marks_and_links_with_tables():
    markdown = ("# 示范市揭榜挂帅项目管理办法\n\n## 第一章 总则\n\n"
                "详见[项目申报指南](https://example.gov.cn/guide.html)和**附件1**。\n\n"
                "| 榜单名称 | 发榜方 |\n|---|---|\n| 高端芯片封装 | 示范电子公司 |\n")
    part = parse(markdown.encode(), formats.MARKDOWN, "rules.md")
    assert part.text.split("\n") == ["示范市揭榜挂帅项目管理办法", "第一章总则", "详见项目申报指南和附件1。"]
    assert part.tables[0].rows == (("榜单名称", "发榜方"), ("高端芯片封装", "示范电子公司"))
    assert part.meta.title == "示范市揭榜挂帅项目管理办法"
