"""A local web server for the bundled sample site, so ``make run`` crawls real HTTP.

Why a server instead of reading files: the sample run then exercises the same
fetch → store path as a real crawl (robots.txt, media-type sniffing, GBK
pages without charset, the gov.cn search API shape).  Static files are served
as a naive portal would (``text/html`` without a charset); any folder holding
a ``search-index.json`` also answers the gov.cn policy-library API at
``<folder>/search-gov/data?t=…&q=…&p=…&n=…``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pipeline.config import SAMPLE_DIR
from pipeline.sources.base import iso_date, plain

SEARCH_ENDPOINT = "search-gov/data"
SEARCH_INDEX = "search-index.json"
CATEGORIES = {"gw": "gongwen", "bm": "bumenfile", "gb": "gongbao"}


@contextmanager
def serve_sample_site(root: Path = SAMPLE_DIR / "site") -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) from a background thread; yields the base URL (no trailing /)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"sample site folder {root} does not exist")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="sample-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files plus the search API; no directory listings, no access log noise."""

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/" + SEARCH_ENDPOINT):
            self._search(Path(self.directory) / path.removesuffix(SEARCH_ENDPOINT).strip("/") / SEARCH_INDEX)
            return
        super().do_GET()

    def _search(self, index: Path) -> None:
        if not index.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        items = json.loads(index.read_text(encoding="utf-8"))
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
        body = json.dumps(search_response(items, params), ensure_ascii=False).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def guess_type(self, path: str | Path) -> str:
        if str(path).lower().endswith((".html", ".htm", ".shtml")):
            return "text/html"  # no charset, like many portals: the crawler must sniff GBK itself
        return super().guess_type(path)

    def list_directory(self, path: str | Path) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def search_response(items: Sequence[Mapping[str, Any]], params: Mapping[str, str]) -> dict[str, Any]:
    """Answer a search-gov/data query over listVO-shaped items, in the real response shape.

    Items go to the category named by their ``catName`` (default gongwen);
    ``t`` picks categories (``zhengcelibrary_gw_bm`` → gongwen + bumenfile, bare → all),
    ``q`` keeps items whose title or summary contains it, ``mintime``/``maxtime``
    bound the publication date, ``p``/``n`` page (1-based, default 5 per page).
    """
    query = params.get("q", "").strip()
    page = max(1, _int(params.get("p"), 1))
    size = max(1, _int(params.get("n"), 5))
    low, high = params.get("mintime", ""), params.get("maxtime", "")
    wanted = [CATEGORIES[c] for c in params.get("t", "").split("_")[1:] if c in CATEGORIES] or list(CATEGORIES.values())
    cat_map: dict[str, Any] = {}
    for category in wanted:
        matches = [
            _highlight(item, query) for item in items
            if item.get("catName", "gongwen") == category
            and (not query or query in plain(item.get("title")) or query in plain(item.get("summary")))
            and _within(iso_date(item.get("pubtimeStr") or item.get("pubtime")), low, high)
        ]
        page_items = matches[(page - 1) * size: page * size]
        cat_map[category] = {"catName": category, "totalCount": len(matches), "currentNum": len(page_items),
                             "listVO": page_items}
    return {
        "code": 200,
        "msg": "操作成功",
        "data": None,
        "searchVO": {"listVO": None, "totalCount": sum(c["totalCount"] for c in cat_map.values()), "catMap": cat_map},
        "paramsVO": {"p": page, "n": size, "q": query, "t": params.get("t", "")},
    }


def _highlight(item: Mapping[str, Any], query: str) -> dict[str, Any]:
    """The real API wraps the matched keyword in <em> inside titles."""
    result = dict(item)
    if query and isinstance(result.get("title"), str):
        result["title"] = result["title"].replace(query, f"<em>{query}</em>")
    return result


def _within(date: str, low: str, high: str) -> bool:
    return (not low or bool(date) and date >= low) and (not high or bool(date) and date <= high)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default
