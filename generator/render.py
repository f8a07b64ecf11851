"""Render the site model into pages (path -> bytes) with the theme's Jinja templates.

Nothing here touches the output folder: `render_site` returns data for write.py.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import jinja2

from . import code_digest, feeds, i18n, jsonld, lifecycle
from .config import Config
from .fragments import Entry, Part, Spooler, joined
from .i18n import N_
from .model import EMPLOYMENT_TYPES, ClosedJob, ContentPage, Image, Job, Office, Organization, Remote, Site, fingerprint, slugify, to_jsonable
from .normalize import instant, plain_text, rfc3339
from .themes import Theme, theme_chain
from .write import UNCHANGED, Content, Unchanged

T = TypeVar("T")
Page = Callable[[], str] | Unchanged  # a page to render, or UNCHANGED: the last build's file is still right
REMOTE_ORDER = [Remote.FULL, Remote.HYBRID, Remote.OCCASIONAL, Remote.NO]


@dataclass
class Facet:
    """One facet value with its jobs: a department, office, remote level, contract or tag."""

    kind: str  # department | office | remote | contract | tag
    value: str  # the value in URLs and data attributes
    label: str
    jobs: list[Job] = field(default_factory=list)
    path: str = ""


@dataclass
class Section:
    """One language's part of the site."""

    language: str
    prefix: str  # "" for the root, "/fr" otherwise
    jobs: list[Job]
    closed: list[ClosedJob]
    pages: list[ContentPage]
    facets: dict[str, list[Facet]]


class Renderer:
    """Holds the theme, assets and URL helpers for one build."""

    def __init__(self, config: Config, site: Site):
        self.config = config
        self.site = site
        self.base_path = urlsplit(config.site.url).path.rstrip("/")
        self.chain: list[Theme] = theme_chain(config.root, config.site.theme)
        self.assets, self.asset_files = self._collect_assets()
        self.board = config.site.mode == "board"
        self.sections = self._sections()
        self.facet_values = {(lang, kind): {f.value for f in facets} for lang, sec in self.sections.items() for kind, facets in sec.facets.items()}
        self.job_paths: dict[str, str] = {}
        # (source, translation_key) -> language -> job: what the language switcher links to.
        self.translations: dict[tuple[str, str], dict[str, Job]] = defaultdict(dict)
        for section in self.sections.values():
            for job in section.jobs:
                self.job_paths[job.key] = f"{section.prefix}/jobs/{job.slug}/"
                if job.translation_key:
                    self.translations[(job.source, job.translation_key)].setdefault(section.language, job)
        self._envs: dict[str, jinja2.Environment] = {}
        self._cards: dict[str, jinja2.utils.markupsafe.Markup] = {}  # job key -> card, in _cards_language
        self._cards_language = ""
        self.cache = RenderCache()
        self.fingerprint = self._fingerprint()
        # Each language's name in that language, for the switcher.
        self.language_names = {lang: (i18n.locale(lang).get_display_name(lang) or lang).capitalize() for lang in self.config.site.languages}
        self.per_page = max(1, config.site.per_page)
        self.companies_by_slug = {c.slug: c for c in site.companies}
        # Every listing shows every facet with its count: one digest stands for all of them.
        self.facets_key = _key(
            [
                (lang, [(f.kind, f.value, f.label, f.path, len(f.jobs)) for fs in sec.facets.values() for f in fs])
                for lang, sec in self.sections.items()
            ]
        )

    # -- URLs -------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Return the root-relative URL of a site path ("/jobs/x/" -> "/base/jobs/x/")."""
        return f"{self.base_path}/{path.lstrip('/')}"

    def absolute(self, path: str) -> str:
        return f"{self.config.site.url}/{path.lstrip('/')}"

    def asset(self, name: str) -> str:
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"asset {name!r} is not in the theme's static/ folder")
        return self.url(self.assets[name])

    def job_url(self, job: Job) -> str:
        return self.url(self.job_paths[job.key])

    @functools.cached_property
    def job_tokens(self) -> dict[str, str]:
        """What a listing's key takes from each of its jobs, made once: a job is in several listings."""
        return {j.key: f"{j.key}\0{fingerprint(j)}\0{self.job_paths[j.key]}" for s in self.sections.values() for j in s.jobs}

    @functools.cached_property
    def feed_entries(self) -> list[feeds.FeedJob]:
        """Every open job as the feeds list it (newest first), made once for all of them."""
        return feeds.feed_jobs(self)

    def card(self, job: Job, language: str) -> jinja2.utils.markupsafe.Markup:
        """Return a job's card (partials/job_card.html), rendered once per language for every list it is in.

        Only the current language's cards are kept (50,000 cards are ~60 MB): pages are rendered
        one language after the other.
        """
        if language != self._cards_language:
            self._cards, self._cards_language = {}, language
        html = self._cards.get(job.key)
        if html is None:
            context = {
                "job": job,
                "company": self.site.company_of(job) if job.company else None,
                "remote_labels": REMOTE_LABELS,
                "employment_labels": EMPLOYMENT_LABELS,
                "unit_labels": UNIT_LABELS,
                "Remote": Remote,
            }
            html = jinja2.utils.markupsafe.Markup(self.env(language).get_template("partials/job_card.html").render(context))
            self._cards[job.key] = html
        return html

    def srcset(self, image: Image, fmt: str | None = None) -> str:
        """Return the srcset of an image's resized copies in one format ("webp"; default: the original's)."""
        fmt = fmt or (image.path or image.url).rpartition(".")[2]
        return ", ".join(f"{self.url(path)} {width}w" for width, path in image.variants if path.endswith(f".{fmt}"))

    def counterparts(self, name: str, extra: dict[str, Any]) -> dict[str, str]:
        """Return, per language, the path of this page's version in that language's section (when it has one)."""
        found = {}
        for other in self.sections.values():
            if name == "index.html":
                found[other.language] = f"{other.prefix}/"
            elif name == "page.html" and any(pg.slug == extra["content"].slug for pg in other.pages):
                found[other.language] = f"{other.prefix}/{extra['content'].slug}/"
            elif name in ("listing.html", "company.html"):
                facet = extra["facet"]
                if facet.value in self.facet_values[(other.language, facet.kind)]:
                    found[other.language] = f"{other.prefix}/{FACET_PATHS[facet.kind]}/{facet.value}/"
            elif name == "companies.html" and other.facets.get("company"):
                found[other.language] = f"{other.prefix}/{FACET_PATHS['company']}/"
            elif name == "job.html":
                job = extra["job"]
                twin = self.translations.get((job.source, job.translation_key or ""), {}).get(other.language)
                if other.language == self._section_of(job.language):
                    found[other.language] = self.job_paths[job.key]
                elif twin is not None:
                    found[other.language] = self.job_paths[twin.key]
        return found

    # -- model views ------------------------------------------------------------------------

    def _section_of(self, language: str | None) -> str:
        languages = self.config.site.languages
        if language in languages:
            return language  # type: ignore[return-value]
        if language:
            base = language.split("-")[0]
            for candidate in languages:
                if candidate.split("-")[0] == base:
                    return candidate
        return languages[0]

    def _sections(self) -> dict[str, Section]:
        site_config = self.config.site
        sections = {}
        for index, language in enumerate(site_config.languages):
            prefix = "" if index == 0 and not site_config.default_language_prefix else f"/{language}"
            jobs = sorted(
                (j for j in self.site.jobs if self._section_of(j.language) == language),
                key=lambda j: (j.department.name.lower() if j.department else "\uffff", j.title.lower(), j.key),
            )
            closed = [c for c in self.site.closed if self._section_of(c.language) == language]
            # A page written for this language (about.fr.md) replaces the page for every language (about.md).
            own = {
                id(p)
                for p in self.site.pages
                if p.language == language or p.language and p.language not in site_config.languages and self._section_of(p.language) == language
            }
            own_slugs = {p.slug for p in self.site.pages if id(p) in own}
            pages = [p for p in self.site.pages if id(p) in own or p.language is None and p.slug not in own_slugs]
            sections[language] = Section(language, prefix, jobs, closed, pages, self._facets(jobs, prefix, language))
        return sections

    def _facets(self, jobs: list[Job], prefix: str, language: str) -> dict[str, list[Facet]]:
        tr = i18n.translations(language)
        groups: dict[str, dict[str, Facet]] = defaultdict(dict)

        def add(kind: str, value: str, label: str, job: Job) -> None:
            facet = groups[kind].setdefault(value, Facet(kind, value, label, path=f"{prefix}/{FACET_PATHS[kind]}/{value}/"))
            facet.jobs.append(job)

        for job in jobs:
            if job.company is not None:
                company = self.site.company_of(job)
                add("company", company.slug, company.name, job)
            if job.department:
                add("department", job.department.slug, job.department.name, job)
            for office in job.offices:
                add("office", office.slug, office.name, job)
            add("remote", job.remote.value, tr.gettext(REMOTE_LABELS[job.remote]), job)
            for kind in job.employment_types:
                add("contract", kind.lower().replace("_", "-"), tr.gettext(EMPLOYMENT_LABELS[kind]), job)
            for tag in job.tags:
                if slugify(tag):
                    add("tag", slugify(tag), tag, job)
        ordered: dict[str, list[Facet]] = {}
        for kind in FACET_PATHS:
            values = list(groups.get(kind, {}).values())
            if kind == "remote":
                values.sort(key=lambda f: [r.value for r in REMOTE_ORDER].index(f.value))
            elif kind == "contract":
                values.sort(key=lambda f: EMPLOYMENT_TYPES.index(f.value.upper().replace("-", "_")))
            else:
                values.sort(key=lambda f: (f.label.lower(), f.value))
            ordered[kind] = values
        return ordered

    def _fingerprint(self) -> str:
        """Hash everything every page depends on besides its own data: code, templates, catalogs, site."""
        digest = hashlib.sha256(code_digest().encode())
        folders = [self.config.templates_dir, *(t.templates for t in self.chain), i18n.LOCALES]
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
        common = {
            "config": repr(self.config.site),
            "organization": to_jsonable(self.site.organization),
            "open_application_url": self.site.open_application_url,
            "assets": self.assets,
            "sections": [(s.language, s.prefix, [to_jsonable(p) for p in s.pages]) for s in self.sections.values()],
        }
        digest.update(json.dumps(common, sort_keys=True, default=str).encode())
        return digest.hexdigest()

    def site_key(self) -> str:
        """Return the input key of the whole site: equal keys render byte-identical sites."""
        return self.site_key_of(self.site_lines)

    @functools.cached_property  # the site key, and the record a quick rebuild starts from (quick.remember)
    def site_lines(self) -> list[str]:
        """Return what the site key is made of: the renderer's fingerprint, then one line per job (sorted), then the rest."""
        site = self.site
        # Lines of text rather than one JSON document: at 10,000 jobs this is part of every rebuild.
        return [
            self.fingerprint,
            *sorted(self.site_line(j) for j in site.jobs),
            *sorted(f"company {fingerprint(c)}" for c in site.companies),
            json.dumps(to_jsonable(site.closed), sort_keys=True),
            *(f"moved {old}\0{job.key}" for old, job in site.moved),
            *sorted(f"media {path}" for path in site.media),
            *sorted(f"card {key}\0{i.url}\0{i.alt}\0{i.path}\0{i.width}\0{i.height}\0{i.variants}" for key, i in site.og_images.items()),
        ]

    @staticmethod
    def site_line(job: Job) -> str:
        return f"job {job.key}\0{fingerprint(job)}"

    @staticmethod
    def site_key_of(lines: list[str]) -> str:
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def job_page_key(self, job: Job, section: Section) -> str:
        """Return the input key of a job page: a job page shows its job, never other jobs."""
        links = self.counterparts("job.html", {"job": job})  # the language switcher's targets
        og_image = self.site.og_images.get(job.key)
        company = fingerprint(self.site.company_of(job)) if job.company else ""
        og = (og_image.path, og_image.alt, og_image.width, og_image.height) if og_image else None
        data = "\0".join([self.fingerprint, section.language, fingerprint(job), company, repr(sorted(links.items())), repr(og)])
        return hashlib.sha256(data.encode()).hexdigest()

    # -- Jinja ------------------------------------------------------------------------------

    def _loader(self) -> jinja2.BaseLoader:
        loaders: list[jinja2.BaseLoader] = []
        if self.config.templates_dir.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(self.config.templates_dir)))
        loaders.extend(jinja2.FileSystemLoader(str(t.templates)) for t in self.chain)
        # "default/job.html" always means the default theme's own file, so an override can extend it.
        prefixed = {t.name: jinja2.FileSystemLoader(str(t.templates)) for t in self.chain}
        return jinja2.ChoiceLoader([*loaders, jinja2.PrefixLoader(prefixed, delimiter="/")])

    def _bytecode_cache(self) -> jinja2.BytecodeCache | None:
        """Keep compiled templates between builds (Jinja checks each template's source before reuse)."""
        folder = self.config.cache_dir / "templates"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return jinja2.FileSystemBytecodeCache(str(folder))

    def env(self, language: str) -> jinja2.Environment:
        if language in self._envs:
            return self._envs[language]
        env = jinja2.Environment(
            loader=self._loader(),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=self._bytecode_cache(),
            auto_reload=False,  # templates do not change during a build: no stat per page
        )
        env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
        env.filters.update(
            date=lambda v: i18n.format_date(v, language),
            salary=lambda s: i18n.format_salary(s, language),
            number=lambda n: i18n.format_number(n, language),
            plain=plain_text,
            jsonld=lambda data: jinja2.utils.markupsafe.Markup(jsonld.script_json(data)),
            slug=slugify,
            country=lambda code: i18n.country_name(code, language),
            srcset=self.srcset,
        )
        env.globals.update(url=self.url, absolute=self.absolute, asset=self.asset, job_url=self.job_url, card=lambda job: self.card(job, language))
        self._envs[language] = env
        return env

    # -- assets -----------------------------------------------------------------------------

    def _collect_assets(self) -> tuple[dict[str, str], dict[str, bytes]]:
        """Fingerprint the theme chain's static files (a child theme's file wins)."""
        files: dict[str, Path] = {}
        for theme in reversed(self.chain):
            if theme.static.is_dir():
                for path in sorted(theme.static.rglob("*")):
                    if path.is_file():
                        files[path.relative_to(theme.static).as_posix()] = path
        site_static = self.config.root / "static"
        if site_static.is_dir():
            for path in sorted(site_static.rglob("*")):
                if path.is_file():
                    files[path.relative_to(site_static).as_posix()] = path
        names: dict[str, str] = {}
        output: dict[str, bytes] = {}
        for name, path in sorted(files.items()):
            content = path.read_bytes()
            digest = hashlib.sha256(content).hexdigest()[:10]
            stem, dot, ext = name.rpartition(".")
            fingerprinted = f"assets/{stem}.{digest}.{ext}" if dot else f"assets/{name}.{digest}"
            names[name] = fingerprinted
            output[fingerprinted] = content
        return names, output


# Facet kinds in the order pages show them; "company" has values on job boards only.
FACET_PATHS = {"company": "companies", "department": "departments", "office": "offices", "remote": "remote", "contract": "contract", "tag": "tags"}
# Labels are msgids (N_ marks them for `pybabel extract`); the catalogs translate them.
REMOTE_LABELS = {Remote.NO: N_("On site"), Remote.OCCASIONAL: N_("Occasional remote"), Remote.HYBRID: N_("Hybrid"), Remote.FULL: N_("Fully remote")}
EMPLOYMENT_LABELS = {
    "FULL_TIME": N_("Full-time"),
    "PART_TIME": N_("Part-time"),
    "CONTRACTOR": N_("Contractor"),
    "TEMPORARY": N_("Temporary"),
    "INTERN": N_("Internship"),
    "VOLUNTEER": N_("Volunteer"),
    "PER_DIEM": N_("Per diem"),
    "OTHER": N_("Other"),
}
UNIT_LABELS = {"HOUR": N_("per hour"), "DAY": N_("per day"), "WEEK": N_("per week"), "MONTH": N_("per month"), "YEAR": N_("per year")}
EDUCATION_LABELS = {
    "high school": N_("High school"),
    "associate degree": N_("Associate degree"),
    "bachelor degree": N_("Bachelor's degree"),
    "professional certificate": N_("Professional certificate"),
    "postgraduate degree": N_("Postgraduate degree"),
}
# Organization.figures keys (model.FIGURE_KEYS) -> their labels on a company's page.
FIGURE_LABELS = {
    "employees": N_("Employees"),
    "founded": N_("Founded"),
    "average_age": N_("Average age"),
    "parity_women": N_("Women"),
    "parity_men": N_("Men"),
    "turnover": N_("Staff turnover"),
    "revenue": N_("Revenue"),
}
FACET_TITLES = {
    "company": N_("Company"),
    "department": N_("Team"),
    "office": N_("Office"),
    "remote": N_("Remote work"),
    "contract": N_("Contract"),
    "tag": N_("Tag"),
}


@dataclass
class RenderCache:
    """Reuse job pages whose inputs (job, organization, site, templates) did not change."""

    previous: dict[str, str] = field(default_factory=dict)  # path -> input key, from the last build
    exists: Callable[[str], bool] = lambda path: False  # whether the last build's file for a path is still there
    keys: dict[str, str] = field(default_factory=dict)  # this build's keys
    reused: int = 0
    rendered: int = 0


def render_site(config: Config, site: Site, cache: RenderCache | None = None, renderer: Renderer | None = None) -> dict[str, Content]:
    """Return every file of the site, keyed by its path in the output folder."""
    pages: dict[str, Content] = {}
    for path, content in render_files(config, site, cache, renderer):
        if path in pages:
            raise ValueError(f"two pages want to be written to {path}")
        pages[path] = content.read_bytes() if isinstance(content, Path) else content
    return dict(sorted(pages.items()))


def render_files(
    config: Config, site: Site, cache: RenderCache | None = None, renderer: Renderer | None = None, with_page_tasks: bool = True
) -> Iterator[tuple[str, Content]]:
    """Yield every file of the site as (path in the output folder, content), one at a time.

    `with_page_tasks=False` leaves out the listings, company and job pages: a build takes them
    from `page_tasks` (with the same renderer and cache) and renders them on every core.
    """
    renderer = renderer or Renderer(config, site)
    renderer.cache = cache or RenderCache()
    yield from renderer.asset_files.items()

    def encoded(path: str, content: str | Content) -> tuple[str, Content]:
        return path, content.encode("utf-8") if isinstance(content, str) else content

    if with_page_tasks:
        for path, page, _ in page_tasks(renderer):
            yield encoded(path, page if isinstance(page, Unchanged) else page())
    for section in renderer.sections.values():
        for path, html in other_pages(renderer, section):
            yield encoded(path, html)
    default = renderer.sections[config.site.default_language]
    if default.prefix:
        # site.default_language_prefix: every language has its prefix, so "/" sends visitors to the default one.
        yield encoded("index.html", redirect_page(renderer.absolute(f"{default.prefix}/"), config.site.title))
    yield encoded("404.html", render_template(renderer, default, "404.html", "/404.html", title=None, noindex=True))
    # Feeds are written to files kept in the cache, piece by piece (a 50,000-job feed never sits in
    # memory whole), copying the unchanged entries from the last build's.
    spooler = Spooler(config.cache_dir / "files", renderer.fingerprint)
    for name, parts in site_file_parts(renderer):
        yield name, spooler.write(name, parts)
    closed_paths = [renderer.url(f"{s.prefix}/jobs/{c.slug}/") for s in renderer.sections.values() for c in s.closed]
    moved_paths = []
    for old_slug, job in site.moved:
        section = renderer.sections[renderer._section_of(job.language)]
        old_path = f"{section.prefix}/jobs/{old_slug}/"
        target = renderer.job_url(job)
        moved_paths.append((renderer.url(old_path), target))
        yield encoded(old_path.lstrip("/") + "index.html", redirect_page(renderer.absolute(renderer.job_paths[job.key]), job.title))
    for path, content in lifecycle.host_rules(closed_paths, moved_paths).items():
        yield encoded(path, content)


def site_file_parts(renderer: Renderer) -> Iterator[tuple[str, Iterable[Part]]]:
    """Yield each file about the whole site as parts: text, and one entry per job in the feeds."""
    yield from ((name, [text]) for name, text in sitemap_files(renderer, sitemap(renderer)).items())
    yield "robots.txt", [f"User-agent: *\nAllow: /\n\nSitemap: {renderer.absolute('sitemap.xml')}\n"]
    yield "feed.xml", atom_parts(renderer)
    yield from jobs_json_parts(renderer)
    yield "feed.json", feeds.json_feed_parts(renderer)
    yield "indeed.xml", feeds.indeed_parts(renderer)


def job_urls(config: Config, site: Site, pages: Iterable[tuple[str, str, str | None]] = (), renderer: Renderer | None = None) -> dict[str, str]:
    """Return the absolute URL of every open job by key, plus the URL of each extra (key, slug, language) page."""
    renderer = renderer or Renderer(config, site)
    urls = {key: renderer.absolute(path) for key, path in renderer.job_paths.items()}
    for key, slug, language in pages:
        urls.setdefault(key, renderer.absolute(f"{renderer.sections[renderer._section_of(language)].prefix}/jobs/{slug}/"))
    return urls


def redirect_page(target: str, title: str) -> str:
    """A tiny page for hosts without redirect rules: the old URL of a renamed job."""
    t = xml_escape(target, {'"': "&quot;"})
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{xml_escape(title)}</title>\n'
        f'<meta name="robots" content="noindex">\n<link rel="canonical" href="{t}">\n'
        f'<meta http-equiv="refresh" content="0; url={t}">\n</head>\n<body>\n<p><a href="{t}">{xml_escape(title)}</a></p>\n</body>\n</html>\n'
    )


def paginate(items: list[T], per_page: int) -> list[list[T]]:
    """Split a listing into pages of `per_page` items (an empty listing is one empty page)."""
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]


def page_path(first: str, number: int) -> str:
    """Return the path of page `number` of a listing whose first page is `first` ("/x/" -> "/x/page/2/")."""
    return first if number == 1 else f"{first}page/{number}/"


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def reuse_or_defer(renderer: Renderer, target: str, key: str, render: Callable[[], str], job_page: bool = True) -> Page:
    """Return UNCHANGED when the last build wrote `target` from the same input key, else how to render it."""
    cache = renderer.cache
    cache.keys[target] = key
    if cache.previous.get(target) == key and cache.exists(target):
        cache.reused += job_page
        return UNCHANGED
    cache.rendered += job_page
    return render


def render_listing(
    renderer: Renderer, section: Section, template: str, first: str, jobs: list[Job], title: str | None, key_extra: str = "", **extra: Any
) -> Iterable[tuple[str, Page]]:
    """Yield the pages of one listing (the index or a facet), `per_page` jobs each, reusing unchanged ones."""
    chunks = paginate(jobs, renderer.per_page)
    for number, chunk in enumerate(chunks, start=1):
        path = page_path(first, number)
        pagination = _pagination(renderer, first, number, len(chunks), len(jobs))
        target = path.lstrip("/") + "index.html"
        facet = extra.get("facet")
        key = _key(
            renderer.fingerprint,
            renderer.facets_key,
            template,
            path,
            facet.label if facet else None,
            len(jobs),
            len(chunks),
            "\n".join([renderer.job_tokens[j.key] for j in chunk]),
            "\n".join(fingerprint(renderer.site.company_of(j)) for j in chunk if j.company),
            key_extra,
        )
        render = functools.partial(render_template, renderer, section, template, path, title=title, jobs=chunk, pagination=pagination, **extra)
        yield target, reuse_or_defer(renderer, target, key, render, job_page=False)


def render_directory(renderer: Renderer, section: Section) -> Iterable[tuple[str, Page]]:
    """Yield the pages of a job board's company directory: each company with its logo, sectors and open jobs."""
    first = f"{section.prefix}/{FACET_PATHS['company']}/"
    entries = [
        {"company": renderer.companies_by_slug[f.value], "url": renderer.url(f.path), "count": len(f.jobs)}
        for f in sorted(section.facets["company"], key=lambda f: (f.label.lower(), f.value))
    ]
    chunks = paginate(entries, renderer.per_page)
    for number, chunk in enumerate(chunks, start=1):
        path = page_path(first, number)
        pagination = _pagination(renderer, first, number, len(chunks), len(entries))
        target = path.lstrip("/") + "index.html"
        key = _key(renderer.fingerprint, renderer.facets_key, path, len(chunks), [(fingerprint(e["company"]), e["count"]) for e in chunk])
        render = functools.partial(render_template, renderer, section, "companies.html", path, title=None, companies=chunk, pagination=pagination)
        yield target, reuse_or_defer(renderer, target, key, render, job_page=False)


def _pagination(renderer: Renderer, first: str, number: int, count: int, total: int) -> dict[str, Any]:
    return {
        "number": number,
        "count": count,
        "total": total,
        "previous": renderer.url(page_path(first, number - 1)) if number > 1 else None,
        "next": renderer.url(page_path(first, number + 1)) if number < count else None,
        "pages": [renderer.url(page_path(first, n)) for n in range(1, count + 1)],
    }


class PageTask(NamedTuple):
    """A page of the site that is keyed: rendered only when its inputs changed."""

    target: str  # the file
    page: Page  # how to render it, or UNCHANGED
    cards: str  # the language whose job cards the page shows ("": none, a job page)


def section_pages(renderer: Renderer, section: Section) -> Iterator[PageTask]:
    """Yield a section's listings, company pages and job pages."""
    p, language = section.prefix, section.language
    listings = [render_listing(renderer, section, "index.html", f"{p}/", section.jobs, title=None)]
    for kind, facets in section.facets.items():
        for facet in facets:
            if kind == "company":  # a company's page: its profile, then its open jobs
                company = renderer.companies_by_slug[facet.value]
                listings.append(
                    render_listing(
                        renderer,
                        section,
                        "company.html",
                        facet.path,
                        facet.jobs,
                        title=facet.label,
                        key_extra=fingerprint(company),
                        facet=facet,
                        company=company,
                    )
                )
            else:
                listings.append(render_listing(renderer, section, "listing.html", facet.path, facet.jobs, title=facet.label, facet=facet))
    if section.facets.get("company"):
        listings.append(render_directory(renderer, section))
    for target, page in itertools.chain.from_iterable(listings):
        yield PageTask(target, page, language)
    for job in section.jobs:
        path = renderer.job_paths[job.key]
        target = path.lstrip("/") + "index.html"
        render = functools.partial(render_template, renderer, section, "job.html", path, title=job.title, job=job)
        yield PageTask(target, reuse_or_defer(renderer, target, renderer.job_page_key(job, section), render), "")


def page_tasks(renderer: Renderer) -> Iterator[PageTask]:
    """Yield every listing, company and job page of the site, one language after the other.

    These are most of a build's work, each page keyed so an unchanged one is not rendered again:
    a build renders them on every core (build.render_pages).
    """
    for section in renderer.sections.values():
        yield from section_pages(renderer, section)


def other_pages(renderer: Renderer, section: Section) -> Iterator[tuple[str, str]]:
    """Yield a section's closed-job pages and content pages, rendered (there are few)."""
    p = section.prefix
    for closed in section.closed:
        path = f"{p}/jobs/{closed.slug}/"
        related = [j for j in section.jobs if closed.department and j.department and j.department.id == closed.department.id]
        yield (
            path.lstrip("/") + "index.html",
            render_template(renderer, section, "closed.html", path, title=closed.title, closed=closed, jobs=related, noindex=True),
        )
    for page in section.pages:
        path = f"{p}/{page.slug}/"
        yield path.lstrip("/") + "index.html", render_template(renderer, section, "page.html", path, title=page.title, content=page)


def render_template(renderer: Renderer, section: Section, name: str, path: str, *, title: str | None, noindex: bool = False, **extra: Any) -> str:
    config = renderer.config
    language = section.language
    org = renderer.site.organization
    versions = renderer.counterparts(name, extra) if name not in ("404.html", "closed.html") else {}
    alternates = [{"language": lang, "url": renderer.absolute(other_path)} for lang, other_path in versions.items()]
    if len(alternates) > 1 and config.site.default_language in versions:
        alternates.append({"language": "x-default", "url": renderer.absolute(versions[config.site.default_language])})
    # Each language's name in that language; the link goes to this page's version there, else to that section's home.
    switcher = [
        {
            "language": other.language,
            "name": renderer.language_names[other.language],
            "url": renderer.url(versions.get(other.language, f"{other.prefix}/")),
            "translated": other.language in versions,
            "current": other.language == language,
        }
        for other in renderer.sections.values()
    ]
    job = extra.get("job")
    og_image = renderer.site.og_images.get(job.key) if job is not None else None
    shown = extra.get("company")
    if og_image is None and shown is not None and shown.cover and shown.cover.path:
        og_image = shown.cover  # a company's page shares its cover
    if og_image is None:
        cover = org.cover if org.cover and org.cover.path else None
        og_image = cover or renderer.site.og_images.get("")
    context = {
        "site": {
            "title": config.site.title,
            "url": config.site.url,
            "description": config.site.description,
            "language": language,
            "dir": i18n.text_direction(language),
            "home": renderer.url(f"{section.prefix}/"),
            "languages": switcher,
            "alternates": alternates if len(alternates) > 1 else [],
            "open_application_url": renderer.site.open_application_url,
            "board": renderer.board,
            "companies": renderer.url(f"{section.prefix}/{FACET_PATHS['company']}/") if section.facets.get("company") else None,
        },
        "organization": org,
        "company": renderer.site.company_of(job) if job is not None and job.company else None,
        "section": section,
        "facets": section.facets,
        "facet_titles": FACET_TITLES,
        "page": {"path": path, "url": renderer.url(path), "canonical": renderer.absolute(path), "title": title, "noindex": noindex, "template": name},
        "pages": section.pages,
        "jsonld": page_jsonld(renderer, name, path, extra.get("job"), extra.get("company")),
        "og_image": og_image,
        "remote_labels": REMOTE_LABELS,
        "employment_labels": EMPLOYMENT_LABELS,
        "unit_labels": UNIT_LABELS,
        "education_labels": EDUCATION_LABELS,
        "figure_labels": FIGURE_LABELS,
        "Remote": Remote,
        **extra,
    }
    return renderer.env(language).get_template(name).render(context)


def page_jsonld(renderer: Renderer, template: str, path: str, job: Job | None, company: Organization | None = None) -> list[dict[str, Any]]:
    """Return the JSON-LD blocks of a page: JobPosting on job pages only, Organization and WebSite on indexes."""
    if template == "job.html" and job is not None:
        # The hiring organization is the job's own company on a job board (mapping.md), else the site's.
        return [jsonld.job_posting(job, renderer.site.company_of(job), renderer.absolute(path), renderer.absolute)]
    if template == "company.html" and company is not None:
        return [jsonld.organization_page_ld(company, renderer.absolute)]
    if template == "index.html":
        blocks = [jsonld.website_ld(renderer.config.site.title, renderer.absolute(path), renderer.config.site.default_language)]
        if renderer.site.organization.name:
            blocks.insert(0, jsonld.organization_page_ld(renderer.site.organization, renderer.absolute))
        return blocks
    return []


def _lastmod(jobs: Iterable[Job]) -> str | None:
    dates = [j.updated_at or j.date_posted for j in jobs]
    return max(dates, key=instant) if dates else None


def sitemap(renderer: Renderer) -> list[tuple[str, str | None]]:
    entries: list[tuple[str, str | None]] = []
    for section in renderer.sections.values():
        entries.append((renderer.absolute(f"{section.prefix}/"), _lastmod(section.jobs)))
        if section.facets.get("company"):
            entries.append((renderer.absolute(f"{section.prefix}/{FACET_PATHS['company']}/"), _lastmod(section.jobs)))
        for facets in section.facets.values():
            for facet in facets:
                entries.append((renderer.absolute(facet.path), _lastmod(facet.jobs)))
        for job in section.jobs:
            entries.append((renderer.absolute(renderer.job_paths[job.key]), job.updated_at or job.date_posted))
        for page in section.pages:
            entries.append((renderer.absolute(f"{section.prefix}/{page.slug}/"), None))
    return entries


# The sitemaps protocol's limits for one file; beyond them sitemap.xml becomes an index of sitemaps.
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


def sitemap_xml(entries: list[tuple[str, str | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [_sitemap_url(loc, lastmod) for loc, lastmod in entries]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _sitemap_url(loc: str, lastmod: str | None) -> str:
    return f"  <url><loc>{xml_escape(loc)}</loc>" + (f"<lastmod>{xml_escape(lastmod)}</lastmod>" if lastmod else "") + "</url>"


def sitemap_files(renderer: Renderer, entries: list[tuple[str, str | None]]) -> dict[str, str]:
    """Return sitemap.xml, or when the URLs exceed one file's limits, sitemaps/N.xml and an index at sitemap.xml."""
    overhead = len(sitemap_xml([]).encode())
    chunks: list[list[tuple[str, str | None]]] = [[]]
    size = overhead
    for entry in entries:
        line = len(_sitemap_url(*entry).encode()) + 1
        if len(chunks[-1]) >= SITEMAP_MAX_URLS or (chunks[-1] and size + line > SITEMAP_MAX_BYTES):
            chunks.append([])
            size = overhead
        chunks[-1].append(entry)
        size += line
    if len(chunks) == 1:
        return {"sitemap.xml": sitemap_xml(entries)}
    files = {f"sitemaps/{n}.xml": sitemap_xml(chunk) for n, chunk in enumerate(chunks, start=1)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for n, chunk in enumerate(chunks, start=1):
        lastmod = max((m for _, m in chunk if m), key=instant, default=None)
        lines.append(
            f"  <sitemap><loc>{xml_escape(renderer.absolute(f'sitemaps/{n}.xml'))}</loc>"
            + (f"<lastmod>{xml_escape(lastmod)}</lastmod>" if lastmod else "")
            + "</sitemap>"
        )
    lines.append("</sitemapindex>")
    files["sitemap.xml"] = "\n".join(lines) + "\n"
    return files


def atom_feed(renderer: Renderer) -> str:
    return joined(atom_parts(renderer))


def atom_parts(renderer: Renderer) -> Iterator[Part]:
    """Yield the Atom feed of every open job, newest first, in pieces."""
    config = renderer.config
    jobs = [job for section in renderer.sections.values() for job in section.jobs]
    jobs.sort(key=lambda j: (instant(j.updated_at or j.date_posted), j.key), reverse=True)
    updated = rfc3339(_lastmod(jobs) or "1970-01-01")
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{config.site.default_language}">',
        f"  <title>{xml_escape(config.site.title)}</title>",
        f"  <id>{xml_escape(renderer.absolute('/'))}</id>",
        f'  <link rel="alternate" type="text/html" href="{xml_escape(renderer.absolute("/"))}"/>',
        f'  <link rel="self" type="application/atom+xml" href="{xml_escape(renderer.absolute("feed.xml"))}"/>',
        f"  <updated>{updated}</updated>",
        f"  <author><name>{xml_escape(renderer.site.organization.name or config.site.title)}</name></author>",
    ]
    yield "\n".join(head) + "\n"
    for job in jobs:
        url = renderer.absolute(renderer.job_paths[job.key])
        yield Entry(job.key, (fingerprint(job), url), functools.partial(_atom_entry, job, url))
    yield "</feed>\n"


def _atom_entry(job: Job, url: str) -> str:
    summary = plain_text(job.description_html)[:300]
    return "\n".join(
        [
            "  <entry>",
            f"    <title>{xml_escape(job.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>',
            f"    <id>{xml_escape(url)}</id>",
            f"    <published>{rfc3339(job.date_posted)}</published>",
            f"    <updated>{rfc3339(job.updated_at or job.date_posted)}</updated>",
            f"    <summary>{xml_escape(summary)}</summary>",
            "  </entry>\n",
        ]
    )


def _location(office: Office) -> dict[str, Any]:
    return {k: v for k, v in (("name", office.name), ("city", office.city), ("region", office.region), ("country", office.country)) if v}


# jobs.json lists this many jobs; a longer list continues in jobs-2.json, jobs-3.json... linked by "next".
JOBS_JSON_PAGE = 1000


def jobs_json_files(renderer: Renderer) -> dict[str, str]:
    """Return jobs.json (and its next pages) as whole texts."""
    return {name: joined(parts) for name, parts in jobs_json_parts(renderer)}


def jobs_json_parts(renderer: Renderer) -> Iterator[tuple[str, Iterator[Part]]]:
    """Yield jobs.json: every open job, split into linked pages of JOBS_JSON_PAGE jobs when there are more."""
    jobs = [(section.language, job) for section in renderer.sections.values() for job in section.jobs]
    chunks = paginate(jobs, JOBS_JSON_PAGE)
    names = ["jobs.json", *(f"jobs-{n}.json" for n in range(2, len(chunks) + 1))]
    for index, (name, chunk) in enumerate(zip(names, chunks, strict=True)):
        tail = "]}\n"
        if len(chunks) > 1:
            links: dict[str, Any] = {"total": len(jobs), "page": index + 1, "pages": len(chunks)}
            if index > 0:
                links["previous"] = renderer.absolute(names[index - 1])
            if index + 1 < len(chunks):
                links["next"] = renderer.absolute(names[index + 1])
            tail = "]," + json.dumps(links, sort_keys=True, separators=(",", ":"))[1:-1] + "}\n"
        yield name, _jobs_json_page(renderer, chunk, tail)


def _jobs_json_page(renderer: Renderer, jobs: list[tuple[str, Job]], tail: str) -> Iterator[Part]:
    yield '{"jobs":['
    for language, job in jobs:
        url = renderer.absolute(renderer.job_paths[job.key])
        company = renderer.site.company_of(job).name if job.company else None
        yield Entry(job.key, (fingerprint(job), url, language, company), functools.partial(_jobs_json_entry, job, url, language, company), lead=",")
    yield tail


def _jobs_json_entry(job: Job, url: str, language: str, company: str | None) -> str:
    entry: dict[str, Any] = {
        "id": job.id,
        "source": job.source,
        "title": job.title,
        "url": url,
        "language": language,
        "department": job.department.name if job.department else None,
        "locations": [_location(o) for o in job.offices],
        "employment_type": list(job.employment_types),
        "remote": job.remote.value,
        "tags": list(job.tags),
        "date_posted": job.date_posted,
        "updated_at": job.updated_at,
        "valid_through": job.valid_through,
    }
    if company is not None:
        entry["company"] = company
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
