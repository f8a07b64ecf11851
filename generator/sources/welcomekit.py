"""The Welcome Kit (Welcome to the Jungle) source: published jobs from the external REST API.

    GET /external/organizations/R                               organizations_r  name, logo, cover, texts
    GET /external/offices?organization_reference=R              offices_r        (paged)
    GET /external/departments?organization_reference=R          departments_r    (paged)
    GET /external/images?organization_reference=R               images_r         (paged) the gallery
    GET /external/jobs?organization_reference=R&status=published jobs_r          (paged)

Docs and quirks: ../../../shared/api/welcomekit.md; field rules: ../../../shared/api/mapping.md.
The fetching (`WelcomeKitSource`) is kept apart from the pure `parse_*` functions, which turn the
raw payloads into the model and never see the network.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..config import Option
from ..errors import HttpError, SourceError
from ..http import RETRY_STATUSES, HttpClient, Response
from ..model import Department, Image, Job, Office, Organization, Remote, Salary, Section, SourceData, slugify
from ..normalize import country_code, currency_code, hashed_id, html_or_markdown, iso_datetime, markdown_to_html, parse_number, plain_text, safe_url
from . import Source

log = logging.getLogger(__name__)

API_URL = "https://www.welcomekit.co/api/v1"
MAX_PAGES = 1000  # a guard against a server that ignores `page`; 100,000 jobs is far beyond any careers site

# The default "Spontaneous job" is part of every job list and has no flag in REST (welcomekit.md,
# "Which jobs are published"); mapping.md names it by this pattern.
OPEN_APPLICATION = re.compile(r"candidature(s)? spontan|spontaneous application|open application", re.IGNORECASE)

# contract_type -> employmentType, exactly as mapping.md; anything else is OTHER.
EMPLOYMENT = {
    "FULL_TIME": "FULL_TIME",
    "PART_TIME": "PART_TIME",
    "TEMPORARY": "TEMPORARY",
    "FREELANCE": "CONTRACTOR",
    "INTERNSHIP": "INTERN",
    "APPRENTICESHIP": "OTHER",
    "VIE": "TEMPORARY",
}
# Welcome Kit's own wording (the en/fr labels of /external/jobs/dependencies), shown next to the
# generic contract name. The pre-2016 values still appear on old jobs (welcomekit.md, Job fields).
CONTRACT_LABELS = {
    "en": {
        "FULL_TIME": "Full-Time", "PART_TIME": "Part-Time", "TEMPORARY": "Temporary", "FREELANCE": "Freelance",
        "INTERNSHIP": "Internship", "APPRENTICESHIP": "Apprenticeship", "VIE": "VIE (international volunteer)",
        "UNLIMITED": "Permanent", "LIMITED": "Fixed-term", "INTERIM": "Interim", "SALARIED": "Salaried",
        "APPRENTICE": "Apprentice", "FRANCHISE": "Franchise",
    },
    "fr": {
        "FULL_TIME": "CDI", "PART_TIME": "Temps partiel", "TEMPORARY": "CDD / Temporaire", "FREELANCE": "Freelance",
        "INTERNSHIP": "Stage", "APPRENTICESHIP": "Alternance", "VIE": "VIE", "UNLIMITED": "CDI", "LIMITED": "CDD",
        "INTERIM": "Intérim", "SALARIED": "Salarié", "APPRENTICE": "Apprentissage", "FRANCHISE": "Franchise",
    },
}  # fmt: skip
# A label that only repeats the generic contract name the theme already shows is left out.
GENERIC_CONTRACT_WORDS = {
    "FULL_TIME": "full time",
    "PART_TIME": "part time",
    "TEMPORARY": "temporary",
    "INTERN": "internship",
    "CONTRACTOR": "contractor",
}

# experience_level -> (lower bound in months, en label, fr label). The lowest level gets no bound:
# "0 months" would say nothing Google can use.
EXPERIENCE = {
    "LESS_THAN_6_MONTHS": (None, "Less than 6 months", "Moins de 6 mois"),
    "6_MONTHS_TO_1_YEAR": (6, "6 months to 1 year", "6 mois à 1 an"),
    "1_TO_2_YEARS": (12, "1 to 2 years", "1 à 2 ans"),
    "2_TO_3_YEARS": (24, "2 to 3 years", "2 à 3 ans"),
    "3_TO_4_YEARS": (36, "3 to 4 years", "3 à 4 ans"),
    "4_TO_5_YEARS": (48, "4 to 5 years", "4 à 5 ans"),
    "5_TO_7_YEARS": (60, "5 to 7 years", "5 à 7 ans"),
    "7_TO_10_YEARS": (84, "7 to 10 years", "7 à 10 ans"),
    "10_TO_15_YEARS": (120, "10 to 15 years", "10 à 15 ans"),
    "MORE_THAN_15_YEARS": (180, "More than 15 years", "Plus de 15 ans"),
}
# education_level -> (Google credentialCategory or None, en label, fr label). Only levels that
# are that credential map to one: BAC_1 and BAC_4 are no degree of their own, CAP/BEP are not
# what Google means by a professional certificate, and "no diploma" has no category.
EDUCATION = {
    "NO_DIPLOMA": (None, "No diploma", "Sans diplôme"),
    "CAP": (None, "CAP (vocational)", "CAP"),
    "BEP": (None, "BEP (vocational)", "BEP"),
    "BAC": ("high school", "Baccalauréat (high school)", "Bac"),
    "BAC_1": (None, "Bac +1", "Bac +1"),
    "BAC_2": ("associate degree", "Bac +2 (associate degree)", "Bac +2"),
    "BAC_3": ("bachelor degree", "Bac +3 (bachelor's degree)", "Bac +3"),
    "BAC_4": (None, "Bac +4", "Bac +4"),
    "BAC_5": ("postgraduate degree", "Master's degree", "Bac +5 / Master"),
    "PHD": ("postgraduate degree", "PhD", "Doctorat"),
}
REMOTE = {"fulltime": Remote.FULL, "partial": Remote.HYBRID, "punctual": Remote.OCCASIONAL, "no": Remote.NO}
SALARY_PERIODS = {"yearly": "YEAR", "monthly": "MONTH", "daily": "DAY"}
# Headings of the description's parts, in the job's own language (English otherwise).
SECTION_TITLES = {
    "en": ("The job", "Your profile", "Recruitment process"),
    "fr": ("Le poste", "Le profil recherché", "Déroulement des entretiens"),
    "es": ("El puesto", "El perfil que buscamos", "Proceso de selección"),
}
# media_* handles -> profile URLs (the organization example gives bare handles: "wttj_fr").
SOCIAL = (
    ("media_linkedin", "https://www.linkedin.com/company/{}"),
    ("media_twitter", "https://twitter.com/{}"),
    ("media_facebook", "https://www.facebook.com/{}"),
    ("media_instagram", "https://www.instagram.com/{}"),
    ("media_youtube", "https://www.youtube.com/{}"),
    ("media_pinterest", "https://www.pinterest.com/{}"),
)
LINKEDIN_PATHS = ("company/", "school/", "showcase/", "in/")


class MissingScopeError(HttpError):
    """Welcome Kit answered 403 invalid_scope: the token lacks the scope an endpoint needs."""

    def __init__(self, source: str, message: str, scope: str, status: int | None, path: str, body: object):
        self.scope = scope
        super().__init__(source, message, status=status, path=path, body=body)


@dataclass
class Payloads:
    """The raw answers for one organization, as Welcome Kit sent them."""

    reference: str
    organization: dict[str, Any] | None = None
    offices: list[Any] = field(default_factory=list)
    departments: list[Any] = field(default_factory=list)
    images: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)


class WelcomeKitSource(Source):
    """Read one or more Welcome Kit organizations' published jobs."""

    TYPE = "welcomekit"
    OPTIONS = {
        "organization_reference": Option(str, help="the organization's reference, e.g. Pg4eV6k"),
        "organization_references": Option(list, help="several organizations merged into one site"),
        "api_url": Option(str, default=API_URL, help="the API root"),
        "token_env": Option(str, default="WK_API_KEY", help="the environment variable holding the API token"),
        "websites": Option(list, help='keep only jobs published on these cms_sites_references, e.g. ["wttj_fr"]'),
        "per_page": Option(int, default=100, help="page size of list requests"),
        "open_application_url": Option(str, help="where open applications go; overrides the spontaneous job's link"),
    }
    # No rate limit is documented (welcomekit.md, "Rate limits and errors"): stay gentle.
    RATE = 10.0
    BURST = 10
    CONCURRENCY = 2

    @classmethod
    def validate(cls, values: dict[str, Any]) -> list[str]:
        problems = []
        single, several = values.get("organization_reference"), values.get("organization_references")
        if single is None and several is None:
            problems.append("organization_reference: required (or organization_references)")
        elif single is not None and several is not None:
            problems.append("organization_references: set organization_reference or organization_references, not both")
        elif single is not None and not single.strip():
            problems.append("organization_reference: must not be empty")
        elif several is not None:
            if not several:
                problems.append("organization_references: list at least one reference")
            for item in several:
                if not isinstance(item, str) or not item.strip():
                    problems.append(f'organization_references: {item!r} is not a reference; write strings such as "Pg4eV6k"')
            texts = [i for i in several if isinstance(i, str)]
            for item in sorted({i for i in texts if texts.count(i) > 1}):
                problems.append(f"organization_references: {item!r} is listed twice")
        token_env = values.get("token_env")
        if isinstance(token_env, str) and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token_env):
            problems.append(f"token_env: {token_env!r} is not an environment variable name such as WK_API_KEY")
        per_page = values.get("per_page")
        if isinstance(per_page, int) and per_page < 1:
            problems.append("per_page: must be at least 1")
        for item in values.get("websites") or []:
            if not isinstance(item, str) or not item.strip():
                problems.append(f'websites: {item!r} is not a cms_sites_reference; write strings such as "wttj_fr"')
        url = values.get("open_application_url")
        if isinstance(url, str) and not safe_url(url, mailto=True):
            problems.append(f"open_application_url: {url!r} must be an http(s) or mailto: URL")
        return problems

    @property
    def references(self) -> list[str]:
        single = self.config.get("organization_reference")
        return [single.strip()] if single else [str(r).strip() for r in self.config.get("organization_references", [])]

    @property
    def token_env(self) -> str:
        return str(self.config.get("token_env", "WK_API_KEY"))

    def fetch(self) -> SourceData:
        token = self.secret("token_env", "a Welcome Kit API token with the scopes jobs_r, offices_r, departments_r, organizations_r and images_r")
        api_url = str(self.config.get("api_url", API_URL))
        warnings: list[str] = []
        # The header, never ?access_token=: a query string ends up in logs and proxies.
        with self.client(api_url, secrets=(token,), headers={"Authorization": f"Bearer {token}"}) as client:
            payloads = [self._fetch_organization(client, reference, warnings) for reference in self.references]
        data = parse_source(
            payloads,
            source=self.name,
            languages=self.context.languages,
            websites=tuple(self.config.get("websites") or ()),
            open_application_url=self.config.get("open_application_url"),
        )
        data.warnings[:0] = warnings
        # Every field comes with the list, so one pass is the whole fetch; the memo lets the next
        # build log what changed without asking Welcome Kit for more.
        before = self.context.previous_state.get("updated_at", {})
        self.state = {"updated_at": {job.id: job.updated_at for job in data.jobs}}
        changed = sum(1 for job in data.jobs if before.get(job.id) != job.updated_at)
        log.info("%s: %d published jobs (%d new or updated since the last fetch)", self.name, len(data.jobs), changed)
        return data

    # -- requests ---------------------------------------------------------------------------

    def _fetch_organization(self, client: HttpClient, reference: str, warnings: list[str]) -> Payloads:
        """Read everything one organization publishes; only optional scopes may be missing."""
        payloads = Payloads(reference)
        query = {"organization_reference": reference}

        def optional(read: Callable[[], Any], consequence: str) -> Any:
            try:
                return read()
            except MissingScopeError as exc:
                warnings.append(
                    f"the token lacks the {exc.scope} scope (GET {exc.path} answered HTTP 403 invalid_scope), so {consequence}; "
                    f"ask Welcome Kit to add {exc.scope} to the token"
                )
                return None

        # The organization comes first: a wrong reference then gets its own clear message.
        organization = optional(
            lambda: self._get(client, f"/external/organizations/{quote(reference, safe='')}", {}, "organizations_r", reference),
            "the organization's name, logo and description come from [organization] in careers.toml instead",
        )
        if organization is not None and not isinstance(organization.data, dict):
            raise SourceError(self.name, f"GET {organization.path} did not return a JSON object; check api_url (the default is {API_URL})")
        payloads.organization = organization.data if organization is not None else None
        # Offices are not optional: without them no job has the jobLocation Google requires.
        payloads.offices = self._pages(client, "/external/offices", query, "offices_r", reference)
        payloads.departments = (
            optional(lambda: self._pages(client, "/external/departments", query, "departments_r", reference), "jobs are shown without their team")
            or []
        )
        payloads.images = (
            optional(lambda: self._pages(client, "/external/images", query, "images_r", reference), "the site is built without the photo gallery")
            or []
        )
        # websites=true adds each job's public URLs: the apply link when apply_url is empty.
        jobs_query = {**query, "status": "published", "websites": "true"}
        payloads.jobs = self._pages(client, "/external/jobs", jobs_query, "jobs_r", reference)
        return payloads

    def _pages(self, client: HttpClient, path: str, query: Mapping[str, str], scope: str, reference: str) -> list[Any]:
        """Read every page of a list, or fail: a half-read list is never published."""
        per_page = int(self.config.get("per_page", 100))

        def read(page: int) -> Response:
            response = self._get(client, path, {**query, "per_page": per_page, "page": page}, scope, reference)
            if not isinstance(response.data, list):
                raise SourceError(self.name, f"GET {response.path} did not return a JSON array; check api_url (the default is {API_URL})")
            return response

        first = read(1)
        items = list(first.data)
        # X-Total-Pages is documented on /jobs only (FAQ); the other lists page until a short page.
        total = _integer(first.headers.get("X-Total-Pages"))
        if total is not None:
            if total > MAX_PAGES:
                raise SourceError(self.name, f"GET {first.path} announces {total} pages; raise per_page")
            for response in client.map(read, range(2, total + 1)):
                items.extend(response.data)
            return items
        page, previous = 1, first.data
        while previous and len(previous) >= per_page:
            page += 1
            if page > MAX_PAGES:
                raise SourceError(self.name, f"GET {path} still returns full pages after {MAX_PAGES} pages; raise per_page")
            current = read(page).data
            if current == previous:
                raise SourceError(
                    self.name, f"GET {path}: page {page} repeats page {page - 1}, so paging would never end; report this to Welcome Kit"
                )
            items.extend(current)
            previous = current
        return items

    def _get(self, client: HttpClient, path: str, params: Mapping[str, Any], scope: str, reference: str) -> Response:
        try:
            return client.get_json(path, params)
        except HttpError as exc:
            raise self._explain(exc, scope, reference, client.redact) from None

    def _explain(self, exc: HttpError, scope: str, reference: str, redact: Callable[[str], str]) -> HttpError:
        """Turn a failed request into one line that says what to do (welcomekit.md, "Rate limits and errors")."""
        body = exc.body if isinstance(exc.body, dict) else {}
        code = body["error"] if isinstance(body.get("error"), str) else ""
        detail = body["error_description"] if isinstance(body.get("error_description"), str) else ""
        # The vendor's words are shown, but never a token it might echo.
        detail = redact(" ".join(detail.split())[:200])
        code = redact(" ".join(code.split())[:50])
        said = f" {code}" if code else ""
        answered = f"GET {exc.path} answered HTTP {exc.status}{said}"
        status = exc.status
        if status == 429:
            text = str(exc).removeprefix(f"source {self.name}: ")
            message = (
                f"{text}; Welcome Kit keeps refusing requests as too many: lower requests_per_second or concurrency in [[sources]], or try later"
            )
        elif status in RETRY_STATUSES or status is None:
            text = str(exc).removeprefix(f"source {self.name}: ")
            message = f"{text}; Welcome Kit is down or unreachable: try again later, or build with --allow-stale to publish the last snapshot"
        elif status in (401, 403) and code == "unauthorized" and "organization" in detail.lower():
            # The documented example: a token used on an organization it does not belong to.
            message = (
                f"{answered} ({detail}): the token in {self.token_env} does not belong to organization {reference!r}; "
                f"check organization_reference or use that organization's token"
            )
        elif status == 401:
            because = f" ({detail})" if detail else ""
            message = f"{answered}: Welcome Kit rejected the token{because}; check that {self.token_env} holds a current Welcome Kit API token"
        elif status == 403 and code == "invalid_scope":
            return MissingScopeError(
                self.name,
                f"{answered}: the token lacks the {scope} scope; ask Welcome Kit to add {scope} to the token in {self.token_env}",
                scope,
                status,
                exc.path,
                exc.body,
            )
        elif status == 403:
            because = f": {detail}" if detail else ""
            message = f"{answered}{because}; check that the token in {self.token_env} may read organization {reference!r}"
        elif status == 400:
            because = f": {detail}" if detail else ""
            message = f"{answered}{because}; check organization_reference and per_page in careers.toml"
        elif status == 404 and "/external/organizations/" in exc.path:
            message = (
                f"{answered}: organization_reference {reference!r} is wrong (Welcome Kit has no such organization); "
                f"copy it from your Welcome Kit account, and check api_url if you changed it"
            )
        elif status == 404:
            message = f"{answered}: check api_url (the default is {API_URL})"
        else:
            return exc
        return HttpError(self.name, message, status=status, path=exc.path, body=exc.body)


# -- parsing: payloads -> model --------------------------------------------------------------


def parse_source(
    payloads: list[Payloads],
    *,
    source: str,
    languages: tuple[str, ...] = ("en",),
    websites: tuple[str, ...] = (),
    open_application_url: str | None = None,
) -> SourceData:
    """Merge the payloads of one or more organizations into SourceData; the first is the organization."""
    data = SourceData()
    several = len(payloads) > 1
    open_applications: list[tuple[str | None, str | None, str]] = []  # (language, url, title)
    seen: set[str] = set()
    for index, payload in enumerate(payloads):
        # Office and department ids are per organization: prefix them when organizations are merged.
        prefix = f"{payload.reference}:" if several else ""
        offices = parse_offices(payload.offices, prefix, data.warnings)
        departments = parse_departments(payload.departments, prefix)
        data.offices.extend(offices.values())
        data.departments.extend(departments.values())
        if index == 0 and payload.organization is not None:
            data.organization = parse_organization(payload.organization, payload.images, languages)
        for raw in payload.jobs:
            if not isinstance(raw, dict) or not is_published(raw) or not on_websites(raw, websites):
                continue
            name = str(raw.get("name") or "")
            if OPEN_APPLICATION.search(name):
                open_applications.append((_language(raw), job_apply_url(raw, websites), name.strip()))
                continue
            job = parse_job(raw, source=source, offices=offices, departments=departments, prefix=prefix, websites=websites, warnings=data.warnings)
            if job is None or job.id in seen:
                continue
            seen.add(job.id)
            data.jobs.append(job)
    data.open_application_url = open_application_url or pick_open_application(open_applications, languages, data.warnings)
    return data


def is_published(payload: Mapping[str, Any]) -> bool:
    """Keep a job only when its own status says published, whatever the query asked (mapping.md)."""
    return str(payload.get("status") or "").strip().lower() == "published"


def cms_sites(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """Read cms_sites_references: a comma-separated string in REST, an array in /embed."""
    value = payload.get("cms_sites_references")
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(str(i).strip() for i in items if str(i).strip())


def on_websites(payload: Mapping[str, Any], websites: Iterable[str]) -> bool:
    """Return whether the job is published on one of `websites` (every job when none is set)."""
    wanted = set(websites)
    return not wanted or bool(wanted & set(cms_sites(payload)))


def pick_open_application(candidates: list[tuple[str | None, str | None, str]], languages: tuple[str, ...], warnings: list[str]) -> str | None:
    """Return the spontaneous job's link, preferring the site's default language."""
    if not candidates:
        return None
    default = languages[0].split("-")[0] if languages else None
    ordered = sorted(candidates, key=lambda c: (c[0] != default, c[1] is None))
    _, url, title = ordered[0]
    if url is None:
        warnings.append(f"the open application job {title!r} has no apply_url; set open_application_url in [[sources]] to offer open applications")
    return url


def job_websites(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (cms_sites_reference, URL) pairs from `websites` (websites=true) or `websites_urls` (/embed)."""
    pairs = []
    for key in ("websites", "websites_urls"):
        entries = payload.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            url = safe_url(entry.get("url"))
            if url:
                pairs.append((str(entry.get("reference") or entry.get("website_reference") or ""), url))
    return pairs


def job_apply_url(payload: Mapping[str, Any], websites: Iterable[str] = ()) -> str | None:
    """Return where to apply: apply_url, else the job's page on a Welcome Kit website.

    An empty apply_url means candidates apply through Welcome Kit's own ATS (welcomekit.md, Job
    fields), whose form is on the job's Welcome to the Jungle or Welcome Kit page.
    """
    url = safe_url(payload.get("apply_url"))
    if url:
        return url
    pairs = job_websites(payload)
    wanted = set(websites)
    preferred = [u for ref, u in pairs if ref in wanted] + [u for _, u in pairs]
    return preferred[0] if preferred else None


def parse_offices(items: Iterable[Any], prefix: str, warnings: list[str]) -> dict[str, Office]:
    """Return offices by (prefixed) id."""
    offices: dict[str, Office] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        office = parse_office(item, prefix)
        if office is None:
            continue
        if item.get("country_code") and office.country is None:
            warnings.append(f"office {office.name!r} has country_code {item['country_code']!r}, which is not an ISO 3166 code; fix it in Welcome Kit")
        offices[office.id] = office
    return offices


def parse_office(payload: Mapping[str, Any], prefix: str = "") -> Office | None:
    """Map an office; address and zip_code are optional in Welcome Kit, city and country_code are not."""
    identity = _text(payload.get("id"))
    city = _text(payload.get("city"))
    name = _text(payload.get("name")) or city
    if identity is None:
        if not (city or _text(payload.get("country_code"))):
            return None
        # An inline office of the new `offices` input ({"city": "Paris", "country_code": "fr"}) has no id.
        place = "-".join(p for p in (city, _text(payload.get("country_code"))) if p).lower()
        # The id makes the URL of an office whose city has no slug (Hebrew): its own, not the country code's.
        identity = hashed_id("office", place) if city and not slugify(city) else place
    return Office(
        id=f"{prefix}{identity}",
        name=name or str(identity),
        street=_text(payload.get("address")),
        city=city,
        postal_code=_text(payload.get("zip_code")),
        country=country_code(payload.get("country_code")),
    )


def parse_departments(items: Iterable[Any], prefix: str) -> dict[str, Department]:
    """Return departments by (prefixed) id."""
    departments: dict[str, Department] = {}
    for item in items:
        if isinstance(item, dict) and (department := parse_department(item, prefix)):
            departments[department.id] = department
    return departments


def parse_department(payload: Mapping[str, Any], prefix: str = "") -> Department | None:
    """Map a department; its description's format is undocumented, so it is sanitized either way."""
    identity, name = _text(payload.get("id")), _text(payload.get("name"))
    if identity is None or not name:
        return None
    return Department(id=f"{prefix}{identity}", name=name, description=html_or_markdown(_text(payload.get("description"))))


def parse_salary(payload: Any) -> Salary | None:
    """Map `salary`: amounts are strings or numbers; period none (or an unknown one) means no salary."""
    if not isinstance(payload, dict):
        return None
    unit = SALARY_PERIODS.get(str(payload.get("period") or "").strip().lower())
    currency = currency_code(payload.get("currency"))
    low, high = parse_number(payload.get("min")), parse_number(payload.get("max"))
    # A salary of 0 is a form left at its default, never an offer.
    if unit is None or currency is None or not any((low, high)):
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Salary(currency=currency, unit=unit, min=low, max=high)


def parse_remote(payload: Mapping[str, Any]) -> Remote:
    """Map `remote`; before 2019-07 the boolean `is_remote` said "fully remote"."""
    value = payload.get("remote")
    if isinstance(value, str) and value.strip():
        return REMOTE.get(value.strip().lower(), Remote.NO)
    return Remote.FULL if payload.get("is_remote") is True else Remote.NO


def parse_contract(value: Any, language: str | None) -> tuple[tuple[str, ...], str | None, bool]:
    """Return (employment types, Welcome Kit's label, whether the value is unknown) for contract_type."""
    if not isinstance(value, str) or not value.strip():
        return (), None, False
    code = re.sub(r"[\s-]+", "_", value.strip().upper())
    kind = EMPLOYMENT.get(code, "OTHER")
    labels = CONTRACT_LABELS.get(_base(language), CONTRACT_LABELS["en"])
    known = code in CONTRACT_LABELS["en"]
    label = labels.get(code) or CONTRACT_LABELS["en"].get(code) or value.strip()
    if known and _words(label) == GENERIC_CONTRACT_WORDS.get(kind):
        return (kind,), None, False
    return (kind,), label, not known


def parse_experience(value: Any, language: str | None) -> tuple[int | None, str | None]:
    """Return (lower bound in months, label) for experience_level."""
    entry = EXPERIENCE.get(str(value or "").upper())
    if entry is None:
        return None, None
    months, en, fr = entry
    return months, fr if _base(language) == "fr" else en


def parse_education(value: Any, language: str | None) -> tuple[str | None, str | None]:
    """Return (Google credential category, label) for education_level."""
    entry = EDUCATION.get(str(value or "").upper())
    if entry is None:
        return None, None
    category, en, fr = entry
    return category, fr if _base(language) == "fr" else en


def parse_sections(payload: Mapping[str, Any], language: str | None) -> tuple[Section, ...]:
    """Return description, profile and (when present) recruitment_process as sanitized, titled sections."""
    titles = SECTION_TITLES.get(_base(language), SECTION_TITLES["en"])
    sections = []
    for key, title in zip(("description", "profile", "recruitment_process"), titles, strict=True):
        html = html_or_markdown(_text(payload.get(key)))
        if plain_text(html):  # "<p></p>" or a lone <script> is no description
            sections.append(Section(title=title, html=html))
    return tuple(sections)


def job_offices(payload: Mapping[str, Any], offices: Mapping[str, Office], prefix: str) -> tuple[Office, ...]:
    """Return the job's offices from `offices` (objects or {id} refs), else from `office_id`."""
    found: dict[str, Office] = {}
    entries = payload.get("offices")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            known = offices.get(f"{prefix}{_text(entry.get('id'))}")
            # An {id} ref to an office /offices did not list is no place: only an inline office
            # that says where it is ({"city": "Paris", "country_code": "fr"}) stands on its own.
            inline = _text(entry.get("city")) or _text(entry.get("country_code"))
            office = known or (parse_office(entry, prefix) if inline else None)
        elif isinstance(entry, (int, str)):
            office = offices.get(f"{prefix}{_text(entry)}")
        else:
            office = None
        if office is not None:
            found.setdefault(office.id, office)
    if not found and _text(payload.get("office_id")):
        office = offices.get(f"{prefix}{_text(payload.get('office_id'))}")
        if office is not None:
            found[office.id] = office
    return tuple(found.values())


def parse_job(
    payload: Mapping[str, Any],
    *,
    source: str,
    offices: Mapping[str, Office],
    departments: Mapping[str, Department],
    prefix: str = "",
    websites: Iterable[str] = (),
    warnings: list[str] | None = None,
) -> Job | None:
    """Map one published job; return None (with a warning) when it lacks a reference, name or date."""
    warnings = warnings if warnings is not None else []
    reference, title = _text(payload.get("reference")), _text(payload.get("name"))
    if reference and not reference.isprintable():  # a line break or a control character: no reference
        reference = None
    if not reference or not title:
        named = " ".join((reference or title or "no reference, no name").split())
        warnings.append(f"a job without {'reference' if not reference else 'name'} was skipped ({named})")
        return None
    where = f"job {reference} {title!r}"
    posted = iso_datetime(payload.get("published_at")) or iso_datetime(payload.get("created_at"))
    updated = iso_datetime(payload.get("updated_at"))
    if posted is None:
        warnings.append(f"{where} was skipped: it has neither published_at nor created_at")
        return None
    language = _language(payload)
    kinds, label, unknown = parse_contract(payload.get("contract_type"), language)
    if unknown:
        warnings.append(f"{where}: unknown contract_type {payload['contract_type']!r}, published as employmentType OTHER")
    months, experience = parse_experience(payload.get("experience_level"), language)
    education, education_label = parse_education(payload.get("education_level"), language)
    sections = parse_sections(payload, language)
    remote = parse_remote(payload)
    places = job_offices(payload, offices, prefix)
    if not sections:
        warnings.append(
            f"{where}: description and profile are empty, so its JobPosting lacks the description Google requires; write one in Welcome Kit"
        )
    if not places and remote is not Remote.FULL:
        warnings.append(
            f"{where}: no office and not fully remote, so its JobPosting lacks the jobLocation Google requires; give it an office in Welcome Kit"
        )
    elif remote is Remote.FULL and not any(o.country for o in places):
        warnings.append(f"{where}: fully remote without an office, so Google cannot tell where applicants may live; give it an office in Welcome Kit")
    for office in places:
        if office.country is None:
            warnings.append(
                f"{where}: office {office.name!r} has no valid country_code, so its JobPosting lacks the addressCountry Google requires; set it in Welcome Kit"
            )
    if payload.get("apply_url") and not safe_url(payload.get("apply_url")):
        warnings.append(f"{where}: apply_url {payload['apply_url']!r} is not an http(s) URL and was left out")
    department_id = _text(payload.get("department_id"))
    return Job(
        source=source,
        id=reference,
        title=title,
        date_posted=posted,
        sections=sections,
        department=departments.get(f"{prefix}{department_id}") if department_id is not None else None,
        offices=places,
        employment_types=kinds,
        employment_label=label,
        remote=remote,
        salary=parse_salary(payload.get("salary")),
        experience_months=months,
        experience_label=experience,
        education=education,
        education_label=education_label,
        updated_at=updated,
        apply_url=job_apply_url(payload, websites),
        language=language,
    )


def parse_image(payload: Any) -> Image | None:
    """Map a gallery image: the "large" size (at most 1200×2000) keeps pages light; alt from its texts."""
    if not isinstance(payload, dict):
        return None
    file: dict[str, Any] = payload["file"] if isinstance(payload.get("file"), dict) else {}
    large: dict[str, Any] = file["large"] if isinstance(file.get("large"), dict) else {}
    # Only absolute http(s) URLs: images.py reads anything else as a local file.
    url = safe_url(large.get("url")) or safe_url(file.get("url"))
    if url is None:
        return None
    return Image(url=url, alt=_text(payload.get("description")) or _text(payload.get("name")) or "")


def parse_organization(payload: Mapping[str, Any], images: Iterable[Any] = (), languages: tuple[str, ...] = ("en",)) -> Organization:
    """Map the organization: name, website, logo, cover, descriptions per language, social links, gallery."""
    name = _text(payload.get("name")) or ""
    logo = safe_url(payload.get("logo_url"))
    covers: dict[str, Any] = payload["i18n_covers"] if isinstance(payload.get("i18n_covers"), dict) else {}
    cover_candidates = [payload.get("cover_url"), *(covers.get(_base(lang)) for lang in languages)]
    cover_candidates += [covers.get(_text(payload.get("default_language")) or ""), *covers.values()]
    cover = next((u for u in map(safe_url, cover_candidates) if u), None)
    return Organization(
        name=name,
        url=safe_url(payload.get("media_website_url")),
        logo=Image(url=logo, alt=name) if logo else None,
        cover=Image(url=cover, alt="") if cover else None,
        same_as=social_links(payload),
        description=organization_description(payload, languages),
        gallery=tuple(image for image in map(parse_image, images) if image),
    )


def organization_description(payload: Mapping[str, Any], languages: tuple[str, ...]) -> dict[str, str]:
    """Return the description per site language, and under "" the text for every other language.

    The organization description is Markdown (the Slate example: "**Un petit mot sur nous :**").
    """
    texts: dict[str, Any] = payload["i18n_descriptions"] if isinstance(payload.get("i18n_descriptions"), dict) else {}
    described: dict[str, str] = {}
    for language in languages:
        html = markdown_to_html(_text(texts.get(language)) or _text(texts.get(_base(language))))
        if html:
            described[language] = html
    default = _text(payload.get("default_language")) or ""
    fallback = _text(payload.get("description")) or _text(texts.get(default)) or next((t for t in map(_text, texts.values()) if t), None)
    html = markdown_to_html(fallback)
    if html:
        described[""] = html
    return described


def social_links(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """Build profile URLs from the media_* handles; full URLs are kept as they are."""
    links = []
    for key, template in SOCIAL:
        handle = _text(payload.get(key))
        if not handle:
            continue
        if re.match(r"[a-z][a-z0-9+.-]*:", handle, re.IGNORECASE):
            url = safe_url(handle)
        elif key == "media_linkedin" and handle.lstrip("/").startswith(LINKEDIN_PATHS):
            url = f"https://www.linkedin.com/{quote(handle.strip('/'), safe='/._-')}"
        else:
            keep_at = key == "media_youtube" and handle.startswith("@")
            cleaned = handle.strip("/") if keep_at else handle.lstrip("@").strip("/")
            url = template.format(quote(cleaned, safe="/._-@")) if cleaned.strip("@") else None
        if url and url not in links:
            links.append(url)
    return tuple(links)


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return (value.strip() or None) if isinstance(value, str) else None


def _language(payload: Mapping[str, Any]) -> str | None:
    value = _text(payload.get("language"))
    return value.lower() if value else None


def _base(language: str | None) -> str:
    return (language or "en").split("-")[0].lower()


def _words(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


SOURCE = WelcomeKitSource
