"""The local source as a job board: content/companies.toml, jobs' `company`, and the demo board."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from generator.config import load_config, parse_config
from generator.errors import GeneratorError, SourceError
from generator.model import Image, Organization, SourceData, Video
from generator.sources import FetchContext
from generator.sources.local import LocalSource
from tests.helpers import REPO, build, job_file, postings

BOARD = REPO / "tests" / "fixtures" / "board"
OFFICES = """
[[offices]]
id = "paris"
name = "Paris"
country = "FR"

[[offices]]
id = "berlin"
name = "Berlin"
country = "DE"
"""
MINIMAL = '[[companies]]\nid = "acme"\nname = "Acme"\n\n[[companies]]\nid = "globex"\nname = "Globex"\n'
VALID = {"title": "Backend Engineer", "date_posted": datetime.date(2026, 10, 5), "apply_url": "mailto:jobs@example.com"}
FILE = "source local: content/companies.toml"


def fetch(root: Path, *, mode: str = "board", cache: Path | None = None, **options: object) -> SourceData:
    """Run the local source of an en/fr site rooted at `root`."""
    config = parse_config({"site": {"title": "T", "url": "https://example.com"}, "sources": [{"type": "local", **options}]}, root)
    context = FetchContext(root=root, languages=("en", "fr"), mode=mode, cache_dir=cache)
    return LocalSource(config.sources[0], context).fetch()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content" / "jobs").mkdir(parents=True)
    (tmp_path / "content" / "media").mkdir()
    for name in ("acme.png", "acme-cover.png", "one.png", "two.png"):
        (tmp_path / "content" / "media" / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "content" / "offices.toml").write_text(OFFICES, encoding="utf-8")
    (tmp_path / "content" / "companies.toml").write_text(MINIMAL, encoding="utf-8")
    return tmp_path


def write(site: Path, name: str, text: str) -> None:
    (site / "content" / name).write_text(text, encoding="utf-8")


def error_of(site: Path, **options: object) -> str:
    with pytest.raises(SourceError) as caught:
        fetch(site, **options)
    assert "\n" not in str(caught.value)
    return str(caught.value)


# -- companies.toml ---------------------------------------------------------------------------

FULL = """
[[companies]]
id = "acme"
name = "  Acme Robotics  "
slug = "acme"
url = "https://acme.example"
logo = "media/acme.png"
logo_alt = "Acme's logo"
cover = "media/acme-cover.png"
cover_alt = "The workshop"
same_as = ["https://www.linkedin.com/company/acme", "https://www.linkedin.com/company/acme", "https://twitter.com/acme"]
description = "For **everyone**."
descriptions = { en = "In *English*.", fr = "En français." }
sectors = ["Robotics", "  Heavy   industry ", "Robotics"]
figures = { revenue = "12 M€", employees = 120, founded = 2014, average_age = 33.5 }
offices = ["paris", "berlin"]
gallery = ["media/one.png", { path = "media/two.png", alt = "The team" }]
videos = [
  { url = "https://www.youtube.com/watch?v=abcdefghijk", title = "Hello", description = "  Our **team**,\\n on site. " },
  { url = "https://youtu.be/ABCDEFGHIJK" },
  { url = "https://www.dailymotion.com/video/x7tgad0", title = "Dailymotion" },
  { url = "https://vimeo.com/76979871", title = "Vimeo" },
  { url = "https://videos.acme.example/launch.mp4", title = "Launch" },
]
"""


def test_every_company_key_reaches_the_model(site: Path) -> None:
    write(site, "companies.toml", FULL)
    (company,) = fetch(site).companies
    media = site / "content" / "media"
    assert company.id == "local:acme" and company.slug == "acme" and company.name == "Acme Robotics"
    assert company.url == "https://acme.example"
    assert company.logo == Image(url=str(media / "acme.png"), alt="Acme's logo")
    assert company.cover == Image(url=str(media / "acme-cover.png"), alt="The workshop")
    assert company.same_as == ("https://www.linkedin.com/company/acme", "https://twitter.com/acme")
    assert company.description == {"": "<p>For <strong>everyone</strong>.</p>", "en": "<p>In <em>English</em>.</p>", "fr": "<p>En français.</p>"}
    assert company.sectors == ("Robotics", "Heavy industry")
    # In FIGURE_KEYS order, values as written.
    assert company.figures == (("employees", "120"), ("founded", "2014"), ("average_age", "33.5"), ("revenue", "12 M€"))
    assert [(o.id, o.country) for o in company.offices] == [("paris", "FR"), ("berlin", "DE")]
    assert company.gallery == (Image(url=str(media / "one.png")), Image(url=str(media / "two.png"), alt="The team"))
    assert company.videos == (
        Video(
            url="https://www.youtube.com/watch?v=abcdefghijk",
            title="Hello",
            provider="youtube",
            embed_url="https://www.youtube-nocookie.com/embed/abcdefghijk",
            description="Our **team**, on site.",
        ),
        Video(url="https://youtu.be/ABCDEFGHIJK", provider="youtube", embed_url="https://www.youtube-nocookie.com/embed/ABCDEFGHIJK"),
        Video(
            url="https://www.dailymotion.com/video/x7tgad0",
            title="Dailymotion",
            provider="dailymotion",
            embed_url="https://www.dailymotion.com/embed/video/x7tgad0",
        ),
        Video(url="https://vimeo.com/76979871", title="Vimeo", provider="vimeo"),  # a link: no player for other providers
        Video(url="https://videos.acme.example/launch.mp4", title="Launch"),
    )


def test_company_defaults(site: Path) -> None:
    write(site, "companies.toml", '[[companies]]\nid = "cb"\nname = "Café Brûlé"\n[[companies]]\nid = "shalom"\nname = "שלום"\n')
    cafe, shalom = fetch(site).companies
    assert cafe == Organization(id="local:cb", slug="cafe-brule", name="Café Brûlé")
    assert shalom.slug == "shalom"  # a name with no Latin letters: the id makes the URL


def test_logo_alt_defaults_to_the_name(site: Path) -> None:
    write(site, "companies.toml", '[[companies]]\nid = "acme"\nname = "Acme"\nlogo = "media/acme.png"\ncover = "media/acme-cover.png"\n')
    (company,) = fetch(site).companies
    assert company.logo is not None and company.logo.alt == "Acme"
    assert company.cover is not None and company.cover.alt == ""  # a cover is decoration unless described


def test_a_named_source_prefixes_company_ids(site: Path) -> None:
    write(site, "jobs/a.md", job_file(**VALID, company="acme"))
    data = fetch(site, name="files")
    assert [c.id for c in data.companies] == ["files:acme", "files:globex"]
    assert data.jobs[0].company == "files:acme"


def test_other_companies_path(site: Path) -> None:
    (site / "content" / "companies.toml").unlink()
    (site / "data").mkdir()
    (site / "data" / "clients.toml").write_text('[[companies]]\nid = "initech"\nname = "Initech"\n', encoding="utf-8")
    assert fetch(site).companies == []
    assert [c.name for c in fetch(site, companies="data/clients.toml").companies] == ["Initech"]


# -- jobs and their company -------------------------------------------------------------------


def test_jobs_point_to_their_company(site: Path) -> None:
    write(site, "jobs/a.md", job_file(**VALID, id="A", company="acme"))
    write(site, "jobs/b.md", job_file(**{**VALID, "title": "Other"}, id="B", company="acme"))
    write(site, "jobs/own.md", job_file(**{**VALID, "title": "Ours"}, id="OWN"))
    data = fetch(site)
    companies = {c.id: c for c in data.companies}
    assert {j.id: j.company for j in data.jobs} == {"A": "local:acme", "B": "local:acme", "OWN": None}
    assert companies["local:acme"].name == "Acme"
    # Every listed company is delivered, with jobs or not: the renderer decides what to show.
    assert list(companies) == ["local:acme", "local:globex"]


def test_translations_share_their_company(site: Path) -> None:
    write(site, "jobs/a.md", job_file(**VALID, id="J1", company="acme", language="en"))
    write(site, "jobs/b.md", job_file(**VALID, id="J1-FR", company="acme", language="fr", translation_of="J1"))
    assert {j.id: (j.company, j.translation_key) for j in fetch(site).jobs} == {"J1": ("local:acme", "J1"), "J1-FR": ("local:acme", "J1")}


def test_careers_mode_ignores_companies_with_a_warning(site: Path) -> None:
    write(site, "jobs/a.md", job_file(**VALID))
    data = fetch(site, mode="careers")
    assert data.companies == []
    assert data.warnings == [
        'content/companies.toml: ignored, companies show only on a job board; set [site] mode = "board" in careers.toml to use them'
    ]


def test_careers_mode_without_companies_has_no_warning(site: Path) -> None:
    (site / "content" / "companies.toml").unlink()
    write(site, "jobs/a.md", job_file(**VALID))
    assert fetch(site, mode="careers").warnings == []


def test_careers_mode_still_checks_companies_toml(site: Path) -> None:
    # Switching to board mode later must not reveal old mistakes.
    write(site, "companies.toml", '[[companies]]\nid = "acme"\n')
    assert error_of(site, mode="careers") == f"{FILE}: companies[0]: id and name are required"


BAD_JOBS = [
    ({"company": "acm"}, "board", "company 'acm' is not in companies.toml (did you mean \"acme\"?)"),
    ({"company": "initech"}, "board", "company 'initech' is not in companies.toml"),
    ({"company": 3}, "board", 'company must be the id of a company in companies.toml, e.g. company = "acme"'),
    ({"company": " "}, "board", 'company must be the id of a company in companies.toml, e.g. company = "acme"'),
    ({"company": "acme"}, "careers", 'company needs [site] mode = "board" in careers.toml; set it, or remove company from this job'),
]


@pytest.mark.parametrize(("front", "mode", "message"), BAD_JOBS, ids=[m[:40] for _, _, m in BAD_JOBS])
def test_bad_job_company(site: Path, front: dict[str, object], mode: str, message: str) -> None:
    write(site, "jobs/bad.md", job_file(**VALID, **front))
    assert error_of(site, mode=mode) == f"source local: content/jobs/bad.md: {message}"


@pytest.mark.parametrize(
    ("company", "message"),
    [
        ("globex", "company 'globex' differs from 'acme' of 'J1', the job it translates; give both the same company"),
        (None, "company (none) differs from 'acme' of 'J1', the job it translates; give both the same company"),
    ],
)
def test_a_translation_with_another_company(site: Path, company: str | None, message: str) -> None:
    write(site, "jobs/a.md", job_file(**VALID, id="J1", company="acme"))
    front = {"company": company} if company else {}
    write(site, "jobs/b.md", job_file(**VALID, id="J1-FR", language="fr", translation_of="J1", **front))
    assert error_of(site) == f"source local: content/jobs/b.md: {message}"


# -- every message about companies.toml -------------------------------------------------------

ENTRY = '[[companies]]\nid = "x"\nname = "X"\n'
BAD_COMPANIES = [
    ('[[companies]]\nid = "x"\n', "companies[0]: id and name are required"),
    ('[[companies]]\nname = "X"\n', "companies[0]: id and name are required"),
    ('[[companies]]\nid = 7\nname = "X"\n', 'companies[0]: id must be text in quotes, e.g. id = "7"'),
    ('[[companies]]\nid = "x"\nname = ["X"]\n', "companies[0]: name must be text in quotes"),
    (ENTRY + 'sector = ["a"]\n', "companies[0]: unknown key 'sector' (did you mean \"sectors\"?)"),
    (ENTRY + 'slug = "X Co"\n', "companies[0] (x): slug 'X Co' must be lowercase letters, digits and hyphens, e.g. slug = \"x-co\""),
    (ENTRY + 'slug = "--"\n', "companies[0] (x): slug '--' must be lowercase letters, digits and hyphens, e.g. slug = \"acme\""),
    (
        '[[companies]]\nid = "東京"\nname = "東京"\n',
        'companies[0] (東京): neither name nor id has letters a-z or digits to make its URL from; set slug, e.g. slug = "company-1"',
    ),
    (ENTRY + 'url = "acme.example"\n', "companies[0] (x): url 'acme.example' must be an https: or http: link"),
    (ENTRY + 'logo_alt = "Logo"\n', "companies[0] (x): logo_alt needs logo, the picture it describes"),
    (ENTRY + 'cover_alt = "Cover"\n', "companies[0] (x): cover_alt needs cover, the picture it describes"),
    (
        ENTRY + 'logo = "media/none.png"\n',
        "companies[0] (x): logo 'media/none.png' is not a file under content/; write its path from content/, e.g. \"media/acme.png\"",
    ),
    (
        ENTRY + 'cover = "media"\n',
        "companies[0] (x): cover 'media' is not a file under content/; write its path from content/, e.g. \"media/acme.png\"",
    ),
    (ENTRY + 'logo = "../careers.toml"\n', "companies[0] (x): logo '../careers.toml' must be a path inside content/, e.g. \"media/acme.png\""),
    (ENTRY + 'logo = "/etc/passwd"\n', "companies[0] (x): logo '/etc/passwd' must be a path inside content/, e.g. \"media/acme.png\""),
    (ENTRY + "cover = 3\n", 'companies[0] (x): cover must be the path of a picture under content/, e.g. "media/acme.png"'),
    (
        ENTRY + 'same_as = "https://x.example"\n',
        'companies[0] (x): same_as must be a list of https: links, e.g. same_as = ["https://www.linkedin.com/company/acme"]',
    ),
    (ENTRY + 'same_as = ["http://x.example"]\n', "companies[0] (x): same_as 'http://x.example' must be an https: link"),
    (ENTRY + "same_as = [3]\n", "companies[0] (x): same_as 3 must be an https: link"),
    (
        ENTRY + 'description = { en = "x" }\n',
        'companies[0] (x): description must be Markdown text; for one text per language write descriptions = { en = "...", fr = "..." }',
    ),
    (ENTRY + "description = 3\n", 'companies[0] (x): description must be text in quotes, e.g. description = "3"'),
    (
        ENTRY + 'descriptions = "x"\n',
        'companies[0] (x): descriptions must be a table of language = Markdown, e.g. descriptions = { en = "...", fr = "..." }',
    ),
    (ENTRY + 'descriptions = { de = "x" }\n', "companies[0] (x): descriptions.de is not one of the site's languages (en, fr)"),
    (
        ENTRY + 'descriptions = { fra = "x" }\n',
        'companies[0] (x): descriptions.fra is not one of the site\'s languages (en, fr) (did you mean "fr"?)',
    ),
    (ENTRY + "descriptions = { en = 3 }\n", "companies[0] (x): descriptions.en must be Markdown text in quotes"),
    (ENTRY + 'sectors = "Robotics"\n', 'companies[0] (x): sectors must be a list of names, e.g. sectors = ["Software", "Health"]'),
    (ENTRY + 'sectors = ["", "Robotics"]\n', 'companies[0] (x): sectors must be a list of names, e.g. sectors = ["Software", "Health"]'),
    (
        ENTRY + "figures = 3\n",
        'companies[0] (x): figures must be a table, e.g. figures = { employees = 120, founded = 2014, revenue = "12 M€" }',
    ),
    (
        ENTRY + "figures = { employes = 3 }\n",
        "companies[0] (x): figures: unknown key 'employes' (did you mean \"employees\"?); "
        "use employees, founded, average_age, parity_women, parity_men, turnover, revenue",
    ),
    (
        ENTRY + "figures = { employees = true }\n",
        'companies[0] (x): figures.employees must be a number or text, e.g. employees = 120 or employees = "about 120"',
    ),
    (
        ENTRY + 'figures = { founded = " " }\n',
        'companies[0] (x): figures.founded must be a number or text, e.g. founded = 120 or founded = "about 120"',
    ),
    (ENTRY + 'offices = ["pariss"]\n', "companies[0] (x): office 'pariss' is not in offices.toml (did you mean \"paris\"?)"),
    (
        ENTRY + 'gallery = "media/one.png"\n',
        'companies[0] (x): gallery must be a list of pictures, e.g. gallery = ["media/office.jpg", { path = "media/team.jpg", alt = "The team" }]',
    ),
    (ENTRY + 'gallery = [{ src = "media/one.png" }]\n', "companies[0] (x): gallery[0]: unknown key 'src'"),
    (
        ENTRY + 'gallery = ["media/one.png", { alt = "Team" }]\n',
        'companies[0] (x): gallery[1].path must be the path of a picture under content/, e.g. "media/acme.png"',
    ),
    (
        ENTRY + 'gallery = ["media/none.png"]\n',
        "companies[0] (x): gallery[0] 'media/none.png' is not a file under content/; write its path from content/, e.g. \"media/acme.png\"",
    ),
    (ENTRY + 'gallery = [{ path = "media/one.png", alt = 1 }]\n', 'companies[0] (x): gallery[0]: alt must be text in quotes, e.g. alt = "1"'),
    (
        ENTRY + 'videos = ["https://youtu.be/ABCDEFGHIJK"]\n',
        'companies[0] (x): write videos as a list of tables, e.g. videos = [{ url = "https://www.youtube.com/watch?v=...", title = "..." }]',
    ),
    (ENTRY + 'videos = [{ link = "https://youtu.be/ABCDEFGHIJK" }]\n', "companies[0] (x): videos[0]: unknown key 'link'"),
    (ENTRY + 'videos = [{ title = "Hi" }]\n', "companies[0] (x): videos[0]: url is required, the https: page to watch the video on"),
    (
        ENTRY + 'videos = [{ url = "http://www.youtube.com/watch?v=abcdefghijk" }]\n',
        "companies[0] (x): videos[0]: url 'http://www.youtube.com/watch?v=abcdefghijk' must be an https: link",
    ),
    (ENTRY + 'videos = [{ url = "javascript:alert(1)" }]\n', "companies[0] (x): videos[0]: url 'javascript:alert(1)' must be an https: link"),
    (
        ENTRY + 'videos = [{ url = "https://www.youtube.com/@acme" }]\n',
        "companies[0] (x): videos[0]: url 'https://www.youtube.com/@acme' is not the link of one video; "
        "use a link such as https://www.youtube.com/watch?v=<id>",
    ),
    (
        ENTRY + 'videos = [{ url = "https://www.dailymotion.com/acme" }]\n',
        "companies[0] (x): videos[0]: url 'https://www.dailymotion.com/acme' is not the link of one video; "
        "use a link such as https://www.dailymotion.com/video/<id>",
    ),
    (
        ENTRY + 'videos = [{ url = "https://youtu.be/ABCDEFGHIJK" }, { url = "https://youtu.be/ABCDEFGHIJK", title = "Again" }]\n',
        "companies[0] (x): videos[1]: url 'https://youtu.be/ABCDEFGHIJK' is listed twice; keep it once",
    ),
    (
        ENTRY + 'videos = [{ url = "https://youtu.be/ABCDEFGHIJK", title = 2 }]\n',
        'companies[0] (x): videos[0]: title must be text in quotes, e.g. title = "2"',
    ),
    (ENTRY + ENTRY, "companies[1] (x): id 'x' is already used by companies[0]; give each company its own id"),
    (
        ENTRY + '[[companies]]\nid = "y"\nname = "x"\n',
        "companies[1] (y): slug 'x' is already used by companies[0] (x); set slug on one of them",
    ),
    ('[[company]]\nid = "x"\nname = "X"\n', "unknown key 'company' (did you mean \"companies\"?); write each entry as a [[companies]] table"),
    ('[companies]\nid = "x"\nname = "X"\n', "write each entry as a [[companies]] table"),
]


@pytest.mark.parametrize(("text", "message"), BAD_COMPANIES, ids=[m[:50] for _, m in BAD_COMPANIES])
def test_bad_companies_file(site: Path, text: str, message: str) -> None:
    write(site, "companies.toml", text)
    assert error_of(site) == f"{FILE}: {message}"


def test_companies_file_that_is_not_toml(site: Path) -> None:
    write(site, "companies.toml", "[[companies]\n")
    assert error_of(site).startswith(f"{FILE}: not valid TOML: ")


def test_every_broken_company_is_reported_at_once(site: Path) -> None:
    write(site, "companies.toml", '[[companies]]\nid = "a"\n[[companies]]\nid = "b"\nname = "B"\nurl = "b"\n')
    write(site, "jobs/a.md", job_file(**VALID, company="a"))
    assert error_of(site) == (
        f"{FILE}: companies[0]: id and name are required; "
        "content/companies.toml: companies[1] (b): url 'b' must be an https: or http: link; "
        "content/jobs/a.md: company 'a' is not in companies.toml"
    )


# -- the parsed-file cache --------------------------------------------------------------------


def test_parse_cache_follows_companies_toml(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    write(site, "jobs/a.md", job_file(**VALID, id="A", company="acme"))
    parsed: list[str] = []
    original = LocalSource._job

    def counted(self: LocalSource, file: Path, *args: object) -> object:
        parsed.append(file.name)
        return original(self, file, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalSource, "_job", counted)
    fetch(site, cache=cache)
    fetch(site, cache=cache)
    assert parsed == ["a.md"]  # the second fetch reused the parsed file

    write(site, "companies.toml", MINIMAL.replace('name = "Acme"', 'name = "Acme Renamed"'))
    data = fetch(site, cache=cache)
    assert parsed == ["a.md", "a.md"]
    assert data.jobs[0].company == "local:acme"
    assert {c.id: c.name for c in data.companies}["local:acme"] == "Acme Renamed"

    # The job file did not change, but its company is gone: the cached job must not hide that.
    write(site, "companies.toml", '[[companies]]\nid = "globex"\nname = "Globex"\n')
    assert error_of(site, cache=cache) == "source local: content/jobs/a.md: company 'acme' is not in companies.toml"


def test_parse_cache_follows_the_mode(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write(site, "jobs/a.md", job_file(**VALID, company="acme"))
    assert fetch(site, cache=cache).jobs[0].company == "local:acme"
    assert error_of(site, cache=cache, mode="careers") == (
        'source local: content/jobs/a.md: company needs [site] mode = "board" in careers.toml; set it, or remove company from this job'
    )


# -- the demo board ---------------------------------------------------------------------------


def board_data() -> tuple[SourceData, tuple[str, ...]]:
    config = load_config(BOARD / "careers.toml")
    context = FetchContext(root=BOARD, languages=config.site.languages, mode=config.site.mode)
    return LocalSource(config.sources[0], context).fetch(), config.site.languages


def test_the_demo_board_content() -> None:
    data, languages = board_data()
    assert languages == ("en", "fr") and data.warnings == []
    companies = {c.id.removeprefix("local:"): c for c in data.companies}
    assert len(companies) == 12
    assert len(data.jobs) >= 40
    assert {j.language for j in data.jobs} == {"en", "fr"}
    assert sum(1 for j in data.jobs if j.translation_key and j.translation_key != j.id) >= 6
    assert {j.company for j in data.jobs} >= {c.id for c in data.companies if c.id != "local:velo-confluence"}
    assert not any(j.company == "local:velo-confluence" for j in data.jobs)  # a company whose only job is a draft
    assert any(j.company is None for j in data.jobs)  # the board's own job
    assert {c for c in companies if not companies[c].logo} and {c for c in companies if not companies[c].offices}
    assert {c for c in companies if not companies[c].videos}
    providers = {v.provider: v.embed_url for c in companies.values() for v in c.videos}
    assert providers["youtube"] and providers["youtube"].startswith("https://www.youtube-nocookie.com/embed/")
    assert providers["dailymotion"] and providers["dailymotion"].startswith("https://www.dailymotion.com/embed/video/")
    assert providers["vimeo"] is None
    assert any(len(c.gallery) >= 3 for c in companies.values())
    assert sum(1 for c in companies.values() if {"en", "fr"} <= set(c.description)) >= 8
    assert any("" in c.description for c in companies.values())
    assert sum(1 for c in companies.values() if c.figures) >= 8
    assert len({c.slug for c in companies.values()}) == 12
    for company in companies.values():
        for image in (company.logo, company.cover, *company.gallery):
            assert image is None or Path(image.url).is_file()


def test_the_demo_board_builds(tmp_path: Path) -> None:
    root = tmp_path / "board"
    shutil.copytree(BOARD, root)
    report = build(root)
    assert report.warnings == []
    data, _ = board_data()
    assert report.sources[0].jobs == len(data.jobs)
    titles = {p["title"] for page in (root / "public").rglob("index.html") for p in postings(page)}
    assert titles == {j.title for j in data.jobs}


def test_a_rebuild_of_the_demo_board_checks_jobs_against_changed_companies(tmp_path: Path) -> None:
    root = tmp_path / "board"
    shutil.copytree(BOARD, root)
    build(root)
    companies = root / "content" / "companies.toml"
    text = companies.read_text(encoding="utf-8")
    companies.write_text(text.replace('id = "gerland-biotech"', 'id = "gerland-bio"'), encoding="utf-8")
    with pytest.raises(GeneratorError) as caught:
        build(root)
    assert str(caught.value).startswith(
        "source local: content/jobs/gb-lab-technician.md: company 'gerland-biotech' is not in companies.toml (did you mean \"gerland-bio\"?); "
    )
