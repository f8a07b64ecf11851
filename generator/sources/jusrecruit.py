"""The JusRecruit source: published jobs from the JusRecruit Integration API v1, read-only.

    GET /jobs              LIST_JOBS               the list, paged
    GET /jobs/{id}         FETCH_JOBS              each new or changed job
    GET /jobs/{id}/tags    FETCH_TAGS              its tags, unless the detail embeds them
    GET /company/info      FETCH_COMPANY_DETAILS   the hiring organization

Only the top of the vendor's Postman collection is public (../shared/api/jusrecruit.md): auth,
permissions and rate limits are documented, response shapes are not. So every reader below
accepts each plausible envelope, id key and paging style, and the pure `parse_*` functions map
one payload to the model following ../shared/api/mapping.md.

FETCH_TAGS also covers POST/DELETE on /jobs/{id}/tags: this module only ever calls
`HttpClient.get_json`, and the HTTP layer has no method that sends anything but GET.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from ..config import Option, SourceConfig
from ..errors import HttpError, SourceError
from ..http import HttpClient
from ..model import Department, Image, Job, Office, Organization, Remote, Salary, Section, SourceData, slugify
from ..normalize import (
    ascii_id,
    country_code,
    country_from_name,
    currency_code,
    employment_from_text,
    hashed_id,
    html_or_markdown,
    iso_datetime,
    parse_number,
    plain_text,
    safe_url,
)
from . import FetchContext, Source

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.democruit.com/api/v1/integration"
KEY_HELP = "Settings > Recruitment > API Keys"
# mapping.md: published when status (or jobStatus) is one of these, case-insensitive.
PUBLISHED = {"published", "open", "active", "live"}
ID_KEYS = ("id", "_id", "jobId")
LIST_KEYS = ("items", "results", "records")
NESTED_LIST_KEYS = ("items", "data")
MAX_PAGES = 100
PERIODS = {
    "year": "YEAR", "yearly": "YEAR", "annual": "YEAR", "annually": "YEAR", "per year": "YEAR", "per annum": "YEAR",
    "month": "MONTH", "monthly": "MONTH", "per month": "MONTH",
    "week": "WEEK", "weekly": "WEEK", "per week": "WEEK",
    "day": "DAY", "daily": "DAY", "per day": "DAY",
    "hour": "HOUR", "hourly": "HOUR", "per hour": "HOUR",
}  # fmt: skip
FULLY_REMOTE = {"remote", "fully remote", "full remote", "remote only"}
PARAGRAPH = re.compile(r"<(p|br|ul|ol|li)\b|\n")
BLOCK_END = re.compile(r"(</(?:div|h[2-6]|table|blockquote|pre|dl)>)\s*")


class ShapeError(ValueError):
    """A payload has none of the shapes this source knows."""


# -- pure readers: payload -> values ------------------------------------------------------------


def extract_list(body: Any, resource: str) -> list[Any]:
    """Return the list inside a list response: bare, or under data / <resource> / items / ... ."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        raise ShapeError(f"a JSON {type(body).__name__} instead of a list")
    for key in ("data", resource, *LIST_KEYS):
        if isinstance(body.get(key), list):
            return body[key]  # type: ignore[no-any-return]
    data = body.get("data")
    if isinstance(data, dict):
        for key in (resource, *NESTED_LIST_KEYS):
            if isinstance(data.get(key), list):
                return data[key]  # type: ignore[no-any-return]
    keys = key_list(body) or "none"
    raise ShapeError(f"no list under data, {resource}, {', '.join(LIST_KEYS)}, data.{resource}, data.items or data.data (top-level keys: {keys})")


def key_list(mapping: dict[str, Any]) -> str:
    """Return the keys of a payload for a message: sorted, each on one line, the whole at most 200 characters."""
    return ", ".join(" ".join(key.split()) for key in sorted(mapping))[:200]


def extract_object(body: Any) -> dict[str, Any]:
    """Return the object inside a single-object response: bare, or under `data`."""
    if not isinstance(body, dict):
        raise ShapeError(f"a JSON {type(body).__name__} instead of an object")
    data = body.get("data")
    if isinstance(data, dict) and not any(k in body for k in ID_KEYS):
        return data
    return body


def job_id(item: dict[str, Any]) -> str | None:
    """Return the job's id (`id`, `_id` or `jobId`; a string or a number) as a string."""
    for key in ID_KEYS:
        value = item.get(key)
        if isinstance(value, bool):
            continue
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if text and text.isprintable():  # an id with a line break or a control character is no id
            return text
    return None


def unpublished_reason(item: dict[str, Any]) -> str | None:
    """Return why a job is not published (its status), or None when it is published.

    Every status field that has a value must say published: a job that is "published" in
    `status` but "closed" in `jobStatus` is never shown. A null or blank field counts only when
    no other one has a value; no status field at all is published (mapping.md).
    """
    present = [key for key in ("status", "jobStatus") if key in item]
    values = [str(item[key]).strip().lower()[:40] for key in present if item[key] is not None and str(item[key]).strip()]
    if present and not values:
        return "empty status"
    return next((value for value in values if value not in PUBLISHED), None)


def parse_tags(payload: Any) -> tuple[str, ...]:
    """Return the sorted, unique names of tags given as strings or {name|label|title} objects."""
    names: dict[str, str] = {}  # "python" and "Python" are one tag (one /tags/python/ page): the first spelling wins
    for tag in payload:
        if isinstance(tag, dict):
            tag = next((tag[k] for k in ("name", "label", "title") if isinstance(tag.get(k), str)), None)
        if isinstance(tag, str) and tag.strip():
            name = " ".join(tag.split())
            names.setdefault(name.casefold(), name)
    return tuple(names[key] for key in sorted(names))


def parse_location(value: Any, label: str) -> tuple[Office | None, list[str]]:
    """Return the office of a `location` object or string, and warnings about its country."""
    warnings: list[str] = []
    if isinstance(value, dict):
        given = {k: value.get(k) for k in ("address", "city", "state", "region", "postalCode", "country")}
        text = {k: str(v).strip() for k, v in given.items() if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip()}
        country = country_code(text.get("country"))
        office_fields = {
            "street": text.get("address"),
            "city": text.get("city"),
            "region": text.get("region") or text.get("state"),
            "postal_code": text.get("postalCode"),
        }
        name = office_fields["city"] or office_fields["region"] or text.get("country") or office_fields["street"]
        raw_country = text.get("country")
    elif isinstance(value, str) and value.strip():
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if len(parts) == 1:
            # One part is a country only when it names one exactly: "Paris" is a city, not France.
            country = country_from_name(parts[0])
            office_fields = {"city": None if country else parts[0]}
        else:
            country = country_code(parts[-1])
            office_fields = {"city": parts[0], "region": parts[1] if len(parts) == 3 and country else None}
        name = parts[0]
        raw_country = parts[-1] if len(parts) > 1 or country else None
    else:
        return None, warnings
    if not name:
        return None, warnings
    if raw_country and not country:
        warnings.append(
            f"{label}: country {raw_country!r} is not a country name or ISO code; its JobPosting has no addressCountry (fix the location in JusRecruit)"
        )
    elif not country:
        warnings.append(f"{label}: location {name!r} names no country; its JobPosting has no addressCountry (add the country in JusRecruit)")
    identity = " ".join(v for v in (*office_fields.values(), country) if v)
    # The id makes the URL of an office whose name has no slug: a city written in Hebrew or
    # Arabic gets a stable ASCII one of its own, not the slug of its country code.
    readable = slugify(name) or slugify(" ".join(v for v in office_fields.values() if v))
    office_id = slugify(identity) if readable else hashed_id("office", identity)
    return (
        Office(
            id=office_id or identity,
            name=name,
            country=country,
            street=office_fields.get("street"),
            city=office_fields.get("city"),
            region=office_fields.get("region"),
            postal_code=office_fields.get("postal_code"),
        ),
        warnings,
    )


def parse_remote(item: dict[str, Any]) -> Remote:
    """Return FULL for `remote`/`isRemote` true or workplaceType remote, HYBRID for hybrid."""
    if any(item.get(key) is True or str(item.get(key)).strip().lower() == "true" for key in ("remote", "isRemote")):
        return Remote.FULL
    kind = item.get("workplaceType")
    words = re.sub(r"[^a-z]+", " ", kind.lower()).strip() if isinstance(kind, str) else ""
    if words in FULLY_REMOTE:
        return Remote.FULL
    if "hybrid" in words:
        return Remote.HYBRID
    return Remote.NO


def parse_salary(value: Any, label: str) -> tuple[Salary | None, list[str]]:
    """Return the salary of `{min, max, currency, period}`, or None with a warning when unusable."""
    if not isinstance(value, dict):
        return None, []
    low, high = parse_number(value.get("min")), parse_number(value.get("max"))
    if not any((low, high)):  # nothing, or 0: a form left at its default is no offer
        return None, []
    currency = currency_code(value.get("currency"))
    period = value.get("period")
    unit = PERIODS.get(re.sub(r"[^a-z]+", " ", period.lower()).strip()) if isinstance(period, str) else None
    if not currency:
        return None, [
            f"{label}: salary currency {value.get('currency')!r} is not an ISO 4217 code; the salary is not shown (fix the salary in JusRecruit)"
        ]
    if not unit:
        return None, [
            f"{label}: salary period {period!r} is not yearly, monthly, weekly, daily or hourly; the salary is not shown (fix the salary in JusRecruit)"
        ]
    if low is not None and high is not None and low > high:
        return None, [f"{label}: salary min {low:g} is above max {high:g}; the salary is not shown (fix the salary in JusRecruit)"]
    return Salary(currency=currency, unit=unit, min=low, max=high), []


def parse_department(value: Any) -> Department | None:
    """Return the department named by a string (or a {name} object)."""
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str) or not value.strip():
        return None
    name = " ".join(value.split())
    return Department(id=slugify(name) or ascii_id("department", name), name=name)


def parse_job(item: dict[str, Any], source: str) -> tuple[Job | None, list[str]]:
    """Map one job (list summary merged with its detail and tags) to a Job; None when it cannot be shown."""
    identifier = job_id(item)
    if identifier is None:
        return None, ["a job has no id, _id or jobId; left out"]
    title = next((" ".join(item[k].split()) for k in ("title", "name") if isinstance(item.get(k), str) and item[k].strip()), None)
    if title is None:
        return None, [f"job {identifier} has no title; left out (give it a title in JusRecruit)"]
    label = f"job {identifier} ({title})"
    posted = next((iso_datetime(item.get(k)) for k in ("publishedAt", "createdAt") if iso_datetime(item.get(k))), None)
    if posted is None:
        return None, [f"{label} has no readable publishedAt or createdAt date; left out (publish it again in JusRecruit)"]
    warnings: list[str] = []
    html = html_or_markdown(item.get("description")) if isinstance(item.get("description"), str) else ""
    text = plain_text(html)
    if not text:  # "<p></p>" or a lone <script> is no description either
        html = ""
        warnings.append(f"{label} has no description; Google will not list it (write one in JusRecruit)")
    elif text == title:
        warnings.append(f"{label}: its description only repeats the title; Google will not list it (write a real one in JusRecruit)")
    if text and not PARAGRAPH.search(html):
        # Google wants paragraph breaks: block tags end a line, inline text becomes a paragraph.
        html = BLOCK_END.sub("\\1\n", html) if BLOCK_END.search(html) else f"<p>{html}</p>"
    closing = next((item[k] for k in ("expiresAt", "closingDate") if item.get(k) not in (None, "")), None)
    valid_through = iso_datetime(closing)
    if closing is not None and valid_through is None:
        warnings.append(f"{label}: closing date {closing!r:.100} is not a date; left out of the page (fix the closing date in JusRecruit)")
    elif valid_through is not None and _before(valid_through, posted):
        warnings.append(
            f"{label}: closing date {valid_through} is before its publication date {posted}; left out of the page (fix the closing date in JusRecruit)"
        )
        valid_through = None
    office, office_warnings = parse_location(item.get("location"), label)
    salary, salary_warnings = parse_salary(item.get("salary"), label)
    warnings += office_warnings + salary_warnings
    remote = parse_remote(item)
    if remote is Remote.FULL and not (office and office.country):
        warnings.append(
            f"{label} is fully remote but names no country applicants may live in; its JobPosting lacks applicantLocationRequirements (add the job's country in JusRecruit)"
        )
    elif office is None and remote is not Remote.FULL:
        warnings.append(f"{label} has no location; its JobPosting lacks the jobLocation Google requires (set the job's location in JusRecruit)")
    wording = next((item[k].strip() for k in ("employmentType", "jobType") if isinstance(item.get(k), str) and item[k].strip()), None)
    kind = employment_from_text(wording)
    job = Job(
        source=source,
        id=identifier,
        title=title,
        date_posted=posted,
        sections=(Section(title="", html=html),) if html else (),
        department=parse_department(item.get("department")),
        offices=(office,) if office else (),
        employment_types=(kind,) if kind else (),
        employment_label=wording,
        remote=remote,
        salary=salary,
        valid_through=valid_through,
        updated_at=iso_datetime(item.get("updatedAt")),
        tags=parse_tags(item["tags"]) if isinstance(item.get("tags"), list) else (),
    )
    return job, warnings


def _before(later: str, earlier: str) -> bool:
    """Return whether timestamp `later` comes before `earlier`, read both as UTC and as local times.

    A plain date counts as its midnight: a job closing on the day it opens has no valid range.
    """

    def moments(value: str) -> tuple[datetime, datetime]:
        moment = datetime.fromisoformat(value)
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware, moment.replace(tzinfo=None)

    (later_utc, later_local), (earlier_utc, earlier_local) = moments(later), moments(earlier)
    return later_utc < earlier_utc or later_local < earlier_local


def parse_company(body: Any) -> Organization:
    """Map /company/info (name, logo|logoUrl, website|url, description) to an Organization."""
    info = extract_object(body)

    def text(*keys: str) -> str | None:
        return next((info[k].strip() for k in keys if isinstance(info.get(k), str) and info[k].strip()), None)

    name = text("name") or ""
    logo = safe_url(text("logo", "logoUrl"))
    website = text("website", "url")
    description = html_or_markdown(text("description"))
    return Organization(
        name=name,
        url=safe_url(website),
        logo=Image(url=logo, alt=name) if logo else None,
        description={"": description} if description else {},
    )


@dataclass
class PageInfo:
    """What one list page says about the next one."""

    next: str | None = None  # a URL to follow
    has_next: bool | None = None  # None: the page does not say


def stated_total(body: Any) -> int | None:
    """Return the number of jobs a list page announces (`total`, top level, `meta` or `pagination`)."""
    if not isinstance(body, dict):
        return None
    for place in [body] + [body[k] for k in ("meta", "pagination") if isinstance(body.get(k), dict)]:
        total = parse_number(place.get("total"))
        if total is not None:
            return int(total)
    return None


def page_info(body: Any, page: int, seen: int, count: int, limit: int | None) -> PageInfo:
    """Read `next`, `hasMore`, `totalPages` or `total` (top level, `meta` or `pagination`), else the page size."""
    places = [body] if isinstance(body, dict) else []
    places += [body[k] for k in ("meta", "pagination", "links") if isinstance(body, dict) and isinstance(body.get(k), dict)]
    for place in places:
        if "next" in place and not isinstance(place["next"], (dict, list)):
            link = place["next"]
            return PageInfo(next=link if isinstance(link, str) and link.strip() else None, has_next=bool(link))
    for place in places:
        if isinstance(place.get("hasMore"), bool):
            return PageInfo(has_next=place["hasMore"])
    for place in places:
        pages = parse_number(place.get("totalPages"))
        if pages is not None:
            return PageInfo(has_next=page < pages)
    for place in places:
        total = parse_number(place.get("total"))
        if total is not None:
            return PageInfo(has_next=seen < total)
    # No metadata: a short page is the last one (the server's own `limit` wins over ours).
    size = next((parse_number(p.get("limit")) for p in places if parse_number(p.get("limit"))), None) or limit
    return PageInfo(has_next=size is not None and count >= size)


# -- fetching -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What fetching one job produced."""

    job: Job | None = None
    memo: dict[str, Any] | None = None  # saved in the state; None: fetch it again next time
    warnings: list[str] = field(default_factory=list)
    dropped: str | None = None  # the status that kept it off the site


class JusRecruitSource(Source):
    """Fetch published jobs and company details from the JusRecruit Integration API."""

    TYPE = "jusrecruit"
    OPTIONS = {
        "api_url": Option(str, default=DEFAULT_API_URL, help="the Integration API base URL, up to /api/v1/integration"),
        "token_env": Option(str, default="JUSRECRUIT_API_KEY", help="the environment variable holding the API key"),
        "page_size": Option(int, default=50, help="jobs per list page (1 to 100)"),
    }
    # "10 requests/second per API key ... bursts of requests up to 20 requests/second" (docs, Rate Limits).
    RATE = 10
    BURST = 20
    # Two requests in flight keep 10/s busy at 150 ms per answer; four absorb slow answers.
    CONCURRENCY = 4

    @classmethod
    def validate(cls, values: dict[str, Any]) -> list[str]:
        problems = []
        size = values.get("page_size")
        if isinstance(size, int) and not 1 <= size <= 100:
            problems.append(f"page_size: {size} must be between 1 and 100")
        return problems

    def __init__(self, config: SourceConfig, context: FetchContext):
        super().__init__(config, context)
        self.key_variable: str = config.get("token_env") or self.OPTIONS["token_env"].default
        self.api_path = urlsplit(config.get("api_url") or DEFAULT_API_URL).path.rstrip("/")  # for messages
        self._tags_lock = threading.Lock()
        self._tags_denied = False  # set by the first 403 on /tags: the key lacks FETCH_TAGS

    def fetch(self) -> SourceData:
        key = self.secret("token_env", f"a JusRecruit API key ({KEY_HELP}; permissions LIST_JOBS, FETCH_JOBS, FETCH_TAGS, FETCH_COMPANY_DETAILS)")
        with self.client(self.config["api_url"], secrets=(key,), headers={"Authorization": f"Bearer {key}"}) as client:
            summaries, warnings = self._list_jobs(client)
            organization, company_warnings = self._company(client)
            warnings += company_warnings
            outcomes = self._jobs(client, summaries)
        jobs = []
        dropped: Counter[str] = Counter()
        self.state = {"jobs": {}}
        for job_key, outcome in outcomes:
            warnings += outcome.warnings
            if outcome.memo is not None:
                self.state["jobs"][job_key] = outcome.memo
            if outcome.dropped:
                dropped[outcome.dropped] += 1
            if outcome.job:
                jobs.append(outcome.job)
        if dropped:
            reasons = ", ".join(f"{n} {status}" for status, n in sorted(dropped.items()))
            log.info("%s: left out %d of %d listed jobs that are not published (%s)", self.name, sum(dropped.values()), len(outcomes), reasons)
        offices = {o.id: o for job in jobs for o in job.offices}
        departments = {job.department.id: job.department for job in jobs if job.department}
        return SourceData(
            jobs=jobs, offices=list(offices.values()), departments=list(departments.values()), organization=organization, warnings=warnings
        )

    # -- the list ---------------------------------------------------------------------------

    def _list_jobs(self, client: HttpClient) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
        """Return (id, summary) of every listed job, following whichever paging the server uses."""
        limit: int = self.config["page_size"]
        base = urlsplit(client.base_url)
        found: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        url, params = "jobs", {"page": 1, "limit": limit}
        page = 1
        unpaged = False  # asked once without page/limit because the server ignored `page`
        while True:
            try:
                body = client.get_json(url, params).data
            except HttpError as exc:
                if exc.status == 400 and page == 1 and params:
                    # The paging parameters are guesses (jusrecruit.md, Unknowns): retry once without them.
                    log.info("%s: GET %s answered HTTP 400; asking again without page/limit", self.name, exc.path)
                    params = {}
                    continue
                raise self._failure(exc, "LIST_JOBS") from None
            try:
                items = extract_list(body, "jobs")
            except ShapeError as exc:
                raise SourceError(
                    self.name, f"GET {self.api_path}/jobs returned {exc}; check that api_url points at the JusRecruit Integration API"
                ) from None
            fresh = 0
            for item in items:
                identifier = job_id(item) if isinstance(item, dict) else None
                if identifier is None:
                    warnings.append(
                        f"a job in GET {self.api_path}/jobs has no id, _id or jobId; left out (keys: {key_list(item) if isinstance(item, dict) else type(item).__name__})"
                    )
                elif identifier not in found:
                    found[identifier] = item
                    fresh += 1
            if items and not fresh:
                # The server ignores `page`. Stop only if it does not announce more jobs than we have:
                # a list cut short must never be published (closing the jobs that were not read).
                announced = stated_total(body)
                if announced is None or len(found) >= announced:
                    log.info("%s: page %d of GET %s/jobs repeated known jobs (the server ignores page); stopping", self.name, page, self.api_path)
                    break
                if not unpaged:
                    log.info(
                        "%s: GET %s/jobs ignores page and announced %d jobs; asking once without page/limit", self.name, self.api_path, announced
                    )
                    url, params, unpaged = "jobs", {}, True
                    continue
                raise SourceError(
                    self.name,
                    f"GET {self.api_path}/jobs announced {announced} jobs but returned {len(found)} and ignores page; "
                    f"the list cannot be read whole, so nothing was published; set page_size = 100 in [[sources]] or report it to JusRecruit",
                )
            info = page_info(body, page, len(found), len(items), limit if params else None)
            if not items or not info.has_next:
                break
            if page >= MAX_PAGES:
                raise SourceError(
                    self.name, f"GET {self.api_path}/jobs still had more pages after {MAX_PAGES}; set page_size = 100 (jobs per page) in [[sources]]"
                )
            page += 1
            if info.next:
                try:
                    target = urljoin(f"{client.base_url}/jobs", info.next)
                    parts = urlsplit(target)
                    host = parts.netloc
                except ValueError:  # "http://[::1": a broken IPv6 host
                    warnings.append(
                        f"GET {self.api_path}/jobs gave a next link that is not a URL ({info.next[:100]!r}); asked for page {page} instead"
                    )
                    url, params = "jobs", {"page": page, "limit": limit}
                    continue
                if (parts.scheme, host) == (base.scheme, base.netloc):
                    url, params = target, {}
                    continue
                # Following it would send the API key to another host, or in clear text.
                warnings.append(
                    f"GET {self.api_path}/jobs gave a next link to another host or scheme ({parts.scheme}://{host}); not followed, asked for page {page} instead"
                )
                url = "jobs"
            params = {"page": page, "limit": limit}
        return list(found.items()), warnings

    # -- company ----------------------------------------------------------------------------

    def _company(self, client: HttpClient) -> tuple[Organization, list[str]]:
        try:
            return parse_company(client.get_json("company/info").data), []
        except HttpError as exc:
            if exc.status == 401:
                raise self._failure(exc, "FETCH_COMPANY_DETAILS") from None
            if exc.status == 403:
                return Organization(), [
                    f"GET {exc.path} answered HTTP 403: the API key lacks FETCH_COMPANY_DETAILS; using [organization] from careers.toml "
                    f"(add the permission under {KEY_HELP} to use the company's name, logo and website)"
                ]
            return Organization(), [f"{_reason(exc)}; using [organization] from careers.toml"]
        except ShapeError as exc:
            return Organization(), [f"GET {self.api_path}/company/info returned {exc}; using [organization] from careers.toml"]

    # -- jobs -------------------------------------------------------------------------------

    def _jobs(self, client: HttpClient, summaries: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Outcome]]:
        """Fetch new and changed jobs concurrently; reuse the last build's result for the rest."""
        previous_jobs = {job.id: job for job in self.context.previous.jobs} if self.context.previous else {}
        memos = self.context.previous_state.get("jobs") if isinstance(self.context.previous_state, dict) else None
        memos = memos if isinstance(memos, dict) else {}

        def one(entry: tuple[str, dict[str, Any]]) -> tuple[str, Outcome]:
            identifier, summary = entry
            return identifier, self._job(client, identifier, summary, memos.get(identifier), previous_jobs.get(identifier))

        return client.map(one, summaries)

    def _job(self, client: HttpClient, identifier: str, summary: dict[str, Any], memo: Any, previous: Job | None) -> Outcome:
        reason = unpublished_reason(summary)
        if reason:
            return Outcome(dropped=reason)
        updated = summary.get("updatedAt")
        unchanged = updated is not None and isinstance(memo, dict) and memo.get("updatedAt") == updated
        if unchanged and memo.get("dropped"):
            return Outcome(memo=memo, dropped=memo["dropped"])
        if unchanged and previous is not None:
            warnings = list(memo.get("warnings") or [])
            if memo.get("tags") is False:  # last time the tags could not be read: try them alone
                tags, ok, retry_warnings = self._tags(client, identifier)
                if ok:
                    return Outcome(replace(previous, tags=tags), {**memo, "tags": True}, warnings)
                return Outcome(previous, memo, warnings + retry_warnings)
            return Outcome(previous, memo, warnings)
        path = f"jobs/{quote(identifier, safe='')}"
        try:
            detail = extract_object(client.get_json(path).data)
        except HttpError as exc:
            if exc.status == 404:
                return Outcome(warnings=[f"job {identifier}: GET {exc.path} answered HTTP 404 (deleted since the list was read); left out"])
            raise self._failure(exc, "FETCH_JOBS") from None
        except ShapeError as exc:
            raise SourceError(
                self.name, f"GET {self.api_path}/{path} returned {exc}; check that api_url points at the JusRecruit Integration API"
            ) from None
        # The list's id names the job everywhere (its URL, its memo), whatever id keys the detail uses.
        merged = {**{k: v for k, v in {**summary, **detail}.items() if k not in ID_KEYS}, "id": identifier}
        reason = unpublished_reason(merged)
        if reason:
            return Outcome(memo={"updatedAt": updated, "dropped": reason}, dropped=reason)
        tags_ok = True
        tag_warnings: list[str] = []
        if not isinstance(merged.get("tags"), list):  # the detail does not embed its tags
            tags, tags_ok, tag_warnings = self._tags(client, identifier)
            merged["tags"] = list(tags)
        job, warnings = parse_job(merged, self.name)
        if job is None:
            return Outcome(warnings=warnings)
        memo = {"updatedAt": updated, "tags": tags_ok, "warnings": warnings} if updated is not None else None
        return Outcome(job, memo, warnings + tag_warnings)

    def _tags(self, client: HttpClient, identifier: str) -> tuple[tuple[str, ...], bool, list[str]]:
        """Return (tags, whether they were read, warnings) for one job."""
        if self._tags_denied:
            return (), False, []
        path = f"jobs/{quote(identifier, safe='')}/tags"
        try:
            return parse_tags(extract_list(client.get_json(path).data, "tags")), True, []
        except HttpError as exc:
            if exc.status == 401:
                raise self._failure(exc, "FETCH_TAGS") from None
            if exc.status == 403:
                with self._tags_lock:
                    first = not self._tags_denied
                    self._tags_denied = True
                if not first:
                    return (), False, []
                return (
                    (),
                    False,
                    [
                        f"GET {exc.path} answered HTTP 403: the API key lacks FETCH_TAGS; jobs are published without tags (add the permission under {KEY_HELP})"
                    ],
                )
            return (), False, [f"job {identifier}: {_reason(exc)}; published without tags"]
        except ShapeError as exc:
            return (), False, [f"job {identifier}: GET {self.api_path}/{path} returned {exc}; published without tags"]

    # -- errors -----------------------------------------------------------------------------

    def _failure(self, exc: HttpError, permission: str) -> SourceError:
        """Turn an HttpError into a one-line message that says what to do."""
        if exc.status == 401:
            return SourceError(
                self.name,
                f"GET {exc.path} answered HTTP 401: the API key is wrong or expired; rotate {self.key_variable} (create a new key under {KEY_HELP})",
            )
        if exc.status == 403:
            return SourceError(self.name, f"GET {exc.path} answered HTTP 403: the API key lacks the {permission} permission; add it under {KEY_HELP}")
        if exc.status == 429:
            return SourceError(self.name, f"{_reason(exc)}; the API kept refusing for rate limits, lower requests_per_second or try again later")
        return SourceError(self.name, f"{_reason(exc)}; check api_url, or try again later (--allow-stale publishes the last snapshot)")


def _reason(exc: HttpError) -> str:
    """Return the HTTP layer's message without its "source <name>: " prefix."""
    return str(exc).removeprefix(f"source {exc.source}: ")


SOURCE = JusRecruitSource
