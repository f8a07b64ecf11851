"""A Welcome Kit external API on loopback, shaped like ../../../shared/api/welcomekit.md.

    emu = WelcomeKitEmulator()           # one organization, Pg4eV6k, with tricky data
    with emu:
        emu.reset(leak_unpublished=True)  # fresh state, same server
        emu.api_url                      # "http://127.0.0.1:<port>/api/v1"
        emu.fail("/external/jobs", 503)  # the next jobs request answers 503
        emu.scopes.discard("images_r")   # the token loses a scope

    emu = WelcomeKitEmulator(board(300))  # a job board: 300 organizations, ~1,500 published jobs
    emu.add_token(PARTNER_TOKEN, PARTNER_SCOPES)  # a partnership token (su_* scopes)

What it imitates: bare JSON arrays, `page`/`per_page` paging with X-Total/X-Total-Pages headers
on /jobs (optional elsewhere), params validated before auth, the documented error bodies
({"error": "...", "error_description": "..."}), drafts and archived jobs, the default
spontaneous job, several languages, hostile HTML. Images are served as real PNGs under /media.
Job boards: /jobs/all and the /organizations search (partner scopes su_jobs_r and
su_organizations_r), /organizations/R with the offices/images/videos flags (each needs its own
scope), per-token scopes, optional ETags (304 on If-None-Match), and the most requests it
ever had in flight at once (`max_in_flight`).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import random
import time
from typing import Any

from PIL import Image as PILImage

from .base import Emulator, Reply, Request

TOKEN = "wk-test-3f9c1a7e5b2d4c6a8e0f1b3d5c7a9e1f"
REFERENCE = "Pg4eV6k"
SCOPES = {"jobs_r", "offices_r", "departments_r", "organizations_r", "images_r"}
PARTNER_TOKEN = "wk-partner-9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a"
PARTNER_SCOPES = {"su_jobs_r", "su_organizations_r", "su_offices_r", "su_images_r", "su_videos_r"}
# What each flag of /organizations(/R) embeds, and the scopes that allow it (welcomekit.md, "Other reads").
FLAG_SCOPES = {"offices": ("offices_r", "su_offices_r"), "images": ("images_r", "su_images_r"), "videos": ("videos_r", "su_videos_r")}
HOSTILE = (
    '<p>We build <strong>scheduling</strong> software.</p><script>alert("pwned")</script>'
    '<img src="x" onerror="alert(1)"><p><a href="javascript:alert(2)">Click</a> or <a href="https://lumenlabs.example/team" onclick="alert(3)">meet us</a></p>'
    "<ul><li>Own the API</li><li>Ship weekly</li></ul>"
)


def png(width: int = 40, height: int = 40, color: str = "#3366cc") -> bytes:
    """Return a small real PNG."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def job(reference: str, name: str, **fields: Any) -> dict[str, Any]:
    """Return a job shaped like the documented Job example, with `fields` overriding it."""
    base: dict[str, Any] = {
        "name": name,
        "external_reference": None,
        "organization_reference": REFERENCE,
        "status": "published",
        "description": f"<p>{name}: what you will do.</p>",
        "profile": "<p>Who we are looking for.</p>",
        "apply_url": f"https://lumenlabs.example/apply/{reference}",
        "company_description": "Lumen Labs.",
        "contract_duration_min": None,
        "contract_duration_max": None,
        "experience_level": None,
        "department_id": None,
        "profession_reference": "sales",
        "cms_sites_references": "wttj_fr",
        "start_date": None,
        "contract_type": "FULL_TIME",
        "language": "en",
        "salary": {"min": None, "max": None, "currency": "EUR", "period": "none"},
        "remote": "no",
        "office_id": 196,
        "reference": reference,
        "education_level": None,
        "created_at": "2026-09-01T10:15:26.146+02:00",
        "updated_at": "2026-10-02T09:00:00.000+02:00",
        "published_at": "2026-09-02T18:00:01.146+02:00",
        "archived_at": None,
        "websites": [
            {
                "reference": "wttj_fr",
                "name": "Welcome to the Jungle",
                "url": f"https://www.welcometothejungle.com/fr/companies/lumen/jobs/{reference}",
            }
        ],
    }
    base.update(fields)
    return base


def sample_organization() -> dict[str, Any]:
    """One organization whose data covers every mapping rule and still builds a clean site."""
    return {
        "organization": {
            "reference": REFERENCE,
            "name": "Lumen Labs",
            "slug": "lumen-labs",
            "description": "**Lumen Labs** builds software for hospitals.\n\n<script>alert('org')</script>",
            "logo_url": "{media}/logo.png",
            "cover_url": None,
            "i18n_covers": {"fr": "{media}/cover-fr.png"},
            "media_website_url": "https://lumenlabs.example/",
            "media_twitter": "@lumenlabs",
            "media_facebook": None,
            "media_linkedin": "lumen-labs",
            "media_instagram": "lumenlabs",
            "media_youtube": "",
            "media_pinterest": None,
            "default_language": "fr",
            "i18n_descriptions": {
                "en": "We help hospitals plan **rosters**. [Our story](https://lumenlabs.example/story)",
                "fr": "Nous aidons les hôpitaux à planifier les **équipes**. [Piège](javascript:alert(1))",
            },
            "updated_at": "2026-05-24T15:16:22.219+02:00",
        },
        "offices": [
            {
                "id": 196,
                "name": "Paris HQ",
                "address": "11 bis rue Bachaumont",
                "zip_code": "75002",
                "city": "Paris",
                "country_code": "FR",
                "is_headquarter": True,
            },
            {"id": 197, "name": "Lyon", "address": None, "zip_code": None, "city": "Lyon", "country_code": "fr", "is_headquarter": False},
            {"id": 198, "name": "Berlin", "address": None, "zip_code": "10115", "city": "Berlin", "country_code": "de", "is_headquarter": False},
        ],
        "departments": [
            {"id": 10, "name": "Engineering", "is_active": True, "slug": "engineering", "description": "Builders."},
            {"id": 11, "name": "Sales", "is_active": True, "slug": "sales", "description": "<p>Closers.</p>"},
        ],
        "images": [
            {
                "name": "Team",
                "description": "The team on the roof",
                "file": {"url": "{media}/team.png", "large": {"url": "{media}/team-large.png"}, "thumb": {"url": "{media}/team-thumb.png"}},
                "created_at": "2019-03-28T10:00:01.403+01:00",
            },
            {"name": "Office", "description": None, "file": {"url": "{media}/office.png"}},
        ],
        "jobs": [
            job(
                "WTTJ_eng0001",
                "Backend Engineer",
                description=HOSTILE,
                profile="<p>You know <em>Python</em>.</p>",
                recruitment_process="<p>Two calls, one <b>pairing</b> session.</p>",
                salary={"min": "45000", "max": "60 000", "currency": "eur", "period": "yearly"},
                remote="partial",
                experience_level="2_TO_3_YEARS",
                education_level="BAC_5",
                department_id=10,
                cms_sites_references="wttj_fr,lumen_careers",
            ),
            job(
                "WTTJ_fro0002",
                "Développeuse front-end",
                language="fr",
                contract_type="TEMPORARY",
                office_id=197,
                remote="fulltime",
                salary={"min": 3200, "max": 3800, "currency": "EUR", "period": "monthly"},
                experience_level="1_TO_2_YEARS",
                education_level="BAC_3",
                apply_url=None,
                department_id=10,
                description="Vous construirez notre interface.\n\n- React\n- Accessibilité",
                profile="",
            ),
            job(
                "WTTJ_vie0003",
                "Business Developer (VIE)",
                contract_type="VIE",
                office_id=None,
                offices=[{"id": 198}],
                remote="punctual",
                salary={"min": "2500", "max": None, "currency": "EUR", "period": "none"},
                apply_url="",
                websites=[],
                department_id=11,
            ),
            job(
                "WTTJ_dat0004",
                "Data Analyst",
                contract_type="CDI_INTERMITTENT",
                remote=None,
                is_remote=True,
                salary=None,
                published_at=None,
                created_at="2026-08-15T08:00:00.000-04:00",
                updated_at=None,
            ),
            job(
                "WTTJ_mkt0005",
                "Becario de marketing",
                language="es",
                contract_type="INTERNSHIP",
                office_id=None,
                offices=[{"id": 196, "name": "Paris HQ"}, {"name": "Madrid", "city": "Madrid", "country_code": "es"}],
                salary={"min": "40,5", "max": "55", "currency": "EUR", "period": "daily"},
                education_level="BAC_2",
                experience_level="LESS_THAN_6_MONTHS",
                cms_sites_references=["wttj_fr"],
            ),
            job("WTTJ_app0006", "Alternance Sales", language="fr", contract_type="APPRENTICESHIP", department_id=11, apply_url="javascript:alert(1)"),
            job("WTTJ_fre0007", "Freelance Designer", contract_type="FREELANCE", office_id=198),
            job("WTTJ_oth0008", "Account Executive (smgo only)", cms_sites_references="smgo_fr", department_id=11),
            job("WTTJ_drf0009", "Draft Role", status="draft"),
            job("WTTJ_arc0010", "Archived Role", status="archived", archived_at="2026-10-01T00:00:00.000+02:00"),
            job("WTTJ_spo0011", "Candidature spontanée", language="fr", apply_url="https://lumenlabs.example/candidature"),
            job("WTTJ_spo0012", "Spontaneous application", language="en", apply_url="https://lumenlabs.example/open"),
        ],
    }


BOARD_SITES = ("wttj_fr", "jungle", "smgo_fr")
BOARD_SECTORS = ("saas-cloud-services", "media-1", "fintech", "health-care", "retail-3", "education-training")
CONTRACTS = ("FULL_TIME", "PART_TIME", "INTERNSHIP", "TEMPORARY", "FREELANCE", "APPRENTICESHIP")
CITIES = (("Paris", "FR", "75002"), ("Lyon", "FR", "69002"), ("Berlin", "DE", "10115"), ("Madrid", "ES", "28004"), ("London", "GB", None))


def board_reference(number: int) -> str:
    return f"Org{number:04d}"


def board(count: int = 300, *, seed: int = 7) -> dict[str, dict[str, Any]]:
    """Return `count` organizations for a job board, 5 published jobs each, with every gap a board meets.

    Organization n (reference Org0000, Org0001, ...): no logo when n % 7 == 3, no cover when
    n % 5 == 2 (and an i18n_covers entry instead when n % 10 == 7), no offices when n % 11 == 4
    (its jobs are fully remote), images unless n % 3 == 0, videos when n % 4 == 1, three languages
    when n % 6 == 0. Also per organization: a draft when n is even, an archived job when
    n % 3 == 0, a spontaneous job when n % 10 == 0; jobs are on one or two of BOARD_SITES.
    """
    rng = random.Random(seed)
    organizations: dict[str, dict[str, Any]] = {}
    for n in range(count):
        reference = board_reference(n)
        name = f"Company {n:03d} {rng.choice(('Labs', 'Studio', 'Group', 'SAS'))}"
        sites = [BOARD_SITES[n % 3]] + ([BOARD_SITES[(n + 1) % 3]] if n % 8 == 0 else [])
        languages = ("en", "fr", "es") if n % 6 == 0 else ("en",)
        organization = {
            "reference": reference,
            "name": name,
            "slug": f"company-{n:03d}",
            "description": f"**{name}** makes things.",
            "logo_url": None if n % 7 == 3 else f"{{media}}/logo-{n}.png",
            "cover_url": None if n % 5 == 2 else f"{{media}}/cover-{n}.png",
            "i18n_covers": {"fr": f"{{media}}/cover-fr-{n}.png"} if n % 10 == 7 else {},
            "media_website_url": f"https://company{n}.example/",
            "media_twitter": f"company{n}" if n % 2 else None,
            "media_linkedin": f"company-{n}",
            "media_facebook": None,
            "media_instagram": None,
            "media_youtube": None,
            "media_pinterest": None,
            "sectors": [BOARD_SECTORS[n % len(BOARD_SECTORS)]] + (["media-1"] if n % 9 == 0 else []),
            "default_language": languages[0],
            "nb_employees": 10 + n,
            "average_age": None if n % 4 == 0 else 30 + n % 10,
            "turnover": None,
            "creation_year": 1990 + n % 30,
            "parity_men": 50 + n % 20,
            "parity_women": 50 - n % 20,
            "revenue": "" if n % 5 else "(confidential)",
            "i18n_descriptions": {lang: f"{name} ({lang}): we build things." for lang in languages},
            "websites": [{"reference": site, "name": site, "root_url": f"https://{site}.example/companies/company-{n:03d}"} for site in sites],
            "updated_at": f"2026-{1 + n % 9:02d}-{1 + n % 28:02d}T10:00:00.000+02:00",
        }
        offices = []
        if n % 11 != 4:
            for k in range(1 + n % 3):
                city, country, zip_code = CITIES[(n + k) % len(CITIES)]
                offices.append(
                    {"id": 100000 + n * 10 + k, "name": f"{city} office", "address": f"{k + 1} rue de la Paix", "zip_code": zip_code,
                     "city": city, "country_code": country, "is_headquarter": k == 0}
                )  # fmt: skip
        images = []
        if n % 3:
            images = [
                {"name": "Team", "description": f"The team of {name}", "file": {"url": f"{{media}}/team-{n}.png", "large": {"url": f"{{media}}/team-{n}-large.png"}}},
                {"name": "Office", "description": None, "file": {"url": f"{{media}}/office-{n}.png"}},
            ]  # fmt: skip
        videos = []
        if n % 4 == 1:
            videos = [
                {"source": "youtube", "reference": f"v{n}a", "external_reference": "dQw4w9WgXcQ", "url": f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t={n}",
                 "name": f"Meet {name}", "image": {"url": f"{{media}}/video-{n}.png"}},
                {"source": "dailymotion", "reference": f"v{n}b", "external_reference": None, "url": "https://www.dailymotion.com/video/x7tgad0",
                 "name": "Our office"},
                {"source": "360player", "reference": f"v{n}c", "url": f"https://360player.example/v/{n}", "name": "Office in 360°"},
                {"source": "youtube", "reference": f"v{n}d", "url": "http://www.youtube.com/watch?v=abcdefghijk", "name": "Not https"},
            ]  # fmt: skip
        jobs = []
        for k in range(5):
            language = languages[k % len(languages)]
            jobs.append(
                job(
                    f"WTTJ_{n:04d}{k}",
                    f"{rng.choice(('Backend', 'Frontend', 'Data', 'Sales', 'Support'))} role {k} at company {n}",
                    organization_reference=reference,
                    language=language,
                    contract_type=CONTRACTS[(n + k) % len(CONTRACTS)],
                    office_id=offices[k % len(offices)]["id"] if offices else None,
                    remote="no" if offices else "fulltime",
                    cms_sites_references=",".join(sites),
                    apply_url=f"https://company{n}.example/apply/{k}",
                    updated_at=f"2026-10-{1 + k:02d}T09:00:00.000+02:00",
                    websites=[],
                )
            )
        if n % 2 == 0:
            jobs.append(
                job(f"WTTJ_{n:04d}D", f"Draft at company {n}", organization_reference=reference, status="draft", cms_sites_references=",".join(sites))
            )
        if n % 3 == 0:
            jobs.append(
                job(
                    f"WTTJ_{n:04d}A",
                    f"Archived at company {n}",
                    organization_reference=reference,
                    status="archived",
                    cms_sites_references=",".join(sites),
                )
            )
        if n % 10 == 0:
            jobs.append(job(f"WTTJ_{n:04d}S", "Candidature spontanée", organization_reference=reference, cms_sites_references=",".join(sites)))
        organizations[reference] = {
            "organization": organization,
            "offices": offices,
            "departments": [],
            "images": images,
            "videos": videos,
            "jobs": jobs,
        }
    return organizations


class WelcomeKitEmulator(Emulator):
    """The external API of Welcome Kit for one token, with configurable scopes and failures."""

    def __init__(
        self,
        organizations: dict[str, dict[str, Any]] | None = None,
        *,
        token: str = TOKEN,
        scopes: set[str] | None = None,
        total_headers: tuple[str, ...] = ("jobs",),
        leak_unpublished: bool = False,
    ):
        super().__init__()
        self.token = token
        self.route(r"/api/v1/external/(?P<kind>jobs|offices|departments|images|videos)")(self._tracked(self._list))
        self.route(r"/api/v1/external/jobs/all")(self._tracked(self._all_jobs))
        self.route(r"/api/v1/external/organizations")(self._tracked(self._search))
        self.route(r"/api/v1/external/organizations/(?P<reference>[^/]+)")(self._tracked(self._organization))
        self.route(r"/media/(?P<name>[\w.-]+\.png)")(self._media)
        self._routes = list(self.routes)
        self.reset(organizations, scopes=scopes, total_headers=total_headers, leak_unpublished=leak_unpublished)

    def reset(
        self,
        organizations: dict[str, dict[str, Any]] | None = None,
        *,
        scopes: set[str] | None = None,
        total_headers: tuple[str, ...] = ("jobs",),
        leak_unpublished: bool = False,
    ) -> WelcomeKitEmulator:
        """Forget requests, failures and extra routes, and serve `organizations` (one running server serves many tests)."""
        with self.lock:
            self.requests.clear()
            self.routes[:] = self._routes
            self.organizations = organizations if organizations is not None else {REFERENCE: sample_organization()}
            self.scopes = set(SCOPES if scopes is None else scopes)
            self.total_headers = set(total_headers)  # which lists send X-Total / X-Total-Pages
            self.leak_unpublished = leak_unpublished  # answer drafts even when status=published is asked
            self.queued: dict[str, list[Reply]] = {}  # path -> replies served before the real answer
            self.broken_pages: dict[tuple[str, int], Reply] = {}  # (path, page) -> reply, every time
            self.hang: dict[str, float] = {}  # path -> seconds to wait before answering
            self.tokens: dict[str, set[str]] = {self.token: self.scopes}  # token -> its scopes
            self.etags = False  # send ETags on /organizations(/R) and answer If-None-Match with 304
            self.vague_scopes = False  # a 403 invalid_scope that does not say which scope
            self.slow = 0.0  # seconds each API answer takes (to measure requests in flight)
            self.in_flight = 0
            self.max_in_flight = 0
        return self

    def add_token(self, token: str, scopes: set[str]) -> None:
        """Accept another token, with its own scopes."""
        self.tokens[token] = scopes

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    def fail(self, path: str, status: int, body: Any = None, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` requests to `path` (e.g. "/external/jobs") with `status`."""
        reply: Reply = (status, headers or {}, body if body is not None else {"error": "server_error", "error_description": "Boom"})
        self.queued.setdefault(f"/api/v1{path}", []).extend([reply] * times)

    def break_page(self, path: str, page: int, status: int = 500) -> None:
        """Make one page of a list fail on every attempt."""
        self.broken_pages[(f"/api/v1{path}", page)] = (status, {}, {"error": "server_error", "error_description": "Boom"})

    def api_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/api/")]

    # -- handlers ---------------------------------------------------------------------------

    def _expand(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{media}", f"{self.url}/media")
        if isinstance(value, list):
            return [self._expand(v) for v in value]
        if isinstance(value, dict):
            return {k: self._expand(v) for k, v in value.items()}
        return value

    def _tracked(self, handler: Any) -> Any:
        """Count the API requests being answered at once (the source must stay within its concurrency)."""

        def tracked(request: Request, **kwargs: Any) -> Reply:
            with self.lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                if self.slow:
                    time.sleep(self.slow)
                return handler(request, **kwargs)
            finally:
                with self.lock:
                    self.in_flight -= 1

        return tracked

    def _scopes_of(self, request: Request) -> set[str] | None:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else request.query.get("access_token", "")
        return self.tokens.get(token)

    def _guard(self, request: Request, scope: str | tuple[str, ...]) -> Reply | None:
        """Failures first, then auth, then scope: the order Welcome Kit seems to use."""
        if self.hang.get(request.path):
            time.sleep(self.hang[request.path])
        queued = self.queued.get(request.path)
        if queued:
            return queued.pop(0)
        scopes = self._scopes_of(request)
        if scopes is None:
            return 401, {}, {"error": "unauthorized", "error_description": "Invalid access token"}
        accepted = (scope,) if isinstance(scope, str) else scope
        if not any(s in scopes or s.replace("_r", "_rw") in scopes for s in accepted):
            said = "Insufficient scope" if self.vague_scopes else f"Missing scope {accepted[-1]}"
            return 403, {}, {"error": "invalid_scope", "error_description": said}
        return None

    def _flags(self, request: Request, partner_only: bool) -> tuple[list[str], Reply | None]:
        """Return the embeds asked for, or the 403 of the first one the token may not have."""
        scopes = self._scopes_of(request) or set()
        flags = [f for f in FLAG_SCOPES if request.query.get(f) == "true"]
        for flag in flags:
            accepted = FLAG_SCOPES[flag][1:] if partner_only else FLAG_SCOPES[flag]
            if not any(s in scopes for s in accepted):
                said = "Insufficient scope" if self.vague_scopes else f"Missing scope {FLAG_SCOPES[flag][1]}"
                return flags, (403, {}, {"error": "invalid_scope", "error_description": said})
        return flags, None

    def _embedded(self, entry: dict[str, Any], flags: list[str]) -> dict[str, Any]:
        organization = copy.deepcopy(entry["organization"])
        for flag in flags:
            organization[flag] = copy.deepcopy(entry.get(flag, []))
        return organization

    def _answer(self, request: Request, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        """Answer 200, or 304 when ETags are on and the client already has this body."""
        body = self._expand(payload)
        headers = dict(headers or {})
        if self.etags:
            tag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:20] + '"'
            if request.headers.get("if-none-match") == tag:
                return 304, {"ETag": tag}, b""
            headers["ETag"] = tag
        return 200, headers, body

    def _paged(self, request: Request, items: list[Any], kind: str, shape: Any = None) -> Reply:
        """Answer one page of `items` (each passed through `shape` first, if given)."""
        try:
            page = int(request.query.get("page", "1"))
            per_page = int(request.query.get("per_page", "100"))
        except ValueError:
            return 400, {}, {"error": "validation_failed", "error_description": "page must be an integer"}
        if per_page < 1:
            return 400, {}, {"error": "validation_failed", "error_description": "per_page must be greater than 0"}
        broken = self.broken_pages.get((request.path, page))
        if broken:
            return broken
        headers = {}
        if kind in self.total_headers:
            headers = {"X-Total": str(len(items)), "X-Total-Pages": str(math.ceil(len(items) / per_page)), "X-Per-Page": str(per_page)}
        chunk = items[(page - 1) * per_page : page * per_page]
        return self._answer(request, [shape(i) for i in chunk] if shape else chunk, headers)

    def _list(self, request: Request, kind: str) -> Reply:
        # Params are validated before auth (welcomekit.md, "Params are validated before auth").
        reference = request.query.get("organization_reference")
        if not reference:
            return 400, {}, {"error": "validation_failed", "error_description": "organization_reference is missing"}
        failure = self._guard(request, f"{kind}_r")
        if failure:
            return failure
        try:
            page = int(request.query.get("page", "1"))
            per_page = int(request.query.get("per_page", "100"))
        except ValueError:
            return 400, {}, {"error": "validation_failed", "error_description": "page must be an integer"}
        if per_page < 1:
            return 400, {}, {"error": "validation_failed", "error_description": "per_page must be greater than 0"}
        broken = self.broken_pages.get((request.path, page))
        if broken:
            return broken
        organization = self.organizations.get(reference)
        if organization is None:
            return 401, {}, {"error": "unauthorized", "error_description": "You are not member of this organization"}
        items = copy.deepcopy(organization.get(kind, []))
        if kind == "jobs":
            status = request.query.get("status")
            if status and not self.leak_unpublished:
                items = [i for i in items if i.get("status") == status]
            if request.query.get("websites") != "true":
                for item in items:
                    item.pop("websites", None)
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if kind in self.total_headers:
            headers = {
                "X-Total": str(len(items)),
                "X-Total-Pages": str(math.ceil(len(items) / per_page)),
                "X-Per-Page": str(per_page),
                "X-Page": str(page),
                "X-Offset": str((page - 1) * per_page),
            }
        return 200, headers, self._expand(chunk)

    def _organization(self, request: Request, reference: str) -> Reply:
        # The Slate docs ask su_organizations_r for this path, the current docs organizations_r.
        failure = self._guard(request, ("organizations_r", "su_organizations_r"))
        if failure:
            return failure
        flags, denied = self._flags(request, partner_only=False)
        if denied:
            return denied
        organization = self.organizations.get(reference)
        if organization is None:
            return 404, {}, {"error": "not_found", "error_description": "Organization not found"}
        return self._answer(request, self._embedded(organization, flags))

    def _all_jobs(self, request: Request) -> Reply:
        failure = self._guard(request, "su_jobs_r")
        if failure:
            return failure
        status, contract = request.query.get("status"), request.query.get("contract_type")
        sites = {s for s in request.query.get("cms_sites_references", "").split(",") if s}
        items = []
        for entry in self.organizations.values():
            for item in entry.get("jobs", []):
                on = item.get("cms_sites_references")
                on = set(on.split(",") if isinstance(on, str) else on or [])
                if status and not self.leak_unpublished and item.get("status") != status:
                    continue
                if (sites and not sites & on) or (contract and item.get("contract_type") != contract):
                    continue
                items.append(item)
        websites = request.query.get("websites") == "true"
        return self._paged(request, items, "jobs", lambda item: item if websites else {k: v for k, v in item.items() if k != "websites"})

    def _search(self, request: Request) -> Reply:
        # Exactly one filter, checked before auth like every parameter (welcomekit.md, "Other reads").
        filters = [k for k in ("name", "media_website_url", "cms_sites_references") if request.query.get(k)]
        if len(filters) != 1:
            said = "one of name, media_website_url, cms_sites_references is required" if not filters else "only one filter is allowed"
            return 400, {}, {"error": "validation_failed", "error_description": said}
        failure = self._guard(request, "su_organizations_r")
        if failure:
            return failure
        flags, denied = self._flags(request, partner_only=True)
        if denied:
            return denied
        since = request.query.get("updated_after", "")
        wanted, found = request.query[filters[0]], []
        for entry in self.organizations.values():
            organization = entry["organization"]
            if filters[0] == "name" and wanted.lower() not in str(organization.get("name", "")).lower():
                continue
            if filters[0] == "media_website_url" and organization.get("media_website_url") != wanted:
                continue
            if filters[0] == "cms_sites_references":
                sites = {w.get("reference") for w in organization.get("websites") or []}
                if not sites & set(wanted.split(",")):
                    continue
            if since and str(organization.get("updated_at") or "")[:10] < since:
                continue
            found.append(self._embedded(entry, flags))
        return self._paged(request, found, "organizations")

    def _media(self, request: Request, name: str) -> Reply:
        colors = {"logo.png": "#224488", "cover-fr.png": "#884422"}
        return 200, {"Content-Type": "image/png"}, png(64, 48, colors.get(name, "#448822"))
