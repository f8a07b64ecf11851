"""Load careers.toml into typed objects, reporting every problem at once."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .normalize import safe_url


@dataclass(frozen=True)
class Option:
    """One key a config table accepts."""

    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    help: str = ""
    choices: tuple[Any, ...] = ()
    minimum: int = 0  # for numbers


# Keys every [[sources]] entry accepts, whatever its type.
COMMON_SOURCE_OPTIONS: dict[str, Option] = {
    "type": Option(str, required=True, help="the recruiting system"),
    "name": Option(str, help="a name for logs and snapshots; defaults to the type"),
    "requests_per_second": Option((int, float), help="client-side rate limit"),
    "burst": Option(int, help="requests allowed at once above the steady rate"),
    "concurrency": Option(int, help="requests in flight at once"),
    "timeout": Option((int, float), default=20.0, help="seconds to wait for a response"),
    "retries": Option(int, default=5, help="retries on network errors, 429 and 5xx"),
    "max_drop": Option((int, float), default=0.5, help="largest share of jobs that may disappear at once"),
}

SITE_OPTIONS: dict[str, Option] = {
    "title": Option(str, required=True),
    "url": Option(str, required=True),
    "languages": Option(list, default=["en"]),
    "output": Option(str, default="public"),
    "theme": Option(str, default="default"),
    "description": Option(str, default=""),
    "cache": Option(str, default=".careers-cache"),
    "closed_retention_days": Option(int, default=30),
    "default_language_prefix": Option(bool, default=False),
    "mode": Option(str, default="careers", choices=("careers", "board"), help="one company's careers site, or a job board of many"),
    "per_page": Option(int, default=100, minimum=1, help="jobs per listing page"),
}

ORGANIZATION_OPTIONS: dict[str, Option] = {
    "name": Option(str),
    "url": Option(str),
    "logo": Option(str),
    "same_as": Option(list, default=[]),
    "description": Option(str),
}

SECRET_KEYS = re.compile(r"(token|secret|api_key|apikey|password|key)$", re.IGNORECASE)
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class SourceConfig:
    """One [[sources]] entry: common keys plus the type's own options."""

    type: str
    name: str
    index: int
    options: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.options[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.options.get(key)
        return default if value is None else value


@dataclass(frozen=True)
class SiteConfig:
    """[site]"""

    title: str
    url: str  # absolute, no trailing slash
    languages: tuple[str, ...]
    output: str
    theme: str
    description: str
    cache: str
    closed_retention_days: int
    default_language_prefix: bool
    mode: str
    per_page: int

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class OrganizationConfig:
    """[organization]: overrides what sources say."""

    name: str | None = None
    url: str | None = None
    logo: str | None = None
    same_as: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Config:
    """The whole careers.toml, validated; paths are absolute."""

    root: Path
    site: SiteConfig
    organization: OrganizationConfig
    sources: tuple[SourceConfig, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def output_dir(self) -> Path:
        return (self.root / self.site.output).resolve()

    @property
    def cache_dir(self) -> Path:
        return (self.root / self.site.cache).resolve()

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


def load_config(path: Path) -> Config:
    """Read and validate careers.toml; raise ConfigError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError([f"{path}: no such file (run `careers init DIR` to create one, or pass --config)"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    return parse_config(data, path.parent.resolve())


def parse_config(data: dict[str, Any], root: Path) -> Config:
    """Validate a parsed careers.toml."""
    from .sources import SOURCES  # the registry imports config's types

    problems: list[str] = []
    check_keys(data, {"site": None, "organization": None, "sources": None}, "", problems)

    site_raw = data.get("site")
    if not isinstance(site_raw, dict):
        problems.append("site: required table [site] with at least title and url")
        site_raw = {}
    site = check_table(site_raw, SITE_OPTIONS, "site", problems)
    url = site.get("url")
    if isinstance(url, str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"site.url: {url!r} is not an absolute http(s) URL, e.g. https://careers.example.com")
        site["url"] = url.rstrip("/")
    languages = site.get("languages") or []  # an explicit empty list is reported below, not replaced
    if not all(isinstance(lang, str) and LANGUAGE.match(lang) for lang in languages):
        problems.append(f'site.languages: {languages!r} must be language codes such as "en", "fr"')
    elif len(set(languages)) != len(languages):
        problems.append("site.languages: a language is listed twice")
    if not languages:
        problems.append("site.languages: list at least one language")
    site["languages"] = tuple(languages)

    org_raw = data.get("organization", {})
    if not isinstance(org_raw, dict):
        problems.append("organization: must be a table")
        org_raw = {}
    org = check_table(org_raw, ORGANIZATION_OPTIONS, "organization", problems)
    for key in ("url", "logo"):
        value = org.get(key)
        if isinstance(value, str) and not urlsplit(value).scheme and key == "url":
            problems.append(f"organization.{key}: {value!r} is not an absolute URL")

    sources_raw = data.get("sources", [])
    if not isinstance(sources_raw, list):
        problems.append("sources: must be an array of tables, written [[sources]]")
        sources_raw = []
    sources: list[SourceConfig] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(sources_raw):
        where = f"sources[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        kind = entry.get("type")
        if not isinstance(kind, str):
            problems.append(f"{where}.type: required; one of {', '.join(sorted(SOURCES))}")
            continue
        if kind not in SOURCES:
            problems.append(f"{where}.type: unknown source {kind!r}{hint(kind, SOURCES)}; available: {', '.join(sorted(SOURCES))}")
            continue
        options = {**COMMON_SOURCE_OPTIONS, **SOURCES[kind].OPTIONS}
        for key in entry:
            if SECRET_KEYS.search(key) and key not in options:
                problems.append(
                    f"{where}.{key}: secrets are never read from careers.toml; put it in an environment "
                    f"variable and name that variable with token_env"
                )
        values = check_table(
            {k: v for k, v in entry.items() if not (SECRET_KEYS.search(k) and k not in options)},
            options,
            where,
            problems,
        )
        name = values.get("name") or kind
        if name in names:
            if values.get("name"):
                problems.append(f"{where}.name: {name!r} is already used by sources[{names[name]}]")
            name = f"{kind}-{index + 1}"
        names[name] = index
        values["name"] = name
        sources.append(SourceConfig(type=kind, name=name, index=index, options=values))
        api_url = values.get("api_url")
        if isinstance(api_url, str) and not safe_url(api_url):
            default = options["api_url"].default if "api_url" in options else None
            example = f"; the default is {default}" if default else ""
            problems.append(f"{where}.api_url: {api_url!r} is not an absolute http(s) URL{example}")
        for message in SOURCES[kind].validate(values):
            problems.append(f"{where}.{message}")

    if problems:
        raise ConfigError(problems)
    return Config(
        root=root,
        site=SiteConfig(**{k: site[k] for k in SITE_OPTIONS}),
        organization=OrganizationConfig(
            name=org.get("name"),
            url=org.get("url"),
            logo=org.get("logo"),
            same_as=tuple(org.get("same_as") or ()),
            description=org.get("description"),
        ),
        sources=tuple(sources),
        raw=data,
    )


def check_keys(table: dict[str, Any], allowed: dict[str, Any], where: str, problems: list[str]) -> None:
    """Report keys of `table` that are not in `allowed`, with a did-you-mean hint."""
    for key in table:
        if key not in allowed:
            path = f"{where}.{key}" if where else key
            problems.append(f"{path}: unknown key{hint(key, allowed)}")


def check_table(table: dict[str, Any], options: dict[str, Option], where: str, problems: list[str]) -> dict[str, Any]:
    """Validate one table against its options; return values with defaults filled in."""
    check_keys(table, options, where, problems)
    values: dict[str, Any] = {}
    for key, option in options.items():
        if key not in table:
            if option.required:
                problems.append(f"{where}.{key}: required{' (' + option.help + ')' if option.help else ''}")
            values[key] = list(option.default) if isinstance(option.default, list) else option.default
            continue
        value = table[key]
        kinds = option.kind if isinstance(option.kind, tuple) else (option.kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(describe(k) for k in kinds)
            problems.append(f"{where}.{key}: expected {names}, got {describe(type(value))} {value!r}")
            values[key] = option.default
            continue
        if option.choices and value not in option.choices:
            problems.append(f"{where}.{key}: {value!r} is not one of {', '.join(map(repr, option.choices))}")
        if isinstance(value, str) and not value.strip() and option.required:
            problems.append(f"{where}.{key}: must not be empty")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < option.minimum:
            problems.append(f"{where}.{key}: must not be negative" if option.minimum == 0 else f"{where}.{key}: must be at least {option.minimum}")
        values[key] = value
    return values


def describe(kind: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list", dict: "a table"}.get(kind, kind.__name__)


def hint(word: str, candidates: Any) -> str:
    """Return ' (did you mean "x"?)' when a candidate is close to `word`."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
