"""Render the bundled sample corpus (``site/``) from its readable sources (``src/*.toml``).

The sample corpus is what ``make run`` crawls through the real HTTP path and
what the classification/extraction tests compare against, so the site must be
byte-for-byte reproducible: the same sources always give the same files.
Every source file describes one policy document -- its bibliographic facts, a
body written in a tiny line markup, and its attachments -- and this script
turns it into the page shape of the portal it lives on:

* ``gov/…/content_N.htm``: a gov.cn policy-library page (metadata table,
  body in ``#UCAP-CONTENT``), listed in ``gov/search-index.json``;
* ``<portal>/YYYYMM/tYYYYMMDD_N.html``: a TRS "t-date" provincial page
  (xxgk block, body in ``.TRS_Editor`` / ``#zoom``), listed on
  ``<portal>/index.html`` and ``index_1.html``;
* attachments beside the page: PDF (embedded CJK TrueType subset so that
  pdfplumber reads the text back exactly), DOCX, TXT, and deliberately broken
  files (a corrupt PDF, an unknown archive type).

It also writes ``expected/documents.csv`` from the sources' ground-truth
fields; the other ``expected/*.csv`` files are written by hand.

Markup of ``body`` (one block per line, blank lines ignored)::

    # text      centred bold title          ## text   centred line (文号)
    > text      right-aligned (signature)    | a | b |  table row (first row = header)
    @attachments   where the attachment links go on an HTML page (default: at the end)
    anything else  a paragraph; "一、…" lines without a full stop are section headings

Run: ``.venv/bin/python corpora/sample/build.py [--out DIR]`` (needs reportlab,
python-docx and the Debian package fonts-wqy-zenhei).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import shutil
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian: fonts-wqy-zenhei
FONT_NAME = "WenQuanYiZenHei"
MODES = ("national_system", "chain_leader", "open_competition")
LISTING_PAGE_SIZE = 3
TABLE_FONT_SIZE = 10.5
CELL_PADDING = 3  # reportlab's default cell padding on each side, in points
FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)
CHINA_TZ = timezone(timedelta(hours=8))
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^。]*$")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Block:
    """One line of body markup: a paragraph, heading, title, signature line or table."""

    kind: str  # title | center | right | heading | para | table | attachments
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Attachment:
    file: str
    label: str
    format: str  # pdf | docx | txt | corrupt-pdf | unknown
    body: str = ""
    encoding: str = "utf-8"  # txt only
    running_header: str = ""  # pdf only: printed at the top of every page
    page_numbers: bool = False  # pdf only: "— n —" at the foot of every page
    font_size: float = 12.0  # pdf only

    @property
    def blocks(self) -> list[Block]:
        return parse_blocks(self.body)


@dataclass(frozen=True)
class Source:
    """A policy document as written in ``src/*.toml``, ground-truth fields included."""

    path: str  # site path of the landing page; the document's key in expected/*.csv
    title: str
    issuer: str
    doc_number: str
    written_date: str
    publish_date: str
    index_number: str
    region: str
    modes: tuple[str, ...]
    note: str
    body: str
    category: str = ""  # gov.cn 主题分类
    summary: str = ""  # gov.cn listing summary; default: first content paragraph
    attachments: tuple[Attachment, ...] = field(default=())

    @property
    def portal(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def blocks(self) -> list[Block]:
        return parse_blocks(self.body)


def load_sources(src_dir: Path = HERE / "src") -> list[Source]:
    sources = []
    for toml_file in sorted(src_dir.glob("*.toml")):
        data = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        attachments = tuple(Attachment(**a) for a in data.pop("attachments", []))
        source = Source(**{**data, "modes": tuple(data["modes"]), "attachments": attachments})
        if list(source.modes) != [m for m in MODES if m in source.modes]:
            raise ValueError(f"{toml_file.name}: modes must be a subset of {MODES} in that order")
        sources.append(source)
    return sources


def parse_blocks(markup: str) -> list[Block]:
    blocks: list[Block] = []
    for line in (raw.strip() for raw in markup.splitlines()):
        if not line:
            continue
        if line.startswith("|"):
            row = tuple(cell.strip() for cell in line.strip("|").split("|"))
            if blocks and blocks[-1].kind == "table":
                blocks[-1] = Block("table", rows=blocks[-1].rows + (row,))
            else:
                blocks.append(Block("table", rows=(row,)))
        elif line == "@attachments":
            blocks.append(Block("attachments"))
        elif line.startswith("## "):
            blocks.append(Block("center", line[3:]))
        elif line.startswith("# "):
            blocks.append(Block("title", line[2:]))
        elif line.startswith("> "):
            blocks.append(Block("right", line[2:]))
        else:
            blocks.append(Block("heading" if _HEADING.match(line) else "para", line))
    return blocks


# --------------------------------------------------------------------------- portals


@dataclass(frozen=True)
class Portal:
    name: str  # site name shown in the chrome
    encoding: str  # bytes of every HTML page (and nothing else)
    charset_meta: str  # <meta> written on detail pages ("" = none)
    body_open: str
    body_close: str
    date_style: str  # iso | zh | zh-short


_UTF8_META = '<meta charset="utf-8">'
PORTALS = {
    "zj": Portal("浙江省人民政府", "utf-8", _UTF8_META,
                 '<div id="zoom" class="zoom"><div class="TRS_Editor">', "</div></div>", "iso"),
    "jx": Portal("江西省人民政府", "gbk",
                 '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                 '<div class="TRS_Editor">', "</div>", "zh"),
    "sx": Portal("山西省人民政府", "utf-8", _UTF8_META,
                 '<div id="zoom">', "</div>", "iso"),
    "cq": Portal("重庆市人民政府", "utf-8", _UTF8_META,
                 '<div class="view TRS_Editor">', "</div>", "zh-short"),
}


def format_date(iso: str, style: str) -> str:
    day = date.fromisoformat(iso)
    if style == "iso":
        return iso
    if style == "zh":
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    return f"{day.year}年{day.month}月{day.day}日"


def epoch_ms(iso: str) -> int:
    """Midnight Beijing time as gov.cn's millisecond timestamps."""
    return int(datetime.fromisoformat(iso).replace(tzinfo=CHINA_TZ).timestamp() * 1000)


# --------------------------------------------------------------------------- HTML


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def body_html(source: Source) -> str:
    """The document body as the CMS would have stored it (inline styles, attachment links)."""
    blocks = source.blocks
    if source.attachments and not any(b.kind == "attachments" for b in blocks):
        blocks.append(Block("attachments"))
    out = []
    for block in blocks:
        if block.kind == "title":
            out.append(f'<p style="text-align: center;"><strong>{esc(block.text)}</strong></p>')
        elif block.kind == "center":
            out.append(f'<p style="text-align: center;">{esc(block.text)}</p>')
        elif block.kind == "right":
            out.append(f'<p style="text-align: right;">{esc(block.text)}</p>')
        elif block.kind == "heading":
            out.append(f'<p style="text-indent: 2em;"><strong>{esc(block.text)}</strong></p>')
        elif block.kind == "para":
            out.append(f'<p style="text-indent: 2em;">{esc(block.text)}</p>')
        elif block.kind == "table":
            out.append(html_table(block.rows))
        elif block.kind == "attachments":
            out.extend(
                f'<p style="text-indent: 2em;"><a href="./{esc(a.file)}" target="_blank">{esc(a.label)}</a></p>'
                for a in source.attachments
            )
    return "\n".join(out)


def html_table(rows: tuple[tuple[str, ...], ...]) -> str:
    head, *body = rows
    lines = ['<table border="1" cellspacing="0" cellpadding="4" style="border-collapse: collapse; width: 100%;">',
             "<tbody>",
             "<tr>" + "".join(f'<td style="text-align: center;"><strong>{esc(c)}</strong></td>' for c in head) + "</tr>"]
    lines += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


GOV_CHROME_TOP = """<div class="header">
<div class="logo"><a href="#">中国政府网（示例镜像）</a></div>
<ul class="nav"><li><a href="#">首页</a></li><li><a href="#">政策</a></li><li><a href="#">国务院政策文件库</a></li><li><a href="#">政策解读</a></li><li><a href="#">办事服务</a></li></ul>
<form class="search" action="/gov/search-gov/data"><input name="q" type="text"><button type="submit">搜索</button></form>
</div>
<div class="BreadcrumbNav"><a href="#">首页</a> &gt; <a href="#">政策</a> &gt; <a href="#">国务院政策文件库</a></div>"""

GOV_CHROME_BOTTOM = """<div class="editor">【我要纠错】 责任编辑：政策文件库</div>
<div class="related"><h3>相关稿件</h3><ul><li><a href="#">政策文件库使用说明</a></li><li><a href="#">最新政策</a></li></ul></div>
<div class="footer"><p>示例语料（虚构文本），用于 policy-miner 测试</p><p>主办单位：示例 | 网站标识码：0000000000</p></div>"""


def gov_page(source: Source) -> str:
    doc_id = re.search(r"content_(\d+)", source.path).group(1)
    written, published = (format_date(d, "zh") for d in (source.written_date, source.publish_date))
    meta_rows = [
        ("索 引 号：", source.index_number, "主题分类：", source.category),
        ("发文机关：", source.issuer, "成文日期：", written),
    ]
    cells = "\n".join(
        f'<tr><td class="label"><b>{a}</b></td><td>{esc(b)}</td><td class="label"><b>{c}</b></td><td>{esc(d)}</td></tr>'
        for a, b, c, d in meta_rows
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(source.title)}_国务院政策文件库_中国政府网</title>
<meta name="manuscriptId" content="{doc_id}">
<meta name="firstpublishedtime" content="{source.publish_date}-10:00:00">
<meta name="keywords" content="{esc(source.category)}">
<meta name="description" content="{esc(summary_of(source))}">
<meta name="lanmu" content="国务院政策文件库">
</head>
<body>
{GOV_CHROME_TOP}
<div class="policyLibraryOverview_header">
<table class="bd1" border="0" cellpadding="0" cellspacing="0">
<tbody>
{cells}
<tr><td class="label"><b>标　　题：</b></td><td colspan="3">{esc(source.title)}</td></tr>
<tr><td class="label"><b>发文字号：</b></td><td>{esc(source.doc_number)}</td><td class="label"><b>发布日期：</b></td><td>{published}</td></tr>
</tbody>
</table>
</div>
<div class="pages_content" id="UCAP-CONTENT">
{body_html(source)}
</div>
{GOV_CHROME_BOTTOM}
</body>
</html>
"""


def trs_chrome_top(portal: Portal, depth: str) -> str:
    return f"""<div class="header">
<div class="logo"><a href="{depth}index.html">{portal.name}（示例镜像）</a></div>
<ul class="nav"><li><a href="{depth}index.html">首页</a></li><li><a href="{depth}index.html">政务公开</a></li><li><a href="{depth}index.html">政府文件</a></li><li><a href="{depth}index.html">政策解读</a></li><li><a href="{depth}index.html">互动交流</a></li></ul>
</div>
<div class="location">当前位置：<a href="{depth}index.html">首页</a> &gt; <a href="{depth}index.html">政务公开</a> &gt; <a href="{depth}index.html">政府文件</a></div>"""


def trs_chrome_bottom(portal: Portal) -> str:
    return f"""<div class="footer">
<p>{portal.name}门户网站（示例镜像） 示例语料（虚构文本），用于 policy-miner 测试</p>
<p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">使用帮助</a></p>
</div>"""


def trs_page(source: Source, portal: Portal) -> str:
    published = format_date(source.publish_date, portal.date_style)
    return f"""<!DOCTYPE html>
<html>
<head>
{portal.charset_meta}
<title>{esc(source.title)}</title>
<meta name="ArticleTitle" content="{esc(source.title)}">
<meta name="PubDate" content="{source.publish_date} 09:30">
<meta name="ContentSource" content="{esc(source.issuer)}">
</head>
<body>
{trs_chrome_top(portal, "../")}
<div class="xxgk">
<table class="xxgk_table">
<tr><td class="label">索引号：</td><td>{esc(source.index_number)}</td><td class="label">发布机构：</td><td>{esc(source.issuer)}</td></tr>
<tr><td class="label">文件编号：</td><td>{esc(source.doc_number)}</td><td class="label">成文日期：</td><td>{format_date(source.written_date, portal.date_style)}</td></tr>
</table>
</div>
<div class="article">
<h1 class="article_title">{esc(source.title)}</h1>
<div class="article_info">发布日期：{published}　来源：{esc(source.issuer)}　<span class="font">字号：[大 中 小]</span></div>
{portal.body_open}
{body_html(source)}
{portal.body_close}
<div class="share">【打印本页】【关闭窗口】</div>
</div>
{trs_chrome_bottom(portal)}
</body>
</html>
"""


def listing_name(page: int) -> str:
    """TRS names list pages index.html, index_1.html, index_2.html …"""
    return "index.html" if page == 0 else f"index_{page}.html"


def trs_listing(portal: Portal, page_sources: list[Source], page: int, pages: int) -> str:
    """One page of the portal's document list, newest first, as TRS renders index_N.html."""
    items = []
    for source in page_sources:
        shown = source.title if len(source.title) <= 30 else source.title[:29] + "…"
        href = "./" + source.path.split("/", 1)[1]
        items.append(f'<li><a href="{href}" title="{esc(source.title)}" target="_blank">{esc(shown)}</a>'
                     f"<span>{source.publish_date}</span></li>")
    pager = [f"共{pages}页"]
    pager.append(f'<a href="./{listing_name(0)}">首页</a>')
    if page > 0:
        pager.append(f'<a href="./{listing_name(page - 1)}">上一页</a>')
    if page < pages - 1:
        pager.append(f'<a href="./{listing_name(page + 1)}">下一页</a>')
    pager.append(f'<a href="./{listing_name(pages - 1)}">尾页</a>')
    newline = "\n"
    return f"""<!DOCTYPE html>
<html>
<head>
<title>政府文件_{portal.name}门户网站</title>
</head>
<body>
{trs_chrome_top(portal, "./")}
<div class="main">
<ul class="list">
{newline.join(items)}
</ul>
<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script>
{" ".join(pager)}
</div>
</div>
{trs_chrome_bottom(portal)}
</body>
</html>
"""


def summary_of(source: Source) -> str:
    if source.summary:
        return source.summary
    paras = [b.text for b in source.blocks if b.kind == "para" and not b.text.endswith("：")]
    return paras[0][:120] if paras else ""


def search_index(gov_sources: list[Source]) -> list[dict]:
    """listVO-shaped items (API_STRUCTURES §1) that the mirror's search endpoint pages over."""
    items = []
    for source in sorted(gov_sources, key=lambda s: s.publish_date, reverse=True):
        items.append({
            "id": re.search(r"content_(\d+)", source.path).group(1),
            "title": source.title,
            "url": "/" + source.path,
            "pcode": source.doc_number,
            "puborg": source.issuer,
            "pubtimeStr": source.publish_date.replace("-", "."),
            "pubtime": epoch_ms(source.publish_date),
            "ptime": epoch_ms(source.written_date),
            "summary": summary_of(source),
            "index": source.index_number,
            "childtype": source.category,
        })
    return items


# --------------------------------------------------------------------------- attachments


def pdf_bytes(attachment: Attachment) -> bytes:
    """A text PDF with the font subset embedded, so text extraction gives back the source."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0))
    size = attachment.font_size
    base = ParagraphStyle("body", fontName=FONT_NAME, fontSize=size, leading=size * 1.75,
                          wordWrap="CJK", alignment=TA_LEFT)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=size + 6, leading=(size + 6) * 1.6,
                                alignment=TA_CENTER, spaceAfter=size),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "heading": base,
        "para": ParagraphStyle("para", parent=base, firstLineIndent=size * 2),
    }
    cell = ParagraphStyle("cell", parent=base, fontSize=TABLE_FONT_SIZE, leading=TABLE_FONT_SIZE * 1.45)
    story = []
    for block in attachment.blocks:
        if block.kind == "table":
            widths = table_column_widths(block.rows, A4[0] - 50 * mm, TABLE_FONT_SIZE)
            rows = [[Paragraph(esc(c), cell) for c in row] for row in block.rows]
            table = Table(rows, colWidths=widths, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [table, Spacer(1, size)]
        elif block.kind != "attachments":
            story.append(Paragraph(esc(block.text), styles[block.kind]))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        if attachment.running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 16 * mm, attachment.running_header)
            canvas.setLineWidth(0.5)
            canvas.line(25 * mm, A4[1] - 18 * mm, A4[0] - 25 * mm, A4[1] - 18 * mm)
        if attachment.page_numbers:
            canvas.setFont(FONT_NAME, 11)
            canvas.drawCentredString(A4[0] / 2, 14 * mm, f"— {doc.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=28 * mm, bottomMargin=25 * mm, invariant=1,
                            title=attachment.label.split("：", 1)[-1], author="", creator="policy-miner sample corpus")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def table_column_widths(rows: tuple[tuple[str, ...], ...], total: float, font_size: float) -> list[float]:
    """Give each column room for its longest cell; only the widest column wraps if space runs out.

    That is how office tools lay out such lists: short columns (链长, 牵头单位)
    stay on one line and a long 链主企业 cell breaks inside itself.
    """
    needs = [max(len(row[i]) for row in rows) * font_size + 4 * CELL_PADDING for i in range(len(rows[0]))]
    widest = needs.index(max(needs))
    rest = sum(needs) - needs[widest]
    if sum(needs) > total:
        needs[widest] = total - rest
    return [w * total / sum(needs) for w in needs]


def docx_bytes(attachment: Attachment) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    align = {"title": WD_ALIGN_PARAGRAPH.CENTER, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for block in attachment.blocks:
        if block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif block.kind != "attachments":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.kind in ("title", "heading")
            if block.kind == "title":
                run.font.size = Pt(20)
            if block.kind in align:
                paragraph.alignment = align[block.kind]
            elif block.kind == "para":
                paragraph.paragraph_format.first_line_indent = Pt(28)
    properties = document.core_properties
    properties.title = attachment.label.split("：", 1)[-1]
    properties.author = ""
    properties.last_modified_by = ""
    properties.created = properties.modified = datetime(2021, 1, 1)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps: python-docx stamps the current time on each entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def txt_bytes(attachment: Attachment) -> bytes:
    """Plain text as a Windows editor saves it: CRLF, the stated encoding, no BOM."""
    lines = [block.text for block in attachment.blocks]
    return ("\r\n".join(lines) + "\r\n").encode(attachment.encoding)


def noise(seed: str, size: int) -> bytes:
    """Deterministic garbage bytes."""
    out = b""
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:size]


def corrupt_pdf_bytes(attachment: Attachment) -> bytes:
    """A PDF header, one truncated compressed stream, no objects table and no trailer:
    what a download cut off mid-transfer looks like. No parser can recover a page from it."""
    head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n7 0 obj\n<< /Length 4096 /Filter /FlateDecode >>\nstream\n"
    return head + noise(attachment.file, 1500)


def unknown_bytes(attachment: Attachment) -> bytes:
    """An archive the pipeline cannot open (RAR5 signature + opaque payload)."""
    return b"Rar!\x1a\x07\x01\x00" + noise(attachment.file, 1200)


ATTACHMENT_WRITERS = {
    "pdf": pdf_bytes,
    "docx": docx_bytes,
    "txt": txt_bytes,
    "corrupt-pdf": corrupt_pdf_bytes,
    "unknown": unknown_bytes,
}


# --------------------------------------------------------------------------- build


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_site(sources: list[Source], out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    for source in sources:
        page_dir = out / source.path.rsplit("/", 1)[0]
        if source.portal == "gov":
            write(out / source.path, gov_page(source).encode("utf-8"))
        else:
            portal = PORTALS[source.portal]
            write(out / source.path, trs_page(source, portal).encode(portal.encoding))
        for attachment in source.attachments:
            write(page_dir / attachment.file, ATTACHMENT_WRITERS[attachment.format](attachment))
    gov_sources = [s for s in sources if s.portal == "gov"]
    write(out / "gov" / "search-index.json",
          json.dumps(search_index(gov_sources), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    for code, portal in PORTALS.items():
        listed = sorted((s for s in sources if s.portal == code), key=lambda s: s.publish_date, reverse=True)
        pages = [listed[i:i + LISTING_PAGE_SIZE] for i in range(0, len(listed), LISTING_PAGE_SIZE)]
        for n, page_sources in enumerate(pages):
            write(out / code / listing_name(n), trs_listing(portal, page_sources, n, len(pages)).encode(portal.encoding))


def write_documents_csv(sources: list[Source], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["path", "title", "region", "issuer", "doc_number", "written_date", "modes", "note"])
        for s in sorted(sources, key=lambda s: s.path):
            writer.writerow([s.path, s.title, s.region, s.issuer, s.doc_number, s.written_date,
                             ";".join(s.modes), s.note])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "site", help="site directory to (re)create")
    parser.add_argument("--expected", type=Path, default=HERE / "expected",
                        help="where documents.csv is written")
    args = parser.parse_args()
    sources = load_sources()
    build_site(sources, args.out)
    args.expected.mkdir(parents=True, exist_ok=True)
    write_documents_csv(sources, args.expected / "documents.csv")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{len(sources)} documents -> {args.out} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
