"""Hard wraps mended and flattened tables recovered where parsing ends (pipeline.parse.reflow): what the parser
stores and hands to the segmenter, the locators the segmenter gives, the PDF page a recovered table lies on."""

from __future__ import annotations

import hashlib
import io
import tomllib
from pathlib import Path

from reportlab.pdfgen import canvas

from pipeline.formats import PDF, TEXT
from pipeline.models import RawDocument, RawPart
from pipeline.parse import parse_document, text_document
from pipeline.parse.text import normalise
from pipeline.segment import segment

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
FONT = "STSong-Light"  # reportlab's built-in CID font: no font package needed


def _flat_comparison() -> str:
    """The written comparison text of flat_tables.toml (a wrapped paragraph, a flattened table, a wrapped
    paragraph), each line normalised as the text parser normalises it (full-width commas, no spaces)."""
    docs = tomllib.loads((FIXTURES / "flat_tables.toml").read_text(encoding="utf-8"))["doc"]
    text = next(doc["text"] for doc in docs if doc["id"] == "flat-comparison").strip()
    return "\n".join(normalise(line) for line in text.split("\n"))


def _parsed(data: bytes, media_type: str, name: str):
    part = RawPart(role="file", url=f"/tmp/{name}", sha256=hashlib.sha256(data).hexdigest(), media_type=media_type,
                   size=len(data))
    raw = RawDocument(doc_id=name, source="ingest:test", url=f"/tmp/{name}", parts=(part,))
    return parse_document(raw, lambda _: data)


def test_parser_stores_mended_paragraphs_on_their_first_line_and_the_table_beside_them():
    lines = _flat_comparison().split("\n")
    part = _parsed("\n".join(lines).encode("utf-8"), TEXT, "compare.txt").parts[0]
    stored = part.text.split("\n")
    assert len(stored) == len(lines)  # line numbers unchanged: absorbed lines are left empty
    opening = lines.index("各地在推行产业链链长制的过程中形成了各具")
    assert stored[opening] == "".join(lines[opening:opening + 4])
    assert stored[opening + 1:opening + 4] == ["", "", ""]
    header = lines.index("地区特色提法主要做法重点产业链")
    closing = lines.index("由表2可见，多数地区把链长制与清单管理结")
    assert all(line == "" for line in stored[header:closing])  # the flattened table left the running text
    (table,) = part.tables
    assert len(table.rows[0]) == 4 and table.rows[0][0] == "地区"  # the header, cut at its columns' keywords
    assert table.rows[1][:2] == ("湖北省", "“四个一”机制") and table.rows[1][3].startswith("光电子信息、汽车")
    assert [row[0] for row in table.rows[1:]] == ["湖北省", "四川省", "福建省", "安徽省", "吉林省"]

    doc = segment(_parsed("\n".join(lines).encode("utf-8"), TEXT, "compare.txt"))
    located = {s.text: s.locator for s in doc.sentences}
    assert located["各地在推行产业链链长制的过程中形成了各具特色的做法，有的突出领导挂帅，有的突出清单管理，有的突出专班服务。"] \
        == located["我们选取五个地区作比较，如表2所示。"] == f"p{opening + 1}"  # the paragraph's first original line
    assert any(s.locator == f"p{closing + 1}" and s.text.startswith("由表2可见，多数地区把链长制与清单管理结合起来")
               for s in doc.sentences)
    assert [s.locator for s in doc.sentences if s.text.startswith("湖北省｜")] == ["t1r2"]


def test_text_document_mends_as_the_parser_does():
    text = _flat_comparison()
    parsed = _parsed(text.encode("utf-8"), TEXT, "compare.txt").parts[0]
    handed_on = text_document("compare", text).parts[0]
    assert (handed_on.text, handed_on.tables) == (parsed.text, parsed.tables)


def test_free_length_lines_are_left_alone():
    text = "关于推行产业链链长制的通知\n各区县人民政府：\n为推动重点产业链高质量发展，现将有关事项通知如下。\n一、建立链长制。"
    assert text_document("notice", text).parts[0].text == text


def _pdf(pages: list[list[str]]) -> bytes:
    """A PDF with the given lines drawn one under another, page by page (no layout: as a PDF export lays out
    narrow columns)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages:
        pdf.setFont(FONT, 11)
        for number, line in enumerate(lines):
            pdf.drawString(60, 780 - 18 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_table_flattened_in_a_pdf_is_recovered_on_its_page():
    lines = _flat_comparison().split("\n")
    caption = lines.index("表2若干地区链长制做法比较")
    part = _parsed(_pdf([lines[:caption], lines[caption:]]), PDF, "compare.pdf").parts[0]
    assert part.error == ""
    (table,) = part.tables
    assert table.page == 2 and table.index == 0
    assert [row[0] for row in table.rows[1:]] == ["湖北省", "四川省", "福建省", "安徽省", "吉林省"]
    stored = part.text.split("\n")
    assert len(part.paragraph_pages) == len(stored)  # still one page per stored line
    closing = next(i for i, line in enumerate(stored) if line.startswith("由表2可见"))
    assert part.paragraph_pages[closing] == 2
