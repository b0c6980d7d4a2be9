"""A local HTTP server on 127.0.0.1 that serves recorded responses, for testing the real client.

Routes map a path (and optionally its query string) to a list of responses served in turn
(the last one repeats): ``Reply(status, body, headers)``; ``Reply.drop()`` closes the
connection without answering; ``Reply(..., delay=s)`` answers after ``s`` seconds (a timeout). Every request received is logged in ``server.requests``.
No test talks to any other address.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False
    delay: float = 0.0

    @classmethod
    def file(cls, path: str | Path, status: int = 200, content_type: str = "application/json") -> Reply:
        return cls(status, Path(path).read_bytes(), {"Content-Type": content_type})

    @classmethod
    def drop(cls) -> Reply:
        return cls(drop_connection=True)


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class RecordedServer:
    """``with RecordedServer() as srv: srv.route("/api/x", Reply(...)); client.get(srv.url + "/api/x")``."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # a short poll makes shutdown quick (the default 0.5 s would be paid by every test)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def route(self, path: str, *replies: Reply, query: str | None = None) -> None:
        """Serve ``replies`` in turn at ``path`` (with exactly ``query``, when given; else any query)."""
        self.routes[path if query is None else f"{path}?{query}"] = list(replies)

    def _reply_for(self, raw_path: str) -> Reply:
        path = urllib.parse.urlsplit(raw_path).path
        with self._lock:
            for key in (raw_path, path):
                replies = self.routes.get(key)
                if replies:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(404, b'{"error": "not recorded"}', {"Content-Type": "application/json"})

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                split = urllib.parse.urlsplit(self.path)
                with server._lock:
                    server.requests.append(
                        Seen(split.path, urllib.parse.parse_qs(split.query), dict(self.headers.items()))
                    )
                reply = server._reply_for(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop_connection:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, *args):  # quiet
                pass

        return Handler

    def __enter__(self) -> RecordedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class FakeTime:
    """An injected clock for the client that only moves when the client sleeps: waits are
    recorded, never spent (``Client(..., sleep=t.sleep, clock=t.clock)``)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
