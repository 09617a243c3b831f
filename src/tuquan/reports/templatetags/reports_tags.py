"""Template filters of the dashboard."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def vn_int(value: Any) -> str:
    """A whole number with Vietnamese thousands separators (1.234.567). The
    dashboard prints a hundred figures; ``intcomma`` looks the locale's format
    up for each one, this does not."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "" if value is None else str(value)
