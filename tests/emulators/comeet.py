"""A loopback emulator of Comeet's Careers API and Recruiting API (../../shared/api/comeet.md).

    emu = ComeetEmulator()
    with emu:
        emu.careers_url      # api_url for api = "careers": {url}/careers-api/2.0
        emu.url              # api_url for api = "recruiting"
        emu.fail("careers", 503, times=2)   # the next two careers calls answer 503

The Careers list returns the positions in `positions` (by default `careers_positions(...)`), with
`details` shuffled on every call (only `order` orders them) and without `details` and
`categories` unless `details=true`. The Recruiting API checks each request's JWT (HS256 with
`secret`, `iss` = `api_key`, an `exp` in the future and at most 10 minutes away) and pages
`recruiting_positions` with absolute `next_page` URLs.
"""

from __future__ import annotations

import copy
import io
import random
import time
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import jwt
from PIL import Image as PILImage

from .base import Emulator, Reply, Request

COMPANY_UID = "30.005"
# Distinctive values, so tests can grep logs and files for them.
TOKEN = "5E7236A0BCE5E7295111B55E70BCE7E57"
API_KEY = "apikey-emulated-4f1c2d9e"
SECRET = "secret-emulated-9a8b7c6d5e4f3a2b"
READ_POSITIONS = "Positions: Retrieve positions"
READ_SALARY = "Positions: Read position salary range"
HOSTILE_HTML = (
    '<p>Sell <b>things</b> you love.</p><script>alert("x")</script>'
    '<p><img src="x" onerror="alert(1)">Read <a href="javascript:alert(1)">this</a> '
    '<a href="https://example.com/about" onclick="steal()">about us</a></p>'
)


def png(width: int = 4, height: int = 3) -> bytes:
    """Return a small PNG picture."""
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 90)).save(out, format="PNG")
    return out.getvalue()


def _location(uid: str, name: str, city: str, country: Any, **extra: Any) -> dict[str, Any]:
    location = {
        "name": name,
        "country": country,
        "city": city,
        "state": None,
        "postal_code": None,
        "street_name": None,
        "street_number": None,
        "arrival_instructions": None,
        "timezone": None,
        "location_uid": uid,
        "is_remote": False,
    }
    location.update(extra)
    return location


def careers_positions(base_url: str, company_uid: str = COMPANY_UID, token: str = TOKEN) -> list[dict[str, Any]]:
    """Return Careers API positions covering every mapping rule (Hebrew text, nulls, missing keys, hostile HTML)."""

    def urls(uid: str, slug: str) -> dict[str, str]:
        hosted = f"https://www.comeet.co/jobs/acme/{company_uid}/{slug}/{uid}"
        return {
            "url_comeet_hosted_page": hosted,
            "url_active_page": hosted,
            "position_url": f"{base_url}/careers-api/2.0/company/{company_uid}/positions/{uid}?token={token}",
        }

    return [
        {
            "uid": "87.405",
            "name": "Account Executive, Austin",
            "department": "Sales",
            "email": "jobs.87405@mail.comeet.co",
            "workplace_type": "Remote",
            **urls("87.405", "account-executive-austin"),
            "employment_type": "Full-time",
            "experience_level": "Intermediate",
            "internal_use_custom_id": None,
            "picture_url": f"{base_url}/media/account-executive.png",
            "time_updated": "2026-10-20T14:22:46Z",
            "company_name": "Acme Tech",
            "location": _location(
                "L-AUS", "Austin, TX", "Austin", "US", state="TX", postal_code="78701", street_name="Congress Ave", street_number="500"
            ),
            "categories": [
                {"name": "Function", "value": "Sales", "order": 1},
                {"name": "Team", "value": None, "order": 2},
            ],
            "details": [
                {"name": "Description", "value": HOSTILE_HTML, "order": 1},
                {"name": "Requirements", "value": "<ul><li>3 years selling software</li><li>English</li></ul>", "order": 2},
                {"name": "Benefits", "value": None, "order": 3},
            ],
        },
        {
            "uid": "87.406",
            "name": "מפתח/ת Backend בכיר/ה",
            "department": "פיתוח",
            "workplace_type": "On-site",
            **urls("87.406", "backend-developer"),
            "employment_type": "Full Time",
            "experience_level": "Senior",
            "picture_url": None,
            "time_updated": "2026-10-18T08:00:00Z",
            "company_name": "Acme Tech",
            "location": _location("L-TLV", "תל אביב", "Tel Aviv", "IL", street_name="Rothschild Blvd", street_number="3", timezone="Asia/Jerusalem"),
            "categories": [{"name": "תחום", "value": "הנדסה", "order": 1}],
            "details": [
                {"name": "תיאור המשרה", "value": "<p>אנחנו מחפשים מפתח/ת Backend מנוסה.</p>", "order": 1},
                {"name": "דרישות", "value": "<ul><li>Python</li><li>עברית ואנגלית</li></ul>", "order": 2},
            ],
        },
        {
            "uid": "87.407",
            "name": "Product Designer",
            "department": "Design",
            "workplace_type": "Hybrid",
            **urls("87.407", "product-designer"),
            "employment_type": "Part-time",
            "experience_level": "Senior",
            "time_updated": "2026-10-15T10:30:00Z",
            "company_name": "Acme Tech",
            "location": _location("L-LON", "London", "London", "UK", postal_code="EC1V 9HX", street_name="City Road", street_number="1"),
            "categories": [{"name": "Function", "value": "Design", "order": 1}],
            "details": [
                {"name": "Blank", "value": "   ", "order": 0},
                {"name": "About the role", "value": "<p>Design the product.</p>", "order": 1},
                {"name": "Empty", "value": "<p> </p>", "order": 2},
                {"name": "Requirements", "value": "Figma and a portfolio", "order": 3},
            ],
        },
        {
            # An older payload: no workplace_type, the deprecated is_remote, nulls everywhere.
            "uid": "87.408",
            "name": "Support Engineer",
            "department": None,
            **urls("87.408", "support-engineer"),
            "employment_type": None,
            "experience_level": None,
            "picture_url": None,
            "time_updated": "2026-10-12T09:00:00Z",
            "company_name": "Acme Tech",
            "location": _location("L-BER", "Berlin", "Berlin", "DE", is_remote=True),
            "details": [{"name": "Description", "value": "<p>Help our customers.</p>", "order": 1}],
        },
        {
            "uid": "87.409",
            "name": "Backend Engineer",
            "department": "פיתוח",
            "workplace_type": "Hybrid",
            **urls("87.409", "backend-engineer"),
            "employment_type": "Contract",
            "time_updated": "2026-10-10T12:00:00Z",
            "company_name": "Acme Tech",
            "location": _location("L-TLV", "תל אביב", "Tel Aviv", "IL", street_name="Rothschild Blvd", street_number="3"),
            "categories": [],
            "details": [{"name": "Description", "value": "<p>Build the <em>API</em>.</p>", "order": 1}],
        },
    ]


def recruiting_positions(base_url: str) -> list[dict[str, Any]]:
    """Return Recruiting API positions: the Careers ones plus closed, on-hold, unpublished and talent-pool positions."""
    positions = []
    for position in careers_positions(base_url):
        position = copy.deepcopy(position)
        position.pop("position_url")
        position["url_recruit_hosted_page"] = position.pop("url_comeet_hosted_page")
        position["location"]["uid"] = position["location"].pop("location_uid")
        position.update(
            {"status": "open", "is_published": True, "is_discreet": False, "is_talent_pool": False, "URL": "https://app.comeet.co/app/pos"}
        )
        positions.append(position)
    positions[0]["salary_range"] = {"min": 90000, "max": 120000, "currency_code": "USD", "period": "annually"}
    positions[2]["salary_range"] = {"min": 3000, "max": 4000, "currency_code": "GBP", "period": "monhtly"}
    hidden = [
        ("90.001", "Closed Role", {"status": "closed"}),
        ("90.002", "On Hold Role", {"status": "on hold"}),
        ("90.003", "Unpublished Role", {"is_published": False}),
        ("90.004", "General Application", {"is_talent_pool": True}),
    ]
    for uid, name, flags in hidden:
        position = copy.deepcopy(positions[3])
        position.update({"uid": uid, "name": name, **flags})
        positions.append(position)
    return positions


RESETTABLE = {"requests", "positions", "careers_body", "recruiting", "page_size", "next_page", "permissions", "failures", "claims", "served"}


@dataclass
class ComeetEmulator(Emulator):
    company_uid: str = COMPANY_UID
    token: str = TOKEN
    api_key: str = API_KEY
    secret: str = SECRET
    positions: list[dict[str, Any]] | None = None  # Careers list; None: careers_positions(url)
    careers_body: Any = None  # replaces the whole Careers 200 body when set (e.g. {} or [])
    recruiting: list[dict[str, Any]] | None = None  # Recruiting positions; None: recruiting_positions(url)
    page_size: int = 500
    next_page: str | None = None  # forces every Recruiting page's next_page when set
    permissions: set[str] = field(default_factory=lambda: {READ_POSITIONS, READ_SALARY})
    failures: dict[str, list[Reply]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)  # every valid JWT's claims
    served: list[list[dict[str, Any]]] = field(default_factory=list)  # every Careers list sent
    seed: int = 7

    def __post_init__(self) -> None:
        self.reset()
        self.route(r"/careers-api/2\.0/company/(?P<uid>[^/]+)/positions")(self._careers)
        self.route(r"/positions/?")(self._recruiting)
        self.route(r"/media/(?P<name>[^/]+)")(lambda request, name: (200, {"Content-Type": "image/png"}, png()))

    def reset(self) -> None:
        """Forget requests and settings, so one running server can serve many tests."""
        for f in fields(ComeetEmulator):
            if f.name in RESETTABLE:
                setattr(self, f.name, f.default_factory() if f.default_factory is not MISSING else f.default)
        self.shuffler = random.Random(self.seed)

    @property
    def careers_url(self) -> str:
        return f"{self.url}/careers-api/2.0"

    def fail(self, api: str, status: int, body: Any = None, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` calls to `api` ("careers" or "recruiting") with this reply."""
        self.failures.setdefault(api, []).extend([(status, headers or {}, body if body is not None else {})] * times)

    def _failure(self, api: str) -> Reply | None:
        with self.lock:
            queue = self.failures.get(api)
            return queue.pop(0) if queue else None

    def _careers(self, request: Request, uid: str) -> Reply:
        failure = self._failure("careers")
        if failure:
            return failure
        if not request.query.get("token"):
            return 400, {}, {"message": "Token is missing"}
        if uid != self.company_uid:
            return 404, {}, {"message": "Company not found"}
        if request.query["token"] != self.token:
            return 401, {}, {"message": "Invalid token"}
        if self.careers_body is not None:
            return 200, {}, self.careers_body
        positions = copy.deepcopy(self.positions if self.positions is not None else careers_positions(self.url, self.company_uid, self.token))
        for position in positions:
            if request.query.get("details") != "true":
                position.pop("details", None)
                position.pop("categories", None)
            elif isinstance(position.get("details"), list):
                with self.lock:
                    self.shuffler.shuffle(position["details"])
        with self.lock:
            self.served.append(positions)
        return 200, {}, positions

    def _recruiting(self, request: Request) -> Reply:
        failure = self._failure("recruiting")
        if failure:
            return failure
        refused = self._check_jwt(request.headers.get("authorization", ""))
        if refused:
            return 401, {}, {"status": 401, "error": "unauthorized", "message": refused}
        if READ_POSITIONS not in self.permissions:
            return 403, {}, {"status": 403, "error": "no_permission", "message": "You do not have permission to perform this action"}
        positions = copy.deepcopy(self.recruiting if self.recruiting is not None else recruiting_positions(self.url))
        status = request.query.get("status")
        if status:
            positions = [p for p in positions if p.get("status") == status]
        if READ_SALARY not in self.permissions:
            for position in positions:
                position.pop("salary_range", None)
        limit = min(int(request.query.get("limit", "100")), self.page_size)
        page = int(request.query.get("page", "1"))
        chunk = positions[(page - 1) * limit : page * limit]
        more = page * limit < len(positions)
        next_page = self.next_page or (f"{self.url}/positions?status={status or ''}&limit={limit}&page={page + 1}" if more else None)
        return 200, {}, {"positions": chunk, "next_page": next_page}

    def _check_jwt(self, header: str) -> str | None:
        """Return why the Authorization header is refused, or None when its JWT is good."""
        if not header.startswith("Bearer "):
            return "Missing bearer token"
        try:
            claims = jwt.decode(header[len("Bearer ") :], self.secret, algorithms=["HS256"], options={"require": ["exp", "iss"]})
        except jwt.InvalidTokenError as exc:
            return f"Invalid token: {type(exc).__name__}"
        if claims["iss"] != self.api_key:
            return "Unknown api key"
        if claims["exp"] > time.time() + 600 + 5:
            return "Token lifetime too long"
        with self.lock:
            self.claims.append(claims)
        return None
