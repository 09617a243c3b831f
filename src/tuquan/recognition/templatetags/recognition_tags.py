from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def field_value(values: Any, prefix: str, number: int) -> str:
    """The value posted for ``<prefix><number>`` (to refill a refused form)."""
    return str(values.get(f"{prefix}{number}", "")) if values else ""
