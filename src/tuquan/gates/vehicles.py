"""Vehicle entries (with disinfection) and visitors at the gates.

Guards record from a phone, one at a time (``record_vehicle_entry``,
``check_in_visitor``); gate devices and offline phones send batches of up to
5,000 vehicle entries, each with a client UUID (``record_vehicle_entries``).
Replays never duplicate, and a malformed entry never blocks the valid ones
beside it. A vehicle that came in without disinfection stays flagged for the
zone board until an editor there marks it reviewed.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core import audit
from tuquan.core.text import nfc
from tuquan.core.validators import normalise_national_id, normalise_phone
from tuquan.gates.choices import Direction, DisinfectionMethod, VehicleKind
from tuquan.gates.models import Gate, VehicleEntry, Visitor
from tuquan.organisations.models import Enterprise

MAX_BATCH = 5000
GUARD_ROLES = frozenset({Role.GATE_GUARD})
VEHICLE_KINDS = frozenset(VehicleKind.values)
DIRECTIONS = frozenset(Direction.values)
METHODS = frozenset(DisinfectionMethod.values)


def clock_skew() -> timedelta:
    """How far in the future a device clock may be (the same as passages)."""
    return timedelta(seconds=settings.TUQUAN_GATE_CLOCK_SKEW_SECONDS)


def retention() -> timedelta:
    """How old a late record may be before it is refused (as passages)."""
    return timedelta(days=settings.TUQUAN_GATE_RETENTION_DAYS)


# --------------------------------------------------------------------------------------
# Plates
# --------------------------------------------------------------------------------------

_PLATE_SEPARATORS = re.compile(r"[\s.\-_/·,:]+")
_PLATE = re.compile(r"(\d{2}) ?([A-ZĐ]{1,2}) ?([0-9 ]+)")
PLATE_FORMS = gettext_lazy(
    "Enter the plate as 51A-123.45 (car), 29B1-123.45 (motorbike), 51LD-123.45 "
    "or an old four-digit plate such as 51A-1234."
)


def normalise_plate(text: str) -> str:
    """Return a Vietnamese plate in one stored form.

    ``"51a 12345"``, ``"51A-123.45"`` → ``"51A-123.45"``; ``"29B1 12345"`` →
    ``"29B1-123.45"``; ``"51A-1234"`` stays; two-letter series (``51LD``) too.
    Any spacing, dots, dashes and lower case are accepted. Without a separator
    after the series, six digits are read as a series digit and five digits
    (``29B112345`` → ``29B1-123.45``).
    """
    raw = unicodedata.normalize("NFKC", str(text or "")).upper().replace("Ð", "Đ")
    compact = _PLATE_SEPARATORS.sub(" ", raw).strip()
    match = _PLATE.fullmatch(compact)
    if match is None:
        raise ValidationError(PLATE_FORMS, code="plate_format")
    province, series, rest = match.groups()
    if not 11 <= int(province) <= 99:
        raise ValidationError(
            _(
                "%(code)s is not a province code: a plate starts with a code from "
                "11 to 99."
            ),
            code="plate_province",
            params={"code": province},
        )
    tokens = rest.split()
    digits = "".join(tokens)
    series_digit = ""
    if len(tokens) > 1 and len(tokens[0]) == 1:
        # "29B1 123.45": the separator says where the series ends.
        series_digit, digits = tokens[0], "".join(tokens[1:])
    elif len(digits) == 6:
        series_digit, digits = digits[0], digits[1:]
    if series_digit == "0" or len(digits) not in (4, 5):
        raise ValidationError(PLATE_FORMS, code="plate_format")
    number = f"{digits[:3]}.{digits[3:]}" if len(digits) == 5 else digits
    return f"{province}{series}{series_digit}-{number}"


# --------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------


def may_record_at(user: Any, gate: Gate) -> bool:
    """Guards at the gate and editors over it record vehicles and visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or can_edit(user, gate.path):
        return True
    paths = scope_paths(user, GUARD_ROLES) or []
    return any(gate.path.startswith(p) for p in paths)


def _gate_refusal(user: Any, gate: Gate, *, vehicles: bool) -> str:
    """Why ``user`` may not record at ``gate`` ("" when they may)."""
    if not Gate.objects.visible_to(user).filter(pk=gate.pk).exists():
        return _("There is no gate with id %(id)s in your scope.") % {"id": gate.pk}
    if not may_record_at(user, gate):
        return _("You may not record at this gate.")
    if not gate.active:
        return _("This gate is not in use.")
    if vehicles and not gate.takes_vehicles:
        return _("This gate does not take vehicles.")
    return ""


def _check_gate(user: Any, gate: Gate, *, vehicles: bool) -> None:
    """Out of scope or not allowed: PermissionDenied; a gate that is closed or
    does not take vehicles: ValidationError on ``gate``."""
    visible = Gate.objects.visible_to(user).filter(pk=gate.pk).exists()
    if not visible or not may_record_at(user, gate):
        raise PermissionDenied(_("You may not record at this gate."))
    reason = _gate_refusal(user, gate, vehicles=vehicles)
    if reason:
        raise ValidationError({"gate": [reason]})


# --------------------------------------------------------------------------------------
# Values of one vehicle entry
# --------------------------------------------------------------------------------------


def _text(value: Any, name: str, limit: int, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = _("This must be text.")
        return ""
    text = nfc(value)
    if len(text) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return text


def _flag(value: Any, name: str, errors: dict[str, str]) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "co", "có"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no", "khong"):
        return False
    errors[name] = _("This must be yes or no (true or false).")
    return False


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (None if bad)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())  # type: ignore[assignment]
        except ValueError:
            return None
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def check_time(moment: datetime, now: datetime) -> str:
    """Why ``moment`` is refused ("" when it is within the window)."""
    if moment > now + clock_skew():
        return _("The time is in the future. Check the clock of the device.")
    if moment < now - retention():
        return _(
            "The time is older than %(days)s days and can no longer be recorded."
        ) % {"days": retention().days}
    return ""


def check_vehicle_values(
    values: dict[str, Any], *, now: datetime, time_required: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate one vehicle entry without touching the database.

    Returns the cleaned values (model field names, ``driver_phone`` in E.164)
    and one Vietnamese reason per bad field.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned["plate"] = normalise_plate(values.get("plate") or "")
    except ValidationError as exc:
        errors["plate"] = exc.messages[0]
    kind = values.get("vehicle_kind")
    if kind not in VEHICLE_KINDS:
        errors["vehicle_kind"] = _("Choose the kind of vehicle.")
    cleaned["vehicle_kind"] = kind
    direction = values.get("direction")
    if direction not in DIRECTIONS:
        errors["direction"] = _("Choose in or out.")
    cleaned["direction"] = direction
    cleaned["driver_name"] = _text(
        values.get("driver_name"), "driver_name", 120, errors
    )
    cleaned["origin"] = _text(values.get("origin"), "origin", 200, errors)
    cleaned["cargo"] = _text(values.get("cargo"), "cargo", 200, errors)
    phone = values.get("driver_phone")
    cleaned["driver_phone"] = ""
    if phone:
        try:
            cleaned["driver_phone"] = normalise_phone(str(phone))
        except ValidationError as exc:
            errors["driver_phone"] = exc.messages[0]
    disinfected = _flag(values.get("disinfected"), "disinfected", errors)
    cleaned["disinfected"] = disinfected
    cleaned["driver_declared"] = _flag(
        values.get("driver_declared"), "driver_declared", errors
    )
    by_whom = _text(values.get("disinfected_by"), "disinfected_by", 120, errors)
    method = values.get("disinfection_method") or ""
    if disinfected:
        if not by_whom and "disinfected_by" not in errors:
            errors["disinfected_by"] = _("Say who disinfected the vehicle.")
        if method not in METHODS:
            errors["disinfection_method"] = _("Choose the disinfection method.")
    else:
        # Who and how mean nothing for a vehicle that was not disinfected.
        by_whom, method = "", ""
    cleaned["disinfected_by"] = by_whom
    cleaned["disinfection_method"] = method
    raw_time = values.get("occurred_at")
    if raw_time in (None, ""):
        if time_required:
            errors["occurred_at"] = _("Enter the time.")
        cleaned["occurred_at"] = now
    else:
        moment = parse_time(raw_time)
        if moment is None:
            errors["occurred_at"] = _(
                "The time must be written as ISO 8601, e.g. 2024-05-01T07:30:00+07:00."
            )
        else:
            reason = check_time(moment, now)
            if reason:
                errors["occurred_at"] = reason
            cleaned["occurred_at"] = moment
    return cleaned, errors


def _new_entry(
    cleaned: dict[str, Any],
    *,
    gate_id: int,
    client_id: uuid.UUID,
    by: Any,
    now: datetime,
) -> VehicleEntry:
    entry = VehicleEntry(
        client_id=client_id,
        gate_id=gate_id,
        plate=cleaned["plate"],
        vehicle_kind=cleaned["vehicle_kind"],
        driver_name=cleaned["driver_name"],
        origin=cleaned["origin"],
        cargo=cleaned["cargo"],
        direction=cleaned["direction"],
        occurred_at=cleaned["occurred_at"],
        disinfected=cleaned["disinfected"],
        disinfected_by=cleaned["disinfected_by"],
        disinfection_method=cleaned["disinfection_method"],
        driver_declared=cleaned["driver_declared"],
        recorded_by_id=getattr(by, "pk", None),
        received_at=now,
    )
    entry.driver_phone = cleaned["driver_phone"]
    return entry


def _entry_changes(entry: VehicleEntry) -> dict[str, Any]:
    # Never the phone, not even encrypted: the tail is enough for the log.
    return audit.snapshot(
        entry,
        fields={
            "gate",
            "plate",
            "vehicle_kind",
            "direction",
            "occurred_at",
            "disinfected",
            "disinfected_by",
            "disinfection_method",
            "driver_declared",
            "client_id",
        },
    )


# --------------------------------------------------------------------------------------
# Vehicle entries
# --------------------------------------------------------------------------------------


def record_vehicle_entry(
    *,
    gate: Gate,
    values: dict[str, Any],
    by: Any,
    client_id: uuid.UUID | None = None,
) -> VehicleEntry:
    """Record one vehicle at ``gate`` (the guard's phone form).

    A repeated ``client_id`` (a double submit) returns the first entry, marked
    ``_replayed``.
    """
    if client_id is not None:
        existing = VehicleEntry.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _replay(existing, by)
    _check_gate(by, gate, vehicles=True)
    now = timezone.now()
    cleaned, errors = check_vehicle_values(values, now=now)
    if errors:
        raise ValidationError({name: [reason] for name, reason in errors.items()})
    entry = _new_entry(
        cleaned, gate_id=gate.pk, client_id=client_id or uuid.uuid4(), by=by, now=now
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
            audit.record(
                audit.AuditAction.CREATE,
                entry,
                changes=_entry_changes(entry),
                scope_path=gate.path,
                user=by,
            )
    except IntegrityError:
        existing = VehicleEntry.objects.filter(client_id=entry.client_id).first()
        if existing is None:
            raise
        return _replay(existing, by)
    return entry


def _replay(existing: VehicleEntry, by: Any) -> VehicleEntry:
    if not VehicleEntry.objects.visible_to(by).filter(pk=existing.pk).exists():
        raise PermissionDenied(_("This request id was already used by someone else."))
    existing._replayed = True  # type: ignore[attr-defined]
    return existing


@dataclass
class BatchResult:
    """What happened to each entry of a batch, by its index in the request."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    duplicate: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, index: int, client_id: Any, name: str, reason: str) -> None:
        self.rejected.append(
            {
                "index": index,
                "client_id": None if client_id is None else str(client_id),
                "field": name,
                "reason": str(reason),
            }
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "rejected": sorted(self.rejected, key=lambda r: r["index"]),
        }


def _parse_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _gate_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def record_vehicle_entries(*, events: list[Any], by: Any) -> BatchResult:
    """Store a batch of vehicle entries from a gate device or an offline phone.

    Each entry carries a ``client_id`` (UUID) and a ``gate_id``. Entries already
    stored (a replay) are reported as duplicates; a UUID repeated inside the
    batch is rejected after its first use; an entry with a bad field is
    rejected with a Vietnamese reason and the others are still stored. The
    insert is set-based and runs in one transaction.
    """
    if len(events) > MAX_BATCH:
        raise ValidationError(
            {
                "entries": [
                    _("A batch holds at most %(max)s entries; this one has %(n)s.")
                    % {"max": MAX_BATCH, "n": len(events)}
                ]
            }
        )
    result = BatchResult()
    now = timezone.now()
    seen: set[uuid.UUID] = set()
    gate_ids = {
        gid
        for item in events
        if isinstance(item, dict) and (gid := _gate_id(item.get("gate_id"))) is not None
    }
    gates = {g.pk: g for g in Gate.objects.visible_to(by).filter(pk__in=gate_ids)}
    gate_refusals = {
        pk: _gate_refusal(by, gate, vehicles=True) for pk, gate in gates.items()
    }
    pending: list[tuple[int, VehicleEntry]] = []
    for index, item in enumerate(events):
        if not isinstance(item, dict):
            result.reject(index, None, "__all__", _("An entry must be a JSON object."))
            continue
        raw_id = item.get("client_id")
        client_id = _parse_uuid(raw_id)
        if client_id is None:
            reason = (
                _("Each entry needs a client_id.")
                if raw_id in (None, "")
                else _("The client_id must be a UUID.")
            )
            result.reject(index, raw_id, "client_id", reason)
            continue
        if client_id in seen:
            result.reject(
                index,
                client_id,
                "client_id",
                _("This client_id appears earlier in the same batch."),
            )
            continue
        seen.add(client_id)
        gate_id = _gate_id(item.get("gate_id"))
        if gate_id is None:
            result.reject(index, client_id, "gate_id", _("Each entry needs a gate_id."))
            continue
        if gate_id not in gates:
            result.reject(
                index,
                client_id,
                "gate_id",
                _("There is no gate with id %(id)s in your scope.") % {"id": gate_id},
            )
            continue
        if gate_refusals[gate_id]:
            result.reject(index, client_id, "gate_id", gate_refusals[gate_id])
            continue
        cleaned, errors = check_vehicle_values(item, now=now, time_required=True)
        if errors:
            name, reason = next(iter(errors.items()))
            result.reject(index, client_id, name, reason)
            continue
        pending.append(
            (
                index,
                _new_entry(
                    cleaned, gate_id=gate_id, client_id=client_id, by=by, now=now
                ),
            )
        )
    with transaction.atomic():
        stored = set(
            VehicleEntry.objects.filter(
                client_id__in=[entry.client_id for _i, entry in pending]
            ).values_list("client_id", flat=True)
        )
        fresh = []
        for index, entry in pending:
            bucket = result.duplicate if entry.client_id in stored else result.accepted
            bucket.append({"index": index, "client_id": str(entry.client_id)})
            if entry.client_id not in stored:
                fresh.append(entry)
        # A concurrent request may have stored some of these since the check:
        # the unique client_id then drops them, so nothing is stored twice.
        VehicleEntry.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
        _audit_batch(fresh, gates, by)
    return result


def _audit_batch(
    entries: Iterable[VehicleEntry], gates: dict[int, Gate], by: Any
) -> None:
    """One audit line per gate of the batch, with the number of entries."""
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.gate_id] = counts.get(entry.gate_id, 0) + 1
    for gate_id, count in counts.items():
        gate = gates[gate_id]
        audit.record(
            audit.AuditAction.IMPORT,
            gate,
            changes={"vehicle_entries": count},
            scope_path=gate.path,
            user=by,
        )


def review_vehicle_entry(
    *, entry: VehicleEntry, by: Any, note: str = ""
) -> VehicleEntry:
    """Clear the "not disinfected" flag: the zone board has looked at it.

    Editors over the gate's site may review; a guard may not. The note goes to
    the audit log.
    """
    gate = entry.gate
    if not can_edit(by, gate.path):
        raise PermissionDenied(
            _("Only the zone or enterprise board may review entries.")
        )
    with transaction.atomic():
        locked = VehicleEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.reviewed_at is not None:
            raise ValidationError(_("This entry has already been reviewed."))
        if not locked.needs_review:
            raise ValidationError(_("This entry does not need a review."))
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.save(update_fields=["reviewed_at", "reviewed_by"])
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={
                "reviewed_at": [None, locked.reviewed_at.isoformat()],
                "note": nfc(note)[:500],
            },
            scope_path=gate.path,
            user=by,
        )
    entry.reviewed_at, entry.reviewed_by = locked.reviewed_at, by
    return entry


def unreviewed_vehicle_entries(user: Any) -> QuerySet[VehicleEntry]:
    """Vehicles that came in without disinfection and nobody reviewed yet."""
    return VehicleEntry.objects.visible_to(user).filter(
        direction=Direction.IN, disinfected=False, reviewed_at__isnull=True
    )


def unreviewed_vehicle_flags(user: Any) -> dict[str, Any]:
    """For the zone board's home page: how many flags, and the latest five."""
    flagged = unreviewed_vehicle_entries(user)
    return {
        "count": flagged.count(),
        "latest": list(
            flagged.select_related("gate").order_by("-occurred_at", "-id")[:5]
        ),
    }


# --------------------------------------------------------------------------------------
# Visitors
# --------------------------------------------------------------------------------------


def _host_refusal(gate: Gate, host: Enterprise | None) -> str:
    if host is None:
        return ""
    site_path = gate.site.path
    if not host.path.startswith(site_path):
        return _("The host enterprise must be in the gate's zone or be its enterprise.")
    return ""


def check_in_visitor(
    *,
    gate: Gate,
    values: dict[str, Any],
    by: Any,
    client_id: uuid.UUID | None = None,
) -> Visitor:
    """Let a visitor in at ``gate``: name, citizen ID (stored encrypted), their
    organisation, the host enterprise, the purpose and the time (default now).

    A repeated ``client_id`` returns the first visitor, marked ``_replayed``.
    """
    if client_id is not None:
        existing = Visitor.objects.filter(client_id=client_id).first()
        if existing is not None:
            if not Visitor.objects.visible_to(by).filter(pk=existing.pk).exists():
                raise PermissionDenied(
                    _("This request id was already used by someone else.")
                )
            existing._replayed = True  # type: ignore[attr-defined]
            return existing
    _check_gate(by, gate, vehicles=False)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    full_name = nfc(values.get("full_name"))
    if not full_name:
        errors["full_name"] = [_("Enter the full name.")]
    elif len(full_name) > 120:
        errors["full_name"] = [_("At most %(n)s characters.") % {"n": 120}]
    national_id = ""
    try:
        national_id = normalise_national_id(str(values.get("national_id") or ""))
    except ValidationError as exc:
        errors["national_id"] = exc.messages
    purpose = nfc(values.get("purpose"))
    if not purpose:
        errors["purpose"] = [_("Enter the purpose of the visit.")]
    elif len(purpose) > 255:
        errors["purpose"] = [_("At most %(n)s characters.") % {"n": 255}]
    organisation_name = nfc(values.get("organisation_name"))
    if len(organisation_name) > 200:
        errors["organisation_name"] = [_("At most %(n)s characters.") % {"n": 200}]
    host = values.get("host")
    if _host_refusal(gate, host):
        errors["host"] = [_host_refusal(gate, host)]
    time_in = values.get("time_in") or now
    reason = check_time(time_in, now)
    if reason:
        errors["time_in"] = [reason]
    if errors:
        raise ValidationError(errors)
    visitor = Visitor(
        client_id=client_id,
        gate=gate,
        full_name=full_name,
        organisation_name=organisation_name,
        host=host,
        purpose=purpose,
        time_in=time_in,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    visitor.national_id = national_id
    try:
        with transaction.atomic():
            visitor.save(force_insert=True)
            audit.record(
                audit.AuditAction.CREATE,
                visitor,
                changes=audit.snapshot(
                    visitor,
                    fields={
                        "gate",
                        "full_name",
                        "national_id_tail",
                        "organisation_name",
                        "host",
                        "purpose",
                        "time_in",
                    },
                ),
                scope_path=gate.path,
                user=by,
            )
    except IntegrityError:
        existing = (
            Visitor.objects.filter(client_id=client_id).first() if client_id else None
        )
        if existing is None:
            raise
        existing._replayed = True  # type: ignore[attr-defined]
        return existing
    return visitor


def check_out_visitor(
    *, visitor: Visitor, by: Any, at: datetime | None = None
) -> Visitor:
    """Let a visitor out. The time out is not before the time in; a visitor
    already let out cannot be let out again."""
    gate = visitor.gate
    if not may_record_at(by, gate):
        raise PermissionDenied(_("You may not record at this gate."))
    now = timezone.now()
    at = at or now
    with transaction.atomic():
        locked = Visitor.objects.select_for_update().get(pk=visitor.pk)
        if locked.time_out is not None:
            raise ValidationError(
                {"time_out": [_("This visitor has already been checked out.")]}
            )
        if at < locked.time_in:
            raise ValidationError(
                {"time_out": [_("The time out cannot be before the time in.")]}
            )
        if at > now + clock_skew():
            raise ValidationError(
                {
                    "time_out": [
                        _("The time is in the future. Check the clock of the device.")
                    ]
                }
            )
        locked.time_out = at
        locked.save(update_fields=["time_out"])
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={"time_out": [None, at.isoformat()]},
            scope_path=gate.path,
            user=by,
        )
    visitor.time_out = at
    return visitor


def visitors_inside(user: Any) -> QuerySet[Visitor]:
    return Visitor.objects.visible_to(user).filter(time_out__isnull=True)
