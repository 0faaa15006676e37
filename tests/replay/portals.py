"""The replay "internet": every source kind's portal mounted on one ReplayServer from tests/replay/fixtures.

Paths (base URLs in fixtures/sources.toml, ``{mirror}`` = the server):
  /gov/…      gov.cn search API (paged by pipeline.mirror.search_response) + UCAP pages; 102 is served as GBK
              without a charset; shared.pdf is linked from two pages
  /gkmlpt/…   Guangdong gkmlpt: index with _CONFIG (SID, TREE), api/all/{cat} in two pages, DETAIL pages
  /zjt/…      jpaas unit API (data.html rows) → /art/… pages
  /js/…       JCMS dataproxy.jsp (XML CDATA records) → /art/… pages
  /trs/…      TRS t-date portal: index.html, index_1.html, YYYYMM/tYYYYMMDD_N.html
  /hljs/…     Heilongjiang JSON search → /hlj/… pages
Real portal behaviour (issue #10; sources in the "replay-real" group, disabled unless named):
  /gov/flat/… gov.cn single-library answers: the flat searchVO.listVO shape; /gov/broken/… {"code":500,"searchVO":null}
  /gds/…      a gkmlpt site whose records carry numbers as strings ("0" = unset, China-midnight unix seconds)
  /gdsearch/… the province-wide gkml search: JSONP, callback required, pages from 1 (0 is empty)
  /trs2/…     a two-page listing whose third page is a 404 (the normal end of a list without a page count)
PDFs and DOCX files are generated here (reportlab, python-docx), never committed.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docx import Document
from reportlab.pdfgen import canvas

from pipeline.mirror import search_response
from pipeline.sources import SourceConfig, load_sources
from replay.server import Computed, Reply, ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES_TOML = FIXTURES / "sources.toml"
HTML_NO_CHARSET = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@cache
def pdf_bytes(text: str) -> bytes:
    """A real one-page PDF (ASCII text: no CJK font needed to build it)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


@cache
def docx_bytes(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def static(body: bytes | str, content_type: str | None = "text/html; charset=utf-8", **headers: str) -> Reply:
    """A file as a CMS serves it, with an ETag so conditional GETs get 304s."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Reply(data, content_type=content_type, etag=f'"{hashlib.sha256(data).hexdigest()[:16]}"',
                 headers=headers)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


GOV_PAGES = {
    "/gov/zhengce/content/202305/content_101.htm": "govcn/content_101.htm",
    "/gov/zhengce/content/202306/content_102.htm": "govcn/content_102.htm",
    "/gov/zhengce/zhengceku/202307/content_103.htm": "govcn/content_103.htm",
    "/gov/zhengce/content/202308/content_104.htm": "govcn/content_104.htm",
}
GBK_PAGE = "/gov/zhengce/content/202306/content_102.htm"
SHARED_PDF = "/gov/files/shared.pdf"
TRAVERSAL_DOCX = "/gov/files/..%2F..%2Fplan.docx"


def mount(server: ReplayServer) -> None:
    server.route("/robots.txt", static("User-agent: *\nDisallow: /private/\n", "text/plain"))
    _mount_govcn(server)
    _mount_gkmlpt(server)
    _mount_listings(server)
    _mount_real_behaviour(server)


def flat_search_response(items: list[dict], query: dict[str, str]) -> dict:
    """A one-library answer as gov.cn gives it (t=zhengcelibrary_gw): items in a flat ``searchVO.listVO``."""
    answer = search_response(items, query)
    category = next(iter(answer["searchVO"]["catMap"].values()))
    size = int(query.get("n") or 5)
    answer["searchVO"] = {"listVO": category["listVO"], "totalCount": category["totalCount"],
                          "totalpage": -(-category["totalCount"] // size), "catMap": None}
    return answer


def gkml_search(server: ReplayServer, query: dict[str, str]) -> Reply:
    """search.gd.gov.cn/jsonp/site/{sid}: no callback is an error answer; page 0 is empty; pages from 1."""
    callback = query.get("callback", "")
    if not callback:
        return Reply('{"errcode": -1, "errmsg": "调用失败，请检查参数"}', content_type="application/json")
    page = query.get("page", "0")
    body = read(f"gds/search-page{page}.jsonp") if page in ("1", "2") else "__CALLBACK__({\"results\": [], \"count\": 0});"
    host = server.base.removeprefix("http://")
    return Reply(body.replace("__CALLBACK__", callback).replace("__HOST__", host),
                 content_type="application/javascript; charset=utf-8")


def _mount_real_behaviour(server: ReplayServer) -> None:
    items = json.loads(read("govcn/search-index.json"))
    server.route("/gov/flat/search-gov/data", Computed(lambda query: Reply(
        json.dumps(flat_search_response(items, query), ensure_ascii=False),
        content_type="application/json;charset=UTF-8")))
    server.route("/gov/broken/search-gov/data", Reply('{"code":500,"msg":"","data":null,"searchVO":null}',
                                                      content_type="application/json"))
    server.route("/gds/gkmlpt/index", static(read("gds/index.html")))
    server.route("/gds/gkmlpt/api/all/131", Computed(lambda query: Reply(
        read("gds/api-131.json") if query.get("page") == "1" else '{"classify": {"post_count": "2"}, "articles": []}',
        content_type="application/json")))
    template = read("gkmlpt/post.html")
    for post_id, detail in json.loads(read("gds/details.json")).items():
        script_safe = json.dumps(detail).replace("<", "\\u003C").replace(">", "\\u003E")
        page = template.replace("__DETAIL__", script_safe).replace("__TITLE__", detail["title"])
        server.route(f"/gds/gkmlpt/content/{post_id[0]}/{post_id}/post_{post_id}.html", static(page))
    server.route("/gdsearch/jsonp/site/9002", Computed(lambda query: gkml_search(server, query)))
    server.route("/trs2/index.html", static(read("trs2/index.html"), HTML_NO_CHARSET))
    server.route("/trs2/index_1.html", static(read("trs2/index_1.html"), HTML_NO_CHARSET))


def _mount_govcn(server: ReplayServer) -> None:
    items = json.loads(read("govcn/search-index.json"))
    server.route("/gov/search-gov/data", Computed(lambda query: Reply(
        json.dumps(search_response(items, query), ensure_ascii=False), content_type="application/json;charset=UTF-8")))
    for path, name in GOV_PAGES.items():
        text = read(name)
        server.route(path, static(text.encode("gbk"), HTML_NO_CHARSET) if path == GBK_PAGE else static(text))
    server.route("/gov/files/202305/fj1.pdf", static(pdf_bytes("Annex 1: key industrial chains"), PDF))
    server.route(SHARED_PDF, static(pdf_bytes("Annex: chain leaders (shared by two documents)"), "text/html"))
    server.route(TRAVERSAL_DOCX, static(docx_bytes("Pilot plan template"), DOCX, **{
        "Content-Disposition": "attachment; filename*=UTF-8''..%2F..%2F%E8%AF%95%E7%82%B9%E6%96%B9%E6%A1%88.docx"}))


def _mount_gkmlpt(server: ReplayServer) -> None:
    server.route("/gkmlpt/index", static(read("gkmlpt/index.html")))
    pages = {str(n): read(f"gkmlpt/api-121-page{n}.json") for n in (1, 2)}
    server.route("/gkmlpt/api/all/121", Computed(lambda query: Reply(
        pages.get(query.get("page", "1"), '{"classify": {"post_count": 3}, "articles": []}'),
        content_type="application/json")))
    server.route("/gkmlpt/api/all/122", static('{"classify": {"post_count": 0}, "articles": []}', "application/json"))
    template = read("gkmlpt/post.html")
    for post_id, detail in json.loads(read("gkmlpt/details.json")).items():
        script_safe = json.dumps(detail).replace("<", "\\u003C").replace(">", "\\u003E")  # as the portal escapes it
        page = template.replace("__DETAIL__", script_safe).replace("__TITLE__", detail["title"])
        server.route(f"/gkmlpt/content/5/{post_id}/post_{post_id}.html", static(page))
    server.route("/gkmlpt/files/chains-5001.pdf", static(pdf_bytes("Chain leaders of the eight key chains"), PDF))
    server.route("/gkmlpt/files/owners-5001.xlsx", static(b"PK\x03\x04 not really a workbook", "application/vnd.ms-excel"))
    server.route("/gkmlpt/files/list-5003.pdf", static(pdf_bytes("First open-competition list: 12 items"), PDF))


def _mount_listings(server: ReplayServer) -> None:
    server.route("/zjt/api-gateway/jpaas-publish-server/front/page/build/unit", Computed(lambda query: Reply(
        read("jpaas/unit-page1.json") if query.get("pageNo") == "1" else '{"data": {"html": "", "total": 2}}',
        content_type="application/json")))
    server.route("/js/module/web/jpage/dataproxy.jsp", Computed(lambda query: Reply(
        read("jcms/dataproxy.xml") if query.get("startrecord") == "1"
        else "<datastore><recordset></recordset><totalrecord>2</totalrecord></datastore>",
        content_type="text/xml; charset=utf-8")))
    server.route("/trs/index.html", static(read("trs/index.html"), HTML_NO_CHARSET))
    server.route("/trs/index_1.html", static(read("trs/index_1.html"), HTML_NO_CHARSET))
    server.route("/trs/202303/P020230320_chains.pdf", static(pdf_bytes("Twelve key chains and their leaders"), PDF))
    server.route("/hljs/common/search/c100", Computed(lambda query: Reply(
        read("hlj/search-page1.json") if query.get("page") == "1" else '{"data": {"total": 2, "results": []}}',
        content_type="application/json")))
    template = read("detail.html")
    for path, page in json.loads(read("listing-details.json")).items():
        server.route(path, static(detail_page(template, page)))


def detail_page(template: str, page: dict) -> str:
    links = "".join(f'<p><a href="{a["href"]}">{a["label"]}</a></p>' for a in page["attachments"])
    return (template.replace("__TITLE__", page["title"]).replace("__ISSUER__", page["issuer"])
            .replace("__DATE__", page["date"]).replace("__BODY__", page["body"]).replace("__ATTACHMENTS__", links))


@dataclass
class Portals:
    server: ReplayServer

    def sources(self, names: list[str] | None = None, keywords: tuple[str, ...] = ()) -> list[SourceConfig]:
        return load_sources(SOURCES_TOML, names=names, keywords=keywords, overrides={"mirror": self.server.base})
