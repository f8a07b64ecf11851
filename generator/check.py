"""`careers check DIR`: Google's JobPosting rules on every job page, and every internal link.

The rules come from ../shared/jobposting.md; property names are checked against the schema.org
vocabulary (release 30.0, derived into data/schemaorg-vocab.json by scripts/derive_vocab.py).
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pycountry

from .model import EDUCATION_CATEGORIES, EMPLOYMENT_TYPES, SALARY_UNITS

VOCABULARY = Path(__file__).parent / "data" / "schemaorg-vocab.json"
REQUIRED = ("title", "description", "datePosted", "hiringOrganization")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
JOB_PAGE = re.compile(r"(^|/)jobs/[^/]+/index\.html$")
# Data types the vocabulary check does not descend into.
DATA_TYPES = {"Text", "URL", "Number", "Integer", "Boolean", "Date", "DateTime", "Time"}


class PageParser(HTMLParser):
    """Collect what the check needs from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.canonical: str | None = None
        self.noindex = False
        self._in_ld = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "script":
            self._in_ld = (a.get("type") or "").lower() == "application/ld+json"
            if self._in_ld:
                self.scripts.append("")
            else:
                self._skip += 1
            if a.get("src"):
                self.links.append(a["src"] or "")
        elif tag == "style":
            self._skip += 1
        elif tag == "meta" and (a.get("name") or "").lower() == "robots" and "noindex" in (a.get("content") or "").lower():
            self.noindex = True
        elif tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if rel == "canonical":
                self.canonical = a["href"]
            elif rel in ("stylesheet", "icon", "alternate", "preload", "manifest") and not a.get("hreflang"):
                self.links.append(a["href"] or "")
        elif tag in ("a", "area") and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag in ("img", "source", "video", "audio", "iframe"):
            if a.get("src"):
                self.links.append(a["src"] or "")
            for candidate in (a.get("srcset") or "").split(","):
                if candidate.strip():
                    self.links.append(candidate.strip().split()[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            if self._in_ld:
                self._in_ld = False
            else:
                self._skip = max(0, self._skip - 1)
        elif tag == "style":
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.scripts[-1] += data
        elif not self._skip:
            self.text.append(data)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


def ancestors(kind: str) -> set[str]:
    classes = vocabulary()["classes"]
    seen: set[str] = set()
    stack = [kind]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(classes.get(current, []))
    return seen


def check_vocabulary(node: Any, where: str, problems: list[str]) -> None:
    """Flag unknown types, unknown properties and properties used on the wrong type."""
    if isinstance(node, list):
        for item in node:
            check_vocabulary(item, where, problems)
        return
    if not isinstance(node, dict):
        return
    vocab = vocabulary()
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    lineage: set[str] = set()
    for k in kinds:
        if k not in vocab["classes"]:
            problems.append(f"{where}: unknown schema.org type {k!r}")
            continue  # its properties cannot be placed; unknown names are still reported below
        lineage |= ancestors(k)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        domains = vocab["properties"].get(key)
        if domains is None:
            problems.append(f"{where}: {key!r} is not a schema.org property")
            continue
        if lineage and not (set(domains) & lineage):
            problems.append(f"{where}: {key!r} is not a property of {'/'.join(kinds)}")
        check_vocabulary(value, f"{where}.{key}", problems)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    if ISO_DATE.match(value):
        try:
            return datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            return None
    if ISO_DATETIME.match(value):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def check_job_posting(posting: dict[str, Any], where: str, page_text: str = "", canonical: str | None = None, today: date | None = None) -> list[str]:
    """Return every way `posting` breaks Google's JobPosting rules."""
    problems: list[str] = []
    for key in REQUIRED:
        if posting.get(key) in (None, "", [], {}):
            problems.append(f"{where}: required property {key} is missing")
    title = posting.get("title")
    description = posting.get("description")
    if isinstance(title, str) and isinstance(description, str):
        if re.sub(r"<[^>]+>", "", description).strip() == title.strip():
            problems.append(f"{where}: description must not be the same as the title")
        elif not re.search(r"<(p|br|ul|li)\b|\n", description, re.IGNORECASE):
            problems.append(f"{where}: description needs paragraph breaks (<p>, <br>, <ul> or line breaks)")
    if title and (not isinstance(title, str) or not title.strip()):
        problems.append(f"{where}: title must be text")
    posted = posting.get("datePosted")
    if posted is not None and _parse_date(posted) is None:
        problems.append(f"{where}: datePosted {posted!r} is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)")
    valid = posting.get("validThrough")
    if valid is not None:
        if _parse_date(valid) is None:
            problems.append(f"{where}: validThrough {valid!r} is not an ISO 8601 date")
        elif _parse_date(posted) and _parse_date(valid) < _parse_date(posted):  # type: ignore[operator]
            problems.append(f"{where}: validThrough {valid} is before datePosted {posted}")
        elif today is not None and _parse_date(valid).date() < today:  # type: ignore[union-attr]
            problems.append(
                f"{where}: validThrough {valid} has passed, but the page still advertises the job; rebuild the site (expired jobs are published as closed)"
            )
    for kind in _as_list(posting.get("employmentType")):
        if kind not in EMPLOYMENT_TYPES:
            problems.append(f"{where}: employmentType {kind!r} is not one of {', '.join(EMPLOYMENT_TYPES)}")
    org = posting.get("hiringOrganization")
    if org is not None and (not isinstance(org, dict) or not org.get("name")):
        problems.append(f"{where}: hiringOrganization needs a name")
    telecommute = posting.get("jobLocationType") == "TELECOMMUTE"
    if posting.get("jobLocationType") not in (None, "TELECOMMUTE"):
        problems.append(f"{where}: jobLocationType may only be TELECOMMUTE")
    locations = _as_list(posting.get("jobLocation"))
    if not locations and not telecommute:
        problems.append(f"{where}: jobLocation is required unless the job is fully remote (TELECOMMUTE)")
    for place in locations:
        address = place.get("address") if isinstance(place, dict) else None
        if not isinstance(address, dict):
            problems.append(f"{where}: jobLocation needs a PostalAddress")
            continue
        country = address.get("addressCountry")
        if not country:
            problems.append(f"{where}: jobLocation.address.addressCountry is required")
        elif not isinstance(country, str) or len(country) != 2 or not country.isupper() or not pycountry.countries.get(alpha_2=country):
            problems.append(f"{where}: addressCountry {country!r} must be an ISO 3166-1 alpha-2 code such as GB")
    if telecommute:
        requirements = _as_list(posting.get("applicantLocationRequirements"))
        if not requirements:
            problems.append(f"{where}: a TELECOMMUTE job needs applicantLocationRequirements (the countries applicants may live in)")
        for requirement in requirements:
            if not isinstance(requirement, dict) or not requirement.get("name"):
                problems.append(f"{where}: applicantLocationRequirements needs a name")
    salary = posting.get("baseSalary")
    if salary is not None:
        if not isinstance(salary, dict):
            problems.append(f"{where}: baseSalary must be a MonetaryAmount")
        else:
            currency = salary.get("currency")
            if not isinstance(currency, str) or not pycountry.currencies.get(alpha_3=currency):
                problems.append(f"{where}: baseSalary.currency {currency!r} is not an ISO 4217 code")
            value = salary.get("value")
            if not isinstance(value, dict):
                problems.append(f"{where}: baseSalary.value must be a QuantitativeValue")
            else:
                if value.get("unitText") not in SALARY_UNITS:
                    problems.append(f"{where}: baseSalary unitText {value.get('unitText')!r} is not one of {', '.join(SALARY_UNITS)}")
                amounts = [value.get(k) for k in ("value", "minValue", "maxValue") if k in value]
                if not amounts or any(isinstance(a, bool) or not isinstance(a, (int, float)) for a in amounts):
                    problems.append(f"{where}: baseSalary amounts must be numbers")
                elif "minValue" in value and "maxValue" in value and value["minValue"] > value["maxValue"]:
                    problems.append(f"{where}: baseSalary minValue is above maxValue")
    education = posting.get("educationRequirements")
    if isinstance(education, dict) and education.get("credentialCategory") not in EDUCATION_CATEGORIES:
        problems.append(f"{where}: educationRequirements credentialCategory must be one of {', '.join(EDUCATION_CATEGORIES)}")
    experience = posting.get("experienceRequirements")
    if isinstance(experience, dict) and not isinstance(experience.get("monthsOfExperience"), (int, float)):
        problems.append(f"{where}: experienceRequirements.monthsOfExperience must be a number")
    identifier = posting.get("identifier")
    if identifier is not None and not (isinstance(identifier, dict) and identifier.get("@type") == "PropertyValue" and identifier.get("value")):
        problems.append(f"{where}: identifier must be a PropertyValue with a value")
    if canonical is not None and posting.get("url") not in (None, canonical):
        problems.append(f"{where}: url {posting.get('url')!r} is not the page's canonical URL {canonical!r}")
    if page_text:
        visible = re.sub(r"\s+", " ", page_text)
        if isinstance(title, str) and title.strip() and re.sub(r"\s+", " ", title.strip()) not in visible:
            problems.append(f"{where}: the title {title!r} is not visible on the page")
        if isinstance(org, dict) and isinstance(org.get("name"), str) and org["name"] not in visible:
            problems.append(f"{where}: the organization name {org['name']!r} is not visible on the page")
    check_vocabulary(posting, where, problems)
    return problems


def _today() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (the build's own clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return datetime.now(UTC).date()


def _base(site: Path, problems: list[str]) -> tuple[str, str]:
    """Return (site URL, base path) from robots.txt's Sitemap line."""
    robots = site / "robots.txt"
    text = robots.read_text(encoding="utf-8") if robots.is_file() else ""
    match = re.search(r"^Sitemap:\s*(\S+)/sitemap\.xml\s*$", text, re.MULTILINE)
    if not match:
        problems.append("robots.txt: missing, or without an absolute `Sitemap: <site url>/sitemap.xml` line")
        return "", ""
    url = match.group(1)
    return url, urlsplit(url).path.rstrip("/")


def _target(site: Path, base_url: str, base_path: str, page_url: str, link: str) -> Path | None:
    """Return the file an internal link points to, or None when the link leaves the site."""
    resolved = urljoin(page_url, link)
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or not resolved.startswith(base_url.rstrip("/") + "/") and resolved != base_url:
        return None
    path = unquote(parts.path)[len(base_path) :].lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return site / path


def check_site(site: Path) -> list[str]:
    """Return one line per problem found in the built site at `site`."""
    site = Path(site)
    problems: list[str] = []
    if not site.is_dir():
        return [f"{site}: no such folder; run `careers build` first"]
    base_url, base_path = _base(site, problems)
    today = _today()
    html_files = sorted(site.rglob("*.html"))
    if not html_files:
        problems.append(f"{site}: no HTML pages")
    job_pages = 0
    for file in html_files:
        rel = file.relative_to(site).as_posix()
        parser = PageParser()
        parser.feed(file.read_text(encoding="utf-8"))
        postings = []
        for index, script in enumerate(parser.scripts):
            try:
                data = json.loads(script)
            except ValueError as exc:
                problems.append(f"{rel}: JSON-LD block {index + 1} is not valid JSON: {exc}")
                continue
            for node in _as_list(data.get("@graph", data) if isinstance(data, dict) else data):
                if isinstance(node, dict) and "JobPosting" in _as_list(node.get("@type")):
                    postings.append(node)
                elif isinstance(node, dict):
                    check_vocabulary(node, rel, problems)
        is_job_page = bool(JOB_PAGE.search(rel)) and not parser.noindex
        if is_job_page:
            job_pages += 1
            if len(postings) != 1:
                problems.append(f"{rel}: a job page needs exactly one JobPosting, found {len(postings)}")
            for posting in postings:
                problems.extend(check_job_posting(posting, rel, " ".join(parser.text), parser.canonical, today=today))
        elif postings:
            problems.append(f"{rel}: JobPosting markup on a page that is not an open job's page")
        if base_url:
            page_url = f"{base_url}/{rel[: -len('index.html')] if rel.endswith('index.html') else rel}"
            for link in sorted(set(parser.links)):
                if link.startswith(("mailto:", "tel:", "#", "data:")):
                    continue
                target = _target(site, base_url, base_path, page_url, link)
                if target is not None and not target.is_file():
                    problems.append(f"{rel}: broken link {link}")
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        problems.append("sitemap.xml: missing")
    elif base_url:
        pending = [sitemap]
        while pending:
            current = pending.pop(0)
            text = current.read_text(encoding="utf-8")
            name = current.relative_to(site).as_posix()
            for loc in re.findall(r"<loc>([^<]+)</loc>", text):
                target = _target(site, base_url, base_path, base_url + "/", loc.replace("&amp;", "&"))
                if target is None or not target.is_file():
                    problems.append(f"{name}: {loc} does not resolve to a page of the site")
                elif "<sitemapindex" in text and current == sitemap:
                    pending.append(target)  # an index of sitemaps: check the URLs of each one too
    return problems
