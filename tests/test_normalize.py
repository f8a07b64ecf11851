"""The helpers sources share: values a vendor may send that once broke them (see sources/test_robustness.py)."""

from __future__ import annotations

import math

import pytest

from generator.model import slugify
from generator.normalize import ascii_id, country_code, country_from_name, hashed_id, iso_datetime, parse_number


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e20, 10**30, 10**400, "2017-02-30", "0000-01-01", "yesterday", [], {}])
def test_iso_datetime_is_none_for_what_no_calendar_holds(value):
    # NaN raised ValueError, 1e20 OverflowError, 10**30 OverflowError and OSError (beyond time_t).
    assert iso_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-11-13T17:15:26+05:30:15", "2017-11-13T11:45:11+00:00"),  # an offset with seconds is no ISO 8601 offset
        ("2017-11-13T17:15:26.146+01:00", "2017-11-13T17:15:26+01:00"),
        ("2017-11-13T17:15:26", "2017-11-13T17:15:26+00:00"),
        ("2017-11-13", "2017-11-13"),
        ("1510589726", "2017-11-13T16:15:26+00:00"),  # Unix seconds, as a string
        ("1510589726146", "2017-11-13T16:15:26+00:00"),  # Unix milliseconds, as a string
        (1510589726146, "2017-11-13T16:15:26+00:00"),
    ],
)
def test_iso_datetime_gives_iso_8601(value, expected):
    assert iso_datetime(value) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, "NaN", "Infinity", "1e999", -5, -0.5, "-5", 10**400, True, "45k", [45000]])
def test_parse_number_is_none_for_amounts_no_salary_has(value):
    # NaN and infinity came back as themselves, negative numbers too, and 10**400 raised OverflowError.
    assert parse_number(value) is None


@pytest.mark.parametrize(
    ("value", "expected"), [("45 000", 45000.0), ("45,000.50", 45000.5), ("45.000,50", 45000.5), ("40,5", 40.5), (0, 0.0), (3200, 3200.0)]
)
def test_parse_number_reads_amounts(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Turkey", "TR"),  # pycountry only knows "Türkiye"
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("espana", "ES"),
        ("ישראל", "IL"),
        ("Ivory Coast", "CI"),
        ("Great Britain", "GB"),
        ("united kingdom", "GB"),
        ("UK", "GB"),
        (" fr ", "FR"),
        ("DEU", "DE"),
        ("Narnia", None),
        ("EU", None),
        ("XK", None),
    ],
)
def test_country_code_reads_codes_and_names_in_several_languages(value, code):
    assert country_code(value) == code


def test_country_from_name_never_guesses():
    # A city is not its country: only country_code's fuzzy search may say "Paris" is in France.
    assert country_from_name("Paris") is None
    assert country_from_name("Deutschland") == "DE"


def test_ascii_ids_for_names_without_a_slug():
    assert ascii_id("department", "Sales") == "Sales"
    assert ascii_id("department", "פיתוח") == hashed_id("department", "פיתוח")
    assert slugify(hashed_id("office", "תל אביב IL")) == hashed_id("office", "תל אביב IL") != hashed_id("office", "חיפה IL")
