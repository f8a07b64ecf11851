"""Fixtures for the browser tests: the demo site built and served on 127.0.0.1, and the system Chromium.

Needs /usr/bin/chromium (or CHROME_PATH), the Python package `playwright` (its driver only; the
browser is the system one, never `playwright install`) and axe-core from npm in this folder
(`npm ci --prefix tests/browser`). Without them these tests are skipped, unless
CAREERS_REQUIRE_BROWSER=1 (CI sets it), where a missing piece fails them instead.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .demo import build_demo

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_piece() -> str | None:
    """Return what the browser tests lack on this machine, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright)"
    if not Path(CHROME).is_file():
        return f"no Chromium at {CHROME} (apt-get install chromium, or set CHROME_PATH)"
    if not AXE.is_file():
        return "axe-core is not installed (npm ci --prefix tests/browser)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing_piece()
    if reason is None or os.environ.get("CAREERS_REQUIRE_BROWSER") == "1":
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve the built site like a static host: folders give index.html, a missing path 404.html."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Served:
    """A built site served on 127.0.0.1."""

    def __init__(self, workdir: Path, theme: str | None = None):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.root = build_demo(workdir, self.url, theme)
        self.server.RequestHandlerClass = functools.partial(QuietHandler, directory=str(self.root))  # type: ignore[assignment]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = Served(tmp_path_factory.mktemp("browser-demo"))
    yield served
    served.close()


@pytest.fixture(scope="session")
def harbor_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = Served(tmp_path_factory.mktemp("browser-harbor"), theme="harbor")
    yield served
    served.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = missing_piece()
    if reason:
        pytest.fail(f"CAREERS_REQUIRE_BROWSER=1 but {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROME, args=CHROME_ARGS)
        yield chromium
        chromium.close()


class Problems:
    """Console errors, uncaught exceptions, failed requests and error responses seen by one page."""

    def __init__(self, page: Any):
        self.items: list[str] = []
        self.expected_404: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.items.append(f"uncaught: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.items.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 and r.url not in self.expected_404 else None)

    def _console(self, message: Any) -> None:
        # Chromium logs the 404 status of a 404 page itself as a console error: that one is expected.
        if message.type in ("error", "warning") and message.location.get("url") not in self.expected_404:
            self.items.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Any) -> None:
        # Leaving a page cancels what it was still loading (net::ERR_ABORTED): not a fault of the site.
        if not request.url.startswith("mailto:") and "ERR_ABORTED" not in (request.failure or ""):
            self.items.append(f"request failed: {request.url} ({request.failure})")

    def allow_404(self, url: str) -> None:
        self.expected_404.add(url)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Return a factory of pages (each in its own context) that records problems on `page.problems`."""
    contexts = []

    def make(**context_options: Any) -> Any:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.problems = Problems(page)
        return page

    yield make
    for context in contexts:
        context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page (WCAG 2.0-2.2 A and AA, and best practices); return its violations."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
          });
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )
