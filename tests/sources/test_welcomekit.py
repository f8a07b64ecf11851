"""The Welcome Kit source: every mapping rule, every error message, and a whole build from the emulator."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build_site
from generator.check import check_site
from generator.config import load_config, parse_config
from generator.errors import ConfigError, HttpError, SourceError
from generator.model import Office, Remote, Salary
from generator.sources import SOURCES, FetchContext
from generator.sources.welcomekit import (
    Payloads,
    WelcomeKitSource,
    cms_sites,
    job_apply_url,
    job_offices,
    parse_contract,
    parse_education,
    parse_experience,
    parse_job,
    parse_office,
    parse_organization,
    parse_remote,
    parse_salary,
    parse_sections,
    parse_source,
    social_links,
)
from tests.emulators.welcomekit import REFERENCE, TOKEN, WelcomeKitEmulator, job, sample_organization

SITE = {"title": "Careers at Lumen Labs", "url": "https://careers.lumenlabs.example", "languages": ["en", "fr"]}
EPOCH = "1793534400"  # the fixed clock of tests/conftest.py
JOBS_QUERY = f"organization_reference={REFERENCE}&status=published&websites=true"
STALE_HINT = "Welcome Kit is down or unreachable: try again later, or build with --allow-stale to publish the last snapshot"
PARIS = Office(id="196", name="Paris HQ", street="11 bis rue Bachaumont", city="Paris", postal_code="75002", country="FR")


@pytest.fixture(scope="module")
def server():
    with WelcomeKitEmulator() as emulator:
        yield emulator


@pytest.fixture
def emu(server):
    """The module's emulator, reset for each test (stopping a server costs half a second)."""
    return server.reset()


def make_source(
    emu: WelcomeKitEmulator, root: Path, *, env: dict[str, str] | None = None, languages=("en", "fr"), **options: Any
) -> WelcomeKitSource:
    entry = {"type": "welcomekit", "organization_reference": REFERENCE, "api_url": emu.api_url, "retries": 1, "timeout": 2, **options}
    entry = {k: v for k, v in entry.items() if v is not None}
    config = parse_config({"site": {**SITE, "languages": list(languages)}, "sources": [entry]}, root)
    context = FetchContext(root=root, languages=tuple(languages), env={"WK_API_KEY": TOKEN} if env is None else env, sleep=lambda s: None)
    return SOURCES["welcomekit"](config.sources[0], context)


def fetch_error(source: WelcomeKitSource) -> str:
    with pytest.raises(SourceError) as caught:
        source.fetch()
    return str(caught.value)


def one(payload: dict[str, Any], offices: dict[str, Office] | None = None, **kwargs: Any):
    warnings: list[str] = []
    result = parse_job(
        payload, source="welcomekit", offices={"196": PARIS} if offices is None else offices, departments={}, warnings=warnings, **kwargs
    )
    return result, warnings


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({}, "sources[0].organization_reference: required (or organization_references)"),
        (
            {"organization_reference": "A", "organization_references": ["B"]},
            "sources[0].organization_references: set organization_reference or organization_references, not both",
        ),
        ({"organization_reference": "  "}, "sources[0].organization_reference: must not be empty"),
        ({"organization_references": []}, "sources[0].organization_references: list at least one reference"),
        ({"organization_references": ["A", "A"]}, "sources[0].organization_references: 'A' is listed twice"),
        ({"organization_references": ["A", 42]}, 'sources[0].organization_references: 42 is not a reference; write strings such as "Pg4eV6k"'),
        (
            {"organization_reference": "A", "api_url": "ftp://wk"},
            "sources[0].api_url: 'ftp://wk' is not an absolute http(s) URL; the default is https://www.welcomekit.co/api/v1",
        ),
        ({"organization_reference": "A", "per_page": 0}, "sources[0].per_page: must be at least 1"),
        (
            {"organization_reference": "A", "token_env": "WK API"},
            "sources[0].token_env: 'WK API' is not an environment variable name such as WK_API_KEY",
        ),
        (
            {"organization_reference": "A", "websites": [""]},
            "sources[0].websites: '' is not a cms_sites_reference; write strings such as \"wttj_fr\"",
        ),
        (
            {"organization_reference": "A", "open_application_url": "javascript:alert(1)"},
            "sources[0].open_application_url: 'javascript:alert(1)' must be an http(s) or mailto: URL",
        ),
    ],
)
def test_config_problems_are_one_line_each(options, problem):
    with pytest.raises(ConfigError) as caught:
        parse_config({"site": SITE, "sources": [{"type": "welcomekit", **options}]}, Path("."))
    assert caught.value.problems == [problem]


def test_config_defaults():
    config = parse_config({"site": SITE, "sources": [{"type": "welcomekit", "organization_reference": "A"}]}, Path("."))
    options = config.sources[0]
    assert (options["api_url"], options["token_env"], options["per_page"]) == ("https://www.welcomekit.co/api/v1", "WK_API_KEY", 100)


# -- which jobs are published ----------------------------------------------------------------


def test_only_published_jobs_even_when_the_api_returns_others(server, tmp_path):
    emu = server.reset(leak_unpublished=True)
    data = make_source(emu, tmp_path).fetch()
    asked = [r.query for r in emu.api_requests() if r.path.endswith("/external/jobs")]
    ids = {j.id for j in data.jobs}
    assert "WTTJ_drf0009" not in ids and "WTTJ_arc0010" not in ids
    assert ids == {"WTTJ_eng0001", "WTTJ_fro0002", "WTTJ_vie0003", "WTTJ_dat0004", "WTTJ_mkt0005", "WTTJ_app0006", "WTTJ_fre0007", "WTTJ_oth0008"}
    assert all(q["status"] == "published" for q in asked)


def test_job_without_status_is_not_published():
    payload = job("WTTJ_x", "No status")
    del payload["status"]
    data = parse_source([Payloads(REFERENCE, jobs=[payload])], source="welcomekit")
    assert data.jobs == []


def test_spontaneous_job_becomes_the_open_application_link_in_the_default_language(emu, tmp_path):
    english = make_source(emu, tmp_path).fetch()
    french = make_source(emu, tmp_path, languages=("fr", "en")).fetch()
    assert english.open_application_url == "https://lumenlabs.example/open"
    assert french.open_application_url == "https://lumenlabs.example/candidature"
    assert not any(re.search("spontan", j.title, re.IGNORECASE) for j in english.jobs)


@pytest.mark.parametrize("name", ["Candidature spontanée", "CANDIDATURES SPONTANÉES", "Spontaneous application", "Open application - Paris"])
def test_spontaneous_names_never_become_job_pages(name):
    data = parse_source([Payloads(REFERENCE, jobs=[job("WTTJ_s", name)])], source="welcomekit")
    assert data.jobs == [] and data.open_application_url == "https://lumenlabs.example/apply/WTTJ_s"


def test_spontaneous_job_without_apply_url_falls_back_to_its_welcome_kit_page():
    spontaneous = job("WTTJ_s", "Candidature spontanée", apply_url=None)
    data = parse_source([Payloads(REFERENCE, jobs=[spontaneous])], source="welcomekit")
    assert data.open_application_url == "https://www.welcometothejungle.com/fr/companies/lumen/jobs/WTTJ_s"


def test_spontaneous_job_without_any_link_warns():
    spontaneous = job("WTTJ_s", "Candidature spontanée", apply_url="", websites=[])
    data = parse_source([Payloads(REFERENCE, jobs=[spontaneous])], source="welcomekit")
    assert data.open_application_url is None
    assert data.warnings == [
        "the open application job 'Candidature spontanée' has no apply_url; set open_application_url in [[sources]] to offer open applications"
    ]


def test_open_application_url_option_wins(emu, tmp_path):
    data = make_source(emu, tmp_path, open_application_url="mailto:jobs@lumenlabs.example").fetch()
    assert data.open_application_url == "mailto:jobs@lumenlabs.example"


@pytest.mark.parametrize(
    ("value", "expected"), [("wttj_fr,smgo_fr, btbw_fr", ("wttj_fr", "smgo_fr", "btbw_fr")), (["wttj_fr", "x"], ("wttj_fr", "x")), (None, ())]
)
def test_cms_sites_references_string_or_array(value, expected):
    assert cms_sites({"cms_sites_references": value}) == expected


def test_websites_filter_keeps_jobs_of_those_sites(emu, tmp_path):
    data = make_source(emu, tmp_path, websites=["smgo_fr"]).fetch()
    assert [j.id for j in data.jobs] == ["WTTJ_oth0008"]
    everything = make_source(emu, tmp_path, websites=["wttj_fr"]).fetch()
    assert "WTTJ_oth0008" not in {j.id for j in everything.jobs} and len(everything.jobs) == 7


# -- job fields --------------------------------------------------------------------------------


def test_job_fields_keep_offsets_and_identity():
    result, warnings = one(job("WTTJ_gld0A7L", "  Fake Job 1 ", language="FR", updated_at="2017-11-13T17:15:26.146+01:00"))
    assert (result.id, result.title, result.language) == ("WTTJ_gld0A7L", "Fake Job 1", "fr")
    assert result.date_posted == "2026-09-02T18:00:01+02:00"
    assert result.updated_at == "2017-11-13T17:15:26+01:00"
    assert result.offices == (PARIS,) and warnings == []


def test_date_posted_falls_back_to_created_at():
    result, _ = one(job("WTTJ_a", "A", published_at=None, created_at="2026-08-15T08:00:00.000-04:00"))
    assert result.date_posted == "2026-08-15T08:00:00-04:00"


def test_job_without_any_date_is_skipped_with_a_warning():
    result, warnings = one(job("WTTJ_a", "A", published_at=None, created_at=None))
    assert result is None
    assert warnings == ["job WTTJ_a 'A' was skipped: it has neither published_at nor created_at"]


@pytest.mark.parametrize(
    ("fields", "warning"),
    [
        ({"reference": None}, "a job without reference was skipped (Role)"),
        ({"name": "  "}, "a job without name was skipped (WTTJ_a)"),
    ],
)
def test_job_without_reference_or_name_is_skipped(fields, warning):
    result, warnings = one({**job("WTTJ_a", "Role"), **fields})
    assert result is None and warnings == [warning]


def test_sections_are_titled_sanitized_and_in_order():
    sections = parse_sections(
        {
            "description": '<p>Hi</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>',
            "profile": "Plain *Markdown* text",
            "recruitment_process": "<p>Two calls</p>",
        },
        "en",
    )
    assert [s.title for s in sections] == ["The job", "Your profile", "Recruitment process"]
    assert sections[0].html == '<p>Hi</p><a rel="noopener nofollow">x</a>'
    assert sections[1].html == "<p>Plain <em>Markdown</em> text</p>"


def test_section_titles_follow_the_job_language_and_skip_empty_parts():
    sections = parse_sections({"description": "<p>Le poste</p>", "profile": "  ", "recruitment_process": None}, "fr")
    assert [s.title for s in sections] == ["Le poste"]
    assert [s.title for s in parse_sections({"description": "x", "profile": "y"}, "es")] == ["El puesto", "El perfil que buscamos"]
    assert [s.title for s in parse_sections({"description": "x"}, "de")] == ["The job"]


def test_empty_description_still_builds_the_job_and_warns():
    result, warnings = one(job("WTTJ_e", "Empty", description="", profile=None))
    assert result.sections == ()
    assert warnings == [
        "job WTTJ_e 'Empty': description and profile are empty, so its JobPosting lacks the description Google requires; write one in Welcome Kit"
    ]


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        ({"min": "30000", "max": "40000", "currency": "EUR", "period": "yearly"}, Salary("EUR", "YEAR", 30000.0, 40000.0)),
        ({"min": 3200, "max": 3800.5, "currency": "usd", "period": "monthly"}, Salary("USD", "MONTH", 3200.0, 3800.5)),
        ({"min": "450", "max": None, "currency": "EUR", "period": "daily"}, Salary("EUR", "DAY", 450.0, None)),
        ({"min": None, "max": "45 000", "currency": "EUR", "period": "yearly"}, Salary("EUR", "YEAR", None, 45000.0)),
        ({"min": "50000", "max": "40000", "currency": "EUR", "period": "yearly"}, Salary("EUR", "YEAR", 40000.0, 50000.0)),
        ({"min": "30000", "max": "40000", "currency": "EUR", "period": "none"}, None),
        ({"min": None, "max": None, "currency": "EUR", "period": "yearly"}, None),
        ({"min": "30000", "max": "40000", "currency": None, "period": "yearly"}, None),
        ({"min": "30000", "currency": "EUR", "period": "weekly"}, None),
        (None, None),
    ],
)
def test_salary(salary, expected):
    assert parse_salary(salary) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"remote": "fulltime"}, Remote.FULL),
        ({"remote": "partial"}, Remote.HYBRID),
        ({"remote": "punctual"}, Remote.OCCASIONAL),
        ({"remote": "no"}, Remote.NO),
        ({"remote": None, "is_remote": True}, Remote.FULL),
        ({"is_remote": True}, Remote.FULL),
        ({"remote": "no", "is_remote": True}, Remote.NO),
        ({"is_remote": False}, Remote.NO),
        ({}, Remote.NO),
    ],
)
def test_remote(fields, expected):
    assert parse_remote(fields) is expected


@pytest.mark.parametrize(
    ("code", "language", "kinds", "label", "unknown"),
    [
        ("FULL_TIME", "en", ("FULL_TIME",), None, False),
        ("FULL_TIME", "fr", ("FULL_TIME",), "CDI", False),
        ("PART_TIME", "en", ("PART_TIME",), None, False),
        ("TEMPORARY", "en", ("TEMPORARY",), None, False),
        ("FREELANCE", "en", ("CONTRACTOR",), "Freelance", False),
        ("INTERNSHIP", "en", ("INTERN",), None, False),
        ("INTERNSHIP", "fr", ("INTERN",), "Stage", False),
        ("APPRENTICESHIP", "en", ("OTHER",), "Apprenticeship", False),
        ("VIE", "en", ("TEMPORARY",), "VIE (international volunteer)", False),
        ("UNLIMITED", "fr", ("OTHER",), "CDI", False),
        ("CDI_INTERMITTENT", "en", ("OTHER",), "CDI_INTERMITTENT", True),
        (None, "en", (), None, False),
    ],
)
def test_contract_types_follow_the_mapping_table(code, language, kinds, label, unknown):
    assert parse_contract(code, language) == (kinds, label, unknown)


def test_unknown_contract_type_warns_and_keeps_its_label():
    result, warnings = one(job("WTTJ_c", "Odd contract", contract_type="CDI_INTERMITTENT"))
    assert (result.employment_types, result.employment_label) == (("OTHER",), "CDI_INTERMITTENT")
    assert warnings == ["job WTTJ_c 'Odd contract': unknown contract_type 'CDI_INTERMITTENT', published as employmentType OTHER"]


@pytest.mark.parametrize(
    ("level", "language", "expected"),
    [
        ("LESS_THAN_6_MONTHS", "en", (None, "Less than 6 months")),
        ("1_TO_2_YEARS", "en", (12, "1 to 2 years")),
        ("5_TO_7_YEARS", "fr", (60, "5 à 7 ans")),
        ("MORE_THAN_15_YEARS", "en", (180, "More than 15 years")),
        (None, "en", (None, None)),
        ("SOMETHING_NEW", "en", (None, None)),
    ],
)
def test_experience(level, language, expected):
    assert parse_experience(level, language) == expected


@pytest.mark.parametrize(
    ("level", "language", "expected"),
    [
        ("BAC", "en", ("high school", "Baccalauréat (high school)")),
        ("BAC_2", "en", ("associate degree", "Bac +2 (associate degree)")),
        ("BAC_3", "fr", ("bachelor degree", "Bac +3")),
        ("BAC_4", "en", (None, "Bac +4")),
        ("BAC_5", "en", ("postgraduate degree", "Master's degree")),
        ("PHD", "fr", ("postgraduate degree", "Doctorat")),
        ("NO_DIPLOMA", "en", (None, "No diploma")),
        ("CAP", "en", (None, "CAP (vocational)")),
        (None, "en", (None, None)),
    ],
)
def test_education(level, language, expected):
    assert parse_education(level, language) == expected


def test_offices_from_office_id_offices_refs_and_objects():
    lyon = Office(id="197", name="Lyon", city="Lyon", country="FR")
    known = {"196": PARIS, "197": lyon}
    assert job_offices({"office_id": 197}, known, "") == (lyon,)
    assert job_offices({"offices": [{"id": 196}, 197], "office_id": 999}, known, "") == (PARIS, lyon)
    inline = job_offices({"offices": [{"city": "Madrid", "country_code": "es"}]}, known, "")
    assert inline == (Office(id="madrid-es", name="Madrid", city="Madrid", country="ES"),)
    assert job_offices({"offices": [], "office_id": None}, known, "") == ()
    assert job_offices({"office_id": 404}, known, "") == ()


def test_office_without_address_or_zip_and_lowercase_country():
    office = parse_office({"id": 7, "name": "Lyon", "address": None, "zip_code": None, "city": "Lyon", "country_code": "fr"})
    assert office == Office(id="7", name="Lyon", street=None, city="Lyon", postal_code=None, country="FR")


def test_office_with_a_bad_country_warns():
    data = parse_source([Payloads(REFERENCE, offices=[{"id": 1, "name": "Atlantis", "city": "X", "country_code": "zz"}])], source="welcomekit")
    assert data.offices[0].country is None
    assert data.warnings == ["office 'Atlantis' has country_code 'zz', which is not an ISO 3166 code; fix it in Welcome Kit"]


def test_job_without_office_and_not_remote_warns():
    result, warnings = one(job("WTTJ_n", "Nowhere", office_id=None), offices={})
    assert result.offices == ()
    assert warnings == [
        "job WTTJ_n 'Nowhere': no office and not fully remote, so its JobPosting lacks the jobLocation Google requires; give it an office in Welcome Kit"
    ]


def test_fully_remote_job_without_office_warns():
    _, warnings = one(job("WTTJ_r", "Anywhere", office_id=None, remote="fulltime"), offices={})
    assert warnings == [
        "job WTTJ_r 'Anywhere': fully remote without an office, so Google cannot tell where applicants may live; give it an office in Welcome Kit"
    ]


def test_department_by_id():
    data = parse_source(
        [Payloads(REFERENCE, departments=[{"id": 10, "name": "Tech", "description": "Foo **bar**"}], jobs=[job("WTTJ_d", "D", department_id=10)])],
        source="welcomekit",
    )
    assert data.jobs[0].department.name == "Tech" and data.jobs[0].department.description == "<p>Foo <strong>bar</strong></p>"


@pytest.mark.parametrize(
    ("fields", "websites", "expected"),
    [
        ({"apply_url": "https://ats.example/apply"}, (), "https://ats.example/apply"),
        ({"apply_url": None}, (), "https://wttj.example/a"),
        ({"apply_url": ""}, ("careers",), "https://careers.example/a"),
        ({"apply_url": "javascript:alert(1)", "websites": []}, (), None),
        ({"apply_url": None, "websites": None}, (), None),
        (
            {"apply_url": None, "websites": None, "websites_urls": [{"website_reference": "wttj_fr", "url": "https://w.example/j"}]},
            (),
            "https://w.example/j",
        ),
    ],
)
def test_apply_url(fields, websites, expected):
    payload = {
        "websites": [{"reference": "wttj_fr", "url": "https://wttj.example/a"}, {"reference": "careers", "url": "https://careers.example/a"}],
        **fields,
    }
    assert job_apply_url(payload, websites) == expected


def test_javascript_apply_url_warns():
    _, warnings = one(job("WTTJ_j", "J", apply_url="javascript:alert(1)"))
    assert warnings == ["job WTTJ_j 'J': apply_url 'javascript:alert(1)' is not an http(s) URL and was left out"]


# -- organization ------------------------------------------------------------------------------


def test_organization_mapping():
    real = parse_organization(
        {
            "name": "WTTJ",
            "media_website_url": "https://www.welcometothejungle.com/",
            "logo_url": "https://cdn.example/logo.png",
            "cover_url": None,
            "i18n_covers": {"fr": "https://cdn.example/fr.jpg", "en": "https://cdn.example/en.jpg"},
            "description": "Fallback **text**",
            "i18n_descriptions": {"fr": "Bonjour", "cs": "Ahoj"},
        },
        [
            {
                "name": "Team",
                "description": "The team",
                "file": {"url": "https://cdn.example/big.jpg", "large": {"url": "https://cdn.example/large.jpg"}},
            },
            {"name": "Roof", "description": None, "file": {"url": "https://cdn.example/roof.jpg"}},
            {"name": "Local", "file": {"url": "/etc/passwd"}},
        ],
        ("en", "fr"),
    )
    assert real.name == "WTTJ" and real.url == "https://www.welcometothejungle.com/"
    assert real.logo.url == "https://cdn.example/logo.png" and real.logo.alt == "WTTJ"
    assert real.cover.url == "https://cdn.example/en.jpg"
    assert real.description == {"fr": "<p>Bonjour</p>", "": "<p>Fallback <strong>text</strong></p>"}
    assert [(i.url, i.alt) for i in real.gallery] == [("https://cdn.example/large.jpg", "The team"), ("https://cdn.example/roof.jpg", "Roof")]


def test_organization_keeps_only_http_urls():
    org = parse_organization({"name": "X", "logo_url": "../../secret.png", "media_website_url": "javascript:alert(1)", "cover_url": "file:///etc/x"})
    assert (org.logo, org.url, org.cover) == (None, None, None)


def test_organization_description_is_markdown_sanitized():
    org = parse_organization({"name": "X", "description": "**Un petit mot sur nous :** <script>alert(1)</script>"})
    assert org.description == {"": "<p><strong>Un petit mot sur nous :</strong> </p>"}


def test_social_links_from_handles():
    links = social_links(
        {
            "media_twitter": "@wttj_fr",
            "media_facebook": "wttj.fr",
            "media_linkedin": "wttj-fr",
            "media_instagram": "welcometothejungle_fr",
            "media_youtube": "@welcomejobs",
            "media_pinterest": None,
        }
    )
    assert links == (
        "https://www.linkedin.com/company/wttj-fr",
        "https://twitter.com/wttj_fr",
        "https://www.facebook.com/wttj.fr",
        "https://www.instagram.com/welcometothejungle_fr",
        "https://www.youtube.com/@welcomejobs",
    )
    assert social_links({"media_linkedin": "school/hec", "media_twitter": "https://x.com/wttj", "media_facebook": "javascript:alert(1)"}) == (
        "https://www.linkedin.com/school/hec",
        "https://x.com/wttj",
    )


def test_several_organizations_are_merged_with_prefixed_ids(server, tmp_path):
    second = {
        "organization": {"reference": "Zz9", "name": "Lumen Subsidiary"},
        "offices": [{"id": 196, "name": "Madrid", "city": "Madrid", "country_code": "ES"}],
        "departments": [{"id": 10, "name": "Ventas"}],
        "images": [],
        "jobs": [job("WTTJ_sub0001", "Vendedor", language="es", department_id=10, office_id=196)],
    }
    emu = server.reset({REFERENCE: sample_organization(), "Zz9": second})
    data = make_source(emu, tmp_path, organization_reference=None, organization_references=[REFERENCE, "Zz9"]).fetch()
    assert data.organization.name == "Lumen Labs"
    sub = next(j for j in data.jobs if j.id == "WTTJ_sub0001")
    assert (sub.offices[0].id, sub.offices[0].name, sub.department.id, sub.department.name) == ("Zz9:196", "Madrid", "Zz9:10", "Ventas")
    paris = next(j for j in data.jobs if j.id == "WTTJ_eng0001")
    assert (paris.offices[0].id, paris.department.id) == (f"{REFERENCE}:196", f"{REFERENCE}:10")
    assert {o.id for o in data.offices} >= {f"{REFERENCE}:196", "Zz9:196"}


# -- requests ----------------------------------------------------------------------------------


def test_only_get_with_the_token_in_a_header(emu, tmp_path):
    source = make_source(emu, tmp_path)
    source.fetch()
    requests = emu.api_requests()
    assert emu.methods() == {"GET"}
    assert {r.headers["authorization"] for r in requests} == {f"Bearer {TOKEN}"}
    assert not any(TOKEN in r.raw_path or "access_token" in r.raw_path for r in requests)
    assert [r.path for r in requests] == [
        f"/api/v1/external/organizations/{REFERENCE}",
        "/api/v1/external/offices",
        "/api/v1/external/departments",
        "/api/v1/external/images",
        "/api/v1/external/jobs",
    ]
    assert source.state["updated_at"]["WTTJ_eng0001"] == "2026-10-02T09:00:00+02:00"


def test_paging_follows_x_total_pages(emu, tmp_path):
    data = make_source(emu, tmp_path, per_page=3).fetch()
    pages = sorted(int(r.query["page"]) for r in emu.api_requests() if r.path.endswith("/jobs"))
    assert pages == [1, 2, 3, 4]  # 10 published jobs, 3 a page
    assert len(data.jobs) == 8
    offices = [int(r.query["page"]) for r in emu.api_requests() if r.path.endswith("/offices")]
    assert offices == [1, 2]  # 3 offices, no X-Total-Pages on /offices: the short page ends it


def test_paging_without_headers_stops_at_an_empty_page(server, tmp_path):
    emu = server.reset(total_headers=())
    data = make_source(emu, tmp_path, per_page=5).fetch()
    pages = [int(r.query["page"]) for r in emu.api_requests() if r.path.endswith("/jobs")]
    assert pages == [1, 2, 3] and len(data.jobs) == 8


@pytest.mark.parametrize("total_headers", [("jobs",), ()])
def test_a_page_failing_after_retries_fails_the_source(server, tmp_path, total_headers):
    emu = server.reset(total_headers=total_headers)
    emu.break_page("/external/jobs", 2)
    message = fetch_error(make_source(emu, tmp_path, per_page=5))
    assert message == (f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=5&page=2 failed after 2 attempts: HTTP 500; {STALE_HINT}")


def test_a_transient_failure_is_retried(emu, tmp_path):
    emu.fail("/external/jobs", 503, headers={"Retry-After": "0"})
    data = make_source(emu, tmp_path).fetch()
    assert len(data.jobs) == 8
    assert [r.query["page"] for r in emu.api_requests() if r.path.endswith("/jobs")] == ["1", "1"]


def test_a_server_that_ignores_page_is_caught(server, tmp_path):
    emu = server.reset(total_headers=())
    emu.route(r"/api/v1/external/offices")(lambda request: (200, {}, [{"id": 1, "name": "Same", "city": "X", "country_code": "FR"}]))
    message = fetch_error(make_source(emu, tmp_path, per_page=1))
    assert message == "source welcomekit: GET /external/offices: page 2 repeats page 1, so paging would never end; report this to Welcome Kit"


def test_paging_that_never_ends_is_cut_off(emu, tmp_path, monkeypatch):
    monkeypatch.setattr("generator.sources.welcomekit.MAX_PAGES", 2)
    emu.total_headers = set()
    message = fetch_error(make_source(emu, tmp_path, per_page=1))
    assert message == "source welcomekit: GET /external/offices still returns full pages after 2 pages; raise per_page"


def test_a_body_that_is_not_an_array_fails(emu, tmp_path):
    emu.fail("/external/offices", 200, {"offices": []})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/offices?organization_reference={REFERENCE}&per_page=100&page=1 did not return a JSON array; "
        "check api_url (the default is https://www.welcomekit.co/api/v1)"
    )


def test_an_organization_that_is_not_an_object_fails(emu, tmp_path):
    emu.fail(f"/external/organizations/{REFERENCE}", 200, [])
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/organizations/{REFERENCE} did not return a JSON object; "
        "check api_url (the default is https://www.welcomekit.co/api/v1)"
    )


def test_an_absurd_page_count_fails(emu, tmp_path):
    emu.fail("/external/jobs", 200, [job("WTTJ_a", "A")], headers={"X-Total-Pages": "5000"})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 announces 5000 pages; raise per_page"


# -- error messages ----------------------------------------------------------------------------


def test_missing_token_variable(emu, tmp_path):
    message = fetch_error(make_source(emu, tmp_path, env={}))
    assert message == (
        "source welcomekit: environment variable WK_API_KEY is not set; export it with a Welcome Kit API token with the scopes "
        "jobs_r, offices_r, departments_r, organizations_r and images_r (or set token_env to another variable name)"
    )
    assert emu.requests == []


def test_token_env_names_another_variable(emu, tmp_path):
    data = make_source(emu, tmp_path, env={"LUMEN_WK": TOKEN}, token_env="LUMEN_WK").fetch()
    assert len(data.jobs) == 8


def test_rejected_token(emu, tmp_path):
    message = fetch_error(make_source(emu, tmp_path, env={"WK_API_KEY": "not-the-token"}))
    assert message == (
        f"source welcomekit: GET /api/v1/external/organizations/{REFERENCE} answered HTTP 401 unauthorized: "
        "Welcome Kit rejected the token (Invalid access token); check that WK_API_KEY holds a current Welcome Kit API token"
    )


def test_token_echoed_by_the_server_is_redacted(emu, tmp_path):
    emu.fail("/external/jobs", 401, {"error": "unauthorized", "error_description": f"token {TOKEN} was revoked"})
    message = fetch_error(make_source(emu, tmp_path))
    assert TOKEN not in message
    assert message == (
        f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 answered HTTP 401 unauthorized: "
        "Welcome Kit rejected the token (token *** was revoked); check that WK_API_KEY holds a current Welcome Kit API token"
    )


@pytest.mark.parametrize(
    ("scope", "path"),
    [("jobs_r", f"/api/v1/external/jobs?{JOBS_QUERY}"), ("offices_r", f"/api/v1/external/offices?organization_reference={REFERENCE}")],
)
def test_missing_required_scope(emu, tmp_path, scope, path):
    emu.scopes.discard(scope)
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET {path}&per_page=100&page=1 answered HTTP 403 invalid_scope: "
        f"the token lacks the {scope} scope; ask Welcome Kit to add {scope} to the token in WK_API_KEY"
    )


def test_rw_scopes_grant_read(server, tmp_path):
    emu = server.reset(scopes={"jobs_rw", "offices_rw", "departments_rw", "organizations_rw", "images_r"})
    data = make_source(emu, tmp_path).fetch()
    assert len(data.jobs) == 8 and data.warnings[:1] == [
        "job WTTJ_dat0004 'Data Analyst': unknown contract_type 'CDI_INTERMITTENT', published as employmentType OTHER"
    ]


@pytest.mark.parametrize(
    ("scope", "path", "consequence"),
    [
        (
            "images_r",
            f"/api/v1/external/images?organization_reference={REFERENCE}&per_page=100&page=1",
            "the site is built without the photo gallery",
        ),
        (
            "departments_r",
            f"/api/v1/external/departments?organization_reference={REFERENCE}&per_page=100&page=1",
            "jobs are shown without their team",
        ),
        (
            "organizations_r",
            f"/api/v1/external/organizations/{REFERENCE}",
            "the organization's name, logo and description come from [organization] in careers.toml instead",
        ),
    ],
)
def test_missing_optional_scope_is_a_warning(emu, tmp_path, scope, path, consequence):
    emu.scopes.discard(scope)
    data = make_source(emu, tmp_path).fetch()
    assert data.warnings[0] == (
        f"the token lacks the {scope} scope (GET {path} answered HTTP 403 invalid_scope), so {consequence}; ask Welcome Kit to add {scope} to the token"
    )
    assert len(data.jobs) == 8
    if scope == "images_r":
        assert data.organization.gallery == () and data.organization.name == "Lumen Labs"
    if scope == "departments_r":
        assert all(j.department is None for j in data.jobs)
    if scope == "organizations_r":
        assert data.organization.name == ""


def test_validation_failed_shows_the_description(emu, tmp_path):
    emu.fail("/external/jobs", 400, {"error": "validation_failed", "error_description": "per_page must be lower than 500"})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 answered HTTP 400 validation_failed: "
        "per_page must be lower than 500; check organization_reference and per_page in careers.toml"
    )


def test_wrong_organization_reference(emu, tmp_path):
    message = fetch_error(make_source(emu, tmp_path, organization_reference="Nope123"))
    assert message == (
        "source welcomekit: GET /api/v1/external/organizations/Nope123 answered HTTP 404 not_found: organization_reference 'Nope123' is wrong "
        "(Welcome Kit has no such organization); copy it from your Welcome Kit account, and check api_url if you changed it"
    )


def test_organization_the_token_does_not_belong_to(emu, tmp_path):
    emu.scopes.discard("organizations_r")  # so the first hard answer comes from a list
    message = fetch_error(make_source(emu, tmp_path, organization_reference="Other42"))
    assert message == (
        "source welcomekit: GET /api/v1/external/offices?organization_reference=Other42&per_page=100&page=1 answered HTTP 401 unauthorized "
        "(You are not member of this organization): the token in WK_API_KEY does not belong to organization 'Other42'; "
        "check organization_reference or use that organization's token"
    )


def test_other_forbidden_answer(emu, tmp_path):
    emu.fail("/external/jobs", 403, {"error": "forbidden", "error_description": "Account suspended"})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 answered HTTP 403 forbidden: Account suspended; "
        f"check that the token in WK_API_KEY may read organization '{REFERENCE}'"
    )


def test_wrong_api_url(emu, tmp_path):
    emu.fail("/external/offices", 404, {"error": "not_found"})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/offices?organization_reference={REFERENCE}&per_page=100&page=1 answered HTTP 404 not_found: "
        "check api_url (the default is https://www.welcomekit.co/api/v1)"
    )


def test_server_errors_after_retries(emu, tmp_path):
    emu.fail("/external/jobs", 503, {"error": "maintenance"}, times=2)
    message = fetch_error(make_source(emu, tmp_path))
    assert message == f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 failed after 2 attempts: HTTP 503; {STALE_HINT}"


def test_rate_limited_after_retries(emu, tmp_path):
    emu.fail("/external/jobs", 429, {"error": "too_many_requests"}, headers={"Retry-After": "0"}, times=2)
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=100&page=1 failed after 2 attempts: HTTP 429; "
        "Welcome Kit keeps refusing requests as too many: lower requests_per_second or concurrency in [[sources]], or try later"
    )


def test_timeouts_after_retries(emu, tmp_path):
    emu.hang["/api/v1/external/offices"] = 0.6
    message = fetch_error(make_source(emu, tmp_path, timeout=0.2))
    assert message == (
        f"source welcomekit: GET /api/v1/external/offices?organization_reference={REFERENCE}&per_page=100&page=1 failed after 2 attempts: timed out; {STALE_HINT}"
    )


# -- the whole build ---------------------------------------------------------------------------


def write_site(root: Path, emu: WelcomeKitEmulator, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "careers.toml").write_text(
        f"""
[site]
title = "Careers at Lumen Labs"
url = "https://careers.lumenlabs.example"
languages = ["en", "fr"]

[[sources]]
type = "welcomekit"
organization_reference = "{REFERENCE}"
api_url = "{emu.api_url}"
retries = 1
timeout = 2
{extra}
""",
        encoding="utf-8",
    )
    return root


def build(root: Path, token: str = TOKEN):
    return build_site(load_config(root / "careers.toml"), BuildOptions(env={"WK_API_KEY": token, "SOURCE_DATE_EPOCH": EPOCH}, sleep=lambda s: None))


def postings(page: Path) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.DOTALL)
    return [d for d in map(json.loads, blocks) if d.get("@type") == "JobPosting"]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_whole_build_from_the_emulator_passes_check(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    emu = server.reset(leak_unpublished=True)
    root = write_site(tmp_path / "site", emu, 'websites = ["wttj_fr"]')
    report = build(root)
    media_requests = [r for r in emu.requests if r.path.startswith("/media/")]
    methods = emu.methods()
    public = root / "public"
    assert check_site(public) == []
    assert methods == {"GET"}
    assert media_requests and not any("authorization" in r.headers for r in media_requests)

    jobs = sorted(p.parent.name for p in public.glob("**/jobs/*/index.html"))
    assert jobs == [
        "alternance-sales-wttj-app0006",
        "backend-engineer-wttj-eng0001",
        "becario-de-marketing-wttj-mkt0005",
        "business-developer-vie-wttj-vie0003",
        "data-analyst-wttj-dat0004",
        "developpeuse-front-end-wttj-fro0002",
        "freelance-designer-wttj-fre0007",
    ]
    assert report.warnings == [
        "welcomekit: job WTTJ_dat0004 'Data Analyst': unknown contract_type 'CDI_INTERMITTENT', published as employmentType OTHER",
        "welcomekit: job WTTJ_app0006 'Alternance Sales': apply_url 'javascript:alert(1)' is not an http(s) URL and was left out",
    ]

    pages = {p: p.read_text(encoding="utf-8") for p in public.rglob("*.html")}
    for text in pages.values():
        assert "<script>alert" not in text and "onerror" not in text and "onclick" not in text
        assert 'href="javascript:' not in text

    backend = public / "jobs/backend-engineer-wttj-eng0001/index.html"
    html = backend.read_text(encoding="utf-8")
    for heading in ("<h2>The job</h2>", "<h2>Your profile</h2>", "<h2>Recruitment process</h2>"):
        assert heading in html
    (posting,) = postings(backend)
    assert posting["identifier"]["value"] == "WTTJ_eng0001"
    assert posting["datePosted"] == "2026-09-02T18:00:01+02:00"
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 45000, "maxValue": 60000},
    }
    assert posting["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "11 bis rue Bachaumont",
        "addressLocality": "Paris",
        "postalCode": "75002",
        "addressCountry": "FR",
    }
    assert "jobLocationType" not in posting  # partial remote is not TELECOMMUTE
    assert posting["educationRequirements"]["credentialCategory"] == "postgraduate degree"
    assert posting["experienceRequirements"]["monthsOfExperience"] == 24
    assert posting["hiringOrganization"]["name"] == "Lumen Labs"
    assert posting["hiringOrganization"]["logo"].startswith("https://careers.lumenlabs.example/media/")
    assert "https://www.linkedin.com/company/lumen-labs" in posting["hiringOrganization"]["sameAs"]

    (remote,) = postings(public / "fr/jobs/developpeuse-front-end-wttj-fro0002/index.html")
    assert remote["jobLocation"]["address"] == {"@type": "PostalAddress", "addressLocality": "Lyon", "addressCountry": "FR"}
    assert (remote["jobLocationType"], remote["applicantLocationRequirements"]) == ("TELECOMMUTE", {"@type": "Country", "name": "FR"})
    assert remote["baseSalary"]["value"]["unitText"] == "MONTH"
    assert "<h2>Le poste</h2>" in remote["description"]

    (odd,) = postings(public / "jobs/data-analyst-wttj-dat0004/index.html")
    assert odd["employmentType"] == "OTHER" and "baseSalary" not in odd and odd["datePosted"] == "2026-08-15T08:00:00-04:00"
    assert "Other (CDI_INTERMITTENT)" in pages[public / "jobs/data-analyst-wttj-dat0004/index.html"]

    (vie,) = postings(public / "jobs/business-developer-vie-wttj-vie0003/index.html")
    assert vie["employmentType"] == "TEMPORARY" and "baseSalary" not in vie and "directApply" not in vie
    assert "Apply for this job" not in pages[public / "jobs/business-developer-vie-wttj-vie0003/index.html"]

    (intern,) = postings(public / "jobs/becario-de-marketing-wttj-mkt0005/index.html")
    assert [p["address"]["addressCountry"] for p in intern["jobLocation"]] == ["FR", "ES"]
    assert intern["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "DAY", "minValue": 40.5, "maxValue": 55}

    index, french = pages[public / "index.html"], pages[public / "fr/index.html"]
    assert 'href="https://lumenlabs.example/open"' in index
    assert "We help hospitals plan <strong>rosters</strong>" in index
    assert "Nous aidons les hôpitaux" in french
    assert not any("Draft Role" in t or "Archived Role" in t or "Spontaneous application" in t for t in pages.values())

    # The token reaches no log line, no output file and no cache file.
    assert TOKEN not in caplog.text
    for folder in (public, root / ".careers-cache"):
        assert not any(TOKEN.encode() in content for content in files_of(folder).values())


def test_build_explains_what_google_cannot_get(server, tmp_path):
    organization = sample_organization()
    organization["jobs"] = [
        job("WTTJ_ok00001", "Support Engineer"),
        job("WTTJ_now0002", "Nowhere Role", office_id=None),
        job("WTTJ_emp0003", "Empty Role", description="", profile=None),
        job("WTTJ_any0004", "Anywhere Role", office_id=None, remote="fulltime"),
    ]
    emu = server.reset({REFERENCE: organization})
    root = write_site(tmp_path / "site", emu)
    report = build(root)
    assert report.warnings == [
        "welcomekit: job WTTJ_now0002 'Nowhere Role': no office and not fully remote, so its JobPosting lacks the jobLocation Google requires; "
        "give it an office in Welcome Kit",
        "welcomekit: job WTTJ_emp0003 'Empty Role': description and profile are empty, so its JobPosting lacks the description Google requires; "
        "write one in Welcome Kit",
        "welcomekit: job WTTJ_any0004 'Anywhere Role': fully remote without an office, so Google cannot tell where applicants may live; "
        "give it an office in Welcome Kit",
    ]
    assert check_site(root / "public") == [
        "jobs/anywhere-role-wttj-any0004/index.html: a TELECOMMUTE job needs applicantLocationRequirements (the countries applicants may live in)",
        "jobs/empty-role-wttj-emp0003/index.html: required property description is missing",
        "jobs/empty-role-wttj-emp0003/index.html: description needs paragraph breaks (<p>, <br>, <ul> or line breaks)",
        "jobs/nowhere-role-wttj-now0002/index.html: jobLocation is required unless the job is fully remote (TELECOMMUTE)",
    ]


def test_a_failed_fetch_leaves_the_previous_site_untouched(server, tmp_path):
    emu = server.reset()
    root = write_site(tmp_path / "site", emu, "per_page = 5")
    build(root)
    before = files_of(root / "public")
    emu.break_page("/external/jobs", 2)
    with pytest.raises(HttpError) as caught:
        build(root)
    assert str(caught.value) == (
        f"source welcomekit: GET /api/v1/external/jobs?{JOBS_QUERY}&per_page=5&page=2 failed after 2 attempts: HTTP 500; {STALE_HINT}"
    )
    assert files_of(root / "public") == before
