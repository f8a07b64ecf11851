"""A loopback HTTP server for tests: routes are Python callables, every request is recorded.

Each API emulator (welcomekit.py, comeet.py, jusrecruit.py, ...) builds on `Emulator`:

    emu = Emulator()
    @emu.route(r"/external/jobs")
    def jobs(request): return 200, {"X-Total-Pages": "1"}, [{"reference": "WTTJ_1"}]
    with emu:            # starts on 127.0.0.1:<free port>
        emu.url          # "http://127.0.0.1:54321"
        emu.requests     # [Request(method, path, query, headers, body)]
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    raw_path: str = ""


# A handler returns (status, headers, body); a dict/list body is sent as JSON, bytes as they are.
Reply = tuple[int, dict[str, str], Any]
Handler = Callable[[Request], Reply]


@dataclass
class Emulator:
    latency: float = 0.0  # seconds added to every response
    requests: list[Request] = field(default_factory=list)
    routes: list[tuple[re.Pattern[str], Handler]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.insert(0, (re.compile(f"^{pattern}$"), handler))  # later routes win
            return handler

        return register

    def start(self) -> Emulator:
        emulator = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    raw_path=self.path,
                )
                with emulator.lock:
                    emulator.requests.append(request)
                if emulator.latency:
                    time.sleep(emulator.latency)
                for pattern, handler in emulator.routes:
                    match = pattern.match(parts.path)
                    if match:
                        try:
                            status, headers, payload = handler(request, **match.groupdict())
                        except ConnectionAbortedError:
                            self.close_connection = True
                            return  # drop the connection without answering
                        break
                else:
                    status, headers, payload = 404, {}, {"error": "not_found"}
                if isinstance(payload, (dict, list)):
                    data = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                elif isinstance(payload, str):
                    data = payload.encode()
                else:
                    data = payload or b""
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.server.daemon_threads = True
        # Answers go out as two writes (headers, body): without TCP_NODELAY, Nagle's algorithm and
        # delayed ACKs add ~40 ms to each one (accepted sockets inherit the option on Linux).
        self.server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A short poll keeps stop() from waiting up to half a second.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def methods(self) -> set[str]:
        return {r.method for r in self.requests}
