"""UI translations (gettext catalogs read with Babel) and locale-aware formatting."""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .model import Salary

LOCALES = Path(__file__).parent / "locales"
RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "dv", "ku", "sd", "ug"}


def N_(message: str) -> str:  # noqa: N802 - the name `pybabel extract` looks for
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    """Return the UI catalog for `language` (English strings when there is none)."""
    base = language.split("-")[0]
    for code in (language.replace("-", "_"), base):
        po = LOCALES / code / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=code)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(buffer)
    return NullTranslations()


@cache
def locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


@cache
def country_name(code: str, language: str) -> str:
    """Return a country's name in `language` ("DE" -> "Allemagne" in French), or the code when unknown."""
    return locale(language).territories.get(code.upper(), code)


@cache
def format_date(value: str | None, language: str) -> str:
    """Format an ISO date or timestamp as a long local date ("3 March 2026", "3 mars 2026")."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return value
    day = moment.date() if isinstance(moment, datetime) else moment
    return babel_format_date(day, format="long", locale=locale(language))


@cache  # Salary is frozen; thousands of jobs share a few ranges
def format_salary(salary: Salary | None, language: str) -> str:
    """Format a salary or range in the page's locale, without its period."""
    if salary is None:
        return ""
    loc = locale(language)

    def money(value: float) -> str:
        digits = 0 if float(value).is_integer() else 2
        number = format_decimal(value, locale=loc, format=f"#,##0{'.' + '0' * digits if digits else ''}")
        pattern = loc.currency_formats["standard"].pattern
        symbol = loc.currency_symbols.get(salary.currency, salary.currency)
        # Place the symbol where the locale puts it, with the number formatted above.
        before = pattern.split(";")[0]
        if before.strip().startswith("¤"):
            spacer = "\u00a0" if "¤\u00a0" in before or "¤ " in before else ""
            return f"{symbol}{spacer}{number}"
        return f"{number}\u00a0{symbol}"

    low, high = salary.min, salary.max
    if low is not None and high is not None and low != high:
        return f"{money(low)} – {money(high)}"
    return money(low if low is not None else high)  # type: ignore[arg-type]


def format_number(value: float, language: str) -> str:
    return format_decimal(value, locale=locale(language))
