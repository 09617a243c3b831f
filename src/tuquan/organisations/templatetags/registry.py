"""Small display filters for the registry pages."""

from __future__ import annotations

from django import template

register = template.Library()

_STATUS_BADGES = {"active": "ok", "on_leave": "warn", "left": "bad"}
_MODE_BADGES = {
    "normal": "ok",
    "on_site": "warn",
    "fixed_route": "warn",
    "suspended": "bad",
}


@register.filter
def phone_display(value: str) -> str:
    """``+84912345678`` as people write it: ``0912 345 678``."""
    if not value or not value.startswith("+84") or len(value) != 12:
        return value or ""
    national = "0" + value[3:]
    return f"{national[:4]} {national[4:7]} {national[7:]}"


@register.filter
def status_badge(status: str) -> str:
    """The badge class for an employment status."""
    return _STATUS_BADGES.get(status, "")


@register.filter
def mode_badge(mode: str) -> str:
    """The badge class for an operating mode."""
    return _MODE_BADGES.get(mode, "")
