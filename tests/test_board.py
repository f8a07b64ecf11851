"""Job boards: a site built from many Welcome Kit organizations, each job hired by its own company.

Built once from the Welcome Kit emulator (the partnership endpoints, 200 organizations, some
without logo, cover, offices or videos) with small pages, so pagination, the company directory,
company pages, per-company JobPosting markup, the sitemap index and the paged jobs.json all show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator import render
from generator.build import BuildOptions, build_site
from generator.check import check_site
from generator.config import load_config
from tests.emulators.welcomekit import PARTNER_SCOPES, PARTNER_TOKEN, WelcomeKitEmulator, board

EPOCH = "1793534400"  # the fixed clock of tests/conftest.py
COUNT = 200
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def write_board(root: Path, api_url: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "careers.toml").write_text(
        f"""
[site]
title = "Jobs in tech"
url = "https://jobs.example"
languages = ["en", "fr"]
mode = "board"
per_page = 7

[organization]
name = "Jobs in tech"
url = "https://jobs.example"

[[sources]]
type = "welcomekit"
all_jobs = true
cms_sites_references = ["wttj_fr", "jungle", "smgo_fr"]
organizations = "search"
api_url = "{api_url}"
retries = 1
timeout = 5
requests_per_second = 1000
concurrency = 4
""",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Build the board once, with limits lowered so the sitemap index and jobs.json pages appear."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "SITEMAP_MAX_URLS", 150)
    patch.setattr(render, "JOBS_JSON_PAGE", 60)
    try:
        with WelcomeKitEmulator(board(COUNT)) as emu:
            emu.add_token(PARTNER_TOKEN, set(PARTNER_SCOPES))
            root = write_board(tmp_path_factory.mktemp("board") / "site", emu.api_url)
            config = load_config(root / "careers.toml")
            report = build_site(config, BuildOptions(env={"WK_API_KEY": PARTNER_TOKEN, "SOURCE_DATE_EPOCH": EPOCH}, sleep=lambda s: None))
            methods = emu.methods()
        yield {"root": root, "public": root / "public", "report": report, "methods": methods}
    finally:
        patch.undo()


def page(public: Path, path: str) -> str:
    return (
        (public / path.strip("/") / "index.html").read_text(encoding="utf-8")
        if path.strip("/")
        else (public / "index.html").read_text(encoding="utf-8")
    )


def blocks(html: str) -> list[dict[str, Any]]:
    return [json.loads(b) for b in JSONLD.findall(html)]


def job_pages(public: Path) -> list[Path]:
    return sorted(p for p in public.rglob("jobs/*/index.html"))


def test_the_board_builds_and_passes_careers_check(built: dict[str, Any]) -> None:
    assert built["report"].sources[0].jobs == 5 * COUNT
    assert built["methods"] == {"GET"}
    # The only findings are the data's own: fully remote jobs of companies without any office
    # (n % 11 == 4), which Welcome Kit gives no applicant country; the build warned about each.
    problems = check_site(built["public"])
    remote_only = [n for n in range(COUNT) if n % 11 == 4]
    assert len(problems) == 5 * len(remote_only)
    for problem in problems:
        assert re.fullmatch(
            r"(?:fr/|es/)?jobs/[a-z0-9-]+-at-company-(\d+)-wttj-\d+/index\.html: a TELECOMMUTE job needs applicantLocationRequirements .*", problem
        )
        assert int(re.search(r"-at-company-(\d+)-", problem).group(1)) in remote_only


def test_every_job_posting_names_its_own_company(built: dict[str, Any]) -> None:
    public = built["public"]
    pages = job_pages(public)
    assert len(pages) == 5 * COUNT
    companies = set()
    for path in pages:
        html = path.read_text(encoding="utf-8")
        (posting,) = blocks(html)
        assert posting["@type"] == "JobPosting"
        hiring = posting["hiringOrganization"]
        number = int(re.search(r"at company (\d+)", posting["title"]).group(1))
        assert hiring["name"].startswith(f"Company {number:03d} ")
        assert posting["identifier"]["name"] == hiring["name"]
        assert f"https://company{number}.example/" in json.dumps(hiring.get("sameAs"))
        if number % 7 == 3:
            assert "logo" not in hiring  # this company has no logo
        else:
            assert hiring["logo"].startswith("https://jobs.example/media/")
        # The page names its company and links to the company's page, where the markup says it is.
        link = re.search(r'<p class="job-company">.*?<a href="([^"]+)">([^<]+)</a></p>', html, re.DOTALL)
        assert link and link.group(2) == hiring["name"].replace("&", "&amp;")
        assert (public / link.group(1).strip("/") / "index.html").is_file()
        companies.add(hiring["name"])
    assert len(companies) == COUNT


def test_company_pages_carry_organization_markup_and_no_job_posting(built: dict[str, Any]) -> None:
    public = built["public"]
    company_pages = sorted((public / "companies").glob("*/index.html"))
    assert len(company_pages) >= COUNT  # every company hiring in English, plus pages 2.. of the directory
    seen = 0
    for path in company_pages:
        if path.parent.name == "page":
            continue
        html = path.read_text(encoding="utf-8")
        found = blocks(html)
        assert [b["@type"] for b in found] == ["Organization"]
        assert "JobPosting" not in html
        seen += 1
        assert 'class="job-card"' in html  # its open jobs
    assert seen == COUNT


def test_a_company_page_shows_its_profile(built: dict[str, Any]) -> None:
    html = page(built["public"], "/companies/company-001/")
    assert '<h1 dir="auto">Company 001' in html
    assert 'class="company-figures"' in html and ">Employees<" in html and ">11<" in html
    assert 'class="company-offices"' in html
    assert 'class="gallery"' in html  # organization 1 has images
    # Videos: links to the provider's page, players only on request (no iframe, no third-party source in the page).
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'data-embed="https://www.dailymotion.com/embed/video/x7tgad0"' in html
    assert "<iframe" not in html
    sources = re.findall(r'(?:src|srcset)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources)
    assert "videos." in html  # the script that swaps a link for its player
    # A company without offices, logo or videos still has a page, without those parts.
    bare = page(built["public"], "/companies/company-004/")
    assert 'class="company-offices"' not in bare and 'class="videos"' not in bare


def test_the_company_directory_is_paginated_with_rel_links(built: dict[str, Any]) -> None:
    public = built["public"]
    first = page(public, "/companies/")
    assert first.count('class="company-card"') == 7
    assert '<link rel="next" href="/companies/page/2/">' in first and 'rel="prev"' not in first
    last_number = max(int(p.parent.name) for p in (public / "companies/page").glob("*/index.html") if p.parent.name.isdigit())
    last = page(public, f"/companies/page/{last_number}/")
    assert f'<link rel="prev" href="/companies/page/{last_number - 1}/">' in last and '<link rel="next"' not in last
    total = sum(page(public, f"/companies/page/{n}/").count('class="company-card"') for n in range(2, last_number + 1)) + 7
    assert total == COUNT
    # A company without a logo shows its initial instead.
    names = re.findall(r'<h2 class="company-name"><a href="([^"]+)"', first)
    assert names == sorted(names, key=lambda n: n)  # sorted by name
    everything = first + "".join(page(public, f"/companies/page/{n}/") for n in range(2, last_number + 1))
    assert everything.count('class="company-initial"') == len([n for n in range(COUNT) if n % 7 == 3])


def test_listings_are_paginated_and_filter_by_company(built: dict[str, Any]) -> None:
    public = built["public"]
    home = page(public, "/")
    assert home.count('class="job-card"') == 7
    assert '<link rel="next" href="/page/2/">' in home
    assert 'class="pagination"' in home and 'aria-current="page"' in home
    assert "data-filters" not in home  # too long to filter in the page: the facet pages do it
    assert re.search(r'<h2 class="facet-title">Company</h2>', home)
    second = page(public, "/page/2/")
    assert '<link rel="prev" href="/">' in second and "<title>Page 2 · Jobs in tech</title>" in second
    card = re.search(r'<li class="job-card"\s+data-company="([^"]+)"', home)
    assert card and (public / "companies" / card.group(1) / "index.html").is_file()


def test_sitemap_becomes_an_index_beyond_its_limit(built: dict[str, Any]) -> None:
    public = built["public"]
    index = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index
    children = re.findall(r"<loc>https://jobs.example/(sitemaps/\d+\.xml)</loc>", index)
    assert len(children) >= 2
    urls = []
    for child in children:
        text = (public / child).read_text(encoding="utf-8")
        found = re.findall(r"<loc>([^<]+)</loc>", text)
        assert 0 < len(found) <= 150
        urls += found
    assert len(urls) == len(set(urls))
    assert "https://jobs.example/companies/" in urls and "https://jobs.example/companies/company-001/" in urls
    jobs = [u for u in urls if "/jobs/" in u]
    assert len(jobs) == 5 * COUNT


def test_jobs_json_is_split_into_linked_pages(built: dict[str, Any]) -> None:
    public = built["public"]
    first = json.loads((public / "jobs.json").read_text(encoding="utf-8"))
    assert first["total"] == 5 * COUNT and first["page"] == 1 and len(first["jobs"]) == 60
    seen, current = [], first
    while True:
        seen += current["jobs"]
        if "next" not in current:
            break
        name = current["next"].rpartition("/")[2]
        current = json.loads((public / name).read_text(encoding="utf-8"))
        assert current["previous"].startswith("https://jobs.example/")
    assert len(seen) == first["total"] == len({j["url"] for j in seen})
    assert all(j["company"].startswith("Company ") for j in seen)


def test_job_cards_and_open_graph_pictures_use_the_company(built: dict[str, Any]) -> None:
    public = built["public"]
    html = page(public, "/companies/company-001/")
    assert re.search(r'<p class="job-company">Company 001 [^<]+</p>', html)
    job = next(p for p in job_pages(public) if "-at-company-1-" in p.parent.name)
    text = job.read_text(encoding="utf-8")
    alt = re.search(r'<meta property="og:image:alt" content="([^"]+)">', text)
    assert alt and "Company 001" in alt.group(1)


def test_company_of_follows_a_replaced_list_of_companies() -> None:
    from generator.model import Job, Organization, Site

    site = Site(organization=Organization(name="Board"), companies=[Organization(id="s:a", name="Old A")])
    job = Job(source="s", id="1", title="Role", date_posted="2026-01-01", company="s:a")
    assert site.company_of(job).name == "Old A"
    site.companies = [Organization(id="s:a", name="New A")]  # same length, new list (as store_images does)
    assert site.company_of(job).name == "New A"
    site.companies.append(Organization(id="s:b", name="B"))
    assert site.company_of(Job(source="s", id="2", title="R", date_posted="2026-01-01", company="s:b")).name == "B"
    assert site.company_of(Job(source="s", id="3", title="R", date_posted="2026-01-01")).name == "Board"
    assert site.company_of(Job(source="s", id="4", title="R", date_posted="2026-01-01", company="s:gone")).name == "Board"
