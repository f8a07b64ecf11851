"""Pure helpers sources share to turn vendor values into model values."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import nh3
import pycountry
from markdown_it import MarkdownIt

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
def _markdown() -> MarkdownIt:
    # Raw HTML inside Markdown is kept, then sanitized like any other HTML.
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def markdown_to_html(text: str | None) -> str:
    """Render Markdown and sanitize the result."""
    if not text:
        return ""
    return sanitize_html(_markdown().render(text))


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


_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR", "USA": "US", "UAE": "AE", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB"}


def country_code(value: Any) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a code or an English country name, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    upper = text.upper()
    if upper in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[upper]
    if len(upper) == 2:
        return upper if pycountry.countries.get(alpha_2=upper) else None
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return str(matches[0].alpha_2) if len(matches) == 1 else None


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
    """Read a salary amount given as a number or a string ("45000", "45 000", "45,000.50")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
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
        return number if number >= 0 else None
    return None


def iso_datetime(value: Any) -> str | None:
    """Return an ISO 8601 timestamp with offset (seconds precision) or a plain YYYY-MM-DD.

    A timestamp without an offset is taken as UTC; milliseconds are dropped (Google accepts
    both, and some validators reject fractions).
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0).isoformat()


def rfc3339(value: str) -> str:
    """Return an RFC 3339 date-time for feeds: a bare date becomes midnight UTC."""
    return value if "T" in value else f"{value}T00:00:00Z"


def instant(value: str) -> str:
    """Return a sort key for an ISO date or timestamp: the moment in UTC, whatever its offset."""
    try:
        moment = datetime.fromisoformat(rfc3339(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def first(mapping: dict[str, Any], *keys: str) -> Any:
    """Return the value of the first key present with a non-empty value."""
    for key in keys:
        value = mapping.get(key)
        if value not in (None, "", [], {}):
            return value
    return None
