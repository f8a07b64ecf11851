"""The jusrecruit source against the loopback emulator: shapes, mapping, errors, rate limits, increments."""

from __future__ import annotations

import ast
import inspect
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator import http
from generator.build import BuildOptions, build_site
from generator.check import check_site
from generator.config import SourceConfig, load_config, parse_config
from generator.errors import ConfigError, SourceError
from generator.model import Department, Office, Organization, Remote, Salary, SourceData
from generator.sources import SOURCES, FetchContext, jusrecruit
from generator.sources.jusrecruit import JusRecruitSource, parse_company, parse_job, parse_location, parse_tags
from tests.emulators.jusrecruit import BASE, KEY, PERMISSIONS, JusRecruit, make_job

OTHER_KEY = "jc_" + "a1b2c3d4e5f60718" * 4
FAST = {"requests_per_second": 1000, "burst": 1000, "retries": 1, "timeout": 5}


def no_sleep(seconds: float) -> None:
    pass


def source_for(
    emu: JusRecruit, *, previous: tuple[SourceData, dict[str, Any]] | None = None, env: dict[str, str] | None = None, **options: Any
) -> JusRecruitSource:
    values = {key: option.default for key, option in JusRecruitSource.OPTIONS.items()}
    values.update(FAST)
    values.update(api_url=emu.api_url, name="jusrecruit", **options)
    context = FetchContext(
        root=Path("."),
        env={"JUSRECRUIT_API_KEY": KEY} if env is None else env,
        previous=previous[0] if previous else None,
        previous_state=previous[1] if previous else {},
        sleep=options.pop("sleep", no_sleep),
    )
    return JusRecruitSource(SourceConfig("jusrecruit", "jusrecruit", 0, values), context)


def fetch(emu: JusRecruit, **options: Any) -> SourceData:
    return source_for(emu, **options).fetch()


def failure(emu: JusRecruit, **options: Any) -> str:
    with pytest.raises(SourceError) as caught:
        fetch(emu, **options)
    return str(caught.value)


def jobs(n: int, **fields: Any) -> list[dict[str, Any]]:
    return [make_job(i, **fields) for i in range(1, n + 1)]


def parsed(**fields: Any) -> tuple[Any, list[str]]:
    return parse_job(make_job(1, **fields), "jusrecruit")


# -- the registry and config -------------------------------------------------------------------


def test_registered_with_documented_defaults() -> None:
    assert SOURCES["jusrecruit"] is JusRecruitSource
    options = JusRecruitSource.OPTIONS
    assert options["api_url"].default == "https://api.democruit.com/api/v1/integration"
    assert options["token_env"].default == "JUSRECRUIT_API_KEY"
    assert options["page_size"].default == 50
    assert (JusRecruitSource.RATE, JusRecruitSource.BURST) == (10, 20)


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    data = {
        "site": {"title": "T", "url": "https://careers.example"},
        "sources": [{"type": "jusrecruit", "api_url": "api.example/v1", "page_size": 500}],
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(data, tmp_path)
    assert caught.value.problems == [
        "sources[0].api_url: 'api.example/v1' is not an absolute http(s) URL; the default is https://api.democruit.com/api/v1/integration",
        "sources[0].page_size: 500 must be between 1 and 100",
    ]


# -- list envelopes, detail envelopes, ids, paging ----------------------------------------------


@pytest.mark.parametrize("shape", ["bare", "data", "jobs", "items", "results", "records", "data.jobs", "data.items", "data.data"])
def test_every_list_envelope(shape: str) -> None:
    with JusRecruit(jobs=jobs(3), list_shape=shape, paging="short") as emu:
        data = fetch(emu)
    assert sorted(j.id for j in data.jobs) == ["job-1", "job-2", "job-3"]


@pytest.mark.parametrize("shape", ["data", "bare"])
def test_detail_envelopes(shape: str) -> None:
    with JusRecruit(jobs=jobs(2), detail_shape=shape) as emu:
        data = fetch(emu)
    assert [j.title for j in data.jobs] == ["Engineer 1", "Engineer 2"]
    assert data.jobs[0].sections[0].html.startswith("<p>Build things")


@pytest.mark.parametrize("key", ["id", "_id", "jobId"])
def test_id_keys_and_numeric_ids(key: str) -> None:
    with JusRecruit(jobs=[make_job(1, id=101), make_job(2, id="a b/c")], id_key=key) as emu:
        data = fetch(emu)
        paths = emu.paths()
    assert [j.id for j in data.jobs] == ["101", "a b/c"]
    # Ids are opaque: URL-encoded in paths.
    assert "/jobs/101" in paths and "/jobs/a%20b%2Fc" in paths and "/jobs/a%20b%2Fc/tags" in paths


@pytest.mark.parametrize("paging", ["totalPages", "hasMore", "next", "next-relative", "total"])
@pytest.mark.parametrize("meta_at", ["top", "meta", "pagination"])
def test_paging_metadata(paging: str, meta_at: str) -> None:
    with JusRecruit(jobs=jobs(7), paging=paging, meta_at=meta_at) as emu:
        data = fetch(emu, page_size=3)
        lists = [r for r in emu.requests if r.path == f"{BASE}/jobs"]
    assert len(data.jobs) == 7
    assert [(r.query["page"], r.query["limit"]) for r in lists] == [("1", "3"), ("2", "3"), ("3", "3")]


@pytest.mark.parametrize(("count", "requests"), [(7, 3), (6, 3)])
def test_paging_without_metadata_stops_at_a_short_or_empty_page(count: int, requests: int) -> None:
    with JusRecruit(jobs=jobs(count), paging="short") as emu:
        data = fetch(emu, page_size=3)
        assert emu.paths().count("/jobs") == requests
    assert len(data.jobs) == count


def test_server_that_ignores_page_is_read_once() -> None:
    with JusRecruit(jobs=jobs(5), paging="ignore", list_shape="bare") as emu:
        data = fetch(emu, page_size=3)
        assert emu.paths().count("/jobs") == 2  # page 2 repeated page 1: stop
    assert len(data.jobs) == 5


def test_400_on_paging_parameters_retries_once_without_them() -> None:
    with JusRecruit(jobs=jobs(4), paging="reject", list_shape="items") as emu:
        data = fetch(emu)
        lists = [r.query for r in emu.requests if r.path == f"{BASE}/jobs"]
    assert lists == [{"page": "1", "limit": "50"}, {}]
    assert len(data.jobs) == 4


def test_at_most_100_pages() -> None:
    with JusRecruit(paging="endless", rate=None) as emu:
        message = failure(emu, page_size=1)
        assert emu.paths().count("/jobs") == 100
    assert (
        message
        == "source jusrecruit: GET /api/v1/integration/jobs still had more pages after 100; set page_size = 100 (jobs per page) in [[sources]]"
    )


def test_next_link_to_another_host_is_not_followed() -> None:
    with JusRecruit(jobs=jobs(5), paging="next-foreign") as emu:
        data = fetch(emu, page_size=3)
        lists = [r.query.get("page") for r in emu.requests if r.path == f"{BASE}/jobs"]
    assert len(data.jobs) == 5 and lists == ["1", "2"]
    assert data.warnings == [
        "GET /api/v1/integration/jobs gave a next link to another host or scheme (http://collector.invalid); not followed, asked for page 2 instead"
    ]


def test_duplicate_and_id_less_list_items() -> None:
    with JusRecruit(jobs=[make_job(1), make_job(1), make_job(2)], paging="short") as emu:
        emu.jobs.append({"id": "", "title": "No id"})
        data = fetch(emu)
    assert [j.id for j in data.jobs] == ["job-1", "job-2"]
    assert data.warnings == ["a job in GET /api/v1/integration/jobs has no id, _id or jobId; left out (keys: id, title)"]


# -- which jobs are published ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"status": "published"}, None),
        ({"status": "Open"}, None),
        ({"status": "ACTIVE"}, None),
        ({"jobStatus": " live "}, None),
        ({}, None),  # no status field at all
        ({"status": "Draft"}, "draft"),
        ({"status": "closed"}, "closed"),
        ({"jobStatus": "Archived"}, "archived"),
        ({"status": "paused"}, "paused"),
        ({"status": "pending review"}, "pending review"),
        ({"status": None}, "empty status"),
        ({"status": ""}, "empty status"),
        ({"status": "draft", "jobStatus": "open"}, "draft"),  # status first
    ],
)
def test_published_statuses(item: dict[str, Any], reason: str | None) -> None:
    assert jusrecruit.unpublished_reason(item) == reason


def test_unpublished_jobs_are_dropped_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    listed = [
        make_job(1, status="Open"),
        make_job(2, status="draft"),
        make_job(3, status="Closed"),
        make_job(4, status=None, jobStatus="archived"),
        make_job(5, status=None, jobStatus="Live"),
        make_job(6, status="paused"),
        make_job(7, status=None),
    ]
    caplog.set_level(logging.INFO, logger="generator")
    with JusRecruit(jobs=listed) as emu:
        data = fetch(emu)
        details = [p for p in emu.paths() if p.startswith("/jobs/") and not p.endswith("/tags")]
    assert [j.id for j in data.jobs] == ["job-1", "job-5", "job-7"]
    assert sorted(details) == ["/jobs/job-1", "/jobs/job-5", "/jobs/job-7"]  # no detail asked for a dropped job
    assert "jusrecruit: left out 4 of 7 listed jobs that are not published (1 archived, 1 closed, 1 draft, 1 paused)" in caplog.messages


def test_detail_status_wins_over_a_list_without_status() -> None:
    with JusRecruit(jobs=[make_job(1), make_job(2, status="Draft")], summary_keys=("title", "updatedAt")) as emu:
        data = fetch(emu)
        paths = emu.paths()
    assert [j.id for j in data.jobs] == ["job-1"]
    assert "/jobs/job-2/tags" not in paths  # a dropped job needs no tags


# -- field mapping -----------------------------------------------------------------------------


def test_full_job_mapping() -> None:
    job, warnings = parsed()
    assert warnings == []
    assert job.title == "Engineer 1"
    assert job.date_posted == "2026-10-01T09:00:00+00:00"
    assert job.valid_through == "2026-12-31"
    assert job.updated_at == "2026-10-02T10:00:00+00:00"
    assert job.employment_types == ("FULL_TIME",) and job.employment_label == "Full time"
    assert job.department == Department(id="engineering", name="Engineering")
    assert job.offices == (
        Office(id="bengaluru-karnataka-560001-in", name="Bengaluru", city="Bengaluru", region="Karnataka", postal_code="560001", country="IN"),
    )
    assert job.remote is Remote.NO
    assert job.salary == Salary(currency="INR", unit="YEAR", min=1800000.0, max=2400000.0)
    assert job.tags == ("backend", "Python")


def test_title_falls_back_to_name_and_is_required() -> None:
    job, _ = parsed(title=None, name="Data Analyst")
    assert job.title == "Data Analyst"
    job, warnings = parsed(title=None)
    assert job is None and warnings == ["job job-1 has no title; left out (give it a title in JusRecruit)"]


def test_dates() -> None:
    assert parsed(publishedAt=None)[0].date_posted == "2026-09-28T12:00:00+00:00"
    assert parsed(publishedAt="2026-10-05T09:00:00")[0].date_posted == "2026-10-05T09:00:00+00:00"  # no offset: UTC
    assert parsed(expiresAt=None, closingDate="2026-11-30T17:00:00+02:00")[0].valid_through == "2026-11-30T17:00:00+02:00"
    assert parsed(expiresAt=None)[0].valid_through is None
    job, warnings = parsed(publishedAt=None, createdAt=None)
    assert job is None and warnings == [
        "job job-1 (Engineer 1) has no readable publishedAt or createdAt date; left out (publish it again in JusRecruit)"
    ]
    job, warnings = parsed(expiresAt="soon")
    assert job.valid_through is None and warnings == [
        "job job-1 (Engineer 1): closing date 'soon' is not a date; left out of the page (fix the closing date in JusRecruit)"
    ]


@pytest.mark.parametrize(
    ("fields", "kinds"),
    [
        ({"employmentType": "Part-time"}, ("PART_TIME",)),
        ({"employmentType": None, "jobType": "Contract"}, ("CONTRACTOR",)),
        ({"employmentType": "Internship"}, ("INTERN",)),
        ({"employmentType": "VOLUNTEER"}, ("VOLUNTEER",)),
        ({"employmentType": "Gig"}, ("OTHER",)),
        ({"employmentType": None}, ()),
    ],
)
def test_employment_type(fields: dict[str, Any], kinds: tuple[str, ...]) -> None:
    assert parsed(**fields)[0].employment_types == kinds


def test_description_html_is_sanitized_and_markdown_rendered() -> None:
    html = parsed(description='<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>')[0].sections[0].html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html and "<p>Hi</p>" in html
    markdown = parsed(description="## About the role\n- Python\n- PostgreSQL")[0].sections[0].html
    assert markdown == "<h2>About the role</h2>\n<ul>\n<li>Python</li>\n<li>PostgreSQL</li>\n</ul>"
    job, warnings = parsed(description=None)
    assert job.sections == () and warnings == ["job job-1 (Engineer 1) has no description; Google will not list it (write one in JusRecruit)"]


@pytest.mark.parametrize(
    ("location", "office"),
    [
        ({"city": "London", "country": "UK"}, Office(id="london-gb", name="London", city="London", country="GB")),
        (
            {"city": "Berlin", "country": "Germany", "address": "Unter den Linden 1"},
            Office(id="unter-den-linden-1-berlin-de", name="Berlin", street="Unter den Linden 1", city="Berlin", country="DE"),
        ),
        ({"region": "Bavaria", "country": "de"}, Office(id="bavaria-de", name="Bavaria", region="Bavaria", country="DE")),
        ("London, UK", Office(id="london-gb", name="London", city="London", country="GB")),
        ("Bengaluru, Karnataka, India", Office(id="bengaluru-karnataka-in", name="Bengaluru", city="Bengaluru", region="Karnataka", country="IN")),
        ("France", Office(id="fr", name="France", country="FR")),
    ],
)
def test_location_object_or_string(location: Any, office: Office) -> None:
    assert parse_location(location, "job 1") == (office, [])


def test_unresolved_country_warns_naming_the_job() -> None:
    job, warnings = parsed(location={"city": "Xanadu", "country": "Atlantis"})
    assert job.offices[0].country is None
    assert warnings == [
        "job job-1 (Engineer 1): country 'Atlantis' is not a country name or ISO code; its JobPosting has no addressCountry (fix the location in JusRecruit)"
    ]
    _, warnings = parsed(location="Springfield")
    assert warnings == [
        "job job-1 (Engineer 1): location 'Springfield' names no country; its JobPosting has no addressCountry (add the country in JusRecruit)"
    ]
    assert parsed(location=None)[0].offices == ()


@pytest.mark.parametrize(
    ("fields", "remote"),
    [
        ({"isRemote": True}, Remote.FULL),
        ({"isRemote": None, "remote": True}, Remote.FULL),
        ({"workplaceType": "Remote"}, Remote.FULL),
        ({"workplaceType": "HYBRID"}, Remote.HYBRID),
        ({"workplaceType": "on-site"}, Remote.NO),
        ({"isRemote": False}, Remote.NO),
    ],
)
def test_remote(fields: dict[str, Any], remote: Remote) -> None:
    job, _ = parsed(**fields)
    assert job.remote is remote
    assert job.offices and job.offices[0].country == "IN"  # a remote job keeps its office


def test_fully_remote_without_a_country_warns() -> None:
    job, warnings = parsed(isRemote=True, location=None)
    assert job.remote is Remote.FULL and job.offices == ()
    assert warnings == [
        "job job-1 (Engineer 1) is fully remote but names no country applicants may live in; its JobPosting lacks applicantLocationRequirements (add the job's country in JusRecruit)"
    ]


@pytest.mark.parametrize(
    ("salary", "expected", "warning"),
    [
        ({"min": "45000", "max": "55,000", "currency": "eur", "period": "Annual"}, Salary("EUR", "YEAR", 45000.0, 55000.0), None),
        ({"min": 4000, "currency": "GBP", "period": "monthly"}, Salary("GBP", "MONTH", 4000.0, None), None),
        ({"max": 30, "currency": "USD", "period": "per hour"}, Salary("USD", "HOUR", None, 30.0), None),
        ({"min": 1, "currency": "USD", "period": "weekly"}, Salary("USD", "WEEK", 1.0, None), None),
        ({"min": 1, "currency": "USD", "period": "daily"}, Salary("USD", "DAY", 1.0, None), None),
        ({"currency": "USD", "period": "yearly"}, None, None),
        (
            {"min": 1, "max": 2, "currency": "dollars", "period": "yearly"},
            None,
            "salary currency 'dollars' is not an ISO 4217 code; the salary is not shown (fix the salary in JusRecruit)",
        ),
        (
            {"min": 1, "max": 2, "currency": "USD"},
            None,
            "salary period None is not yearly, monthly, weekly, daily or hourly; the salary is not shown (fix the salary in JusRecruit)",
        ),
        (
            {"min": 9, "max": 2, "currency": "USD", "period": "yearly"},
            None,
            "salary min 9 is above max 2; the salary is not shown (fix the salary in JusRecruit)",
        ),
    ],
)
def test_salary(salary: dict[str, Any], expected: Salary | None, warning: str | None) -> None:
    job, warnings = parsed(salary=salary)
    assert job.salary == expected
    assert warnings == ([f"job job-1 (Engineer 1): {warning}"] if warning else [])


def test_department_string() -> None:
    assert parsed(department="  Customer   Success ")[0].department == Department(id="customer-success", name="Customer Success")
    assert parsed(department=None)[0].department is None


def test_tags_strings_or_objects_sorted_unique() -> None:
    tags = ["python", {"id": 1, "name": "Backend"}, {"label": "remote"}, {"title": "Python"}, "python", " ", {"id": 2}, 7]
    assert parse_tags(tags) == ("Backend", "python", "remote")  # one spelling per tag: the first


@pytest.mark.parametrize("shape", ["bare", "data", "tags"])
def test_tags_endpoint_shapes(shape: str) -> None:
    with JusRecruit(jobs=[make_job(1, tags=[{"name": "Go"}, "api", "api"])], tags_shape=shape) as emu:
        data = fetch(emu)
        assert "/jobs/job-1/tags" in emu.paths()
    assert data.jobs[0].tags == ("api", "Go")


def test_embedded_tags_skip_the_tags_request() -> None:
    with JusRecruit(jobs=jobs(2), embed_tags=True) as emu:
        data = fetch(emu)
        assert not [p for p in emu.paths() if p.endswith("/tags")]
    assert data.jobs[0].tags == ("backend", "Python")


def test_company_info() -> None:
    org = parse_company(
        {"data": {"name": "Acme", "logo": "https://cdn.example/l.png", "url": "https://acme.example", "description": "<p>We hire.</p>"}}
    )
    assert org.name == "Acme" and org.url == "https://acme.example"
    assert org.logo is not None and org.logo.url == "https://cdn.example/l.png" and org.logo.alt == "Acme"
    assert org.description == {"": "<p>We hire.</p>"}
    bare = parse_company({"name": "Beta", "logoUrl": "https://cdn.example/b.png", "website": "https://beta.example"})
    assert (bare.name, bare.url, bare.logo.url if bare.logo else None, bare.description) == (
        "Beta",
        "https://beta.example",
        "https://cdn.example/b.png",
        {},
    )


def test_offices_and_departments_are_collected() -> None:
    with JusRecruit(jobs=[make_job(1), make_job(2), make_job(3, location="Paris, France", department="Sales")]) as emu:
        data = fetch(emu)
    assert sorted(o.id for o in data.offices) == ["bengaluru-karnataka-560001-in", "paris-fr"]
    assert sorted(d.name for d in data.departments) == ["Engineering", "Sales"]
    assert data.organization.name == "Acme Recruiting"


# -- failures: one line each -------------------------------------------------------------------


def test_missing_key() -> None:
    with JusRecruit() as emu:
        message = failure(emu, env={})
        assert emu.requests == []
    assert message == (
        "source jusrecruit: environment variable JUSRECRUIT_API_KEY is not set; export it with a JusRecruit API key "
        "(Settings > Recruitment > API Keys; permissions LIST_JOBS, FETCH_JOBS, FETCH_TAGS, FETCH_COMPANY_DETAILS) "
        "(or set token_env to another variable name)"
    )


def test_401_wrong_or_expired_key() -> None:
    with JusRecruit(jobs=jobs(1)) as emu:
        message = failure(emu, env={"MY_KEY": OTHER_KEY}, token_env="MY_KEY")
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs?page=1&limit=50 answered HTTP 401: the API key is wrong or expired; "
        "rotate MY_KEY (create a new key under Settings > Recruitment > API Keys)"
    )


def test_403_on_the_list_names_list_jobs() -> None:
    with JusRecruit(jobs=jobs(1), keys={KEY: PERMISSIONS - {"LIST_JOBS"}}) as emu:
        message = failure(emu)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs?page=1&limit=50 answered HTTP 403: the API key lacks the LIST_JOBS permission; "
        "add it under Settings > Recruitment > API Keys"
    )


def test_403_on_a_job_names_fetch_jobs() -> None:
    with JusRecruit(jobs=jobs(1), keys={KEY: PERMISSIONS - {"FETCH_JOBS"}}) as emu:
        message = failure(emu)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs/job-1 answered HTTP 403: the API key lacks the FETCH_JOBS permission; "
        "add it under Settings > Recruitment > API Keys"
    )


def test_a_fatal_error_cancels_the_queued_requests() -> None:
    with JusRecruit(jobs=jobs(40), keys={KEY: PERMISSIONS - {"FETCH_JOBS"}}, rate=None) as emu:
        failure(emu)
        details = [p for p in emu.paths() if p.startswith("/jobs/")]
    assert 1 <= len(details) <= JusRecruitSource.CONCURRENCY  # the calls in flight, not 40 refusals in a row


def test_403_on_tags_is_a_warning() -> None:
    with JusRecruit(jobs=jobs(1), keys={KEY: PERMISSIONS - {"FETCH_TAGS"}}) as emu:
        data = fetch(emu)
    assert [j.tags for j in data.jobs] == [()]
    assert data.warnings == [
        "GET /api/v1/integration/jobs/job-1/tags answered HTTP 403: the API key lacks FETCH_TAGS; jobs are published without tags "
        "(add the permission under Settings > Recruitment > API Keys)"
    ]


def test_403_on_tags_is_said_once_and_stops_the_tag_requests() -> None:
    with JusRecruit(jobs=jobs(30), keys={KEY: PERMISSIONS - {"FETCH_TAGS"}}, rate=None) as emu:
        data = fetch(emu)
        tag_requests = [p for p in emu.paths() if p.endswith("/tags")]
    assert len(data.jobs) == 30 and all(j.tags == () for j in data.jobs)
    assert 1 <= len(tag_requests) <= JusRecruitSource.CONCURRENCY
    assert len(data.warnings) == 1 and "lacks FETCH_TAGS" in data.warnings[0]


def test_403_on_company_info_is_a_warning() -> None:
    with JusRecruit(jobs=jobs(1), keys={KEY: PERMISSIONS - {"FETCH_COMPANY_DETAILS"}}) as emu:
        data = fetch(emu)
    assert len(data.jobs) == 1 and data.organization == Organization()
    assert data.warnings == [
        "GET /api/v1/integration/company/info answered HTTP 403: the API key lacks FETCH_COMPANY_DETAILS; using [organization] from careers.toml "
        "(add the permission under Settings > Recruitment > API Keys to use the company's name, logo and website)"
    ]


def test_company_info_failing_is_a_warning() -> None:
    with JusRecruit(jobs=jobs(1)) as emu:
        emu.route(f"{BASE}/company/info")(lambda request: (500, {}, {"message": "internal"}))
        data = fetch(emu)
    assert len(data.jobs) == 1 and data.organization == Organization()
    assert data.warnings == ["GET /api/v1/integration/company/info failed after 2 attempts: HTTP 500; using [organization] from careers.toml"]


def test_404_on_a_job_skips_it() -> None:
    with JusRecruit(jobs=jobs(3), deleted={"job-2"}) as emu:
        data = fetch(emu)
    assert [j.id for j in data.jobs] == ["job-1", "job-3"]
    assert data.warnings == ["job job-2: GET /api/v1/integration/jobs/job-2 answered HTTP 404 (deleted since the list was read); left out"]


def test_unknown_list_shape() -> None:
    with JusRecruit() as emu:
        emu.route(f"{BASE}/jobs")(lambda request: (200, {}, {"status": "ok", "count": 0}))
        message = failure(emu)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs returned no list under data, jobs, items, results, records, data.jobs, data.items or data.data "
        "(top-level keys: count, status); check that api_url points at the JusRecruit Integration API"
    )


def test_unknown_detail_shape() -> None:
    with JusRecruit(jobs=jobs(1)) as emu:
        emu.route(f"{BASE}/jobs/job-1")(lambda request: (200, {}, ["not", "a", "job"]))
        message = failure(emu)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs/job-1 returned a JSON list instead of an object; "
        "check that api_url points at the JusRecruit Integration API"
    )


def test_unknown_company_and_tags_shapes_are_warnings() -> None:
    with JusRecruit(jobs=jobs(1)) as emu:
        emu.route(f"{BASE}/company/info")(lambda request: (200, {}, ["?"]))
        emu.route(f"{BASE}/jobs/job-1/tags")(lambda request: (200, {}, {"weird": 1}))
        data = fetch(emu)
    assert data.jobs[0].tags == ()
    assert data.warnings == [
        "GET /api/v1/integration/company/info returned a JSON list instead of an object; using [organization] from careers.toml",
        "job job-1: GET /api/v1/integration/jobs/job-1/tags returned no list under data, tags, items, results, records, data.tags, data.items or data.data "
        "(top-level keys: weird); published without tags",
    ]


def test_server_errors_after_retries() -> None:
    with JusRecruit() as emu:
        emu.route(f"{BASE}/jobs")(lambda request: (502, {}, "Bad gateway"))
        message = failure(emu)
        assert emu.paths() == ["/jobs", "/jobs"]  # retries = 1
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs?page=1&limit=50 failed after 2 attempts: HTTP 502; "
        "check api_url, or try again later (--allow-stale publishes the last snapshot)"
    )


def test_rate_limit_never_lifting() -> None:
    with JusRecruit() as emu:
        emu.route(f"{BASE}/jobs")(lambda request: (429, {"Retry-After": "0"}, {"message": "Too many requests"}))
        message = failure(emu)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs?page=1&limit=50 failed after 2 attempts: HTTP 429; "
        "the API kept refusing for rate limits, lower requests_per_second or try again later"
    )


# -- GET only, and the key stays secret ------------------------------------------------------------


def test_only_get_is_ever_sent() -> None:
    # The emulator would accept a tag write (FETCH_TAGS allows POST/DELETE), so a write would show.
    with JusRecruit(jobs=jobs(3)) as emu:
        assert httpx.post(f"{emu.api_url}/jobs/job-1/tags", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        emu.requests.clear()
        fetch(emu)
        assert emu.methods() == {"GET"}


def test_no_code_path_can_write() -> None:
    # The source reaches the network only through HttpClient, whose public methods all GET.
    tree = ast.parse(inspect.getsource(jusrecruit))
    calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not calls & {"post", "put", "patch", "delete", "request", "send", "stream", "build_request"}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert not imported & {"httpx", "requests", "urllib.request", "http.client"}
    public = {name for name, _ in inspect.getmembers(http.HttpClient, inspect.isfunction) if not name.startswith("_")}
    assert public == {"get_json", "get_bytes", "map", "close", "redact"}


def test_key_never_in_logs_or_messages(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    messages = []
    with JusRecruit(jobs=jobs(3), deleted={"job-3"}, keys={KEY: PERMISSIONS - {"FETCH_TAGS"}}) as emu:
        emu.route(f"{BASE}/company/info")(lambda request: (500, {}, {"message": f"boom for key {request.headers['authorization']}"}))
        data = fetch(emu)
        messages += data.warnings
        emu.route(f"{BASE}/jobs")(lambda request: (400, {}, {"message": f"bad key {request.headers['authorization']}"}))
        messages.append(failure(emu))
    assert messages and caplog.text
    for text in [*messages, caplog.text]:
        assert KEY not in text


# -- rate limits -------------------------------------------------------------------------------


def test_emulator_enforces_a_token_bucket_per_key() -> None:
    with JusRecruit(keys={KEY: PERMISSIONS, OTHER_KEY: PERMISSIONS}, rate=1, burst=2) as emu:
        with httpx.Client(base_url=emu.api_url) as client:
            answers = [client.get("/company/info", headers={"Authorization": f"Bearer {KEY}"}) for _ in range(3)]
            other = client.get("/company/info", headers={"Authorization": f"Bearer {OTHER_KEY}"})
    assert [a.status_code for a in answers] == [200, 200, 429] and other.status_code == 200
    refused = answers[2].headers
    assert refused["Retry-After"] == "1" and refused["X-RateLimit-Limit"] == "1" and refused["X-RateLimit-Remaining"] == "0"
    assert 0 < float(refused["X-RateLimit-Reset"]) <= 1
    assert answers[0].headers["X-RateLimit-Remaining"] == "1"


def test_429_waits_for_retry_after() -> None:
    slept: list[float] = []
    calls = []
    with JusRecruit(jobs=jobs(1)) as emu:
        list_jobs = emu.routes[-1][1]  # the emulator's own /jobs handler, under the override below

        def once_429(request: Any) -> Any:
            calls.append(request)
            return (429, {"Retry-After": "1"}, {"message": "slow down"}) if len(calls) == 1 else list_jobs(request)

        emu.route(f"{BASE}/jobs")(once_429)
        data = fetch(emu, sleep=slept.append)
    assert len(data.jobs) == 1 and len(calls) == 2
    assert len(slept) == 1 and 1.0 <= slept[0] <= 1.1  # Retry-After, plus a little jitter


@pytest.mark.parametrize("reset_format", ["delta", "epoch_ms"])
def test_x_ratelimit_remaining_zero_pauses_until_reset(reset_format: str) -> None:
    # The client alone would send everything at once; the server's headers slow it down.
    with JusRecruit(jobs=jobs(3), rate=5, burst=2, reset_format=reset_format) as emu:
        data = fetch(emu, concurrency=1)
        assert emu.count(429) == 0
        assert emu.lowest_remaining == 0
    assert len(data.jobs) == 3 and len(emu.requests) == 8


def test_thousand_jobs_meet_few_429s() -> None:
    # The real limit (10/s) would take 200 s: the same bucket shape, 25 times faster.
    with JusRecruit(jobs=[make_job(n) for n in range(1000)], rate=250, burst=500) as emu:
        data = fetch(emu, requests_per_second=250, burst=500, retries=5, sleep=time.sleep)
        refused = emu.count(429)
        requests = len(emu.requests)
        assert emu.lowest_remaining == 0  # the server's bucket, not its speed, was the limit
    assert len(data.jobs) == 1000
    assert requests - refused == 20 + 1000 + 1000 + 1  # list pages, details, tags, company
    assert refused <= 5


# -- incremental fetches ------------------------------------------------------------------------


def test_second_fetch_without_changes_sends_only_list_and_company() -> None:
    with JusRecruit(jobs=jobs(5), paging="hasMore") as emu:
        first = source_for(emu, page_size=2)
        data = first.fetch()
        emu.requests.clear()
        again = source_for(emu, page_size=2, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs", "/jobs", "/jobs"]
    assert again.jobs == data.jobs


def test_one_changed_job_costs_one_detail_and_one_tags_request() -> None:
    with JusRecruit(jobs=jobs(5)) as emu:
        first = source_for(emu)
        data = first.fetch()
        emu.jobs[2] = make_job(3, title="Staff Engineer 3", updatedAt="2026-10-20T08:00:00Z", tags=["go"])
        emu.requests.clear()
        again = source_for(emu, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs", "/jobs/job-3", "/jobs/job-3/tags"]
    changed = next(j for j in again.jobs if j.id == "job-3")
    assert changed.title == "Staff Engineer 3" and changed.tags == ("go",)
    assert [j for j in again.jobs if j.id != "job-3"] == [j for j in data.jobs if j.id != "job-3"]


def test_new_and_removed_jobs() -> None:
    with JusRecruit(jobs=jobs(3)) as emu:
        first = source_for(emu)
        data = first.fetch()
        emu.jobs = [emu.jobs[0], emu.jobs[2], make_job(4)]
        emu.requests.clear()
        again = source_for(emu, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs", "/jobs/job-4", "/jobs/job-4/tags"]
    assert sorted(j.id for j in again.jobs) == ["job-1", "job-3", "job-4"]


def test_a_job_without_updated_at_is_always_fetched() -> None:
    with JusRecruit(jobs=[make_job(1, updatedAt=None), make_job(2)]) as emu:
        first = source_for(emu)
        data = first.fetch()
        emu.requests.clear()
        source_for(emu, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs", "/jobs/job-1", "/jobs/job-1/tags"]


def test_a_job_dropped_by_its_detail_is_remembered() -> None:
    with JusRecruit(jobs=[make_job(1), make_job(2, status="draft")], summary_keys=("title", "updatedAt")) as emu:
        first = source_for(emu)
        data = first.fetch()
        emu.requests.clear()
        again = source_for(emu, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs"]
    assert [j.id for j in again.jobs] == ["job-1"]


def test_failed_tags_are_asked_again_alone() -> None:
    with JusRecruit(jobs=jobs(2)) as emu:
        broken = emu.route(f"{BASE}/jobs/job-2/tags")(lambda request: (503, {}, "busy"))
        first = source_for(emu)
        data = first.fetch()
        assert data.warnings == ["job job-2: GET /api/v1/integration/jobs/job-2/tags failed after 2 attempts: HTTP 503; published without tags"]
        emu.routes = [r for r in emu.routes if r[1] is not broken]
        emu.requests.clear()
        again = source_for(emu, previous=(data, first.state)).fetch()
        assert sorted(emu.paths()) == ["/company/info", "/jobs", "/jobs/job-2/tags"]
    assert next(j for j in again.jobs if j.id == "job-2").tags == ("backend", "Python")
    assert again.warnings == []


def test_warnings_of_unchanged_jobs_are_repeated() -> None:
    with JusRecruit(jobs=[make_job(1, location="Atlantis")]) as emu:
        first = source_for(emu)
        data = first.fetch()
        again = source_for(emu, previous=(data, first.state)).fetch()
    assert again.warnings == data.warnings and len(data.warnings) == 1


# -- a whole build -----------------------------------------------------------------------------


def test_build_from_the_emulator_passes_the_check(make_site: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    listed = [
        make_job(1, tags=["Python", {"name": "Backend"}]),
        make_job(2, title="Remote SRE", isRemote=True, location={"city": "London", "country": "UK"}, salary=None, tags=[{"label": "Python"}]),
        make_job(
            3,
            description="## About\n\nWrite **docs**.\n\n- Markdown",
            department="Docs",
            workplaceType="hybrid",
            location="Berlin, Germany",
            tags=["docs"],
        ),
        make_job(4, status="Draft", title="Secret Draft"),
    ]
    with JusRecruit(jobs=listed, list_shape="data.jobs", paging="next") as emu:
        root = make_site(
            f"""
            [site]
            title = "Careers at Acme"
            url = "https://careers.acme.example"

            [[sources]]
            type = "jusrecruit"
            api_url = "{emu.api_url}"
            retries = 1
            """
        )
        env = {"JUSRECRUIT_API_KEY": KEY, "SOURCE_DATE_EPOCH": "1793534400"}
        config = load_config(root / "careers.toml")
        report = build_site(config, BuildOptions(env=env, sleep=no_sleep))
        logo_requests = [r for r in emu.requests if r.path == "/media/logo.png"]
        # The next build reads the snapshot and its state: nothing changed, so no detail is asked again.
        emu.requests.clear()
        again = build_site(config, BuildOptions(env=env, sleep=no_sleep))
        second = [r.path for r in emu.requests]
        assert emu.methods() == {"GET"}
    assert sorted(second) == [f"{BASE}/company/info", f"{BASE}/jobs"]  # and the logo comes from the image cache
    assert not again.data_changed
    output = root / "public"
    assert check_site(output) == []
    assert report.warnings == []
    pages = sorted(p.relative_to(output).as_posix() for p in output.glob("jobs/*/index.html"))
    assert pages == ["jobs/engineer-1-job-1/index.html", "jobs/engineer-3-job-3/index.html", "jobs/remote-sre-job-2/index.html"]
    job_page = (output / "jobs/engineer-1-job-1/index.html").read_text(encoding="utf-8")
    assert '<ul class="tags"' in job_page and '<a href="/tags/backend/">Backend</a>' in job_page and '<a href="/tags/python/">Python</a>' in job_page
    python = (output / "tags/python/index.html").read_text(encoding="utf-8")
    assert "Engineer 1" in python and "Remote SRE" in python and "Engineer 3" not in python
    assert (output / "tags/backend/index.html").is_file()
    assert "Secret Draft" not in "".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "Acme Recruiting" in job_page and list(output.glob("media/*.png"))
    # The logo lives on the company's own host: it never gets the API key.
    assert logo_requests and all("authorization" not in r.headers for r in logo_requests)
    for folder in (output, config.cache_dir):
        for file in folder.rglob("*"):
            if file.is_file():
                assert KEY.encode() not in file.read_bytes(), file
    assert KEY not in caplog.text


def ignores_page(emu: JusRecruit, total: int, unpaged_gives: int) -> None:
    """Make GET /jobs honour `limit` but ignore `page`, announcing `total`; without paging it gives `unpaged_gives` jobs."""
    every = [{"id": f"job-{i}", "title": f"Engineer {i}", "status": "published"} for i in range(1, total + 1)]

    @emu.route(f"{BASE}/jobs")
    def listing(request):
        count = int(request.query["limit"]) if "limit" in request.query else unpaged_gives
        return 200, {}, {"data": every[:count], "meta": {"total": total}}


def test_a_server_that_ignores_page_is_asked_once_without_paging() -> None:
    with JusRecruit(jobs=jobs(80), rate=None) as emu:
        ignores_page(emu, total=80, unpaged_gives=80)
        data = fetch(emu, page_size=50)
        lists = [dict(r.query) for r in emu.requests if r.path == f"{BASE}/jobs"]
    assert len(data.jobs) == 80
    assert lists == [{"page": "1", "limit": "50"}, {"page": "2", "limit": "50"}, {}]


def test_a_list_cut_short_by_an_ignored_page_fails_instead_of_closing_jobs() -> None:
    with JusRecruit(jobs=jobs(80)) as emu:
        ignores_page(emu, total=80, unpaged_gives=50)
        message = failure(emu, page_size=50)
    assert message == (
        "source jusrecruit: GET /api/v1/integration/jobs announced 80 jobs but returned 50 and ignores page; "
        "the list cannot be read whole, so nothing was published; set page_size = 100 in [[sources]] or report it to JusRecruit"
    )


def test_a_next_link_in_clear_text_is_not_followed() -> None:
    with JusRecruit(jobs=jobs(5), paging="short") as emu:
        plain = emu.url.replace("http://", "https://")  # the source's api_url is http: an https link is another scheme

        @emu.route(f"{BASE}/jobs")
        def listing(request):
            page = int(request.query.get("page", 1))
            items = [{"id": f"job-{i}", "title": f"Engineer {i}"} for i in range((page - 1) * 3 + 1, min(page * 3, 5) + 1)]
            return 200, {}, {"data": items, "next": f"{plain}{BASE}/jobs?page=2" if page == 1 else None}

        data = fetch(emu, page_size=3)
    assert len(data.jobs) == 5
    assert data.warnings == [
        f"GET /api/v1/integration/jobs gave a next link to another host or scheme (https://{plain.split('://')[1]}); not followed, asked for page 2 instead"
    ]
