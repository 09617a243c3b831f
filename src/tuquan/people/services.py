"""Use cases for workers: register or update one, hire across enterprises,
team membership, and revealing personal data (audited)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.scoping import can_edit, can_see_personal_data
from tuquan.core import audit, crypto
from tuquan.core.text import nfc
from tuquan.core.validators import normalise_national_id, normalise_phone
from tuquan.organisations.models import Team
from tuquan.people.models import (
    Employment,
    EmploymentStatus,
    MembershipRole,
    Sex,
    TeamMembership,
    Worker,
)

# Choice values as sets: checked once per imported row, so not rebuilt each time.
SEXES = frozenset(Sex.values)
EMPLOYMENT_STATUSES = frozenset(EmploymentStatus.values)

# Fields a caller may set on a worker, besides national_id and phone.
WORKER_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "enterprise",
    "workshop",
    "line",
    "shift",
    "residence",
    "room",
    "bus_route",
    "employment_status",
    "employment_start",
    "employment_end",
)


@dataclass
class WorkerValues:
    """Validated values for one worker, ready to be applied."""

    values: dict[str, Any]
    national_id: str
    phone: str
    errors: dict[str, list[str]] = field(default_factory=dict)


def check_worker_values(
    values: dict[str, Any], *, today: date | None = None
) -> WorkerValues:
    """Validate a worker's values without touching the database.

    Checks that each part belongs to the worker's enterprise or residence and
    that ID and phone are well formed. Returns the errors per field rather than
    raising, so that an import can report every row at once (it passes
    ``today`` once: the local date costs more than the rest of the checks).
    """
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    cleaned["full_name"] = nfc(values.get("full_name"))
    if not cleaned["full_name"]:
        errors.setdefault("full_name", []).append(_("Enter the full name."))
    dob = values.get("date_of_birth")
    if not isinstance(dob, date):
        errors.setdefault("date_of_birth", []).append(_("Enter the date of birth."))
        dob = None
    elif dob > (today or timezone.localdate()) or dob.year < 1900:
        errors.setdefault("date_of_birth", []).append(
            _("The date of birth is not plausible.")
        )
        dob = None
    sex = values.get("sex")
    if sex not in SEXES:
        errors.setdefault("sex", []).append(_("Sex must be Nam or Nữ."))
        sex = None
    national_id = ""
    try:
        national_id = normalise_national_id(
            str(values.get("national_id") or ""), date_of_birth=dob, sex=sex
        )
    except ValidationError as exc:
        errors.setdefault("national_id", []).extend(exc.messages)
    phone = ""
    if values.get("phone"):
        try:
            phone = normalise_phone(str(values["phone"]))
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    enterprise = values.get("enterprise")
    for part, owner_attr in (
        ("workshop", "enterprise_id"),
        ("shift", "enterprise_id"),
        ("bus_route", "enterprise_id"),
    ):
        obj = values.get(part)
        if obj is not None and (
            enterprise is None or getattr(obj, owner_attr) != enterprise.pk
        ):
            errors.setdefault(part, []).append(
                _("This does not belong to the worker's enterprise.")
            )
    line = values.get("line")
    if line is not None and values.get("workshop") is not None:
        if line.workshop_id != values["workshop"].pk:
            errors.setdefault("line", []).append(
                _("This line belongs to another workshop.")
            )
    room = values.get("room")
    if room is not None and (
        values.get("residence") is None or room.residence_id != values["residence"].pk
    ):
        errors.setdefault("room", []).append(
            _("This room belongs to another residence.")
        )
    if room is not None and room.residence_id and not values.get("residence"):
        cleaned["residence"] = room.residence
    start, end = values.get("employment_start"), values.get("employment_end")
    if start and end and end < start:
        errors.setdefault("employment_end", []).append(
            _("The end date is before the start date.")
        )
    status = values.get("employment_status") or EmploymentStatus.ACTIVE
    if status not in EMPLOYMENT_STATUSES:
        errors.setdefault("employment_status", []).append(_("Choose a valid status."))
    cleaned["employment_status"] = status
    return WorkerValues(
        values=cleaned, national_id=national_id, phone=phone, errors=errors
    )


def _anchor_path(values: dict[str, Any]) -> str:
    anchor = values.get("enterprise") or values.get("residence")
    return anchor.path if anchor is not None else ""


def save_worker(
    *,
    by: Any,
    values: dict[str, Any],
    worker: Worker | None = None,
    teams: list[Team] | None = None,
    client_id: uuid.UUID | None = None,
) -> Worker:
    """Register a worker, or update ``worker``; one record per national ID.

    Registering a national ID that already exists at another enterprise hires
    that person: the same record moves, the old employment is closed and a new
    one opened. The same ID twice at one enterprise is an error. A create that
    repeats a ``client_id`` returns the first result.
    """
    if worker is None and client_id is not None:
        existing = Worker.objects.filter(client_id=client_id).first()
        if existing is not None:
            if not Worker.objects.visible_to(by).filter(pk=existing.pk).exists():
                raise PermissionDenied(
                    _("This request id was already used by someone else.")
                )
            existing._replayed = True  # type: ignore[attr-defined]
            return existing
    merged: dict[str, Any] = {}
    if worker is not None:
        merged = {name: getattr(worker, name) for name in WORKER_FIELDS}
        if "national_id" not in values:
            merged["national_id"] = worker.national_id
        if "phone" not in values:
            merged["phone"] = worker.phone
    merged.update(values)
    checked = check_worker_values(merged)
    if checked.errors:
        raise ValidationError(checked.errors)
    path = _anchor_path(checked.values)
    if not path or not can_edit(by, path):
        raise PermissionDenied(_("You may not register workers for this enterprise."))
    if worker is not None and not can_edit(by, worker.scope_path or path):
        raise PermissionDenied(_("You may not change this worker."))
    id_hash = crypto.lookup_hash(checked.national_id)
    if worker is None:
        worker = Worker.objects.filter(national_id_hash=id_hash).first()
        if (
            worker is not None
            and worker.enterprise_id
            and (
                worker.enterprise_id
                == getattr(checked.values.get("enterprise"), "pk", None)
            )
        ):
            raise ValidationError(
                {
                    "national_id": [
                        _("A worker with this national ID is already registered here.")
                    ]
                }
            )
    elif (
        worker.national_id_hash != id_hash
        and Worker.objects.filter(national_id_hash=id_hash)
        .exclude(pk=worker.pk)
        .exists()
    ):
        raise ValidationError(
            {"national_id": [_("Another worker already has this national ID.")]}
        )
    try:
        with transaction.atomic():
            worker = apply_worker_values(
                worker=worker, checked=checked, client_id=client_id, by=by
            )
            if teams is not None:
                set_worker_teams(worker=worker, teams=teams)
    except IntegrityError:
        replay = (
            Worker.objects.filter(client_id=client_id).first() if client_id else None
        )
        if replay is not None:
            return replay
        raise
    return worker


def apply_worker_values(
    *,
    worker: Worker | None,
    checked: WorkerValues,
    client_id: uuid.UUID | None = None,
    by: Any = None,
) -> Worker:
    """Write validated values, keep the employment history and audit the change.

    Must run inside a transaction; callers have checked permissions.
    """
    is_new = worker is None
    if worker is None:
        worker = Worker(client_id=client_id)
        before: dict[str, Any] = {}
        old_enterprise_id = None
    else:
        before = audit.snapshot(worker)
        old_enterprise_id = worker.enterprise_id
    for name in WORKER_FIELDS:
        if name in checked.values:
            setattr(worker, name, checked.values[name])
    if is_new or worker.national_id_hash != crypto.lookup_hash(checked.national_id):
        worker.national_id = checked.national_id
    if checked.phone != (worker.phone if worker.phone_enc else ""):
        worker.phone = checked.phone
    worker.save()
    _record_employment(worker, old_enterprise_id)
    after = audit.snapshot(worker)
    changes = audit.diff(before, after)
    if not is_new and before.get("national_id_tail") != after.get("national_id_tail"):
        changes["national_id"] = ["•••", "•••"]
    if is_new or changes:
        audit.record(
            audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE,
            worker,
            changes=changes,
            user=by,
        )
    return worker


def _record_employment(worker: Worker, old_enterprise_id: int | None) -> None:
    if worker.enterprise_id == old_enterprise_id:
        current = worker.employments.filter(enterprise_id=worker.enterprise_id).first()
        if current is not None and (
            current.status != worker.employment_status
            or current.started_on != worker.employment_start
            or current.ended_on != worker.employment_end
        ):
            current.status = worker.employment_status
            current.started_on = worker.employment_start
            current.ended_on = worker.employment_end
            current.save(update_fields=["status", "started_on", "ended_on"])
        if current is not None or worker.enterprise_id is None:
            return
    if old_enterprise_id is not None:
        Employment.objects.filter(
            worker=worker, enterprise_id=old_enterprise_id, ended_on__isnull=True
        ).update(
            ended_on=worker.employment_start or timezone.localdate(),
            status=EmploymentStatus.LEFT,
        )
    if worker.enterprise_id is not None:
        Employment.objects.create(
            worker=worker,
            enterprise_id=worker.enterprise_id,
            started_on=worker.employment_start,
            ended_on=worker.employment_end,
            status=worker.employment_status,
        )


def set_worker_teams(*, worker: Worker, teams: list[Team]) -> None:
    """Make ``teams`` the worker's current teams (leaving the others today)."""
    today = timezone.localdate()
    keep = {team.pk for team in teams}
    worker.memberships.filter(left_on__isnull=True).exclude(team_id__in=keep).update(
        left_on=today
    )
    for team in teams:
        TeamMembership.objects.update_or_create(
            team=team,
            worker=worker,
            defaults={"left_on": None},
            create_defaults={"joined_on": today, "role": MembershipRole.MEMBER},
        )


def reveal_personal_data(*, worker: Worker, by: Any) -> dict[str, str]:
    """Return national ID and phone in clear for roles that need them.

    Every call is written to the audit log, whoever asks.
    """
    if not Worker.objects.visible_to(by).filter(pk=worker.pk).exists():
        raise PermissionDenied(_("You may not see this worker."))
    if not (by.is_superuser or can_see_personal_data(by, worker.scope_path or "-")):
        raise PermissionDenied(_("Your role does not allow seeing personal data."))
    audit.record(
        audit.AuditAction.VIEW_PERSONAL,
        worker,
        changes={"fields": ["national_id", "phone"]},
        user=by,
    )
    return {"national_id": worker.national_id, "phone": worker.phone}


def add_team_member(*, team: Team, worker: Worker, by: Any) -> TeamMembership:
    """Put ``worker`` in ``team`` (rejoining if they left); audited on the team."""
    if not can_edit(by, team.path):
        raise PermissionDenied(_("You may not change this team."))
    if worker.enterprise_id != team.enterprise_id and worker.residence_id != (
        team.residence_id
    ):
        raise ValidationError(
            {"worker": [_("The worker neither works nor lives where this team is.")]}
        )
    with transaction.atomic():
        membership, _created = TeamMembership.objects.update_or_create(
            team=team,
            worker=worker,
            defaults={"left_on": None},
            create_defaults={"joined_on": timezone.localdate()},
        )
        audit.record(
            audit.AuditAction.UPDATE,
            team,
            changes={"members_added": [worker.pk]},
            user=by,
        )
    return membership


def remove_team_member(*, team: Team, worker: Worker, by: Any) -> None:
    """Take ``worker`` out of ``team`` today; a leader or deputy loses the post."""
    from tuquan.organisations.services import save_node

    if not can_edit(by, team.path):
        raise PermissionDenied(_("You may not change this team."))
    with transaction.atomic():
        if worker.pk in (team.leader_id, team.deputy_id):
            if team.leader_id == worker.pk:
                team.leader = None
            if team.deputy_id == worker.pk:
                team.deputy = None
            save_node(node=team, by=by)
        TeamMembership.objects.filter(
            team=team, worker=worker, left_on__isnull=True
        ).update(left_on=timezone.localdate(), role=MembershipRole.MEMBER)
        audit.record(
            audit.AuditAction.UPDATE,
            team,
            changes={"members_removed": [worker.pk]},
            user=by,
        )


def set_team_members(*, team: Team, workers: list[Worker], by: Any) -> None:
    """Make ``workers`` the current members of ``team``; the others leave today.

    The leader and deputy must stay. One transaction, one audit entry.
    """
    if not can_edit(by, team.path):
        raise PermissionDenied(_("You may not change this team."))
    wanted = {worker.pk for worker in workers}
    current = set(team.memberships.current().values_list("worker_id", flat=True))
    officers = {pk for pk in (team.leader_id, team.deputy_id) if pk}
    if officers - wanted:
        raise ValidationError(
            {
                "worker_ids": [
                    _(
                        "The team leader and the deputy must stay members; "
                        "choose other officers first."
                    )
                ]
            }
        )
    today = timezone.localdate()
    with transaction.atomic():
        team.memberships.current().exclude(worker_id__in=wanted).update(left_on=today)
        for worker_id in wanted - current:
            TeamMembership.objects.update_or_create(
                team=team,
                worker_id=worker_id,
                defaults={"left_on": None},
                create_defaults={"joined_on": today},
            )
        if wanted != current:
            audit.record(
                audit.AuditAction.UPDATE,
                team,
                changes={"members": [sorted(current), sorted(wanted)]},
                user=by,
            )
