"""Pure helpers sources share to turn vendor values into model values."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import nh3
import pycountry
from babel import Locale
from markdown_it import MarkdownIt

from .model import slugify

# Tags a job description may keep; everything else (script, style, iframe, form...) is removed
# with its content or unwrapped, and so are event handlers and javascript: URLs.
ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "a", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "code", "pre", "hr", "span", "div", "sub", "sup", "table", "thead", "tbody", "tr",
    "th", "td", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}
BLOCK_TAG = re.compile(r"<\s*(p|br|ul|ol|li|div|h[1-6]|table|blockquote)\b", re.IGNORECASE)


def sanitize_html(html: str | None) -> str:
    """Return `html` reduced to safe formatting tags (no script, handlers or javascript: URLs)."""
    if not html:
        return ""
    # Headings inside a job page sit below the page's own h1.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html, flags=re.IGNORECASE)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    # Raw HTML inside Markdown is kept, then sanitized like any other HTML.
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def markdown_to_html(text: str | None) -> str:
    """Render Markdown and sanitize the result."""
    if not text:
        return ""
    return sanitize_html(markdown_parser().render(text))


def html_or_markdown(text: str | None) -> str:
    """Treat `text` as HTML when it has block tags, else as Markdown; sanitize either way."""
    if not text or not text.strip():
        return ""
    if BLOCK_TAG.search(text):
        return sanitize_html(text)
    return markdown_to_html(text)


def plain_text(html: str) -> str:
    """Strip tags from sanitized HTML (for meta descriptions and search)."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")
    return re.sub(r"\s+", " ", text).strip()


# Names pycountry does not know: old or common English names, and the home nations of the UK.
_COUNTRY_ALIASES = {
    "UK": "GB", "EL": "GR", "USA": "US", "UAE": "AE", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB", "NORTHERN IRELAND": "GB",
    "GREAT BRITAIN": "GB", "TURKEY": "TR", "IVORY COAST": "CI", "BURMA": "MM", "SWAZILAND": "SZ", "HOLLAND": "NL", "CZECHIA": "CZ",
    "SOUTH KOREA": "KR", "NORTH KOREA": "KP", "RUSSIA": "RU", "VATICAN": "VA", "MACAU": "MO",
}  # fmt: skip
# Country names in these languages ("Deutschland", "España", "ישראל") are read too (CLDR, through babel).
_NAME_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "sk", "he", "ar", "tr", "ru", "ja", "zh")


def _fold(text: str) -> str:
    """Return `text` case- and accent-insensitive ("España" and "espana" meet)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in _NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            # Regions ("150"), groupings ("EU") and codes pycountry lacks ("XK") are not countries here.
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(_fold(name), code)
    return names


def country_code(value: Any) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a code or a country name (English or local), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _country_code(" ".join(value.split()))


@lru_cache(maxsize=1024)
def _country_code(text: str) -> str | None:
    exact = country_from_name(text)
    if exact or len(text) <= 3:
        return exact
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return str(matches[0].alpha_2) if len(matches) == 1 else None


@lru_cache(maxsize=1024)
def country_from_name(text: str) -> str | None:
    """Return the alpha-2 code when `text` is exactly a country's code or name (no fuzzy matching)."""
    upper = text.strip().upper()
    if not upper:
        return None
    if upper in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[upper]
    if len(upper) == 2:
        return upper if upper.isascii() and pycountry.countries.get(alpha_2=upper) else None
    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        return _country_names().get(_fold(text))


def currency_code(value: Any) -> str | None:
    """Return an ISO 4217 code, upper-cased, or None when it is not one."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if pycountry.currencies.get(alpha_3=code) else None


_EMPLOYMENT_WORDS = [
    (r"full time|fulltime|permanent|cdi", "FULL_TIME"),
    (r"part time|parttime", "PART_TIME"),
    (r"contractor|contract|freelance|freelancer", "CONTRACTOR"),
    (r"temporary|temp|fixed term|cdd", "TEMPORARY"),
    (r"internship|intern|stage", "INTERN"),
    (r"volunteer|volunteering", "VOLUNTEER"),
    (r"per diem", "PER_DIEM"),
]


def employment_from_text(value: Any) -> str | None:
    """Map free-text employment wording ("Full-time", "Contract") to Google's enum; None stays None."""
    if not isinstance(value, str) or not value.strip():
        return None
    words = re.sub(r"[^a-z]+", " ", value.lower()).strip()
    if words.replace(" ", "_").upper() in ("FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"):
        return words.replace(" ", "_").upper()
    for pattern, kind in _EMPLOYMENT_WORDS:
        if re.fullmatch(pattern, words):
            return kind
    return "OTHER"


def parse_number(value: Any) -> float | None:
    """Read a salary amount given as a number or a string ("45000", "45 000", "45,000.50").

    Only finite, non-negative amounts are numbers here: NaN, infinity (JSON parsers accept both)
    and negative values are None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def iso_datetime(value: Any) -> str | None:
    """Return an ISO 8601 timestamp with offset (seconds precision) or a plain YYYY-MM-DD.

    A timestamp without an offset is taken as UTC; milliseconds are dropped (Google accepts
    both, and some validators reject fractions). An offset with seconds ("+05:30:15") is no
    ISO 8601 offset, so such a time is given in UTC. Anything unreadable is None.
    """
    try:
        moment = _moment(value)
    except (ValueError, OverflowError, OSError):  # out of range: year 0, a timestamp beyond time_t
        return None
    if moment is None or isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        moment = moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat()


def safe_url(value: Any, *, mailto: bool = False) -> str | None:
    """Return `value` when it is an absolute http(s) URL (or, if allowed, mailto:), else None.

    The one URL check of the package: a javascript:, relative or broken link is never used.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1": a broken IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return text
    if mailto and scheme == "mailto" and parts.path:
        return text
    return None


def rfc3339(value: str) -> str:
    """Return an RFC 3339 date-time for feeds: a bare date becomes midnight UTC."""
    return value if "T" in value else f"{value}T00:00:00Z"


@lru_cache(maxsize=65536)
def instant(value: str) -> str:
    """Return a sort key for an ISO date or timestamp: the moment in UTC, whatever its offset."""
    try:
        moment = datetime.fromisoformat(rfc3339(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _moment(value: Any) -> datetime | str | None:
    """Return the datetime `value` names, a plain date as its ISO string, or None."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text).isoformat()
        if re.fullmatch(r"[0-9]{9,13}", text):  # a Unix time in seconds or milliseconds, sent as a string
            return _moment(int(text))
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return None


def first(mapping: dict[str, Any], *keys: str) -> Any:
    """Return the value of the first key present with a non-empty value."""
    for key in keys:
        value = mapping.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def ascii_id(prefix: str, text: str) -> str:
    """Return `text` when it can make a URL segment, else a stable ASCII id (a Hebrew name has no slug)."""
    return text if slugify(text) else hashed_id(prefix, text)


def hashed_id(prefix: str, text: str) -> str:
    """Return a stable ASCII id for `text`, e.g. "office-3f9c1a7e5b"."""
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"
