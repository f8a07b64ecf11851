"""schema.org JSON-LD built from the model: JobPosting, Organization, WebSite.

Follows ../shared/jobposting.md (Google's rules) and ../shared/api/mapping.md (which model field
feeds which property). Every value here is also shown on the page by the theme.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Job, Office, Organization, Remote


def script_json(data: Any) -> str:
    """Serialize for a <script> block: `<`, `>` and `&` escaped so no tag can end the block early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def postal_address(office: Office) -> dict[str, Any]:
    """Return a PostalAddress with only the fields the office has."""
    address: dict[str, Any] = {"@type": "PostalAddress"}
    for key, value in (
        ("streetAddress", office.street),
        ("addressLocality", office.city),
        ("addressRegion", office.region),
        ("postalCode", office.postal_code),
        ("addressCountry", office.country),
    ):
        if value:
            address[key] = value
    return address


def organization_ld(org: Organization, absolute: Any) -> dict[str, Any]:
    """Return an Organization node; `absolute` turns a site path into an absolute URL."""
    node: dict[str, Any] = {"@type": "Organization", "name": org.name}
    same_as = list(dict.fromkeys([*([org.url] if org.url else []), *org.same_as]))
    if same_as:
        node["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    if org.logo:
        node["logo"] = absolute(org.logo.path) if org.logo.path else org.logo.url
    return node


def job_posting(job: Job, org: Organization, url: str, absolute: Any) -> dict[str, Any]:
    """Return the JobPosting for one job page; `url` is the page's absolute canonical URL."""
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description_html,
        "datePosted": job.date_posted,
        "identifier": {"@type": "PropertyValue", "name": org.name, "value": job.id},
        "url": url,
        "hiringOrganization": organization_ld(org, absolute),
    }
    if job.valid_through:
        posting["validThrough"] = job.valid_through
    if job.employment_types:
        posting["employmentType"] = job.employment_types[0] if len(job.employment_types) == 1 else list(job.employment_types)
    # A remote job keeps its office as jobLocation when one is known (mapping.md).
    if job.offices:
        places = [{"@type": "Place", "address": postal_address(o)} for o in job.offices]
        posting["jobLocation"] = places[0] if len(places) == 1 else places
    if job.remote is Remote.FULL:
        posting["jobLocationType"] = "TELECOMMUTE"
        countries = [{"@type": "Country", "name": code} for code in job.countries]
        if countries:
            posting["applicantLocationRequirements"] = countries[0] if len(countries) == 1 else countries
    if job.salary:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": job.salary.unit}
        low, high = job.salary.min, job.salary.max
        if low is not None and high is not None and low != high:
            value["minValue"], value["maxValue"] = _number(low), _number(high)
        else:
            value["value"] = _number(low if low is not None else high)  # type: ignore[arg-type]
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.salary.currency, "value": value}
    if job.experience_months is not None:
        posting["experienceRequirements"] = {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": job.experience_months}
    if job.education:
        posting["educationRequirements"] = {"@type": "EducationalOccupationalCredential", "credentialCategory": job.education}
    if job.apply_url or job.direct_apply:
        posting["directApply"] = job.direct_apply
    if job.image and job.image.path:
        posting["image"] = absolute(job.image.path)
    return posting


def website_ld(name: str, url: str, language: str) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "WebSite", "name": name, "url": url, "inLanguage": language}


def organization_page_ld(org: Organization, absolute: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", **organization_ld(org, absolute)}
