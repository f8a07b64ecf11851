"""The built demo site in a real Chromium: filters, history, languages, keyboard, accessibility, screenshots.

Run with `pytest -m browser tests/browser` (see the README, "Browser tests"). Expected values are
read from the built site's jobs.json, never written here.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import SCREENSHOTS, run_axe

pytestmark = pytest.mark.browser

EN_JOB = "/jobs/site-reliability-engineer-bt-sre/"  # overlay/content/jobs/bt-sre.md
FR_JOB = "/fr/jobs/ingenieure-fiabilite-sre-bt-sre-fr/"  # its translation, bt-sre-fr.md
PAGE_TYPES = {
    "index": "/",
    "listing": "/departments/engineering/",
    "job": EN_JOB,
    "closed": "/jobs/office-manager-bt-closing/",
    "content": "/about/",
    "404": "/no-such-page/",
    "french-index": "/fr/",
    "french-job": FR_JOB,
    "no-results": "/?q=zzzz-no-such-job",
}


def jobs_of(site: Any, language: str) -> list[dict[str, Any]]:
    data = json.loads((site.root / "jobs.json").read_text(encoding="utf-8"))
    return [j for j in data["jobs"] if j["language"] == language]


def untranslated_job(site: Any) -> str:
    """Return the path of an English job page with no French version."""
    for job in jobs_of(site, "en"):
        path = urlsplit(job["url"]).path
        if 'hreflang="fr"' not in (site.root / path.lstrip("/") / "index.html").read_text(encoding="utf-8").split("</head>")[0]:
            return path
    raise AssertionError("the demo has no untranslated English job")


def visible_titles(page: Any) -> list[str]:
    return page.locator(".job-card:visible .job-title").all_inner_texts()


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def open_page(page: Any, site: Any, path: str) -> Any:
    url = site.url + path
    if path == PAGE_TYPES["404"]:
        page.problems.allow_404(url)
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_every_page_type_has_no_axe_violation(site, new_page, kind, scheme):
    page = open_page(new_page(color_scheme=scheme), site, PAGE_TYPES[kind])
    violations = run_axe(page)
    assert violations == [], json.dumps(violations, indent=1)
    assert page.problems.items == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", EN_JOB])
def test_second_theme_has_no_axe_violation(harbor_site, new_page, path, scheme):
    page = open_page(new_page(color_scheme=scheme), harbor_site, path)
    assert "harbor" in page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(l => l.href).join(' ')")
    assert run_axe(page) == []
    assert page.problems.items == []


def test_filters_change_the_list_and_the_url(site, new_page):
    jobs = jobs_of(site, "en")
    page = open_page(new_page(), site, "/")
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs)

    page.select_option("#filter-remote", "full")
    expected = sorted(j["title"] for j in jobs if j["remote"] == "full")
    assert sorted(visible_titles(page)) == expected
    assert query(page) == {"remote": ["full"]}
    assert page.locator("#filter-status").inner_text() == f"{len(expected)} position{'s match' if len(expected) != 1 else ' matches'} these filters"

    page.select_option("#filter-remote", "")
    page.fill("#filter-q", "python")
    expected = sorted(j["title"] for j in jobs if "python" in (j["title"] + " " + " ".join(j["tags"])).lower())
    assert expected and sorted(visible_titles(page)) == expected
    assert query(page) == {"q": ["python"]}

    page.fill("#filter-q", "zzzz-no-such-job")
    assert visible_titles(page) == []
    empty = page.locator("#filter-empty")
    assert empty.is_visible() and "No open positions match these filters." in empty.inner_text()
    assert page.locator(".job-group:visible").count() == 0
    empty.get_by_role("button", name="Show all positions").click()
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs)
    assert query(page) == {}
    assert page.evaluate("document.activeElement.id") == "filter-q"


def test_back_and_forward_restore_the_filters(site, new_page):
    jobs = jobs_of(site, "en")
    page = open_page(new_page(), site, "/")
    office = next(o for j in jobs for o in j["locations"])["name"].lower()
    page.select_option("#filter-department", "engineering")
    page.select_option("#filter-office", office)
    page.fill("#filter-q", "engineer")
    both = sorted(visible_titles(page))
    assert query(page) == {"department": ["engineering"], "office": [office], "q": ["engineer"]}

    page.go_back()
    assert query(page) == {"department": ["engineering"], "office": [office]}
    assert page.input_value("#filter-q") == "" and page.input_value("#filter-office") == office
    expected = sorted(j["title"] for j in jobs if j["department"] == "Engineering" and any(o["name"].lower() == office for o in j["locations"]))
    assert sorted(visible_titles(page)) == expected

    page.go_back()
    assert page.input_value("#filter-office") == "" and page.input_value("#filter-department") == "engineering"
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs if j["department"] == "Engineering")

    page.go_forward()
    page.go_forward()
    assert page.input_value("#filter-q") == "engineer"
    assert sorted(visible_titles(page)) == both
    assert page.problems.items == []


def test_a_shared_filtered_url_opens_filtered(site, new_page):
    jobs = jobs_of(site, "en")
    page = open_page(new_page(), site, "/?remote=full&unrelated=1")
    assert page.input_value("#filter-remote") == "full"
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs if j["remote"] == "full")
    page.select_option("#filter-remote", "")
    assert query(page) == {"unrelated": ["1"]}  # parameters the filters do not own are kept


def test_without_javascript_the_facet_pages_filter(site, new_page):
    jobs = jobs_of(site, "en")
    page = open_page(new_page(java_script_enabled=False), site, "/")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator("#filter-status").is_visible()
    page.locator("nav.facets").get_by_role("link", name=re.compile(r"^Berlin")).click()
    page.wait_for_url(re.compile(r"/offices/berlin/$"))
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs if any(o["name"] == "Berlin" for o in j["locations"]))


def test_language_switcher_goes_to_the_same_job_in_the_other_language(site, new_page):
    page = open_page(new_page(), site, EN_JOB)
    page.locator("nav.language-switcher").get_by_role("link", name="Français").click()
    page.wait_for_url(site.url + FR_JOB)
    assert page.locator("html").get_attribute("lang") == "fr"
    fr_title = next(j["title"] for j in jobs_of(site, "fr") if j["url"].endswith(FR_JOB))
    assert page.locator("h1").inner_text() == fr_title
    assert page.locator("link[hreflang=en]").get_attribute("href") == site.url + EN_JOB

    page.locator("nav.language-switcher").get_by_role("link", name="English").click()
    page.wait_for_url(site.url + EN_JOB)
    assert page.locator("html").get_attribute("lang") == "en"

    # A job without a translation sends the switcher to that language's home page.
    open_page(page, site, untranslated_job(site))
    page.locator("nav.language-switcher").get_by_role("link", name="Français").click()
    page.wait_for_url(site.url + "/fr/")
    assert page.problems.items == []


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
          return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim(), cls: e.className,
                  outline: s.outlineStyle, width: parseFloat(s.outlineWidth), focusVisible: e.matches(':focus-visible')}; }"""
    )


def tab_until(page: Any, test: Any, limit: int = 60) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if test(state):
            return state
    raise AssertionError("never reached with the Tab key")


def assert_visible_focus(state: dict[str, Any]) -> None:
    assert state["focusVisible"] and state["outline"] != "none" and state["width"] >= 2, state


def test_keyboard_only_filters_language_switcher_and_apply(site, new_page):
    jobs = jobs_of(site, "en")
    page = open_page(new_page(), site, "/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["cls"] == "skip-link"
    assert_visible_focus(skip)
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown on focus

    search = tab_until(page, lambda s: s["id"] == "filter-q")
    assert_visible_focus(search)
    page.keyboard.type("reliability")
    assert sorted(visible_titles(page)) == sorted(j["title"] for j in jobs if "reliability" in j["title"].lower())
    page.keyboard.press("Enter")  # must not reload the page
    assert query(page) == {"q": ["reliability"]}

    select = tab_until(page, lambda s: s["id"] == "filter-department")
    assert_visible_focus(select)
    clear = tab_until(page, lambda s: s["cls"].startswith("button button-secondary"))
    assert_visible_focus(clear)
    page.keyboard.press("Enter")
    assert query(page) == {} and len(visible_titles(page)) == len(jobs)

    page = open_page(page, site, EN_JOB)
    switch = tab_until(page, lambda s: s["text"] == "Français")
    assert_visible_focus(switch)
    apply = tab_until(page, lambda s: s["text"] == "Apply for this job")
    assert_visible_focus(apply)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    back_to_switcher = tab_until(page, lambda s: s["text"] == "Français")
    assert back_to_switcher["tag"] == "A"
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + FR_JOB)
    assert page.problems.items == []


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1366, 900)])
@pytest.mark.parametrize("path", ["/", EN_JOB])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(site, new_page, name, width, height, path, scheme):
    page = open_page(new_page(viewport={"width": width, "height": height}, color_scheme=scheme), site, path)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"{'index' if path == '/' else 'job'}-{name}-{scheme}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert page.problems.items == []


def test_images_are_responsive_and_below_the_fold_ones_lazy(site, new_page):
    page = open_page(new_page(viewport={"width": 390, "height": 844}), site, EN_JOB)
    picture = page.locator("img.job-image")
    assert picture.get_attribute("alt")
    assert picture.get_attribute("width") and picture.get_attribute("height")
    assert picture.get_attribute("loading") is None  # above the fold: not lazy
    webp = page.locator("picture:has(img.job-image) source[type='image/webp']").get_attribute("srcset")
    assert webp.count(".webp ") >= 3
    # The phone picks a copy far smaller than the 1600 px original.
    chosen = picture.evaluate("img => img.currentSrc")
    assert chosen.endswith(".webp") and not chosen.endswith("-1600.webp")
    og = page.locator("meta[property='og:image']").get_attribute("content")
    response = page.request.get(og)
    assert response.status == 200 and response.headers["content-type"].startswith("image/")


def test_print_stylesheet_hides_the_chrome_of_a_job_page(site, new_page):
    page = open_page(new_page(), site, EN_JOB)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".share").is_visible()
    assert page.locator("h1").is_visible() and page.locator(".job-description").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_second_theme_screenshots(harbor_site, new_page, scheme):
    page = open_page(new_page(viewport={"width": 1366, "height": 900}, color_scheme=scheme), harbor_site, EN_JOB)
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"harbor-job-desktop-{scheme}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert page.problems.items == []
