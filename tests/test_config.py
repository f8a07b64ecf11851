"""careers.toml: defaults, and every problem reported at once with its key path."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest

import generator.sources
from generator.config import ConfigError, load_config, parse_config
from generator.sources.local import LocalSource

SITE = """
[site]
title = "Careers at Example"
url = "https://careers.example.com"
"""


def problems_of(toml: str, tmp_path: Path) -> list[str]:
    """Return the problems parse_config reports for `toml` (it must report some)."""
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(textwrap.dedent(toml)), tmp_path)
    return caught.value.problems


def test_minimal_config_gets_the_documented_defaults(tmp_path: Path) -> None:
    config = parse_config(tomllib.loads(SITE + '[[sources]]\ntype = "local"\n'), tmp_path)
    assert config.site.title == "Careers at Example"
    assert config.site.url == "https://careers.example.com"
    assert config.site.languages == ("en",)
    assert config.site.default_language == "en"
    assert config.site.output == "public"
    assert config.site.theme == "default"
    assert config.site.cache == ".careers-cache"
    assert config.site.closed_retention_days == 30
    assert config.site.default_language_prefix is False
    assert config.output_dir == (tmp_path / "public").resolve()
    assert config.organization.name is None and config.organization.same_as == ()
    (source,) = config.sources
    assert (source.type, source.name, source.index) == ("local", "local", 0)
    assert source["path"] == "content/jobs"
    assert source["timeout"] == 20.0 and source["retries"] == 5 and source["max_drop"] == 0.5


def test_url_loses_its_trailing_slash_and_languages_keep_their_order(tmp_path: Path) -> None:
    config = parse_config(
        tomllib.loads('[site]\ntitle = "T"\nurl = "https://example.com/careers/"\nlanguages = ["fr", "en", "pt-BR"]\n'),
        tmp_path,
    )
    assert config.site.url == "https://example.com/careers"
    assert config.site.languages == ("fr", "en", "pt-BR")
    assert config.site.default_language == "fr"


def test_organization_table_is_read(tmp_path: Path) -> None:
    config = parse_config(
        tomllib.loads(
            SITE
            + '[organization]\nname = "Example"\nurl = "https://example.com"\nlogo = "content/logo.png"\nsame_as = ["https://x.example/e"]\ndescription = "We make things."\n'
        ),
        tmp_path,
    )
    org = config.organization
    assert (org.name, org.url, org.logo, org.same_as, org.description) == (
        "Example",
        "https://example.com",
        "content/logo.png",
        ("https://x.example/e",),
        "We make things.",
    )


def test_missing_site_table(tmp_path: Path) -> None:
    assert problems_of('[[sources]]\ntype = "local"\n', tmp_path) == [
        "site: required table [site] with at least title and url",
        "site.title: required",
        "site.url: required",
    ]


def test_missing_title_and_url(tmp_path: Path) -> None:
    assert problems_of('[site]\nlanguages = ["en"]\n', tmp_path) == ["site.title: required", "site.url: required"]


def test_empty_title(tmp_path: Path) -> None:
    assert problems_of('[site]\ntitle = "  "\nurl = "https://example.com"\n', tmp_path) == ["site.title: must not be empty"]


@pytest.mark.parametrize("url", ["careers.example.com", "/careers", "ftp://example.com", "https://"])
def test_relative_or_non_http_url(url: str, tmp_path: Path) -> None:
    assert problems_of(f'[site]\ntitle = "T"\nurl = "{url}"\n', tmp_path) == [
        f"site.url: {url!r} is not an absolute http(s) URL, e.g. https://careers.example.com"
    ]


@pytest.mark.parametrize("languages", [["english"], ["en", "FR"], ["en_GB"], [""]])
def test_bad_language_codes(languages: list[str], tmp_path: Path) -> None:
    toml = SITE + "languages = [" + ", ".join(f'"{code}"' for code in languages) + "]\n"
    assert problems_of(toml, tmp_path) == [f'site.languages: {languages!r} must be language codes such as "en", "fr"']


def test_language_listed_twice(tmp_path: Path) -> None:
    assert problems_of(SITE + 'languages = ["en", "fr", "en"]\n', tmp_path) == ["site.languages: a language is listed twice"]


def test_empty_language_list(tmp_path: Path) -> None:
    assert problems_of(SITE + "languages = []\n", tmp_path) == ["site.languages: list at least one language"]


def test_unknown_keys_get_a_did_you_mean_hint(tmp_path: Path) -> None:
    toml = """
    source = []
    [site]
    titel = "T"
    url = "https://example.com"
    colour = "blue"
    [organization]
    sameAs = ["https://x.example"]
    [[sources]]
    type = "local"
    pth = "jobs"
    """
    assert problems_of(toml, tmp_path) == [
        'source: unknown key (did you mean "sources"?)',
        'site.titel: unknown key (did you mean "title"?)',
        "site.colour: unknown key",
        "site.title: required",
        'organization.sameAs: unknown key (did you mean "same_as"?)',
        'sources[0].pth: unknown key (did you mean "path"?)',
    ]


class FakeWelcomeKit(LocalSource):
    TYPE = "welcomekit"


def test_unknown_source_type_lists_the_available_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A fixed registry, so the message does not depend on which source modules exist yet.
    monkeypatch.setattr(generator.sources, "SOURCES", {"local": LocalSource, "welcomekit": FakeWelcomeKit})
    toml = SITE + '[[sources]]\ntype = "welcomkit"\n[[sources]]\ntype = "greenhouse"\n[[sources]]\npath = "jobs"\n'
    assert problems_of(toml, tmp_path) == [
        "sources[0].type: unknown source 'welcomkit' (did you mean \"welcomekit\"?); available: local, welcomekit",
        "sources[1].type: unknown source 'greenhouse'; available: local, welcomekit",
        "sources[2].type: required; one of local, welcomekit",
    ]


@pytest.mark.parametrize("key", ["token", "api_key", "apikey", "password", "secret", "client_secret", "access_token"])
def test_secrets_are_refused_in_the_file(key: str, tmp_path: Path) -> None:
    problems = problems_of(SITE + f'[[sources]]\ntype = "local"\n{key} = "s3cr3t-value"\n', tmp_path)
    assert problems == [
        f"sources[0].{key}: secrets are never read from careers.toml; put it in an environment variable and name that variable with token_env"
    ]
    assert "s3cr3t-value" not in str(ConfigError(problems))


def test_wrong_types(tmp_path: Path) -> None:
    toml = """
    [site]
    title = 5
    url = "https://example.com"
    languages = "en"
    default_language_prefix = "yes"
    closed_retention_days = 1.5
    [organization]
    same_as = "https://x.example"
    [[sources]]
    type = "local"
    path = ["jobs"]
    retries = true
    timeout = "20"
    """
    assert problems_of(toml, tmp_path) == [
        "site.title: expected a string, got an integer 5",
        "site.languages: expected a list, got a string 'en'",
        "site.closed_retention_days: expected an integer, got a number 1.5",
        "site.default_language_prefix: expected true or false, got a string 'yes'",
        "organization.same_as: expected a list, got a string 'https://x.example'",
        "sources[0].timeout: expected an integer or a number, got a string '20'",
        "sources[0].retries: expected an integer, got true or false True",
        "sources[0].path: expected a string, got a list ['jobs']",
    ]


def test_negative_numbers(tmp_path: Path) -> None:
    toml = SITE + 'closed_retention_days = -1\n[[sources]]\ntype = "local"\nretries = -2\n'
    assert problems_of(toml, tmp_path) == [
        "site.closed_retention_days: must not be negative",
        "sources[0].retries: must not be negative",
    ]


def test_mode_and_per_page(tmp_path: Path) -> None:
    toml = SITE + 'mode = "portal"\nper_page = 0\n[[sources]]\ntype = "local"\n'
    assert problems_of(toml, tmp_path) == [
        "site.mode: 'portal' is not one of 'careers', 'board'",
        "site.per_page: must be at least 1",
    ]


def test_duplicate_source_names(tmp_path: Path) -> None:
    toml = SITE + '[[sources]]\ntype = "local"\nname = "jobs"\n[[sources]]\ntype = "local"\nname = "jobs"\npath = "more"\n'
    assert problems_of(toml, tmp_path) == ["sources[1].name: 'jobs' is already used by sources[0]"]


def test_two_unnamed_sources_of_one_type_get_distinct_names(tmp_path: Path) -> None:
    config = parse_config(tomllib.loads(SITE + '[[sources]]\ntype = "local"\n[[sources]]\ntype = "local"\npath = "more"\n'), tmp_path)
    assert [s.name for s in config.sources] == ["local", "local-2"]


def test_tables_of_the_wrong_shape(tmp_path: Path) -> None:
    assert problems_of('organization = "Example"\n' + SITE + '[sources]\ntype = "local"\n', tmp_path) == [
        "organization: must be a table",
        "sources: must be an array of tables, written [[sources]]",
    ]
    assert problems_of('sources = ["local"]\n' + SITE, tmp_path) == ["sources[0]: must be a table"]


def test_organization_url_must_be_absolute(tmp_path: Path) -> None:
    assert problems_of(SITE + '[organization]\nurl = "example.com"\n', tmp_path) == ["organization.url: 'example.com' is not an absolute URL"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    toml = """
    [site]
    url = "careers.example.com"
    languages = ["en", "en"]
    thme = "dark"
    [[sources]]
    type = "local"
    token = "abc"
    [[sources]]
    type = "nope"
    """
    problems = problems_of(toml, tmp_path)
    assert problems == [
        'site.thme: unknown key (did you mean "theme"?)',
        "site.title: required",
        "site.url: 'careers.example.com' is not an absolute http(s) URL, e.g. https://careers.example.com",
        "site.languages: a language is listed twice",
        "sources[0].token: secrets are never read from careers.toml; put it in an environment variable and name that variable with token_env",
        f"sources[1].type: unknown source 'nope'; available: {', '.join(sorted(generator.sources.SOURCES))}",
    ]
    # The CLI prints the error as one line.
    assert "\n" not in str(ConfigError(problems))
    assert str(ConfigError(problems)) == "; ".join(problems)


def test_load_config_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "careers.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [f"{path}: no such file (run `careers init DIR` to create one, or pass --config)"]
    assert caught.value.exit_code == 2


def test_load_config_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "careers.toml"
    path.write_text('[site]\ntitle = "unterminated\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}: not valid TOML: ")
    assert "line 2" in problem


def test_load_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "careers.toml"
    path.write_bytes('[site]\ntitle = "Société"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [f"{path}: not UTF-8 text"]


def test_load_config_resolves_the_site_root(tmp_path: Path) -> None:
    path = tmp_path / "careers.toml"
    path.write_text(SITE + 'output = "out"\n', encoding="utf-8")
    config = load_config(path)
    assert config.root == tmp_path.resolve()
    assert config.output_dir == tmp_path.resolve() / "out"
    assert config.content_dir == tmp_path.resolve() / "content"
    assert config.templates_dir == tmp_path.resolve() / "templates"


def test_the_demo_config_is_valid() -> None:
    config = load_config(Path(__file__).resolve().parent.parent / "careers.toml")
    assert config.site.languages == ("en", "fr")
    assert [s.type for s in config.sources] == ["local"]
