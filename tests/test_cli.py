"""The `careers` command: exit codes 0/1/2, one-line messages, init, build, check."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import generator.sources
from generator import __version__
from generator.cli import main
from generator.model import SourceData
from generator.sources import Source
from tests.helpers import copy_demo, tree_digest


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def one_error_line(result: Result) -> str:
    """Return the single stderr line of a failed command."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "demo")


def test_build_then_check_exit_0(demo: Path) -> None:
    result = run("build", "--config", demo / "careers.toml")
    assert result.exit_code == 0, result.stderr
    assert "local: 13 jobs; +13 added" in result.stderr
    assert "0 requests, 0 retries; 0 warnings;" in result.stderr  # no network, nothing to fix
    assert f"-> {demo / 'public'}" in result.stderr
    assert result.stdout == ""
    assert len(list((demo / "public/jobs").glob("*/index.html"))) == 11
    assert len(list((demo / "public/fr/jobs").glob("*/index.html"))) == 2
    checked = run("check", demo / "public")
    assert checked.exit_code == 0
    assert checked.stdout == ""
    assert checked.stderr == f"{demo / 'public'}: ok\n"


def test_build_output_option_and_quiet(demo: Path, tmp_path: Path) -> None:
    result = run("build", "--config", demo / "careers.toml", "--output", tmp_path / "out", "-q")
    assert result.exit_code == 0
    assert result.stderr == "" and result.stdout == ""
    assert (tmp_path / "out/index.html").is_file()
    assert not (demo / "public").exists()


def test_build_uses_careers_toml_in_the_current_folder(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo)
    assert run("build", "-q").exit_code == 0
    assert (demo / "public/index.html").is_file()


def test_config_error_exit_2(demo: Path) -> None:
    config = demo / "careers.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('url = "https://careers.lumenlabs.example"', 'url = "careers.lumenlabs.example"\ntitel = "x"')
    )
    result = run("build", "--config", config)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        'error: site.titel: unknown key (did you mean "title"?); '
        "site.url: 'careers.lumenlabs.example' is not an absolute http(s) URL, e.g. https://careers.example.com"
    )
    assert not (demo / "public").exists()


def test_missing_config_exit_2(tmp_path: Path) -> None:
    result = run("build", "--config", tmp_path / "careers.toml")
    assert result.exit_code == 2
    assert one_error_line(result) == f"error: {tmp_path / 'careers.toml'}: no such file (run `careers init DIR` to create one, or pass --config)"


def test_secret_in_config_exit_2_without_echoing_it(demo: Path) -> None:
    config = demo / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'token = "wk_live_123456"\n')
    result = run("build", "--config", config)
    assert result.exit_code == 2
    assert "wk_live_123456" not in result.stderr + result.stdout
    assert one_error_line(result) == (
        "error: sources[0].token: secrets are never read from careers.toml; put it in an environment variable and name that variable with token_env"
    )


def test_usage_error_exit_2() -> None:
    result = run("build", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.stderr


def test_broken_content_exit_1_and_previous_output_kept(demo: Path) -> None:
    assert run("build", "--config", demo / "careers.toml", "-q").exit_code == 0
    before = tree_digest(demo / "public")
    (demo / "content/jobs/broken.md").write_text('+++\ntitle = "Broken"\ndate_posted = 2026-10-01\noffices = ["lyonn"]\n+++\nText.\n')
    result = run("build", "--config", demo / "careers.toml")
    assert result.exit_code == 1
    assert one_error_line(result) == "error: source local: content/jobs/broken.md: office 'lyonn' is not in offices.toml (did you mean \"lyon\"?)"
    assert tree_digest(demo / "public") == before


def test_template_error_exit_1(demo: Path) -> None:
    (demo / "templates").mkdir()
    (demo / "templates/index.html").write_text("{% extends 'base.html' %}{% block main %}{{ nope() }}{% endblock %}")
    result = run("build", "--config", demo / "careers.toml")
    assert result.exit_code == 1
    assert one_error_line(result) == "error: rendering failed: UndefinedError: 'nope' is undefined"


def test_template_syntax_error_exit_1(demo: Path) -> None:
    (demo / "templates").mkdir()
    (demo / "templates/page.html").write_text("{% block main %}{% endblok %}")
    result = run("build", "--config", demo / "careers.toml")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("error: rendering failed: TemplateSyntaxError: ")


class BuggySource(Source):
    TYPE = "buggy"

    def fetch(self) -> SourceData:
        return {}["missing"]  # type: ignore[no-any-return]


def test_an_unexpected_error_is_one_line_too(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(generator.sources.SOURCES, "buggy", BuggySource)
    config = demo / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[[sources]]\ntype = "buggy"\n')
    result = run("build", "--config", config)
    assert result.exit_code == 1
    assert one_error_line(result) == "error: unexpected KeyError: 'missing' (run with -v for the traceback)"
    verbose = run("build", "--config", config, "-v")
    assert verbose.exit_code == 1
    assert "Traceback" in verbose.stderr and 'return {}["missing"]' in verbose.stderr


def test_unknown_theme_exit_2(demo: Path) -> None:
    config = demo / "careers.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[site]\n", '[site]\ntheme = "fancy"\n'))
    result = run("build", "--config", config)
    assert result.exit_code == 2
    assert one_error_line(result) == "error: site.theme: unknown theme 'fancy'; available: default, harbor"


def test_check_reports_one_line_per_problem_and_exits_1(demo: Path) -> None:
    assert run("build", "--config", demo / "careers.toml", "-q").exit_code == 0
    public = demo / "public"
    (public / "robots.txt").write_text("User-agent: *\n")
    page = public / "jobs/data-engineer-eng-104/index.html"
    page.write_text(
        page.read_text()
        .replace('"employmentType":"FULL_TIME"', '"employmentType":"Full time"')
        .replace('"datePosted":"2026-10-01"', '"datePosted":"01/10/2026"')
    )
    result = run("check", public)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "robots.txt: missing, or without an absolute `Sitemap: <site url>/sitemap.xml` line",
        "jobs/data-engineer-eng-104/index.html: datePosted '01/10/2026' is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)",
        "jobs/data-engineer-eng-104/index.html: employmentType 'Full time' is not one of FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, VOLUNTEER, PER_DIEM, OTHER",
    ]
    assert one_error_line(result) == "error: 3 problem(s) found"


def test_check_a_missing_folder(tmp_path: Path) -> None:
    result = run("check", tmp_path / "public")
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path / 'public'}: no such folder; run `careers build` first\n"


def test_init_creates_a_site_that_builds_and_checks_clean(tmp_path: Path) -> None:
    site = tmp_path / "new-site"
    result = run("init", site)
    assert result.exit_code == 0
    for name in (
        "careers.toml",
        "content/jobs/example-job.md",
        "content/offices.toml",
        "content/departments.toml",
        "content/pages/about.md",
        "templates/README.md",
        ".gitignore",
    ):
        assert (site / name).is_file(), name
    assert f"created {site / 'careers.toml'}" in result.stdout
    config = (site / "careers.toml").read_text()
    for kind in ("local", "welcomekit", "comeet", "jusrecruit"):
        assert f'type = "{kind}"' in config  # every source type is shown, commented out but the first
    built = run("build", "--config", site / "careers.toml")
    assert built.exit_code == 0, built.stderr
    assert list((site / "public/jobs").glob("*/index.html"))
    assert run("check", site / "public").exit_code == 0


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    site = tmp_path / "new-site"
    assert run("init", site).exit_code == 0
    (site / "careers.toml").write_text("# mine\n")
    result = run("init", site)
    assert result.exit_code == 1
    assert one_error_line(result) == f"error: {site / 'careers.toml'} already exists; choose an empty folder or pass --force"
    assert (site / "careers.toml").read_text() == "# mine\n"
    assert run("init", site, "--force").exit_code == 0
    assert (site / "careers.toml").read_text() != "# mine\n"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"careers, version {__version__}\n"
