"""Languages: catalogs, locale formatting, one section per language, translated jobs, lang/dir, hreflang."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from generator import i18n
from generator.build import BuildOptions, build_site
from generator.config import load_config
from generator.errors import SourceError
from generator.model import Salary

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "generator" / "locales"
LANGUAGES = ("en", "fr", "de", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_ids() -> set[str]:
    """Extract msgids from the code and themes exactly as `pybabel extract -F generator/locales/babel.cfg -k N_` does."""
    method_map, options_map = parse_mapping_cfg(io.StringIO((LOCALES / "babel.cfg").read_text(encoding="utf-8")))
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map, keywords=keywords):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalog(name: str):
    path = LOCALES / "messages.pot" if name == "pot" else LOCALES / name / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=None if name == "pot" else name)


def test_the_template_catalog_is_up_to_date_with_the_code():
    pot = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog("pot") if m.id}
    assert extracted_ids() == pot, "run the `pybabel extract` and `pybabel update` commands in the README (Translating the interface)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_has_every_message(language):
    pot = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("pot") if m.id}
    po = catalog(language)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    assert ids == pot
    for message in po:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        if language == "en":
            continue  # English shows the msgids themselves
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id if isinstance(message.id, str) else message.id[0]
        for string in strings:
            assert string, f"{language}: {source!r} is not translated"
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), f"{language}: {string!r}"


def test_ui_strings_come_from_the_catalog():
    assert i18n.translations("fr").gettext("Apply for this job") == "Postuler à cette offre"
    assert i18n.translations("de-CH").gettext("Apply for this job") == "Jetzt bewerben"  # falls back to the base language
    assert i18n.translations("ja").gettext("Apply for this job") == "Apply for this job"  # no catalog: English
    assert i18n.translations("fr").ngettext("%(count)s open position", "%(count)s open positions", 0) == "%(count)s poste ouvert"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€65,000 – €80,000"),
        ("fr", "65\u202f000\u00a0€ – 80\u202f000\u00a0€"),
        ("de", "65.000\u00a0€ – 80.000\u00a0€"),
        ("es", "65.000\u00a0€ – 80.000\u00a0€"),
    ],
)
def test_salary_ranges_follow_the_locale(language, expected):
    assert i18n.format_salary(Salary("EUR", "YEAR", 65000, 80000), language) == expected


def test_salary_without_range_and_with_cents():
    assert i18n.format_salary(Salary("USD", "HOUR", None, 25.5), "en") == "$25.50"
    assert i18n.format_salary(Salary("GBP", "YEAR", 50000, 50000), "en") == "£50,000"
    assert i18n.format_salary(None, "en") == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "March 3, 2026"), ("fr", "3 mars 2026"), ("de", "3. März 2026"), ("es", "3 de marzo de 2026")]
)
def test_dates_follow_the_locale(language, expected):
    assert i18n.format_date("2026-03-03", language) == expected
    assert i18n.format_date("2026-03-03T09:30:00+01:00", language) == expected


def test_country_names_and_directions():
    assert i18n.country_name("DE", "fr") == "Allemagne"
    assert i18n.country_name("XX", "fr") == "XX"
    assert i18n.text_direction("ar") == "rtl" and i18n.text_direction("he-IL") == "rtl" and i18n.text_direction("fr") == "ltr"


JOB = """\
+++
id = "{id}"
title = "{title}"
date_posted = 2026-10-01
offices = ["paris"]
remote = "hybrid"
{extra}
+++
{body}

## Details

- One
"""
OFFICES = '[[offices]]\nid = "paris"\nname = "Paris"\ncity = "Paris"\ncountry = "FR"\n'


def make_multilingual(make_site, languages='["en", "fr", "ar"]', jobs=None, extra_site=""):
    jobs = jobs or {
        "content/jobs/dev.md": JOB.format(
            id="DEV", title="Developer", extra='salary = { min = 50000, max = 60000, currency = "EUR", unit = "YEAR" }', body="Build things."
        ),
        "content/jobs/dev-fr.md": JOB.format(id="DEV-FR", title="Développeur", extra='language = "fr"\ntranslation_of = "DEV"', body="Construire."),
        "content/jobs/ops.md": JOB.format(id="OPS", title="Operator", extra="", body="Run things."),
        "content/jobs/ar.md": JOB.format(id="AR", title="مطور", extra='language = "ar"\ntranslation_of = "DEV-FR"', body="نص."),
    }
    return make_site(
        f"""\
        [site]
        title = "Careers"
        url = "https://jobs.example.com"
        languages = {languages}
        {extra_site}
        [[sources]]
        type = "local"
        """,
        {"content/offices.toml": OFFICES, **jobs},
    )


def build(root: Path) -> Path:
    build_site(load_config(root / "careers.toml"), BuildOptions(output=root / "public", env={}))
    return root / "public"


def head_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)}


def test_one_section_per_language_with_the_default_at_the_root(make_site):
    out = build(make_multilingual(make_site))
    en, fr, ar = ((out / p / "index.html").read_text(encoding="utf-8") for p in ("", "fr", "ar"))
    assert '<html lang="en" dir="ltr">' in en and '<html lang="fr" dir="ltr">' in fr and '<html lang="ar" dir="rtl">' in ar
    # Each job in the section of its own language; a job without `language` goes to the default one.
    assert "Developer" in en and "Operator" in en and "Développeur" not in en
    assert "Développeur" in fr and "Developer" not in fr
    assert (out / "fr/jobs/developpeur-dev-fr/index.html").is_file() and (out / "jobs/developer-dev/index.html").is_file()
    assert "Postuler" not in en and "1 poste ouvert" in fr  # UI strings from the French catalog
    assert head_links(en) == {
        "en": "https://jobs.example.com/",
        "fr": "https://jobs.example.com/fr/",
        "ar": "https://jobs.example.com/ar/",
        "x-default": "https://jobs.example.com/",
    }


def test_salary_and_dates_on_a_french_page(make_site):
    root = make_multilingual(make_site)
    (root / "content/jobs/dev-fr.md").write_text(
        JOB.format(
            id="DEV-FR",
            title="Développeur",
            extra='language = "fr"\ntranslation_of = "DEV"\nsalary = { min = 50000, max = 60000, currency = "EUR", unit = "YEAR" }',
            body="Construire.",
        ),
        encoding="utf-8",
    )
    html = (build(root) / "fr/jobs/developpeur-dev-fr/index.html").read_text(encoding="utf-8")
    assert "50\u202f000\u00a0€ – 60\u202f000\u00a0€ par an" in html
    assert '<time datetime="2026-10-01">1 octobre 2026</time>' in html
    assert "Hybride" in html and "Paris, France" in html


def test_the_switcher_on_a_job_page_goes_to_its_translation(make_site):
    out = build(make_multilingual(make_site))
    en = (out / "jobs/developer-dev/index.html").read_text(encoding="utf-8")
    assert switcher(en) == {"en": "/jobs/developer-dev/", "fr": "/fr/jobs/developpeur-dev-fr/", "ar": f"/ar/jobs/{_slug_of(out, 'ar')}/"}
    assert head_links(en)["fr"] == "https://jobs.example.com/fr/jobs/developpeur-dev-fr/"
    assert head_links(en)["x-default"] == "https://jobs.example.com/jobs/developer-dev/"
    fr = (out / "fr/jobs/developpeur-dev-fr/index.html").read_text(encoding="utf-8")
    assert switcher(fr)["en"] == "/jobs/developer-dev/"  # and back


def _slug_of(out: Path, language: str) -> str:
    return next(p.parent.name for p in (out / language / "jobs").glob("*/index.html"))


def test_a_job_without_translation_switches_to_the_other_home_page(make_site):
    out = build(make_multilingual(make_site))
    ops = (out / "jobs/operator-ops/index.html").read_text(encoding="utf-8")
    assert switcher(ops) == {"en": "/jobs/operator-ops/", "fr": "/fr/", "ar": "/ar/"}
    assert head_links(ops) == {}  # one version only: no alternates


def test_facet_pages_link_their_twin_in_the_other_language(make_site):
    out = build(make_multilingual(make_site))
    listing = (out / "offices/paris/index.html").read_text(encoding="utf-8")
    assert switcher(listing)["fr"] == "/fr/offices/paris/"
    assert head_links(listing)["fr"] == "https://jobs.example.com/fr/offices/paris/"


def test_default_language_prefix_puts_every_language_under_its_code(make_site):
    out = build(make_multilingual(make_site, extra_site="default_language_prefix = true"))
    assert (out / "en/index.html").is_file() and (out / "fr/index.html").is_file()
    assert 'content="0; url=https://jobs.example.com/en/"' in (out / "index.html").read_text(encoding="utf-8")


def test_translation_of_an_unknown_job_is_an_error(make_site):
    root = make_multilingual(make_site)
    (root / "content/jobs/dev-fr.md").write_text(
        JOB.format(id="DEV-FR", title="Dév", extra='language = "fr"\ntranslation_of = "DEVV"', body="x"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as caught:
        build(root)
    assert str(caught.value) == (
        "source local: content/jobs/dev-fr.md: translation_of 'DEVV' is not the id of a job; write the id of the job this one translates"
    )


def test_translation_of_a_draft_is_allowed(make_site):
    root = make_multilingual(make_site)
    (root / "content/jobs/dev.md").write_text(JOB.format(id="DEV", title="Developer", extra='status = "draft"', body="x"), encoding="utf-8")
    out = build(root)
    assert not (out / "jobs/developer-dev").exists()
    fr = (out / "fr/jobs/developpeur-dev-fr/index.html").read_text(encoding="utf-8")
    assert switcher(fr)["en"] == "/"
