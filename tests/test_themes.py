"""Theming: override one template or one block, a theme that extends another, the documented context."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from generator.build import BuildOptions, build_site
from generator.config import load_config
from generator.errors import ConfigError
from generator.model import Site
from generator.render import Renderer

REPO = Path(__file__).resolve().parent.parent
THEMING = (REPO / "README.md").read_text(encoding="utf-8").split("## Theming", 1)[1].split("\n## ", 1)[0]
JOB = """\
+++
id = "A"
title = "Backend Engineer"
date_posted = 2026-10-01
offices = ["paris"]
employment_type = "FULL_TIME"
salary = { min = 50000, max = 60000, currency = "EUR", unit = "YEAR" }
+++
Build things.

## Details

- One
"""


def make(make_site, theme: str = "default", files: dict[str, str] | None = None) -> Path:
    return make_site(
        f"""\
        [site]
        title = "Careers"
        url = "https://jobs.example.com"
        theme = "{theme}"
        [organization]
        name = "Acme"
        [[sources]]
        type = "local"
        """,
        {
            "content/offices.toml": '[[offices]]\nid = "paris"\nname = "Paris"\ncountry = "FR"\n',
            "content/jobs/a.md": JOB,
            **(files or {}),
        },
    )


def build(root: Path) -> Path:
    build_site(load_config(root / "careers.toml"), BuildOptions(output=root / "public", env={}))
    return root / "public"


def job_page(out: Path) -> str:
    return (out / "jobs/backend-engineer-a/index.html").read_text(encoding="utf-8")


def test_a_site_template_replaces_the_theme_file_of_the_same_name(make_site):
    card = '<li class="my-card"><a href="{{ job_url(job) }}">{{ job.title|upper }}</a></li>\n'
    out = build(make(make_site, files={"templates/partials/job_card.html": card}))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<li class="my-card"><a href="/jobs/backend-engineer-a/">BACKEND ENGINEER</a></li>' in index
    assert "job-card" not in index


def test_an_override_can_extend_the_file_it_replaces_and_change_one_block(make_site):
    override = '{% extends "default/job.html" %}\n{% block facts %}<p class="visa">We sponsor visas.</p>{{ super() }}{% endblock %}\n'
    html = job_page(build(make(make_site, files={"templates/job.html": override})))
    assert re.search(r'<p class="visa">We sponsor visas.</p>\s*<dl class="job-facts">', html)
    assert '<h1 dir="auto">Backend Engineer</h1>' in html  # the rest of the theme's job.html is still there


def test_the_harbor_theme_extends_the_default_and_adds_its_stylesheet(make_site):
    out = build(make(make_site, theme="harbor"))
    html = job_page(out)
    sheets = re.findall(r'<link rel="stylesheet" href="/(assets/[^"]+)">', html)
    assert [s.split(".")[0] for s in sheets] == ["assets/style", "assets/harbor"]
    assert all((out / s).is_file() for s in sheets)
    assert '<dl class="job-facts">' in html  # the default theme's job page, unchanged


def test_a_site_theme_in_the_site_folder_can_replace_a_static_file(make_site):
    root = make(
        make_site,
        theme="plain",
        files={"themes/plain/theme.toml": 'name = "plain"\nextends = "default"\n', "themes/plain/static/style.css": "body { color: red; }\n"},
    )
    out = build(root)
    sheet = re.search(r'<link rel="stylesheet" href="/(assets/style\.[0-9a-f]+\.css)">', job_page(out)).group(1)
    assert (out / sheet).read_text(encoding="utf-8") == "body { color: red; }\n"
    assert list((out / "assets").glob("filters.*.js"))  # inherited from default


def test_an_unknown_theme_is_a_config_error(make_site):
    with pytest.raises(ConfigError) as caught:
        build(make(make_site, theme="nope"))
    assert str(caught.value) == "site.theme: unknown theme 'nope'; available: default, harbor"


def test_a_theme_that_extends_itself_is_a_config_error(make_site):
    root = make(
        make_site,
        theme="a",
        files={"themes/a/theme.toml": 'name = "a"\nextends = "b"\n', "themes/b/theme.toml": 'name = "b"\nextends = "a"\n'},
    )
    with pytest.raises(ConfigError) as caught:
        build(root)
    assert str(caught.value) == "site.theme: theme 'a' extends itself through a -> b"


def test_an_unknown_asset_fails_the_build_with_its_name(make_site):
    root = make(make_site, files={"templates/page.html": "{{ asset('missing.css') }}", "content/pages/about.md": '+++\ntitle = "About"\n+++\nHi.\n'})
    with pytest.raises(Exception) as caught:
        build(root)
    assert str(caught.value) == "rendering failed: TemplateRuntimeError: asset 'missing.css' is not in the theme's static/ folder"


def test_every_context_variable_filter_and_function_is_documented(make_site, monkeypatch):
    seen: set[str] = set()
    render = jinja2.Template.render

    def recording(self, *args, **kwargs):
        seen.update(args[0] if args else kwargs)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", recording)
    root = make(make_site, files={"content/pages/about.md": '+++\ntitle = "About"\n+++\nHi.\n'})
    build(root)
    extras = {"job", "jobs", "facet", "content", "closed"}
    for name in seen - extras:
        assert f"`{name}`" in THEMING, f"context variable {name} is not in the README (Theming)"
    env = Renderer(load_config(root / "careers.toml"), Site()).env("en")
    plain = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    plain.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    for name in set(env.filters) - set(plain.filters):
        assert f"| `{name}` |" in THEMING, f"filter {name} is not in the README (Theming)"
    for name in set(env.globals) - set(plain.globals):
        assert f"`{name}(" in THEMING, f"function {name} is not in the README (Theming)"
