"""A scriptable HTTP server on 127.0.0.1 for crawler tests: real sockets, real faults.

Each path gets a list of behaviours; hit n gets behaviour n (the last one
repeats), so "500 twice, then the page" is ``server.route(path, Reply(status=500),
Reply(status=500), Reply(page))``.  Behaviours are small objects with a
``respond(handler, query)`` method; faults include slow answers, connection
resets, truncated bodies, endless-looking huge bodies and a gate that holds a
request until the test releases it (used to kill a crawl at a known point).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

Query = Mapping[str, str]


class Behaviour(Protocol):
    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None: ...


@dataclass
class Reply:
    """A complete answer; with ``etag`` it honours If-None-Match (304)."""

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str = ""

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        if self.etag and handler.headers.get("If-None-Match") == self.etag:
            handler.send_response(304)
            handler.send_header("ETag", self.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(self.status)
        if self.content_type:
            handler.send_header("Content-Type", self.content_type)
        if self.etag:
            handler.send_header("ETag", self.etag)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@dataclass
class Computed:
    """An answer computed from the query string (paged APIs)."""

    make: Callable[[Query], Behaviour]

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        self.make(query).respond(handler, query)


@dataclass
class Slow:
    seconds: float
    then: Behaviour

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        time.sleep(self.seconds)
        try:
            self.then.respond(handler, query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as intended


class Reset:
    """Close the connection with a TCP RST before answering."""

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True


@dataclass
class Truncated:
    """Claims more bytes in Content-Length than it sends, then hangs up."""

    body: bytes
    claimed: int

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(self.claimed))
        handler.end_headers()
        handler.wfile.write(self.body)
        handler.wfile.flush()
        handler.close_connection = True


@dataclass
class Huge:
    """``size`` bytes generated on the fly (never held in memory); optionally without Content-Length."""

    size: int
    declare_length: bool = True
    chunk: bytes = b"%PDF-1.4\n" + b"0" * (64 * 1024 - 9)

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        if self.declare_length:
            handler.send_header("Content-Length", str(self.size))
        handler.end_headers()
        handler.close_connection = True
        sent = 0
        try:
            while sent < self.size:
                piece = self.chunk[: self.size - sent]
                handler.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass


@dataclass
class Redirect:
    location: str
    status: int = 302

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        handler.send_response(self.status)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@dataclass
class Gate:
    """Signals ``reached`` and holds the request until ``release`` is set (or the client dies)."""

    then: Behaviour
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def respond(self, handler: BaseHTTPRequestHandler, query: Query) -> None:
        self.reached.set()
        self.release.wait(timeout=30)
        try:
            self.then.respond(handler, query)
        except (BrokenPipeError, ConnectionResetError):
            pass


class ReplayServer:
    """Routes by path (query ignored for matching, passed to behaviours); counts hits."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Behaviour]] = {}
        self.hits: Counter[str] = Counter()
        self.queries: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *behaviours: Behaviour | bytes | str) -> None:
        self.routes[path] = [b if hasattr(b, "respond") else Reply(b) for b in behaviours]  # type: ignore[misc]

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        for behaviours in self.routes.values():
            for behaviour in behaviours:
                if isinstance(behaviour, Gate):
                    behaviour.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with server._lock:
                    n = server.hits[parts.path]
                    server.hits[parts.path] += 1
                    server.queries[parts.path].append(query)
                    server.user_agents.add(self.headers.get("User-Agent", ""))
                behaviours = server.routes.get(parts.path)
                if not behaviours:
                    Reply("<html><title>404 Not Found</title></html>", status=404).respond(self, query)
                    return
                behaviours[min(n, len(behaviours) - 1)].respond(self, query)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler
