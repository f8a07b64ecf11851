"""The Comeet (Spark Hire Recruit) source: the public Careers API, or the server-side Recruiting API.

    api = "careers"     GET {api_url}/company/{company_uid}/positions?token=T&details=true
                        one bare JSON array holding every published position
    api = "recruiting"  GET {api_url}/positions?status=open&limit=500, then each `next_page`
                        with `Authorization: Bearer <JWT HS256 {iss: api-key, exp}>`

Neither API has company, department or office endpoints: departments and offices are built
from the positions themselves (../shared/api/comeet.md, "Company, departments, offices").
"""

from __future__ import annotations

import math
import re
import time
import warnings
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
import jwt.warnings

from ..config import Option
from ..errors import HttpError, SourceError
from ..http import RETRY_STATUSES, HttpClient
from ..model import Department, Image, Job, Office, Organization, Remote, Salary, Section, SourceData, slugify
from ..normalize import (
    BLOCK_TAG,
    ascii_id,
    country_code,
    currency_code,
    employment_from_text,
    hashed_id,
    iso_datetime,
    parse_number,
    plain_text,
    safe_url,
    sanitize_html,
)
from . import Source

CAREERS_URL = "https://www.comeet.co/careers-api/2.0"
RECRUITING_URL = "https://api.comeet.co"
JWT_LIFETIME = 600  # seconds; the docs' pyjwt sample uses now + 600
WHERE_TOKEN = "the company token from Comeet, Settings → Careers Website"
POSITIONS_PERMISSION = '"Positions: Retrieve positions"'
# Comeet documents "monhtly" [sic] for salary_range.period (Create a Position); accept both spellings.
SALARY_PERIODS = {"hourly": "HOUR", "daily": "DAY", "weekly": "WEEK", "monhtly": "MONTH", "monthly": "MONTH", "annually": "YEAR", "yearly": "YEAR"}
WORKPLACE_TYPES = {"remote": Remote.FULL, "hybrid": Remote.HYBRID, "onsite": Remote.NO}


class UnpublishableError(ValueError):
    """A position that cannot be published; the message says why."""


def parse_sections(details: Any) -> tuple[Section, ...]:
    """Turn `details[]` into sections sorted by `order`, dropping null or blank values."""
    if not isinstance(details, list):
        return ()
    rows = [d for d in details if isinstance(d, dict)]
    # The order of `details` in the payload is not guaranteed; `order` is.
    ordered = sorted(enumerate(rows), key=lambda pair: (_order(pair[1].get("order")), pair[0]))
    sections = []
    for _, row in ordered:
        value = row.get("value")
        html = sanitize_html(value) if isinstance(value, str) else ""
        if not plain_text(html):
            continue
        if not BLOCK_TAG.search(html):
            html = f"<p>{html}</p>"  # plain text: keep it a paragraph
        name = row.get("name")
        sections.append(Section(title=name.strip() if isinstance(name, str) else "", html=html))
    return tuple(sections)


def parse_categories(categories: Any) -> tuple[tuple[str, str], ...]:
    """Return the custom categories as (name, value) pairs in `order`, skipping null values."""
    if not isinstance(categories, list):
        return ()
    rows = [c for c in categories if isinstance(c, dict)]
    rows = [row for _, row in sorted(enumerate(rows), key=lambda pair: (_order(pair[1].get("order")), pair[0]))]
    pairs = []
    for row in rows:
        name, value = _text(row.get("name")), _text(row.get("value"))
        if name and value:
            pairs.append((name, value))
    return tuple(pairs)


def parse_office(location: Any) -> Office | None:
    """Return the office of a position's `location`, or None when it names no place."""
    if not isinstance(location, dict):
        return None
    city = _text(location.get("city"))
    country = country_code(location.get("country"))
    name = _text(location.get("name")) or city or _text(location.get("country"))
    if not name:
        return None
    # Careers calls the key `location_uid`, the Recruiting API `uid` (comeet.md, location object).
    uid = _text(location.get("location_uid")) or _text(location.get("uid"))
    place = "|".join(part or "" for part in (name, city, country))
    street = " ".join(part for part in (_text(location.get("street_number")), _text(location.get("street_name"))) if part)
    return Office(
        # Without a uid the id makes the office's URL when its name has no slug (Hebrew): the city's
        # slug if it has one, else a stable ASCII id of its own, never just the country code.
        id=uid or (place if slugify(name) or slugify(city or "") else hashed_id("location", place)),
        name=name,
        street=street or None,
        city=city,
        region=_text(location.get("state")),
        postal_code=_text(location.get("postal_code")),
        country=country,
    )


def parse_remote(workplace_type: Any, location: Any) -> Remote:
    """Map `workplace_type` (Remote, Hybrid, On-site) and the deprecated `location.is_remote`."""
    if isinstance(workplace_type, str) and workplace_type.strip():
        key = re.sub(r"[^a-z]", "", workplace_type.lower())
        if key in WORKPLACE_TYPES:
            return WORKPLACE_TYPES[key]
    # `is_remote` is deprecated "by Dec 31 2023" but still sent; only trust it without workplace_type.
    elif isinstance(location, dict) and location.get("is_remote") is True:
        return Remote.FULL
    return Remote.NO


def parse_salary(salary_range: Any) -> Salary | None:
    """Return the Recruiting API's `salary_range` as a Salary, or None when it is absent or unusable."""
    if not isinstance(salary_range, dict):
        return None
    currency = currency_code(salary_range.get("currency_code"))
    unit = SALARY_PERIODS.get(str(salary_range.get("period") or "").strip().lower())
    low, high = parse_number(salary_range.get("min")), parse_number(salary_range.get("max"))
    if low is not None and high is not None and low > high:
        low, high = high, low
    # A salary of 0 is a form left at its default, never an offer.
    if not currency or not unit or not any((low, high)):
        return None
    return Salary(currency=currency, unit=unit, min=low, max=high)


def parse_position(position: dict[str, Any], source: str, offices: dict[str, Office] | None = None) -> Job:
    """Map one position to a Job; raise UnpublishableError when it cannot be published."""
    uid = _text(position.get("uid"))
    if not uid or not uid.isprintable():  # a line break or a control character is no uid
        raise UnpublishableError("a position has no uid")
    title = " ".join((_text(position.get("name")) or "").split())  # one line: it heads the page and every warning
    if not title:
        raise UnpublishableError(f"position {uid} has no name")
    sections = parse_sections(position.get("details"))
    if not sections:
        raise UnpublishableError(f"position {uid} ({title}) has no description: every `details` value is empty; fill in its description in Comeet")
    updated = iso_datetime(position.get("time_updated"))
    if not updated:
        raise UnpublishableError(f"position {uid} ({title}) has no valid time_updated ({position.get('time_updated')!r})")
    office = parse_office(position.get("location"))
    if office is not None and offices is not None:
        office = offices.setdefault(office.id, office)  # one Office per location uid
    department = _text(position.get("department"))
    employment = _text(position.get("employment_type"))
    kind = employment_from_text(employment)
    picture = safe_url(position.get("picture_url"))
    return Job(
        source=source,
        id=uid,
        title=title,
        date_posted=updated,  # neither API has a created or published date (comeet.md)
        updated_at=updated,
        sections=sections,
        department=Department(id=ascii_id("department", department), name=department) if department else None,
        offices=(office,) if office else (),
        employment_types=(kind,) if kind else (),
        employment_label=employment,
        remote=parse_remote(position.get("workplace_type"), position.get("location")),
        salary=parse_salary(position.get("salary_range")),
        experience_label=_text(position.get("experience_level")),
        apply_url=safe_url(position.get("url_active_page"))
        or safe_url(position.get("url_recruit_hosted_page"))
        or safe_url(position.get("url_comeet_hosted_page")),
        categories=parse_categories(position.get("categories")),
        image=Image(url=picture) if picture else None,
    )


def is_listed(position: dict[str, Any], include_talent_pool: bool = False) -> bool:
    """Return whether a Recruiting API position is open and published on the company website."""
    if str(position.get("status") or "").strip().lower() != "open" or position.get("is_published") is not True:
        return False
    return include_talent_pool or position.get("is_talent_pool") is not True


def parse_positions(positions: list[Any], source: str, where: str) -> SourceData:
    """Map a list of positions to SourceData; a position that cannot be published becomes a warning."""
    jobs: list[Job] = []
    offices: dict[str, Office] = {}
    departments: dict[str, Department] = {}
    notes: list[str] = []
    seen: set[str] = set()
    company = ""
    for index, position in enumerate(positions):
        if not isinstance(position, dict):
            raise SourceError(source, f"GET {where}: item {index} of the list is not a position object; check api_url")
        company = company or _text(position.get("company_name")) or ""
        try:
            job = parse_position(position, source, offices)
        except UnpublishableError as exc:
            notes.append(f"{exc}; it is not published")
            continue
        if job.id in seen:
            notes.append(f"position {job.id} is listed twice; the first copy is published")
            continue
        seen.add(job.id)
        if job.department:
            departments.setdefault(job.department.id, job.department)
        if job.remote is Remote.FULL and not job.countries:
            notes.append(
                f"position {job.id} ({job.title}) is remote but its location has no country, so its markup lacks applicantLocationRequirements; set the location's country in Comeet"
            )
        elif not job.offices and job.remote is not Remote.FULL:
            notes.append(f"position {job.id} ({job.title}) has no location, so its markup lacks jobLocation; set its location in Comeet")
        elif any(not office.country for office in job.offices):
            notes.append(
                f"position {job.id} ({job.title}): its location has no valid country, so its markup lacks addressCountry; set the location's country in Comeet"
            )
        jobs.append(job)
    used = {office.id for job in jobs for office in job.offices}
    return SourceData(
        jobs=jobs,
        offices=[office for key, office in offices.items() if key in used],
        departments=list(departments.values()),
        organization=Organization(name=company),
        warnings=notes,
    )


def mint_jwt(api_key: str, secret: str, now: float | None = None) -> str:
    """Return a short-lived Recruiting API token: HS256 over {"iss": api-key, "exp": now + 600}."""
    issued = int(time.time() if now is None else now)
    with warnings.catch_warnings():
        # Comeet issues the secret; pyjwt >= 2.10 warns when it is under 32 bytes, on every request.
        warnings.simplefilter("ignore", getattr(jwt.warnings, "InsecureKeyLengthWarning", UserWarning))
        return jwt.encode({"iss": api_key, "exp": issued + JWT_LIFETIME}, secret, algorithm="HS256")


class ComeetSource(Source):
    """Read published positions from Comeet's Careers API (or its Recruiting API)."""

    TYPE = "comeet"
    # The Recruiting API allows 100 requests per 60 seconds; the Careers list is one request.
    RATE = 100 / 60
    BURST = 5
    OPTIONS = {
        "api": Option(str, default="careers", choices=("careers", "recruiting"), help="which Comeet API to read"),
        "company_uid": Option(str, help="the company UID, e.g. 30.005 (Settings → Careers Website); required for the Careers API"),
        "api_url": Option(str, help=f"base URL; defaults to {CAREERS_URL} (careers) or {RECRUITING_URL} (recruiting)"),
        "token_env": Option(str, default="COMEET_TOKEN", help="variable holding the Careers API token"),
        "api_key_env": Option(str, default="COMEET_API_KEY", help="variable holding the Recruiting API api-key"),
        "secret_env": Option(str, default="COMEET_SECRET", help="variable holding the Recruiting API secret"),
        "include_talent_pool": Option(bool, default=False, help="also publish open talent-pool positions (Recruiting API)"),
    }

    @classmethod
    def validate(cls, values: dict[str, Any]) -> list[str]:
        problems = []
        if values.get("api", "careers") == "careers" and not (values.get("company_uid") or "").strip():
            problems.append('company_uid: required for the Careers API; copy it from Comeet, Settings → Careers Website (e.g. "30.005")')
        return problems

    @property
    def recruiting(self) -> bool:
        return self.config.get("api", "careers") == "recruiting"

    def fetch(self) -> SourceData:
        return self._fetch_recruiting() if self.recruiting else self._fetch_careers()

    def _fetch_careers(self) -> SourceData:
        token = self.secret("token_env", WHERE_TOKEN)
        uid = self.config["company_uid"].strip()
        # The token travels in the query string (comeet.md, "Careers API"): the client redacts it.
        with self.client(self.config.get("api_url", CAREERS_URL), secrets=(token,), params={"token": token}) as client:
            # Without details=true the list has neither `details` nor `categories`.
            response = self._get(client, f"company/{quote(uid, safe='')}/positions", {"details": "true"})
        if not isinstance(response.data, list):
            raise SourceError(
                self.name,
                f"GET {response.path} answered {_kind(response.data)} instead of the list of positions; check api_url (it should end in /careers-api/2.0)",
            )
        return parse_positions(response.data, self.name, response.path)

    def _fetch_recruiting(self) -> SourceData:
        api_key = self.secret("api_key_env", "the account's api-key from the Comeet integration")
        secret = self.secret("secret_env", "the app's secret from your Comeet representative")
        base = self.config.get("api_url", RECRUITING_URL)
        positions: list[Any] = []
        with self.client(base, secrets=(api_key, secret)) as client:
            client.auth_refresh = lambda: {"Authorization": f"Bearer {mint_jwt(api_key, secret)}"}
            page: str | None = "positions?status=open&limit=500"
            visited: set[str] = set()
            while page:
                response = self._get(client, page, None)
                data = response.data
                if not isinstance(data, dict) or not isinstance(data.get("positions"), list):
                    raise SourceError(
                        self.name,
                        f'GET {response.path} answered {_kind(data)} without a "positions" list; check api_url (it should be {RECRUITING_URL})',
                    )
                positions.extend(data["positions"])
                visited.add(page)
                page = self._next_page(client, data.get("next_page"), base, visited)
        listed = [p for p in positions if not isinstance(p, dict) or is_listed(p, bool(self.config.get("include_talent_pool")))]
        return parse_positions(listed, self.name, "/positions")

    def _next_page(self, client: HttpClient, value: Any, base: str, visited: set[str]) -> str | None:
        if not value or isinstance(value, str) and not value.strip():
            return None
        page = value.strip() if isinstance(value, str) else ""
        try:
            parts, home = urlsplit(page), urlsplit(base)
        except ValueError:  # "http://[::1": a broken IPv6 host
            page = ""
        if not page:
            shown = client.redact(" ".join(str(value).split()))[:100]
            raise SourceError(
                self.name,
                f"next_page {shown!r} is not a URL, so the next pages cannot be read; rebuild later, and report it to Comeet if it persists",
            )
        shown = client.redact(parts.path + (f"?{parts.query}" if parts.query else ""))
        # next_page is an absolute URL (comeet.md, "Recruiting API"); the JWT only ever goes to api_url's host.
        if parts.netloc and (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
            raise SourceError(
                self.name,
                f"next_page {shown} points to {parts.scheme}://{parts.netloc}, not {home.scheme}://{home.netloc}; the credentials are never sent elsewhere: set api_url to the host Comeet uses",
            )
        if page in visited:
            raise SourceError(
                self.name, f"next_page {shown} was already read, so the pages loop; rebuild later, and report it to Comeet if it persists"
            )
        return page

    def _get(self, client: HttpClient, path: str, params: dict[str, str] | None) -> Any:
        retried = False
        while True:
            try:
                return client.get_json(path, params)
            except HttpError as exc:
                # A JWT can be refused on a clock edge; clients re-mint it and retry once (comeet.md).
                if self.recruiting and exc.status == 401 and not retried:
                    retried = True
                    continue
                raise self._explain(exc, client) from None

    def _explain(self, exc: HttpError, client: HttpClient) -> SourceError:
        """Turn an HTTP failure into one line that says what to do."""
        status, path = exc.status, exc.path
        said = _message(exc.body, client.redact)
        answered = f"GET {path} answered HTTP {status}{f': {said}' if said else ''}"
        attempts = client.retries + 1
        if status == 429:
            limit = " (the Recruiting API allows 100 requests per 60 seconds)" if self.recruiting else ""
            return SourceError(
                self.name, f"GET {path} was still rate limited (HTTP 429) after {attempts} attempts{limit}; wait a few minutes and rebuild"
            )
        if status in RETRY_STATUSES:
            return SourceError(
                self.name,
                f"GET {path} failed with HTTP {status} after {attempts} attempts; Comeet is having trouble, rebuild later (the previous site stays online)",
            )
        if status is None or status < 400:
            # Network failures and unreadable bodies: HttpError already names the path and the cause.
            return SourceError(self.name, f"{str(exc).removeprefix(f'source {self.name}: ')}; check api_url and the network, then rebuild")
        if self.recruiting:
            keys = f"{self._variable('api_key_env')} (the account's api-key) and {self._variable('secret_env')} (the app's secret)"
            if status == 401:
                return SourceError(self.name, f"{answered}; the JWT was refused: check {keys}, and that this machine's clock is right")
            if status == 403:
                return SourceError(
                    self.name,
                    f"{answered}; the integration lacks the {POSITIONS_PERMISSION} permission: ask your Comeet representative to add it, then have an Admin revoke access and enable the integration again",
                )
            if status == 404:
                return SourceError(self.name, f"{answered}; check api_url (the Recruiting API is at {RECRUITING_URL})")
            return SourceError(self.name, f"{answered}; check api_url and the credentials in {keys}")
        variable = self._variable("token_env")
        uid = self.config["company_uid"]
        if said and said.lower() == "token is missing":
            return SourceError(self.name, f"{answered}; set {variable} to the company token (Comeet, Settings → Careers Website)")
        if status in (401, 403):
            return SourceError(
                self.name, f"{answered}; the token was refused: set {variable} to the token of company {uid} (Comeet, Settings → Careers Website)"
            )
        if status == 404:
            return SourceError(
                self.name, f"{answered}; company {uid} was not found: check company_uid (Comeet shows it under Settings → Careers Website)"
            )
        return SourceError(self.name, f"{answered}; check company_uid, api_url and {variable}")

    def _variable(self, option: str) -> str:
        return str(self.config.get(option) or self.OPTIONS[option].default)


def _order(value: Any) -> float:
    """Return a sort key for `order`: a number (negative ones too), else last."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return math.inf
        return number if not math.isnan(number) else math.inf
    amount = parse_number(value)
    return amount if amount is not None else math.inf


def _text(value: Any) -> str | None:
    """Return a stripped string, or None for null, blank or non-text values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _kind(data: Any) -> str:
    if isinstance(data, dict):
        return "a JSON object" if data else "an empty JSON object"
    if isinstance(data, list):
        return "a JSON list"
    return f"a JSON {type(data).__name__}"


def _message(body: Any, clean: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return " ".join(str(clean(value)).split())[:200]  # one line, whatever Comeet wrote
    return ""


SOURCE = ComeetSource
