"""JobPosting, Organization and WebSite JSON-LD built from the model, on their own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.check import check_job_posting
from generator.jsonld import job_posting, organization_ld, organization_page_ld, postal_address, script_json, website_ld
from generator.model import Department, Image, Job, Office, Organization, Remote, Salary, Section

URL = "https://careers.example.com/jobs/backend-engineer-eng-1/"
PARIS = Office(id="paris", name="Paris HQ", street="12 rue X", city="Paris", postal_code="75010", country="FR")
BERLIN = Office(id="berlin", name="Berlin", city="Berlin", region="Berlin", country="DE")
ORG = Organization(
    name="Lumen Labs",
    url="https://lumenlabs.example",
    logo=Image(url="content/logo.png", path="media/abc.png"),
    same_as=("https://www.linkedin.com/company/lumen",),
)


def absolute(path: str) -> str:
    return f"https://careers.example.com/{path.lstrip('/')}"


def make_job(**changes: Any) -> Job:
    values: dict[str, Any] = {
        "source": "local",
        "id": "ENG-1",
        "title": "Backend Engineer",
        "date_posted": "2026-10-05",
        "sections": (Section("", "<p>Build things.</p>"), Section("Who you are", "<ul><li>Kind</li></ul>")),
        "department": Department("engineering", "Engineering"),
        "offices": (PARIS,),
        "employment_types": ("FULL_TIME",),
    }
    values.update(changes)
    return Job(**values)


def posting(**changes: Any) -> dict[str, Any]:
    return job_posting(make_job(**changes), ORG, URL, absolute)


def test_script_json_escapes_what_could_end_the_script_block() -> None:
    data = {"title": "</script><script>alert(1)</script>", "note": "R&D <b>", "x": "é"}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text and "\\u0026" in text
    assert "é" in text  # no needless escaping of other characters
    assert json.loads(text) == data


def test_the_required_and_recommended_properties() -> None:
    result = posting(valid_through="2027-01-31", apply_url="https://apply.example.com", direct_apply=True)
    assert result["@context"] == "https://schema.org" and result["@type"] == "JobPosting"
    assert result["title"] == "Backend Engineer"
    assert result["description"] == "<p>Build things.</p>\n<h2>Who you are</h2>\n<ul><li>Kind</li></ul>"
    assert result["datePosted"] == "2026-10-05"
    assert result["validThrough"] == "2027-01-31"
    assert result["identifier"] == {"@type": "PropertyValue", "name": "Lumen Labs", "value": "ENG-1"}
    assert result["url"] == URL
    assert result["employmentType"] == "FULL_TIME"
    assert result["directApply"] is True
    assert result["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Lumen Labs",
        "sameAs": ["https://lumenlabs.example", "https://www.linkedin.com/company/lumen"],
        "logo": "https://careers.example.com/media/abc.png",
    }
    assert result["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "12 rue X",
            "addressLocality": "Paris",
            "postalCode": "75010",
            "addressCountry": "FR",
        },
    }
    assert "jobLocationType" not in result and "applicantLocationRequirements" not in result
    assert check_job_posting(result, "page") == []


def test_optional_properties_are_left_out_when_unknown() -> None:
    result = posting(employment_types=(), offices=(BERLIN,))
    for key in ("validThrough", "employmentType", "baseSalary", "directApply", "experienceRequirements", "educationRequirements", "image"):
        assert key not in result
    assert result["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Berlin",
        "addressRegion": "Berlin",
        "addressCountry": "DE",
    }


def test_several_offices_and_contracts_become_arrays() -> None:
    result = posting(offices=(PARIS, BERLIN), employment_types=("FULL_TIME", "CONTRACTOR"))
    assert [p["address"]["addressCountry"] for p in result["jobLocation"]] == ["FR", "DE"]
    assert result["employmentType"] == ["FULL_TIME", "CONTRACTOR"]
    assert check_job_posting(result, "page") == []


def test_fully_remote_job_restricted_to_one_country() -> None:
    result = posting(offices=(), remote=Remote.FULL, remote_countries=("DE",))
    assert result["jobLocationType"] == "TELECOMMUTE"
    assert result["applicantLocationRequirements"] == {"@type": "Country", "name": "DE"}
    assert "jobLocation" not in result
    assert check_job_posting(result, "page") == []


def test_fully_remote_job_keeps_its_office_and_defaults_to_its_country() -> None:
    result = posting(remote=Remote.FULL, offices=(PARIS, BERLIN))
    assert result["jobLocationType"] == "TELECOMMUTE"
    assert result["applicantLocationRequirements"] == [{"@type": "Country", "name": "FR"}, {"@type": "Country", "name": "DE"}]
    assert len(result["jobLocation"]) == 2


@pytest.mark.parametrize("remote", [Remote.NO, Remote.OCCASIONAL, Remote.HYBRID])
def test_only_fully_remote_jobs_are_telecommute(remote: Remote) -> None:
    result = posting(remote=remote, remote_countries=("DE",))
    assert "jobLocationType" not in result and "applicantLocationRequirements" not in result


def test_salary_range_is_numbers() -> None:
    result = posting(salary=Salary(currency="EUR", unit="YEAR", min=65000.0, max=80000.5))
    assert result["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 65000, "maxValue": 80000.5},
    }
    assert isinstance(result["baseSalary"]["value"]["minValue"], int)


@pytest.mark.parametrize(("low", "high"), [(1400.0, None), (None, 1400.0), (1400.0, 1400.0)])
def test_single_salary_amount(low: float | None, high: float | None) -> None:
    result = posting(salary=Salary(currency="EUR", unit="MONTH", min=low, max=high))
    assert result["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "MONTH", "value": 1400}


def test_experience_and_education() -> None:
    result = posting(experience_months=36, education="bachelor degree")
    assert result["experienceRequirements"] == {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 36}
    assert result["educationRequirements"] == {"@type": "EducationalOccupationalCredential", "credentialCategory": "bachelor degree"}
    assert check_job_posting(result, "page") == []


def test_direct_apply_is_false_unless_the_source_says_so() -> None:
    assert posting(apply_url="mailto:jobs@example.com")["directApply"] is False


def test_job_image_only_once_stored() -> None:
    assert "image" not in posting(image=Image(url="https://cdn.example.com/x.jpg"))
    assert posting(image=Image(url="https://cdn.example.com/x.jpg", path="media/x.jpg"))["image"] == "https://careers.example.com/media/x.jpg"


def test_organization_nodes() -> None:
    assert organization_ld(Organization(name="Solo"), absolute) == {"@type": "Organization", "name": "Solo"}
    assert organization_ld(Organization(name="A", url="https://a.example", same_as=("https://a.example",)), absolute)["sameAs"] == "https://a.example"
    # A logo not stored in the site keeps its URL.
    assert organization_ld(Organization(name="A", logo=Image(url="https://a.example/l.png")), absolute)["logo"] == "https://a.example/l.png"
    page = organization_page_ld(ORG, absolute)
    assert page["@context"] == "https://schema.org" and page["@type"] == "Organization"


def test_website_node() -> None:
    assert website_ld("Careers", "https://careers.example.com/", "en") == {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "Careers",
        "url": "https://careers.example.com/",
        "inLanguage": "en",
    }


def test_postal_address_leaves_out_empty_fields() -> None:
    assert postal_address(Office(id="x", name="X")) == {"@type": "PostalAddress"}
