"""The polite HTTP client against a real local server with scripted faults."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from pipeline.fetch import DEFAULT_USER_AGENT, FetchError, Fetcher, Politeness, page_problem
from pipeline.formats import PDF
from pipeline.store import CacheEntry
from replay.portals import pdf_bytes, static
from replay.server import Huge, Query, Redirect, Reply, ReplayServer, Reset, Slow, Truncated

FAST = Politeness(delay=0.0, timeout=0.3, retries=2, backoff=0.01, max_retry_after=0.05)
GBK_PAGE = "<html><head><title>关于建立产业链链长制的通知</title></head><body><p>链长制工作方案：由省领导担任链长。</p></body></html>"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    replay = ReplayServer().start()
    yield replay
    replay.stop()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as client:
        yield client


def test_500s_then_success_is_retried(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/a.htm", Reply(status=500), Reply(status=503), Reply(GBK_PAGE))
    response = fetcher.get(server.url("/a.htm"))
    assert "链长制" in response.text
    assert server.hits["/a.htm"] == 3


def test_persistent_500_gives_up_after_retries(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/a.htm", Reply(status=502))
    with pytest.raises(FetchError, match="HTTP 502"):
        fetcher.get(server.url("/a.htm"))
    assert server.hits["/a.htm"] == 1 + FAST.retries


def test_429_with_retry_after_is_retried(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/a.htm", Reply(status=429, headers={"Retry-After": "1"}), Reply(GBK_PAGE))
    assert "链长" in fetcher.get(server.url("/a.htm")).text
    assert server.hits["/a.htm"] == 2


def test_slow_answer_past_timeout_is_an_error(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/slow.htm", Slow(1.0, Reply(GBK_PAGE)))
    with pytest.raises(FetchError, match="timed out"):
        fetcher.get(server.url("/slow.htm"))
    assert server.hits["/slow.htm"] == 1 + FAST.retries


def test_connection_reset_then_success(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/a.htm", Reset(), Reply(GBK_PAGE))
    assert "链长制" in fetcher.get(server.url("/a.htm")).text
    assert server.hits["/a.htm"] == 2


def test_truncated_body_is_retried_and_never_returned(server: ReplayServer, fetcher: Fetcher) -> None:
    pdf = pdf_bytes("complete file")
    server.route("/t.pdf", Truncated(pdf[:100], claimed=len(pdf)), Reply(pdf, content_type="application/pdf"))
    assert fetcher.get(server.url("/t.pdf")).content == pdf
    server.route("/always.pdf", Truncated(pdf[:100], claimed=len(pdf)))
    with pytest.raises(FetchError, match="transfer failed"):
        fetcher.get(server.url("/always.pdf"))


def test_wrong_content_type_is_sniffed(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/file", Reply(pdf_bytes("a pdf"), content_type="text/html; charset=utf-8"))
    response = fetcher.get(server.url("/file"))
    assert response.media_type == PDF
    assert response.content_type.startswith("text/html")


def test_gbk_page_without_charset_is_decoded(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/gbk.htm", Reply(GBK_PAGE.encode("gbk"), content_type="text/html"))
    response = fetcher.get(server.url("/gbk.htm"))
    assert "由省领导担任链长" in response.text


def test_412_challenge_is_not_retried(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/waf.htm", Reply("<html><script>var a=1;</script></html>", status=412))
    with pytest.raises(FetchError, match="anti-bot"):
        fetcher.get(server.url("/waf.htm"))
    assert server.hits["/waf.htm"] == 1


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("<html><head><script>document.cookie='__jsl=abc;path=/';location.reload();</script></head><body></body></html>",
         "JavaScript challenge"),
        ("<html><head><title>页面不存在</title></head><body><p>您访问的页面不存在或已被删除。</p><a href='/'>返回首页</a></body></html>",
         "error page"),
        ("<html><head><title>系统提示</title></head><body>系统繁忙，请稍后再试</body></html>", "error page"),
        ("<html><head><title>用户登录</title></head><body><form>用户名<input name=u>密码<input type=password name=p></form></body></html>",
         "login wall"),
    ],
)
def test_pages_that_are_not_content_are_errors(server: ReplayServer, fetcher: Fetcher, page: str, reason: str) -> None:
    server.route("/p.htm", Reply(page))
    with pytest.raises(FetchError, match=reason):
        fetcher.get(server.url("/p.htm"))


def test_policy_text_mentioning_404_is_content() -> None:
    body = "<p>" + "第404号公告涉及的重点产业链链长制工作安排如下，各地要抓好落实，按季度报告推进情况。" * 10 + "</p>"
    assert page_problem(f"<html><head><title>关于第404号公告的通知</title></head><body>{body}</body></html>") is None


def test_real_government_pages_are_content(shared_dir: Path) -> None:
    """Saved gov.cn (2019 template) and Guangzhou gkmlpt pages must not trip the not-content rules."""
    rows = (shared_dir / "corpora/ZhouYNF__platform-1/_derived/ge_policy_raw_all.jsonl").read_text(encoding="utf-8")
    gov_pages = [json.loads(line)["html"] for line in rows.splitlines()[:20]]
    gkmlpt_pages = [p.read_text(encoding="utf-8") for p in
                    sorted((shared_dir / "corpora/shizelengleng__ai-zhengce-tong/docs/policy_sources").glob("*.html"))[:10]]
    pages = [page for page in gov_pages + gkmlpt_pages if page]
    assert len(pages) >= 20
    assert [(n, page_problem(page)) for n, page in enumerate(pages) if page_problem(page)] == []


def test_redirects_are_followed_and_bounded(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/old.htm", Redirect("/new.htm", status=301))
    server.route("/new.htm", Reply(GBK_PAGE))
    response = fetcher.get(server.url("/old.htm"))
    assert response.url == server.url("/new.htm") and "链长制" in response.text
    server.route("/loop-a", Redirect("/loop-b"))
    server.route("/loop-b", Redirect("/loop-a"))
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.get(server.url("/loop-a"))
    for n in range(10):
        server.route(f"/hop{n}", Redirect(f"/hop{n + 1}"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(server.url("/hop0"))
    server.route("/to-ftp", Redirect("ftp://127.0.0.1/file.pdf"))
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.get(server.url("/to-ftp"))


def test_50mb_attachment_is_abandoned(server: ReplayServer, fetcher: Fetcher) -> None:
    """Default 30 MB limit: refused on Content-Length, and cut mid-stream when the length is not declared."""
    assert fetcher.politeness.max_bytes == 30 * 1024 * 1024
    server.route("/big.pdf", Huge(50 * 1024 * 1024))
    with pytest.raises(FetchError, match="too large: Content-Length"):
        fetcher.get(server.url("/big.pdf"))
    server.route("/stream.pdf", Huge(50 * 1024 * 1024, declare_length=False))
    with pytest.raises(FetchError, match="more than max_bytes"):
        fetcher.get(server.url("/stream.pdf"))


def test_robots_txt_is_honoured_and_user_agent_sent(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", Reply("User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    server.route("/private/a.htm", Reply(GBK_PAGE))
    server.route("/public/a.htm", Reply(GBK_PAGE))
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher.get(server.url("/private/a.htm"))
    assert server.hits["/private/a.htm"] == 0
    assert "链长制" in fetcher.get(server.url("/public/a.htm")).text
    assert server.hits["/robots.txt"] == 1
    assert server.user_agents == {DEFAULT_USER_AGENT}


def test_conditional_get_returns_304(server: ReplayServer, fetcher: Fetcher) -> None:
    server.route("/a.htm", static(GBK_PAGE))
    first = fetcher.get(server.url("/a.htm"))
    assert first.status == 200 and first.etag
    again = fetcher.get(server.url("/a.htm"), validators=CacheEntry(url=first.url, status=200, etag=first.etag))
    assert again.not_modified and again.content == b""


def test_non_http_urls_are_refused(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.get("file:///etc/passwd")


@dataclass
class Drip:
    """Sends a body one byte at a time, each within the read timeout, for far longer than max_time."""

    size: int = 10_000
    pause: float = 0.05

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(self.size))
        handler.end_headers()
        handler.close_connection = True
        try:
            for _ in range(self.size):
                handler.wfile.write(b"0")
                handler.wfile.flush()
                time.sleep(self.pause)
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_slow_drip_is_abandoned_once_at_max_time_not_retried(server: ReplayServer) -> None:
    server.route("/drip.pdf", Drip())
    with Fetcher(replace(FAST, max_time=1.0, timeout=5.0, retries=3)) as client:
        with pytest.raises(FetchError) as caught:
            client.get(server.url("/drip.pdf"))
    assert caught.value.message.startswith("download took longer than max_time 1 s (")
    assert caught.value.message.endswith("bytes received): not retried")
    assert server.hits["/drip.pdf"] == 1


def test_retries_stop_when_the_next_wait_would_pass_max_time(server: ReplayServer) -> None:
    server.route("/busy", Reply("busy", status=503, headers={"Retry-After": "30"}))
    with Fetcher(replace(FAST, max_time=5.0, retries=3, max_retry_after=60.0)) as client:
        with pytest.raises(FetchError) as caught:
            client.get(server.url("/busy"))
    assert caught.value.message == "HTTP 503; gave up after 1 attempts: another would pass max_time 5 s"
    assert server.hits["/busy"] == 1
