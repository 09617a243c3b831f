"""Reading loosely typed values (JSON items, form fields) without raising."""

from __future__ import annotations

from datetime import date


def parse_day(value: object) -> date | None:
    """A YYYY-MM-DD string (or a date) as a date; None when malformed."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_int(value: object) -> int | None:
    """A whole number from an int or a digit string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
