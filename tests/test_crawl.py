"""refresh(): every source kind against the replay server, incremental reruns, failures, keyword crawls, crash safety."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import SAMPLE_DIR
from pipeline.crawl import refresh, refresh_source, safe_filename
from pipeline.formats import DOCX, PDF, decode_html
from pipeline.sources import SourceConfig, load_sources
from pipeline.store import CorpusStore, doc_id_for, sha256_hex
from pipeline.mirror import search_response, serve_sample_site
from replay.portals import GBK_PAGE, SHARED_PDF, SOURCES_TOML, Portals, detail_page, mount, pdf_bytes, read, static
from replay.server import Computed, Gate, Huge, Reply, ReplayServer, Reset, Slow

pytest_plugins = ["replay.plugin"]  # the `portals` fixture, shared with test_sources.py

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS_DIR.parent
EXPECTED_DOCS = {"replay-gov": 4, "replay-gkmlpt": 3, "replay-jpaas": 2, "replay-jcms": 2, "replay-trs": 3, "replay-hlj": 2}


def one(portals: Portals, name: str, **politeness: float) -> SourceConfig:
    source = portals.sources([name])[0]
    return replace(source, politeness=replace(source.politeness, **politeness)) if politeness else source


def doc_id(source: SourceConfig, url: str) -> str:
    return doc_id_for(source.doc_key(url))


def snapshot(store: CorpusStore) -> dict[str, tuple]:
    """Everything a crawl stores about documents, minus timestamps."""
    return {
        d.doc_id: (d.source, d.url, d.meta, tuple((p.role, p.url, p.sha256, p.media_type, p.filename, p.size, p.label)
                                                   for p in d.parts))
        for d in store.documents()
    }


def blob_names(store: CorpusStore) -> set[str]:
    return {p.name for p in store.blob_dir.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")}


def test_every_kind_lands_documents_with_listing_metadata(portals: Portals, store: CorpusStore) -> None:
    report = refresh(store, portals.sources())
    assert {r.source: r.new for r in report.sources} == EXPECTED_DOCS
    assert report.total.errors == 0 and store.errors() == []
    docs = {d.url.removeprefix(portals.server.base): d for d in store.documents()}
    assert len(docs) == sum(EXPECTED_DOCS.values())

    gov = docs["/gov/zhengce/content/202305/content_101.htm"]
    assert (gov.meta.doc_number, gov.meta.issuer, gov.meta.publish_date, gov.meta.written_date) == (
        "国发〔2023〕31号", "国务院", "2023-05-16", "2023-05-12")
    assert gov.meta.index_number == "000014349/2023-00101" and gov.meta.region == "全国"
    assert [(p.role, p.media_type, p.label) for p in gov.parts] == [
        ("page", "text/html", ""), ("attachment", PDF, "附件1：重点产业链清单"), ("attachment", PDF, "附件2：重点产业链链长名单")]

    # the same PDF linked from two pages (and served as text/html) is one download and one blob
    other = docs["/gov/zhengce/zhengceku/202307/content_103.htm"]
    assert other.parts[1].sha256 == gov.parts[2].sha256 and other.parts[1].media_type == PDF
    assert portals.server.hits[SHARED_PDF] == 1
    # path traversal in Content-Disposition is neutralised
    assert (other.parts[2].media_type, other.parts[2].filename) == (DOCX, "试点方案.docx")

    gbk = docs[GBK_PAGE]
    assert "不论资历、不设门槛" in decode_html(store.read_blob(gbk.parts[0].sha256), "text/html")[0]

    gk = docs["/gkmlpt/content/5/5001/post_5001.html"]
    assert (gk.meta.doc_number, gk.meta.index_number, gk.meta.written_date, gk.meta.region) == (
        "示府〔2022〕8号", "11440000X00000000A/2022-00501", "2022-03-01", "示例市")
    assert [p.filename for p in gk.parts[1:]] == ["chains-5001.pdf", "owners-5001.xlsx"]
    assert docs["/gkmlpt/content/5/5003/post_5003.html"].meta.publish_date == "2022-06-22"
    assert portals.server.queries["/gkmlpt/api/all/121"][0] == {"page": "1", "sid": "9001"}

    hlj = docs["/hlj/c100/202204/c00_31200101.shtml"]
    assert (hlj.meta.title, hlj.meta.doc_number, hlj.meta.written_date) == (
        "黑龙江示例省人民政府关于推行重点产业链链长制的意见", "黑示政发〔2022〕6号", "2022-04-12")
    trs = docs["/trs/202303/t20230320_11.html"]
    assert trs.meta.publish_date == "2023-03-20" and trs.parts[1].media_type == PDF
    assert docs["/art/2022/9/5/art_60_10101.html"].source == "replay-jcms"
    assert docs["/art/2023/3/8/art_1229_58001.html"].source == "replay-jpaas"
    assert all(store.has_blob(p.sha256) for d in docs.values() for p in d.parts)


def test_second_refresh_fetches_nothing(portals: Portals, store: CorpusStore) -> None:
    refresh(store, portals.sources())
    hits_before = dict(portals.server.hits)
    again = refresh(store, portals.sources()).total
    assert (again.fetched, again.new, again.changed, again.unchanged) == (0, 0, 0, sum(EXPECTED_DOCS.values()))
    details = [path for path in hits_before if path.endswith((".htm", ".html", ".shtml", ".pdf")) and "index" not in path]
    assert details and all(portals.server.hits[p] == hits_before[p] for p in details)


def test_changed_listing_entry_is_revalidated_with_conditional_get(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-gov")
    refresh_source(store, source)
    items = json.loads(read("govcn/search-index.json"))
    items[3]["title"] = "国务院办公厅关于进一步加强城市节水工作的通知"
    portals.server.route("/gov/search-gov/data", Computed(lambda q: Reply(json.dumps(search_response(items, q)))))
    report = refresh_source(store, source)
    assert (report.changed, report.unchanged, report.not_modified, report.fetched) == (1, 3, 1, 0)
    url = portals.server.url("/gov/zhengce/content/202308/content_104.htm")
    assert store.get_document(doc_id(source, url)).meta.title == "国务院办公厅关于进一步加强城市节水工作的通知"


def test_changed_page_is_stored_again_on_revalidation(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-trs")
    refresh_source(store, source)
    path = "/trs/202302/t20230214_12.html"
    portals.server.route(path, Reply("<html><body><div class='TRS_Editor'>" + "修订后的春耕通知正文。" * 30 + "</div></body></html>"))
    report = refresh_source(store, source, revalidate=True)
    assert (report.changed, report.fetched) == (1, 1)
    stored = store.get_document(doc_id(source, portals.server.url(path)))
    assert "修订后的春耕通知" in store.read_blob(stored.parts[0].sha256).decode()


def test_failed_attachment_keeps_the_page_and_is_retried(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-gov")
    portals.server.route("/gov/files/202305/fj1.pdf", Reply(status=500))
    first = refresh_source(store, source)
    page_url = portals.server.url("/gov/zhengce/content/202305/content_101.htm")
    doc = store.get_document(doc_id(source, page_url))
    assert [p.role for p in doc.parts] == ["page", "attachment"]  # fj1 missing, shared.pdf kept
    errors = store.errors(doc.doc_id)
    assert [(e.stage, e.url, e.message) for e in errors] == [("fetch", portals.server.url("/gov/files/202305/fj1.pdf"), "HTTP 500")]
    assert first.errors == 1 and first.new == 4

    portals.server.route("/gov/files/202305/fj1.pdf", Reply(b"%PDF-1.4 annex one", content_type="application/pdf"))
    second = refresh_source(store, source)
    assert (second.changed, second.unchanged, second.errors) == (1, 3, 0)
    assert [p.role for p in store.get_document(doc.doc_id).parts] == ["page", "attachment", "attachment"]
    assert store.errors(doc.doc_id) == []


def test_challenges_and_error_templates_are_recorded_not_stored(portals: Portals, store: CorpusStore) -> None:
    gov, trs = one(portals, "replay-gov"), one(portals, "replay-trs")
    blocked = {
        "/gov/zhengce/content/202308/content_104.htm": (Reply("<html></html>", status=412), gov, "anti-bot challenge"),
        GBK_PAGE: (Reply("<html><script>document.cookie='x=1';location.reload()</script></html>"), gov,
                   "anti-bot JavaScript challenge"),
        "/trs/202302/t20230214_12.html": (Reply("<html><title>页面不存在</title><body>404</body></html>"), trs,
                                          "error page"),
    }
    for path, (reply, _, _) in blocked.items():
        portals.server.route(path, reply)
    report = refresh(store, [gov, trs])
    assert report.total.new == 4 and report.total.errors == 3
    for path, (_, source, message) in blocked.items():
        url = portals.server.url(path)
        assert not store.has_document(doc_id(source, url))
        assert message in store.errors(doc_id(source, url))[0].message


def test_page_without_its_body_container_is_not_a_document(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-jcms")
    path = "/art/2022/8/1/art_60_10087.html"
    portals.server.route(path, Reply("<html><head><title>维护通知</title></head><body>" + "<p>栏目调整中，敬请期待。</p>" * 40 + "</body></html>"))
    report = refresh_source(store, source)
    assert (report.new, report.errors) == (1, 1)
    assert "page has no .TRS_Editor" in store.errors(doc_id(source, portals.server.url(path)))[0].message


def test_timeouts_and_resets(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-gov", timeout=0.2, retries=1)
    slow = "/gov/zhengce/content/202308/content_104.htm"
    portals.server.route(slow, Slow(0.6, Reply("<html></html>")))
    portals.server.route("/gov/zhengce/zhengceku/202307/content_103.htm", Reset(), Reset(),
                         Reply(read("govcn/content_103.htm")))  # reset twice: fails this run, works next
    report = refresh_source(store, source)
    assert (report.new, report.errors) == (2, 2)
    assert "timed out" in store.errors(doc_id(source, portals.server.url(slow)))[0].message
    report = refresh_source(store, source)
    assert report.new == 1 and store.count_documents() == 3


def test_oversized_attachment_is_abandoned_and_recorded(portals: Portals, store: CorpusStore) -> None:
    portals.server.route("/gkmlpt/files/owners-5001.xlsx", Huge(50 * 1024 * 1024))
    source = one(portals, "replay-gkmlpt")
    refresh_source(store, source)
    doc = store.get_document(doc_id(source, portals.server.url("/gkmlpt/content/5/5001/post_5001.html")))
    assert [p.filename for p in doc.parts] == ["", "chains-5001.pdf"]
    assert "too large" in store.errors(doc.doc_id)[0].message
    assert all(p.stat().st_size < 1024 * 1024 for p in store.blob_dir.rglob("*") if p.is_file())


def test_unreadable_listing_is_recorded_and_the_run_goes_on(portals: Portals, store: CorpusStore) -> None:
    portals.server.route("/gkmlpt/index", Reply(status=503))
    portals.server.route("/hljs/common/search/c100", Reply("<html>not json</html>" + "<p>维护中</p>" * 100))
    report = refresh(store, portals.sources(["replay-gkmlpt", "replay-hlj", "replay-trs"]))
    assert {r.source: (r.errors, r.new) for r in report.sources} == {
        "replay-gkmlpt": (1, 0), "replay-hlj": (1, 0), "replay-trs": (0, 3)}
    messages = [e.message for e in store.errors()]
    assert "listing: HTTP 503" in messages and any("is not JSON" in m for m in messages)


def test_keyword_crawls(portals: Portals, store: CorpusStore) -> None:
    sources = portals.sources(["replay-gov", "replay-trs"], keywords=("揭榜挂帅",))
    report = refresh(store, sources)
    assert {q["q"] for q in portals.server.queries["/gov/search-gov/data"]} == {"揭榜挂帅"}
    titles = sorted(d.meta.title for d in store.documents())
    assert titles == ["国务院办公厅关于完善“揭榜挂帅”项目组织方式的通知", "示例省科学技术厅关于发布关键核心技术攻关“揭榜挂帅”榜单的通知"]
    assert portals.server.hits["/trs/202303/t20230320_11.html"] == 0  # filtered by title before fetching
    assert report.total.listed == 2


def test_document_ids_do_not_depend_on_the_port(portals: Portals, store: CorpusStore) -> None:
    refresh(store, portals.sources())
    before = set(snapshot(store))
    other = ReplayServer()
    mount(other)
    other.start()
    try:
        report = refresh(store, Portals(other).sources())
    finally:
        other.stop()
    assert set(snapshot(store)) == before
    assert report.total.unchanged == len(before) and report.total.new == 0


def test_max_docs_and_progress(portals: Portals, store: CorpusStore) -> None:
    seen: list[tuple[str, int]] = []
    report = refresh(store, portals.sources(["replay-gov", "replay-trs"]), max_docs=2,
                     progress=lambda name, done: seen.append((name, done)))
    assert [r.new for r in report.sources] == [2, 2]
    assert sorted(seen) == [("replay-gov", 1), ("replay-gov", 2), ("replay-trs", 1), ("replay-trs", 2)]


def test_safe_filename() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\附件1.pdf") == "附件1.pdf"
    assert safe_filename("/a/%E9%99%84%E4%BB%B6.docx") == "附件.docx"
    assert safe_filename("..") == safe_filename("") == "attachment"
    assert safe_filename('a<b>:"c|d?.pdf') == "a_b___c_d_.pdf"
    long = safe_filename("长" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


CRAWL_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from pipeline.crawl import refresh
from pipeline.sources import load_sources
from pipeline.store import CorpusStore
with CorpusStore(sys.argv[1]) as store:
    refresh(store, load_sources(Path(sys.argv[2]), overrides={{"mirror": sys.argv[3]}}))
"""


def test_killed_refresh_resumes_to_the_same_store(portals: Portals, tmp_path: Path) -> None:
    """SIGKILL a refresh mid-run (while a TRS page is in flight), rerun: the store equals a clean run's."""
    gated_path = "/trs/202302/t20230214_12.html"
    gate = Gate(Reply("never sent"))
    page = json.loads(read("listing-details.json"))[gated_path]
    portals.server.route(gated_path, gate, static(detail_page(read("detail.html"), page)))

    crashed_dir = tmp_path / "crashed"
    script = CRAWL_SCRIPT.format(tests=str(TESTS_DIR))
    process = subprocess.Popen([sys.executable, "-c", script, str(crashed_dir), str(SOURCES_TOML), portals.server.base],
                               cwd=PROJECT_ROOT)
    try:
        assert gate.reached.wait(timeout=60), "the crawl never reached the gated page"
    finally:
        process.kill()
        process.wait()
    gate.release.set()
    with CorpusStore(crashed_dir) as crashed:
        partial = snapshot(crashed)
        assert 0 < len(partial) < sum(EXPECTED_DOCS.values())
        rerun = refresh(crashed, portals.sources())
        assert rerun.total.new == sum(EXPECTED_DOCS.values()) - len(partial)
        resumed, resumed_blobs, resumed_errors = snapshot(crashed), blob_names(crashed), crashed.errors()
        for name in resumed_blobs:
            assert sha256_hex(crashed.read_blob(name)) == name
    with CorpusStore(tmp_path / "clean") as clean:
        refresh(clean, portals.sources())
        assert resumed == snapshot(clean)
        assert resumed_blobs == blob_names(clean)
        assert resumed_errors == [] == clean.errors()
        assert all(partial[k] == resumed[k] for k in partial)


def test_bundled_sample_site_crawls_completely(store: CorpusStore) -> None:
    """`make run`'s path: the sample group through the mirror yields every document of expected/documents.csv."""
    expected_csv = SAMPLE_DIR / "expected" / "documents.csv"
    if not (SAMPLE_DIR / "site").is_dir() or not expected_csv.is_file():
        pytest.skip("the sample site is not built")
    with expected_csv.open(encoding="utf-8") as handle:
        expected = {row["title"] for row in csv.DictReader(handle)}
    with serve_sample_site() as base:
        report = refresh(store, load_sources(names=["sample"], overrides={"mirror": base}))
    assert report.total.errors == 0, store.errors()
    assert {d.meta.title for d in store.documents()} == expected


def test_sample_documents_are_cited_by_their_site_path_not_the_mirror(store: CorpusStore, tmp_path: Path) -> None:
    """The mirror's port is dead after the run: stored URLs are the site paths, ids as before; exports carry no port."""
    if not (SAMPLE_DIR / "site").is_dir():
        pytest.skip("the sample site is not built")
    with serve_sample_site() as base:
        sources = load_sources(names=["sample"], overrides={"mirror": base})
        refresh(store, sources)
    documents = store.documents()
    assert documents
    urls = [d.url for d in documents] + [p.url for d in documents for p in d.parts]
    assert not [u for u in urls if "127.0.0.1" in u]
    for url in urls:
        assert url.startswith("corpora/sample/site/") and (PROJECT_ROOT / url).is_file(), url
    by_source = {s.name: s for s in sources}
    for document in documents:  # ids are still those of the fetched (base_url-relative) URL
        source = by_source[document.source]
        fetched = source.base_url + document.url.removeprefix(source.canonical_base)
        assert document.doc_id == doc_id(source, fetched)


def test_attachments_that_fail_for_good_are_not_fetched_on_every_run(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-gkmlpt")
    page_path, pdf, xlsx = ("/gkmlpt/content/5/5001/post_5001.html", "/gkmlpt/files/chains-5001.pdf",
                            "/gkmlpt/files/owners-5001.xlsx")
    detail = json.loads(read("gkmlpt/details.json"))["5001"]
    detail["attachment"] = [*detail.get("attachment", []), {"url": "file:///etc/passwd", "name": "附件"}]
    page = read("gkmlpt/post.html").replace("__DETAIL__", json.dumps(detail)).replace("__TITLE__", detail["title"])
    portals.server.route(page_path, static(page))
    portals.server.route(pdf, Reply("<html><title>下载</title><body>" + "请登录后下载附件。" * 50 + "</body></html>"))
    portals.server.route(xlsx, Huge(50 * 1024 * 1024))
    doc = doc_id(source, portals.server.url(page_path))

    first = refresh_source(store, source)
    messages = {e.url: e.message for e in store.errors(doc)}
    assert messages[portals.server.url(pdf)].startswith("expected application/pdf, got an HTML page (failed for good")
    assert messages["file:///etc/passwd"].startswith("only http and https URLs are fetched (failed for good")
    assert messages[portals.server.url(xlsx)].startswith("too large")
    assert "not fetched again before" in messages[portals.server.url(xlsx)]
    assert first.errors == 3 and [p.role for p in store.get_document(doc).parts] == ["page"]

    hits = dict(portals.server.hits)
    second = refresh_source(store, source)  # the page is done: nothing is fetched again
    assert (second.unchanged, second.fetched, second.errors) == (3, 0, 0)
    assert all(portals.server.hits[path] == hits[path] for path in (page_path, pdf, xlsx))
    assert {e.url: e.message for e in store.errors(doc)} == messages

    revalidated = refresh_source(store, source, revalidate=True)  # the page is asked again, the failures are not
    assert portals.server.hits[pdf] == hits[pdf] and portals.server.hits[xlsx] == hits[xlsx]
    assert revalidated.errors == 3 and {e.url: e.message for e in store.errors(doc)} == messages

    portals.server.route(pdf, static(pdf_bytes("Chain leaders of the eight key chains"), PDF))
    retried = refresh_source(store, source, retry_failed=True)  # asked for: all of them are tried again
    assert portals.server.hits[pdf] == hits[pdf] + 1 and portals.server.hits[xlsx] == hits[xlsx] + 1
    assert retried.changed == 1 and retried.errors == 2
    assert portals.server.url(pdf) not in {e.url for e in store.errors(doc)}


def test_failed_attachments_are_retried_when_due(portals: Portals, store: CorpusStore) -> None:
    source = one(portals, "replay-gov", retry_failed_after_days=0.0)  # due at once
    fj1 = "/gov/files/202305/fj1.pdf"
    portals.server.route(fj1, Reply("<html><body>" + "附件已删除。" * 80 + "</body></html>"))
    refresh_source(store, source)
    refresh_source(store, source)
    assert portals.server.hits[fj1] == 2
