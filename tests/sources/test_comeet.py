"""The comeet source: mapping rules (pure parse_* functions), both APIs against the loopback emulator,
every error message, secrecy of the credentials, and a whole build that passes `careers check`."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from generator.build import BuildOptions, build_site
from generator.check import check_site
from generator.config import load_config, parse_config
from generator.errors import ConfigError, SourceError
from generator.model import Remote, Salary
from generator.sources import SOURCES, FetchContext, comeet
from generator.sources.comeet import (
    is_listed,
    mint_jwt,
    parse_categories,
    parse_office,
    parse_position,
    parse_positions,
    parse_remote,
    parse_salary,
    parse_sections,
)
from tests.emulators.comeet import API_KEY, COMPANY_UID, READ_SALARY, SECRET, TOKEN, ComeetEmulator, careers_positions

CAREERS_ENV = {"COMEET_TOKEN": TOKEN}
RECRUITING_ENV = {"COMEET_API_KEY": API_KEY, "COMEET_SECRET": SECRET}
CAREERS_PATH = f"/careers-api/2.0/company/{COMPANY_UID}/positions?token=***&details=true"
RECRUITING_PATH = "/positions?status=open&limit=500"


@pytest.fixture(scope="module")
def server():
    with ComeetEmulator() as emulator:
        yield emulator


@pytest.fixture
def emu(server):
    server.reset()
    return server


def make_source(root: Path, env: dict[str, str], **options: Any) -> comeet.ComeetSource:
    config = parse_config({"site": {"title": "Acme careers", "url": "https://careers.example.com"}, "sources": [{"type": "comeet", **options}]}, root)
    return SOURCES["comeet"](config.sources[0], FetchContext(root=root, env=env, sleep=lambda seconds: None))


def careers(emu: ComeetEmulator, root: Path, env: dict[str, str] | None = None, **options: Any) -> comeet.ComeetSource:
    return make_source(root, CAREERS_ENV if env is None else env, company_uid=COMPANY_UID, api_url=emu.careers_url, **options)


def recruiting(emu: ComeetEmulator, root: Path, env: dict[str, str] | None = None, **options: Any) -> comeet.ComeetSource:
    return make_source(root, RECRUITING_ENV if env is None else env, api="recruiting", api_url=emu.url, **options)


def position(**changes: Any) -> dict[str, Any]:
    """Return one Careers position shaped like the vendor docs, with `changes` applied."""
    base = {
        "uid": "87.405",
        "name": "Account Executive",
        "time_updated": "2026-05-26T14:22:46Z",
        "location": {"name": "Tel Aviv", "city": "Tel Aviv", "country": "IL", "location_uid": "L-TLV"},
        "details": [{"name": "Description", "value": "<p>Sell.</p>", "order": 1}],
    }
    base.update(changes)
    return base


# -- mapping (pure) ------------------------------------------------------------------------------


def test_details_are_sorted_by_order_whatever_their_position_in_the_payload():
    details = [
        {"name": "Requirements", "value": "<ul><li>Python</li></ul>", "order": 2},
        {"name": "Benefits", "value": "<p>Lunch</p>", "order": 3},
        {"name": "Description", "value": "<p>Build things.</p>", "order": 1},
    ]
    sections = parse_sections(details)
    assert [(s.title, s.html) for s in sections] == [
        ("Description", "<p>Build things.</p>"),
        ("Requirements", "<ul><li>Python</li></ul>"),
        ("Benefits", "<p>Lunch</p>"),
    ]


def test_details_with_null_or_blank_values_are_skipped_and_plain_text_becomes_a_paragraph():
    details = [
        {"name": "Null", "value": None, "order": 1},
        {"name": "Blank", "value": "  \n ", "order": 2},
        {"name": "Empty paragraph", "value": "<p> </p>", "order": 3},
        {"name": "Only a script", "value": "<script>alert(1)</script>", "order": 4},
        {"name": "Plain", "value": "Figma and a portfolio", "order": 5},
        {"name": None, "value": "<p>Untitled</p>"},  # no order: last
    ]
    assert [(s.title, s.html) for s in parse_sections(details)] == [("Plain", "<p>Figma and a portfolio</p>"), ("", "<p>Untitled</p>")]


def test_hostile_html_in_details_is_sanitized():
    html = '<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror="alert(1)"> <a href="javascript:alert(1)">a</a> <a href="https://ok.example">b</a></p>'
    (section,) = parse_sections([{"name": "Description", "value": html, "order": 1}])
    assert "script" not in section.html and "onerror" not in section.html and "onclick" not in section.html
    assert "javascript:" not in section.html and "<img" not in section.html
    assert '<a href="https://ok.example" rel="noopener nofollow">b</a>' in section.html


def test_categories_become_name_value_pairs_in_order_without_null_values():
    categories = [
        {"name": "Team", "value": "Platform", "order": 2},
        {"name": "Seniority", "value": None, "order": 3},
        {"name": "Function", "value": "Engineering", "order": 1},
        {"name": None, "value": "orphan", "order": 4},
    ]
    assert parse_categories(categories) == (("Function", "Engineering"), ("Team", "Platform"))
    assert parse_categories(None) == ()


def test_location_becomes_an_office_with_street_number_first_and_an_alpha2_country():
    office = parse_office(
        {
            "name": "London HQ",
            "country": "UK",
            "city": "London",
            "state": "England",
            "postal_code": "EC1V 9HX",
            "street_name": "City Road",
            "street_number": "1",
            "location_uid": "A1.B2",
        }
    )
    assert (office.id, office.name, office.street, office.city, office.region, office.postal_code, office.country) == (
        "A1.B2", "London HQ", "1 City Road", "London", "England", "EC1V 9HX", "GB",
    )  # fmt: skip
    assert parse_office({"name": "Tel Aviv", "country": "Israel", "uid": "C3.D4", "street_name": "Rothschild"}).country == "IL"
    assert parse_office({"name": "Tel Aviv", "country": "Israel", "uid": "C3.D4", "street_name": "Rothschild"}).id == "C3.D4"
    assert parse_office({"name": "Tel Aviv", "uid": "C3.D4", "street_name": "Rothschild"}).street == "Rothschild"
    assert parse_office(None) is None
    assert parse_office({"name": None, "city": None, "country": None}) is None


def test_offices_are_deduplicated_on_location_uid():
    tlv = {"name": "Tel Aviv", "city": "Tel Aviv", "country": "IL", "location_uid": "L1"}
    data = parse_positions(
        [
            position(uid="1", location=tlv),
            position(uid="2", location={**tlv, "name": "TLV office"}),
            position(uid="3", location={**tlv, "location_uid": "L2"}),
        ],
        "comeet",
        "/positions",
    )
    assert [o.id for o in data.offices] == ["L1", "L2"]
    assert data.jobs[0].offices == data.jobs[1].offices == (data.offices[0],)


@pytest.mark.parametrize(
    ("workplace_type", "location", "expected"),
    [
        ("Remote", None, Remote.FULL),
        ("Hybrid", {"is_remote": True}, Remote.HYBRID),
        ("On-site", {"is_remote": True}, Remote.NO),  # workplace_type wins over the deprecated flag
        ("on site", None, Remote.NO),
        (None, {"is_remote": True}, Remote.FULL),
        (None, {"is_remote": False}, Remote.NO),
        (None, None, Remote.NO),
    ],
)
def test_workplace_type_and_deprecated_is_remote(workplace_type, location, expected):
    assert parse_remote(workplace_type, location) is expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Full-time", ("FULL_TIME",)),
        ("Full Time", ("FULL_TIME",)),
        ("part-time", ("PART_TIME",)),
        ("Freelance", ("CONTRACTOR",)),
        ("Internship", ("INTERN",)),
        ("Volunteer", ("VOLUNTEER",)),
        ("Seasonal", ("OTHER",)),
        (None, ()),
    ],
)
def test_employment_type_text_is_mapped_and_its_wording_kept(text, kinds):
    job = parse_position(position(employment_type=text), "comeet")
    assert job.employment_types == kinds
    assert job.employment_label == text


def test_position_fields_map_to_the_job():
    job = parse_position(
        position(
            department="Sales",
            experience_level="Senior",
            picture_url="https://comeet-euw-app.s3.amazonaws.com/53/b5ac",
            url_active_page="https://acme.example/careers/87.405",
            url_comeet_hosted_page="https://www.comeet.co/jobs/acme/30.005/ae/87.405",
            categories=[{"name": "Function", "value": "Sales", "order": 1}],
        ),
        "comeet",
    )
    assert (job.source, job.id, job.title) == ("comeet", "87.405", "Account Executive")
    assert job.date_posted == job.updated_at == "2026-05-26T14:22:46+00:00"
    assert (job.department.id, job.department.name) == ("Sales", "Sales")
    assert job.experience_label == "Senior"
    assert job.image.url == "https://comeet-euw-app.s3.amazonaws.com/53/b5ac"
    assert job.apply_url == "https://acme.example/careers/87.405"
    assert job.categories == (("Function", "Sales"),)
    assert job.salary is None and job.direct_apply is False


def test_links_that_are_not_http_are_never_used():
    job = parse_position(
        position(
            url_active_page="javascript:alert(1)", url_comeet_hosted_page="https://www.comeet.co/jobs/x/1", picture_url="data:image/png;base64,AAAA"
        ),
        "comeet",
    )
    assert job.apply_url == "https://www.comeet.co/jobs/x/1"
    assert job.image is None


def test_a_hebrew_department_gets_an_ascii_id_for_its_url():
    job = parse_position(position(department="פיתוח"), "comeet")
    assert job.department.name == "פיתוח"
    assert re.fullmatch(r"department-[0-9a-f]{10}", job.department.id)
    assert job.department.slug == job.department.id


@pytest.mark.parametrize(
    ("salary_range", "expected"),
    [
        ({"min": 90000, "max": 120000, "currency_code": "USD", "period": "annually"}, Salary("USD", "YEAR", 90000, 120000)),
        ({"min": 3000, "max": 4000, "currency_code": "gbp", "period": "monhtly"}, Salary("GBP", "MONTH", 3000, 4000)),
        ({"min": 3000, "max": None, "currency_code": "EUR", "period": "monthly"}, Salary("EUR", "MONTH", 3000, None)),
        ({"min": "800", "max": "1000", "currency_code": "ILS", "period": "weekly"}, Salary("ILS", "WEEK", 800, 1000)),
        ({"min": 40, "max": 30, "currency_code": "USD", "period": "hourly"}, Salary("USD", "HOUR", 30, 40)),
        ({"min": 1, "max": 2, "currency_code": "XXXX", "period": "hourly"}, None),
        ({"min": 1, "max": 2, "currency_code": "USD", "period": "fortnightly"}, None),
        ({"min": None, "max": None, "currency_code": "USD", "period": "annually"}, None),
        (None, None),
    ],
)
def test_recruiting_salary_range(salary_range, expected):
    assert parse_salary(salary_range) == expected


@pytest.mark.parametrize(
    ("flags", "talent_pool", "listed"),
    [
        ({"status": "open", "is_published": True}, False, True),
        ({"status": "closed", "is_published": True}, False, False),
        ({"status": "on hold", "is_published": True}, False, False),
        ({"status": "open", "is_published": False}, False, False),
        ({"status": "open"}, False, False),
        ({"status": "open", "is_published": True, "is_talent_pool": True}, False, False),
        ({"status": "open", "is_published": True, "is_talent_pool": True}, True, True),
    ],
)
def test_recruiting_positions_listed_only_when_open_and_published(flags, talent_pool, listed):
    assert is_listed(flags, talent_pool) is listed


def test_positions_that_cannot_be_published_are_warnings_not_jobs():
    data = parse_positions(
        [
            position(uid="1"),
            position(uid="2", name="  "),
            position(uid="3", details=[{"name": "Description", "value": None, "order": 1}]),
            position(uid="4", time_updated=None),
            position(uid=None),
            position(uid="1", name="Duplicate"),
        ],
        "comeet",
        "/positions",
    )
    assert [j.id for j in data.jobs] == ["1"]
    assert data.warnings == [
        "position 2 has no name; it is not published",
        "position 3 (Account Executive) has no description: every `details` value is empty; fill in its description in Comeet; it is not published",
        "position 4 (Account Executive) has no valid time_updated (None); it is not published",
        "a position has no uid; it is not published",
        "position 1 is listed twice; the first copy is published",
    ]


def test_remote_position_without_a_country_is_published_with_a_warning():
    data = parse_positions([position(workplace_type="Remote", location={"name": "Anywhere", "location_uid": "X"})], "comeet", "/positions")
    assert data.jobs[0].remote is Remote.FULL
    assert data.warnings == [
        "position 87.405 (Account Executive) is remote but its location has no country, so its markup lacks applicantLocationRequirements; set the location's country in Comeet"
    ]


def test_positions_without_a_location_or_a_country_are_published_with_a_warning():
    data = parse_positions(
        [
            position(uid="1", location=None),
            position(uid="2", location={"name": "Atlantis", "country": "Atlantis", "location_uid": "A"}),
            position(uid="3", workplace_type="Remote", location=None),
        ],
        "comeet",
        "/positions",
    )
    assert [j.id for j in data.jobs] == ["1", "2", "3"]
    assert data.warnings == [
        "position 1 (Account Executive) has no location, so its markup lacks jobLocation; set its location in Comeet",
        "position 2 (Account Executive): its location has no valid country, so its markup lacks addressCountry; set the location's country in Comeet",
        "position 3 (Account Executive) is remote but its location has no country, so its markup lacks applicantLocationRequirements; set the location's country in Comeet",
    ]


def test_a_list_item_that_is_not_a_position_is_an_error():
    with pytest.raises(SourceError) as error:
        parse_positions([position(), "87.406"], "comeet", CAREERS_PATH)
    assert str(error.value) == f"source comeet: GET {CAREERS_PATH}: item 1 of the list is not a position object; check api_url"


def test_company_name_becomes_the_organization_name():
    assert parse_positions([position(company_name="Acme Tech")], "comeet", "/x").organization.name == "Acme Tech"


def test_mint_jwt_is_hs256_with_iss_and_a_ten_minute_expiry():
    token = mint_jwt("key-1", SECRET, now=1_800_000_000)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False}) == {"iss": "key-1", "exp": 1_800_000_600}


# -- configuration -------------------------------------------------------------------------------


def test_config_requires_company_uid_for_the_careers_api(tmp_path):
    with pytest.raises(ConfigError) as error:
        make_source(tmp_path, CAREERS_ENV)
    assert error.value.problems == [
        'sources[0].company_uid: required for the Careers API; copy it from Comeet, Settings → Careers Website (e.g. "30.005")'
    ]


def test_config_rejects_an_unknown_api_and_a_relative_api_url(tmp_path):
    with pytest.raises(ConfigError) as error:
        make_source(tmp_path, CAREERS_ENV, api="jobs", company_uid="30.005", api_url="www.comeet.co/careers-api/2.0")
    assert error.value.problems == [
        "sources[0].api: 'jobs' is not one of 'careers', 'recruiting'",
        "sources[0].api_url: 'www.comeet.co/careers-api/2.0' is not an absolute http(s) URL",
    ]


def test_recruiting_mode_needs_no_company_uid(tmp_path):
    assert make_source(tmp_path, RECRUITING_ENV, api="recruiting").recruiting


# -- Careers API against the emulator ------------------------------------------------------------


def test_careers_fetch_reads_every_position_with_one_get(emu, tmp_path):
    data = careers(emu, tmp_path).fetch()
    assert emu.methods() == {"GET"}
    assert len(emu.requests) == 1
    (request,) = emu.requests
    assert request.path == f"/careers-api/2.0/company/{COMPANY_UID}/positions"
    assert request.query == {"token": TOKEN, "details": "true"}
    assert [j.id for j in data.jobs] == [p["uid"] for p in careers_positions(emu.url)]
    hebrew = next(j for j in data.jobs if j.id == "87.406")
    assert hebrew.title == "מפתח/ת Backend בכיר/ה"
    assert [s.title for s in hebrew.sections] == ["תיאור המשרה", "דרישות"]
    designer = next(j for j in data.jobs if j.id == "87.407")
    assert [s.title for s in designer.sections] == ["About the role", "Requirements"]
    assert designer.offices[0].country == "GB"
    assert {j.id: j.remote for j in data.jobs} == {
        "87.405": Remote.FULL,
        "87.406": Remote.NO,
        "87.407": Remote.HYBRID,
        "87.408": Remote.FULL,
        "87.409": Remote.HYBRID,
    }
    assert sorted(o.id for o in data.offices) == ["L-AUS", "L-BER", "L-LON", "L-TLV"]
    assert sorted(d.name for d in data.departments) == ["Design", "Sales", "פיתוח"]
    assert data.organization.name == "Acme Tech"
    assert data.warnings == []


def test_careers_details_order_does_not_depend_on_the_payload_order(emu, tmp_path):
    source = careers(emu, tmp_path)
    for _ in range(5):
        job = next(j for j in source.fetch().jobs if j.id == "87.405")
        assert [s.title for s in job.sections] == ["Description", "Requirements"]
    sent = {tuple(d["name"] for d in body[0]["details"]) for body in emu.served}
    assert len(sent) > 1  # the emulator really sent the details in different orders


def test_an_empty_list_is_a_real_answer(emu, tmp_path):
    emu.careers_body = []
    data = careers(emu, tmp_path).fetch()
    assert data.jobs == [] and data.warnings == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [({}, "an empty JSON object"), ({"positions": []}, "a JSON object"), ("[]", "a JSON str")],
)
def test_a_careers_body_that_is_not_a_list_is_an_error_not_zero_jobs(emu, tmp_path, body, kind):
    emu.careers_body = body if not isinstance(body, str) else json.dumps(body).encode()  # a JSON string
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path).fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {CAREERS_PATH} answered {kind} instead of the list of positions; check api_url (it should end in /careers-api/2.0)"
    )


def test_missing_token_variable(tmp_path, emu):
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path, env={}).fetch()
    assert str(error.value) == (
        "source comeet: environment variable COMEET_TOKEN is not set; export it with the company token from Comeet, "
        "Settings → Careers Website (or set token_env to another variable name)"
    )
    assert emu.requests == []


def test_token_is_missing_answer(emu, tmp_path):
    emu.fail("careers", 400, {"message": "Token is missing"})
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path).fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {CAREERS_PATH} answered HTTP 400: Token is missing; set COMEET_TOKEN to the company token (Comeet, Settings → Careers Website)"
    )


def test_wrong_token(emu, tmp_path):
    wrong = "WRONG-TOKEN-0123456789"
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path, env={"ACME_COMEET": wrong}, token_env="ACME_COMEET").fetch()
    assert str(error.value) == (
        f"source comeet: GET {CAREERS_PATH} answered HTTP 401: Invalid token; the token was refused: set ACME_COMEET to the token of company 30.005 "
        "(Comeet, Settings → Careers Website)"
    )
    assert wrong not in str(error.value)


def test_forbidden(emu, tmp_path):
    emu.fail("careers", 403, {"message": "Forbidden"})
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path).fetch()
    assert str(error.value) == (
        f"source comeet: GET {CAREERS_PATH} answered HTTP 403: Forbidden; the token was refused: set COMEET_TOKEN to the token of company 30.005 "
        "(Comeet, Settings → Careers Website)"
    )


def test_unknown_company(emu, tmp_path):
    source = make_source(tmp_path, CAREERS_ENV, company_uid="E5.007", api_url=emu.careers_url)
    with pytest.raises(SourceError) as error:
        source.fetch()
    assert str(error.value) == (
        "source comeet: GET /careers-api/2.0/company/E5.007/positions?token=***&details=true answered HTTP 404: Company not found; "
        "company E5.007 was not found: check company_uid (Comeet shows it under Settings → Careers Website)"
    )


def test_other_client_error(emu, tmp_path):
    emu.fail("careers", 422, {"message": "Unprocessable"})
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path).fetch()
    assert str(error.value) == f"source comeet: GET {CAREERS_PATH} answered HTTP 422: Unprocessable; check company_uid, api_url and COMEET_TOKEN"


def test_rate_limited_after_retries(emu, tmp_path):
    emu.fail("careers", 429, {"message": "slow down"}, {"Retry-After": "0"}, times=3)
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path, retries=2).fetch()
    assert str(error.value) == f"source comeet: GET {CAREERS_PATH} was still rate limited (HTTP 429) after 3 attempts; wait a few minutes and rebuild"
    assert len(emu.requests) == 3


def test_server_error_after_retries(emu, tmp_path):
    emu.fail("careers", 503, times=2)
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path, retries=1).fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {CAREERS_PATH} failed with HTTP 503 after 2 attempts; Comeet is having trouble, rebuild later (the previous site stays online)"
    )


def test_server_error_then_success(emu, tmp_path):
    emu.fail("careers", 502)
    assert len(careers(emu, tmp_path, retries=1).fetch().jobs) == 5
    assert len(emu.requests) == 2


def test_unreachable_api(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = make_source(tmp_path, CAREERS_ENV, company_uid=COMPANY_UID, api_url=f"http://127.0.0.1:{port}/careers-api/2.0", retries=0, timeout=2)
    with pytest.raises(SourceError) as error:
        source.fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {CAREERS_PATH} failed after 1 attempts: connection failed (ConnectError); check api_url and the network, then rebuild"
    )


def test_body_that_is_not_json(emu, tmp_path):
    emu.careers_body = b"<html>maintenance</html>"
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path, retries=0).fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {CAREERS_PATH} failed after 1 attempts: the body is not valid JSON; check api_url and the network, then rebuild"
    )


def test_the_token_never_reaches_logs_or_messages(emu, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    emu.fail("careers", 503, {"message": f"upstream said token={TOKEN}"})
    careers(emu, tmp_path, retries=1).fetch()  # one retry is logged
    emu.fail("careers", 401, {"message": f"Invalid token {TOKEN}"})
    with pytest.raises(SourceError) as error:
        careers(emu, tmp_path).fetch()
    assert "retry 1" in caplog.text  # the logs were captured (httpx's own URL logs are kept quiet)
    assert TOKEN not in caplog.text
    assert all(TOKEN not in str(record.args) for record in caplog.records)
    assert TOKEN not in str(error.value)
    assert str(error.value).startswith(f"source comeet: GET {CAREERS_PATH} answered HTTP 401: Invalid token ***;")


# -- Recruiting API against the emulator ---------------------------------------------------------


def test_recruiting_follows_next_page_and_keeps_open_published_positions(emu, tmp_path):
    emu.page_size = 3
    data = recruiting(emu, tmp_path).fetch()
    assert emu.methods() == {"GET"}
    assert [(r.path, r.query.get("page")) for r in emu.requests] == [("/positions", None), ("/positions", "2"), ("/positions", "3")]
    assert emu.requests[0].query == {"status": "open", "limit": "500"}
    # closed and on-hold positions are filtered by the API, unpublished and talent-pool ones here
    assert [j.id for j in data.jobs] == ["87.405", "87.406", "87.407", "87.408", "87.409"]
    salaries = {j.id: j.salary for j in data.jobs if j.salary}
    assert salaries == {"87.405": Salary("USD", "YEAR", 90000, 120000), "87.407": Salary("GBP", "MONTH", 3000, 4000)}
    assert sorted(o.id for o in data.offices) == ["L-AUS", "L-BER", "L-LON", "L-TLV"]
    assert data.jobs[0].apply_url == "https://www.comeet.co/jobs/acme/30.005/account-executive-austin/87.405"


def test_recruiting_sends_a_fresh_valid_jwt_on_every_request(emu, tmp_path):
    emu.page_size = 2
    before = int(time.time())
    recruiting(emu, tmp_path).fetch()
    assert len(emu.claims) == len(emu.requests) == 4
    for request, claims in zip(emu.requests, emu.claims, strict=True):
        assert request.headers["authorization"].startswith("Bearer ")
        assert claims["iss"] == API_KEY
        assert before + 600 <= claims["exp"] <= int(time.time()) + 600


def test_recruiting_talent_pool_on_request(emu, tmp_path):
    data = recruiting(emu, tmp_path, include_talent_pool=True).fetch()
    assert "90.004" in [j.id for j in data.jobs]
    assert "90.003" not in [j.id for j in data.jobs]


def test_recruiting_without_the_salary_permission_has_no_salary(emu, tmp_path):
    emu.permissions.discard(READ_SALARY)
    assert all(j.salary is None for j in recruiting(emu, tmp_path).fetch().jobs)


def test_recruiting_missing_secret_variable(emu, tmp_path):
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, env={"COMEET_API_KEY": API_KEY}).fetch()
    assert str(error.value) == (
        "source comeet: environment variable COMEET_SECRET is not set; export it with the app's secret from your Comeet representative "
        "(or set secret_env to another variable name)"
    )


def test_recruiting_missing_api_key_variable(emu, tmp_path):
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, env={"COMEET_SECRET": SECRET}).fetch()
    assert str(error.value) == (
        "source comeet: environment variable COMEET_API_KEY is not set; export it with the account's api-key from the Comeet integration "
        "(or set api_key_env to another variable name)"
    )


RECRUITING_401 = (
    "; the JWT was refused: check COMEET_API_KEY (the account's api-key) and COMEET_SECRET (the app's secret), and that this machine's clock is right"
)


def test_recruiting_wrong_secret_is_retried_once_then_explained(emu, tmp_path):
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, env={**RECRUITING_ENV, "COMEET_SECRET": "not-the-secret"}).fetch()
    assert str(error.value) == f"source comeet: GET {RECRUITING_PATH} answered HTTP 401: Invalid token: InvalidSignatureError{RECRUITING_401}"
    assert len(emu.requests) == 2


def test_recruiting_expired_jwt_is_refused(emu, tmp_path, monkeypatch):
    monkeypatch.setattr(comeet.time, "time", lambda: 1_000_000_000.0)  # a clock far in the past
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    assert str(error.value) == f"source comeet: GET {RECRUITING_PATH} answered HTTP 401: Invalid token: ExpiredSignatureError{RECRUITING_401}"


def test_recruiting_401_once_then_a_fresh_jwt_succeeds(emu, tmp_path):
    emu.fail("recruiting", 401, {"status": 401, "error": "unauthorized", "message": "Token expired"})
    assert len(recruiting(emu, tmp_path).fetch().jobs) == 5
    assert len(emu.requests) == 2


def test_recruiting_missing_permission(emu, tmp_path):
    emu.permissions.clear()
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    assert str(error.value) == (
        f"source comeet: GET {RECRUITING_PATH} answered HTTP 403: You do not have permission to perform this action; the integration lacks the "
        '"Positions: Retrieve positions" permission: ask your Comeet representative to add it, then have an Admin revoke access and enable the integration again'
    )


def test_recruiting_wrong_api_url(emu, tmp_path):
    source = make_source(tmp_path, RECRUITING_ENV, api="recruiting", api_url=f"{emu.url}/v2")
    with pytest.raises(SourceError) as error:
        source.fetch()
    assert (
        str(error.value)
        == "source comeet: GET /v2/positions?status=open&limit=500 answered HTTP 404: not_found; check api_url (the Recruiting API is at https://api.comeet.co)"
    )


def test_recruiting_other_client_error(emu, tmp_path):
    emu.fail("recruiting", 400, {"status": 400, "error": "bad_request", "message": "Invalid limit"})
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    assert str(error.value) == (
        f"source comeet: GET {RECRUITING_PATH} answered HTTP 400: Invalid limit; check api_url and the credentials in "
        "COMEET_API_KEY (the account's api-key) and COMEET_SECRET (the app's secret)"
    )


def test_recruiting_rate_limited_after_retries(emu, tmp_path):
    body = {"status": 429, "error": "too_many_requests", "message": "You have reached your allowed limit of 100 requests per 60 seconds"}
    emu.fail("recruiting", 429, body, {"Retry-After": "0"}, times=2)
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, retries=1).fetch()
    assert str(error.value) == (
        f"source comeet: GET {RECRUITING_PATH} was still rate limited (HTTP 429) after 2 attempts "
        "(the Recruiting API allows 100 requests per 60 seconds); wait a few minutes and rebuild"
    )


def test_recruiting_rate_limited_then_success(emu, tmp_path):
    emu.fail("recruiting", 429, {"status": 429, "error": "too_many_requests"}, {"Retry-After": "0"})
    assert len(recruiting(emu, tmp_path, retries=1).fetch().jobs) == 5


def test_recruiting_server_error_after_retries(emu, tmp_path):
    emu.fail("recruiting", 500, times=2)
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, retries=1).fetch()
    assert (
        str(error.value)
        == f"source comeet: GET {RECRUITING_PATH} failed with HTTP 500 after 2 attempts; Comeet is having trouble, rebuild later (the previous site stays online)"
    )


@pytest.mark.parametrize("body", [[], {"positions": None}, {"data": []}])
def test_recruiting_body_without_positions_is_an_error(emu, tmp_path, body):
    emu.fail("recruiting", 200, body)
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    kind = "a JSON list" if isinstance(body, list) else "a JSON object"
    assert (
        str(error.value)
        == f'source comeet: GET {RECRUITING_PATH} answered {kind} without a "positions" list; check api_url (it should be https://api.comeet.co)'
    )


def test_recruiting_never_follows_next_page_to_another_host(emu, tmp_path):
    emu.next_page = "https://evil.example/positions?page=2"
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    host = emu.url.removeprefix("http://")
    assert str(error.value) == (
        f"source comeet: next_page /positions?page=2 points to https://evil.example, not http://{host}; the credentials are never sent elsewhere: "
        "set api_url to the host Comeet uses"
    )
    assert len(emu.requests) == 1


def test_recruiting_stops_when_next_page_loops(emu, tmp_path):
    emu.next_page = "positions?status=open&limit=500"
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path).fetch()
    assert str(error.value) == (
        "source comeet: next_page positions?status=open&limit=500 was already read, so the pages loop; rebuild later, and report it to Comeet if it persists"
    )


def test_recruiting_credentials_never_reach_logs_or_messages(emu, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    emu.fail("recruiting", 503)
    recruiting(emu, tmp_path, retries=1).fetch()
    with pytest.raises(SourceError) as error:
        recruiting(emu, tmp_path, env={**RECRUITING_ENV, "COMEET_SECRET": "other-secret-value"}).fetch()
    jwts = [r.headers["authorization"].removeprefix("Bearer ") for r in emu.requests if "authorization" in r.headers]
    assert jwts and "retry 1" in caplog.text
    for secret in (API_KEY, SECRET, "other-secret-value", *jwts):
        assert secret not in caplog.text
        assert secret not in str(error.value)


# -- whole builds --------------------------------------------------------------------------------


def build(emu: ComeetEmulator, make_site: Any, api: str, env: dict[str, str]) -> Path:
    if api == "careers":
        source = f'company_uid = "{COMPANY_UID}"\napi_url = "{emu.careers_url}"'
    else:
        source = f'api = "recruiting"\napi_url = "{emu.url}"'
    root = make_site(
        f"""
        [site]
        title = "Careers at Acme"
        url = "https://careers.example.com"

        [[sources]]
        type = "comeet"
        retries = 1
        {source}
        """
    )
    report = build_site(load_config(root / "careers.toml"), BuildOptions(env=env, sleep=lambda seconds: None))
    assert report.warnings == []
    return root


def read_posting(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL):
        data = json.loads(block)
        if data.get("@type") == "JobPosting":
            return data
    raise AssertionError(f"no JobPosting in {page}")


@pytest.mark.parametrize(("api", "env"), [("careers", CAREERS_ENV), ("recruiting", RECRUITING_ENV)])
def test_whole_build_from_the_emulator_passes_the_check(emu, make_site, caplog, api, env):
    caplog.set_level(logging.DEBUG)
    root = build(emu, make_site, api, env)
    public = root / "public"
    assert check_site(public) == []
    assert emu.methods() == {"GET"}

    jobs = {p.parent.name: p for p in (public / "jobs").glob("*/index.html")}
    assert sorted(jobs) == [
        "account-executive-austin-87-405", "backend-87-406", "backend-engineer-87-409", "product-designer-87-407", "support-engineer-87-408",
    ]  # fmt: skip

    # A Hebrew title renders as text in an h1 whose direction the browser picks.
    hebrew = jobs["backend-87-406"].read_text(encoding="utf-8")
    assert '<h1 dir="auto">מפתח/ת Backend בכיר/ה</h1>' in hebrew
    assert "<h2>תיאור המשרה</h2>" in hebrew
    assert read_posting(jobs["backend-87-406"])["title"] == "מפתח/ת Backend בכיר/ה"

    account = jobs["account-executive-austin-87-405"]
    html = account.read_text(encoding="utf-8")
    assert "alert" not in html and "onerror" not in html and "javascript:" not in html and "steal()" not in html
    posting = read_posting(account)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "US"}
    assert posting["jobLocation"]["address"] == {
        "@type": "PostalAddress", "streetAddress": "500 Congress Ave", "addressLocality": "Austin", "addressRegion": "TX",
        "postalCode": "78701", "addressCountry": "US",
    }  # fmt: skip
    assert posting["datePosted"] == "2026-10-20T14:22:46+00:00"
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["hiringOrganization"]["name"] == "Acme Tech"
    assert posting["image"].startswith("https://careers.example.com/media/")
    assert (public / posting["image"].removeprefix("https://careers.example.com/")).is_file()
    assert "<dt>Function</dt><dd>Sales</dd>" in html and "<dt>Team</dt><dd>Sales</dd>" in html
    assert "<dt>Experience</dt><dd>Intermediate</dd>" in html
    if api == "recruiting":
        assert posting["baseSalary"] == {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 90000, "maxValue": 120000},
        }
    else:
        assert "baseSalary" not in posting

    support = read_posting(jobs["support-engineer-87-408"])  # deprecated is_remote, null employment_type
    assert support["jobLocationType"] == "TELECOMMUTE" and "employmentType" not in support
    assert read_posting(jobs["product-designer-87-407"])["jobLocation"]["address"]["addressCountry"] == "GB"

    # No credential anywhere: logs, output folder, cache folder (snapshots, images).
    secrets = [TOKEN] if api == "careers" else [API_KEY, SECRET]
    secrets += [r.headers["authorization"].removeprefix("Bearer ") for r in emu.requests if "authorization" in r.headers]
    files = [p for p in root.rglob("*") if p.is_file() and p.name != "careers.toml"]
    assert any(".careers-cache" in p.parts for p in files)
    for secret in secrets:
        assert secret not in caplog.text
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
