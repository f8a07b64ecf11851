"""Payloads nobody has shown us: the three API sources under mutated vendor data (Hypothesis).

Each test starts from the example payloads of ../../../shared/api/{welcomekit,comeet,jusrecruit}.md
and mutates them: a field set to null, removed, given the wrong type, an empty or blank or very
long string, RTL text, HTML in a text field, numbers written as strings, enum values in another
case or unknown, timestamps in every shape, countries by code or by name, nested objects
replaced by strings, lists with null items, duplicate ids. The same data goes through the pure
`parse_*` functions (many examples) and through the real fetch path against the emulators
(fewer examples). Every single-field change is also swept deterministically (`single_changes`),
and each payload that once broke a source is kept as a plain example at the end. Whatever the
data, a source either returns jobs that hold every rule below or raises a one-line SourceError;
it never raises anything else.

What a JobPosting may still lack (`ALLOWED_GAPS`): only what the vendor did not give at all -
a description, a location, a country, the countries of a remote job - and each such gap is
announced by a warning naming the job (or its office). Without a description the check also says
it "needs paragraph breaks"; "description must not be the same as the title" is the data's own
fault too (and warned about). Any other problem of `check_job_posting` fails the test.

The examples are derandomized (a fixed seed per test), so CI runs the same cases every time.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build_site
from generator.check import ISO_DATE, ISO_DATETIME, check_job_posting, check_site
from generator.config import SourceConfig, load_config
from generator.errors import GeneratorError
from generator.jsonld import job_posting
from generator.model import EMPLOYMENT_TYPES, SALARY_UNITS, Job, Organization, Remote, Salary, SourceData
from generator.normalize import plain_text
from generator.sources import FetchContext
from generator.sources import comeet as comeet_source
from generator.sources import jusrecruit as jusrecruit_source
from generator.sources import welcomekit as welcomekit_source
from tests.emulators.comeet import COMPANY_UID, ComeetEmulator
from tests.emulators.comeet import TOKEN as COMEET_TOKEN
from tests.emulators.jusrecruit import KEY as JUSRECRUIT_KEY
from tests.emulators.jusrecruit import JusRecruit
from tests.emulators.welcomekit import REFERENCE, WelcomeKitEmulator
from tests.emulators.welcomekit import TOKEN as WK_TOKEN

PURE = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FETCH = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ORGANIZATION = Organization(name="Acme")
PAGE_URL = "https://careers.example.com/jobs/x/"

# -- the documented examples ------------------------------------------------------------------

# welcomekit.md, "Job" (status published: the doc's own example is a draft), "Office, department",
# "Organization" and "Image".
WK_JOB = {
    "name": "Fake Job 1", "external_reference": "PROVIDER_REFERENCE1", "organization_reference": "Pg4eV6k", "status": "published",
    "profile": "Fake Job Profile", "apply_url": "http://company.com/jobs/superjob/apply/", "company_description": "Fake Company Description.",
    "contract_duration_min": None, "contract_duration_max": None, "experience_level": "1_TO_2_YEARS", "department_id": 42,
    "profession_reference": "sales", "cms_sites_references": "wttj_fr", "start_date": "2016-09-01T00:00:00.000+02:00",
    "description": "<p>Fake Job Description.</p>", "contract_type": "FULL_TIME", "language": "en",
    "salary": {"min": "30000", "max": "40000", "currency": "EUR", "period": "yearly"}, "remote": "no", "office_id": 196,
    "reference": "WTTJ_gld0A7L", "education_level": "BAC_5", "created_at": "2017-11-13T17:15:26.146+01:00",
    "updated_at": "2017-11-13T17:15:26.146+01:00", "published_at": "2017-11-13T18:00:01.146+01:00", "archived_at": None,
    "recruitment_process": "<p>Two calls.</p>", "offices": [{"id": 196}, {"city": "Paris", "country_code": "fr"}], "is_remote": False,
    "websites": [{"reference": "wttj_fr", "name": "Welcome to the Jungle", "url": "https://www.welcometothejungle.com/jobs/fake-job"}],
}  # fmt: skip
WK_OFFICE = {
    "id": 196,
    "name": "Paris",
    "address": "11 bis rue Bachaumont",
    "zip_code": "75002",
    "city": "Paris",
    "country_code": "FR",
    "is_headquarter": True,
}
WK_DEPARTMENT = {"id": 42, "name": "Tech", "is_active": True, "slug": "tech", "description": "Foo bar"}
WK_ORGANIZATION = {
    "reference": "aEioU123", "name": "Welcome To The Jungle", "description": "**Un petit mot sur nous :** ...",
    "logo_url": "https://cdn-images.wttj.test/logo.png", "cover_url": "https://wk.test/uploads/cover.jpg",
    "media_website_url": "https://www.welcometothejungle.com/", "media_twitter": "wttj_fr", "media_linkedin": "wttj-fr",
    "media_youtube": "welcomejobs", "media_pinterest": None, "default_language": "fr",
    "i18n_descriptions": {"en": "Hello", "fr": "Bonjour"}, "i18n_covers": {"fr": "https://cdn-images.wttj.tech/cover.jpg"},
}  # fmt: skip
WK_IMAGE = {
    "name": "WTTJ team", "description": "Welcome To The Jungle team",
    "file": {"url": "https://cdn.welcometothejungle.co/fr-wttj.jpg", "large": {"url": "https://cdn.welcometothejungle.co/large_fr-wttj.jpg"}},
}  # fmt: skip

# comeet.md, "Position" and "The remaining keys", plus the Recruiting API's salary_range and flags.
COMEET_POSITION = {
    "uid": "87.405", "name": "Account Executive, Austin", "department": "Sales", "email": "jobs@example.com", "workplace_type": "Remote",
    "url_comeet_hosted_page": "https://www.comeet.co/jobs/companyname/30.005/account-executive-austin/87.405",
    "url_active_page": "https://www.comeet.co/jobs/companyname/30.005/account-executive-austin/87.405",
    "employment_type": "Full-time", "experience_level": "Intermediate", "internal_use_custom_id": None,
    "picture_url": "https://comeet-euw-app.s3.amazonaws.com/53/b5ac4af7", "time_updated": "2017-05-26T14:22:46Z",
    "company_name": "Company Name",
    "location": {"name": "Tel Aviv, Israel", "country": "IL", "city": "Tel Aviv", "state": None, "postal_code": None,
                 "street_name": "Rothschild", "street_number": "3", "arrival_instructions": None, "timezone": "Asia/Jerusalem",
                 "location_uid": "L-1", "is_remote": False},
    "categories": [{"name": "Function", "value": "Engineering", "order": 1}],
    "details": [{"name": "Description", "value": "<p>Sell.</p>", "order": 1},
                {"name": "Requirements", "value": "<ul><li>English</li></ul>", "order": 2}],
    "salary_range": {"min": 90000, "max": 120000, "currency_code": "USD", "period": "annually"},
    "status": "open", "is_published": True, "is_talent_pool": False,
}  # fmt: skip

# jusrecruit.md, "One job" (unwrapped), with the other keys the field reference accepts.
JR_JOB = {
    "id": "66a1f0", "title": "Backend Engineer", "status": "published",
    "description": "## About the role\n- Python\n- PostgreSQL", "employmentType": "Full time", "department": "Engineering",
    "location": {"city": "Bengaluru", "state": "Karnataka", "postalCode": "560001", "country": "India"}, "isRemote": False,
    "salary": {"min": 1800000, "max": 2400000, "currency": "INR", "period": "yearly"},
    "publishedAt": "2025-07-01T09:00:00Z", "createdAt": "2025-06-28T12:00:00Z", "expiresAt": "2025-09-30", "updatedAt": "2025-07-02T09:00:00Z",
    "tags": ["backend", {"id": "t2", "name": "Python"}], "workplaceType": "On-site",
}  # fmt: skip
# Keys a mutation may add: read by the source but absent from the example above.
JR_EXTRA_KEYS = ("_id", "jobId", "name", "jobStatus", "jobType", "remote", "closingDate")
WK_EXTRA_KEYS = ("websites_urls", "department_id")
COMEET_EXTRA_KEYS = ("url_recruit_hosted_page",)

# -- values a vendor might send -----------------------------------------------------------------

HOSTILE_HTML = (
    '<p>Hi</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    '<a href=" JaVaScRiPt:alert(4)">y</a><div onclick="alert(5)">z</div><iframe src="https://evil.example"></iframe>'
    '<svg onload="alert(6)"></svg><a href="data:text/html,<script>alert(7)</script>">d</a><style>p{}</style>'
)
NULLISH = [None, "", "   ", "\t\n", [], {}, [None], {"": None}]
WRONG_TYPES = [
    0,
    1,
    -1,
    45000,
    1.5,
    -3.25,
    10**30,
    10**400,
    math.nan,
    math.inf,
    -math.inf,
    True,
    False,
    ["a", None],
    {"name": "x"},
    {"fr": "a", "en": "b"},
]
TEXTS = [
    "משרה בכירה", "وظيفة مهندس", "\u202eevil\u202c", "Zoë & Œuvre <b>bold</b>", "x" * 20000, "<p>Para</p>", HOSTILE_HTML,
    "Line\nbreak", "\u200b", "emoji 🚀", "null", "None", "0",
]  # fmt: skip
NUMBERS = [
    "45000",
    "45 000",
    "45\u00a0000",
    "45,000.50",
    "45.000,50",
    "40,5",
    "0",
    "-5",
    "1e999",
    "NaN",
    "Infinity",
    "45000€",
    "€45k",
    "1_000",
    0,
    -100,
    3.5e308,
]
ENUMS = [
    "published", "PUBLISHED", " Published ", "draft", "Draft", "archived", "closed", "Closed", "open", "Open", "Active", "live", "paused",
    "on hold", "FULL_TIME", "full_time", "Full-Time", "part time", "CONTRACT", "Freelance", "INTERNSHIP", "VIE", "APPRENTICESHIP",
    "CDI_INTERMITTENT", "volunteer", "fulltime", "FULLTIME", "partial", "punctual", "no", "Remote", "REMOTE", "remote", "Hybrid",
    "On-site", "onsite", "yearly", "Yearly", "YEARLY", "monthly", "daily", "weekly", "hourly", "annually", "monhtly", "per annum",
    "none", "eur", "EUR", "usd", "€", "EURO", "XXX", "1_TO_2_YEARS", "1_to_2_years", "BAC_5", "bac_5", "PHD", "unknown",
]  # fmt: skip
DATES = [
    "2017-11-13T17:15:26.146+01:00", "2017-11-13T17:15:26Z", "2017-11-13T17:15:26z", "2017-11-13T17:15:26", "2017-11-13",
    "2017-11-13 17:15", "2017-11-13T17:15:26.123456789Z", "2017-11-13T17:15:26+05:30", "2017-11-13T17:15:26+0530",
    "2017-11-13T17:15:26+05:30:15", "13/11/2017", "2017-13-45", "2017-02-30", "yesterday", "2017-W46-1", "20171113", "1510589726",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", 1510589726, 1510589726146, 0, -1, 1e20, 10**30, 10**400, math.nan, math.inf,
]  # fmt: skip
COUNTRIES = [
    "FR", "fr", "UK", "uk", "GB", "EL", "united kingdom", "United Kingdom", "England", "Deutschland", "Germany", "DEU", "USA",
    "Israel", "ישראל", "Turkey", "Türkiye", "España", "Espana", "XX", "XK", "ZZ", "EU", "Narnia", "Remote", "Paris", "Korea", " fr ",
]  # fmt: skip
URLS = [
    "https://x.example/apply", "http://[::1", "https://[not-ipv6/", "javascript:alert(1)", " JAVASCRIPT:alert(1)", "//x.example/a",
    "mailto:jobs@example.com", "ftp://x.example", "data:text/html,<script>alert(1)</script>", "https://", "http:///path", "/relative",
]  # fmt: skip

# Which pool fits a field, by its name.
POOLS: list[tuple[re.Pattern[str], list[Any]]] = [
    (re.compile(r"(_at|At|date|Date|time_updated)$"), DATES),
    (re.compile(r"country", re.IGNORECASE), COUNTRIES),
    (re.compile(r"url|website|logo", re.IGNORECASE), URLS),
    (re.compile(r"^(min|max|order)$"), NUMBERS),
    (re.compile(r"status|type|Type|period|remote|Remote|level|currency|language"), ENUMS),
    (re.compile(r"description|profile|process|value|details|title|name"), TEXTS),
]


def plausible(key: Any) -> list[Any]:
    """Return the values worth trying for a field called `key`."""
    for pattern, pool in POOLS:
        if isinstance(key, str) and pattern.search(key):
            return pool
    return TEXTS


def junk() -> st.SearchStrategy[Any]:
    """Any JSON-ish value, small."""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
    return st.recursive(
        leaves, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=6
    )


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every field (and list item) inside `value`."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


def apply(value: Any, path: tuple[Any, ...], action: str, new: Any) -> None:
    """Set, delete or duplicate the field at `path`, in place."""
    for key in path[:-1]:
        value = value[key]
    last = path[-1]
    if action == "delete":
        del value[last]
    elif action == "duplicate" and isinstance(value, list):
        value.append(copy.deepcopy(value[last]))
    else:
        value[last] = copy.deepcopy(new)  # the pools are shared: never let a later change reach them


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], extra_keys: tuple[str, ...] = (), max_changes: int = 4) -> dict[str, Any]:
    """Return a copy of `base` with one to `max_changes` fields broken."""
    payload = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_changes))):
        candidates = paths(payload) + [(key,) for key in extra_keys]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        try:
            current: Any = payload
            for key in path[:-1]:
                current = current[key]
            exists = path[-1] in current if isinstance(current, dict) else path[-1] < len(current)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a parent
        action = draw(
            st.sampled_from(["delete", "plausible", "plausible", "nullish", "wrong", "junk", "duplicate"] if exists else ["plausible", "junk"])
        )
        if action == "delete" and not exists:
            continue
        apply(payload, path, action, draw(replacement(action, path[-1])))
    return payload


def replacement(action: str, key: Any) -> st.SearchStrategy[Any]:
    """Return where the new value of a field called `key` comes from."""
    if action == "plausible":
        return st.sampled_from(plausible(key))
    if action == "nullish":
        return st.sampled_from(NULLISH)
    if action == "wrong":
        return st.sampled_from(WRONG_TYPES + TEXTS)
    if action == "junk":
        return junk()
    return st.none()


# -- what every job must hold ---------------------------------------------------------------------

UNSAFE_HTML = [
    re.compile(r"<\s*script", re.IGNORECASE),
    re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE),
    re.compile(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.IGNORECASE),
]
# Problems that come from data the vendor did not give, with what shows the job really lacks it.
ALLOWED_GAPS: list[tuple[str, Callable[[Job], bool]]] = [
    ("required property description is missing", lambda job: not job.sections),
    ("description needs paragraph breaks", lambda job: not job.sections),
    ("jobLocation is required unless the job is fully remote", lambda job: not job.offices and job.remote is not Remote.FULL),
    ("jobLocation.address.addressCountry is required", lambda job: any(not o.country for o in job.offices)),
    ("a TELECOMMUTE job needs applicantLocationRequirements", lambda job: job.remote is Remote.FULL and not job.countries),
    ("description must not be the same as the title", lambda job: plain_text(job.description_html) == job.title),
]


def assert_safe_html(html: str) -> None:
    for pattern in UNSAFE_HTML:
        assert not pattern.search(html), (pattern.pattern, html[:300])


def assert_safe_url(url: str | None, mailto: bool = False) -> None:
    if url is not None:
        schemes = ("http://", "https://", "mailto:") if mailto else ("http://", "https://")
        assert url.lower().startswith(schemes) and url == url.strip(), url


def assert_iso(value: str | None) -> None:
    if value is not None:
        assert ISO_DATE.match(value) or ISO_DATETIME.match(value), value


def assert_job(job: Job, warnings: list[str], mention: str) -> None:
    """Hold `job` to the model's rules and Google's, except for gaps the source warned about."""
    assert isinstance(job.id, str) and job.id.strip() and job.id == job.id.strip()
    assert isinstance(job.title, str) and job.title.strip() and job.title == job.title.strip()
    assert_iso(job.date_posted)
    assert job.date_posted is not None
    assert_iso(job.valid_through)
    assert_iso(job.updated_at)
    assert set(job.employment_types) <= set(EMPLOYMENT_TYPES)
    if job.salary:
        amounts = [a for a in (job.salary.min, job.salary.max) if a is not None]
        assert amounts and all(isinstance(a, float) and math.isfinite(a) and a >= 0 for a in amounts), job.salary
        assert max(amounts) > 0, job.salary
        assert job.salary.min is None or job.salary.max is None or job.salary.min <= job.salary.max
        assert re.fullmatch(r"[A-Z]{3}", job.salary.currency) and job.salary.unit in SALARY_UNITS
    for office in job.offices:
        assert office.country is None or re.fullmatch(r"[A-Z]{2}", office.country), office
        assert office.id and office.name and office.slug, office
    if job.department:
        assert job.department.id and job.department.name and job.department.slug, job.department
        assert_safe_html(job.department.description)
    for section in job.sections:
        assert_safe_html(section.html)
        assert plain_text(section.html), section
    assert_safe_url(job.apply_url)
    for tag in job.tags:
        assert tag.strip() == tag and tag
    posting = job_posting(job, ORGANIZATION, PAGE_URL, lambda path: f"https://careers.example.com/{path}")
    json.dumps(posting, allow_nan=False)
    for problem in check_job_posting(posting, "job"):
        gap = next((test for text, test in ALLOWED_GAPS if text in problem), None)
        assert gap is not None and gap(job), (problem, job)
        named = [job.id, *(o.name for o in job.offices)]
        assert any(f"{mention} {job.id}" in w or any(n in w for n in named[1:]) for w in warnings), (problem, warnings)


def assert_organization(organization: Organization) -> None:
    for html in organization.description.values():
        assert_safe_html(html)
    assert_safe_url(organization.url)
    for link in organization.same_as:
        assert_safe_url(link)
    for image in (organization.logo, organization.cover, *organization.gallery):
        if image is not None:
            assert_safe_url(image.url)


def assert_data(data: SourceData, mention: str) -> None:
    keys = [job.key for job in data.jobs]
    assert len(keys) == len(set(keys)), keys
    for job in data.jobs:
        assert_job(job, data.warnings, mention)
    assert_organization(data.organization)
    for warning in data.warnings:
        assert "\n" not in warning and "\r" not in warning, warning


def one_line(exc: GeneratorError) -> None:
    assert "\n" not in str(exc) and str(exc).strip()


def single_changes(base: dict[str, Any], extra_keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Return every copy of `base` with exactly one field deleted, duplicated or set to a value worth trying."""
    found = []
    for path in paths(base) + [(key,) for key in extra_keys]:
        values = {repr(v): v for v in [*NULLISH, *WRONG_TYPES, *plausible(path[-1]), *TEXTS[:4]]}
        changes = [("set", value) for value in values.values()]
        changes += [("delete", None)] if path not in [(key,) for key in extra_keys] else []
        changes += [("duplicate", None)] if isinstance(path[-1], int) else []
        for action, value in changes:
            payload = copy.deepcopy(base)
            apply(payload, path, action, value)
            found.append(payload)
    return found


def sweep(payloads: list[Any], run: Callable[[Any], None]) -> None:
    """Run `run` on each payload and report every one that breaks a rule (all at once, not just the first)."""
    failures = []
    for payload in payloads:
        try:
            run(payload)
        except Exception as exc:  # noqa: BLE001 - an AssertionError or a crash: both are reported
            failures.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {str(payload)[:300]}")
    assert not failures, f"{len(failures)} of {len(payloads)} payloads break a rule:\n" + "\n".join(failures[:10])


# -- Welcome Kit ---------------------------------------------------------------------------------


def wk_published(raw: Any) -> bool:
    """mapping.md: only a job whose own status is published."""
    return isinstance(raw, dict) and isinstance(raw.get("status"), str) and raw["status"].strip().lower() == "published"


def assert_wk(data: SourceData, jobs: list[Any]) -> None:
    assert_data(data, "job")
    for job in data.jobs:
        assert not welcomekit_source.OPEN_APPLICATION.search(job.title)
        raws = [raw for raw in jobs if isinstance(raw, dict) and str(raw.get("reference")).strip() == job.id]
        assert any(wk_published(raw) for raw in raws), (job.id, raws)
    assert_safe_url(data.open_application_url, mailto=True)


wk_lists = st.fixed_dictionaries(
    {
        "jobs": st.lists(
            st.one_of(mutated(WK_JOB, WK_EXTRA_KEYS), st.just(WK_JOB), st.sampled_from(NULLISH + WRONG_TYPES[:3])), min_size=1, max_size=4
        ),
        "offices": st.lists(st.one_of(mutated(WK_OFFICE), st.just(WK_OFFICE)), max_size=3),
        "departments": st.lists(st.one_of(mutated(WK_DEPARTMENT), st.just(WK_DEPARTMENT)), max_size=2),
        "organization": st.one_of(mutated(WK_ORGANIZATION), st.just(WK_ORGANIZATION)),
        "images": st.lists(st.one_of(mutated(WK_IMAGE), st.just(WK_IMAGE), st.sampled_from(NULLISH)), max_size=2),
    }
)


def run_welcomekit(lists: dict[str, Any]) -> None:
    payloads = [welcomekit_source.Payloads("Pg4eV6k", **lists)]
    try:
        data = welcomekit_source.parse_source(payloads, source="welcomekit", languages=("en", "fr"), websites=())
    except GeneratorError as exc:
        one_line(exc)
        return
    assert_wk(data, lists["jobs"])


WK_LISTS = {"jobs": [WK_JOB], "offices": [WK_OFFICE], "departments": [WK_DEPARTMENT], "organization": WK_ORGANIZATION, "images": [WK_IMAGE]}


@pytest.mark.parametrize("part", ["jobs", "offices", "departments", "organization", "images"])
def test_welcomekit_every_single_field_change(part: str) -> None:
    base = WK_LISTS[part]
    payloads = single_changes(base[0] if isinstance(base, list) else base, WK_EXTRA_KEYS if part == "jobs" else ())
    sweep([{**WK_LISTS, part: [p] if isinstance(base, list) else p} for p in payloads], run_welcomekit)


@PURE
@given(wk_lists)
def test_welcomekit_parse_source_never_breaks_a_rule(lists: dict[str, Any]) -> None:
    run_welcomekit(lists)


@pytest.fixture(scope="module")
def wk_server():
    with WelcomeKitEmulator() as emulator:
        yield emulator


@FETCH
@given(wk_lists)
def test_welcomekit_fetch_never_breaks_a_rule(wk_server: WelcomeKitEmulator, lists: dict[str, Any]) -> None:
    organization = {**lists, "organization": lists["organization"]}
    emu = wk_server.reset({REFERENCE: organization}, leak_unpublished=True)
    values = {"organization_reference": REFERENCE, "api_url": emu.api_url, "retries": 0, "timeout": 2, "per_page": 100}
    source = welcomekit_source.WelcomeKitSource(
        SourceConfig("welcomekit", "welcomekit", 0, values),
        FetchContext(root=Path("."), languages=("en", "fr"), env={"WK_API_KEY": WK_TOKEN}, sleep=lambda s: None),
    )
    try:
        data = source.fetch()
    except GeneratorError as exc:
        one_line(exc)
        return
    assert emu.methods() == {"GET"}
    assert_wk(data, lists["jobs"])


@FETCH
@given(st.sampled_from(["jobs", "offices", "departments", "images", "organizations"]), junk())
def test_welcomekit_any_body_is_data_or_a_source_error(wk_server: WelcomeKitEmulator, kind: str, body: Any) -> None:
    emu = wk_server.reset()
    path = f"/api/v1/external/organizations/{REFERENCE}" if kind == "organizations" else f"/api/v1/external/{kind}"
    emu.route(path)(lambda request, **groups: (200, {}, json.dumps(body, allow_nan=True)))
    values = {"organization_reference": REFERENCE, "api_url": emu.api_url, "retries": 0, "timeout": 2}
    context = FetchContext(root=Path("."), languages=("en", "fr"), env={"WK_API_KEY": WK_TOKEN}, sleep=lambda s: None)
    try:
        data = welcomekit_source.WelcomeKitSource(SourceConfig("welcomekit", "welcomekit", 0, values), context).fetch()
    except GeneratorError as exc:
        one_line(exc)
        return
    assert_data(data, "job")


# -- Comeet --------------------------------------------------------------------------------------


def assert_comeet(data: SourceData, positions: list[Any], recruiting: bool) -> None:
    assert_data(data, "position")
    for job in data.jobs:
        raws = [p for p in positions if isinstance(p, dict) and str(p.get("uid")).strip() == job.id]
        assert raws, job.id
        if recruiting:
            assert any(comeet_source.is_listed(p) for p in raws), raws


comeet_lists = st.lists(st.one_of(mutated(COMEET_POSITION, COMEET_EXTRA_KEYS), st.just(COMEET_POSITION)), min_size=1, max_size=4)


def run_comeet(positions: list[Any]) -> None:
    try:
        data = comeet_source.parse_positions(positions, "comeet", "/positions")
    except GeneratorError as exc:
        one_line(exc)
        return
    assert_comeet(data, positions, recruiting=False)


def test_comeet_every_single_field_change() -> None:
    sweep([[p] for p in single_changes(COMEET_POSITION, COMEET_EXTRA_KEYS)], run_comeet)


@PURE
@given(comeet_lists)
def test_comeet_parse_positions_never_breaks_a_rule(positions: list[Any]) -> None:
    run_comeet(positions)


@pytest.fixture(scope="module")
def comeet_server():
    with ComeetEmulator() as emulator:
        yield emulator


def comeet_source_for(emu: ComeetEmulator, api: str) -> comeet_source.ComeetSource:
    values: dict[str, Any] = {"api": api, "retries": 0, "timeout": 2, "requests_per_second": 1000, "burst": 1000}
    if api == "careers":
        values.update(company_uid=COMPANY_UID, api_url=emu.careers_url)
        env = {"COMEET_TOKEN": COMEET_TOKEN}
    else:
        values.update(api_url=emu.url)
        env = {"COMEET_API_KEY": emu.api_key, "COMEET_SECRET": emu.secret}
    return comeet_source.ComeetSource(SourceConfig("comeet", "comeet", 0, values), FetchContext(root=Path("."), env=env, sleep=lambda s: None))


@FETCH
@given(comeet_lists, st.sampled_from(["careers", "recruiting"]))
def test_comeet_fetch_never_breaks_a_rule(comeet_server: ComeetEmulator, positions: list[Any], api: str) -> None:
    comeet_server.reset()
    if api == "careers":
        comeet_server.careers_body = positions  # served as it is: no reshuffling of a broken `details`
    else:
        comeet_server.recruiting = positions
    try:
        data = comeet_source_for(comeet_server, api).fetch()
    except GeneratorError as exc:
        one_line(exc)
        return
    assert comeet_server.methods() == {"GET"}
    assert_comeet(data, positions, recruiting=api == "recruiting")


@FETCH
@given(junk())
def test_comeet_any_careers_body_is_positions_or_a_source_error(comeet_server: ComeetEmulator, body: Any) -> None:
    comeet_server.reset()
    comeet_server.careers_body = body
    try:
        data = comeet_source_for(comeet_server, "careers").fetch()
    except GeneratorError as exc:
        one_line(exc)
        return
    assert_data(data, "position")


# -- JusRecruit ----------------------------------------------------------------------------------


def jr_published(item: dict[str, Any]) -> bool:
    """mapping.md: published, open, active or live in every status field given; no status field at all is published."""
    present = [item[key] for key in ("status", "jobStatus") if key in item]
    given = [value for value in present if value is not None and str(value).strip()]
    if not present:
        return True
    return bool(given) and all(isinstance(value, str) and value.strip().lower() in jusrecruit_source.PUBLISHED for value in given)


def run_jusrecruit(item: dict[str, Any]) -> None:
    job, warnings = jusrecruit_source.parse_job(item, "jusrecruit")
    if job is not None:
        assert_job(job, warnings, "job")
        assert job.id == jusrecruit_source.job_id(item)
    assert all("\n" not in w for w in warnings)
    assert (jusrecruit_source.unpublished_reason(item) is None) == jr_published(item), item


def test_jusrecruit_every_single_field_change() -> None:
    sweep(single_changes(JR_JOB, JR_EXTRA_KEYS), run_jusrecruit)


@PURE
@given(mutated(JR_JOB, JR_EXTRA_KEYS, max_changes=5))
def test_jusrecruit_parse_job_never_breaks_a_rule(item: dict[str, Any]) -> None:
    run_jusrecruit(item)


@PURE
@given(mutated({"name": "Acme", "logo": "https://acme.example/logo.png", "website": "https://acme.example", "description": "We **build**."}))
def test_jusrecruit_parse_company_never_breaks_a_rule(info: dict[str, Any]) -> None:
    for body in (info, {"data": info}):
        assert_organization(jusrecruit_source.parse_company(body))


@FETCH
@given(
    st.lists(mutated(JR_JOB, JR_EXTRA_KEYS), min_size=1, max_size=4),
    st.sampled_from(["data", "bare", "data.jobs", "items"]),
    st.sampled_from(["id", "_id", "jobId"]),
    st.booleans(),
)
def test_jusrecruit_fetch_never_breaks_a_rule(items: list[dict[str, Any]], list_shape: str, id_key: str, embed_tags: bool) -> None:
    # The emulator keys its records on `id`: keep one (any shape), and let the rest break.
    jobs = []
    for index, item in enumerate(items):
        if isinstance(item.get("id"), (dict, list)) or item.get("id") is None:
            item["id"] = f"job-{index}"
        jobs.append(item)
    emu = JusRecruit(
        jobs=jobs, list_shape=list_shape, id_key=id_key, embed_tags=embed_tags, rate=None, paging="short" if list_shape == "bare" else "totalPages"
    )
    values = {
        "api_url": "",
        "token_env": "JUSRECRUIT_API_KEY",
        "page_size": 50,
        "requests_per_second": 1000,
        "burst": 1000,
        "retries": 0,
        "timeout": 2,
    }
    with emu:
        values["api_url"] = emu.api_url
        source = jusrecruit_source.JusRecruitSource(
            SourceConfig("jusrecruit", "jusrecruit", 0, values),
            FetchContext(root=Path("."), env={"JUSRECRUIT_API_KEY": JUSRECRUIT_KEY}, sleep=lambda s: None),
        )
        try:
            data = source.fetch()
        except GeneratorError as exc:
            one_line(exc)
            return
        assert emu.methods() == {"GET"}
    assert_data(data, "job")
    for job in data.jobs:
        records = [j for j in jobs if str(j["id"]).strip() == job.id]
        assert records and jr_published(records[0]), (job.id, records)


@PURE
@given(junk(), st.integers(1, 5), st.integers(0, 500), st.integers(0, 100), st.one_of(st.none(), st.integers(1, 100)))
def test_jusrecruit_envelope_readers_never_crash(body: Any, page: int, seen: int, count: int, limit: int | None) -> None:
    info = jusrecruit_source.page_info(body, page, seen, count, limit)
    assert info.next is None or isinstance(info.next, str) and info.next.strip()
    assert info.has_next in (True, False, None)
    for read in (lambda: jusrecruit_source.extract_list(body, "jobs"), lambda: jusrecruit_source.extract_object(body)):
        try:
            read()
        except jusrecruit_source.ShapeError as exc:
            assert "\n" not in str(exc)
    tags = jusrecruit_source.parse_tags(body if isinstance(body, list) else [body])
    assert all(isinstance(tag, str) and tag.strip() == tag and tag for tag in tags)


# -- regressions: each payload that once broke a source, as a plain example ---------------------------


def wk_parse(**lists: Any) -> SourceData:
    return welcomekit_source.parse_source([welcomekit_source.Payloads(REFERENCE, **lists)], source="welcomekit", languages=("en", "fr"))


def test_welcomekit_default_language_that_is_not_text():
    # TypeError: unhashable type: 'list' (the cover was looked up by it).
    organization = {**WK_ORGANIZATION, "cover_url": None, "default_language": ["fr"]}
    assert wk_parse(organization=organization).organization.cover.url == "https://cdn-images.wttj.tech/cover.jpg"


@pytest.mark.parametrize("field", ["apply_url", "logo_url", "media_linkedin", "media_website_url", "image"])
def test_welcomekit_url_with_a_broken_ipv6_host_is_no_url(field):
    # urlsplit raised ValueError("Invalid IPv6 URL").
    broken = "http://[::1"
    job = {**WK_JOB, "apply_url": broken} if field == "apply_url" else WK_JOB
    organization = {**WK_ORGANIZATION, field: broken} if field in WK_ORGANIZATION or field == "media_linkedin" else WK_ORGANIZATION
    images = [{**WK_IMAGE, "file": {"url": broken}}] if field == "image" else [WK_IMAGE]
    data = wk_parse(jobs=[job], offices=[WK_OFFICE], organization=organization, images=images)
    assert data.jobs[0].apply_url == ("https://www.welcometothejungle.com/jobs/fake-job" if field == "apply_url" else WK_JOB["apply_url"])
    assert broken not in repr(data.organization)


def test_welcomekit_office_ref_to_an_unknown_office_is_no_office():
    # {"id": 999} not in /offices became an Office named "999" with no address and no country.
    data = wk_parse(jobs=[{**WK_JOB, "offices": [{"id": 999}], "office_id": None}], offices=[WK_OFFICE])
    assert data.jobs[0].offices == ()
    assert "job WTTJ_gld0A7L 'Fake Job 1': no office and not fully remote" in data.warnings[0]


def test_welcomekit_zip_code_that_is_not_text():
    # An object became the postal code "{'code': '75002'}".
    data = wk_parse(jobs=[WK_JOB], offices=[{**WK_OFFICE, "zip_code": {"code": "75002"}}])
    assert data.jobs[0].offices[0].postal_code is None


def test_welcomekit_office_without_a_country_is_a_warning():
    # No country_code at all: the JobPosting lacked addressCountry and nothing said so.
    data = wk_parse(jobs=[{**WK_JOB, "offices": None}], offices=[{**WK_OFFICE, "country_code": None}])
    assert data.warnings == [
        "job WTTJ_gld0A7L 'Fake Job 1': office 'Paris' has no valid country_code, so its JobPosting lacks the addressCountry Google requires; set it in Welcome Kit"
    ]


@pytest.mark.parametrize("html", ["<p></p>", "<script>alert(1)</script>", "<p> <br> </p>"])
def test_welcomekit_description_without_text_is_no_section(html):
    # The empty section was kept: a heading over nothing, and no warning.
    data = wk_parse(jobs=[{**WK_JOB, "description": html, "profile": html, "recruitment_process": None}], offices=[WK_OFFICE])
    assert data.jobs[0].sections == ()
    assert "description and profile are empty" in data.warnings[0]


@pytest.mark.parametrize(
    "salary", [{"min": "0", "max": "0", "currency": "EUR", "period": "yearly"}, {"min": 0, "max": None, "currency": "EUR", "period": "yearly"}]
)
def test_welcomekit_salary_of_zero_is_no_salary(salary):
    assert welcomekit_source.parse_salary(salary) is None


def test_welcomekit_salary_period_with_spaces_and_capitals():
    assert welcomekit_source.parse_salary({"min": "30000", "max": None, "currency": "eur", "period": " Yearly "}) == Salary("EUR", "YEAR", 30000.0)


@pytest.mark.parametrize("value", ["Full-Time", "full time", "full_time"])
def test_welcomekit_contract_type_written_as_words(value):
    assert welcomekit_source.parse_contract(value, "en") == (("FULL_TIME",), None, False)


def test_welcomekit_inline_offices_in_hebrew_get_their_own_urls():
    # Both were "תל אביב-il" / "חיפה-il": one slug, "il", so one office page for two cities.
    offices = [{"city": "תל אביב", "country_code": "IL"}, {"city": "חיפה", "country_code": "IL"}]
    places = wk_parse(jobs=[{**WK_JOB, "offices": offices}]).jobs[0].offices
    assert [o.country for o in places] == ["IL", "IL"]
    assert len({o.slug for o in places}) == 2 and all(o.slug.startswith("office-") for o in places)


def test_welcomekit_handle_that_is_only_an_at_sign():
    assert welcomekit_source.social_links({"media_twitter": "@", "media_linkedin": "wttj-fr"}) == ("https://www.linkedin.com/company/wttj-fr",)


def test_comeet_url_with_a_broken_ipv6_host_is_no_url():
    position = {**COMEET_POSITION, "url_active_page": "http://[::1", "picture_url": "https://[x/"}
    job = comeet_source.parse_position(position, "comeet")
    assert job.apply_url == COMEET_POSITION["url_comeet_hosted_page"] and job.image is None


@pytest.mark.parametrize("value", [math.nan, 10**30, 1e20])
def test_comeet_time_updated_out_of_range_is_a_warning(value):
    data = comeet_source.parse_positions([{**COMEET_POSITION, "time_updated": value}], "comeet", "/positions")
    assert data.jobs == [] and data.warnings == [
        f"position 87.405 (Account Executive, Austin) has no valid time_updated ({value!r}); it is not published"
    ]


def test_comeet_details_order_beyond_a_float_and_negative():
    details = [
        {"name": "B", "value": "<p>b</p>", "order": 10**400},
        {"name": "A", "value": "<p>a</p>", "order": -1},
        {"name": "C", "value": "<p>c</p>", "order": 2},
    ]
    assert [s.title for s in comeet_source.parse_sections(details)] == ["A", "C", "B"]


def test_comeet_salary_of_zero_is_no_salary():
    assert comeet_source.parse_salary({"min": None, "max": 0, "currency_code": "USD", "period": "annually"}) is None


def test_comeet_title_on_several_lines_stays_one_line():
    data = comeet_source.parse_positions([{**COMEET_POSITION, "name": "Account\nExecutive", "location": None}], "comeet", "/positions")
    assert data.jobs[0].title == "Account Executive"
    assert data.warnings == [
        "position 87.405 (Account Executive) is remote but its location has no country, so its markup lacks applicantLocationRequirements; set the location's country in Comeet"
    ]


def test_comeet_locations_in_hebrew_without_uid_get_their_own_urls():
    first = comeet_source.parse_office({"name": "תל אביב", "country": "IL"})
    second = comeet_source.parse_office({"name": "חיפה", "country": "IL"})
    assert first.slug != second.slug and first.slug.startswith("location-")


@pytest.mark.parametrize("next_page", [{"page": 2}, True, 2, "http://[::1/positions?page=2"])
def test_comeet_next_page_that_is_not_a_url(comeet_server, next_page):
    # str(value) was requested as a path ("/True"), or urlsplit raised ValueError.
    comeet_server.reset()
    comeet_server.next_page = next_page
    with pytest.raises(GeneratorError) as caught:
        comeet_source_for(comeet_server, "recruiting").fetch()
    shown = " ".join(str(next_page).split())
    assert str(caught.value) == (
        f"source comeet: next_page {shown!r} is not a URL, so the next pages cannot be read; rebuild later, and report it to Comeet if it persists"
    )


# An error body a server could send: every text field spans several lines.
MULTILINE_BODY = {"error": "invalid\nscope", "error_description": "Traceback (most recent call last):\n  File x\nKeyError", "message": "Bad\n\ntoken"}


def assert_one_line_failure(fetch: Callable[[], Any]) -> None:
    with pytest.raises(GeneratorError) as caught:
        fetch()
    assert "\n" not in str(caught.value), str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 418])
def test_welcomekit_error_body_on_several_lines_gives_one_line(wk_server, status):
    emu = wk_server.reset()
    emu.fail(f"/external/organizations/{REFERENCE}", status, MULTILINE_BODY)
    values = {"organization_reference": REFERENCE, "api_url": emu.api_url, "retries": 0, "timeout": 2}
    context = FetchContext(root=Path("."), env={"WK_API_KEY": WK_TOKEN}, sleep=lambda s: None)
    assert_one_line_failure(welcomekit_source.WelcomeKitSource(SourceConfig("welcomekit", "welcomekit", 0, values), context).fetch)


@pytest.mark.parametrize(
    ("api", "status"), [("careers", 400), ("careers", 401), ("careers", 404), ("careers", 418), ("recruiting", 403), ("recruiting", 404)]
)
def test_comeet_error_body_on_several_lines_gives_one_line(comeet_server, api, status):
    # The HTTP layer and Comeet's own explanation both repeated the server's line breaks.
    comeet_server.reset()
    comeet_server.fail(api, status, MULTILINE_BODY, times=3)
    assert_one_line_failure(comeet_source_for(comeet_server, api).fetch)


@pytest.mark.parametrize("status", [401, 403, 404, 418])
def test_jusrecruit_error_body_on_several_lines_gives_one_line(status):
    with JusRecruit(jobs=[JR_JOB], rate=None) as emu:
        emu.route(f"{emu.api_url.removeprefix(emu.url)}/jobs")(lambda request: (status, {}, MULTILINE_BODY))
        source = jusrecruit_source.JusRecruitSource(
            SourceConfig("jusrecruit", "jusrecruit", 0, {"api_url": emu.api_url, "page_size": 50, "retries": 0, "timeout": 2}),
            FetchContext(root=Path("."), env={"JUSRECRUIT_API_KEY": JUSRECRUIT_KEY}, sleep=lambda s: None),
        )
        assert_one_line_failure(source.fetch)


def jr(**fields: Any) -> tuple[Job | None, list[str]]:
    return jusrecruit_source.parse_job({**JR_JOB, **fields}, "jusrecruit")


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"status": "published", "jobStatus": "closed"}, "closed"),  # was published
        ({"status": "Open", "jobStatus": "Draft"}, "draft"),
        ({"status": None, "jobStatus": "live"}, None),
        ({"status": "  ", "jobStatus": "active"}, None),
        ({"status": None, "jobStatus": None}, "empty status"),
        ({"status": True}, "true"),
    ],
)
def test_jusrecruit_every_status_field_must_say_published(item, reason):
    assert jusrecruit_source.unpublished_reason(item) == reason


def test_jusrecruit_job_without_id_is_left_out():
    # It became the job "?".
    item = {k: v for k, v in JR_JOB.items() if k != "id"}
    assert jusrecruit_source.parse_job(item, "jusrecruit") == (None, ["a job has no id, _id or jobId; left out"])


def test_jusrecruit_department_in_hebrew_gets_its_own_url():
    # Its id was its name, whose slug is "": the team page was /departments//.
    job, _ = jr(department="פיתוח")
    assert job.department.name == "פיתוח" and job.department.slug.startswith("department-")


def test_jusrecruit_cities_in_hebrew_get_their_own_urls():
    # Both ids were "<city> IL", whose slug is "il": one office page for two cities.
    first, _ = jr(location={"city": "תל אביב", "country": "Israel"})
    second, _ = jr(location="חיפה, ישראל")
    assert [first.offices[0].country, second.offices[0].country] == ["IL", "IL"]
    assert first.offices[0].slug != second.offices[0].slug


def test_jusrecruit_job_without_location_is_a_warning():
    job, warnings = jr(location=None)
    assert job.offices == ()
    assert warnings == [
        "job 66a1f0 (Backend Engineer) has no location; its JobPosting lacks the jobLocation Google requires (set the job's location in JusRecruit)"
    ]


@pytest.mark.parametrize(
    ("description", "html"),
    [
        ("<div>Build the API.</div>", "<div>Build the API.</div>\n"),
        ("<div>One.</div><div>Two.</div>", "<div>One.</div>\n<div>Two.</div>\n"),
        ("<h2>About</h2><table><tr><td>x</td></tr></table>", "<h2>About</h2>\n<table><tbody><tr><td>x</td></tr></tbody></table>\n"),
    ],
)
def test_jusrecruit_description_without_paragraphs_gets_line_breaks(description, html):
    # The check rejected it: "description needs paragraph breaks".
    job, warnings = jr(description=description)
    assert job.description_html == html and warnings == []
    assert check_job_posting(job_posting(job, ORGANIZATION, PAGE_URL, str), "job") == []


def test_jusrecruit_description_without_text_is_missing():
    job, warnings = jr(description="<p> </p>")
    assert job.sections == ()
    assert warnings == ["job 66a1f0 (Backend Engineer) has no description; Google will not list it (write one in JusRecruit)"]


def test_jusrecruit_description_that_repeats_the_title_is_a_warning():
    job, warnings = jr(description="Backend Engineer")
    assert warnings == [
        "job 66a1f0 (Backend Engineer): its description only repeats the title; Google will not list it (write a real one in JusRecruit)"
    ]


@pytest.mark.parametrize("closing", ["2025-06-30", "2025-07-01", "2025-07-01T08:00:00Z"])
def test_jusrecruit_closing_date_before_publication_is_left_out(closing):
    # The check rejected it: "validThrough ... is before datePosted" (published 2025-07-01T09:00:00Z).
    job, warnings = jr(expiresAt=closing)
    valid = jusrecruit_source.iso_datetime(closing)
    assert job.valid_through is None
    assert warnings == [
        f"job 66a1f0 (Backend Engineer): closing date {valid} is before its publication date 2025-07-01T09:00:00+00:00; left out of the page (fix the closing date in JusRecruit)"
    ]


def test_jusrecruit_salary_of_zero_is_no_salary():
    job, warnings = jr(salary={"min": 0, "max": "0", "currency": "INR", "period": "yearly"})
    assert job.salary is None and warnings == []


@pytest.mark.parametrize("key", ["remote", "isRemote"])
def test_jusrecruit_remote_true_as_text(key):
    job, _ = jr(**{key: "true"})
    assert job.remote is Remote.FULL


def test_jusrecruit_single_country_name_in_another_language():
    job, warnings = jr(location="Deutschland")
    assert (job.offices[0].country, job.offices[0].city, warnings) == ("DE", None, [])


def test_jusrecruit_the_list_id_names_the_job_whatever_the_detail_says():
    # A detail with its own `_id` (or a null `id`) renamed the job, so the next build's memo missed it.
    record = {**JR_JOB, "id": "66a1f0"}
    with JusRecruit(jobs=[record], rate=None) as emu:
        emu.route(f"{emu.api_url.removeprefix(emu.url)}/jobs/66a1f0")(lambda request: (200, {}, {"data": {**JR_JOB, "id": None, "_id": "mongo-1"}}))
        source = jusrecruit_source.JusRecruitSource(
            SourceConfig("jusrecruit", "jusrecruit", 0, {"api_url": emu.api_url, "page_size": 50, "retries": 0, "timeout": 2}),
            FetchContext(root=Path("."), env={"JUSRECRUIT_API_KEY": JUSRECRUIT_KEY}, sleep=lambda s: None),
        )
        data = source.fetch()
    assert [job.id for job in data.jobs] == ["66a1f0"] and list(source.state["jobs"]) == ["66a1f0"]


def test_jusrecruit_next_link_that_is_not_a_url():
    # urljoin raised ValueError("Invalid IPv6 URL").
    jobs = [{**JR_JOB, "id": f"job-{n}"} for n in (1, 2)]
    with JusRecruit(jobs=jobs, rate=None, paging="next") as emu:

        def pages(request: Any) -> tuple[int, dict[str, str], Any]:
            page = request.query.get("page", "1")
            return 200, {}, {"data": [{"id": f"job-{page}", "status": "open"}], "next": "http://[::1/jobs?page=2" if page == "1" else None}

        emu.route(f"{emu.api_url.removeprefix(emu.url)}/jobs")(pages)
        source = jusrecruit_source.JusRecruitSource(
            SourceConfig("jusrecruit", "jusrecruit", 0, {"api_url": emu.api_url, "page_size": 1, "retries": 0, "timeout": 2}),
            FetchContext(root=Path("."), env={"JUSRECRUIT_API_KEY": JUSRECRUIT_KEY}, sleep=lambda s: None),
        )
        data = source.fetch()
    assert sorted(job.id for job in data.jobs) == ["job-1", "job-2"]
    assert "GET /api/v1/integration/jobs gave a next link that is not a URL ('http://[::1/jobs?page=2'); asked for page 2 instead" in data.warnings


def test_jusrecruit_site_with_hebrew_teams_and_cities_passes_the_check(make_site: Any) -> None:
    # Hebrew teams had no page of their own (/departments//), two Hebrew cities of one country
    # shared one office page (/offices/il/), and a description of <div>s failed the check.
    open_until = {"expiresAt": "2026-12-31"}  # the documented example expired in 2025; the build's clock is 2026-11-01
    jobs = [
        {**JR_JOB, **open_until, "id": "j1", "department": "פיתוח", "location": {"city": "תל אביב", "country": "Israel"}},
        {**JR_JOB, **open_until, "id": "j2", "department": "מכירות", "location": "חיפה, ישראל", "description": "<div>Sell.</div><div>Travel.</div>"},
        {**JR_JOB, "id": "j3", "status": "published", "jobStatus": "closed", "title": "Closed Role"},
    ]
    with JusRecruit(jobs=jobs, rate=None) as emu:
        root = make_site(
            f"""
            [site]
            title = "Careers at Acme"
            url = "https://careers.acme.example"

            [[sources]]
            type = "jusrecruit"
            api_url = "{emu.api_url}"
            retries = 0
            """
        )
        env = {"JUSRECRUIT_API_KEY": JUSRECRUIT_KEY, "SOURCE_DATE_EPOCH": "1793534400"}
        report = build_site(load_config(root / "careers.toml"), BuildOptions(env=env, sleep=lambda s: None))
    public = root / "public"
    assert check_site(public) == [] and report.warnings == []
    assert sorted(p.parent.name for p in public.glob("jobs/*/index.html")) == ["backend-engineer-j1", "backend-engineer-j2"]
    teams = sorted(p.parent.name for p in public.glob("departments/*/index.html"))
    offices = sorted(p.parent.name for p in public.glob("offices/*/index.html"))
    assert len(teams) == 2 and all(t.startswith("department-") for t in teams)
    assert len(offices) == 2 and all(o.startswith("office-") for o in offices)
