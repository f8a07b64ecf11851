"""The quick rebuild: when a few job files changed and nothing else did, update the last build in place.

A full build loads every job, keys every page and walks every feed entry: at 10,000 jobs that is
seconds of work, even for one edited description. A build whose site comes from one local source
first tries this instead, from the record the last build left (`quick.pickle` in the cache):

- everything but the job files is as the last build saw it (the *frame*): the code, careers.toml,
  templates, themes, static files, content pages, offices, departments and companies;
- the same job files, at most MOST of them changed, each parsing without a problem;
- no closed page, redirect or validThrough ends before this build's time;
- each changed job is the same in what other pages show of it (`shown`: the URL, title, team,
  offices, dates... that sort, group and count it in listings, the sitemap and the feeds), and its
  card renders the same;
- the templates that list jobs read nothing else of a job (`listing_reads`, from their source);
- the last build's keys are reproduced for the changed jobs' pages as they were (a check that the
  job pages' inputs are all accounted for).

Then only the changed jobs' pages are rendered and their entries in the feeds replaced
(fragments.Spooler.patch); every other file is kept as it is. Otherwise, or at any doubt, the
full build runs; both give the same output (tests/test_quick.py builds both and compares).
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import logging
import os
import pickle
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import meta, nodes

from . import code_digest, i18n, images, lifecycle, notify, snapshot, write
from .config import Config
from .errors import BuildError, GeneratorError
from .fragments import Entry, Spooler
from .model import Job, Site, SourceData
from .render import RenderCache, Renderer, render_template, site_file_parts
from .sources import FetchContext
from .sources.local import LocalSource
from .themes import theme_chain

if TYPE_CHECKING:  # build.py imports this module
    from .build import BuildOptions, BuildReport

log = logging.getLogger(__name__)

VERSION = 1
MOST = 50  # changed files beyond this go to the full build (its work is spread over the cores)
# What other pages show of a job: listings sort, group, count and link it by these, and the
# sitemap and feeds order and date it by them.
SHOWN = (
    "key",
    "slug",
    "title",
    "language",
    "department",
    "offices",
    "employment_types",
    "remote",
    "tags",
    "date_posted",
    "updated_at",
    "company",
    "image",
    "translation_key",
)
# Job fields and properties that only its own page and feed entries show: a template listing
# jobs must not read them (a quick rebuild would not render it again).
OWN = frozenset({f.name for f in dataclasses.fields(Job)} - set(SHOWN) - {"source", "id", "slug_suffix"}) | {"description_html", "countries"}
# The templates that show other jobs than a job page's own (through cards, which are compared).
LISTING_TEMPLATES = ("index.html", "listing.html", "company.html", "companies.html", "closed.html", "page.html", "404.html")


def record_path(cache: Path) -> Path:
    return cache / "quick.pickle"


def shown(job: Job) -> tuple[Any, ...]:
    return tuple(getattr(job, name) for name in SHOWN)


def family(name: str) -> str:
    """Return which site-wide file `name` is part of (jobs-3.json is a page of jobs.json)."""
    return "jobs.json" if name.startswith("jobs-") and name.endswith(".json") else name


def frame(config: Config, jobs_folder: Path) -> str:
    """Return a digest of what a build reads besides the job files: code, settings and every other input file."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(repr((config.site, config.organization, config.sources, str(config.root))).encode())
    folders = [config.content_dir, config.templates_dir, config.root / "static", i18n.LOCALES]
    for theme in theme_chain(config.root, config.site.theme):
        folders += [theme.path]
    files = [config.root / str(config.sources[0].get(option)) for option in ("offices", "departments", "companies")]
    skip = os.path.realpath(jobs_folder)
    seen: set[str] = set()
    for path in _walk(folders, skip):
        seen.add(path)
    for file in files:
        seen.add(str(file))
    for path in sorted(seen):
        try:
            stat = os.stat(path)
            digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
        except OSError:
            digest.update(f"{path}\0-\n".encode())
    return digest.hexdigest()


def _walk(folders: Iterable[Path], skip: str) -> Iterable[str]:
    pending = [str(folder) for folder in folders if folder.is_dir()]
    while pending:
        folder = pending.pop()
        if os.path.realpath(folder) == skip:
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                else:
                    yield entry.path


def listing_reads(env: jinja2.Environment) -> set[str] | None:
    """Return every attribute name the listing templates (and what they include) may read; None when unknown."""
    names: set[str] = set()
    seen: set[str] = set()
    pending = list(LISTING_TEMPLATES)
    assert env.loader is not None
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:
            continue  # a theme without this page (not rendered then)
        tree = env.parse(source)
        for reference in meta.find_referenced_templates(tree):
            if reference is None:
                return None  # a template chosen at render time: anything may be read
            pending.append(reference)
        names.update(node.attr for node in tree.find_all(nodes.Getattr))
        for node in tree.find_all(nodes.Const):
            if isinstance(node.value, str):
                names.update(node.value.split("."))  # groupby("department.name"), map(attribute="slug"), job["title"]
    return names


@dataclasses.dataclass
class Record:
    """What the last build leaves for the next one to start from."""

    code: str
    frame: str
    output: str
    site_key: str
    site_lines: list[str]  # Renderer.site_lines
    jobs: int  # open jobs (lines "job ..." after the first line)
    files: dict[str, Any]  # the local source's state["files"]
    spooled: list[str]  # the site-wide files kept in the cache with an index
    until: datetime | None  # the first moment a build would change something by itself
    warnings: list[str]  # the build's own warnings (not the source's): expired jobs, images
    job_pages: int
    reads: list[str] | None  # the job fields templates listing jobs may read beyond SHOWN (None: unknown)
    version: int = VERSION

    def save(self, cache: Path) -> None:
        path = record_path(cache)
        temp = path.with_name(f".{path.name}.tmp")
        with temp.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)

    @classmethod
    def load(cls, cache: Path) -> Record | None:
        try:
            with record_path(cache).open("rb") as handle:
                record = pickle.load(handle)  # noqa: S301 - written by this program into the site's own cache folder
        except Exception:  # noqa: BLE001 - no record, or a damaged one: a full build
            return None
        return record if isinstance(record, cls) and record.version == VERSION else None


def until(state: dict[str, Any], retention_days: int, jobs: Iterable[Job]) -> datetime | None:
    """Return the first moment a build with the same data would change: a closed page, redirect or job ends."""
    from .build import expiry

    moments = [end for end in (expiry(job) for job in jobs) if end is not None]
    day = lifecycle.next_change(state, retention_days)
    if day is not None:
        moments.append(datetime.combine(day, datetime.min.time(), tzinfo=UTC))
    return min(moments, default=None)


def remember(
    config: Config, output: Path, renderer: Renderer, state: dict[str, Any], files: dict[str, Any], warnings: list[str], manifest: dict[str, Any]
) -> None:
    """Save the record a quick rebuild starts from (a site with one local source), after a full build wrote `manifest`."""
    path = record_path(config.cache_dir)
    if len(config.sources) != 1 or config.sources[0].type != "local" or not files:
        path.unlink(missing_ok=True)
        return
    lines = renderer.site_lines
    reads = listing_reads(renderer.env(config.site.default_language))  # the frame covers the templates
    folder = config.cache_dir / "files"
    indexed = {entry.name[: -len(".index")] for entry in os.scandir(folder) if entry.name.endswith(".index")} if folder.is_dir() else set()
    Record(
        code=code_digest(),
        frame=frame(config, config.root / str(config.sources[0]["path"])),
        output=str(output),
        site_key=manifest["site"],
        site_lines=lines,
        jobs=len(renderer.site.jobs),
        files=files,
        spooled=sorted(name for name in manifest["files"] if name in indexed),
        until=until(state, config.site.closed_retention_days, renderer.site.jobs),
        warnings=warnings,
        job_pages=int(manifest.get("job_pages", 0)),
        reads=None if reads is None else sorted(reads & OWN),
    ).save(config.cache_dir)


class NotQuick(Exception):  # noqa: N818 - not an error: the full build runs instead
    """This rebuild is not one the quick path can make; the reason is logged."""


def quick_build(config: Config, options: BuildOptions, report: BuildReport, output: Path) -> bool:
    """Make the rebuild the quick way and return True, or return False (nothing touched) for a full build."""
    writing: list[bool] = []  # made true once the output is being changed: from then on, an error fails the build
    try:
        return _quick(config, options, report, output, writing)
    except Exception as exc:
        if writing:
            if isinstance(exc, GeneratorError):
                raise
            raise BuildError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
        # Not a rebuild this can make, or a problem the full build reports in its own words.
        log.debug("full build: %s", exc if isinstance(exc, NotQuick) else f"{type(exc).__name__}: {exc}")
        report.quick = False
        report.sources.clear()
        report.warnings.clear()
        return False


def _quick(config: Config, options: BuildOptions, report: BuildReport, output: Path, writing: list[bool]) -> bool:
    from .build import SourceReport, build_now, expiry, merge_site

    started = time.monotonic()
    if not options.quick or len(config.sources) != 1 or config.sources[0].type != "local":
        return False
    report.quick = True  # set back when this turns out not to be a quick rebuild
    record = Record.load(config.cache_dir)
    if record is None or record.output != str(output) or record.code != code_digest():
        raise NotQuick("no record of the last build in the cache")
    source_config = config.sources[0]
    if frame(config, config.root / str(source_config["path"])) != record.frame:
        raise NotQuick("settings, templates or content besides job files changed")
    if record.reads is None:
        raise NotQuick("a template listing jobs includes a template chosen at render time")
    if record.reads:
        raise NotQuick(f"a template listing jobs reads a job's {', '.join(record.reads)}")
    now = build_now(options)
    if record.until is not None and now >= record.until:
        raise NotQuick("a closed page, a redirect or a job's validThrough ended")
    manifest_path = config.cache_dir / "render-manifest.json"
    manifest = snapshot.load_json(manifest_path, {})
    if manifest.get("site") != record.site_key or manifest.get("output") != str(output) or not isinstance(manifest.get("files"), list):
        raise NotQuick("the last build's manifest is not the record's")
    name = source_config.name
    context = FetchContext(root=config.root, languages=config.site.languages, env={}, cache_dir=config.cache_dir, mode=config.site.mode)
    changes = LocalSource(source_config, context).quick_changes(record.files, MOST)
    if changes is None:
        raise NotQuick("job files were added, removed or changed in ways other pages show")
    options.progress.start(f"fetching {name}")  # shown once it is sure: a full build shows its own
    options.progress.finish(f"fetching {name}", f"{record.jobs} jobs, {len(changes.jobs)} changed")
    write.recover(output)
    existing = write.existing_files(output)
    if not existing.issuperset(manifest["files"]):
        raise NotQuick("files of the last build are missing from the output")
    files = {**record.files, **changes.files}
    source_report = SourceReport(name, jobs=sum(1 for entry in files.values() if entry[2] is not None))  # expired ones too
    report.sources.append(source_report)
    report.warnings += [f"{name}: {w}" for entry in files.values() for w in entry[4]] + [f"{name}: {w}" for w in changes.warnings] + record.warnings
    if not changes.jobs:
        _log_warnings(report)
        log.info("nothing changed since the last build; the output is up to date")
        report.site_changed = False
        report.written = write.WriteResult(unchanged=len(manifest["files"]))
        report.pages_reused = record.job_pages
        source_report.seconds = time.monotonic() - started
        return True

    before = [old for _, old, _ in changes.jobs]
    after = [new for _, _, new in changes.jobs]
    if any(shown(old) != shown(new) for old, new in zip(before, after, strict=True)):
        raise NotQuick("a changed job differs in what listings, the sitemap or the feeds show")
    ends = [end for end in (expiry(job) for job in after) if end is not None]
    if any(end <= now for end in ends):
        raise NotQuick("a changed job has expired")

    def partial(jobs: list[Job]) -> tuple[Site, Renderer]:
        """The site with only these jobs: enough to render and key their pages, cards and feed entries."""
        keep = {job.company for job in jobs}
        data = SourceData(
            jobs=jobs,
            offices=changes.sources["offices"],
            departments=changes.sources["departments"],
            companies=[c for c in changes.sources["companies"].values() if c.id in keep] if config.site.mode == "board" else [],
            open_application_url=source_config.get("open_application_url"),
        )
        site = merge_site(config, [(name, data, {})])
        scratch = dataclasses.replace(report, warnings=[])
        site = images.store_images(config, site, options, scratch)
        if not set(scratch.warnings) <= set(record.warnings):
            raise NotQuick("an image gave a new warning")
        renderer = Renderer(config, site)
        renderer.cache = RenderCache()
        return site, renderer

    twins = [job for job in changes.twins if (end := expiry(job)) is None or end > now]  # an expired one is a closed page
    old_site, old_renderer = partial([*before, *twins])
    new_site, new_renderer = partial([*after, *twins])
    pages: dict[str, str] = manifest.get("pages", {})
    keyed = {}
    for renderer, which in ((old_renderer, "old"), (new_renderer, "new")):
        for section in renderer.sections.values():
            for job in section.jobs:
                target = renderer.job_paths[job.key].lstrip("/") + "index.html"
                keyed[(which, job.key)] = (target, renderer.job_page_key(job, section), section)
    if any(which == "old" and pages.get(target) != page_key for (which, _), (target, page_key, _) in keyed.items()):
        raise NotQuick("the last build's page keys are not reproduced")
    changed = {job.key for job in after}
    old_jobs = {job.key: job for job in old_site.jobs}
    new_jobs = {job.key: job for job in new_site.jobs}
    for key in changed:
        language = keyed[("new", key)][2].language
        if old_renderer.card(old_jobs[key], language) != new_renderer.card(new_jobs[key], language):
            raise NotQuick("a changed job's card differs")
        if old_site.og_images.get(key) != new_site.og_images.get(key):
            raise NotQuick("a changed job's Open Graph picture differs")

    state = lifecycle.load_state(config.cache_dir)
    for key in changed:
        if state["live"].get(key) != lifecycle.live_entry(old_jobs[key]):
            raise NotQuick("the site state does not match the last build")

    # Feed entries of the changed jobs, found in the kept files that hold them.
    spooler = Spooler(config.cache_dir / "files", new_renderer.fingerprint)
    made: dict[str, dict[str, Entry]] = {}
    for file, parts in site_file_parts(new_renderer):
        for part in parts:
            if isinstance(part, Entry) and part.key in changed:
                made.setdefault(family(file), {})[part.key] = part
    patches: dict[str, dict[str, Entry]] = {}
    for file in record.spooled:
        entries = made.get(family(file), {})
        keys = spooler.keys(file)
        if keys is None:
            raise NotQuick(f"the kept {file} has no index")
        found = set(entries).intersection(keys)
        for key in found:
            patches.setdefault(file, {})[key] = entries.pop(key)
    if any(made.values()):
        raise NotQuick("a feed entry is not in the kept feeds")

    writing.append(True)
    _log_warnings(report)
    writer = write.SiteWriter(output, existing)
    rendered = 0
    try:
        for key in sorted(new_jobs):
            target, page_key, section = keyed[("new", key)]
            if pages.get(target) != page_key:
                job = new_jobs[key]
                html = render_template(new_renderer, section, "job.html", new_renderer.job_paths[key], title=job.title, job=job)
                writer.add(target, html.encode("utf-8"))
                pages[target] = page_key
                rendered += 1
        for file, entries in sorted(patches.items()):
            writer.add(file, spooler.patch(file, entries))
        writer.keep([path for path in manifest["files"] if path not in writer.paths])
    except BaseException:
        writer.abort()
        raise
    report.written = writer.commit()
    changes.save()

    # The record, manifest, site state and pending notifications, as a full build would leave them.
    lines = list(record.site_lines)
    for key in changed:
        at = bisect.bisect_left(lines, f"job {key}\0", 1, 1 + record.jobs)
        assert lines[at].startswith(f"job {key}\0")
        lines[at] = Renderer.site_line(new_jobs[key])
    site_key = Renderer.site_key_of(lines)
    updated = sorted(key for key in changed if state["live"][key] != lifecycle.live_entry(new_jobs[key]))
    for key in changed:
        state["live"][key] = lifecycle.live_entry(new_jobs[key])
    lifecycle.save_state(config.cache_dir, state)
    manifest["site"] = site_key
    manifest["pages"] = pages
    snapshot.write_atomic(manifest_path, snapshot.dumps(manifest))
    pending = notify.pending_changes(config)
    urls = {new_renderer.absolute(new_renderer.job_paths[key]) for key in updated}
    pending["updated"] = sorted((set(pending["updated"]) | urls) - set(pending["added"]))
    notify.save_changes(config.cache_dir, {"version": notify.VERSION, "site": config.site.url, **pending})
    dataclasses.replace(
        record, site_key=site_key, site_lines=lines, files=files, until=min([*ends, *([record.until] if record.until else [])], default=None)
    ).save(config.cache_dir)

    source_report.updated = updated
    source_report.seconds = time.monotonic() - started
    report.site_changed = site_key != record.site_key
    report.pages_rendered, report.pages_reused = rendered, record.job_pages - rendered
    log.debug("quick rebuild: %d job files changed, %d pages rendered", len(changes.jobs), rendered)
    return True


def _log_warnings(report: BuildReport) -> None:
    """Log the warnings as a full build does (once it is sure this rebuild is quick: the full build would log them again)."""
    for warning in report.warnings:
        log.warning("%s", warning)
