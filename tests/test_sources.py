"""The source registry (corpora/sources.toml), the kinds' readers on real saved pages, and the sample-site mirror."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pipeline.fetch import Response
from pipeline.mirror import search_response, serve_sample_site
from pipeline.sources import KINDS, SOURCES_FILE, NotADocument, SourceConfigError, load_sources
from pipeline.sources.base import html_attachments, iso_date, plain
from pipeline.sources.gkmlpt import config_value, select_categories
from pipeline.crawl import refresh
from pipeline.models import RawDocument, RawPart
from pipeline.parse import parse_part
from pipeline.store import CorpusStore
from replay.portals import Portals, pdf_bytes
from replay.server import Reply

pytest_plugins = ["replay.plugin"]  # the `portals` fixture, shared with test_crawl.py

GZ_PAGES = "corpora/shizelengleng__ai-zhengce-tong/docs/policy_sources"


# -- registry -----------------------------------------------------------------------------------

def test_project_registry_loads_and_selects_by_group() -> None:
    every = load_sources(SOURCES_FILE, names=[s.name for s in load_sources(SOURCES_FILE)])
    assert len({s.name for s in every}) == len(every)
    assert {s.group for s in every} >= {"national", "provincial", "municipal"}
    assert {s.kind for s in every} >= {"govcn", "gkmlpt", "trs", "listing"}
    assert all("policy-miner/0.1" in s.politeness.user_agent for s in every)  # browser-like ones still say who we are
    assert load_sources(SOURCES_FILE, names=["gd-gkmlpt"])[0].politeness.user_agent.startswith("Mozilla/5.0")
    sample = load_sources(SOURCES_FILE, names=["sample"], overrides={"mirror": "http://127.0.0.1:8765"})
    assert sample and all(s.base_url.startswith("http://127.0.0.1:8765/") for s in sample)
    assert all(s.group == "sample" for s in sample)


def test_sample_group_needs_the_mirror_and_defaults_skip_it() -> None:
    assert all(s.group != "sample" for s in load_sources(SOURCES_FILE))
    with pytest.raises(SourceConfigError, match="needs overrides for \\['mirror'\\]"):
        load_sources(SOURCES_FILE, names=["sample-gov"])


def test_disabled_sources_run_only_when_named() -> None:
    disabled = [s for s in _all_named() if not s.enabled]
    assert disabled, "the registry marks unverified site ids as disabled"
    default_names = {s.name for s in load_sources(SOURCES_FILE)}
    assert not default_names & {s.name for s in disabled}
    assert load_sources(SOURCES_FILE, names=[disabled[0].name])[0].name == disabled[0].name


def test_keywords_scope_every_selected_source() -> None:
    sources = load_sources(SOURCES_FILE, names=["national"], keywords=["链长制", "揭榜挂帅"])
    assert sources and all(s.keywords == ("链长制", "揭榜挂帅") for s in sources)


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(SourceConfigError, match="no source or group named \\['nowhere'\\]"):
        load_sources(SOURCES_FILE, names=["nowhere"])


def test_doc_keys_ignore_the_mirror_port() -> None:
    def key(port: int, path: str) -> str:
        source = load_sources(SOURCES_FILE, names=["sample-zj"], overrides={"mirror": f"http://127.0.0.1:{port}"})[0]
        return source.doc_key(f"http://127.0.0.1:{port}{path}")

    assert key(1111, "/zj/202004/t1.html") == key(2222, "/zj/202004/t1.html") == "sample-zj:202004/t1.html"
    assert key(1111, "/art/2020/x.html") == "sample-zj:/art/2020/x.html"


BROKEN = {
    "syntax": ('[[sources]]\nname = "a"\nkind = "govcn\n', r"line 3"),
    "unknown kind": ('[[sources]]\nname = "a"\nkind = "ftp"\nbase_url = "http://x/"\n', r":3: .*'kind': unknown kind 'ftp'"),
    "missing base": ('[[sources]]\nname = "a"\nkind = "govcn"\n', r":1: .*'base_url': required"),
    "bad type": ('[[sources]]\nname = "a"\nkind = "govcn"\nbase_url = "http://x/"\n[sources.options]\npage_size = "many"\n',
                 r":6: .*'page_size'"),
    "unknown option": ('[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://x/"\n[sources.options]\nlist_selector = "li"\n',
                       r":6: .*'list_selector': unknown option for kind 'trs'"),
    "unknown key": ('[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://x/"\ndelays = 3\n', r":5: .*'delays': unknown key"),
    "bad politeness": ('[defaults]\ntimeout = "soon"\n[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://x/"\n',
                       r"'timeout'"),
    "no pages": ('[[sources]]\nname = "a"\nkind = "listing"\nbase_url = "http://x/"\n[sources.options]\nlist_url = ""\n',
                 r"needs list_url or page_url"),
    "bad regex": ('[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://x/"\nattachment_pattern = "(pdf"\n',
                  r":5: .*'attachment_pattern': not a regular expression"),
    "duplicate": ('[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://x/"\n'
                  '[[sources]]\nname = "a"\nkind = "trs"\nbase_url = "http://y/"\n', r":5: duplicate source name 'a'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_malformed_config_names_file_line_and_field(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError, match=expected) as caught:
        load_sources(path)
    assert str(caught.value).startswith(str(path))


def test_presets_fill_listing_options(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "t"\nkind = "trs"\nbase_url = "http://x/a"\n', encoding="utf-8")
    source = load_sources(path)[0]
    assert source.base_url == "http://x/a/"
    assert source.options.page_url == "index_{n}.html" and source.options.detail_pattern
    assert KINDS["trs"][0] is KINDS["listing"][0]


def _all_named() -> list:
    text = SOURCES_FILE.read_text(encoding="utf-8")
    names = [line.split('"')[1] for line in text.splitlines() if line.startswith("name = ")]
    return load_sources(SOURCES_FILE, names=names, overrides={"mirror": "http://127.0.0.1:1"})


# -- kind helpers on real saved pages ---------------------------------------------------------------

def test_gkmlpt_config_is_read_from_real_guangzhou_pages(shared_dir: Path) -> None:
    pages = [p for p in sorted((shared_dir / GZ_PAGES).glob("*.html"))
             if "window._CONFIG" in p.read_text(encoding="utf-8")]
    assert len(pages) >= 3
    source = load_sources(SOURCES_FILE, names=["gz-gkmlpt"])[0]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        detail = config_value(html, "DETAIL")
        assert config_value(html, "SID").isdigit()
        assert detail["title"] and "<p" in detail["content"]
        assert select_categories(config_value(html, "TREE"), ())  # leaf categories found
        page = Response(url=detail["gkml_url"], status=200, content=html.encode(), content_type="text/html")
        assert isinstance(KINDS["gkmlpt"][0].attachments(source, page), list)


def test_ucap_scope_found_on_real_gov_cn_pages(shared_dir: Path) -> None:
    rows = (shared_dir / "corpora/ZhouYNF__platform-1/_derived/ge_policy_raw_all.jsonl").read_text(encoding="utf-8")
    pages = [json.loads(line) for line in rows.splitlines()[:10]]
    for row in pages:
        html_attachments(row["html"], row["crawl_url"], "#UCAP-CONTENT", r"\.pdf$")  # raises if the body is missing
    with pytest.raises(NotADocument):
        html_attachments("<html><body><p>系统维护中</p></body></html>", "http://x/", "#UCAP-CONTENT", r"\.pdf$")


def test_attachment_links_are_scoped_and_absolute() -> None:
    html = ('<div id="nav"><a href="/help.pdf">帮助</a></div><div id="UCAP-CONTENT">'
            '<a href="./fj1.pdf">附件1：名单</a><a href="fj2.DOCX">附件2</a><a href="next.htm">下一篇</a></div>')
    links = html_attachments(html, "http://x/zhengce/202301/content_1.htm", "#UCAP-CONTENT",
                             r"(?i)\.(pdf|docx?)$")
    assert [(link.url, link.label) for link in links] == [
        ("http://x/zhengce/202301/fj1.pdf", "附件1：名单"), ("http://x/zhengce/202301/fj2.DOCX", "附件2")]


@pytest.mark.parametrize(("value", "expected"), [
    (1684195200000, "2023-05-16"), (1646064000, "2022-03-01"), ("2023.04.12", "2023-04-12"),
    ("2023年5月6日", "2023-05-06"), ("2022-06-22 15:00:00", "2022-06-22"), (0, ""), ("", ""), ("无", ""),
])
def test_iso_date(value: object, expected: str) -> None:
    assert iso_date(value) == expected


def test_plain_strips_highlight_markup() -> None:
    assert plain("关于<em>链长制</em>的<br/>通知&nbsp;") == "关于链长制的通知"


# -- the sample-site mirror -------------------------------------------------------------------------

ITEMS = [
    {"id": "1", "title": "关于建立链长制的意见", "summary": "", "url": "/gov/a.htm", "pubtimeStr": "2023.01.05"},
    {"id": "2", "title": "关于揭榜挂帅的通知", "summary": "发布榜单", "url": "/gov/b.htm", "pubtimeStr": "2023.02.05"},
    {"id": "3", "catName": "bumenfile", "title": "部门关于链长制的通知", "summary": "", "url": "/gov/c.htm",
     "pubtimeStr": "2023.03.05"},
]


def test_search_response_filters_pages_and_keeps_the_real_shape() -> None:
    answer = search_response(ITEMS, {"t": "zhengcelibrary_gw_bm_gb", "q": "链长制", "p": "1", "n": "5"})
    assert answer["code"] == 200 and answer["msg"] == "操作成功"
    cat_map = answer["searchVO"]["catMap"]
    assert set(cat_map) == {"gongwen", "bumenfile", "gongbao"}
    assert [i["id"] for i in cat_map["gongwen"]["listVO"]] == ["1"]
    assert cat_map["gongwen"]["listVO"][0]["title"] == "关于建立<em>链长制</em>的意见"
    assert cat_map["bumenfile"]["totalCount"] == 1
    second = search_response(ITEMS, {"t": "zhengcelibrary_gw", "p": "2", "n": "1"})["searchVO"]["catMap"]
    assert list(second) == ["gongwen"] and second["gongwen"]["totalCount"] == 2
    assert [i["id"] for i in second["gongwen"]["listVO"]] == ["2"]
    dated = search_response(ITEMS, {"t": "zhengcelibrary", "mintime": "2023-02-01", "maxtime": "2023-02-28"})
    assert dated["searchVO"]["totalCount"] == 1


def test_serve_sample_site_serves_files_and_search(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "gov").mkdir(parents=True)
    (site / "gov" / "search-index.json").write_text(json.dumps(ITEMS, ensure_ascii=False), encoding="utf-8")
    (site / "gov" / "a.htm").write_bytes("<html><body>链长制</body></html>".encode("gbk"))
    (site / "gov" / "f.pdf").write_bytes(pdf_bytes("x"))
    (site / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    with serve_sample_site(site) as base:
        page = httpx.get(f"{base}/gov/a.htm")
        assert page.status_code == 200 and page.headers["content-type"] == "text/html"
        assert page.content.decode("gbk") == "<html><body>链长制</body></html>"
        assert httpx.get(f"{base}/gov/f.pdf").headers["content-type"] == "application/pdf"
        assert httpx.get(f"{base}/robots.txt").status_code == 200
        assert httpx.get(f"{base}/gov/").status_code == 404  # no directory listings
        answer = httpx.get(f"{base}/gov/search-gov/data", params={"t": "zhengcelibrary_gw_bm_gb", "q": "揭榜"}).json()
        assert answer["searchVO"]["catMap"]["gongwen"]["listVO"][0]["id"] == "2"
        assert httpx.get(f"{base}/zj/search-gov/data").status_code == 404
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/gov/a.htm")


# -- real portal behaviour against the replay server (issue #10) -----------------------------------

def _docs(store: CorpusStore, portals: Portals) -> dict[str, RawDocument]:
    return {d.url.removeprefix(portals.server.base): d for d in store.documents()}


def test_gov_cn_flat_list_shape_is_read_across_pages(portals: Portals, store: CorpusStore) -> None:
    report = refresh(store, portals.sources(["replay-gov-flat"]))
    assert (report.total.new, report.total.errors) == (3, 0)
    queries = portals.server.queries["/gov/flat/search-gov/data"]
    assert [q["p"] for q in queries] == ["1", "2"] and {q["t"] for q in queries} == {"zhengcelibrary_gw"}
    gov = _docs(store, portals)["/gov/zhengce/content/202305/content_101.htm"]
    assert (gov.meta.doc_number, gov.meta.issuer, gov.meta.written_date) == ("国发〔2023〕31号", "国务院", "2023-05-12")


def test_gov_cn_error_code_is_an_error_not_an_empty_listing(portals: Portals, store: CorpusStore) -> None:
    report = refresh(store, portals.sources(["replay-gov-broken"]))
    assert (report.total.new, report.total.errors) == (0, 1)
    assert "gov.cn search answered code 500" in store.errors()[0].message


def test_gkmlpt_string_typed_fields_and_china_midnight_timestamps(portals: Portals, store: CorpusStore) -> None:
    report = refresh(store, portals.sources(["replay-gkmlpt-strings"]))
    assert (report.total.new, report.total.errors) == (2, 0)
    docs = _docs(store, portals)
    first = docs["/gds/gkmlpt/content/6/6001/post_6001.html"].meta
    # "1699286400" is 2023-11-07 00:00 in China (11-06 in UTC); display_publish_time "0" is unset, so the
    # first publication time is used
    assert (first.written_date, first.publish_date) == ("2023-11-07", "2023-11-08")
    second = docs["/gds/gkmlpt/content/6/6002/post_6002.html"].meta
    assert (second.written_date, second.publish_date) == ("", "2023-12-01")  # date "0": no written date


def test_gkmlpt_detail_dates_as_strings_are_parsed(portals: Portals) -> None:
    """A content page's DETAIL: "date" written out is the publish date, display_publish_time "0" unset."""
    page = httpx.get(portals.server.url("/gds/gkmlpt/content/6/6001/post_6001.html")).content
    meta = parse_part(page, RawPart(role="page", url="x", sha256="", media_type="text/html")).meta
    assert (meta.publish_date, meta.written_date, meta.doc_number) == ("2023-11-08", "", "示科〔2023〕21号")


def test_gkmlpt_keyword_crawl_goes_through_the_provincial_search(portals: Portals, store: CorpusStore) -> None:
    sources = portals.sources(["replay-gkmlpt-search"], keywords=("揭榜挂帅",))
    report = refresh(store, sources)
    queries = portals.server.queries["/gdsearch/jsonp/site/9002"]
    assert [q["page"] for q in queries] == ["1", "2"]  # pages from 1; page 2 was short, so the end
    assert all(q["callback"] and q["text"] == "揭榜挂帅" for q in queries)
    assert portals.server.hits["/gds/gkmlpt/api/all/131"] == 0  # the recent-slice listing is not used
    docs = _docs(store, portals)
    assert sorted(docs) == ["/gds/gkmlpt/content/5/5999/post_5999.html", "/gds/gkmlpt/content/6/6001/post_6001.html"]
    assert (report.total.new, report.total.errors) == (2, 0)  # the non-gkml news hit is not a document
    assert docs["/gds/gkmlpt/content/6/6001/post_6001.html"].meta.title == "示例市科学技术局关于开展揭榜挂帅项目申报的通知"
    assert portals.server.user_agents == {"Mozilla/5.0 (compatible; policy-miner/0.1; +replay test)"}  # per source


def test_gkmlpt_search_error_answer_is_recorded(portals: Portals, store: CorpusStore) -> None:
    portals.server.route("/gdsearch/jsonp/site/9002", Reply('{"errcode": -1, "errmsg": "调用失败，请检查参数"}',
                                                            content_type="application/json"))
    report = refresh(store, portals.sources(["replay-gkmlpt-search"], keywords=("揭榜挂帅",)))
    assert (report.total.new, report.total.errors) == (0, 1)
    assert "errcode -1" in store.errors()[0].message


def test_listing_404_after_the_last_page_is_the_normal_end(portals: Portals, store: CorpusStore) -> None:
    for _ in range(2):  # and on every rerun
        report = refresh(store, portals.sources(["replay-trs-end"]))
        assert report.total.errors == 0 and store.errors() == []
    assert portals.server.hits["/trs2/index_2.html"] == 2  # asked, answered 404, taken as the end
    assert store.count_documents() == 2


def test_listing_404_on_the_first_page_is_an_error(portals: Portals, store: CorpusStore) -> None:
    portals.server.route("/trs2/index.html", Reply("<html><title>404</title></html>", status=404))
    report = refresh(store, portals.sources(["replay-trs-end"]))
    assert report.total.errors == 1 and "404" in store.errors()[0].message


def test_challenged_hosts_are_skipped_with_a_status_line(portals: Portals, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="pipeline.sources.registry"):
        grouped = portals.sources(["replay-real"])
    assert "replay-challenged" not in {s.name for s in grouped}
    assert any("skipped replay-challenged" in r.message and "加速乐" in r.message for r in caplog.records)
    assert [s.name for s in portals.sources(["replay-challenged"])] == ["replay-challenged"]  # named: tried
