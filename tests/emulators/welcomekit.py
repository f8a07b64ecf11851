"""A Welcome Kit external API on loopback, shaped like ../../../shared/api/welcomekit.md.

    emu = WelcomeKitEmulator()           # one organization, Pg4eV6k, with tricky data
    with emu:
        emu.reset(leak_unpublished=True)  # fresh state, same server
        emu.api_url                      # "http://127.0.0.1:<port>/api/v1"
        emu.fail("/external/jobs", 503)  # the next jobs request answers 503
        emu.scopes.discard("images_r")   # the token loses a scope

What it imitates: bare JSON arrays, `page`/`per_page` paging with X-Total/X-Total-Pages headers
on /jobs (optional elsewhere), params validated before auth, the documented error bodies
({"error": "...", "error_description": "..."}), drafts and archived jobs, the default
spontaneous job, several languages, hostile HTML. Images are served as real PNGs under /media.
"""

from __future__ import annotations

import copy
import io
import math
import time
from typing import Any

from PIL import Image as PILImage

from .base import Emulator, Reply, Request

TOKEN = "wk-test-3f9c1a7e5b2d4c6a8e0f1b3d5c7a9e1f"
REFERENCE = "Pg4eV6k"
SCOPES = {"jobs_r", "offices_r", "departments_r", "organizations_r", "images_r"}
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
        self.route(r"/api/v1/external/(?P<kind>jobs|offices|departments|images)")(self._list)
        self.route(r"/api/v1/external/organizations/(?P<reference>[^/]+)")(self._organization)
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
        return self

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

    def _guard(self, request: Request, scope: str) -> Reply | None:
        """Failures first, then auth, then scope: the order Welcome Kit seems to use."""
        if self.hang.get(request.path):
            time.sleep(self.hang[request.path])
        queued = self.queued.get(request.path)
        if queued:
            return queued.pop(0)
        header = request.headers.get("authorization", "")
        if header.lower() != f"bearer {self.token}".lower() and request.query.get("access_token") != self.token:
            return 401, {}, {"error": "unauthorized", "error_description": "Invalid access token"}
        if scope not in self.scopes and scope.replace("_r", "_rw") not in self.scopes:
            return 403, {}, {"error": "invalid_scope", "error_description": f"Missing scope {scope}"}
        return None

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
        failure = self._guard(request, "organizations_r")
        if failure:
            return failure
        organization = self.organizations.get(reference)
        if organization is None:
            return 404, {}, {"error": "not_found", "error_description": "Organization not found"}
        return 200, {}, self._expand(organization["organization"])

    def _media(self, request: Request, name: str) -> Reply:
        colors = {"logo.png": "#224488", "cover-fr.png": "#884422"}
        return 200, {"Content-Type": "image/png"}, png(64, 48, colors.get(name, "#448822"))
