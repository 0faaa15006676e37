"""The bundled sample corpus (corpora/sample): files read back as written, ground truth matches the text.

Other tests and ``make run`` treat ``corpora/sample/expected`` as the truth about
``corpora/sample/site``; these tests make sure that truth is actually in the
documents (so a failing extractor test means the extractor is wrong, not the
answer key), that every PDF/DOCX/TXT gives back the text its source states, and
that the checked-in site is what ``build.py`` renders from ``src/``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import docx
import lxml.html
import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException
import pytest
from scripts import load_script

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample"
SITE = SAMPLE / "site"
EXPECTED = SAMPLE / "expected"


build = load_script(SAMPLE / "build.py", "sample_build")
SOURCES = build.load_sources()
BY_PATH = {s.path: s for s in SOURCES}
BODY_SELECTORS = "#UCAP-CONTENT, .TRS_Editor, #zoom"


def read_csv(name: str) -> list[dict[str, str]]:
    with (EXPECTED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def attachments_of(fmt: str) -> list[tuple[object, object]]:
    return [(s, a) for s in SOURCES for a in s.attachments if a.format == fmt]


def site_file(source, attachment=None) -> Path:
    page = SITE / source.path
    return page if attachment is None else page.parent / attachment.file


def decode_page(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def page_body_text(source) -> str:
    tree = lxml.html.fromstring(decode_page(site_file(source).read_bytes()))
    (container,) = tree.cssselect(BODY_SELECTORS)[:1]
    return "\n".join(t.strip() for t in container.itertext() if t.strip())


def pdf_text_and_tables(path: Path) -> tuple[str, list[list[str]]]:
    """Text outside ruled tables (lines joined: the wraps are layout), and table rows."""
    lines, rows = [], []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            outside = page
            for table in tables:
                outside = outside.outside_bbox(table.bbox)
            lines += (outside.extract_text() or "").splitlines()
            rows += [[(c or "").replace("\n", "") for c in row] for t in tables for row in t.extract()]
    return lines, rows


def attachment_text(source, attachment) -> str:
    path = site_file(source, attachment)
    if attachment.format == "pdf":
        lines, rows = pdf_text_and_tables(path)
        return "".join(lines) + "\n" + "\n".join("\t".join(r) for r in rows)
    if attachment.format == "docx":
        document = docx.Document(path)
        cells = ["\t".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if attachment.format == "txt":
        return path.read_bytes().decode("gb18030" if attachment.encoding == "gbk" else attachment.encoding)
    return ""


def document_text(source) -> str:
    return "\n".join([page_body_text(source)] + [attachment_text(source, a) for a in source.attachments])


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {s.path: document_text(s) for s in SOURCES}


# --------------------------------------------------------------------------- files read back as written


@pytest.mark.parametrize(("source", "attachment"), attachments_of("pdf"), ids=lambda x: getattr(x, "file", ""))
def test_pdf_reads_back_as_written(source, attachment):
    lines, rows = pdf_text_and_tables(site_file(source, attachment))
    furniture = {attachment.running_header} if attachment.running_header else set()
    text = "".join(line for line in lines if line not in furniture and not re.fullmatch(r"— \d+ —", line))
    blocks = attachment.blocks
    assert text == "".join(b.text for b in blocks if b.kind != "table")
    assert rows == [list(r) for b in blocks if b.kind == "table" for r in b.rows]


def test_multipage_pdf_has_running_header_and_page_numbers():
    (source, attachment), = [(s, a) for s, a in attachments_of("pdf") if a.page_numbers]
    with pdfplumber.open(site_file(source, attachment)) as pdf:
        pages = [p.extract_text().splitlines() for p in pdf.pages]
    assert len(pages) >= 2
    for number, lines in enumerate(pages, start=1):
        assert lines[0] == attachment.running_header
        assert lines[-1] == f"— {number} —"


@pytest.mark.parametrize(("source", "attachment"), attachments_of("docx"), ids=lambda x: getattr(x, "file", ""))
def test_docx_reads_back_as_written(source, attachment):
    document = docx.Document(site_file(source, attachment))
    blocks = attachment.blocks
    assert [p.text for p in document.paragraphs] == [b.text for b in blocks if b.kind != "table"]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert tables == [[list(r) for r in b.rows] for b in blocks if b.kind == "table"]


@pytest.mark.parametrize(("source", "attachment"), attachments_of("txt"), ids=lambda x: getattr(x, "file", ""))
def test_txt_attachment_is_gbk_with_crlf(source, attachment):
    data = site_file(source, attachment).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("gb18030").split("\r\n")[:-1] == [b.text for b in attachment.blocks]


def test_gbk_portal_pages_need_gb18030_and_declare_at_most_gb2312():
    pages = sorted((SITE / "jx").rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        data = page.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("gb18030")
        assert set(re.findall(r"charset=([\w-]+)", text)) <= {"gb2312"}
    for source in (s for s in SOURCES if s.portal == "jx"):
        assert source.title in site_file(source).read_bytes().decode("gb18030")


def test_broken_attachments_cannot_be_read():
    (source, corrupt), = attachments_of("corrupt-pdf")
    data = site_file(source, corrupt).read_bytes()
    assert data.startswith(b"%PDF-")
    with pytest.raises(PdfminerException), pdfplumber.open(io.BytesIO(data)) as pdf:
        [p.extract_text() for p in pdf.pages]
    (source, unknown), = attachments_of("unknown")
    assert site_file(source, unknown).read_bytes().startswith(b"Rar!\x1a\x07")


def test_empty_detail_page_has_metadata_but_no_body():
    (empty,) = [s for s in SOURCES if not s.body.strip()]
    assert page_body_text(empty) == ""
    assert empty.doc_number in site_file(empty).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- site structure


def test_pages_state_their_metadata():
    for source in SOURCES:
        page = decode_page(site_file(source).read_bytes())
        for value in (source.title, source.issuer, source.doc_number, source.index_number):
            assert value in page, (source.path, value)
        for attachment in source.attachments:
            assert f'href="./{attachment.file}"' in page
            assert site_file(source, attachment).is_file()


def test_listing_pages_link_every_portal_document_once():
    for code in build.PORTALS:
        hrefs = []
        for listing in sorted((SITE / code).glob("index*.html")):
            tree = lxml.html.fromstring(decode_page(listing.read_bytes()))
            hrefs += [a.get("href") for a in tree.cssselect("ul.list li a")]
        expected = [s.path for s in SOURCES if s.portal == code]
        assert sorted(f"{code}/{h[2:]}" for h in hrefs) == sorted(expected)


def test_search_index_lists_every_gov_page():
    import json

    items = json.loads((SITE / "gov" / "search-index.json").read_text(encoding="utf-8"))
    gov = {s.path: s for s in SOURCES if s.portal == "gov"}
    assert sorted(i["url"].lstrip("/") for i in items) == sorted(gov)
    for item in items:
        source = gov[item["url"].lstrip("/")]
        assert (item["title"], item["pcode"], item["puborg"]) == (source.title, source.doc_number, source.issuer)
        assert item["pubtimeStr"] == source.publish_date.replace("-", ".")
        assert item["ptime"] <= item["pubtime"]


def test_site_is_what_build_renders(tmp_path):
    if not build.FONT_FILE.is_file():
        pytest.skip(f"{build.FONT_FILE} missing (Debian package fonts-wqy-zenhei)")
    build.build_site(SOURCES, tmp_path / "site")
    build.write_documents_csv(SOURCES, tmp_path / "documents.csv")
    rendered = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    checked_in = {p.relative_to(SITE): p.read_bytes() for p in SITE.rglob("*") if p.is_file()}
    assert rendered.keys() == checked_in.keys()
    assert [k for k in rendered if rendered[k] != checked_in[k]] == []
    assert (tmp_path / "documents.csv").read_bytes() == (EXPECTED / "documents.csv").read_bytes()
    assert sum(len(b) for b in checked_in.values()) < 2_000_000


# --------------------------------------------------------------------------- ground truth


def test_documents_csv_covers_every_source():
    rows = read_csv("documents.csv")
    assert [r["path"] for r in rows] == sorted(BY_PATH)
    for row in rows:
        assert set(filter(None, row["modes"].split(";"))) <= set(build.MODES)


def record_windows(text: str, key: str, other_keys: list[str]) -> list[str]:
    """Each stretch of text from an occurrence of ``key`` to the next occurrence of another record's key.

    A table row, a numbered paragraph or a PDF section about one chain (or one
    榜单 item) is such a stretch; ground-truth values must sit inside one.
    """
    others = [k for k in other_keys if k != key and key not in k]
    windows = []
    for match in re.finditer(re.escape(key), text):
        rest = text[match.end():]
        ends = [i for i in (rest.find(k) for k in others) if i >= 0]
        windows.append(rest[: min(ends, default=len(rest))])
    return windows


def occurs_as_field(value: str, window: str) -> bool:
    """``value`` stands on its own in ``window`` (so 副省长 does not match inside 常务副省长)."""
    return re.search(rf"(?:^|[\t\n：、由]){re.escape(value)}", window) is not None


def test_chain_rows_occur_in_their_documents(texts):
    rows = read_csv("chains.csv")
    for row in rows:
        source = BY_PATH[row["path"]]
        assert row["region"] == source.region
        assert "chain_leader" in source.modes
        siblings = [r["chain"] for r in rows if r["path"] == row["path"]]
        values = [row["chain_leader"], row["lead_unit"], *filter(None, row["chain_owner"].split("、"))]
        windows = record_windows(texts[row["path"]], row["chain"], siblings)
        assert any(all(occurs_as_field(v, w) for v in values) for w in windows), (row["path"], row["chain"])


def test_scheme_rows_occur_in_their_documents(texts):
    labelled = {}
    for source in SOURCES:
        if "chain_leader" in source.modes:
            labelled.setdefault(source.region, []).append(source.path)
    rows = read_csv("chain_leader_table.csv")
    assert {r["region"]: sorted(r["paths"].split(";")) for r in rows} == {k: sorted(v) for k, v in labelled.items()}
    chains = read_csv("chains.csv")
    for row in rows:
        text = "\n".join(texts[p] for p in row["paths"].split(";"))
        for value in [row["concept"], *row["model"].split("、"), *row["key_chains"].split("、")]:
            assert value in text, (row["region"], value)
        assert row["key_chains"].split("、") == [c["chain"] for c in chains if c["region"] == row["region"]]


def test_open_competition_items_occur_in_their_documents(texts):
    items = read_csv("open_competition_items.csv")
    for row in items:
        source = BY_PATH[row["path"]]
        assert "open_competition" in source.modes and row["region"] == source.region
        wan = float(row["funding_wan"])
        year, month, day = (int(x) for x in row["deadline"].split("-"))
        values = [row["issuer"], row["requirement"], f"{wan / 10000:g}亿元" if wan >= 10000 else f"{wan:g}万元",
                  f"{year}年{month}月{day}日"]
        siblings = [i["title"] for i in items if i["path"] == row["path"]]
        windows = record_windows(texts[row["path"]], row["title"], siblings)
        assert any(all(v in w for v in values) for w in windows), (row["path"], row["title"])


def test_national_projects_occur_in_their_documents(texts):
    for row in read_csv("national_system_projects.csv"):
        text = texts[row["path"]]
        assert "national_system" in BY_PATH[row["path"]].modes
        assert row["project"] in text
        assert f"{row['provinces']}个省区市" in text
        assert f"{row['organisations']}余家" in text
        assert f"{int(row['people']) // 10000}" in text


def test_facts_occur_in_their_documents(texts):
    for row in read_csv("facts.csv"):  # a cap is recorded as 不超过N% however the sentence words it
        assert row["value"].removeprefix("不超过") in texts[row["path"]]


def test_corpus_covers_the_cases_tests_rely_on():
    docs = read_csv("documents.csv")
    by_mode = {m: [d for d in docs if m in d["modes"].split(";")] for m in build.MODES}
    assert len({d["region"] for d in by_mode["chain_leader"]}) >= 6
    assert sum(1 for d in docs if len(d["modes"].split(";")) >= 2) >= 2
    assert sum(1 for d in docs if "false friend" in d["note"]) >= 4
    assert sum(1 for d in docs if not d["modes"]) >= 8
    chains = {r["chain"] for r in read_csv("chains.csv")}
    assert {"炼化一体化与新材料", "汽车和新能源汽车", "节能与新能源汽车", "软件与信息服务"} <= chains
    items = read_csv("open_competition_items.csv")
    assert max(sum(1 for i in items if i["path"] == p) for p in {i["path"] for i in items}) >= 5
    formats = {a.format for s in SOURCES for a in s.attachments}
    assert formats == {"pdf", "docx", "txt", "corrupt-pdf", "unknown"}
