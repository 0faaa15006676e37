"""PDF parsing on PDFs generated here: text, ruled tables, running headers, overlays, broken files, scans."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas

from pipeline.formats import PDF
from pipeline.models import RawPart
from pipeline.parse import parse_part
from pipeline.parse.evaluate import BEIJING_PDF, pdf_text_recovery

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "parse"))
import make_docs  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def parse_pdf_bytes(data: bytes, index: int = 0):
    return parse_part(data, RawPart(role="attachment", url="https://example.gov.cn/a.pdf", sha256="", media_type=PDF),
                      index=index)


def test_text_pdf_gives_paragraphs_and_metadata():
    part = parse_pdf_bytes(make_docs.policy_pdf(table=False))
    assert part.error == ""
    paragraphs = part.text.split("\n")
    for body in make_docs.BODY:
        assert body in paragraphs  # each wrapped paragraph rejoined exactly, no spaces inside
    assert part.meta.title == make_docs.TITLE
    assert part.meta.doc_number == "示政办发〔2022〕7号"
    assert part.meta.issuer == "示范市人民政府办公厅"
    assert part.meta.written_date == "2022-03-18"


def test_ruled_table_comes_out_as_rows_and_not_in_running_text():
    part = parse_pdf_bytes(make_docs.policy_pdf(table=True), index=3)
    assert len(part.tables) == 1
    table = part.tables[0]
    assert table.rows == make_docs.CHAINS
    assert (table.part, table.page, table.index) == (3, 1, 0)
    for row in make_docs.CHAINS[1:]:
        for cell in row:
            assert cell not in part.text
    assert make_docs.BODY[-1] in part.text.split("\n")  # text after the table still there


def test_running_header_and_page_numbers_dropped_across_pages():
    header = "示范市人民政府办公厅文件"
    part = parse_pdf_bytes(make_docs.policy_pdf(table=False, pages=4, header=header))
    assert part.error == ""
    assert header not in part.text
    assert not [line for line in part.text.split("\n") if re.fullmatch(r"[-\s\d]+", line)]
    paragraphs = part.text.split("\n")
    for body in make_docs.BODY:  # paragraphs broken by page ends are rejoined
        assert paragraphs.count(body) == 4


@pytest.mark.parametrize("ruled", [False, True], ids=["pdfium-path", "pdfplumber-path"])
def test_overlaid_fake_bold_characters_are_not_duplicated(ruled: bool):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(make_docs.FONT, 16)
    for dx in (0, 0.4):  # WPS-style fake bold: the same glyphs drawn twice, slightly offset
        pdf.drawString(72 + dx, 760, "关于推行链长制的通知")
    pdf.setFont(make_docs.FONT, 12)
    pdf.drawString(72, 730, "各区人民政府，市各有关单位：")
    if ruled:
        for y in (600, 620, 640):
            pdf.line(72, y, 400, y)
        for x in (72, 200, 400):
            pdf.line(x, 600, x, 640)
        pdf.drawString(80, 625, "产业链")
        pdf.drawString(208, 625, "链长")
        pdf.drawString(80, 605, "集成电路")
        pdf.drawString(208, 605, "市长")
    pdf.save()
    part = parse_pdf_bytes(buffer.getvalue())
    assert part.text.split("\n")[0] == "关于推行链长制的通知"
    if ruled:
        assert part.tables[0].rows == (("产业链", "链长"), ("集成电路", "市长"))


@pytest.mark.parametrize(("data", "message"), [
    (make_docs.policy_pdf(encrypt_password="secret"), "encrypted PDF (password required)"),
    (make_docs.policy_pdf()[:2500], "corrupt or truncated PDF"),
    (make_docs.zero_page_pdf(), "empty PDF: it has no pages"),
    (b"%PDF-1.7\n" + b"\x00garbage" * 50, "corrupt or truncated PDF"),
], ids=["encrypted", "truncated", "zero-page", "garbage"])
def test_broken_pdfs_give_a_clear_error(data: bytes, message: str):
    part = parse_pdf_bytes(data)
    assert part.error.startswith(message)
    assert part.text == "" and part.tables == ()


def _tesseract_chinese() -> bool:
    if not shutil.which("tesseract"):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return "chi_sim" in langs


@pytest.mark.skipif(not _tesseract_chinese(), reason="needs tesseract-ocr tesseract-ocr-chi-sim")
def test_scanned_pdf_is_ocred():
    font = make_docs.cjk_font_file()
    if not font:
        pytest.skip("needs a CJK TrueType font (fonts-wqy-zenhei or fonts-noto-cjk)")
    lines = ["示范市科学技术局关于发布揭榜挂帅项目榜单的通知", "各有关单位：",
             "现将第一批关键核心技术攻关需求榜单予以发布，请按要求申报。"]
    part = parse_pdf_bytes(make_docs.scanned_pdf(lines, font))
    assert part.error == "" and not part.needs_ocr
    assert "揭榜挂帅项目榜单" in part.text
    assert "关键核心技术攻关需求榜单" in part.text
    assert " " not in part.text  # Tesseract's spaces between Chinese characters removed


def test_scanned_pdf_without_tesseract_is_flagged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    image = Image.new("L", (800, 1100), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 700, 160), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=100.0)
    monkeypatch.setenv("PATH", str(tmp_path))  # a real environment without the binary
    part = parse_pdf_bytes(buffer.getvalue())
    assert part.needs_ocr
    assert part.error == "scanned PDF: OCR unavailable (install tesseract-ocr tesseract-ocr-chi-sim)"


def test_real_wps_pdf_text_complete_and_in_order():
    path = SHARED / BEIJING_PDF
    if not path.exists():
        pytest.skip("shared corpus not present")
    recovery = pdf_text_recovery(path)
    assert recovery.error == ""
    assert recovery.recovered >= 0.999
    assert recovery.same_order
    part = parse_pdf_bytes(path.read_bytes())
    assert part.text.startswith("各位代表：\n")
    assert not re.search(r"([\u4e00-\u9fff])\1\1", part.text)  # no tripled (overlay) characters
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", part.text)
