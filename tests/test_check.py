"""`careers check`: each of Google's JobPosting rules, and the site-wide checks."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.check import check_job_posting, check_site, check_vocabulary
from tests.helpers import build, job_file

WHERE = "jobs/x/index.html"


def valid() -> dict[str, Any]:
    """A JobPosting that follows every rule."""
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Backend Engineer",
        "description": "<p>Build the scheduling API.</p><ul><li>Python</li></ul>",
        "datePosted": "2026-10-05",
        "validThrough": "2027-01-31T23:59:00+01:00",
        "identifier": {"@type": "PropertyValue", "name": "Lumen Labs", "value": "ENG-1"},
        "url": "https://careers.example.com/jobs/x/",
        "hiringOrganization": {"@type": "Organization", "name": "Lumen Labs", "sameAs": "https://lumenlabs.example"},
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Paris", "addressCountry": "FR"}},
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 65000, "maxValue": 80000},
        },
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 36},
        "educationRequirements": {"@type": "EducationalOccupationalCredential", "credentialCategory": "bachelor degree"},
        "directApply": False,
    }


def test_the_valid_posting_passes() -> None:
    page = "Backend Engineer Lumen Labs Paris"
    assert check_job_posting(valid(), WHERE, page, "https://careers.example.com/jobs/x/") == []


def remove(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda p: p.pop(key)


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(p: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = p
        for part in parents:
            node = node[part]
        node[last] = value

    return apply


def telecommute_without_requirements(p: dict[str, Any]) -> None:
    p["jobLocationType"] = "TELECOMMUTE"
    p.pop("jobLocation")


def rename(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    return lambda p: p.__setitem__(new, p.pop(old))


RULES: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("no title", remove("title"), [f"{WHERE}: required property title is missing"]),
    ("no description", remove("description"), [f"{WHERE}: required property description is missing"]),
    ("no datePosted", remove("datePosted"), [f"{WHERE}: required property datePosted is missing"]),
    ("no hiringOrganization", remove("hiringOrganization"), [f"{WHERE}: required property hiringOrganization is missing"]),
    (
        "employmentType 'Full time'",
        setter("employmentType", "Full time"),
        [f"{WHERE}: employmentType 'Full time' is not one of FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER"],
    ),
    (
        "employmentType lower case",
        setter("employmentType", ["FULL_TIME", "part_time"]),
        [f"{WHERE}: employmentType 'part_time' is not one of FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER"],
    ),
    (
        "datePosted 18/01/2025",
        setter("datePosted", "18/01/2025"),
        [f"{WHERE}: datePosted '18/01/2025' is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)"],
    ),
    (
        "datePosted without offset",
        setter("datePosted", "2026-10-05T10:00:00"),
        [f"{WHERE}: datePosted '2026-10-05T10:00:00' is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)"],
    ),
    (
        "datePosted 2026-02-30",
        setter("datePosted", "2026-02-30"),
        [f"{WHERE}: datePosted '2026-02-30' is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)"],
    ),
    ("validThrough not a date", setter("validThrough", "31 January 2027"), [f"{WHERE}: validThrough '31 January 2027' is not an ISO 8601 date"]),
    ("validThrough before datePosted", setter("validThrough", "2026-10-01"), [f"{WHERE}: validThrough 2026-10-01 is before datePosted 2026-10-05"]),
    (
        "addressCountry USA",
        setter("jobLocation.address.addressCountry", "USA"),
        [f"{WHERE}: addressCountry 'USA' must be an ISO 3166-1 alpha-2 code such as GB"],
    ),
    (
        "addressCountry UK",
        setter("jobLocation.address.addressCountry", "UK"),
        [f"{WHERE}: addressCountry 'UK' must be an ISO 3166-1 alpha-2 code such as GB"],
    ),
    (
        "addressCountry lower case",
        setter("jobLocation.address.addressCountry", "fr"),
        [f"{WHERE}: addressCountry 'fr' must be an ISO 3166-1 alpha-2 code such as GB"],
    ),
    ("no addressCountry", lambda p: p["jobLocation"]["address"].pop("addressCountry"), [f"{WHERE}: jobLocation.address.addressCountry is required"]),
    ("no address", setter("jobLocation", {"@type": "Place", "name": "Paris"}), [f"{WHERE}: jobLocation needs a PostalAddress"]),
    ("no jobLocation", remove("jobLocation"), [f"{WHERE}: jobLocation is required unless the job is fully remote (TELECOMMUTE)"]),
    ("currency EURO", setter("baseSalary.currency", "EURO"), [f"{WHERE}: baseSalary.currency 'EURO' is not an ISO 4217 code"]),
    ("currency symbol", setter("baseSalary.currency", "€"), [f"{WHERE}: baseSalary.currency '€' is not an ISO 4217 code"]),
    (
        "unitText Year",
        setter("baseSalary.value.unitText", "Year"),
        [f"{WHERE}: baseSalary unitText 'Year' is not one of HOUR, DAY, WEEK, MONTH, YEAR"],
    ),
    (
        "unitText yearly",
        setter("baseSalary.value.unitText", "yearly"),
        [f"{WHERE}: baseSalary unitText 'yearly' is not one of HOUR, DAY, WEEK, MONTH, YEAR"],
    ),
    ("salary as strings", setter("baseSalary.value.minValue", "65000"), [f"{WHERE}: baseSalary amounts must be numbers"]),
    (
        "salary without amount",
        setter("baseSalary.value", {"@type": "QuantitativeValue", "unitText": "YEAR"}),
        [f"{WHERE}: baseSalary amounts must be numbers"],
    ),
    ("salary min above max", setter("baseSalary.value.minValue", 90000), [f"{WHERE}: baseSalary minValue is above maxValue"]),
    ("salary a number", setter("baseSalary.value", 65000), [f"{WHERE}: baseSalary.value must be a QuantitativeValue"]),
    ("baseSalary a string", setter("baseSalary", "65k"), [f"{WHERE}: baseSalary must be a MonetaryAmount"]),
    (
        "TELECOMMUTE without applicantLocationRequirements",
        telecommute_without_requirements,
        [f"{WHERE}: a TELECOMMUTE job needs applicantLocationRequirements (the countries applicants may live in)"],
    ),
    (
        "applicantLocationRequirements without name",
        lambda p: p.update(jobLocationType="TELECOMMUTE", applicantLocationRequirements={"@type": "Country"}),
        [f"{WHERE}: applicantLocationRequirements needs a name"],
    ),
    ("jobLocationType REMOTE", setter("jobLocationType", "REMOTE"), [f"{WHERE}: jobLocationType may only be TELECOMMUTE"]),
    ("description == title", setter("description", "Backend Engineer"), [f"{WHERE}: description must not be the same as the title"]),
    (
        "description == title in a paragraph",
        setter("description", "<p>Backend Engineer</p>"),
        [f"{WHERE}: description must not be the same as the title"],
    ),
    (
        "description without paragraph breaks",
        setter("description", "Build the scheduling API with Python."),
        [f"{WHERE}: description needs paragraph breaks (<p>, <br>, <ul> or line breaks)"],
    ),
    ("organization without a name", setter("hiringOrganization", {"@type": "Organization"}), [f"{WHERE}: hiringOrganization needs a name"]),
    (
        "typo hiringOrganisation",
        rename("hiringOrganization", "hiringOrganisation"),
        [f"{WHERE}: required property hiringOrganization is missing", f"{WHERE}: 'hiringOrganisation' is not a schema.org property"],
    ),
    (
        "typo experienceRequirements.yearsOfExperience",
        setter("experienceRequirements", {"@type": "OccupationalExperienceRequirements", "yearsOfExperience": 3}),
        [
            f"{WHERE}: experienceRequirements.monthsOfExperience must be a number",
            f"{WHERE}.experienceRequirements: 'yearsOfExperience' is not a schema.org property",
        ],
    ),
    (
        "monthsOfExperience as text",
        setter("experienceRequirements.monthsOfExperience", "36"),
        [f"{WHERE}: experienceRequirements.monthsOfExperience must be a number"],
    ),
    (
        "education category",
        setter("educationRequirements.credentialCategory", "Master"),
        [
            f"{WHERE}: educationRequirements credentialCategory must be one of high school, associate degree, bachelor degree, professional certificate, postgraduate degree"
        ],
    ),
    ("identifier as text", setter("identifier", "ENG-1"), [f"{WHERE}: identifier must be a PropertyValue with a value"]),
    (
        "identifier without value",
        setter("identifier", {"@type": "PropertyValue", "name": "Lumen Labs"}),
        [f"{WHERE}: identifier must be a PropertyValue with a value"],
    ),
    (
        "property on the wrong type",
        setter("hiringOrganization.streetAddress", "12 rue X"),
        [f"{WHERE}.hiringOrganization: 'streetAddress' is not a property of Organization"],
    ),
    ("unknown type", setter("hiringOrganization.@type", "Company"), [f"{WHERE}.hiringOrganization: unknown schema.org type 'Company'"]),
]


@pytest.mark.parametrize(("name", "change", "expected"), RULES, ids=[r[0] for r in RULES])
def test_each_rule(name: str, change: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    posting = copy.deepcopy(valid())
    change(posting)
    assert check_job_posting(posting, WHERE) == expected


def test_telecommute_with_requirements_needs_no_location() -> None:
    posting = valid()
    posting.pop("jobLocation")
    posting.update(jobLocationType="TELECOMMUTE", applicantLocationRequirements=[{"@type": "Country", "name": "DE"}])
    assert check_job_posting(posting, WHERE) == []


def test_url_must_be_the_canonical_url() -> None:
    assert check_job_posting(valid(), WHERE, canonical="https://careers.example.com/jobs/y/") == [
        f"{WHERE}: url 'https://careers.example.com/jobs/x/' is not the page's canonical URL 'https://careers.example.com/jobs/y/'"
    ]


def test_title_and_company_must_be_visible() -> None:
    assert check_job_posting(valid(), WHERE, page_text="Frontend Engineer at Another Company") == [
        f"{WHERE}: the title 'Backend Engineer' is not visible on the page",
        f"{WHERE}: the organization name 'Lumen Labs' is not visible on the page",
    ]
    # Line breaks and repeated spaces on the page do not matter.
    assert check_job_posting(valid(), WHERE, page_text="Backend\n   Engineer  at Lumen\nLabs") == []


def test_vocabulary_check_walks_lists_and_nested_nodes() -> None:
    problems: list[str] = []
    check_vocabulary(
        [{"@type": "Organization", "name": "A", "logoo": "x"}, {"@type": "Place", "address": {"@type": "PostalAddress", "zip": "1"}}], "p", problems
    )
    assert problems == ["p: 'logoo' is not a schema.org property", "p.address: 'zip' is not a schema.org property"]


# -- the whole site ---------------------------------------------------------------------------

TOML = """
[site]
title = "Careers at Example"
url = "https://careers.example.com"

[organization]
name = "Example"

[[sources]]
type = "local"
"""
OFFICES = '[[offices]]\nid = "paris"\nname = "Paris"\ncity = "Paris"\ncountry = "FR"\n'


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    root = make_site(
        TOML,
        {
            "content/offices.toml": OFFICES,
            "content/jobs/a.md": job_file(
                id="A1", title="Backend Engineer", date_posted="2026-10-05", offices=["paris"], employment_type="FULL_TIME"
            ),
            "content/jobs/b.md": job_file(id="B2", title="Designer", date_posted="2026-10-06", offices=["paris"], employment_type="PART_TIME"),
        },
    )
    build(root)
    return root / "public"


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, lambda _: replacement, text, count=1)
    assert count == 1, f"{pattern!r} not found in {path}"
    path.write_text(new, encoding="utf-8")


def ld_block(path: Path) -> str:
    match = re.search(r'<script type="application/ld\+json">.*?</script>', path.read_text(encoding="utf-8"), re.DOTALL)
    assert match
    return match.group(0)


def test_a_built_site_is_clean(site: Path) -> None:
    assert check_site(site) == []


def test_jobposting_on_a_page_that_is_not_a_job_page(site: Path) -> None:
    block = ld_block(site / "jobs/backend-engineer-a1/index.html")
    edit(site / "index.html", "</head>", block + "</head>")
    edit(site / "offices/paris/index.html", "</head>", block + "</head>")
    assert check_site(site) == [
        "index.html: JobPosting markup on a page that is not an open job's page",
        "offices/paris/index.html: JobPosting markup on a page that is not an open job's page",
    ]


def test_jobposting_on_a_closed_job_page(site: Path) -> None:
    # A closed job keeps its URL with noindex: it must not carry markup.
    page = site / "jobs/backend-engineer-a1/index.html"
    edit(page, "</head>", '<meta name="robots" content="noindex"></head>')
    assert check_site(site) == ["jobs/backend-engineer-a1/index.html: JobPosting markup on a page that is not an open job's page"]


def test_two_jobpostings_on_one_page(site: Path) -> None:
    page = site / "jobs/backend-engineer-a1/index.html"
    edit(page, "</head>", ld_block(page) + "</head>")
    assert check_site(site) == ["jobs/backend-engineer-a1/index.html: a job page needs exactly one JobPosting, found 2"]


def test_job_page_without_jobposting(site: Path) -> None:
    page = site / "jobs/designer-b2/index.html"
    edit(page, r'<script type="application/ld\+json">.*?</script>', "")
    assert check_site(site) == ["jobs/designer-b2/index.html: a job page needs exactly one JobPosting, found 0"]


def test_invalid_json_ld(site: Path) -> None:
    edit(site / "index.html", "</head>", '<script type="application/ld+json">{"@type": "WebSite",,}</script></head>')
    (problem,) = check_site(site)
    assert problem.startswith("index.html: JSON-LD block 3 is not valid JSON: ")


def test_rules_are_checked_on_every_job_page(site: Path) -> None:
    edit(site / "jobs/designer-b2/index.html", '"addressCountry":"FR"', '"addressCountry":"FRA"')
    edit(site / "jobs/designer-b2/index.html", '"employmentType":"PART_TIME"', '"employmentType":"Part time"')
    assert check_site(site) == [
        "jobs/designer-b2/index.html: employmentType 'Part time' is not one of FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER",
        "jobs/designer-b2/index.html: addressCountry 'FRA' must be an ISO 3166-1 alpha-2 code such as GB",
    ]


def test_markup_that_the_page_does_not_show(site: Path) -> None:
    page = site / "jobs/designer-b2/index.html"
    edit(page, '"title":"Designer"', '"title":"Senior Designer"')
    assert check_site(site) == ["jobs/designer-b2/index.html: the title 'Senior Designer' is not visible on the page"]


def test_broken_internal_links_and_assets(site: Path) -> None:
    edit(site / "index.html", "<main", '<a href="/nope/">x</a><a href="../jobs/missing-z9/">y</a><a href="https://elsewhere.example/">z</a><main')
    stylesheet = next((site / "assets").glob("style.*.css"))
    stylesheet.unlink()
    problems = check_site(site)
    link = f"/assets/{stylesheet.name}"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html: broken link /nope/" in problems
    assert "index.html: broken link ../jobs/missing-z9/" in problems
    assert not any("elsewhere.example" in p for p in problems)
    # Every page links the stylesheet: each reports it.
    assert sorted(p.split(":")[0] for p in problems if p.endswith(f"broken link {link}")) == pages
    assert len(problems) == len(pages) + 2


def test_sitemap_entries_must_resolve(site: Path) -> None:
    edit(site / "sitemap.xml", "</urlset>", "<url><loc>https://careers.example.com/gone/</loc></url></urlset>")
    assert check_site(site) == ["sitemap.xml: https://careers.example.com/gone/ does not resolve to a page of the site"]


def test_missing_sitemap(site: Path) -> None:
    (site / "sitemap.xml").unlink()
    assert check_site(site) == ["sitemap.xml: missing"]


@pytest.mark.parametrize("robots", [None, "User-agent: *\nAllow: /\n", "User-agent: *\nSitemap: /sitemap.xml\n"])
def test_robots_needs_an_absolute_sitemap_line(site: Path, robots: str | None) -> None:
    if robots is None:
        (site / "robots.txt").unlink()
    else:
        (site / "robots.txt").write_text(robots, encoding="utf-8")
    assert check_site(site) == ["robots.txt: missing, or without an absolute `Sitemap: <site url>/sitemap.xml` line"]


def test_not_a_site(tmp_path: Path) -> None:
    assert check_site(tmp_path / "public") == [f"{tmp_path / 'public'}: no such folder; run `careers build` first"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "robots.txt").write_text("Sitemap: https://x.example/sitemap.xml\n", encoding="utf-8")
    assert check_site(tmp_path / "empty") == [f"{tmp_path / 'empty'}: no HTML pages", "sitemap.xml: missing"]


def test_a_site_under_a_base_path(make_site: Callable[..., Path]) -> None:
    root = make_site(
        TOML.replace("https://careers.example.com", "https://example.com/careers"),
        {"content/offices.toml": OFFICES, "content/jobs/a.md": job_file(title="Engineer", date_posted="2026-10-05", offices=["paris"])},
    )
    build(root)
    public = root / "public"
    assert check_site(public) == []
    edit(public / "index.html", "<main", '<a href="/careers/nope/">x</a><main')
    assert check_site(public) == ["index.html: broken link /careers/nope/"]


def test_the_demo_site_is_clean(demo_public: Path) -> None:
    assert check_site(demo_public) == []
