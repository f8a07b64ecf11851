"""The build: fetch every source (safely), merge, store images, render, write.

    fetch_sources -> merge_site -> store_images -> render_site -> write_site -> save state

Any exception before `write_site` leaves the output folder exactly as it was.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from . import images, lifecycle, notify, pages, parallel, quick, snapshot, write
from .config import Config
from .errors import BuildError, ConfigError, GeneratorError, SourceError
from .http import Stats
from .model import Image, Job, Organization, Site, SourceData, fingerprint, slugify
from .normalize import markdown_to_html
from .progress import Progress
from .render import RenderCache, Renderer, page_tasks, render_files
from .sources import SOURCES, FetchContext
from .write import WriteResult

log = logging.getLogger(__name__)


@dataclass
class BuildOptions:
    output: Path | None = None
    offline: bool = False
    allow_stale: bool = False
    accept_drop: bool = False
    env: dict[str, str] | None = None
    transport: httpx.BaseTransport | None = None  # tests inject one
    sleep: Callable[[float], None] = time.sleep
    now: datetime | None = None
    progress: Progress = field(default_factory=Progress)
    quick: bool = True  # False (--full): read and key everything, even when a quick rebuild could do


@dataclass
class SourceReport:
    name: str
    jobs: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    stale: bool = False
    seconds: float = 0.0


@dataclass
class BuildReport:
    sources: list[SourceReport] = field(default_factory=list)
    written: WriteResult | None = None
    stats: Stats = field(default_factory=Stats)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    output: Path | None = None
    pages_rendered: int = 0
    pages_reused: int = 0
    site_changed: bool = True  # False when the site equals the last build's (same data, templates, settings)
    quick: bool = False  # made by generator/quick.py: only the changed job files read, their pages rendered

    @property
    def data_changed(self) -> bool:
        return any(s.added or s.updated or s.closed for s in self.sources)


def build_now(options: BuildOptions) -> datetime:
    """Return the build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    if options.now:
        return options.now
    env = options.env if options.env is not None else os.environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC)


def fetch_sources(config: Config, options: BuildOptions, report: BuildReport) -> list[tuple[str, SourceData, dict[str, Any]]]:
    """Fetch every source, applying the safety rules; return (name, data, state) per source."""
    results = []
    failures: list[GeneratorError] = []
    env = dict(options.env if options.env is not None else os.environ)
    for source_config in config.sources:
        cls = SOURCES[source_config.type]
        name = source_config.name
        remote = source_config.type != "local"
        # The files of the local source are their own snapshot: a build keeps none for it.
        previous = snapshot.load_snapshot(config.cache_dir, name) if remote else None
        source_report = SourceReport(name)
        report.sources.append(source_report)
        started = time.monotonic()
        task = f"fetching {name}"
        options.progress.start(task)
        try:
            if options.offline and remote:
                if previous is None:
                    raise SourceError(name, "--offline needs a snapshot, and there is none yet; run `careers fetch` once with network access")
                data, state = previous
                log.info("%s: offline, using the snapshot (%d jobs)", name, len(data.jobs))
            else:
                context = FetchContext(
                    root=config.root,
                    languages=config.site.languages,
                    env=env,
                    previous=previous[0] if previous else None,
                    previous_state=previous[1] if previous else {},
                    stats=report.stats,
                    transport=options.transport,
                    sleep=options.sleep,
                    on_request=functools.partial(options.progress.advance, task),
                    cache_dir=config.cache_dir,
                    mode=config.site.mode,
                    allow_stale=options.allow_stale,
                )
                source = cls(source_config, context)
                data = source.fetch()
                state = source.state
                if remote and cls.GUARD_DROP:
                    check_drop(name, previous[0] if previous else None, data, float(source_config.get("max_drop", 0.5)), options.accept_drop)
        except GeneratorError as exc:
            if options.allow_stale and previous is not None and not isinstance(exc, DropError):
                warning = f"STALE DATA: {exc}; --allow-stale: publishing {name}'s last snapshot ({len(previous[0].jobs)} jobs) instead"
                log.warning(warning)
                report.warnings.append(warning)
                data, state = previous
                source_report.stale = True
            else:
                options.progress.finish(task, failed=True)
                failures.append(exc)
                continue
        source_report.seconds = time.monotonic() - started
        source_report.jobs = len(data.jobs)
        options.progress.finish(task, f"{len(data.jobs)} jobs")
        diff_jobs(previous[0] if previous else None, data, source_report)
        for warning in data.warnings:
            report.warnings.append(f"{name}: {warning}")
            log.warning("%s: %s", name, warning)
        results.append((name, data, state))
    if len(failures) == 1:
        raise failures[0]
    if failures:
        # Still one line: the build stops before anything is written.
        raise BuildError(" | ".join(str(f) for f in failures))
    return results


class DropError(SourceError):
    """A source lost too many jobs at once."""


def check_drop(name: str, previous: SourceData | None, data: SourceData, max_drop: float, accept: bool) -> None:
    """Refuse a fetch that empties a source or loses more than `max_drop` of its jobs."""
    if accept or previous is None or not previous.jobs:
        return
    before = {j.key for j in previous.jobs}
    lost = len(before - {j.key for j in data.jobs})
    if not data.jobs:
        raise DropError(name, f"returned no jobs, but the last snapshot had {len(before)}; if every job really closed, rebuild with --accept-drop")
    if lost / len(before) > max_drop:
        raise DropError(
            name,
            f"{lost} of {len(before)} jobs disappeared at once (more than max_drop = {max_drop:.0%}); if that is right, rebuild with --accept-drop",
        )


def diff_jobs(previous: SourceData | None, data: SourceData, report: SourceReport) -> None:
    old = {j.key: fingerprint(j) for j in previous.jobs} if previous else {}
    new = {j.key: fingerprint(j) for j in data.jobs}
    report.added = sorted(set(new) - set(old))
    report.closed = sorted(set(old) - set(new))
    report.updated = sorted(k for k in set(new) & set(old) if new[k] != old[k])


def merge_site(config: Config, fetched: list[tuple[str, SourceData, dict[str, Any]]]) -> Site:
    """Merge sources into one Site, with [organization] overriding what sources say."""
    site = Site()
    org = Organization()
    offices: dict[str, Any] = {}
    departments: dict[str, Any] = {}
    companies: dict[str, Organization] = {}
    for _, data, _ in fetched:
        site.jobs.extend(data.jobs)
        for company in data.companies:
            companies.setdefault(company.id, company)
        for office in data.offices:
            offices.setdefault(office.id, office)
        for department in data.departments:
            departments.setdefault(department.id, department)
        org = org.merged(data.organization)
        site.open_application_url = site.open_application_url or data.open_application_url
        site.warnings.extend(data.warnings)
    override = config.organization
    org = Organization(
        name=override.name or "",
        url=override.url,
        logo=Image(url=override.logo, alt=override.name or "") if override.logo else None,
        same_as=override.same_as,
        description={"": markdown_to_html(override.description)} if override.description else {},
    ).merged(org)
    if not org.name:
        org = dataclasses.replace(org, name=config.site.title)
    site.organization = org
    site.offices = sorted(offices.values(), key=lambda o: o.name.lower())
    site.departments = sorted(departments.values(), key=lambda d: d.name.lower())
    site.pages = pages.load_pages(config)
    site.jobs = distinct_slugs(site.jobs)
    site.companies = distinct_company_slugs(list(companies.values()))
    return site


def distinct_company_slugs(companies: list[Organization]) -> list[Organization]:
    """Give every company a URL segment of its own: its slug, else its name; a taken one gets the reference appended."""
    taken: set[str] = set()
    result = []
    for company in sorted(companies, key=lambda c: (c.name.lower(), c.id)):
        reference = slugify(company.id.partition(":")[2] or company.id)
        slug = slugify(company.slug) or slugify(company.name) or reference
        if slug in taken:
            slug = f"{slug}-{reference}".strip("-")
        taken.add(slug)
        result.append(company if slug == company.slug else dataclasses.replace(company, slug=slug))
    return result


def distinct_slugs(jobs: list[Job]) -> list[Job]:
    """Give a job whose URL another source's job already has the source's name as a suffix."""
    taken: set[str] = set()
    result = []
    for job in sorted(jobs, key=lambda j: j.key):
        if job.slug in taken:
            job = dataclasses.replace(job, slug_suffix=slugify(job.source))
        taken.add(job.slug)
        result.append(job)
    return result


def build_site(config: Config, options: BuildOptions | None = None) -> BuildReport:
    """Fetch, render and write the whole site; raise GeneratorError and leave the output untouched on failure."""
    options = options or BuildOptions()
    started = time.monotonic()
    report = BuildReport()
    parallel.worker_count()  # a wrong CAREERS_WORKERS stops the build before any work
    now = build_now(options)
    output = (options.output or config.output_dir).resolve()
    report.output = output
    check_output_location(config, output)
    if quick.quick_build(config, options, report, output):
        report.seconds = time.monotonic() - started
        return report
    fetched = fetch_sources(config, options, report)
    from_sources = len(report.warnings)
    local_sources = {s.name for s in config.sources if s.type == "local"}
    site = merge_site(config, fetched)
    site.jobs = drop_expired(site.jobs, now, report)
    before = lifecycle.load_state(config.cache_dir)
    state = lifecycle.update_state(before, site.jobs, now.date(), config.site.closed_retention_days)
    # What changed is measured against the last *built* site, not the last fetch: a `careers
    # fetch` in between must not hide an update from --if-changed or `careers notify`.
    for source_report in report.sources:
        source_report.added, source_report.updated, source_report.closed = lifecycle.changes(before, state, source_report.name)
    site.closed = lifecycle.closed_jobs(state, site.jobs)
    site.moved = lifecycle.moved_jobs(state, site.jobs)
    site = images.store_images(config, site, options, report)
    manifest_path = config.cache_dir / "render-manifest.json"
    manifest = snapshot.load_json(manifest_path, {})
    # Pages can be reused only from the folder the last build wrote.
    same_output = manifest.get("output") == str(output) and isinstance(manifest.get("files"), list)
    write.recover(output)
    existing = write.existing_files(output)
    writer: write.SiteWriter | None = None
    try:
        renderer = Renderer(config, site)
        site_key = renderer.site_key()
        report.site_changed = manifest.get("site") != site_key
        if not report.site_changed and same_output and existing.issuperset(manifest["files"]):
            # Same data, templates and settings as the last build, whose output is still there:
            # nothing to render, nothing to write.
            log.info("nothing changed since the last build; the output is up to date")
            report.written = WriteResult(unchanged=len(manifest["files"]))
            report.pages_reused = int(manifest.get("job_pages", 0))
        else:
            manifest.pop("files", None)  # 100,000 paths at 50,000 jobs, not needed while rendering (a new list is written)
            cache = RenderCache(previous=manifest.get("pages", {}) if same_output else {}, exists=existing.__contains__)
            # Pages go to the writer one by one (changed ones into its staging folder), never all in memory.
            writer = write.SiteWriter(output, existing)
            render_pages(config, site, cache, renderer, writer, options.progress)
            report.pages_rendered, report.pages_reused = cache.rendered, cache.reused
        changes = notify.changed_urls(config, site, report, before, renderer)  # job URLs for `careers notify`
    except BaseException as exc:
        if writer is not None:
            writer.abort()
        if isinstance(exc, GeneratorError) or not isinstance(exc, Exception):
            raise
        # A template error must fail the build with one line, not a traceback.
        raise BuildError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
    if writer is not None:
        report.written = writer.commit()
        for obsolete in ("scratch", "fragments"):  # where earlier versions kept the feeds' pieces
            shutil.rmtree(config.cache_dir / obsolete, ignore_errors=True)
        manifest = {
            "site": site_key,
            "output": str(output),
            "pages": cache.keys,
            "job_pages": cache.rendered + cache.reused,
            "files": sorted(writer.paths),
        }
    for name, data, source_state in fetched:
        if name not in local_sources:  # the local source's files are their own snapshot
            snapshot.save_snapshot(config.cache_dir, name, data, source_state)
    lifecycle.save_state(config.cache_dir, state)
    snapshot.write_atomic(manifest_path, snapshot.dumps(manifest))
    notify.save_changes(config.cache_dir, changes)
    local_files = fetched[0][2].get("files", {}) if len(fetched) == 1 else {}
    quick.remember(config, output, renderer, state, local_files, report.warnings[from_sources:], manifest)
    report.seconds = time.monotonic() - started
    return report


def render_pages(config: Config, site: Site, cache: RenderCache, renderer: Renderer, writer: write.SiteWriter, progress: Progress) -> None:
    """Render the site into `writer`: its listings and job pages in worker processes, the rest (feeds) here meanwhile."""
    renderer.cache = cache
    tasks = list(page_tasks(renderer))  # keyed: unchanged pages are not rendered again
    # Each language's listings go to one worker, which renders each job card of that language
    # once; job pages (no cards) are shared out.
    groups: dict[str, list[int]] = {}
    for index, task in enumerate(tasks):
        if not isinstance(task.page, write.Unchanged):
            groups.setdefault(task.cards, []).append(index)
    job_pages = groups.pop("", [])
    todo = [*itertools.chain.from_iterable(groups.values()), *job_pages]
    progress.start("rendering", len(todo))

    def render(number: int) -> bool:  # in a worker: render one page and stage it
        target, page, _ = tasks[todo[number]]
        assert not isinstance(page, write.Unchanged)
        return writer.place(target, page().encode("utf-8"))

    writer.stage()  # workers stage their pages in the writer's folder: it must exist before they fork
    rendered = parallel.fork_map(render, len(todo), groups=[len(group) for group in groups.values()])
    try:
        for path, content in render_files(config, site, cache, renderer, with_page_tasks=False):
            writer.add(path, content)
        for path, content in site.media.items():
            writer.add(path, content)
        for target, page, _ in tasks:
            if isinstance(page, write.Unchanged):
                writer.add(target, page)
        for index, staged in zip(todo, rendered, strict=True):
            writer.record(tasks[index][0], staged)
            progress.advance("rendering")
    finally:
        rendered.close()
    progress.finish("rendering", f"{cache.rendered} job pages rendered, {cache.reused} unchanged")


def check_output_location(config: Config, output: Path) -> None:
    """Refuse an output folder whose replacement would delete the site's own files or cache."""
    root = config.root.resolve()
    cache = config.cache_dir
    protected = [root / "careers.toml", config.content_dir, config.templates_dir, root / "themes", root / "static"]
    if output == root or output in root.parents or any(p == output or output in p.parents or p in output.parents for p in protected):
        raise ConfigError([f"site.output: {output} would replace the site's own files; write the site to a folder of its own, such as public"])
    if cache == output or output in cache.parents or cache in output.parents:
        raise ConfigError(
            [
                f"site.cache: {cache} and the output folder {output} overlap, and the output is published; keep the cache outside, such as .careers-cache"
            ]
        )


def drop_expired(jobs: list[Job], now: datetime, report: BuildReport) -> list[Job]:
    """Leave out jobs whose validThrough has passed: they close like jobs that left their source."""
    kept = []
    for job in jobs:
        end = expiry(job)
        if end is not None and end <= now:
            report.warnings.append(f"{job.source}: job {job.id} ({job.title}) expired on {(job.valid_through or '')[:10]}; it is published as closed")
            log.warning(report.warnings[-1])
        else:
            kept.append(job)
    return kept


def expiry(job: Job) -> datetime | None:
    """Return the moment a job closes by its validThrough: that instant, or the end of that day (UTC)."""
    end = job.valid_through or ""
    if end and "T" in end:
        try:
            moment = datetime.fromisoformat(end)
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) + timedelta(microseconds=1)
    if end:
        try:
            return datetime.combine(date.fromisoformat(end[:10]) + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        except ValueError:
            return None
    return None


def fetch_only(config: Config, options: BuildOptions | None = None) -> BuildReport:
    """Fetch every source and save snapshots, without rendering."""
    options = options or BuildOptions()
    report = BuildReport()
    started = time.monotonic()
    for name, data, state in fetch_sources(config, options, report):
        snapshot.save_snapshot(config.cache_dir, name, data, state)
    report.seconds = time.monotonic() - started
    return report
