"""The local source: content/jobs/*.md, offices.toml, departments.toml, and every message it gives."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.config import parse_config
from generator.errors import SourceError
from generator.model import Remote, Salary, SourceData
from generator.sources import FetchContext
from generator.sources.local import LocalSource, split_front_matter, split_sections
from tests.helpers import REPO, job_file

OFFICES = """
[[offices]]
id = "paris"
name = "Paris"
street = "12 rue des Petites Écuries"
postal_code = "75010"
city = "Paris"
country = "FR"

[[offices]]
id = "berlin"
name = "Berlin"
city = "Berlin"
region = "Berlin"
postal_code = 10119
country = "Germany"
"""
DEPARTMENTS = """
[[departments]]
id = "engineering"
name = "Engineering"
description = "We build **the** product."

[[departments]]
id = "sales"
name = "Sales"
"""
VALID = {"title": "Backend Engineer", "date_posted": datetime.date(2026, 10, 5)}


def fetch(root: Path, **options: object) -> SourceData:
    """Run the local source of a site rooted at `root`."""
    config = parse_config({"site": {"title": "T", "url": "https://example.com"}, "sources": [{"type": "local", **options}]}, root)
    return LocalSource(config.sources[0], FetchContext(root=root)).fetch()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content" / "jobs").mkdir(parents=True)
    (tmp_path / "content" / "offices.toml").write_text(OFFICES, encoding="utf-8")
    (tmp_path / "content" / "departments.toml").write_text(DEPARTMENTS, encoding="utf-8")
    return tmp_path


def write_job(site: Path, name: str, text: str) -> None:
    (site / "content" / "jobs" / name).write_text(text, encoding="utf-8")


def error_of(site: Path, **options: object) -> str:
    with pytest.raises(SourceError) as caught:
        fetch(site, **options)
    assert caught.value.source == "local"
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_every_front_matter_key_reaches_the_model(site: Path) -> None:
    write_job(
        site,
        "backend.md",
        job_file(
            id="ENG-1",
            title="  Backend Engineer  ",
            status="published",
            date_posted=datetime.date(2026, 10, 5),
            updated_at=datetime.datetime(2026, 10, 20, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
            valid_through="2027-01-31",
            department="engineering",
            offices=["paris", "berlin"],
            employment_type=["full_time", "CONTRACTOR"],
            remote="Hybrid",
            salary={"min": 65000, "max": 80000.5, "currency": "eur", "unit": "year"},
            experience_months=60,
            experience="Five years or more",
            education="bachelor degree",
            apply_url="https://apply.example.com/eng-1",
            direct_apply=True,
            language="en",
            tags=["python", "postgresql", "python"],
            categories={"Working hours": "35 hours a week"},
            body="Intro paragraph.\n\n## What you will do\n\n- Things\n\n## Who you are\n\nKind.\n",
        ),
    )
    (job,) = fetch(site).jobs
    assert job.source == "local" and job.id == "ENG-1" and job.key == "local:ENG-1"
    assert job.title == "Backend Engineer"
    assert job.date_posted == "2026-10-05"
    assert job.updated_at == "2026-10-20T09:30:00+02:00"
    assert job.valid_through == "2027-01-31"
    assert job.department is not None and job.department.name == "Engineering"
    assert job.department.description == "<p>We build <strong>the</strong> product.</p>"
    assert [o.id for o in job.offices] == ["paris", "berlin"]
    berlin = job.offices[1]
    assert (berlin.country, berlin.postal_code, berlin.region) == ("DE", "10119", "Berlin")
    assert job.employment_types == ("FULL_TIME", "CONTRACTOR")
    assert job.remote is Remote.HYBRID
    assert job.salary == Salary(currency="EUR", unit="YEAR", min=65000.0, max=80000.5)
    assert (job.experience_months, job.experience_label, job.education) == (60, "Five years or more", "bachelor degree")
    assert job.apply_url == "https://apply.example.com/eng-1" and job.direct_apply is True
    assert job.language == "en"
    assert job.tags == ("postgresql", "python")
    assert job.categories == (("Working hours", "35 hours a week"),)
    assert [s.title for s in job.sections] == ["", "What you will do", "Who you are"]
    assert job.sections[0].html == "<p>Intro paragraph.</p>"
    assert job.countries == ("FR", "DE")


def test_defaults(site: Path) -> None:
    write_job(site, "plain-job.md", job_file(**VALID))
    (job,) = fetch(site).jobs
    assert job.id == "plain-job"  # the file name when there is no id
    assert job.remote is Remote.NO
    assert job.employment_types == () and job.offices == () and job.department is None
    assert job.salary is None and job.valid_through is None and job.updated_at is None and job.language is None
    assert job.direct_apply is False


def test_fully_remote_job_from_an_office_defaults_to_its_country(site: Path) -> None:
    write_job(site, "sre.md", job_file(**VALID, remote="full", offices=["berlin"]))
    (job,) = fetch(site).jobs
    assert job.remote_countries == () and job.countries == ("DE",)


def test_fully_remote_job_restricted_to_a_country(site: Path) -> None:
    write_job(site, "sre.md", job_file(**VALID, remote="full", remote_countries=["Germany", "at"]))
    (job,) = fetch(site).jobs
    assert job.remote is Remote.FULL
    assert job.remote_countries == ("DE", "AT")
    assert job.countries == ("DE", "AT")


def test_a_job_without_apply_url_is_a_warning(site: Path) -> None:
    write_job(site, "quiet.md", job_file(**VALID))
    write_job(site, "loud.md", job_file(**{**VALID, "title": "Other"}, apply_url="mailto:jobs@example.com"))
    assert fetch(site).warnings == ["content/jobs/quiet.md: no apply_url, so the page has no apply button; add one (an https: or mailto: link)"]


def test_drafts_are_never_returned(site: Path) -> None:
    write_job(site, "a.md", job_file(**VALID, status="draft"))
    write_job(site, "b.md", job_file(**{**VALID, "title": "Other"}, status="Draft"))
    write_job(site, "c.md", job_file(**{**VALID, "title": "Open"}, status="PUBLISHED"))
    assert [j.title for j in fetch(site).jobs] == ["Open"]


def test_a_draft_is_skipped_before_it_is_validated(site: Path) -> None:
    # A half-written draft must not break the build.
    write_job(site, "draft.md", '+++\nstatus = "draft"\ntitle = "Later"\n+++\n')
    assert fetch(site).jobs == []


def test_description_html_is_sanitized(site: Path) -> None:
    body = 'Hello <script>alert(1)</script><img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))\n'
    write_job(site, "x.md", job_file(**VALID, body=body))
    (job,) = fetch(site).jobs
    html = job.description_html
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html and "<img" not in html
    assert "Hello" in html


def test_offices_departments_and_open_application(site: Path) -> None:
    data = fetch(site, open_application_url="mailto:jobs@example.com")
    assert [o.id for o in data.offices] == ["paris", "berlin"]
    assert [d.id for d in data.departments] == ["engineering", "sales"]
    assert data.open_application_url == "mailto:jobs@example.com"


def test_other_paths(site: Path) -> None:
    (site / "data").mkdir()
    (site / "data" / "places.toml").write_text('[[offices]]\nid = "lyon"\nname = "Lyon"\ncountry = "FR"\n', encoding="utf-8")
    (site / "elsewhere").mkdir()
    (site / "elsewhere" / "job.md").write_text(job_file(**VALID, offices=["lyon"]), encoding="utf-8")
    data = fetch(site, path="elsewhere", offices="data/places.toml")
    assert [o.id for o in data.jobs[0].offices] == ["lyon"]


def test_missing_data_files_mean_no_offices(site: Path) -> None:
    (site / "content" / "offices.toml").unlink()
    (site / "content" / "departments.toml").unlink()
    data = fetch(site)
    assert data.offices == [] and data.departments == []


def test_the_demo_content(tmp_path: Path) -> None:
    data = fetch(REPO)
    jobs = {j.id: j for j in data.jobs}
    assert len(jobs) >= 12
    assert "OPS-403" not in jobs  # the draft
    assert {o.id for o in data.offices} == {"paris", "lyon", "berlin"}
    assert {o.country for o in data.offices} == {"FR", "DE"}
    assert {j.department.id for j in jobs.values() if j.department} == {"engineering", "design", "sales", "operations"}
    assert {o.id for j in jobs.values() for o in j.offices} == {"paris", "lyon", "berlin"}
    remote = jobs["ENG-103"]
    assert remote.remote is Remote.FULL and remote.remote_countries == ("DE",)
    assert "live in Germany" in remote.description_html
    french = [j for j in jobs.values() if j.language == "fr"]
    assert len(french) >= 2
    assert any(j.salary and j.salary.min and j.salary.max for j in jobs.values())
    assert any(j.valid_through for j in jobs.values())
    kinds = {k for j in jobs.values() for k in j.employment_types}
    assert {"FULL_TIME", "PART_TIME", "INTERN"} <= kinds
    assert sum(1 for j in jobs.values() if j.tags) >= 5


# -- messages ---------------------------------------------------------------------------------

BAD_JOBS = [
    ("no front matter here\n", "missing front matter; start the file with a +++ line, TOML keys, and a closing +++ line"),
    ("+++\ntitle = \n+++\nBody\n", "front matter is not valid TOML: "),
    (job_file(**VALID, titel="x"), "unknown key 'titel' (did you mean \"title\"?)"),
    (job_file(date_posted="2026-10-05"), "title is required"),
    (job_file(title="  ", date_posted="2026-10-05"), "title is required"),
    (job_file(title="X"), "date_posted is required (e.g. date_posted = 2026-01-31)"),
    (job_file(title="X", date_posted="18/01/2025"), "date_posted '18/01/2025' is not a date; write 2026-01-31 or 2026-01-31T09:00:00+01:00"),
    (job_file(**VALID, valid_through="next month"), "valid_through 'next month' is not a date; write 2026-01-31 or 2026-01-31T09:00:00+01:00"),
    (job_file(**VALID, status="archived"), 'status \'archived\' must be "published" or "draft"'),
    (job_file(**VALID, department="engineerin"), "department 'engineerin' is not in departments.toml (did you mean \"engineering\"?)"),
    (job_file(**VALID, department="legal"), "department 'legal' is not in departments.toml"),
    (job_file(**VALID, offices=["pariss"]), "office 'pariss' is not in offices.toml (did you mean \"paris\"?)"),
    (
        job_file(**VALID, employment_type="Full time"),
        "employment_type 'FULL TIME' is not one of FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER",
    ),
    (job_file(**VALID, remote="sometimes"), "remote must be one of no, occasional, hybrid, full"),
    (
        job_file(**VALID, education="PhD"),
        "education must be one of high school, associate degree, bachelor degree, professional certificate, postgraduate degree",
    ),
    (job_file(**VALID, remote="full", remote_countries=["Atlantis"]), "remote_countries 'Atlantis' is not a country"),
    (
        job_file(**VALID, remote="full"),
        'remote = "full" needs remote_countries, the countries applicants may live in, e.g. remote_countries = ["DE"]',
    ),
    (job_file(**VALID, experience_months="five years"), "experience_months must be a whole number of months, e.g. experience_months = 36"),
    (job_file(**VALID, experience_months=-3), "experience_months must be a whole number of months, e.g. experience_months = 36"),
    (job_file(**VALID, apply_url="javascript:alert(1)"), "apply_url 'javascript:alert(1)' must be an https:, http: or mailto: link"),
    (job_file(**VALID, apply_url="jobs@example.com"), "apply_url 'jobs@example.com' must be an https:, http: or mailto: link"),
    (job_file(**VALID, language="French"), 'language \'French\' must be a language code such as "en" or "fr"'),
    (job_file(**VALID, categories="full time"), 'categories must be a table, e.g. categories = { "Working hours" = "24 hours a week" }'),
    (job_file(**VALID, body="\n\n"), "the description (the Markdown after the front matter) is empty"),
    (job_file(**VALID, salary=50000), 'salary must be a table: { min = 50000, max = 60000, currency = "EUR", unit = "YEAR" }'),
    (job_file(**VALID, salary={"min": 1, "currency": "EURO"}), "salary.currency 'EURO' is not an ISO 4217 code such as \"EUR\""),
    (job_file(**VALID, salary={"min": 1}), 'salary.currency None is not an ISO 4217 code such as "EUR"'),
    (job_file(**VALID, salary={"min": 1, "currency": "EUR", "unit": "yearly"}), "salary.unit must be one of HOUR, DAY, WEEK, MONTH, YEAR"),
    (job_file(**VALID, salary={"currency": "EUR"}), "salary needs min, max or both"),
    (job_file(**VALID, salary={"min": 1, "currency": "EUR", "period": "YEAR"}), "salary: unknown key 'period'"),
    (
        job_file(**VALID, salary={"min": "50k", "currency": "EUR"}),
        "salary amounts must be numbers without quotes or units, e.g. min = 50000; got '50k'",
    ),
    (job_file(**VALID, salary={"min": 60000, "max": 50000, "currency": "EUR"}), "salary min 60000 is above max 50000"),
]


@pytest.mark.parametrize(("text", "message"), BAD_JOBS, ids=[m[:40] for _, m in BAD_JOBS])
def test_bad_job_file(site: Path, text: str, message: str) -> None:
    write_job(site, "bad.md", text)
    error = error_of(site)
    assert error.startswith(f"source local: content/jobs/bad.md: {message}")
    if not message.endswith(": "):
        assert error == f"source local: content/jobs/bad.md: {message}"


def test_every_broken_file_is_reported_at_once(site: Path) -> None:
    write_job(site, "a.md", job_file(title="A"))
    write_job(site, "b.md", job_file(**VALID, offices=["tokyo"]))
    write_job(site, "c.md", job_file(**VALID))
    assert error_of(site) == (
        "source local: content/jobs/a.md: date_posted is required (e.g. date_posted = 2026-01-31); "
        "content/jobs/b.md: office 'tokyo' is not in offices.toml"
    )


def test_duplicate_ids(site: Path) -> None:
    write_job(site, "a.md", job_file(**VALID, id="J1"))
    write_job(site, "b.md", job_file(**VALID, id="J1"))
    assert error_of(site) == "source local: content/jobs/b.md: id 'J1' is already used by content/jobs/a.md"


def test_missing_jobs_folder(site: Path) -> None:
    assert error_of(site, path="content/postings") == "source local: content/postings: no such folder; create it or set path in [[sources]]"


@pytest.mark.parametrize(
    ("offices", "message"),
    [
        ('[[offices]]\nid = "x"\n', "content/offices.toml: offices[0]: id and name are required"),
        (
            '[[offices]]\nid = "x"\nname = "X"\ncountry = "Narnia"\n',
            "content/offices.toml: offices[0].country: 'Narnia' is not a country; use an ISO code such as \"FR\"",
        ),
        ('[[offices]]\nid = "x"\nname = "X"\ncity = "Y"\ntown = "Z"\n', "content/offices.toml: offices[0]: unknown key 'town'"),
        ('[[offices]]\nid = "x"\nname = "X"\nzip = "1"\n', "content/offices.toml: offices[0]: unknown key 'zip'"),
        ('[offices]\nid = "x"\nname = "X"\n', "content/offices.toml: write each entry as a [[offices]] table"),
        ("[[offices]\n", "content/offices.toml: not valid TOML: "),
    ],
)
def test_bad_offices_file(site: Path, offices: str, message: str) -> None:
    (site / "content" / "offices.toml").write_text(offices, encoding="utf-8")
    assert error_of(site).startswith(f"source local: {message}")


def test_bad_departments_file(site: Path) -> None:
    (site / "content" / "departments.toml").write_text(
        '[[departments]]\nid = "x"\nname = "X"\nteam = "Y"\n[[departments]]\nname = "Z"\n', encoding="utf-8"
    )
    assert error_of(site) == (
        "source local: content/departments.toml: departments[0]: unknown key 'team'; content/departments.toml: departments[1]: id and name are required"
    )


def test_split_front_matter_accepts_crlf_and_empty_bodies() -> None:
    assert split_front_matter('+++\r\ntitle = "X"\r\n+++\r\nBody', "f") == ({"title": "X"}, "Body")
    assert split_front_matter('+++\ntitle = "X"\n+++', "f") == ({"title": "X"}, "")


def test_split_sections_keeps_text_before_the_first_heading() -> None:
    sections = split_sections("Intro\n\n## One ##\n\nA\n\n### Sub\n\nB\n\n## Two\n\nC\n")
    assert [(s.title, s.html) for s in sections] == [("", "<p>Intro</p>"), ("One", "<p>A</p>\n<h3>Sub</h3>\n<p>B</p>"), ("Two", "<p>C</p>")]
