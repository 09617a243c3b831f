"""Writing to the audit log. Services call :func:`record` for every change and
every read of personal data; the acting user and address come from the request
context (middleware) or from :func:`tuquan.core.context.acting_as`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models.fields.files import FieldFile

from tuquan.core.context import current_actor
from tuquan.core.models import AuditAction, AuditEntry

# Fields whose values never go into the log in clear.
SECRET_FIELDS = {
    "national_id_enc",
    "phone_enc",
    "owner_phone_enc",
    "password",
    "digest",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Concrete field values of ``obj`` keyed by attribute name (FKs as ids)."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in SECRET_FIELDS or field.name.endswith("_hash"):
            continue
        result[field.name] = _plain(getattr(obj, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as ``{field: [old, new]}``."""
    return {
        key: [before.get(key), value]
        for key, value in after.items()
        if before.get(key) != value and key not in {"updated_at", "name_folded"}
    }


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    scope_path: str = "",
    user: Any = None,
    object_repr: str = "",
) -> AuditEntry:
    actor = current_actor()
    user = user if user is not None else actor.user
    if obj is not None and not scope_path:
        scope_path = getattr(obj, "scope_path", "") or getattr(obj, "path", "") or ""
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
        address=actor.address,
        via=actor.via,
        scope_path=scope_path,
    )


__all__ = ["AuditAction", "diff", "record", "snapshot"]
