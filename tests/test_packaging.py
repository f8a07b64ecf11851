"""Where themes ship from: the theme search path, site overrides, and `pip install .` shipping the default theme."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.themes import available_themes, theme_chain
from tests.helpers import REPO, build, copy_demo, job_file, tree_digest

TOML = '[site]\ntitle = "Careers"\nurl = "https://careers.example.com"\n{extra}\n[[sources]]\ntype = "local"\n'
JOB = job_file(id="J1", title="Engineer", date_posted="2026-10-05")


def test_the_default_theme_is_found(tmp_path: Path) -> None:
    (theme,) = theme_chain(tmp_path, "default")
    assert theme.name == "default" and theme.extends is None
    assert (theme.templates / "job.html").is_file() and (theme.static / "style.css").is_file()
    assert "default" in available_themes(tmp_path)


def test_a_site_theme_extends_the_default(make_site: Callable[..., Path]) -> None:
    root = make_site(
        TOML.format(extra='theme = "brand"'),
        {
            "themes/brand/theme.toml": 'name = "brand"\nextends = "default"\n',
            "themes/brand/templates/404.html": '{% extends "default/404.html" %}{% block main %}<p>Lost? Brand 404.</p>{% endblock %}',
            "themes/brand/static/style.css": "body { color: teal; }\n",
            "content/jobs/j.md": JOB,
        },
    )
    assert [t.name for t in theme_chain(root, "brand")] == ["brand", "default"]
    build(root)
    page = (root / "public/404.html").read_text(encoding="utf-8")
    assert "Lost? Brand 404." in page
    (css,) = (root / "public/assets").glob("style.*.css")
    assert css.read_text(encoding="utf-8") == "body { color: teal; }\n"  # the child theme's file wins
    assert "Engineer" in (root / "public/index.html").read_text(encoding="utf-8")  # inherited templates still work


def test_site_templates_override_theme_files_by_name(make_site: Callable[..., Path]) -> None:
    root = make_site(
        TOML.format(extra=""),
        {
            "templates/partials/job_card.html": '<li class="my-card"><a href="{{ job_url(job) }}">{{ job.title }}!</a></li>',
            "content/jobs/j.md": JOB,
        },
    )
    build(root)
    index = (root / "public/index.html").read_text(encoding="utf-8")
    assert '<li class="my-card"><a href="/jobs/engineer-j1/">Engineer!</a></li>' in index


def test_theme_errors(make_site: Callable[..., Path]) -> None:
    root = make_site(
        TOML.format(extra=""),
        {
            "themes/a/theme.toml": 'name = "a"\nextends = "b"\n',
            "themes/b/theme.toml": 'name = "b"\nextends = "a"\n',
            "themes/bad/theme.toml": "name = \n",
        },
    )
    with pytest.raises(ConfigError) as caught:
        theme_chain(root, "nope")
    assert caught.value.problems == ["site.theme: unknown theme 'nope'; available: a, b, bad, default, harbor"]
    with pytest.raises(ConfigError) as caught:
        theme_chain(root, "a")
    assert caught.value.problems == ["site.theme: theme 'a' extends itself through a -> b"]
    with pytest.raises(ConfigError) as caught:
        theme_chain(root, "bad")
    assert caught.value.problems[0].startswith(f"{root / 'themes/bad/theme.toml'}: not valid TOML: ")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_pip_install_ships_the_default_theme(tmp_path: Path) -> None:
    """A plain (not editable) `pip install .` into a fresh venv builds the demo site like the checkout does."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # pip's own configuration decides the index (no URL here); the build backend comes from it too.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-input", "--disable-pip-version-check", str(REPO)],
        capture_output=True,
        text=True,
        env=env,
        timeout=800,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    site = copy_demo(tmp_path / "site")
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import generator, generator.themes as t; print(generator.__file__); print(t.PACKAGE_THEMES); print(t.CHECKOUT_THEMES.is_dir())",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=site,
        check=True,
    )
    module, package_themes, checkout_themes = probe.stdout.splitlines()
    assert Path(module).is_relative_to(venv), module  # the installed copy, not this checkout
    assert (Path(package_themes) / "default/templates/job.html").is_file()
    assert (Path(package_themes) / "default/static/style.css").is_file()
    assert checkout_themes == "False"  # so the theme can only have come from the wheel

    careers = str(venv / "bin" / "careers")
    built = subprocess.run([careers, "build", "-q"], capture_output=True, text=True, env=env, cwd=site)
    assert built.returncode == 0, built.stderr
    checked = subprocess.run([careers, "check", "public"], capture_output=True, text=True, env=env, cwd=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # Same bytes as a build from the checkout: nothing is missing from the installed package.
    reference = copy_demo(tmp_path / "reference")
    build(reference)
    assert tree_digest(site / "public") == tree_digest(reference / "public")
