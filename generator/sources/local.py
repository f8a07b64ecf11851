"""The local source: jobs written as Markdown files with TOML front matter.

content/jobs/backend-engineer.md     +++ front matter +++ then the description
content/offices.toml                 [[offices]] id, name, street, city, region, postal_code, country, image, image_alt
content/departments.toml             [[departments]] id, name, description
content/companies.toml               [[companies]] a job board's hiring companies (docs/board-local.md)
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import re
import tomllib
import zlib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from .. import code_digest, collector_paused, parallel
from ..config import LANGUAGE, Option, hint
from ..errors import SourceError
from ..model import (
    EDUCATION_CATEGORIES,
    EMPLOYMENT_TYPES,
    FIGURE_KEYS,
    SALARY_UNITS,
    Department,
    Image,
    Job,
    Office,
    Organization,
    Remote,
    Salary,
    Section,
    SourceData,
    Video,
    fingerprint,
    slugify,
)
from ..normalize import country_code, currency_code, iso_datetime, markdown_parser, markdown_to_html, safe_url, sanitize_html
from . import Source
from .welcomekit import parse_video

FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
JOB_KEYS = {
    "id", "title", "status", "date_posted", "updated_at", "valid_through", "department", "offices",
    "employment_type", "remote", "remote_countries", "salary", "experience_months", "experience",
    "education", "apply_url", "direct_apply", "language", "tags", "categories", "image", "image_alt",
    "translation_of", "company",
}  # fmt: skip
COMPANY_KEYS = {
    "id", "name", "slug", "url", "logo", "logo_alt", "cover", "cover_alt", "same_as", "description",
    "descriptions", "sectors", "figures", "offices", "gallery", "videos",
}  # fmt: skip
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PUBLISHED = {"published"}
DRAFT = {"draft"}


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Return (front matter, body) of a `+++`-delimited Markdown file."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise ValueError(f"{where}: missing front matter; start the file with a +++ line, TOML keys, and a closing +++ line")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: front matter is not valid TOML: {exc}") from None
    return meta, match.group(2)


def split_sections(markdown: str) -> tuple[Section, ...]:
    """Split a Markdown body at its `## ` headings into titled sections (one Markdown parse)."""
    md = markdown_parser()
    tokens = md.parse(markdown)
    sections: list[Section] = []
    title, start, index = "", 0, 0

    def flush(end: int) -> None:
        html = sanitize_html(md.renderer.render(tokens[start:end], md.options, {})) if end > start else ""
        if html or title:
            sections.append(Section(title=title, html=html))

    while index < len(tokens):
        token = tokens[index]
        # Only ATX `## ` headings at the top level start a section (not setext ones, not in quotes or lists).
        if token.type == "heading_open" and token.tag == "h2" and token.markup == "##" and token.level == 0:
            flush(index)
            title = tokens[index + 1].content.strip()
            index += 3  # heading_open, inline, heading_close
            start = index
            continue
        index += 1
    flush(len(tokens))
    return tuple(sections)


class LocalSource(Source):
    """Read jobs, offices and departments from files under the site's content/ folder."""

    TYPE = "local"
    GUARD_DROP = False
    OPTIONS = {
        "path": Option(str, default="content/jobs", help="folder of job Markdown files"),
        "offices": Option(str, default="content/offices.toml"),
        "departments": Option(str, default="content/departments.toml"),
        "companies": Option(str, default="content/companies.toml", help="job boards: the hiring companies"),
        "open_application_url": Option(str, help="where to send open (spontaneous) applications"),
    }

    def _tables(self, problems: list[str]) -> tuple[dict[str, Office], dict[str, Department], dict[str, Organization], str]:
        """Read offices, departments and companies; return them with the context a parsed job file depends on."""
        root = self.context.root
        offices = {o.id: o for o in self._read_table(root / self.config["offices"], "offices", self._office, problems)}
        departments = {d.id: d for d in self._read_table(root / self.config["departments"], "departments", self._department, problems)}
        companies = self._read_companies(root / self.config["companies"], offices, problems)
        # A job file's validity depends on these (its company must exist, and needs board mode).
        context = (sorted(offices.items()), sorted(departments.items()), sorted(companies.items()), self.context.mode, str(root))
        return offices, departments, companies, repr(context)

    def _job_files(self) -> tuple[Path, str, dict[str, os.DirEntry[str]]]:
        """Return the jobs folder, its path as messages show it, and its job files (by name, sorted)."""
        root = self.context.root
        folder = root / self.config["path"]
        if not folder.is_dir():
            raise SourceError(self.name, f"{self.config['path']}: no such folder; create it or set path in [[sources]]")
        # os.scandir, not Path.glob: listing 10,000 files is a noticeable part of a rebuild.
        with os.scandir(folder) as entries:
            found = {e.name: e for e in entries if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()}
        prefix = f"{folder.relative_to(root)}/" if folder.is_relative_to(root) else f"{folder}/"
        return folder, prefix, dict(sorted(found.items()))

    def fetch(self) -> SourceData:
        root = self.context.root
        problems: list[str] = []
        offices, departments, companies, context = self._tables(problems)
        board = self.context.mode == "board"
        folder, prefix, found = self._job_files()
        names = list(found)
        jobs: list[Job] = []
        warnings: list[str] = []
        seen: dict[str, str] = {}  # id -> the file that has it (relative)
        self._draft_ids: set[str] = set()
        file_warnings: dict[str, list[str]] = {}
        shared = Shared(offices, departments)
        parsed = ParseCache(self.context.cache_dir, self.name, context, shared)
        files = [os.path.join(folder, name) for name in names]
        cached: list[Job | str | ValueError | None] = [parsed.get(file) for file in files]
        missing = [index for index, job in enumerate(cached) if job is None]

        build_process = os.getpid()

        def parse(index: int) -> Job | str | bytes | ValueError:
            file = files[missing[index]]
            try:
                job = ParseCache.prepare(self._job(Path(file), prefix + names[missing[index]], offices, departments, companies))
            except ValueError as exc:
                return exc
            # From a worker, a job goes back pickled with references to the build's own offices.
            return job if os.getpid() == build_process else shared.dumps(job)

        # A first build parses every file: on both cores when there are many.
        for index, result in zip(missing, parallel.fork_map(parse, len(missing)), strict=True):
            if isinstance(result, ValueError):
                cached[index] = result
            else:
                cached[index] = parsed.put(files[index], shared.loads(result) if isinstance(result, bytes) else result)
        for name, job in zip(names, cached, strict=True):
            where = prefix + name
            if isinstance(job, ValueError):
                problems.append(str(job))
                continue
            assert job is not None
            if isinstance(job, str):  # a draft: never published, but translations may point to it
                self._draft_ids.add(job)
                continue
            if job.id in seen:
                problems.append(f"{where}: id {job.id!r} is already used by {seen[job.id]}")
                continue
            seen[job.id] = where
            jobs.append(job)
            file_warnings[name] = _job_warnings(job, where)
            warnings += file_warnings[name]
        jobs = _link_translations(jobs, seen, self._draft_ids, root, problems, parsed.link)
        if problems:
            raise SourceError(self.name, "; ".join(problems))
        parsed.save()
        warnings += self._site_warnings(companies)
        # What a quick rebuild (generator/quick.py) starts from: each file's mtime and size, the
        # job it holds (with its translation group) and its warnings.
        linked = {job.id: job for job in jobs}
        self.state["files"] = {
            name: (*entry[:2], *_file_job(linked.get(entry[2].id) if isinstance(entry[2], Job) else None), tuple(file_warnings.get(name, ())))
            for name, file in zip(names, files, strict=True)
            if (entry := parsed.new.get(file)) is not None
        }
        return SourceData(
            jobs=jobs,
            offices=list(offices.values()),
            departments=list(departments.values()),
            open_application_url=self.config.get("open_application_url"),
            warnings=warnings,
            # Every listed company, with jobs or not: the renderer decides which ones to show.
            companies=list(companies.values()) if board else [],
        )

    def _site_warnings(self, companies: dict[str, Organization]) -> list[str]:
        if companies and self.context.mode != "board":
            return [
                f"{self._relative(self.context.root / self.config['companies'])}: ignored, companies show only on a job board; "
                'set [site] mode = "board" in careers.toml to use them'
            ]
        return []

    def quick_changes(self, known: dict[str, FileEntry], most: int) -> QuickChanges | None:
        """Return what changed in the job files since the build that listed them as `known`, reading only those.

        `known` is the last build's `state["files"]`. None means a quick rebuild cannot tell (a file
        added or removed, more than `most` changed, a draft, an id, company or translation link
        changed, a problem to report, another context): the build then reads everything.
        """
        problems: list[str] = []
        offices, departments, companies, context = self._tables(problems)
        folder, prefix, found = self._job_files()
        if problems or len(found) != len(known) or not all(name in known for name in found):
            return None
        stats = {}
        for name, dirent in found.items():
            now = dirent.stat()
            if (now.st_mtime_ns, now.st_size) != known[name][:2]:
                stats[name] = (now.st_mtime_ns, now.st_size)
        sources = {"offices": list(offices.values()), "departments": list(departments.values()), "companies": companies}
        changes = QuickChanges(sources=sources, warnings=self._site_warnings(companies))
        if not stats:
            return changes
        if len(stats) > most:
            return None
        # The changed jobs' translations: their pages link to each other.
        groups = {known[name][3] for name in stats} - {None}
        twins = [name for name, entry in known.items() if entry[3] in groups and name not in stats] if groups else []
        path_of = {name: os.path.join(folder, name) for name in [*stats, *twins]}
        shared = Shared(offices, departments)
        parsed = ParseCache(self.context.cache_dir, self.name, context, shared, shards={ParseCache._shard(file) for file in path_of.values()})
        if parsed.changed:  # a shard missing or from another context
            return None
        for name in twins:
            link = parsed.old_links.get(path_of[name])
            entry = parsed.old.get(path_of[name])
            if link is None or entry is None or entry[:2] != known[name][:2] or link[1].translation_key != known[name][3]:
                return None
            changes.twins.append(link[1])
        for name, stat in stats.items():
            file = path_of[name]
            entry = parsed.old.get(file)
            if entry is None or not isinstance(entry[2], Job) or entry[:2] != known[name][:2]:
                return None
            before = entry[2]
            try:
                after = ParseCache.prepare(self._job(Path(file), prefix + name, offices, departments, companies))
            except ValueError:
                return None  # the full build reports it, with every other problem
            if not isinstance(after, Job) or (after.id, after.translation_key, after.company) != (before.id, before.translation_key, before.company):
                return None
            group = known[name][3]
            if group is not None:
                link = parsed.old_links.get(file)
                if link is None or link[0] != fingerprint(before) or link[1].translation_key != group:
                    return None
                before = link[1]
                linked = ParseCache.prepare(dataclasses.replace(after, translation_key=group))
                assert isinstance(linked, Job)
                parsed.new_links[file] = (fingerprint(after), linked)
            elif after.translation_key is not None:
                return None
            else:
                linked = after
            parsed.new[file] = (*stat, after)
            parsed.changed.add(ParseCache._shard(file))
            changes.jobs.append((name, before, linked))
            changes.files[name] = (*stat, *_file_job(linked), tuple(_job_warnings(linked, prefix + name)))
        changes.save = parsed.save
        return changes

    def _relative(self, path: Path) -> str:
        return str(path.relative_to(self.context.root)) if path.is_relative_to(self.context.root) else str(path)

    def _load_entries(self, path: Path, key: str, problems: list[str], *, strict: bool = False) -> list[dict[str, Any]]:
        """Return the [[key]] tables of a TOML file (none when it does not exist)."""
        if not path.exists():
            return []
        where = self._relative(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{where}: not valid TOML: {exc}")
            return []
        if strict:
            # A misspelt [[company]] would otherwise read as a file with no companies.
            for other in data:
                if other != key:
                    problems.append(f"{where}: unknown key {other!r}{hint(other, [key])}; write each entry as a [[{key}]] table")
        entries = data.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            problems.append(f"{where}: write each entry as a [[{key}]] table")
            return []
        return entries

    def _read_table(self, path: Path, key: str, build: Any, problems: list[str]) -> list[Any]:
        entries = self._load_entries(path, key, problems)
        where = self._relative(path)
        items = []
        for index, entry in enumerate(entries):
            try:
                items.append(build(entry, f"{where}: {key}[{index}]"))
            except ValueError as exc:
                problems.append(str(exc))
        return items

    def _office(self, entry: dict[str, Any], where: str) -> Office:
        known = {"id", "name", "street", "city", "region", "postal_code", "country", "image", "image_alt"}
        _check_keys(entry, known, where)
        if not entry.get("id") or not entry.get("name"):
            raise ValueError(f"{where}: id and name are required")
        country = country_code(entry.get("country"))
        if entry.get("country") and not country:
            raise ValueError(f'{where}.country: {entry["country"]!r} is not a country; use an ISO code such as "FR"')
        return Office(
            id=str(entry["id"]),
            name=str(entry["name"]),
            street=entry.get("street"),
            city=entry.get("city"),
            region=entry.get("region"),
            postal_code=str(entry["postal_code"]) if entry.get("postal_code") else None,
            country=country,
            image=Image(url=str(self.context.root / "content" / entry["image"]), alt=str(entry.get("image_alt", ""))) if entry.get("image") else None,
        )

    @staticmethod
    def _department(entry: dict[str, Any], where: str) -> Department:
        _check_keys(entry, {"id", "name", "description"}, where)
        if not entry.get("id") or not entry.get("name"):
            raise ValueError(f"{where}: id and name are required")
        return Department(id=str(entry["id"]), name=str(entry["name"]), description=markdown_to_html(entry.get("description")))

    def _read_companies(self, path: Path, offices: dict[str, Office], problems: list[str]) -> dict[str, Organization]:
        """Return the companies of companies.toml by their id in the file."""
        file = self._relative(path)
        companies: dict[str, Organization] = {}
        labels: dict[str, str] = {}  # id -> "companies[i]", for duplicates
        slugs: dict[str, str] = {}  # slug -> the id that has it
        for index, entry in enumerate(self._load_entries(path, "companies", problems, strict=True)):
            label = f"companies[{index}]"
            try:
                reference, company = self._company(entry, f"{file}: {label}", offices)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            where = f"{file}: {label} ({reference})"
            if reference in companies:
                problems.append(f"{where}: id {reference!r} is already used by {labels[reference]}; give each company its own id")
                continue
            if company.slug in slugs:
                other = slugs[company.slug]
                problems.append(f"{where}: slug {company.slug!r} is already used by {labels[other]} ({other}); set slug on one of them")
                continue
            companies[reference], labels[reference], slugs[company.slug] = company, label, reference
        return companies

    def _company(self, entry: dict[str, Any], where: str, offices: dict[str, Office]) -> tuple[str, Organization]:
        """Return (id in the file, company) for one [[companies]] table; `where` names the file and the entry."""
        _check_keys(entry, COMPANY_KEYS, where)
        reference, name = _string(entry, "id", where), _string(entry, "name", where)
        if not reference or not name:
            raise ValueError(f"{where}: id and name are required")
        where = f"{where} ({reference})"
        slug = _string(entry, "slug", where)
        if slug is not None and not SLUG.fullmatch(slug):
            raise ValueError(f'{where}: slug {slug!r} must be lowercase letters, digits and hyphens, e.g. slug = "{slugify(slug) or "acme"}"')
        slug = slug or slugify(name) or slugify(reference)
        if not slug:
            raise ValueError(f'{where}: neither name nor id has letters a-z or digits to make its URL from; set slug, e.g. slug = "company-1"')
        url = _string(entry, "url", where)
        if url is not None and not safe_url(url):
            raise ValueError(f"{where}: url {url!r} must be an https: or http: link")
        for picture in ("logo", "cover"):
            if f"{picture}_alt" in entry and picture not in entry:
                raise ValueError(f"{where}: {picture}_alt needs {picture}, the picture it describes")
        logo = self._content_image(entry.get("logo"), _string(entry, "logo_alt", where) or name, f"{where}: logo") if "logo" in entry else None
        cover = self._content_image(entry.get("cover"), _string(entry, "cover_alt", where) or "", f"{where}: cover") if "cover" in entry else None
        return reference, Organization(
            id=f"{self.name}:{reference}",
            slug=slug,
            name=name,
            url=url,
            logo=logo,
            cover=cover,
            same_as=_same_as(entry.get("same_as"), where),
            description=self._descriptions(entry, where),
            gallery=tuple(self._gallery(entry.get("gallery"), where)),
            sectors=_sectors(entry.get("sectors"), where),
            figures=_figures(entry.get("figures"), where),
            offices=tuple(_company_offices(entry.get("offices"), offices, where)),
            videos=_videos(entry.get("videos"), where),
        )

    def _content_image(self, value: Any, alt: str, where: str) -> Image:
        """Return the picture at `value`, a path under content/ (`where` ends with the key holding it)."""
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'{where} must be the path of a picture under content/, e.g. "media/acme.png"')
        relative = PurePosixPath(value.strip())
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f'{where} {value!r} must be a path inside content/, e.g. "media/acme.png"')
        file = self.context.root / "content" / relative
        if not file.is_file():
            raise ValueError(f'{where} {value!r} is not a file under content/; write its path from content/, e.g. "media/acme.png"')
        return Image(url=str(file), alt=alt)

    def _gallery(self, value: Any, where: str) -> list[Image]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError(
                f'{where}: gallery must be a list of pictures, e.g. gallery = ["media/office.jpg", {{ path = "media/team.jpg", alt = "The team" }}]'
            )
        images = []
        for index, item in enumerate(value):
            spot = f"{where}: gallery[{index}]"
            if isinstance(item, dict):
                _check_keys(item, {"path", "alt"}, spot)
                images.append(self._content_image(item.get("path"), _string(item, "alt", spot) or "", f"{spot}.path"))
            else:
                images.append(self._content_image(item, "", spot))
        return images

    def _descriptions(self, entry: dict[str, Any], where: str) -> dict[str, str]:
        """Return language -> sanitized HTML: `description` for every language, `descriptions` per language."""
        result: dict[str, str] = {}
        if isinstance(entry.get("description"), dict):
            raise ValueError(
                f'{where}: description must be Markdown text; for one text per language write descriptions = {{ en = "...", fr = "..." }}'
            )
        text = _string(entry, "description", where)
        if text and text.strip():
            result[""] = markdown_to_html(text)
        table = entry.get("descriptions")
        if table is None:
            return result
        if not isinstance(table, dict):
            raise ValueError(f'{where}: descriptions must be a table of language = Markdown, e.g. descriptions = {{ en = "...", fr = "..." }}')
        languages = self.context.languages
        for language, value in table.items():
            if language not in languages:
                raise ValueError(
                    f"{where}: descriptions.{language} is not one of the site's languages ({', '.join(languages)}){hint(language, languages)}"
                )
            if not isinstance(value, str):
                raise ValueError(f"{where}: descriptions.{language} must be Markdown text in quotes")
            if value.strip():
                result[language] = markdown_to_html(value)
        return result

    def _job(
        self, file: Path, where: str, offices: dict[str, Office], departments: dict[str, Department], companies: dict[str, Organization]
    ) -> Job | str:
        """Return the job a file describes, or the id of a draft."""
        meta, body = split_front_matter(file.read_text(encoding="utf-8"), where)
        _check_keys(meta, JOB_KEYS, where)
        status = str(meta.get("status", "published")).lower()
        if status in DRAFT:
            return str(meta.get("id") or file.stem)
        if status not in PUBLISHED:
            raise ValueError(f'{where}: status {meta["status"]!r} must be "published" or "draft"')
        title = meta.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"{where}: title is required")
        posted = _date(meta.get("date_posted"), f"{where}: date_posted")
        if posted is None:
            raise ValueError(f"{where}: date_posted is required (e.g. date_posted = 2026-01-31)")
        department = None
        if meta.get("department") is not None:
            department = departments.get(str(meta["department"]))
            if department is None:
                raise ValueError(f"{where}: department {meta['department']!r} is not in departments.toml{hint(str(meta['department']), departments)}")
        job_offices = []
        for ref in _list(meta.get("offices")):
            if str(ref) not in offices:
                raise ValueError(f"{where}: office {ref!r} is not in offices.toml{hint(str(ref), offices)}")
            job_offices.append(offices[str(ref)])
        kinds = tuple(str(k).upper() for k in _list(meta.get("employment_type")))
        for kind in kinds:
            if kind not in EMPLOYMENT_TYPES:
                raise ValueError(f"{where}: employment_type {kind!r} is not one of {', '.join(EMPLOYMENT_TYPES)}")
        try:
            remote = Remote(str(meta.get("remote", "no")).lower())
        except ValueError:
            raise ValueError(f"{where}: remote must be one of {', '.join(r.value for r in Remote)}") from None
        education = meta.get("education")
        if education is not None and education not in EDUCATION_CATEGORIES:
            raise ValueError(f"{where}: education must be one of {', '.join(EDUCATION_CATEGORIES)}")
        image = None
        if meta.get("image"):
            image = Image(url=str(self.context.root / "content" / meta["image"]), alt=str(meta.get("image_alt", "")))
        countries = []
        for value in _list(meta.get("remote_countries")):
            code = country_code(value)
            if not code:
                raise ValueError(f"{where}: remote_countries {value!r} is not a country")
            countries.append(code)
        if remote is Remote.FULL and not countries and not any(o.country for o in job_offices):
            # Google needs applicantLocationRequirements on every TELECOMMUTE posting (../shared/jobposting.md).
            raise ValueError(f'{where}: remote = "full" needs remote_countries, the countries applicants may live in, e.g. remote_countries = ["DE"]')
        apply_url = meta.get("apply_url")
        if apply_url is not None and not safe_url(apply_url, mailto=True):
            raise ValueError(f"{where}: apply_url {apply_url!r} must be an https:, http: or mailto: link")
        months = meta.get("experience_months")
        if months is not None and (isinstance(months, bool) or not isinstance(months, int) or months < 0):
            raise ValueError(f"{where}: experience_months must be a whole number of months, e.g. experience_months = 36")
        language = meta.get("language")
        if language is not None and not (isinstance(language, str) and LANGUAGE.match(language)):
            raise ValueError(f'{where}: language {language!r} must be a language code such as "en" or "fr"')
        categories = meta.get("categories") or {}
        if not isinstance(categories, dict):
            raise ValueError(f'{where}: categories must be a table, e.g. categories = {{ "Working hours" = "24 hours a week" }}')
        company = self._job_company(meta.get("company"), companies, where)
        sections = split_sections(body)
        if not sections:
            raise ValueError(f"{where}: the description (the Markdown after the front matter) is empty")
        return Job(
            source=self.name,
            id=str(meta.get("id") or file.stem),
            title=title.strip(),
            date_posted=posted,
            sections=sections,
            department=department,
            offices=tuple(job_offices),
            employment_types=kinds,
            remote=remote,
            salary=_salary(meta.get("salary"), where),
            experience_months=months,
            experience_label=meta.get("experience"),
            education=education,
            valid_through=_date(meta.get("valid_through"), f"{where}: valid_through"),
            updated_at=_date(meta.get("updated_at"), f"{where}: updated_at"),
            apply_url=apply_url,
            direct_apply=bool(meta.get("direct_apply", False)),
            language=language,
            tags=tuple(sorted({str(t) for t in _list(meta.get("tags"))})),
            categories=tuple((str(k), str(v)) for k, v in categories.items()),
            image=image,
            remote_countries=tuple(countries),
            translation_key=str(meta["translation_of"]) if meta.get("translation_of") else None,
            company=company,
        )

    def _job_company(self, value: Any, companies: dict[str, Organization], where: str) -> str | None:
        """Return the Organization.id of the job's `company`."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'{where}: company must be the id of a company in companies.toml, e.g. company = "acme"')
        if self.context.mode != "board":
            raise ValueError(f'{where}: company needs [site] mode = "board" in careers.toml; set it, or remove company from this job')
        found = companies.get(value)
        if found is None:
            raise ValueError(f"{where}: company {value!r} is not in companies.toml{hint(value, companies)}")
        return found.id


class Shared:
    """Pickle jobs with their offices and departments as references to this build's own objects.

    Pickled apart (one shard of the cache, or one worker's results), each batch of jobs would
    otherwise bring its own copies of every office it names: at 50,000 jobs, tens of thousands of
    copies. A stored reference is only valid with the same offices and departments, which the
    parsed-file cache's context guarantees.
    """

    def __init__(self, offices: dict[str, Office], departments: dict[str, Department]):
        self.objects: dict[tuple[str, str], Office | Department] = {
            **{("office", key): office for key, office in offices.items()},
            **{("department", key): department for key, department in departments.items()},
        }
        self.ids = {id(obj): key for key, obj in self.objects.items()}

    def dump(self, value: Any, handle: BinaryIO) -> None:
        pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda obj: self.ids.get(id(obj))  # type: ignore[method-assign]
        pickler.dump(value)

    def dumps(self, value: Any) -> bytes:
        buffer = io.BytesIO()
        self.dump(value, buffer)
        return buffer.getvalue()

    def load(self, handle: BinaryIO) -> Any:
        unpickler = pickle.Unpickler(handle)  # noqa: S301 - written by this program into the site's own cache folder, or by its workers
        unpickler.persistent_load = self.objects.__getitem__  # type: ignore[method-assign]
        return unpickler.load()

    def loads(self, data: bytes) -> Any:
        return self.load(io.BytesIO(data))


class ParseCache:
    """Parsed job files from the last build, reused while a file's size and mtime are unchanged.

    Parsing Markdown is most of a local build's fetch; a 10,000-job rebuild re-reads only the files
    that changed. The cache is split into SHARDS files by a hash of each job file's path, and a
    rebuild writes again only the shards holding a changed file. It is dropped when the offices,
    departments, companies, mode, site folder or code change.
    """

    VERSION = 5
    SHARDS = 64

    def __init__(self, cache_dir: Path | None, source: str, context: str, shared: Shared | None = None, shards: set[int] | None = None):
        self.folder = cache_dir / "parsed" / source if cache_dir else None
        self.shared = shared or Shared({}, {})
        self.context = f"{code_digest()}\0{self.VERSION}\0{context}"
        self.old: dict[str, tuple[int, int, Job | str]] = {}
        self.new: dict[str, tuple[int, int, Job | str]] = {}
        # file -> (fingerprint of its job as parsed, the job with its translation_key set), kept in
        # the file's shard: one pickle then holds both forms, which share their sections and offices.
        self.old_links: dict[str, tuple[str, Job]] = {}
        self.new_links: dict[str, tuple[str, Job]] = {}
        self._files: dict[str, str] = {}  # job id -> its file
        self.changed: set[int] = set()  # shards to write again
        if self.folder is None:
            return
        (self.folder.parent / f"{source}.pickle").unlink(missing_ok=True)  # an earlier version's single file
        for shard in range(self.SHARDS) if shards is None else sorted(shards):
            try:
                # Written by this program into the site's own cache folder, like the snapshots.
                with (self.folder / f"{shard}.pickle").open("rb") as handle, collector_paused():
                    stored = self.shared.load(handle)
                if not (isinstance(stored, dict) and stored.get("context") == self.context):
                    raise ValueError("another context")
                self.old.update(stored["files"])
                self.old_links.update(stored["links"])
            except Exception:  # noqa: BLE001 - a missing or damaged shard only costs parsing its files again
                self.changed.add(shard)
        if shards is not None:
            # Some shards only (a quick rebuild): they are written back whole, with what changed.
            self.new, self.new_links = dict(self.old), dict(self.old_links)

    @classmethod
    def _shard(cls, name: str) -> int:
        return zlib.crc32(name.encode("utf-8", "surrogateescape")) % cls.SHARDS

    @staticmethod
    def _stat(file: str) -> tuple[int, int]:
        stat = os.stat(file)
        return stat.st_mtime_ns, stat.st_size

    def get(self, file: str) -> Job | str | None:
        entry = self.old.get(file)
        if entry is None or entry[:2] != self._stat(file):
            return None
        self.new[file] = entry
        if isinstance(entry[2], Job):
            self._files.setdefault(entry[2].id, file)
        return entry[2]

    @staticmethod
    def prepare(value: Job | str) -> Job | str:
        """Compute what a job memoizes, so that it is stored with the job (and a rebuild skips it)."""
        if isinstance(value, Job):
            fingerprint(value), value.slug, value.key  # noqa: B018 - memoized in the job's __dict__
        return value

    def put(self, file: str, value: Job | str) -> Job | str:
        self.new[file] = (*self._stat(file), self.prepare(value))
        self.changed.add(self._shard(file))
        if isinstance(value, Job):
            self._files.setdefault(value.id, file)
        return value

    def link(self, job: Job, translation_key: str) -> Job:
        """Return `job` with its translation_key set: the last build's object when the job is the same.

        A new object would have to compute its fingerprint again, and a rebuild would pay that for
        every translated job.
        """
        file = self._files[job.id]
        old = self.old_links.get(file)
        if old is not None and old[0] == fingerprint(job) and old[1].translation_key == translation_key:
            linked = old[1]
        else:
            linked = dataclasses.replace(job, translation_key=translation_key)
            self.prepare(linked)
            self.changed.add(self._shard(file))
        self.new_links[file] = (fingerprint(job), linked)
        return linked

    def save(self) -> None:
        """Write again the shards whose files or translation links changed."""
        if self.folder is None:
            return
        for gone in (self.old.keys() - self.new.keys()) | (self.old_links.keys() - self.new_links.keys()):
            self.changed.add(self._shard(gone))
        if not self.changed:
            return
        shards: dict[int, dict[str, Any]] = {n: {"context": self.context, "files": {}, "links": {}} for n in self.changed}
        for kind, entries in (("files", self.new), ("links", self.new_links)):
            for name, entry in entries.items():
                shard = shards.get(self._shard(name))
                if shard is not None:
                    shard[kind][name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        for number, shard in shards.items():
            path = self.folder / f"{number}.pickle"
            temp = path.with_name(f".{path.name}.tmp")
            with temp.open("wb") as handle:
                self.shared.dump(shard, handle)
            os.replace(temp, path)
        self.changed = set()


# A job file as the last build saw it: mtime_ns, size, its job's key and translation_key (None for
# a draft), and its warnings.
FileEntry = tuple[int, int, str | None, str | None, tuple[str, ...]]


@dataclasses.dataclass
class QuickChanges:
    """What a quick rebuild needs from the local source (LocalSource.quick_changes)."""

    sources: dict[str, Any]  # offices, departments, companies, as read now
    jobs: list[tuple[str, Job, Job]] = dataclasses.field(default_factory=list)  # (file name, as last built, as now), translation keys set
    twins: list[Job] = dataclasses.field(default_factory=list)  # the unchanged translations of the changed jobs
    files: dict[str, FileEntry] = dataclasses.field(default_factory=dict)  # state["files"] entries of the changed files
    warnings: list[str] = dataclasses.field(default_factory=list)  # the site's own warnings (not a job file's)
    save: Callable[[], None] = lambda: None  # writes the parsed-file cache's changed shards


def _file_job(job: Job | None) -> tuple[str | None, str | None]:
    return (job.key, job.translation_key) if job is not None else (None, None)


def _job_warnings(job: Job, where: str) -> list[str]:
    if not job.apply_url:
        return [f"{where}: no apply_url, so the page has no apply button; add one (an https: or mailto: link)"]
    return []


def _link_translations(
    jobs: list[Job], files: dict[str, str], drafts: set[str], root: Path, problems: list[str], link: Callable[[Job, str], Job]
) -> list[Job]:
    """Give a job and its translations (`translation_of = "<id>"`) one shared translation_key: the original's id."""
    by_id = {job.id: job for job in jobs}
    originals: set[str] = set()
    linked = []
    for job in jobs:
        ref = job.translation_key
        if ref is not None:
            if ref not in by_id and ref not in drafts:
                problems.append(f"{files[job.id]}: translation_of {ref!r} is not the id of a job; write the id of the job this one translates")
                continue
            if ref in by_id and by_id[ref].company != job.company:
                theirs, mine = _company_name(by_id[ref].company), _company_name(job.company)
                problems.append(
                    f"{files[job.id]}: company {mine} differs from {theirs} of {ref!r}, the job it translates; give both the same company"
                )
                continue
            # A translation of a translation still points at the original.
            ref = (by_id[ref].translation_key or ref) if ref in by_id else ref
            originals.add(ref)
            job = link(job, ref)
        linked.append(job)
    return [link(j, j.id) if j.translation_key is None and j.id in originals else j for j in linked]


def _company_name(company: str | None) -> str:
    """Return how a job's company is written in its file: its id in companies.toml, quoted, or "(none)"."""
    return repr(company.split(":", 1)[1]) if company else "(none)"


def _string(entry: dict[str, Any], key: str, where: str) -> str | None:
    """Return entry[key] stripped (None when absent), refusing anything but text."""
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        example = f', e.g. {key} = "{value}"' if isinstance(value, (int, float)) else ""
        raise ValueError(f"{where}: {key} must be text in quotes{example}")
    return value.strip()


def _same_as(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f'{where}: same_as must be a list of https: links, e.g. same_as = ["https://www.linkedin.com/company/acme"]')
    for link in value:
        if not (safe_url(link) or "").lower().startswith("https://"):
            raise ValueError(f"{where}: same_as {link!r} must be an https: link")
    return tuple(dict.fromkeys(link.strip() for link in value))


def _sectors(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(name, str) and name.strip() for name in value):
        raise ValueError(f'{where}: sectors must be a list of names, e.g. sectors = ["Software", "Health"]')
    return tuple(dict.fromkeys(" ".join(name.split()) for name in value))


def _figures(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """Return (FIGURE_KEYS key, value as written) pairs, in the order pages show them."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ValueError(f'{where}: figures must be a table, e.g. figures = {{ employees = 120, founded = 2014, revenue = "12 M€" }}')
    for key, figure in value.items():
        if key not in FIGURE_KEYS:
            raise ValueError(f"{where}: figures: unknown key {key!r}{hint(key, FIGURE_KEYS)}; use {', '.join(FIGURE_KEYS)}")
        if isinstance(figure, bool) or not isinstance(figure, (int, float, str)) or not str(figure).strip():
            raise ValueError(f'{where}: figures.{key} must be a number or text, e.g. {key} = 120 or {key} = "about 120"')
    return tuple((key, " ".join(str(value[key]).split())) for key in FIGURE_KEYS if key in value)


def _company_offices(value: Any, offices: dict[str, Office], where: str) -> list[Office]:
    found = []
    for ref in _list(value):
        if str(ref) not in offices:
            raise ValueError(f"{where}: office {ref!r} is not in offices.toml{hint(str(ref), offices)}")
        found.append(offices[str(ref)])
    return found


def _videos(value: Any, where: str) -> tuple[Video, ...]:
    """Return the videos; a player URL is built only for YouTube and Dailymotion (as Welcome Kit's are)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(
            f'{where}: write videos as a list of tables, e.g. videos = [{{ url = "https://www.youtube.com/watch?v=...", title = "..." }}]'
        )
    videos: dict[str, Video] = {}
    for index, item in enumerate(value):
        spot = f"{where}: videos[{index}]"
        _check_keys(item, {"url", "title", "description"}, spot)
        url = _string(item, "url", spot)
        if not url:
            raise ValueError(f"{spot}: url is required, the https: page to watch the video on")
        if not (safe_url(url) or "").lower().startswith("https://"):
            raise ValueError(f"{spot}: url {url!r} must be an https: link")
        video = parse_video({"url": url, "name": _string(item, "title", spot)})
        if video is None:  # parse_video keeps every https URL; this only guards a change there
            raise ValueError(f"{spot}: url {url!r} must be an https: link")
        # Plain text as written (parse_video reads Welcome Kit's HTML); the theme escapes it.
        video = dataclasses.replace(video, description=" ".join((_string(item, "description", spot) or "").split()))
        if video.provider in ("youtube", "dailymotion") and video.embed_url is None:
            example = "https://www.youtube.com/watch?v=<id>" if video.provider == "youtube" else "https://www.dailymotion.com/video/<id>"
            raise ValueError(f"{spot}: url {url!r} is not the link of one video; use a link such as {example}")
        if video.url in videos:
            raise ValueError(f"{spot}: url {url!r} is listed twice; keep it once")
        videos[video.url] = video
    return tuple(videos.values())


def _check_keys(entry: dict[str, Any], known: set[str], where: str) -> None:
    for key in entry:
        if key not in known:
            raise ValueError(f"{where}: unknown key {key!r}{hint(key, known)}")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _date(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return iso_datetime(value)
    result = iso_datetime(value)
    if result is None:
        raise ValueError(f"{where} {value!r} is not a date; write 2026-01-31 or 2026-01-31T09:00:00+01:00")
    return result


def _salary(value: Any, where: str) -> Salary | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f'{where}: salary must be a table: {{ min = 50000, max = 60000, currency = "EUR", unit = "YEAR" }}')
    _check_keys(value, {"min", "max", "currency", "unit"}, f"{where}: salary")
    currency = currency_code(value.get("currency"))
    if not currency:
        raise ValueError(f'{where}: salary.currency {value.get("currency")!r} is not an ISO 4217 code such as "EUR"')
    unit = str(value.get("unit", "YEAR")).upper()
    if unit not in SALARY_UNITS:
        raise ValueError(f"{where}: salary.unit must be one of {', '.join(SALARY_UNITS)}")
    low, high = value.get("min"), value.get("max")
    if low is None and high is None:
        raise ValueError(f"{where}: salary needs min, max or both")
    for amount in (low, high):
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0):
            raise ValueError(f"{where}: salary amounts must be numbers without quotes or units, e.g. min = 50000; got {amount!r}")
    if low is not None and high is not None and low > high:
        raise ValueError(f"{where}: salary min {low} is above max {high}")
    return Salary(currency=currency, unit=unit, min=float(low) if low is not None else None, max=float(high) if high is not None else None)


SOURCE = LocalSource
