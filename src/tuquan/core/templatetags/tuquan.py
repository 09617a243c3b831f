from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return str(value)


@register.filter
def audit_change(value: Any) -> str:
    """An audit entry's change as people read it: ``[old, new]`` becomes
    "old → new", nothing becomes "—" (never Python's None, True or False)."""
    if isinstance(value, list) and len(value) == 2:
        return f"{_shown(value[0])} → {_shown(value[1])}"
    return _shown(value)
