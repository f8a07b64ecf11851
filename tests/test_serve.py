"""`careers serve`: builds, serves on 127.0.0.1, rebuilds and tells the browser to reload."""

from __future__ import annotations

import functools
import threading
import time
from http.server import ThreadingHTTPServer

import httpx
import pytest

from generator import serve

SITE = """
[site]
title = "Serve test"
url = "https://jobs.example.org"
[[sources]]
type = "local"
"""
JOB = """+++
title = "{title}"
date_posted = 2026-10-01
remote = "full"
remote_countries = ["FR"]
+++
Plan the week of 40 nurses.
"""


@pytest.fixture
def served(make_site):
    root = make_site(SITE, {"content/jobs/planner.md": JOB.format(title="Nurse planner")})
    server = serve.Server(root / "careers.toml", offline=False)
    server.rebuild()
    handler = functools.partial(serve.make_handler(server), directory=str(server.output))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, server, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_pages_are_served_with_the_reload_script(served) -> None:
    root, server, url = served
    page = httpx.get(f"{url}/")
    assert page.status_code == 200
    assert "Nurse planner" in page.text
    assert "/__careers/version" in page.text
    assert httpx.get(f"{url}/__careers/version").text == "1"
    missing = httpx.get(f"{url}/nope/")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert "/__careers/version" not in (server.output / "index.html").read_text()  # never written to the site


def test_a_content_change_rebuilds_and_bumps_the_version(served) -> None:
    root, server, url = served
    assert root / "content" in server.watched()
    watcher = threading.Thread(target=serve.watch_and_rebuild, args=(server,), kwargs={"stop_after": 1}, daemon=True)
    watcher.start()
    time.sleep(0.5)  # let the watcher start before the edit
    (root / "content/jobs/planner.md").write_text(JOB.format(title="Senior nurse planner"), encoding="utf-8")
    watcher.join(timeout=20)
    assert httpx.get(f"{url}/__careers/version").text == "2"
    assert "Senior nurse planner" in httpx.get(f"{url}/").text


def test_a_broken_edit_keeps_serving_the_last_good_site(served) -> None:
    root, server, url = served
    (root / "content/jobs/planner.md").write_text("no front matter", encoding="utf-8")
    server.rebuild()
    assert server.version == 1
    assert "Nurse planner" in httpx.get(f"{url}/").text
