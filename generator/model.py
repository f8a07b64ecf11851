"""The normalized vocabulary every source fills and every theme reads.

No I/O and nothing source-specific lives here: a source maps its payloads into these types
(see ../shared/api/mapping.md), the renderer only ever sees these types.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, TypeVar

# Google's case-sensitive employmentType values.
EMPLOYMENT_TYPES = (
    "FULL_TIME",
    "PART_TIME",
    "CONTRACTOR",
    "TEMPORARY",
    "INTERN",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
)
# Google's case-sensitive baseSalary unitText values.
SALARY_UNITS = ("HOUR", "DAY", "WEEK", "MONTH", "YEAR")
# Google's educationRequirements credentialCategory values.
EDUCATION_CATEGORIES = (
    "high school",
    "associate degree",
    "bachelor degree",
    "professional certificate",
    "postgraduate degree",
)


T = TypeVar("T")


def _pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle a slotted dataclass as its constructor and field values.

    The __getstate__/__setstate__ that dataclasses give slotted classes look their fields up on
    every call: loading the parsed-file cache of 10,000 jobs took twice as long.
    """
    values = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:  # noqa: N807 - the pickle protocol's name
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Remote(StrEnum):
    """How much of the job can be done away from the office."""

    NO = "no"  # on site
    OCCASIONAL = "occasional"  # now and then
    HYBRID = "hybrid"  # part of the week
    FULL = "full"  # 100 % remote: the only level that earns TELECOMMUTE


@_pickled_by_fields
@dataclass(frozen=True, slots=True)  # slots: a 50,000-job site holds hundreds of thousands
class Image:
    """A picture the site shows; `path` is set once it is stored in the site."""

    url: str
    alt: str = ""
    path: str | None = None  # site-relative path after download, e.g. "media/ab12.jpg"
    width: int | None = None
    height: int | None = None
    variants: tuple[tuple[int, str], ...] = ()  # (width, site path) of resized copies


@dataclass(frozen=True)
class Video:
    """A company video: shown as a link, or an embed that loads nothing until the visitor asks."""

    url: str  # the page to watch it on (https)
    title: str = ""
    provider: str = ""  # "youtube", "dailymotion", "vimeo" or "" when unknown
    embed_url: str | None = None  # the provider's player URL, only for known providers
    thumbnail: Image | None = None
    description: str = ""  # plain text


# Keys of Organization.figures, in the order pages show them (themes translate the labels).
FIGURE_KEYS = ("employees", "founded", "average_age", "parity_women", "parity_men", "turnover", "revenue")


@dataclass(frozen=True)
class Organization:
    """The hiring organization: the site's own, or one company of a job board."""

    name: str = ""
    url: str | None = None
    logo: Image | None = None
    cover: Image | None = None
    same_as: tuple[str, ...] = ()
    # language -> sanitized HTML; the key "" holds the text for every language
    description: dict[str, str] = field(default_factory=dict)
    gallery: tuple[Image, ...] = ()
    # Job boards: a company's identity in its source, its URL segment and what its page shows.
    id: str = ""  # "<source>:<reference>"; jobs point to it with Job.company
    slug: str = ""  # set by the source (the ATS's own slug) or the build; unique across the site
    sectors: tuple[str, ...] = ()  # readable names
    figures: tuple[tuple[str, str], ...] = ()  # (a FIGURE_KEYS key, value as given)
    offices: tuple[Office, ...] = ()
    videos: tuple[Video, ...] = ()

    def merged(self, other: Organization) -> Organization:
        """Return this organization completed by `other` where this one is empty."""
        values = {}
        for f in dataclasses.fields(self):
            mine = getattr(self, f.name)
            values[f.name] = mine if mine else getattr(other, f.name)
        return Organization(**values)


@dataclass(frozen=True)
class Office:
    """A place people report to work."""

    id: str
    name: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    image: Image | None = None

    @functools.cached_property
    def slug(self) -> str:
        return slugify(self.name) or slugify(self.id)


@dataclass(frozen=True)
class Department:
    """The team a job belongs to."""

    id: str
    name: str
    description: str = ""  # sanitized HTML

    @functools.cached_property
    def slug(self) -> str:
        return slugify(self.name) or slugify(self.id)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)  # slots: a 50,000-job site holds hundreds of thousands
class Salary:
    """A base salary or range; amounts are numbers, currency ISO 4217."""

    currency: str
    unit: str  # one of SALARY_UNITS
    min: float | None = None
    max: float | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)  # slots: a 50,000-job site holds hundreds of thousands
class Section:
    """A titled part of a job description."""

    title: str
    html: str  # sanitized


@dataclass(frozen=True)
class Job:
    """One published position."""

    source: str  # the name of the source it came from
    id: str  # the job's own id in its source (JobPosting identifier.value)
    title: str
    date_posted: str  # ISO 8601 with offset, or YYYY-MM-DD
    sections: tuple[Section, ...] = ()  # description, in order
    department: Department | None = None
    offices: tuple[Office, ...] = ()
    employment_types: tuple[str, ...] = ()  # values of EMPLOYMENT_TYPES
    employment_label: str | None = None  # the source's own wording, shown on the page
    remote: Remote = Remote.NO
    salary: Salary | None = None
    experience_months: int | None = None
    experience_label: str | None = None
    education: str | None = None  # one of EDUCATION_CATEGORIES
    education_label: str | None = None
    valid_through: str | None = None
    updated_at: str | None = None
    apply_url: str | None = None
    direct_apply: bool = False
    language: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[tuple[str, str], ...] = ()  # (name, value) shown on the page
    image: Image | None = None
    # The countries a fully remote applicant may live in (alpha-2); defaults to the offices'.
    remote_countries: tuple[str, ...] = ()
    # Jobs of one source sharing a translation_key are translations of each other (one per language).
    translation_key: str | None = None
    # Set by the build when two sources have a job with the same title and id (their URLs must differ).
    slug_suffix: str = ""
    # Job boards: the Organization.id of the company hiring (None: the site's own organization).
    company: str | None = None

    @functools.cached_property  # read hundreds of thousands of times per build
    def key(self) -> str:
        """Return the job's identity across sources."""
        return f"{self.source}:{self.id}"

    @functools.cached_property
    def slug(self) -> str:
        """Return the URL segment: the id keeps it stable when the title changes."""
        return "-".join(part for part in (slugify(self.title)[:60].strip("-"), slugify(self.id), self.slug_suffix) if part)

    @property
    def countries(self) -> tuple[str, ...]:
        if self.remote_countries:
            return self.remote_countries
        seen: dict[str, None] = {}
        for office in self.offices:
            if office.country:
                seen[office.country] = None
        return tuple(seen)

    @property
    def description_html(self) -> str:  # not cached: a second copy of every description costs more memory than the join
        parts = []
        for section in self.sections:
            if section.title:
                parts.append(f"<h2>{escape_text(section.title)}</h2>")
            parts.append(section.html)
        return "\n".join(parts)


@dataclass(frozen=True)
class ContentPage:
    """A page written in content/pages/*.md."""

    slug: str
    title: str
    html: str
    language: str | None = None
    description: str = ""


@dataclass
class SourceData:
    """Everything one source delivered, already normalized."""

    jobs: list[Job] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    organization: Organization = field(default_factory=Organization)
    open_application_url: str | None = None
    pages: list[ContentPage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    companies: list[Organization] = field(default_factory=list)  # job boards: the hiring companies


def escape_text(text: str) -> str:
    """Escape text for HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Return a lowercase ASCII URL segment for `text` (Hebrew and other scripts fall back to "")."""
    normalized = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", normalized.lower()).strip("-")


_PLAIN = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_jsonable(value: Any) -> Any:
    """Turn model objects into plain JSON values (for snapshots and jobs.json)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def fingerprint(value: Any) -> str:
    """Return the SHA-256 of a model object's canonical JSON, computed once per object."""
    cached = value.__dict__.get("_fingerprint")
    if cached is None:
        cached = hashlib.sha256(json.dumps(to_jsonable(value), sort_keys=True).encode()).hexdigest()
        value.__dict__["_fingerprint"] = cached  # frozen dataclasses still have a __dict__
    return cached


@dataclass
class Site:
    """Everything the renderer needs: all sources merged, with site overrides applied."""

    jobs: list[Job] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    organization: Organization = field(default_factory=Organization)
    open_application_url: str | None = None
    pages: list[ContentPage] = field(default_factory=list)
    closed: list[ClosedJob] = field(default_factory=list)
    moved: list[tuple[str, Job]] = field(default_factory=list)  # (old slug, job) after a rename
    media: dict[str, bytes | Path] = field(default_factory=dict)  # stored images: site path -> bytes, or the cache file holding them
    og_images: dict[str, Image] = field(default_factory=dict)  # job key -> its Open Graph picture
    warnings: list[str] = field(default_factory=list)
    companies: list[Organization] = field(default_factory=list)  # job boards: every hiring company

    def company_of(self, job: Job) -> Organization:
        """Return the organization hiring for `job`: its company on a job board, else the site's."""
        if job.company is None:
            return self.organization
        # Indexed once per list: a new list (store_images replaces the companies) gets a new index.
        cached = self.__dict__.get("_companies_index")
        if cached is None or cached[0] is not self.companies or cached[1] != len(self.companies):
            cached = self.__dict__["_companies_index"] = (self.companies, len(self.companies), {c.id: c for c in self.companies})
        return cached[2].get(job.company, self.organization)


@dataclass(frozen=True)
class ClosedJob:
    """A job that left its source: its URL lives on for a while without JobPosting markup."""

    key: str
    title: str
    slug: str
    language: str | None
    department: Department | None
    closed_at: str  # ISO date
