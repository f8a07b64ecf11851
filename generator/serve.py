"""`careers serve`: build, serve on 127.0.0.1, rebuild and reload the browser on changes."""

from __future__ import annotations

import functools
import logging
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildOptions, build_site
from .config import load_config
from .errors import GeneratorError
from .themes import theme_chain

log = logging.getLogger(__name__)
RELOAD_SCRIPT = (
    b"<script>(function(){var v=null;setInterval(function(){fetch('/__careers/version').then(function(r){return r.text()})"
    b".then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){})},1000)})();</script>"
)


class Server:
    """Rebuilds on demand and tells browsers which build they are looking at."""

    def __init__(self, config_path: Path, offline: bool):
        self.config_path = config_path.resolve()
        self.offline = offline
        self.version = 0
        self.lock = threading.Lock()
        self.output: Path | None = None

    def rebuild(self) -> None:
        with self.lock:
            try:
                config = load_config(self.config_path)
                report = build_site(config, BuildOptions(offline=self.offline))
            except GeneratorError as exc:
                log.error("build failed, still serving the last good site: %s", exc)
                return
            self.output = report.output
            self.version += 1
            log.info("built version %d", self.version)

    def watched(self) -> list[Path]:
        config = load_config(self.config_path)
        paths = [self.config_path, config.content_dir, config.templates_dir, config.root / "static"]
        paths += [t.path for t in theme_chain(config.root, config.site.theme)]
        return [p for p in paths if p.exists()]


def make_handler(server: Server) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            log.debug(format, *args)

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/__careers/version":
                body = str(server.version).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if not path.exists() and (Path(self.directory) / "404.html").is_file():
                body = (Path(self.directory) / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    return Handler


def serve_site(config_path: Path, port: int = 8000, offline: bool = False) -> None:
    """Serve until interrupted."""
    server = Server(config_path, offline)
    server.rebuild()
    if server.output is None:
        raise GeneratorError("the first build failed; fix the error above and run `careers serve` again")
    handler = functools.partial(make_handler(server), directory=str(server.output))
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    log.info("serving %s on http://127.0.0.1:%d/ (Ctrl+C to stop)", server.output, httpd.server_address[1])
    try:
        watch_and_rebuild(server)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()


def watch_and_rebuild(server: Server, stop_after: int | None = None) -> None:
    """Rebuild whenever a watched file changes (`stop_after` rebuilds, for tests)."""
    from watchfiles import watch

    for count, changes in enumerate(watch(*server.watched()), start=1):
        log.info("%d file(s) changed, rebuilding", len(changes))
        server.rebuild()
        if stop_after is not None and count >= stop_after:
            return
