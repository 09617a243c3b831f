"""Confirmed cases (F0): confirming, closing, reading (audited), and the rule
the gates apply — a worker in isolation must not come to work.

Only health officers (agency officers of the health function, the province
committee) see cases. Everyone else, guards and employers included, learns only
"must not work until <date>", never a diagnosis.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import _assignments
from tuquan.core import audit
from tuquan.health.models import Case, CaseBasis, CaseOutcome, Contact
from tuquan.health.services import current_profile
from tuquan.health.tasks import trace_case_contacts
from tuquan.health.tracing import schedule_follow_ups
from tuquan.organisations.choices import AgencyFunction
from tuquan.people.models import Worker


def health_paths(user: Any) -> list[str] | None:
    """Subtrees where ``user`` acts as a health officer (None: everywhere)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    paths = []
    for assignment in _assignments(user):
        health_agency = (
            assignment.role == Role.AGENCY_OFFICER
            and assignment.function == AgencyFunction.HEALTH
        )
        if health_agency or assignment.role == Role.PROVINCE_COMMITTEE:
            paths.append(assignment.scope_root().path)
    return paths


def is_health_officer_for(user: Any, path: str) -> bool:
    paths = health_paths(user)
    return paths is None or any(path.startswith(p) for p in paths)


def cases_for(user: Any) -> Any:
    """Cases a health officer may read (none for anyone else)."""
    paths = health_paths(user)
    cases = Case.objects.select_related("worker", "profile")
    if paths is None:
        return cases
    if not paths:
        return cases.none()
    return cases.filter(Case.objects.scope_q(paths))


def read_cases(cases: Any, *, by: Any) -> None:
    """Write the audit entry for each case shown to ``by``."""
    for case in cases:
        audit.record(
            audit.AuditAction.VIEW_PERSONAL,
            case,
            changes={"case": case.pk},
            user=by,
            scope_path=case.worker.scope_path,
        )


def confirm_case(
    *,
    worker: Worker,
    basis: str,
    by: Any,
    confirmed_on: date | None = None,
    note: str = "",
    onset_on: date | None = None,
    client_id: uuid.UUID | None = None,
) -> Case:
    """Confirm a case: isolation until the profile's days have passed. A worker
    already in isolation for the disease cannot be confirmed twice; a retried
    request (same ``client_id``) returns the first result."""
    if client_id is not None:
        replay = Case.objects.filter(client_id=client_id).first()
        if replay is not None:
            return replay
    if not is_health_officer_for(by, worker.scope_path or "-"):
        raise PermissionDenied(_("Only health officers confirm cases."))
    if basis not in CaseBasis.values:
        raise ValidationError({"basis": _("Choose a positive test or a notice.")})
    today = timezone.localdate()
    confirmed_on = confirmed_on or today
    if confirmed_on > today:
        raise ValidationError({"confirmed_on": _("The date cannot be in the future.")})
    if onset_on is not None and onset_on > confirmed_on:
        raise ValidationError(
            {"onset_on": _("Onset cannot be after the confirmation day.")}
        )
    profile = current_profile()
    open_case = Case.objects.open().filter(worker=worker, profile=profile).first()
    if open_case is not None:
        raise ValidationError(
            _("This worker is already a confirmed case since %(day)s.")
            % {"day": open_case.confirmed_on.strftime("%d/%m/%Y")}
        )
    case = Case(
        worker=worker,
        profile=profile,
        basis=basis,
        confirmed_on=confirmed_on,
        onset_on=onset_on,
        isolation_until=confirmed_on + timedelta(days=profile.isolation_days),
        note=note,
        confirmed_by=by,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            case.save()
            schedule_follow_ups(
                worker_id=worker.pk,
                start=confirmed_on,
                days=profile.followup_test_days,
                case=case,
            )
            if profile.person_to_person:
                # After the commit, so the task (maybe in another process) sees it.
                transaction.on_commit(lambda: trace_case_contacts.delay(case.pk))
            audit.record(
                audit.AuditAction.CREATE,
                case,
                changes={"case": [None, case.confirmed_on.isoformat()]},
                user=by,
                scope_path=worker.scope_path,
            )
    except IntegrityError as exc:
        # A concurrent confirmation of the same worker, or the same client_id.
        if client_id is not None:
            replay = Case.objects.filter(client_id=client_id).first()
            if replay is not None:
                return replay
        raise ValidationError(
            _("This worker was confirmed as a case a moment ago.")
        ) from exc
    return case


def close_case(
    *, case: Case, outcome: str, by: Any, closed_on: date | None = None
) -> Case:
    if not is_health_officer_for(by, case.worker.scope_path or "-"):
        raise PermissionDenied(_("Only health officers close cases."))
    if case.outcome != CaseOutcome.ISOLATING:
        raise ValidationError(_("This case is already closed."))
    if outcome not in CaseOutcome.values or outcome == CaseOutcome.ISOLATING:
        raise ValidationError({"outcome": _("Choose how the case ended.")})
    closed_on = closed_on or timezone.localdate()
    if closed_on < case.confirmed_on:
        raise ValidationError(
            {"closed_on": _("A case cannot end before it was confirmed.")}
        )
    with transaction.atomic():
        case.outcome, case.closed_on = outcome, closed_on
        case.save(update_fields=["outcome", "closed_on"])
        audit.record(
            audit.AuditAction.UPDATE,
            case,
            changes={"outcome": [CaseOutcome.ISOLATING, outcome]},
            user=by,
            scope_path=case.worker.scope_path,
        )
    return case


def off_work_until(day: date, **workers: Any) -> dict[int, date]:
    """Workers (filtered by ``workers``, e.g. ``worker_id__in=...``) in
    isolation or quarantine on ``day``, with the last day they must stay away.
    One query; the one rule for the gates, the employers' list and the API."""
    isolated = (
        Case.objects.open()
        .filter(isolation_until__gte=day, **workers)
        .values_list("worker_id", "isolation_until")
        .order_by()
    )
    quarantined = (
        Contact.objects.in_quarantine(day)
        .filter(**workers)
        .values_list("worker_id", "quarantine_until")
        .order_by()
    )
    until: dict[int, date] = {}
    for worker_id, last_day in isolated.union(quarantined, all=True):
        until[worker_id] = max(last_day, until.get(worker_id, last_day))
    return until


def work_restrictions(worker_ids: Collection[int], at: datetime) -> dict[int, str]:
    """The gates' hook: workers who must not work at ``at``, with a reason
    that names no diagnosis."""
    day = timezone.localtime(at).date()
    until = off_work_until(day, worker_id__in=list(worker_ids))
    return {
        worker_id: _("until the end of %(day)s") % {"day": last.strftime("%d/%m/%Y")}
        for worker_id, last in until.items()
    }
