"""The Welcome Kit (Welcome to the Jungle) source: published jobs from the external REST API.

    GET /external/organizations/R                               organizations_r  name, logo, cover, texts
    GET /external/offices?organization_reference=R              offices_r        (paged)
    GET /external/departments?organization_reference=R          departments_r    (paged)
    GET /external/images?organization_reference=R               images_r         (paged) the gallery
    GET /external/jobs?organization_reference=R&status=published jobs_r          (paged)

Job boards ([site] mode = "board") make each organization a company of its own:

    GET /external/jobs/all?status=published                     su_jobs_r        (paged) all_jobs = true
    GET /external/organizations/R?offices&images&videos=true    organizations_r  one per company (organizations = "each")
    GET /external/organizations?cms_sites_references=...        su_organizations_r (paged) organizations = "search"
    GET /external/videos?organization_reference=R               videos_r         (paged) organization_references boards

Docs and quirks: ../../../shared/api/welcomekit.md; field rules: ../../../shared/api/mapping.md.
The fetching (`WelcomeKitSource`) is kept apart from the pure `parse_*` functions, which turn the
raw payloads into the model and never see the network.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote, urlsplit

from ..config import Option
from ..errors import HttpError, SourceError
from ..http import RETRY_STATUSES, HttpClient, Response
from ..model import Department, Image, Job, Office, Organization, Remote, Salary, Section, SourceData, Video, slugify
from ..normalize import country_code, currency_code, hashed_id, html_or_markdown, iso_datetime, markdown_to_html, parse_number, plain_text, safe_url
from . import Source

log = logging.getLogger(__name__)
T = TypeVar("T")

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
# Organization fields -> Organization.figures keys (model.FIGURE_KEYS), in the order pages show them.
FIGURES = (
    ("nb_employees", "employees"),
    ("creation_year", "founded"),
    ("average_age", "average_age"),
    ("parity_women", "parity_women"),
    ("parity_men", "parity_men"),
    ("turnover", "turnover"),
    ("revenue", "revenue"),
)
# What /organizations can embed, and the scope each flag needs (welcomekit.md, "Other reads").
MEDIA_SCOPES = {"images": "su_images_r", "videos": "su_videos_r"}
MEDIA_CONSEQUENCES = {"images": "companies are shown without their photo gallery", "videos": "companies are shown without their videos"}
# Video ids: YouTube's are 11 characters of [A-Za-z0-9_-]; Dailymotion's are short alphanumerics (x7tgad0).
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
DAILYMOTION_ID = re.compile(r"[A-Za-z0-9]{5,20}")
PARTNERSHIP = "which Welcome to the Jungle grants only to partners (a partnership)"


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
    videos: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Unread:
    """An organization that could not be read; --allow-stale may keep it from the last snapshot."""

    reference: str
    reason: str  # one line, e.g. "GET /api/v1/external/organizations/R answered HTTP 404: Not found"


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
        "all_jobs": Option(bool, default=False, help="job boards: every organization's published jobs from /jobs/all (partner scope su_jobs_r)"),
        "cms_sites_references": Option(list, help='with all_jobs: only jobs and organizations of these Welcome Kit sites, e.g. ["wttj_fr"]'),
        "contract_type": Option((list, str), help='with all_jobs: only jobs of these contract types, e.g. "FULL_TIME"'),
        "organizations": Option(
            str, default="each", choices=("each", "search"), help="job boards: read each company, or search them by cms_sites_references"
        ),
    }
    # No rate limit is documented (welcomekit.md, "Rate limits and errors"): stay gentle.
    RATE = 10.0
    BURST = 10
    CONCURRENCY = 2

    @classmethod
    def validate(cls, values: dict[str, Any]) -> list[str]:
        problems = []
        single, several = values.get("organization_reference"), values.get("organization_references")
        all_jobs = values.get("all_jobs") is True
        if all_jobs and (single is not None or several is not None):
            key = "organization_reference" if single is not None else "organization_references"
            problems.append(
                f"{key}: all_jobs = true reads the jobs of every organization the token may see; remove {key}, or remove all_jobs to read only the organizations listed"
            )
        elif single is None and several is None and not all_jobs:
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
        sites, contracts = values.get("cms_sites_references"), values.get("contract_type")
        for key, value in (("cms_sites_references", sites), ("contract_type", contracts)):
            if value is not None and not all_jobs:
                problems.append(f"{key}: only used with all_jobs = true; remove it, or set all_jobs = true to read every organization's jobs")
        for item in sites or []:
            if not isinstance(item, str) or not item.strip() or "," in item:
                problems.append(f'cms_sites_references: {item!r} is not a cms_sites_reference; write strings such as "wttj_fr"')
        for item in [contracts] if isinstance(contracts, str) else contracts or []:
            if not isinstance(item, str) or not re.fullmatch(r"[A-Za-z_ -]+", item.strip()):
                problems.append(f'contract_type: {item!r} is not a contract type; write values such as "FULL_TIME"')
        if values.get("organizations") == "search" and not sites:
            problems.append(
                'organizations: "search" finds organizations by cms_sites_references; list your Welcome Kit sites there, or use organizations = "each"'
            )
        return problems

    @property
    def references(self) -> list[str]:
        single = self.config.get("organization_reference")
        return [single.strip()] if single else [str(r).strip() for r in self.config.get("organization_references", [])]

    @property
    def token_env(self) -> str:
        return str(self.config.get("token_env", "WK_API_KEY"))

    def __init__(self, config: Any, context: Any):
        super().__init__(config, context)
        # Nested reads (pages of one organization while others are read) share these slots, so
        # no more than `concurrency` requests are ever in flight.
        self._slots = threading.BoundedSemaphore(max(1, int(config.get("concurrency", self.CONCURRENCY))))
        self._media = set(MEDIA_SCOPES)  # what /organizations may still embed (a 403 drops one)
        self._lock = threading.Lock()
        self._newest: str | None = None  # the latest organization updated_at seen by the search

    def fetch(self) -> SourceData:
        board = self.context.mode == "board"
        all_jobs = bool(self.config.get("all_jobs"))
        if all_jobs and not board:
            raise SourceError(
                self.name,
                'all_jobs = true makes a job board of many companies; set mode = "board" in [site], or list organization_references instead',
            )
        scopes = (
            "the partner scopes su_jobs_r and su_organizations_r (su_images_r and su_videos_r for galleries and videos)"
            if all_jobs
            else "the scopes jobs_r, offices_r, departments_r, organizations_r and images_r"
        )
        token = self.secret("token_env", f"a Welcome Kit API token with {scopes}")
        api_url = str(self.config.get("api_url", API_URL))
        warnings: list[str] = []
        # The header, never ?access_token=: a query string ends up in logs and proxies.
        with self.client(api_url, secrets=(token,), headers={"Authorization": f"Bearer {token}"}) as client:
            if all_jobs:
                data = self._fetch_all_jobs(client)
            elif board:
                data = self._fetch_listed_board(client)
            else:
                payloads = [self._fetch_organization(client, reference, warnings) for reference in self.references]
                data = parse_source(
                    payloads,
                    source=self.name,
                    languages=self.context.languages,
                    websites=self.websites,
                    open_application_url=self.config.get("open_application_url"),
                )
                data.warnings[:0] = warnings
        # Every field comes with the list, so one pass is the whole fetch; the memo lets the next
        # build log what changed without asking Welcome Kit for more.
        before = self.context.previous_state.get("updated_at", {})
        self.state = {"updated_at": {job.id: job.updated_at for job in data.jobs}}
        if self._newest:
            self.state["organizations_updated_at"] = self._newest
        changed = sum(1 for job in data.jobs if before.get(job.id) != job.updated_at)
        log.info("%s: %d published jobs (%d new or updated since the last fetch)", self.name, len(data.jobs), changed)
        return data

    @property
    def websites(self) -> tuple[str, ...]:
        return tuple(self.config.get("websites") or ())

    @property
    def previous_companies(self) -> dict[str, Organization]:
        previous = self.context.previous
        return {company.id: company for company in previous.companies} if previous else {}

    # -- job boards -------------------------------------------------------------------------

    def _fetch_all_jobs(self, client: HttpClient) -> SourceData:
        """Read every organization's published jobs, then each hiring organization once."""
        warnings: list[str] = []
        contracts = contract_types(self.config.get("contract_type"))
        items = publishable_jobs(self._all_jobs(client, contracts), self.websites, contracts)
        groups = group_jobs(items, warnings)
        previous = self.previous_companies
        found = self._search_companies(client, groups, previous, warnings) if self.config.get("organizations") == "search" else {}
        missing = [reference for reference in groups if reference not in found]
        read = client.map(lambda reference: self._read_company(client, reference, previous, warnings), missing)
        found.update(zip(missing, read, strict=True))
        companies: list[tuple[str, Organization, list[Any] | None]] = []
        for reference, raws in groups.items():
            got = found[reference]
            if isinstance(got, Unread):
                warnings.append(
                    f"organization {reference!r} could not be read ({got.reason}); --allow-stale: its company details come from the last snapshot"
                )
                got = previous[f"{self.name}:{reference}"]
            elif not isinstance(got, Organization):
                got = parse_company(got, source=self.name, reference=reference, languages=self.context.languages, warnings=warnings)
            companies.append((reference, got, raws))
        return assemble_board(
            companies, source=self.name, websites=self.websites, open_application_url=self.config.get("open_application_url"), warnings=warnings
        )

    def _all_jobs(self, client: HttpClient, contracts: tuple[str, ...]) -> list[Any]:
        """Read /jobs/all: published jobs of every organization the partner token may see."""
        query: dict[str, str] = {"status": "published", "websites": "true"}
        sites = [str(s).strip() for s in self.config.get("cms_sites_references") or ()]
        if sites:
            query["cms_sites_references"] = ",".join(sites)  # comma-separated (welcomekit.md, "Other reads")
        items: list[Any] = []
        # The docs show contract_type with one value (`FULL_TIME`): one listing per type asked.
        for contract in contracts or ("",):
            try:
                items.extend(self._pages(client, "/external/jobs/all", {**query, "contract_type": contract} if contract else query, "su_jobs_r", ""))
            except MissingScopeError as exc:
                raise HttpError(
                    self.name,
                    f"GET {exc.path} answered HTTP 403 invalid_scope: the token lacks the su_jobs_r scope, {PARTNERSHIP}; "
                    f"ask them for a partner token in {self.token_env}, or list your own organizations in organization_references instead of all_jobs",
                    status=exc.status,
                    path=exc.path,
                    body=exc.body,
                ) from None
        return items

    def _search_companies(
        self, client: HttpClient, groups: Mapping[str, list[Any]], previous: Mapping[str, Organization], warnings: list[str]
    ) -> dict[str, Any]:
        """Find the hiring organizations with the paged search: one request per page, not per organization.

        After a first full search, only organizations updated since the last one are asked for
        (`updated_after`, day granularity); the others are kept from the last snapshot.
        """
        known = self.context.previous_state.get("organizations_updated_at") if previous else None
        since = _day_before(known)
        sites = ",".join(str(s).strip() for s in self.config.get("cms_sites_references") or ())
        query = {"cms_sites_references": sites, "offices": "true", **({"updated_after": since} if since else {})}
        try:
            items = self._with_media(
                lambda flags: self._pages(client, "/external/organizations", {**query, **flags}, "su_organizations_r", ""),
                "/external/organizations",
                warnings,
            )
        except MissingScopeError as exc:
            raise HttpError(
                self.name,
                f"GET {exc.path} answered HTTP 403 invalid_scope: the token lacks the su_organizations_r scope, {PARTNERSHIP}; "
                f'ask them to add it to the token in {self.token_env}, or remove organizations = "search" to read each organization on its own',
                status=exc.status,
                path=exc.path,
                body=exc.body,
            ) from None
        found: dict[str, Any] = {}
        newest = [known] if known else []
        for item in items:
            if not isinstance(item, dict):
                continue
            reference = _text(item.get("reference"))
            if reference is not None and reference in groups:
                found[reference] = item
            if iso_datetime(item.get("updated_at")):
                newest.append(str(iso_datetime(item.get("updated_at"))))
        self._newest = max(newest, key=_moment) if newest else None
        reused = 0
        if since:
            for reference, raws in groups.items():
                company = previous.get(f"{self.name}:{reference}")
                # A job at an office the kept company does not know means it changed after all.
                if reference not in found and company is not None and offices_known(raws, company, reference):
                    found[reference] = company
                    reused += 1
        log.info("%s: %d organizations from the search, %d unchanged kept from the last snapshot", self.name, len(found) - reused, reused)
        return found

    def _read_company(self, client: HttpClient, reference: str, previous: Mapping[str, Organization], warnings: list[str]) -> dict[str, Any] | Unread:
        """Read one organization with its offices, images and videos embedded."""
        path = f"/external/organizations/{quote(reference, safe='')}"

        def read(flags: dict[str, str]) -> Response:
            with self._slots:
                return client.get_json(path, {"offices": "true", **flags})

        try:
            response = self._with_media(read, "/external/organizations/:reference", warnings)
            if not isinstance(response.data, dict):
                raise SourceError(self.name, f"GET {response.path} did not return a JSON object")
            return response.data
        except HttpError as exc:
            if exc.status == 403 and _error_code(exc.body) == "invalid_scope":
                raise HttpError(
                    self.name,
                    f"GET {exc.path} answered HTTP 403 invalid_scope: the token may not read organization {reference!r}; it needs su_organizations_r, "
                    f"{PARTNERSHIP}; ask them to add it to the token in {self.token_env}",
                    status=exc.status,
                    path=exc.path,
                    body=exc.body,
                ) from None
            if not _unreadable(exc):
                raise self._explain(exc, "organizations_r", reference, client.redact) from None
            return self._unread(reference, str(exc).removeprefix(f"source {self.name}: "), previous)
        except SourceError as exc:
            return self._unread(reference, str(exc).removeprefix(f"source {self.name}: "), previous)

    def _unread(self, reference: str, reason: str, previous: Mapping[str, Organization]) -> Unread:
        """Keep a failed organization for --allow-stale when the last snapshot has it; else fail."""
        if self.context.allow_stale and f"{self.name}:{reference}" in previous:
            return Unread(reference, reason)
        what = (
            "the last snapshot does not have it either; try again later"
            if self.context.allow_stale
            else "try again later, or build with --allow-stale to keep that organization from the last snapshot"
        )
        raise SourceError(self.name, f"organization {reference!r} could not be read ({reason}), so its jobs cannot be published; {what}")

    def _with_media(self, read: Callable[[dict[str, str]], T], where: str, warnings: list[str]) -> T:
        """Call `read` with images/videos embedded; a 403 for one of them drops it with a warning."""
        while True:
            with self._lock:
                flags = {flag: "true" for flag in sorted(self._media)}
            try:
                return read(flags)
            except HttpError as exc:
                if exc.status != 403 or _error_code(exc.body) != "invalid_scope" or not flags:
                    raise
                said = _error_description(exc.body).lower()
                named = [flag for flag in flags if f"{flag}_r" in said]
                if not named and ("organizations" in said or "jobs" in said):
                    raise
                # Which scope is missing is not always said: then both embeds go.
                with self._lock:
                    for flag in named or list(flags):
                        if flag in self._media:
                            self._media.discard(flag)
                            scope = MEDIA_SCOPES[flag]
                            warnings.append(
                                f"the token lacks the {scope} scope (GET {where} with {flag}=true answered HTTP 403 invalid_scope), so "
                                f"{MEDIA_CONSEQUENCES[flag]}; jobs are still published; ask Welcome to the Jungle to add {scope} to the partnership token"
                            )

    def _fetch_listed_board(self, client: HttpClient) -> SourceData:
        """Read each listed organization as a company of its own (a board of known organizations)."""
        previous = self.previous_companies

        def read(reference: str) -> tuple[Payloads | Unread, list[str]]:
            local: list[str] = []
            try:
                return self._fetch_organization(client, reference, local, board=True), local
            except HttpError as exc:
                if not (_unreadable(exc) or exc.status == 404):
                    raise
                reason = str(exc).removeprefix(f"source {self.name}: ")
            except SourceError as exc:
                reason = str(exc).removeprefix(f"source {self.name}: ")
            if not (self.context.allow_stale and f"{self.name}:{reference}" in previous):
                raise SourceError(self.name, reason)
            return Unread(reference, reason), local

        warnings: list[str] = []
        companies: list[tuple[str, Organization, list[Any] | None]] = []
        teams: dict[str, dict[str, Department]] = {}
        said: set[str] = set()
        for (got, local), reference in zip(client.map(read, self.references), self.references, strict=True):
            for warning in local:  # a missing scope warns once, not once per organization
                key = re.sub(r"organization_reference=[^&\s)]+", "", warning)
                if key not in said:
                    said.add(key)
                    warnings.append(warning)
            if isinstance(got, Unread):
                warnings.append(
                    f"organization {reference!r} could not be read ({got.reason}); --allow-stale: its company and jobs come from the last snapshot"
                )
                companies.append((reference, previous[f"{self.name}:{reference}"], None))
                continue
            teams[reference] = parse_departments(got.departments, f"{reference}:")
            company = parse_company(
                got.organization or {},
                source=self.name,
                reference=reference,
                languages=self.context.languages,
                offices=got.offices,
                images=got.images,
                videos=got.videos,
                warnings=warnings,
            )
            raws = publishable_jobs(got.jobs, self.websites)
            companies.append((reference, company, raws))
        return assemble_board(
            companies,
            source=self.name,
            websites=self.websites,
            open_application_url=self.config.get("open_application_url"),
            warnings=warnings,
            teams=teams,
            previous=self.context.previous,
        )

    # -- requests ---------------------------------------------------------------------------

    def _fetch_organization(self, client: HttpClient, reference: str, warnings: list[str], *, board: bool = False) -> Payloads:
        """Read everything one organization publishes; only optional scopes may be missing.

        On a job board the organization is the company hiring, so it is required, and its
        videos are read too.
        """
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
        path = f"/external/organizations/{quote(reference, safe='')}"
        if board:
            organization = self._get(client, path, {}, "organizations_r", reference)
        else:
            organization = optional(
                lambda: self._get(client, path, {}, "organizations_r", reference),
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
        gallery = MEDIA_CONSEQUENCES["images"] if board else "the site is built without the photo gallery"
        payloads.images = optional(lambda: self._pages(client, "/external/images", query, "images_r", reference), gallery) or []
        if board:
            payloads.videos = (
                optional(lambda: self._pages(client, "/external/videos", query, "videos_r", reference), MEDIA_CONSEQUENCES["videos"]) or []
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
            with self._slots:
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
        elif status in (401, 403) and code == "unauthorized" and "organization" in detail.lower() and reference:
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
            whose = f"organization {reference!r}" if reference else "every organization's jobs (a partnership token)"
            message = f"{answered}{because}; check that the token in {self.token_env} may read {whose}"
        elif status == 400:
            because = f": {detail}" if detail else ""
            keys = "organization_reference and per_page" if reference else "cms_sites_references, contract_type and per_page"
            message = f"{answered}{because}; check {keys} in careers.toml"
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


# -- job boards: payloads -> model -----------------------------------------------------------


def contract_types(value: Any) -> tuple[str, ...]:
    """Read the contract_type option (a string or a list) as upper-case codes."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(dict.fromkeys(re.sub(r"[\s-]+", "_", str(i).strip().upper()) for i in items if str(i).strip()))


def publishable_jobs(items: Iterable[Any], websites: Iterable[str] = (), contracts: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Keep the jobs a board publishes: published, on `websites`, of `contracts`, not a spontaneous job.

    Each organization's "Spontaneous job" is in the list (welcomekit.md, "Which jobs are
    published"); a board has no single open application link, so they are left out.
    """
    wanted = set(contracts)
    kept = []
    for raw in items:
        if not isinstance(raw, dict) or not is_published(raw) or not on_websites(raw, websites):
            continue
        # Asked for already, but checked again like status: a server that ignores it publishes nothing else.
        if wanted and re.sub(r"[\s-]+", "_", str(raw.get("contract_type") or "").strip().upper()) not in wanted:
            continue
        if OPEN_APPLICATION.search(str(raw.get("name") or "")):
            continue
        kept.append(raw)
    return kept


def group_jobs(items: Iterable[dict[str, Any]], warnings: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Group jobs by organization_reference, each job once; a job without one has no company and is skipped."""
    groups: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for raw in items:
        reference = _text(raw.get("reference"))
        if reference in seen:
            continue
        owner = _text(raw.get("organization_reference"))
        if owner is None:
            named = " ".join(str(reference or raw.get("name") or "no reference").split())
            warnings.append(f"job {named} was skipped: it has no organization_reference, so its hiring organization is unknown")
            continue
        if reference:
            seen.add(reference)
        groups.setdefault(owner, []).append(raw)
    return groups


def office_ids(payload: Mapping[str, Any]) -> set[str]:
    """Return the office ids a job points to (office_id and {id} refs of `offices`)."""
    ids = set()
    entries = payload.get("offices")
    for entry in entries if isinstance(entries, list) else []:
        identity = _text(entry.get("id")) if isinstance(entry, dict) else _text(entry)
        if identity:
            ids.add(identity)
    if _text(payload.get("office_id")):
        ids.add(str(_text(payload.get("office_id"))))
    return ids


def offices_known(jobs: Iterable[Mapping[str, Any]], company: Organization, reference: str) -> bool:
    """Return whether every office the jobs point to is one of the company's."""
    known = {office.id for office in company.offices}
    return all(f"{reference}:{identity}" in known for raw in jobs for identity in office_ids(raw))


def assemble_board(
    companies: list[tuple[str, Organization, list[Any] | None]],
    *,
    source: str,
    websites: tuple[str, ...] = (),
    open_application_url: str | None = None,
    warnings: list[str] | None = None,
    teams: Mapping[str, Mapping[str, Department]] | None = None,
    previous: SourceData | None = None,
) -> SourceData:
    """Build a board's SourceData: one company per organization, each job pointing to its company.

    `companies` holds (reference, company, raw jobs); raw jobs None means "its jobs from the last
    snapshot" (--allow-stale, when the organization's own job list could not be read).
    """
    data = SourceData(warnings=warnings if warnings is not None else [], open_application_url=open_application_url)
    teams = teams or {}
    taken: set[str] = set()
    offices: dict[str, Office] = {}
    departments: dict[str, Department] = {d.id: d for team in teams.values() for d in team.values()}
    seen: set[str] = set()
    for reference, company, raws in companies:
        slug = company.slug or slugify(company.name) or slugify(reference) or hashed_id("company", reference)
        if slug in taken:  # two organizations with one slug: the reference tells them apart
            slug = f"{slug}-{slugify(reference) or hashed_id('company', reference)}"
        taken.add(slug)
        company = dataclasses.replace(company, slug=slug)
        data.companies.append(company)
        if raws is None:
            jobs = [j for j in previous.jobs if j.company == company.id] if previous else []
        else:
            places = {office.id: office for office in company.offices}
            jobs = []
            for raw in raws:
                job = parse_job(
                    raw,
                    source=source,
                    offices=places,
                    departments=teams.get(reference, {}),
                    prefix=f"{reference}:",
                    websites=websites,
                    warnings=data.warnings,
                )
                if job is not None:
                    jobs.append(dataclasses.replace(job, company=company.id))
        for job in jobs:
            if job.id in seen:
                continue
            seen.add(job.id)
            data.jobs.append(job)
            for office in job.offices:
                offices.setdefault(office.id, office)
            if job.department is not None:
                departments.setdefault(job.department.id, job.department)
    data.offices = list(offices.values())
    data.departments = list(departments.values())
    return data


def parse_company(
    payload: Mapping[str, Any],
    *,
    source: str,
    reference: str,
    languages: tuple[str, ...] = ("en",),
    offices: Iterable[Any] | None = None,
    images: Iterable[Any] | None = None,
    videos: Iterable[Any] | None = None,
    warnings: list[str] | None = None,
) -> Organization:
    """Map an organization into a board company; offices, images and videos default to the embedded ones.

    The embedded `images` and `videos` shapes are undocumented (welcomekit.md, Organization):
    a list of items shaped like /images and /videos is read, anything else is no media.
    """
    warnings = warnings if warnings is not None else []
    base = parse_organization(payload, _items(payload.get("images")) if images is None else images, languages)
    if not base.name:
        warnings.append(f"organization {reference!r} has no name, so its jobs name {reference!r} as the hiring organization; name it in Welcome Kit")
        base = dataclasses.replace(base, name=reference, logo=dataclasses.replace(base.logo, alt=reference) if base.logo else None)
    places = parse_offices(_items(payload.get("offices")) if offices is None else offices, f"{reference}:", warnings)
    return dataclasses.replace(
        base,
        id=f"{source}:{reference}",
        slug=slugify(_text(payload.get("slug")) or "") or slugify(base.name) or slugify(reference),
        sectors=parse_sectors(payload.get("sectors")),
        figures=parse_figures(payload),
        offices=tuple(places.values()),
        videos=parse_videos(_items(payload.get("videos")) if videos is None else videos),
    )


def parse_sectors(value: Any) -> tuple[str, ...]:
    """Return readable sector names from the organization's sector slugs.

    `sectors` holds slugs such as `saas-cloud-services` or `media-1`, which are not /sectors
    references (welcomekit.md, Organization): a slug becomes "Saas cloud services", "Media"
    (a trailing number only tells two slugs apart). An object with a `name` is read as named.
    """
    names: dict[str, None] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            label = item.get("name") or item.get("names")
            text = _text(label.get("en") or next(iter(label.values()), None)) if isinstance(label, dict) else _text(label)
            text = text or readable_sector(_text(item.get("slug")) or _text(item.get("reference")) or "")
        else:
            text = readable_sector(_text(item) or "")
        if text:
            names.setdefault(text, None)
    return tuple(names)


def readable_sector(slug: str) -> str:
    """Turn a sector slug into words: "saas-cloud-services" -> "Saas cloud services"."""
    words = " ".join(w for w in re.split(r"[-_\s]+", re.sub(r"[-_]\d+$", "", slug.strip())) if w)
    return words[:1].upper() + words[1:]


def parse_figures(payload: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return the organization's key figures that are set, as (FIGURE_KEYS key, value as given)."""
    figures = []
    for field_name, key in FIGURES:
        value = payload.get(field_name)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        if text:
            figures.append((key, text))
    return tuple(figures)


def parse_videos(items: Iterable[Any]) -> tuple[Any, ...]:
    """Map videos, keeping each URL once."""
    videos: dict[str, Video] = {}
    for item in items:
        video = parse_video(item)
        if video is not None:
            videos.setdefault(video.url, video)
    return tuple(videos.values())


def parse_video(payload: Any) -> Video | None:
    """Map a video: an https page to watch it on, and a player URL only for YouTube and Dailymotion.

    `source` is youtube, dailymotion or 360player (welcomekit.md, "Image, video, lookups"); the
    player URL is built here from the video's id, never taken from the payload.
    """
    if not isinstance(payload, dict):
        return None
    url = safe_url(payload.get("url"))
    provider = (_text(payload.get("source")) or "").lower() or _provider_of(url)
    reference = _text(payload.get("external_reference"))
    identity = video_id(provider, url, reference)
    if url is None and identity:
        url = {"youtube": f"https://www.youtube.com/watch?v={identity}", "dailymotion": f"https://www.dailymotion.com/video/{identity}"}.get(provider)
    if url is None or not url.lower().startswith("https://"):
        return None
    embed = None
    if identity and provider == "youtube":
        embed = f"https://www.youtube-nocookie.com/embed/{identity}"
    elif identity and provider == "dailymotion":
        embed = f"https://www.dailymotion.com/embed/video/{identity}"
    title = _text(payload.get("name")) or ""
    image = payload.get("image")
    thumbnail = safe_url(image.get("url") if isinstance(image, dict) else image)
    return Video(
        url=url,
        title=title,
        provider=provider if provider in ("youtube", "dailymotion", "vimeo") else "",
        embed_url=embed,
        thumbnail=Image(url=thumbnail, alt=title) if thumbnail else None,
        description=plain_text(html_or_markdown(_text(payload.get("description")))),
    )


def video_id(provider: str, url: str | None, reference: str | None) -> str | None:
    """Return the YouTube or Dailymotion id from the URL (on the provider's own host) or external_reference."""
    pattern = YOUTUBE_ID if provider == "youtube" else DAILYMOTION_ID if provider == "dailymotion" else None
    if pattern is None:
        return None
    found = None
    if url and _provider_of(url) == provider:
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if provider == "youtube":
            found = parse_qs(parts.query).get("v", [None])[0] if segments[:1] == ["watch"] else None
            if found is None and segments and (parts.hostname or "").endswith("youtu.be"):
                found = segments[0]
            elif found is None and len(segments) >= 2 and segments[0] in ("embed", "shorts", "v", "live"):
                found = segments[1]
        else:
            if (parts.hostname or "").endswith("dai.ly") and segments:
                found = segments[0]
            elif "video" in segments and segments.index("video") + 1 < len(segments):
                found = segments[segments.index("video") + 1].split("_")[0]
    for candidate in (found, reference):
        if candidate and pattern.fullmatch(candidate):
            return candidate
    return None


def _provider_of(url: str | None) -> str:
    host = (urlsplit(url).hostname or "").lower() if url else ""
    for provider, hosts in (
        ("youtube", ("youtube.com", "youtu.be", "youtube-nocookie.com")),
        ("dailymotion", ("dailymotion.com", "dai.ly")),
        ("vimeo", ("vimeo.com",)),
    ):
        if any(host == h or host.endswith(f".{h}") for h in hosts):
            return provider
    return ""


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _error_code(body: Any) -> str:
    return body["error"] if isinstance(body, dict) and isinstance(body.get("error"), str) else ""


def _error_description(body: Any) -> str:
    return body["error_description"] if isinstance(body, dict) and isinstance(body.get("error_description"), str) else ""


def _unreadable(exc: HttpError) -> bool:
    """Return whether a failure is the organization's own (gone, down, garbled), not the token's."""
    return exc.status is None or exc.status == 404 or exc.status in RETRY_STATUSES or 200 <= exc.status < 300


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _day_before(value: Any) -> str | None:
    """Return the day before `value` (an ISO datetime) as YYYY-MM-DD: updated_after takes days only."""
    if not isinstance(value, str):
        return None
    try:
        return (datetime.fromisoformat(value) - timedelta(days=1)).date().isoformat()
    except ValueError:
        return None


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
