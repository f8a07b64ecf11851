"""Job feeds: Indeed XML, JSON Feed 1.1 and Atom from one build, each checked against its format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.build import build_site
from generator.config import load_config
from generator.feeds import JSON_FEED_VERSION, cdata, indeed_html, with_source

ATOM = "{http://www.w3.org/2005/Atom}"

SITE = """
[site]
title = "Careers at Acme"
url = "https://jobs.acme.example"
languages = ["en", "fr"]
description = "Open positions at Acme."

[organization]
name = "Acme"
url = "https://acme.example"

[[sources]]
type = "local"
"""

OFFICES = """
[[offices]]
id = "paris"
name = "Paris HQ"
street = "1 rue de Rivoli"
postal_code = "75001"
city = "Paris"
country = "FR"

[[offices]]
id = "berlin"
name = "Berlin"
city = "Berlin"
region = "Berlin"
country = "DE"
"""

DEPARTMENTS = """
[[departments]]
id = "engineering"
name = "R&D"
"""

BACKEND = """
+++
id = "ENG-1"
title = "Backend Engineer"
date_posted = 2026-10-05
updated_at = 2026-10-20T09:30:00+02:00
department = "engineering"
offices = ["paris", "berlin"]
employment_type = "FULL_TIME"
remote = "hybrid"
salary = { min = 60000, max = 75000, currency = "EUR", unit = "YEAR" }
apply_url = "https://ats.example/apply?ref=site#form"
tags = ["python"]
+++
You will run the R&D platform, café included.

## Benefits

- Salary & bonus
- 6 weeks off
"""

DESIGNER = """
+++
id = "DES-2"
title = "Product Designer"
date_posted = 2026-10-10
department = "engineering"
employment_type = ["PART_TIME", "CONTRACTOR"]
remote = "full"
remote_countries = ["FR", "DE"]
apply_url = "mailto:jobs@acme.example?subject=DES-2"
+++
Design calm software, from anywhere in France or Germany.

Second paragraph.
"""

INTERN = """
+++
id = "INT-3"
title = "Stagiaire commercial"
date_posted = 2026-09-01
language = "fr"
offices = ["paris"]
employment_type = "INTERN"
apply_url = "https://ats.example/apply/INT-3"
+++
Un stage de six mois.

Deuxième paragraphe.
"""


@pytest.fixture
def site(make_site) -> Path:
    return make_site(
        SITE,
        {
            "content/offices.toml": OFFICES,
            "content/departments.toml": DEPARTMENTS,
            "content/jobs/backend.md": BACKEND.lstrip(),
            "content/jobs/designer.md": DESIGNER.lstrip(),
            "content/jobs/intern.md": INTERN.lstrip(),
        },
    )


def build(root: Path) -> Path:
    build_site(load_config(root / "careers.toml"))
    return root / "public"


# -- UTM tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ats.example/apply", "https://ats.example/apply?utm_source=indeed&utm_medium=job_feed"),
        ("https://ats.example/apply?ref=site", "https://ats.example/apply?ref=site&utm_source=indeed&utm_medium=job_feed"),
        ("https://ats.example/apply?ref=site#form", "https://ats.example/apply?ref=site&utm_source=indeed&utm_medium=job_feed#form"),
        ("https://ats.example/apply?utm_source=linkedin&x=1", "https://ats.example/apply?x=1&utm_source=indeed&utm_medium=job_feed"),
        ("HTTP://ats.example/a?", "http://ats.example/a?utm_source=indeed&utm_medium=job_feed"),
        ("https://ats.example/a?q=a%20b&empty=", "https://ats.example/a?q=a+b&empty=&utm_source=indeed&utm_medium=job_feed"),
        ("mailto:jobs@acme.example?subject=Hello", "mailto:jobs@acme.example?subject=Hello"),
        ("tel:+33123456789", "tel:+33123456789"),
        ("/jobs/relative/", "/jobs/relative/"),
        (None, None),
        ("", ""),
    ],
)
def test_with_source_tags_only_web_links(url: str | None, expected: str | None) -> None:
    assert with_source(url, "indeed") == expected


def test_cdata_splits_its_terminator_and_drops_invalid_characters() -> None:
    wrapped = cdata("a ]]> b\x00\x1f c")
    root = ET.fromstring(f"<x>{wrapped}</x>")
    assert root.text == "a ]]> b c"


def test_indeed_html_turns_entities_into_characters_but_keeps_markup_safe() -> None:
    assert (
        indeed_html("<p>caf&eacute; &nbsp;R&amp;D &lt;b&gt; &#233; &#x27;x&#x27; &quot;q&quot;</p>")
        == "<p>café \u00a0R&amp;D &lt;b&gt; é 'x' \"q\"</p>"
    )


# -- Indeed XML --------------------------------------------------------------------------------


def test_indeed_feed_is_well_formed_with_required_elements(site: Path) -> None:
    root = ET.parse(build(site) / "indeed.xml").getroot()
    assert root.tag == "source"
    assert root.findtext("publisher") == "Acme"
    assert root.findtext("publisherurl") == "https://jobs.acme.example/"
    jobs = root.findall("job")
    # One <job> per office: backend has two, the intern one, the fully remote designer none.
    assert len(jobs) == 4
    for job in jobs:
        for element in ("title", "date", "referencenumber", "url", "company", "description"):
            assert (job.findtext(element) or "").strip(), f"<{element}> missing in {job.findtext('referencenumber')}"
        datetime.fromisoformat(job.findtext("date"))
        assert job.findtext("company") == "Acme"
    references = [j.findtext("referencenumber") for j in jobs]
    assert len(set(references)) == len(references)
    assert sorted(references) == ["local-DES-2", "local-ENG-1-berlin", "local-ENG-1-paris", "local-INT-3-paris"]


def test_indeed_job_fields_come_from_the_model(site: Path) -> None:
    jobs = {j.findtext("referencenumber"): j for j in ET.parse(build(site) / "indeed.xml").getroot().findall("job")}
    paris = jobs["local-ENG-1-paris"]
    assert paris.findtext("title") == "Backend Engineer"
    assert paris.findtext("requisitionid") == "ENG-1"
    assert paris.findtext("city") == "Paris"
    assert paris.findtext("country") == "FR"
    assert paris.findtext("postalcode") == "75001"
    assert paris.findtext("streetaddress") == "1 rue de Rivoli"
    assert paris.findtext("salary") == "€60,000 - €75,000 per year"
    assert paris.findtext("jobtype") == "fulltime"
    assert paris.findtext("category") == "R&D"
    assert paris.findtext("remotetype") == "Hybrid remote"
    assert jobs["local-ENG-1-berlin"].findtext("state") == "Berlin"
    designer = jobs["local-DES-2"]
    assert designer.findtext("jobtype") == "parttime, contract"
    assert designer.findtext("remotetype") == "Fully remote"
    assert designer.findtext("country") == "FR"
    assert designer.find("city") is None
    assert jobs["local-INT-3-paris"].findtext("jobtype") == "internship"
    assert jobs["local-INT-3-paris"].find("remotetype") is None


def test_indeed_urls_are_job_pages_tagged_for_indeed(site: Path) -> None:
    out = build(site)
    for job in ET.parse(out / "indeed.xml").getroot().findall("job"):
        url = urlsplit(job.findtext("url"))
        assert parse_qs(url.query) == {"utm_source": ["indeed"], "utm_medium": ["job_feed"]}
        assert (out / url.path.lstrip("/") / "index.html").is_file()


def test_indeed_descriptions_hold_html_without_entities(site: Path) -> None:
    out = build(site)
    raw = (out / "indeed.xml").read_text(encoding="utf-8")
    description = ET.parse(out / "indeed.xml").getroot().find("job[referencenumber='local-ENG-1-paris']").findtext("description")
    assert "<li>Salary &amp; bonus</li>" in description
    assert "café" in description
    assert "<![CDATA[<p>You will run the R&amp;D platform, café included.</p>" in raw
    # Only the three entities that keep the HTML itself valid.
    assert not [e for e in re.findall(r"&[#\w]+;", description) if e not in ("&amp;", "&lt;", "&gt;")]


# -- JSON Feed 1.1 ---------------------------------------------------------------------------------


def validate_json_feed(feed: dict) -> None:
    """Check the rules of https://www.jsonfeed.org/version/1.1/ that a reader relies on."""
    assert feed["version"] == JSON_FEED_VERSION
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for key in ("home_page_url", "feed_url"):
        assert urlsplit(feed[key]).scheme == "https"
    for author in feed.get("authors", []):
        assert isinstance(author.get("name"), str)
    ids = []
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        ids.append(item["id"])
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        for key in ("date_published", "date_modified"):
            if key in item:
                assert "T" in item[key]
                datetime.fromisoformat(item[key].replace("Z", "+00:00"))
        if "tags" in item:
            assert all(isinstance(t, str) for t in item["tags"])
        unknown = set(item) - {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
            "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments",
        }  # fmt: skip
        assert all(key.startswith("_") for key in unknown), unknown
    assert len(set(ids)) == len(ids)


def test_json_feed_validates(site: Path) -> None:
    feed = json.loads((build(site) / "feed.json").read_text(encoding="utf-8"))
    validate_json_feed(feed)
    assert feed["feed_url"] == "https://jobs.acme.example/feed.json"
    assert feed["authors"] == [{"name": "Acme", "url": "https://acme.example"}]
    assert len(feed["items"]) == 3


def test_json_feed_items_tag_web_apply_links_and_leave_mailto_alone(site: Path) -> None:
    items = {i["_job"]["id"]: i for i in json.loads((build(site) / "feed.json").read_text(encoding="utf-8"))["items"]}
    assert items["ENG-1"]["external_url"] == "https://ats.example/apply?ref=site&utm_source=jsonfeed&utm_medium=job_feed#form"
    assert items["ENG-1"]["_job"]["apply_url"] == items["ENG-1"]["external_url"]
    assert items["DES-2"]["external_url"] == "mailto:jobs@acme.example?subject=DES-2"
    assert items["INT-3"]["language"] == "fr"
    assert items["INT-3"]["url"] == "https://jobs.acme.example/fr/jobs/stagiaire-commercial-int-3/"
    assert items["ENG-1"]["date_modified"] == "2026-10-20T09:30:00+02:00"
    assert items["ENG-1"]["date_published"] == "2026-10-05T00:00:00Z"
    assert items["ENG-1"]["_job"]["salary"] == {"currency": "EUR", "unit": "YEAR", "min": 60000.0, "max": 75000.0}


# -- all feeds agree -----------------------------------------------------------------------------


def test_atom_json_and_indeed_list_the_same_open_jobs(site: Path) -> None:
    out = build(site)
    atom = ET.parse(out / "feed.xml").getroot()
    assert atom.tag == f"{ATOM}feed"
    atom_ids = {e.findtext(f"{ATOM}id") for e in atom.findall(f"{ATOM}entry")}
    json_ids = {i["id"] for i in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]}
    indeed_ids = {urlsplit(j.findtext("url"))._replace(query="").geturl() for j in ET.parse(out / "indeed.xml").getroot().findall("job")}
    assert atom_ids == json_ids == indeed_ids
    assert len(atom_ids) == 3


def test_a_closed_job_leaves_every_feed_at_once(site: Path) -> None:
    build(site)
    (site / "content/jobs/designer.md").unlink()
    out = build(site)
    assert (out / "jobs/product-designer-des-2/index.html").is_file()  # the "position closed" page stays
    for name in ("indeed.xml", "feed.json", "feed.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert "DES-2" not in text and "product-designer" not in text, name
    assert "ENG-1" in (out / "indeed.xml").read_text(encoding="utf-8")


def test_feeds_are_the_same_bytes_on_a_rebuild(site: Path) -> None:
    out = build(site)
    first = {name: (out / name).read_bytes() for name in ("indeed.xml", "feed.json")}
    build(site)
    assert {name: (out / name).read_bytes() for name in first} == first
