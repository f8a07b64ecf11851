"""Welcome Kit job boards: /jobs/all, companies from /organizations, every partner-scope error, against the emulator."""

from __future__ import annotations

import copy
import json
import logging
import math
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build_site
from generator.config import load_config, parse_config
from generator.errors import ConfigError, SourceError
from generator.model import Image, Office, Organization, SourceData, Video, to_jsonable
from generator.snapshot import load_snapshot, snapshot_path
from generator.sources import SOURCES, FetchContext
from generator.sources.welcomekit import WelcomeKitSource, parse_company, parse_figures, parse_sectors, parse_video, readable_sector
from tests.emulators.welcomekit import PARTNER_SCOPES, PARTNER_TOKEN, TOKEN, WelcomeKitEmulator, board, board_reference

COUNT = 300  # organizations on the big board; 5 published jobs each
BOARD = board(COUNT)
SMALL_COUNT = 30  # the board of the error and incremental tests
SMALL = board(SMALL_COUNT)
SITES = ["wttj_fr", "jungle", "smgo_fr"]
SITE = {"title": "Jobs in tech", "url": "https://jobs.example", "languages": ["en", "fr"], "mode": "board"}
EPOCH = "1793534400"  # the fixed clock of tests/conftest.py
FAST = {"retries": 1, "timeout": 2, "requests_per_second": 1000, "concurrency": 4}
ALL_JOBS = "status=published&websites=true&cms_sites_references=wttj_fr%2Cjungle%2Csmgo_fr"
FLAGS = "offices=true&images=true&videos=true"
RETRY = "try again later, or build with --allow-stale to keep that organization from the last snapshot"


@pytest.fixture(scope="module")
def server():
    with WelcomeKitEmulator(BOARD) as emulator:
        yield emulator


def fresh(server: WelcomeKitEmulator, organizations: dict[str, Any] | None = None, scopes: set[str] | None = None) -> WelcomeKitEmulator:
    """Reset the module's emulator to the small board (or `organizations`) with a partner token."""
    server.reset(SMALL if organizations is None else organizations)
    server.add_token(PARTNER_TOKEN, set(PARTNER_SCOPES if scopes is None else scopes))
    return server


@pytest.fixture
def emu(server):
    return fresh(server)


@pytest.fixture(scope="module")
def big(server, tmp_path_factory):
    """The 300-organization board, fetched once each way: {organizations: (data, API requests, most in flight)}."""
    root = tmp_path_factory.mktemp("board")
    results = {}
    for organizations in ("each", "search"):
        emu = fresh(server, BOARD)
        emu.leak_unpublished = True  # the job's own status is checked too
        data = make_source(emu, root, organizations=organizations).fetch()
        results[organizations] = (data, emu.api_requests(), emu.max_in_flight)
    return results


def make_source(
    emu: WelcomeKitEmulator,
    root: Path,
    *,
    token: str = PARTNER_TOKEN,
    mode: str = "board",
    previous: SourceData | None = None,
    state: dict[str, Any] | None = None,
    allow_stale: bool = False,
    cache_dir: Path | None = None,
    **options: Any,
) -> WelcomeKitSource:
    entry = {"type": "welcomekit", "api_url": emu.api_url, **FAST, **options}
    if "organization_references" not in entry and "organization_reference" not in entry:
        entry = {"all_jobs": True, "cms_sites_references": SITES, **entry}
    entry = {k: v for k, v in entry.items() if v is not None}
    config = parse_config({"site": {**SITE, "mode": mode}, "sources": [entry]}, root)
    context = FetchContext(
        root=root,
        languages=("en", "fr"),
        env={"WK_API_KEY": token},
        sleep=lambda s: None,
        mode=mode,
        allow_stale=allow_stale,
        previous=previous,
        previous_state=state or {},
        cache_dir=cache_dir,
    )
    return SOURCES["welcomekit"](config.sources[0], context)


def fetch_error(source: WelcomeKitSource) -> str:
    with pytest.raises(SourceError) as caught:
        source.fetch()
    return str(caught.value)


def org_requests(emu: WelcomeKitEmulator) -> list[str]:
    return [r.path.rsplit("/", 1)[1] for r in emu.api_requests() if r.path.startswith("/api/v1/external/organizations/")]


def company_of(data: SourceData, n: int) -> Organization:
    (company,) = [c for c in data.companies if c.id == f"welcomekit:{board_reference(n)}"]
    return company


def published(organizations: dict[str, Any]) -> set[str]:
    return {j["reference"] for o in organizations.values() for j in o["jobs"] if j["status"] == "published" and "spontan" not in j["name"]}


# -- configuration ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (
            {"all_jobs": True, "organization_references": ["A"]},
            "sources[0].organization_references: all_jobs = true reads the jobs of every organization the token may see; "
            "remove organization_references, or remove all_jobs to read only the organizations listed",
        ),
        (
            {"all_jobs": True, "organization_reference": "A"},
            "sources[0].organization_reference: all_jobs = true reads the jobs of every organization the token may see; "
            "remove organization_reference, or remove all_jobs to read only the organizations listed",
        ),
        (
            {"organization_reference": "A", "cms_sites_references": ["wttj_fr"]},
            "sources[0].cms_sites_references: only used with all_jobs = true; remove it, or set all_jobs = true to read every organization's jobs",
        ),
        (
            {"organization_reference": "A", "contract_type": "FULL_TIME"},
            "sources[0].contract_type: only used with all_jobs = true; remove it, or set all_jobs = true to read every organization's jobs",
        ),
        (
            {"all_jobs": True, "cms_sites_references": ["wttj_fr,jungle"]},
            "sources[0].cms_sites_references: 'wttj_fr,jungle' is not a cms_sites_reference; write strings such as \"wttj_fr\"",
        ),
        (
            {"all_jobs": True, "contract_type": ["FULL_TIME", 3]},
            'sources[0].contract_type: 3 is not a contract type; write values such as "FULL_TIME"',
        ),
        (
            {"all_jobs": True, "organizations": "search"},
            'sources[0].organizations: "search" finds organizations by cms_sites_references; list your Welcome Kit sites there, '
            'or use organizations = "each"',
        ),
        ({"all_jobs": True, "organizations": "all"}, "sources[0].organizations: 'all' is not one of 'each', 'search'"),
    ],
)
def test_config_problems_are_one_line_each(options, problem):
    with pytest.raises(ConfigError) as caught:
        parse_config({"site": SITE, "sources": [{"type": "welcomekit", **options}]}, Path("."))
    assert caught.value.problems == [problem]


def test_all_jobs_needs_no_reference_and_defaults_to_each_organization():
    config = parse_config({"site": SITE, "sources": [{"type": "welcomekit", "all_jobs": True}]}, Path("."))
    assert (config.sources[0]["organizations"], config.sources[0]["cms_sites_references"]) == ("each", None)


def test_all_jobs_needs_board_mode(emu, tmp_path):
    message = fetch_error(make_source(emu, tmp_path, mode="careers"))
    assert message == (
        'source welcomekit: all_jobs = true makes a job board of many companies; set mode = "board" in [site], '
        "or list organization_references instead"
    )
    assert emu.api_requests() == []


# -- the board -------------------------------------------------------------------------------------


def test_board_of_hundreds_of_organizations(big):
    data, requests, in_flight = big["each"]
    assert {j.id for j in data.jobs} == published(BOARD) and len(data.jobs) == 5 * COUNT
    assert data.organization == Organization() and data.open_application_url is None
    companies = {c.id: c for c in data.companies}
    assert len(companies) == COUNT and len({c.slug for c in data.companies}) == COUNT
    for job in data.jobs:
        company = companies[job.company]
        assert company.id == f"welcomekit:{board_reference(int(job.id[5:9]))}"  # WTTJ_<n:04d><k>
        assert all(office in company.offices for office in job.offices)

    # Only GET, each organization read once with everything embedded, never more than `concurrency` at once.
    assert {r.method for r in requests} == {"GET"}
    assert sorted(r.path.rsplit("/", 1)[1] for r in requests if "/organizations/" in r.path) == sorted(BOARD)
    for request in requests:
        if request.path.startswith("/api/v1/external/organizations/"):
            assert request.raw_path.endswith(f"?{FLAGS}")
        else:
            assert request.path == "/api/v1/external/jobs/all" and request.raw_path.startswith(f"/api/v1/external/jobs/all?{ALL_JOBS}&per_page=100")
    assert in_flight <= 4


def test_company_fields(big, server):
    data = big["each"][0]
    media = f"{server.url}/media"
    company = company_of(data, 1)
    assert (company.name, company.slug, company.url) == ("Company 001 Labs", "company-001", "https://company1.example/")
    assert company.logo == Image(url=f"{media}/logo-1.png", alt="Company 001 Labs")
    assert company.cover == Image(url=f"{media}/cover-1.png", alt="")
    assert company.same_as == ("https://www.linkedin.com/company/company-1", "https://twitter.com/company1")
    assert company.description == {
        "en": "<p>Company 001 Labs (en): we build things.</p>",
        "": "<p><strong>Company 001 Labs</strong> makes things.</p>",
    }
    assert company.sectors == ("Media",)
    assert company.figures == (("employees", "11"), ("founded", "1991"), ("average_age", "31"), ("parity_women", "49"), ("parity_men", "51"))
    assert company.offices == (
        Office(id="Org0001:100010", name="Lyon office", street="1 rue de la Paix", city="Lyon", postal_code="69002", country="FR"),
        Office(id="Org0001:100011", name="Berlin office", street="2 rue de la Paix", city="Berlin", postal_code="10115", country="DE"),
    )
    assert company.gallery == (
        Image(url=f"{media}/team-1-large.png", alt="The team of Company 001 Labs"),
        Image(url=f"{media}/office-1.png", alt="Office"),
    )
    jobs = sorted((j for j in data.jobs if j.company == company.id), key=lambda j: j.id)
    assert [j.offices[0].id for j in jobs] == ["Org0001:100010", "Org0001:100011", "Org0001:100010", "Org0001:100011", "Org0001:100010"]
    # Several languages, several sectors, a confidential revenue.
    trilingual = company_of(data, 0)
    assert set(trilingual.description) == {"en", "fr", ""} and trilingual.sectors == ("Saas cloud services", "Media")
    assert ("revenue", "(confidential)") in trilingual.figures
    assert {j.language for j in data.jobs if j.company == trilingual.id} == {"en", "fr", "es"}


def test_organizations_without_logo_cover_offices_images_or_videos(big, server):
    data = big["each"][0]
    no_logo, no_cover, french_cover, no_offices, no_media = (company_of(data, n) for n in (3, 2, 7, 4, 0))
    assert no_logo.logo is None and no_logo.name.startswith("Company 003")
    assert no_cover.cover is None
    assert french_cover.cover == Image(url=f"{server.url}/media/cover-fr-7.png", alt="")
    assert no_offices.offices == ()
    remote = [j for j in data.jobs if j.company == no_offices.id]
    assert len(remote) == 5 and all(j.offices == () and j.remote.value == "full" for j in remote)
    assert no_media.gallery == () and no_media.videos == ()
    assert (
        "job WTTJ_00040 'Support role 0 at company 4': fully remote without an office, so Google cannot tell where applicants may live; "
        "give it an office in Welcome Kit"
    ) in data.warnings


def test_videos_keep_https_and_embed_only_known_providers(big, server):
    company = company_of(big["each"][0], 1)
    assert company.videos == (
        Video(
            url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
            title="Meet Company 001 Labs",
            provider="youtube",
            embed_url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            thumbnail=Image(url=f"{server.url}/media/video-1.png", alt="Meet Company 001 Labs"),
        ),
        Video(
            url="https://www.dailymotion.com/video/x7tgad0",
            title="Our office",
            provider="dailymotion",
            embed_url="https://www.dailymotion.com/embed/video/x7tgad0",
        ),
        Video(url="https://360player.example/v/1", title="Office in 360°"),
    )


@pytest.mark.parametrize(
    ("payload", "url", "provider", "embed"),
    [
        (
            {"source": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
            "https://youtu.be/dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            {"source": "youtube", "external_reference": "dQw4w9WgXcQ"},
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            {"url": "https://www.youtube.com/shorts/dQw4w9WgXcQ"},
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            {"source": "dailymotion", "url": "https://dai.ly/x7tgad0"},
            "https://dai.ly/x7tgad0",
            "dailymotion",
            "https://www.dailymotion.com/embed/video/x7tgad0",
        ),
        (
            {"source": "dailymotion", "url": "https://www.dailymotion.com/video/x7tgad0_our-office_news"},
            "https://www.dailymotion.com/video/x7tgad0_our-office_news",
            "dailymotion",
            "https://www.dailymotion.com/embed/video/x7tgad0",
        ),
        # A host that is not the provider's gives no id; an id that is not one gives no player.
        ({"source": "youtube", "url": "https://evil.example/watch?v=dQw4w9WgXcQ"}, "https://evil.example/watch?v=dQw4w9WgXcQ", "youtube", None),
        ({"source": "youtube", "url": 'https://www.youtube.com/watch?v=x"><script>'}, 'https://www.youtube.com/watch?v=x"><script>', "youtube", None),
        ({"url": "https://vimeo.com/76979871"}, "https://vimeo.com/76979871", "vimeo", None),
        ({"source": "360player", "url": "https://360player.example/v/1"}, "https://360player.example/v/1", "", None),
        ({"source": "youtube", "url": "http://www.youtube.com/watch?v=dQw4w9WgXcQ"}, None, None, None),
        ({"source": "youtube", "url": "javascript:alert(1)"}, None, None, None),
        ({"source": "360player"}, None, None, None),
        ("https://youtu.be/dQw4w9WgXcQ", None, None, None),
    ],
)
def test_parse_video(payload, url, provider, embed):
    video = parse_video(payload)
    if url is None:
        assert video is None
    else:
        assert (video.url, video.provider, video.embed_url) == (url, provider, embed)


def test_sectors_and_figures():
    assert readable_sector("saas-cloud-services") == "Saas cloud services"
    assert parse_sectors(
        ["saas-cloud-services", "media-1", "media", {"name": {"en": "Big data", "fr": "Big data"}}, {"slug": "e-commerce"}, 3, None]
    ) == (
        "Saas cloud services",
        "Media",
        "Big data",
        "E commerce",
        "3",
    )
    payload = {
        "nb_employees": 185,
        "creation_year": 2015.0,
        "average_age": None,
        "parity_women": "",
        "parity_men": True,
        "turnover": 5,
        "revenue": " 2 M€ ",
    }
    assert parse_figures(payload) == (("employees", "185"), ("founded", "2015"), ("turnover", "5"), ("revenue", "2 M€"))


def test_embedded_images_and_videos_are_read_tolerantly():
    payload = {
        "reference": "R",
        "name": "Acme",
        "images": {"unexpected": True},
        "videos": None,
        "offices": [{"id": 1, "city": "Paris", "country_code": "FR"}, "x"],
    }
    company = parse_company(payload, source="wk", reference="R")
    assert (company.id, company.slug, company.gallery, company.videos) == ("wk:R", "acme", (), ())
    assert company.offices == (Office(id="R:1", name="Paris", city="Paris", country="FR"),)
    warnings: list[str] = []
    nameless = parse_company({"logo_url": "https://cdn.example/l.png"}, source="wk", reference="Zz9", warnings=warnings)
    assert (nameless.name, nameless.slug, nameless.logo.alt) == ("Zz9", "zz9", "Zz9")
    assert warnings == ["organization 'Zz9' has no name, so its jobs name 'Zz9' as the hiring organization; name it in Welcome Kit"]


def test_search_reads_one_page_per_hundred_organizations(big):
    data, requests, in_flight = big["search"]
    searches = [r.raw_path for r in requests if r.path == "/api/v1/external/organizations"]
    assert not any("/organizations/" in r.path for r in requests)
    assert searches == [
        f"/api/v1/external/organizations?cms_sites_references=wttj_fr%2Cjungle%2Csmgo_fr&offices=true&images=true&videos=true&per_page=100&page={page}"
        for page in range(1, math.ceil(COUNT / 100) + 2)  # the last page is empty: the search has no X-Total-Pages
    ]
    each = big["each"][0]
    assert to_jsonable(data.companies) == to_jsonable(each.companies) and to_jsonable(data.jobs) == to_jsonable(each.jobs)
    assert {r.method for r in requests} == {"GET"} and in_flight <= 4


def test_search_reads_organizations_it_did_not_find_one_by_one(server, tmp_path):
    organizations = copy.deepcopy(SMALL)
    organizations["Org0005"]["organization"]["websites"] = []  # its jobs are on wttj_fr, the organization is not
    emu = fresh(server, organizations)
    data = make_source(emu, tmp_path, organizations="search").fetch()
    assert org_requests(emu) == ["Org0005"]
    assert company_of(data, 5).name.startswith("Company 005") and len(data.companies) == SMALL_COUNT


def test_contract_types_and_sites_filter_the_jobs(emu, tmp_path):
    data = make_source(emu, tmp_path, cms_sites_references=["jungle"], contract_type=["FULL_TIME", "internship"]).fetch()
    asked = [r.query for r in emu.api_requests() if r.path.endswith("/jobs/all")]
    assert {(q["cms_sites_references"], q["contract_type"]) for q in asked} == {("jungle", "FULL_TIME"), ("jungle", "INTERNSHIP")}
    assert data.jobs and {j.employment_types for j in data.jobs} == {("FULL_TIME",), ("INTERN",)}
    expected = {
        j["reference"]
        for o in SMALL.values()
        for j in o["jobs"]
        if j["status"] == "published"
        and "jungle" in j["cms_sites_references"]
        and j["contract_type"] in ("FULL_TIME", "INTERNSHIP")
        and "spontan" not in j["name"]
    }
    assert {j.id for j in data.jobs} == expected
    assert {c.id for c in data.companies} == {j.company for j in data.jobs}  # only organizations with jobs


def test_contract_type_is_checked_again_when_the_server_ignores_it(emu, tmp_path):
    emu.fail(
        "/external/jobs/all",
        200,
        [{**SMALL["Org0001"]["jobs"][0], "contract_type": "FULL_TIME"}, {**SMALL["Org0001"]["jobs"][1], "contract_type": "FREELANCE"}],
    )
    data = make_source(emu, tmp_path, contract_type="FULL_TIME").fetch()
    assert [j.id for j in data.jobs] == ["WTTJ_00010"]


def test_jobs_without_organization_reference_are_skipped(emu, tmp_path):
    orphan = {**SMALL["Org0001"]["jobs"][0], "reference": "WTTJ_orphan", "organization_reference": None}
    emu.fail("/external/jobs/all", 200, [orphan, SMALL["Org0002"]["jobs"][0]])
    data = make_source(emu, tmp_path).fetch()
    assert [j.id for j in data.jobs] == ["WTTJ_00020"] and org_requests(emu) == ["Org0002"]
    assert data.warnings[0] == "job WTTJ_orphan was skipped: it has no organization_reference, so its hiring organization is unknown"


# -- errors ----------------------------------------------------------------------------------------


def test_jobs_all_without_su_jobs_r(server, tmp_path):
    emu = fresh(server, scopes=PARTNER_SCOPES - {"su_jobs_r"})
    message = fetch_error(make_source(emu, tmp_path))
    assert message == (
        f"source welcomekit: GET /api/v1/external/jobs/all?{ALL_JOBS}&per_page=100&page=1 answered HTTP 403 invalid_scope: "
        "the token lacks the su_jobs_r scope, which Welcome to the Jungle grants only to partners (a partnership); "
        "ask them for a partner token in WK_API_KEY, or list your own organizations in organization_references instead of all_jobs"
    )


def test_a_careers_token_on_jobs_all(emu, tmp_path):
    message = fetch_error(make_source(emu, tmp_path, token=TOKEN))
    assert "the token lacks the su_jobs_r scope, which Welcome to the Jungle grants only to partners (a partnership)" in message


def test_search_without_su_organizations_r(server, tmp_path):
    emu = fresh(server, scopes=PARTNER_SCOPES - {"su_organizations_r"} | {"organizations_r"})
    message = fetch_error(make_source(emu, tmp_path, organizations="search"))
    assert message == (
        "source welcomekit: GET /api/v1/external/organizations?cms_sites_references=wttj_fr%2Cjungle%2Csmgo_fr&offices=true&images=true&videos=true"
        "&per_page=100&page=1 answered HTTP 403 invalid_scope: the token lacks the su_organizations_r scope, which Welcome to the Jungle grants only "
        'to partners (a partnership); ask them to add it to the token in WK_API_KEY, or remove organizations = "search" to read each organization on its own'
    )


def test_organization_without_any_organizations_scope(server, tmp_path):
    emu = fresh(server, scopes={"su_jobs_r", "su_offices_r", "su_images_r", "su_videos_r"})
    message = fetch_error(make_source(emu, tmp_path, concurrency=1))
    assert message == (
        f"source welcomekit: GET /api/v1/external/organizations/Org0000?{FLAGS} answered HTTP 403 invalid_scope: the token may not read "
        "organization 'Org0000'; it needs su_organizations_r, which Welcome to the Jungle grants only to partners (a partnership); "
        "ask them to add it to the token in WK_API_KEY"
    )


@pytest.mark.parametrize("organizations", ["each", "search"])
@pytest.mark.parametrize(("scope", "flag", "consequence"), [("su_images_r", "images", "photo gallery"), ("su_videos_r", "videos", "videos")])
def test_missing_media_scope_is_a_warning(server, tmp_path, organizations, scope, flag, consequence):
    emu = fresh(server, scopes=PARTNER_SCOPES - {scope})
    data = make_source(emu, tmp_path, organizations=organizations).fetch()
    where = "/external/organizations/:reference" if organizations == "each" else "/external/organizations"
    assert data.warnings[0] == (
        f"the token lacks the {scope} scope (GET {where} with {flag}=true answered HTTP 403 invalid_scope), so companies are shown without their "
        f"{consequence}; jobs are still published; ask Welcome to the Jungle to add {scope} to the partnership token"
    )
    assert sum("invalid_scope" in w for w in data.warnings) == 1
    assert len(data.jobs) == 5 * SMALL_COUNT
    assert all((c.gallery if flag == "images" else c.videos) == () for c in data.companies)
    assert any((c.videos if flag == "images" else c.gallery) for c in data.companies)


def test_a_scope_error_that_does_not_say_which_drops_both_embeds(server, tmp_path):
    emu = fresh(server, scopes=PARTNER_SCOPES - {"su_videos_r"})
    emu.vague_scopes = True
    data = make_source(emu, tmp_path, concurrency=1).fetch()
    assert [w.split(" (")[0] for w in data.warnings if "invalid_scope" in w] == [
        "the token lacks the su_images_r scope",
        "the token lacks the su_videos_r scope",
    ]
    assert len(data.jobs) == 5 * SMALL_COUNT and all(c.gallery == () and c.videos == () for c in data.companies)


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (
            404,
            {"error": "not_found", "error_description": "Organization not found"},
            f"GET /api/v1/external/organizations/Org0007?{FLAGS} answered HTTP 404: Organization not found",
        ),
        (503, {"error": "maintenance"}, f"GET /api/v1/external/organizations/Org0007?{FLAGS} failed after 2 attempts: HTTP 503"),
        (
            200,
            b'{"reference": "Org0007", "name": ',
            f"GET /api/v1/external/organizations/Org0007?{FLAGS} failed after 2 attempts: the body is not valid JSON",
        ),
        (200, [], f"GET /api/v1/external/organizations/Org0007?{FLAGS} did not return a JSON object"),
    ],
)
def test_one_organization_failing_fails_the_source_naming_it(emu, tmp_path, status, body, reason):
    emu.fail("/external/organizations/Org0007", status, body, times=2)
    message = fetch_error(make_source(emu, tmp_path))
    assert message == f"source welcomekit: organization 'Org0007' could not be read ({reason}), so its jobs cannot be published; {RETRY}"


def test_allow_stale_keeps_the_failing_organization_from_the_snapshot(server, tmp_path):
    emu = fresh(server)
    previous = make_source(emu, tmp_path).fetch()
    organizations = copy.deepcopy(SMALL)
    organizations["Org0007"]["organization"]["name"] = "Renamed"  # not seen: the organization cannot be read
    organizations["Org0007"]["jobs"][0]["status"] = "archived"  # seen: the job list still works
    organizations["Org0008"]["organization"]["name"] = "Company 008 Renamed"
    emu = fresh(server, organizations)
    emu.fail("/external/organizations/Org0007", 503, times=2)
    data = make_source(emu, tmp_path, previous=previous, allow_stale=True).fetch()
    assert company_of(data, 7) == company_of(previous, 7)
    assert company_of(data, 8).name == "Company 008 Renamed"
    assert sorted(j.id for j in data.jobs if j.company == "welcomekit:Org0007") == ["WTTJ_00071", "WTTJ_00072", "WTTJ_00073", "WTTJ_00074"]
    assert (
        f"organization 'Org0007' could not be read (GET /api/v1/external/organizations/Org0007?{FLAGS} failed after 2 attempts: HTTP 503); "
        "--allow-stale: its company details come from the last snapshot"
    ) in data.warnings


def test_allow_stale_without_that_organization_in_the_snapshot_fails(emu, tmp_path):
    emu.fail("/external/organizations/Org0007", 404, {"error": "not_found"})
    message = fetch_error(make_source(emu, tmp_path, previous=SourceData(), allow_stale=True))
    assert message == (
        f"source welcomekit: organization 'Org0007' could not be read (GET /api/v1/external/organizations/Org0007?{FLAGS} answered HTTP 404: "
        "not_found), so its jobs cannot be published; the last snapshot does not have it either; try again later"
    )


def test_a_token_problem_is_never_kept_from_the_snapshot(emu, tmp_path):
    emu.fail("/external/organizations/Org0007", 401, {"error": "unauthorized", "error_description": "Invalid access token"})
    previous = SourceData(companies=[Organization(id="welcomekit:Org0007", name="Old")])
    message = fetch_error(make_source(emu, tmp_path, previous=previous, allow_stale=True, concurrency=1))
    assert message.startswith(
        f"source welcomekit: GET /api/v1/external/organizations/Org0007?{FLAGS} answered HTTP 401 unauthorized: Welcome Kit rejected"
    )


# -- incremental -----------------------------------------------------------------------------------


def test_search_asks_only_for_organizations_updated_since_the_last_fetch(server, tmp_path):
    emu = fresh(server)
    first = make_source(emu, tmp_path, organizations="search")
    previous = first.fetch()
    newest = max(o["organization"]["updated_at"] for o in SMALL.values())  # all at +02:00, so text order is time order
    assert first.state["organizations_updated_at"] == newest.replace(".000", "")
    organizations = copy.deepcopy(SMALL)
    organizations["Org0010"]["organization"].update(name="Company 010 Renamed", updated_at="2026-10-20T08:00:00.000+02:00")
    organizations["Org0011"]["jobs"][0]["office_id"] = 999  # an office the kept company does not know: read it again
    emu = fresh(server, organizations)
    second = make_source(emu, tmp_path, organizations="search", previous=previous, state=first.state)
    data = second.fetch()
    searched = [r.query for r in emu.api_requests() if r.path == "/api/v1/external/organizations"]
    day_before = f"{newest[:8]}{int(newest[8:10]) - 1:02d}"  # updated_after takes days; a day earlier loses nothing
    assert [q["updated_after"] for q in searched] == [day_before] * len(searched)
    changed = {c.name for c in data.companies} - {c.name for c in previous.companies}
    assert changed == {"Company 010 Renamed"}
    assert org_requests(emu) == ["Org0011"]
    assert len(data.companies) == SMALL_COUNT and second.state["organizations_updated_at"] == "2026-10-20T08:00:00+02:00"


def test_unchanged_organizations_answer_304_with_etags(server, tmp_path):
    emu = fresh(server)
    emu.etags = True
    first = make_source(emu, tmp_path, cache_dir=tmp_path / "cache").fetch()
    second_source = make_source(emu, tmp_path, cache_dir=tmp_path / "cache")
    data = second_source.fetch()
    assert second_source.context.stats.not_modified >= SMALL_COUNT
    assert to_jsonable(data.companies) == to_jsonable(first.companies)


# -- a board of listed organizations ---------------------------------------------------------------


def test_listed_organizations_make_one_company_each_on_a_board(server, tmp_path):
    emu = fresh(server)
    emu.scopes.add("videos_r")
    data = make_source(emu, tmp_path, token=TOKEN, organization_references=["Org0001", "Org0002"]).fetch()
    assert [c.id for c in data.companies] == ["welcomekit:Org0001", "welcomekit:Org0002"]
    assert {j.company for j in data.jobs} == {"welcomekit:Org0001", "welcomekit:Org0002"} and len(data.jobs) == 10
    assert len(company_of(data, 1).videos) == 3 and company_of(data, 1).gallery
    assert data.organization == Organization()


def test_listed_organizations_warn_once_for_a_missing_scope(emu, tmp_path):
    data = make_source(emu, tmp_path, token=TOKEN, organization_references=["Org0001", "Org0002"]).fetch()
    assert [w for w in data.warnings if "videos_r" in w] == [
        "the token lacks the videos_r scope (GET /api/v1/external/videos?organization_reference=Org0001&per_page=100&page=1 answered HTTP 403 "
        "invalid_scope), so companies are shown without their videos; ask Welcome Kit to add videos_r to the token"
    ]


def test_listed_organizations_stay_one_organization_on_a_careers_site(emu, tmp_path):
    data = make_source(emu, tmp_path, token=TOKEN, mode="careers", organization_references=["Org0001", "Org0002"]).fetch()
    assert data.companies == [] and {j.company for j in data.jobs} == {None}
    assert data.organization.name == "Company 001 Labs"


def test_listed_organization_failing_keeps_its_snapshot_with_allow_stale(server, tmp_path):
    emu = fresh(server)
    previous = make_source(emu, tmp_path, token=TOKEN, organization_references=["Org0001", "Org0002"]).fetch()
    emu = fresh(server)
    emu.fail("/external/jobs", 503, times=2)  # Org0001's jobs (the first to ask) cannot be read
    data = make_source(
        emu, tmp_path, token=TOKEN, organization_references=["Org0001", "Org0002"], previous=previous, allow_stale=True, concurrency=1
    ).fetch()
    assert to_jsonable(data.jobs) == to_jsonable(previous.jobs) and to_jsonable(data.companies) == to_jsonable(previous.companies)
    assert (
        "organization 'Org0001' could not be read (GET /api/v1/external/jobs?organization_reference=Org0001&status=published&websites=true&per_page=100"
        "&page=1 failed after 2 attempts: HTTP 503; Welcome Kit is down or unreachable: try again later, or build with --allow-stale to publish the "
        "last snapshot); --allow-stale: its company and jobs come from the last snapshot"
    ) in data.warnings


# -- the whole build -------------------------------------------------------------------------------


def write_board(root: Path, emu: WelcomeKitEmulator, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "careers.toml").write_text(
        f"""
[site]
title = "Jobs in tech"
url = "https://jobs.example"
languages = ["en", "fr"]
mode = "board"

[[sources]]
type = "welcomekit"
all_jobs = true
cms_sites_references = ["wttj_fr", "jungle", "smgo_fr"]
organizations = "search"
api_url = "{emu.api_url}"
retries = 1
timeout = 2
requests_per_second = 1000
concurrency = 4
{extra}
""",
        encoding="utf-8",
    )
    return root


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_whole_board_build_round_trips_the_companies(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    small = {k: v for k, v in SMALL.items() if int(k[3:]) < 12}
    emu = fresh(server, small)
    root = write_board(tmp_path / "site", emu)
    config = load_config(root / "careers.toml")
    report = build_site(config, BuildOptions(env={"WK_API_KEY": PARTNER_TOKEN, "SOURCE_DATE_EPOCH": EPOCH}, sleep=lambda s: None))
    public = root / "public"
    assert report.sources[0].jobs == 5 * 12 and (public / "index.html").is_file()
    assert emu.methods() == {"GET"}

    loaded = load_snapshot(config.cache_dir, "welcomekit")
    assert loaded is not None
    data, state = loaded
    assert len(data.companies) == 12 and "organizations_updated_at" in state
    saved = json.loads(snapshot_path(config.cache_dir, "welcomekit").read_text(encoding="utf-8"))["data"]
    assert to_jsonable(data) == saved  # nothing lost on the way back
    company = next(c for c in data.companies if c.id == "welcomekit:Org0001")
    assert isinstance(company.offices[0], Office) and isinstance(company.videos[0], Video) and isinstance(company.videos[0].thumbnail, Image)
    assert company.figures[0] == ("employees", "11") and isinstance(company.figures, tuple) and isinstance(company.figures[0], tuple)
    assert {j.company for j in data.jobs} == {c.id for c in data.companies}

    # A rebuild asks only for what changed and publishes the same jobs.
    emu = fresh(server, small)
    again = build_site(config, BuildOptions(env={"WK_API_KEY": PARTNER_TOKEN, "SOURCE_DATE_EPOCH": EPOCH}, sleep=lambda s: None))
    assert again.sources[0].jobs == 5 * 12
    assert all(r.query.get("updated_after") for r in emu.api_requests() if r.path == "/api/v1/external/organizations")

    # The token reaches no log line, no output file and no cache file.
    assert PARTNER_TOKEN not in caplog.text
    for folder in (public, config.cache_dir):
        assert not any(PARTNER_TOKEN.encode() in content for content in files_of(folder).values())
