"""The rendered demo site: JobPosting placement, what the markup says is on the page, machine outputs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import i18n
from generator.check import check_site
from generator.model import Remote, Salary
from generator.normalize import plain_text
from generator.render import EMPLOYMENT_LABELS, REMOTE_LABELS
from tests.helpers import SITE_URL, build, copy_demo, job_file, jsonld_nodes, parse_page, postings, visible_text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page_of(public: Path, url: str) -> Path:
    """Return the file of a page given its absolute URL."""
    assert url.startswith(SITE_URL + "/")
    return public / url[len(SITE_URL) + 1 :] / "index.html"


@pytest.fixture(scope="module")
def jobs(demo_public: Path) -> list[dict[str, Any]]:
    return json.loads((demo_public / "jobs.json").read_text(encoding="utf-8"))["jobs"]


@pytest.fixture(scope="module")
def by_id(jobs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {j["id"]: j for j in jobs}


def html_pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def test_one_jobposting_on_each_job_page_and_none_elsewhere(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    job_pages = {page_of(demo_public, j["url"]) for j in jobs}
    assert len(job_pages) == len(jobs) >= 12
    for page in html_pages(demo_public):
        found = postings(page)
        if page in job_pages:
            assert len(found) == 1, page
        else:
            assert found == [], page


def test_identifier_and_url(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        page = page_of(demo_public, job["url"])
        (posting,) = postings(page)
        assert posting["identifier"] == {"@type": "PropertyValue", "name": "Lumen Labs", "value": job["id"]}
        assert posting["url"] == job["url"] == parse_page(page).canonical
        assert posting["hiringOrganization"]["name"] == "Lumen Labs"
        assert posting["hiringOrganization"]["logo"].startswith(SITE_URL + "/media/")


def shown(text: str, value: str) -> bool:
    return " ".join(value.split()) in text


def test_what_the_markup_says_is_visible(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        page = page_of(demo_public, job["url"])
        (posting,) = postings(page)
        html = page.read_text(encoding="utf-8")
        text = visible_text(page)
        language = job["language"]
        tr = i18n.translations(language)
        assert shown(text, posting["title"]), page
        assert shown(text, posting["hiringOrganization"]["name"]), page
        assert shown(text, plain_text(posting["description"])), page
        places = posting.get("jobLocation", [])
        for place in places if isinstance(places, list) else [places]:
            for key in ("streetAddress", "postalCode", "addressLocality"):
                if key in place["address"]:
                    assert shown(text, place["address"][key]), (page, key)
            # The page names the country in its own language ("Germany", "Allemagne") for the code.
            assert shown(text, i18n.country_name(place["address"]["addressCountry"], language)), page
        kinds = posting.get("employmentType", [])
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            assert shown(text, tr.gettext(EMPLOYMENT_LABELS[kind])), (page, kind)
        if "baseSalary" in posting:
            value = posting["baseSalary"]["value"]
            salary = Salary(
                currency=posting["baseSalary"]["currency"],
                unit=value["unitText"],
                min=value.get("minValue", value.get("value")),
                max=value.get("maxValue", value.get("value")),
            )
            assert shown(text, i18n.format_salary(salary, language)), page
        assert f'datetime="{posting["datePosted"]}"' in html
        if "validThrough" in posting:
            assert f'datetime="{posting["validThrough"]}"' in html
        if posting.get("jobLocationType") == "TELECOMMUTE":
            assert shown(text, tr.gettext(REMOTE_LABELS[Remote.FULL]))
            requirements = posting["applicantLocationRequirements"]
            for country in requirements if isinstance(requirements, list) else [requirements]:
                names = (country["name"], i18n.locale(language).territories[country["name"]])
                assert any(shown(text, name) for name in names), page


def test_the_draft_is_published_nowhere(demo_public: Path, by_id: dict[str, dict[str, Any]]) -> None:
    assert "OPS-403" not in by_id
    for path in demo_public.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"Head of Finance" not in content and b"OPS-403" not in content and b"head-of-finance" not in content, path


def test_french_jobs_land_in_the_french_section_only(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    french = [j for j in jobs if j["language"] == "fr"]
    english = [j for j in jobs if j["language"] == "en"]
    assert len(french) >= 2 and len(english) >= 10
    english_index = (demo_public / "index.html").read_text(encoding="utf-8")
    french_index = (demo_public / "fr/index.html").read_text(encoding="utf-8")
    for job in french:
        assert job["url"].startswith(f"{SITE_URL}/fr/jobs/")
        path = job["url"][len(SITE_URL) :]
        assert f'href="{path}"' in french_index and path not in english_index
        assert not (demo_public / path.removeprefix("/fr/").lstrip("/") / "index.html").exists()
        assert parse_page(page_of(demo_public, job["url"])).text  # rendered
        assert '<html lang="fr"' in page_of(demo_public, job["url"]).read_text(encoding="utf-8")
    for job in english:
        assert job["url"].startswith(f"{SITE_URL}/jobs/")
        assert job["url"][len(SITE_URL) :] not in french_index


def test_the_remote_job_is_telecommute_for_germany(demo_public: Path, by_id: dict[str, dict[str, Any]]) -> None:
    (posting,) = postings(page_of(demo_public, by_id["ENG-103"]["url"]))
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "DE"}
    assert "jobLocation" not in posting
    assert "You must live in Germany" in visible_text(page_of(demo_public, by_id["ENG-103"]["url"]))


def test_the_salary_range_is_numbers(demo_public: Path, by_id: dict[str, dict[str, Any]]) -> None:
    (posting,) = postings(page_of(demo_public, by_id["ENG-101"]["url"]))
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 65000, "maxValue": 80000},
    }


def test_indexes_carry_organization_and_website(demo_public: Path) -> None:
    for index, language in ((demo_public / "index.html", "en"), (demo_public / "fr/index.html", "fr")):
        nodes = {n["@type"]: n for n in jsonld_nodes(index)}
        assert set(nodes) == {"Organization", "WebSite"}
        assert nodes["Organization"]["name"] == "Lumen Labs"
        assert nodes["WebSite"]["inLanguage"] == "en"  # the site's default language, as render.py sets it
        assert nodes["WebSite"]["url"] == parse_page(index).canonical
        assert f'<html lang="{language}"' in index.read_text(encoding="utf-8")


def test_every_page_has_a_canonical_url_and_a_description(demo_public: Path) -> None:
    for page in html_pages(demo_public):
        rel = page.relative_to(demo_public).as_posix()
        html = page.read_text(encoding="utf-8")
        expected = f"{SITE_URL}/{rel.removesuffix('index.html')}" if rel.endswith("index.html") else f"{SITE_URL}/{rel}"
        assert parse_page(page).canonical == expected, rel
        assert re.search(r'<meta name="description" content="[^"]+">', html), rel
        assert re.search(r'<meta property="og:title" content="[^"]+">', html), rel


def test_content_pages_and_their_french_versions(demo_public: Path) -> None:
    about = (demo_public / "about/index.html").read_text(encoding="utf-8")
    about_fr = (demo_public / "fr/about/index.html").read_text(encoding="utf-8")
    assert "<h1>About Lumen Labs</h1>" in about
    assert "<h1>À propos de Lumen Labs</h1>" in about_fr
    assert f'hreflang="fr" href="{SITE_URL}/fr/about/"' in about and f'hreflang="en" href="{SITE_URL}/about/"' in about_fr
    assert "Benefits" in visible_text(demo_public / "benefits/index.html")
    assert "Avantages" in visible_text(demo_public / "fr/benefits/index.html")


def test_404_page_is_not_indexed(demo_public: Path) -> None:
    assert parse_page(demo_public / "404.html").noindex


def indexable_pages(public: Path) -> set[str]:
    urls = set()
    for page in public.rglob("index.html"):
        if not parse_page(page).noindex:
            rel = page.relative_to(public).as_posix().removesuffix("index.html")
            urls.add(f"{SITE_URL}/{rel}")
    return urls


def test_sitemap_lists_every_page_with_lastmod_from_the_data(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    root = ET.parse(demo_public / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    assert set(entries) == indexable_pages(demo_public)
    for job in jobs:
        assert entries[job["url"]] == (job["updated_at"] or job["date_posted"])

    def moment(value: str) -> datetime:
        return datetime.fromisoformat(value if "T" in value else value + "T00:00:00+00:00")

    for section, language in ((f"{SITE_URL}/", "en"), (f"{SITE_URL}/fr/", "fr")):
        latest = max((j["updated_at"] or j["date_posted"] for j in jobs if j["language"] == language), key=moment)
        assert entries[section] == latest
    assert entries[f"{SITE_URL}/about/"] is None  # content pages carry no date


def test_robots_points_at_the_sitemap(demo_public: Path) -> None:
    lines = (demo_public / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line.strip() != "Disallow:" for line in lines)


def test_feed_is_atom_with_one_entry_per_job(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    feed = ET.parse(demo_public / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Careers at Lumen Labs"
    assert feed.findtext(f"{ATOM}id") == f"{SITE_URL}/"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Lumen Labs"  # type: ignore[union-attr]
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(jobs)
    by_url = {j["url"]: j for j in jobs}
    updated = []
    for entry in entries:
        url = entry.findtext(f"{ATOM}id")
        job = by_url.pop(url)
        assert entry.find(f"{ATOM}link").get("href") == url  # type: ignore[union-attr]
        assert entry.findtext(f"{ATOM}title") == job["title"]
        assert entry.findtext(f"{ATOM}published", "").startswith(job["date_posted"])
        assert (entry.findtext(f"{ATOM}summary") or "").strip()
        updated.append(datetime.fromisoformat(entry.findtext(f"{ATOM}updated", "").replace("Z", "+00:00")))
    assert by_url == {}
    assert updated == sorted(updated, reverse=True)  # newest first
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated", "").replace("Z", "+00:00")) == max(updated)


def test_jobs_json_has_one_entry_per_job(demo_public: Path, jobs: list[dict[str, Any]], demo_site: Path) -> None:
    from generator.config import load_config
    from generator.sources import FetchContext
    from generator.sources.local import LocalSource

    config = load_config(demo_site / "careers.toml")
    model = {j.id: j for j in LocalSource(config.sources[0], FetchContext(root=demo_site)).fetch().jobs}
    assert sorted(j["id"] for j in jobs) == sorted(model)
    for entry in jobs:
        job = model[entry["id"]]
        assert entry["title"] == job.title
        assert entry["department"] == (job.department.name if job.department else None)
        assert entry["locations"] == [
            {k: v for k, v in (("name", o.name), ("city", o.city), ("region", o.region), ("country", o.country)) if v} for o in job.offices
        ]
        assert entry["employment_type"] == list(job.employment_types)
        assert entry["remote"] == job.remote.value
        assert entry["date_posted"] == job.date_posted
        assert entry["updated_at"] == job.updated_at
        assert entry["valid_through"] == job.valid_through
        assert entry["language"] == (job.language or "en")
        assert entry["url"].endswith(f"/jobs/{job.slug}/")


def test_department_and_office_pages_list_their_jobs(demo_public: Path, jobs: list[dict[str, Any]]) -> None:
    english = [j for j in jobs if j["language"] == "en"]
    berlin = (demo_public / "offices/berlin/index.html").read_text(encoding="utf-8")
    for job in english:
        path = job["url"][len(SITE_URL) :]
        in_berlin = any(loc["name"] == "Berlin" for loc in job["locations"])
        assert (f'href="{path}"' in berlin) == in_berlin, job["id"]
    sales = (demo_public / "departments/sales/index.html").read_text(encoding="utf-8")
    for job in english:
        assert (f'href="{job["url"][len(SITE_URL) :]}"' in sales) == (job["department"] == "Sales"), job["id"]


# -- hostile input ----------------------------------------------------------------------------


class ElementLister(HTMLParser):
    """Record every element with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


HOSTILE_TITLE = "</script><script>alert(1)</script> R&D <b>lead</b>"


@pytest.fixture
def hostile(make_site: Callable[..., Path]) -> Path:
    root = make_site(
        '[site]\ntitle = "Careers"\nurl = "https://careers.example.com"\n[organization]\nname = "Example & Co"\n[[sources]]\ntype = "local"\n',
        {
            "content/offices.toml": '[[offices]]\nid = "p"\nname = "Paris"\ncountry = "FR"\n',
            "content/jobs/x.md": job_file(
                id="X1",
                title=HOSTILE_TITLE,
                date_posted="2026-10-05",
                offices=["p"],
                tags=["<img src=x onerror=alert(2)>"],
                body='Hello <script>alert(3)</script><img src=x onerror="alert(4)">\n\n<a href="javascript:alert(5)">x</a>\n',
            ),
        },
    )
    build(root)
    return root / "public"


def test_a_title_cannot_break_out_of_the_json_ld_block(hostile: Path) -> None:
    (page,) = hostile.glob("jobs/*/index.html")
    html = page.read_text(encoding="utf-8")
    # The only script elements are the JSON-LD blocks, and each ends where it should.
    assert html.count("<script") == html.count('<script type="application/ld+json">') == 1
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert block and "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    (posting,) = postings(page)
    assert posting["title"] == HOSTILE_TITLE
    assert posting["hiringOrganization"]["name"] == "Example & Co"
    assert "alert(1)" in visible_text(page)  # shown as text, escaped
    assert check_site(hostile) == []


def test_no_hostile_markup_reaches_any_page(hostile: Path) -> None:
    for page in hostile.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        elements = ElementLister()
        elements.feed(html)
        for tag, attrs in elements.found:
            assert not (tag == "img" and attrs.get("src") == "x"), page
            # Only JSON-LD blocks and the theme's own fingerprinted, same-origin script.
            assert tag != "script" or attrs == {"type": "application/ld+json"} or attrs.get("src", "").startswith("/assets/"), (page, tag)
            assert not [name for name in attrs if name.startswith("on")], (page, tag)
            assert not (attrs.get("href") or "").startswith("javascript:"), (page, tag)
        assert not [tag for tag, _ in elements.found if tag == "b"], page
        assert "alert(3)" not in html and "alert(4)" not in html, page  # removed with their elements


def test_every_language_under_a_prefix_keeps_a_root_page(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    config = root / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", "[site]\ndefault_language_prefix = true\n"), encoding="utf-8")
    build(root)
    public = root / "public"
    assert (public / "en/index.html").is_file() and (public / "fr/index.html").is_file()
    home = parse_page(public / "index.html")
    assert home.noindex and home.canonical == f"{SITE_URL}/en/"
    assert f'<meta http-equiv="refresh" content="0; url={SITE_URL}/en/">' in (public / "index.html").read_text(encoding="utf-8")
    assert check_site(public) == []


def test_two_sources_with_the_same_job_id_and_title_get_two_pages(make_site) -> None:
    from generator.build import BuildOptions, build_site
    from generator.check import check_site
    from generator.config import load_config

    job = '+++\nid = "1"\ntitle = "Nurse planner"\ndate_posted = 2026-10-01\nremote = "full"\nremote_countries = ["FR"]\napply_url = "mailto:a@b.example"\n+++\nPlan the week.\n'
    root = make_site(
        """
        [site]
        title = "Two sources"
        url = "https://jobs.example.org"
        [[sources]]
        type = "local"
        name = "paris"
        path = "paris"
        [[sources]]
        type = "local"
        name = "lyon"
        path = "lyon"
        """,
        {"paris/planner.md": job, "lyon/planner.md": job},
    )
    build_site(load_config(root / "careers.toml"), BuildOptions())
    pages = sorted(p.parent.name for p in (root / "public/jobs").glob("*/index.html"))
    assert pages == ["nurse-planner-1", "nurse-planner-1-paris"]
    assert check_site(root / "public") == []
    # When the suffixed job closes, its own URL gets the closed page.
    (root / "paris/planner.md").unlink()
    build_site(load_config(root / "careers.toml"), BuildOptions())
    closed = (root / "public/jobs/nurse-planner-1-paris/index.html").read_text(encoding="utf-8")
    assert "JobPosting" not in closed and 'content="noindex"' in closed
    assert "JobPosting" in (root / "public/jobs/nurse-planner-1/index.html").read_text(encoding="utf-8")
