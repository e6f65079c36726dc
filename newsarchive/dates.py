"""Dates for Arabic readers: parsing what articles give, formatting with Arabic month names."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from babel.dates import format_date

# CLDR's "ar" locale spells Gregorian months as يناير … ديسمبر, as Egyptian and Gulf papers do.
LOCALE = "ar"


def arabic_date(value: date | datetime | None) -> str:
    """Format a date as '21 يوليو 2015' with Western digits, as news sites print them."""
    if value is None:
        return ""
    return f"{value.day} {arabic_month(value.month)} {value.year}"


@cache  # every listing entry asks; babel parses its locale on each call
def arabic_month(month: int) -> str:
    """Arabic name of a Gregorian month (1-12)."""
    return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)


def arabic_month_year(value: date | datetime) -> str:
    """Format a month as 'يوليو 2015'."""
    return f"{arabic_month(value.month)} {value.year}"
