"""Job feeds for aggregators, from the same data as the pages: Indeed XML and JSON Feed 1.1.

Only open jobs are listed (a closed job leaves every feed at once, like the sitemap). Links that
send a candidate somewhere carry `utm_source=<feed>` so a company's analytics can tell which
feed a candidate came from; `mailto:` and other non-web links are left as they are.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

from . import i18n
from .fragments import Entry, Part, joined
from .model import Job, Remote, fingerprint
from .normalize import instant, plain_text, rfc3339

if TYPE_CHECKING:  # render.py imports this module
    from .render import Renderer

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
UTM_MEDIUM = "job_feed"
# Indeed's <jobtype> words; the other employment types have none.
INDEED_JOB_TYPES = {"FULL_TIME": "fulltime", "PART_TIME": "parttime", "CONTRACTOR": "contract", "TEMPORARY": "temporary", "INTERN": "internship"}
# Indeed's <remotetype> values; on-site and occasional remote jobs send none (assumption: Indeed's wording).
INDEED_REMOTE_TYPES = {Remote.FULL: "Fully remote", Remote.HYBRID: "Hybrid remote"}
SALARY_PERIODS = {"HOUR": "per hour", "DAY": "per day", "WEEK": "per week", "MONTH": "per month", "YEAR": "per year"}
# XML 1.0 forbids these characters even inside CDATA.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Indeed does not read HTML entities; keep only the three that protect the markup itself.
ENTITY = re.compile(r"&(?!(?:lt|gt|amp);)(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def with_source(url: str | None, source: str, medium: str = UTM_MEDIUM) -> str | None:
    """Return `url` tagged with utm_source/utm_medium; non-http(s) URLs come back unchanged."""
    if not url:
        return url
    if url.startswith(("https://", "http://")) and not any(c in url for c in "?#&"):
        return f"{url}?{_utm(source, medium)}"  # the common case, without parsing
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("utm_source", "utm_medium")]
    query += [("utm_source", source), ("utm_medium", medium)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@functools.cache
def _utm(source: str, medium: str) -> str:
    return urlencode([("utm_source", source), ("utm_medium", medium)])


@dataclass(frozen=True)
class FeedJob:
    """One open job as the feeds see it."""

    job: Job
    url: str  # absolute URL of the job page
    language: str


def feed_jobs(renderer: Renderer) -> list[FeedJob]:
    """Return every open job with its page URL, newest first (stable order)."""
    entries = [
        FeedJob(job, renderer.absolute(renderer.job_paths[job.key]), section.language)
        for section in renderer.sections.values()
        for job in section.jobs
    ]
    entries.sort(key=lambda e: e.job.key)
    entries.sort(key=lambda e: instant(e.job.updated_at or e.job.date_posted), reverse=True)
    return entries


# -- Indeed ----------------------------------------------------------------------------------


def cdata(text: str) -> str:
    """Wrap text in CDATA, splitting any `]]>` it contains."""
    clean = XML_INVALID.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def indeed_html(fragment: str) -> str:
    """Return sanitized HTML with entities turned into characters, as Indeed asks."""
    return ENTITY.sub(lambda m: html.unescape(m.group(0)), fragment)


def indeed_salary(job: Job) -> str | None:
    if job.salary is None or (job.salary.min is None and job.salary.max is None):
        return None
    amount = i18n.format_salary(job.salary, "en").replace("\u00a0", " ").replace("\u2013", "-")
    return f"{amount} {SALARY_PERIODS.get(job.salary.unit, '')}".strip()


def indeed_jobs(entry: FeedJob, company: str) -> Iterable[list[tuple[str, str | None]]]:
    """Yield the fields of one <job> per location (Indeed wants one per city, each with its own number)."""
    job = entry.job
    details: list[tuple[str, str | None]] = [
        ("description", indeed_html(job.description_html)),
        ("salary", indeed_salary(job)),
        ("jobtype", ", ".join(dict.fromkeys(INDEED_JOB_TYPES[t] for t in job.employment_types if t in INDEED_JOB_TYPES)) or None),
        ("category", job.department.name if job.department else None),
        ("experience", job.experience_label),
        ("education", job.education_label or job.education),
        ("remotetype", INDEED_REMOTE_TYPES.get(job.remote)),
    ]
    # Indeed's reference number must never change once set: the job's key, plus the office id when there is one.
    base = f"{job.source}-{job.id}"
    locations: list[tuple[str, list[tuple[str, str | None]]]] = [
        (
            f"{base}-{office.id}",
            [
                ("city", office.city or office.name),
                ("state", office.region),
                ("country", office.country),
                ("postalcode", office.postal_code),
                ("streetaddress", office.street),
            ],
        )
        for office in job.offices
    ] or [(base, [("country", job.countries[0] if job.countries else None)])]
    for reference, location in locations:
        yield [
            ("title", job.title),
            ("date", rfc3339(job.date_posted)),
            ("referencenumber", reference),
            ("requisitionid", job.id),
            ("url", with_source(entry.url, "indeed")),
            ("company", company),
            *location,
            *details,
        ]


def indeed_xml(renderer: Renderer) -> str:
    """Return the Indeed XML feed (/indeed.xml) of every open job."""
    return joined(indeed_parts(renderer))


def indeed_parts(renderer: Renderer) -> Iterator[Part]:
    """Yield the Indeed XML feed in pieces (a 50,000-job feed is never one string)."""
    config = renderer.config
    company = renderer.site.organization.name or config.site.title
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<source>\n  <publisher>{xml_escape(company)}</publisher>\n'
    yield f"  <publisherurl>{xml_escape(renderer.absolute('/'))}</publisherurl>\n"

    def jobs_of(entry: FeedJob, hiring: str) -> str:
        parts = []
        for fields in indeed_jobs(entry, hiring):
            parts.append("  <job>")
            parts += [f"    <{name}>{cdata(value)}</{name}>" for name, value in fields if value]
            parts.append("  </job>")
        return "\n".join(parts) + "\n"

    for entry in renderer.feed_entries:
        # On a job board, <company> is the company hiring for this job, not the board publishing it.
        hiring = renderer.site.company_of(entry.job).name or company
        yield Entry(entry.job.key, (fingerprint(entry.job), entry.url, hiring), functools.partial(jobs_of, entry, hiring))
    yield "</source>\n"


# -- JSON Feed -------------------------------------------------------------------------------


def json_feed_item(entry: FeedJob, organization: str) -> dict[str, Any]:
    job = entry.job
    item: dict[str, Any] = {
        "id": entry.url,
        "url": entry.url,
        "title": job.title,
        "content_html": job.description_html,
        "summary": plain_text(job.description_html)[:300],
        "date_published": rfc3339(job.date_posted),
        "date_modified": rfc3339(job.updated_at or job.date_posted),
        "language": entry.language,
        "tags": list(job.tags),
    }
    apply_url = with_source(job.apply_url, "jsonfeed")
    if apply_url:
        item["external_url"] = apply_url
    # JSON Feed extensions start with "_"; this one carries what a job board needs.
    item["_job"] = {
        "id": job.id,
        "source": job.source,
        "company": organization,
        "department": job.department.name if job.department else None,
        "locations": [{k: v for k, v in (("city", o.city or o.name), ("region", o.region), ("country", o.country)) if v} for o in job.offices],
        "employment_type": list(job.employment_types),
        "remote": job.remote.value,
        "valid_through": job.valid_through,
        "apply_url": apply_url,
    }
    if job.salary is not None:
        item["_job"]["salary"] = {"currency": job.salary.currency, "unit": job.salary.unit, "min": job.salary.min, "max": job.salary.max}
    return item


def json_feed(renderer: Renderer) -> str:
    """Return the JSON Feed 1.1 (/feed.json) of every open job."""
    return joined(json_feed_parts(renderer))


def json_feed_parts(renderer: Renderer) -> Iterator[Part]:
    """Yield the JSON Feed in pieces: the feed's own keys around its items, one item at a time."""
    config = renderer.config
    organization = renderer.site.organization.name or config.site.title
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": config.site.title,
        "home_page_url": renderer.absolute("/"),
        "feed_url": renderer.absolute("feed.json"),
        "language": config.site.default_language,
        "authors": [{"name": organization, **({"url": renderer.site.organization.url} if renderer.site.organization.url else {})}],
        "items": ITEMS,
    }
    if config.site.description:
        feed["description"] = config.site.description
    before, after = _json(feed).split(_json(ITEMS), 1)
    yield before + "["
    for entry in renderer.feed_entries:
        # On a job board, each item's company is the company hiring for that job.
        hiring = renderer.site.company_of(entry.job).name or organization
        text = functools.partial(_json_feed_text, entry, hiring)
        yield Entry(entry.job.key, (fingerprint(entry.job), entry.url, entry.language, hiring), text, lead=",")
    yield "]" + after + "\n"


ITEMS = "\0items\0"  # stands for the list of items, written entry by entry


def _json_feed_text(entry: FeedJob, organization: str) -> str:
    return _json(json_feed_item(entry, organization))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
