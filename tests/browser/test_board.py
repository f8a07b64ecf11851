"""The demo job board (tests/fixtures/board/) in a real Chromium: directory, company pages, videos, pagination.

The board is built with its address on 127.0.0.1 and served like the demo. Every page load is
watched: a request to any other host is recorded and aborted, so "nothing loads from YouTube before
the click" is asserted, not hoped for. Expected titles are read from the built jobs.json.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import tomllib
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.build import BuildOptions, build_site
from generator.config import parse_config

from .conftest import SCREENSHOTS, QuietHandler, Served, run_axe
from .test_site import assert_visible_focus, tab_until

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "board"
CANUT = "/companies/canut-robotics/"  # cover, logo, figures, offices, a YouTube video
BOUCHON = "/companies/bouchon-numerique/"  # logo, figures, gallery, a Dailymotion and a Vimeo video
SOIE = "/companies/soie-et-code/"  # no logo, no cover, no offices, no figures
PAGES = {
    "home": "/",
    "home-page-2": "/page/2/",
    "directory": "/companies/",
    "directory-page-2": "/companies/page/2/",
    "company-videos-gallery-figures": BOUCHON,
    "company-cover-youtube": CANUT,
    "company-without-logo-or-offices": SOIE,
    "job-of-a-company": "/jobs/embedded-software-engineer-c-cr-01/",
    "job-without-company": "/jobs/community-manager-jl-01/",
    "facet-page-2": "/contract/full-time/page/2/",
    "french-directory": "/fr/companies/",
    "french-company": "/fr/companies/canut-robotics/",
}


def build_board(workdir: Path, site_url: str, per_page: int | None = None) -> Path:
    """Build the board fixture with `site_url` as its address into workdir/public; return that folder."""
    root = workdir / "board"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(FIXTURE, root)
    data = tomllib.loads((root / "careers.toml").read_text(encoding="utf-8"))
    data["site"]["url"] = site_url
    if per_page is not None:
        data["site"]["per_page"] = per_page
    output = workdir / "public"
    build_site(parse_config(data, root), BuildOptions(output=output, env={"SOURCE_DATE_EPOCH": "1793534400"}))
    return output


class ServedBoard(Served):
    """The board fixture built and served on 127.0.0.1, optionally with another `per_page`."""

    def __init__(self, workdir: Path, per_page: int | None = None):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.root = build_board(workdir, self.url, per_page)
        self.server.RequestHandlerClass = functools.partial(QuietHandler, directory=str(self.root))  # type: ignore[assignment]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBoard]:
    served = ServedBoard(tmp_path_factory.mktemp("browser-board"))
    yield served
    served.close()


@pytest.fixture(scope="module")
def small_pages_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBoard]:
    """The board with two jobs a page, so a company page has a second page too."""
    served = ServedBoard(tmp_path_factory.mktemp("browser-board-small"), per_page=2)
    yield served
    served.close()


@pytest.fixture(scope="module")
def one_page_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBoard]:
    """The board with every job of a language on its home page, where the instant filters show."""
    served = ServedBoard(tmp_path_factory.mktemp("browser-board-one-page"), per_page=1000)
    yield served
    served.close()


def watch_outside(page: Any, site: Any) -> list[str]:
    """Abort every request that does not go to the local server; return the list they are recorded in."""
    outside: list[str] = []

    def handle(route: Any) -> None:
        if route.request.url.startswith(site.url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", handle)
    return outside


def open_page(page: Any, site: Any, path: str) -> Any:
    page.goto(site.url + path, wait_until="load")
    return page


def jobs_of(site: Any, language: str) -> list[dict[str, Any]]:
    data = json.loads((site.root / "jobs.json").read_text(encoding="utf-8"))
    return [j for j in data["jobs"] if j["language"] == language]


def visible_titles(page: Any) -> list[str]:
    return sorted(page.locator(".job-card:visible .job-title").all_inner_texts())


def company_titles(site: Any, name: str, language: str = "en") -> list[str]:
    return sorted(j["title"] for j in jobs_of(site, language) if j.get("company") == name)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_board_pages_have_no_axe_violation_and_load_nothing_from_elsewhere(board, new_page, kind, scheme):
    page = new_page(color_scheme=scheme)
    outside = watch_outside(page, board)
    open_page(page, board, PAGES[kind])
    page.wait_for_load_state("networkidle")
    assert outside == []
    violations = run_axe(page)
    assert violations == [], json.dumps(violations, indent=1)
    assert page.problems.items == []


def test_the_pages_under_test_are_the_ones_described(board):
    """Guard the page choices above against a change of the fixture."""
    html = {kind: (board.root / path.strip("/") / "index.html").read_text(encoding="utf-8") for kind, path in PAGES.items()}
    assert 'rel="prev"' in html["home-page-2"] and 'rel="prev"' in html["directory-page-2"] and 'rel="next"' in html["facet-page-2"]
    bouchon = html["company-videos-gallery-figures"]
    assert 'class="gallery"' in bouchon and 'class="company-figures"' in bouchon and "data-embed=" in bouchon
    soie = html["company-without-logo-or-offices"]
    assert "company-logo" not in soie and "company-offices" not in soie
    assert 'href="/companies/canut-robotics/">Canut Robotics</a>' in html["job-of-a-company"]
    assert '<p class="job-company">Jobs in Lyon</p>' in html["job-without-company"]


def test_a_video_becomes_the_privacy_enhanced_player_on_click(board, new_page):
    page = new_page()
    outside = watch_outside(page, board)
    open_page(page, board, CANUT)
    video = page.locator(".video[data-embed]")
    link = video.locator("a.video-link")
    title = link.locator(".video-title").inner_text()
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=Xk3pQ9bLr2M"
    assert page.locator("iframe").count() == 0
    assert outside == []

    link.click()
    frame = video.locator("iframe.video-frame")
    frame.wait_for()
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/Xk3pQ9bLr2M?autoplay=1"
    assert frame.get_attribute("title") == title
    assert video.locator("a").count() == 0  # the player took the link's place
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    # Only the player the visitor asked for was requested (and aborted here), nothing else.
    assert {urlsplit(u).netloc for u in outside} == {"www.youtube-nocookie.com"}
    assert [p for p in page.problems.items if "youtube-nocookie.com" not in p] == []


def test_without_javascript_a_video_is_a_link_to_its_page(board, new_page):
    page = new_page(java_script_enabled=False)
    outside = watch_outside(page, board)
    open_page(page, board, BOUCHON)
    links = page.locator(".video a.video-link")
    assert links.count() == 2
    assert not page.locator(".video-note").first.is_visible()  # "Play here" needs the script
    assert outside == []
    # Following the link leaves for the video's own page (aborted here), no player is made.
    with page.expect_event("requestfailed") as aborted:
        page.locator(".video[data-embed] a.video-link").click(no_wait_after=True)
    assert aborted.value.is_navigation_request()
    assert outside == [aborted.value.url] == ["https://www.dailymotion.com/video/x8kq2rt"]
    assert page.locator("iframe").count() == 0
    assert [p for p in page.problems.items if "dailymotion.com" not in p] == []


def test_keyboard_reaches_the_video_and_the_pages_of_a_company(small_pages_board, new_page):
    site = small_pages_board
    page = open_page(new_page(), site, CANUT)
    video = tab_until(page, lambda s: "video-link" in s["cls"])
    assert_visible_focus(video)
    assert video["text"].startswith("A day at Canut Robotics")
    second = tab_until(page, lambda s: s["tag"] == "A" and s["text"] == "2")
    assert_visible_focus(second)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + CANUT + "page/2/")
    assert page.locator(".pagination [aria-current=page]").text_content() == "Page 2"
    shown = [*visible_titles(page)]
    previous = tab_until(page, lambda s: s["text"] == "Previous page")
    assert_visible_focus(previous)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + CANUT)
    assert sorted(shown + visible_titles(page)) == company_titles(site, "Canut Robotics")
    assert page.problems.items == []


def test_keyboard_pages_through_the_directory(board, new_page):
    page = open_page(new_page(), board, "/companies/")
    first = page.locator(".company-name").all_inner_texts()
    following = tab_until(page, lambda s: s["text"] == "Next page")
    assert_visible_focus(following)
    page.keyboard.press("Enter")
    page.wait_for_url(board.url + "/companies/page/2/")
    rest = page.locator(".company-name").all_inner_texts()
    names = {j["company"] for j in jobs_of(board, "en") if j.get("company")}
    assert sorted(first + rest) == sorted(names)
    assert page.problems.items == []


def test_the_instant_filters_are_only_on_a_home_page_that_holds_every_job(board, one_page_board, new_page):
    page = new_page()
    for path in ["/", "/page/2/", CANUT, "/contract/full-time/", "/remote/full/", "/companies/"]:
        open_page(page, board, path)
        assert page.locator("form.filters").count() == 0, path
        assert page.locator("script[src*='filters']").count() == 0, path

    open_page(page, one_page_board, "/")
    assert page.locator(".pagination").count() == 0
    assert page.locator("#filter-company").is_visible()
    page.select_option("#filter-company", "canut-robotics")
    assert visible_titles(page) == company_titles(one_page_board, "Canut Robotics")
    assert parse_qs(urlsplit(page.url).query) == {"company": ["canut-robotics"]}
    page.select_option("#filter-company", "")
    assert len(visible_titles(page)) == len(jobs_of(one_page_board, "en"))
    assert page.problems.items == []


def test_without_javascript_the_company_facet_links_to_the_company_page(board, new_page):
    page = open_page(new_page(java_script_enabled=False), board, "/")
    facet = page.locator(".facet", has=page.get_by_role("heading", name="Company"))
    facet.get_by_role("link", name=re.compile(r"^Canut Robotics")).click()
    page.wait_for_url(board.url + CANUT)
    assert page.locator("h1").inner_text() == "Canut Robotics"
    assert visible_titles(page) == company_titles(board, "Canut Robotics")
    page.get_by_role("link", name="Embedded Software Engineer (C++)").click()
    page.wait_for_url(re.compile(r"/jobs/embedded-software-engineer-c-cr-01/$"))
    page.locator(".job-company").get_by_role("link", name="Canut Robotics").click()
    page.wait_for_url(board.url + CANUT)
    assert page.problems.items == []


def test_the_language_switcher_goes_to_the_same_company_in_french(board, new_page):
    page = open_page(new_page(), board, CANUT)
    page.locator("nav.language-switcher").get_by_role("link", name="Français").click()
    page.wait_for_url(board.url + "/fr" + CANUT)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert visible_titles(page) == company_titles(board, "Canut Robotics", "fr")
    assert page.problems.items == []


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1366, 900)])
@pytest.mark.parametrize(("label", "path"), [("board-directory", "/companies/"), ("board-company", BOUCHON)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_board_screenshots(board, new_page, name, width, height, label, path, scheme):
    page = new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    outside = watch_outside(page, board)
    open_page(page, board, path)
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"{label}-{name}-{scheme}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert outside == []
    assert page.problems.items == []
