"""Use cases for incident reports: create, move through the workflow, group
into incidents, hand over to the police and escalate late hand-overs.

Every service validates, runs in ``transaction.atomic()`` and raises
``ValidationError`` (bad input, Vietnamese message naming the field) or
``PermissionDenied`` (a role that may not do this).
"""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import _assignments
from tuquan.core import audit
from tuquan.core.text import nfc
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.people.models import TeamMembership, Worker
from tuquan.security.choices import (
    Assignee,
    HandOverStatus,
    ReportStatus,
    Severity,
    Source,
)
from tuquan.security.models import (
    SEVERITY_RANK,
    HandOver,
    Incident,
    IncidentKind,
    IncidentReport,
    ReportPhoto,
    ReportTransition,
)

MAX_DESCRIPTION = 5000
MAX_PHOTOS = 5
HANDOVER_HOURS = 24
HANDOVER_HOURS_REMOTE = 48

# --------------------------------------------------------------------------------------
# Who may do what: actors and the transition table
# --------------------------------------------------------------------------------------

POLICE = "police"
ZONE = "zone"
COMMUNE = "commune"
ENTERPRISE = "enterprise"
PROVINCE = "province"
TEAM_LEADER = "team_leader"
GUARD = "guard"
# Not a role: "the body the report is assigned to" (see _assignee_actor).
ASSIGNEE = "assignee"

VERIFIERS = frozenset({POLICE, ZONE, COMMUNE, ENTERPRISE})
SUPERVISORS = frozenset({POLICE, ZONE, COMMUNE})

S = ReportStatus
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.RECEIVED, S.VERIFYING): VERIFIERS,
    (S.REOPENED, S.VERIFYING): VERIFIERS,
    (S.RECEIVED, S.REJECTED): SUPERVISORS,
    (S.VERIFYING, S.REJECTED): SUPERVISORS,
    (S.RECEIVED, S.DUPLICATE): VERIFIERS,
    (S.VERIFYING, S.DUPLICATE): VERIFIERS,
    (S.VERIFYING, S.ASSIGNED): SUPERVISORS,
    (S.ASSIGNED, S.ASSIGNED): SUPERVISORS,  # re-assignment
    (S.ASSIGNED, S.IN_HANDLING): frozenset({ASSIGNEE}),
    (S.IN_HANDLING, S.RESOLVED): frozenset({ASSIGNEE}),
    (S.RESOLVED, S.CLOSED): SUPERVISORS,
    (S.RESOLVED, S.REOPENED): SUPERVISORS | {PROVINCE},
    (S.CLOSED, S.REOPENED): SUPERVISORS | {PROVINCE},
    (S.REJECTED, S.REOPENED): SUPERVISORS | {PROVINCE},
    (S.DUPLICATE, S.REOPENED): SUPERVISORS | {PROVINCE},
}
ALL_ACTORS = frozenset({POLICE, ZONE, COMMUNE, ENTERPRISE, PROVINCE, ASSIGNEE})

_ROLE_ACTOR = {
    Role.PROVINCE_COMMITTEE: PROVINCE,
    Role.COMMUNE_COMMITTEE: COMMUNE,
    Role.ZONE_BOARD: ZONE,
    Role.ENTERPRISE_OFFICER: ENTERPRISE,
    Role.TEAM_LEADER: TEAM_LEADER,
    Role.GATE_GUARD: GUARD,
}
_ASSIGNEE_ACTOR = {
    Assignee.ENTERPRISE_SECURITY: ENTERPRISE,
    Assignee.ZONE_BOARD: ZONE,
    Assignee.COMMUNE_POLICE: POLICE,
}


def is_police(assignment: Any) -> bool:
    return assignment.role == Role.AGENCY_OFFICER and (
        assignment.function == AgencyFunction.POLICE
        or assignment.organisation.function == AgencyFunction.POLICE
    )


def actors_for(user: Any, report: IncidentReport) -> frozenset[str]:
    """The capacities in which ``user`` acts on ``report`` (only assignments
    whose subtree holds the report count)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return ALL_ACTORS
    paths = [p for p in (report.scope_path, report.team_path) if p]
    found: set[str] = set()
    for assignment in _assignments(user):
        roots = {assignment.organisation.path, assignment.scope_root().path}
        if not any(p.startswith(root) for p in paths for root in roots):
            continue
        if is_police(assignment):
            found.add(POLICE)
        elif assignment.role in _ROLE_ACTOR:
            found.add(_ROLE_ACTOR[assignment.role])
    if report.assignee and _ASSIGNEE_ACTOR.get(report.assignee) in found:
        found.add(ASSIGNEE)
    return frozenset(found)


def allowed_transitions(user: Any, report: IncidentReport) -> list[str]:
    """Statuses ``user`` may move ``report`` to, in workflow order."""
    actors = actors_for(user, report)
    order = list(ReportStatus.values)
    allowed = [
        to
        for (src, to), roles in TRANSITIONS.items()
        if src == report.status and roles & actors and _crime_rule(report, to, actors)
    ]
    return sorted(set(allowed), key=order.index)


def _crime_rule(report: IncidentReport, to: str, actors: frozenset[str]) -> bool:
    # Criminal Procedure Code art. 144: a report of a possible crime may not
    # be refused; only the police may decide it is not one.
    return not (report.may_be_crime and to == S.REJECTED and POLICE not in actors)


def may_verify(user: Any, report: IncidentReport) -> bool:
    return bool(actors_for(user, report) & VERIFIERS)


# --------------------------------------------------------------------------------------
# Creating a report
# --------------------------------------------------------------------------------------


def _source_for(by: Any, reporter_worker: Worker | None) -> str:
    if by is None:
        return Source.WORKER_LINK if reporter_worker is not None else Source.PUBLIC
    if by.is_superuser:
        return Source.OFFICER
    roles = {a.role for a in _assignments(by)}
    for role, source in (
        (Role.GATE_GUARD, Source.GUARD),
        (Role.TEAM_LEADER, Source.TEAM_LEADER),
        (Role.ENTERPRISE_OFFICER, Source.ENTERPRISE),
    ):
        if role in roles:
            return source
    if roles - {Role.WORKER}:
        return Source.OFFICER
    return Source.WORKER


def _kind(kind: IncidentKind | str | int) -> IncidentKind:
    if isinstance(kind, IncidentKind):
        return kind
    query = (
        {"code": kind}
        if isinstance(kind, str) and not kind.isdigit()
        else {"pk": int(kind)}
    )
    found = IncidentKind.objects.filter(active=True, **query).first()
    if found is None:
        raise ValidationError({"kind": _("Choose a kind of incident from the list.")})
    return found


def _team_of(worker: Worker | None) -> Any:
    if worker is None:
        return None
    membership = (
        TeamMembership.objects.select_related("team")
        .filter(worker=worker, left_on__isnull=True)
        .order_by("team__team_kind", "id")
        .first()
    )
    return membership.team if membership else None


def _replayed(client_id: uuid.UUID | None) -> IncidentReport | None:
    if client_id is None:
        return None
    found = IncidentReport.objects.filter(client_id=client_id).first()
    if found is not None:
        found.created = False
        found._replayed = True  # read by tuquan.organisations.api.created
    return found


def create_report(
    *,
    kind: IncidentKind | str | int,
    description: str,
    occurred_at: datetime,
    by: Any = None,
    commune: Any = None,
    zone: Any = None,
    enterprise: Any = None,
    residence: Any = None,
    place_text: str = "",
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    people_involved: str = "",
    workers: Iterable[Worker] = (),
    source: str | None = None,
    reporter_worker: Worker | None = None,
    team: Any = None,
    contact: str = "",
    photos: Iterable[Any] = (),
    severity: str | None = None,
    client_id: uuid.UUID | str | None = None,
    received_at: datetime | None = None,
    is_sample: bool = False,
) -> IncidentReport:
    """Record a report and, when its kind may be a crime, hand it to the police.

    Every report is accepted (none may be refused); where it happened decides
    who sees it. With ``client_id`` a retried request returns the first report
    (``report.created`` is False). A fresh report carries ``status_key``: the
    one-time key a reporter without an account follows it with.
    """
    if client_id is not None and not isinstance(client_id, uuid.UUID):
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError as exc:
            raise ValidationError(
                {"client_id": _("client_id must be a UUID made by the device.")}
            ) from exc
    replay = _replayed(client_id)
    if replay is not None:
        return replay

    kind = _kind(kind)
    if by is not None and reporter_worker is None:
        reporter_worker = Worker.objects.filter(user_id=by.pk).first()
    if team is None:
        team = _team_of(reporter_worker)
    if not any((commune, zone, enterprise, residence)) and reporter_worker is not None:
        # A worker who does not say where: their workplace is the best guess.
        enterprise = reporter_worker.enterprise
        residence = None if enterprise else reporter_worker.residence
    if severity and severity not in Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})

    description = multiline(description)
    if not description:
        raise ValidationError({"description": _("Describe what happened.")})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            {
                "description": _("The description is too long (at most %(n)d).")
                % {"n": MAX_DESCRIPTION}
            }
        )
    if not any((commune, zone, enterprise, residence)):
        raise ValidationError(
            {"zone": _("Choose where it happened (zone, enterprise or commune).")}
        )
    cleaned = [_clean_photo(index, photo) for index, photo in enumerate(photos)]
    if len(cleaned) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}}
        )

    severity = severity or kind.default_severity
    report = IncidentReport(
        kind=kind,
        severity=severity,
        severity_rank=SEVERITY_RANK[severity],
        source=source or _source_for(by, reporter_worker),
        may_be_crime=kind.may_be_crime,
        occurred_at=occurred_at,
        received_at=received_at or timezone.now(),
        description=description,
        people_involved=multiline(people_involved)[:2000],
        commune=commune,
        zone=zone,
        enterprise=enterprise,
        residence=residence,
        team=team,
        place_text=nfc(place_text)[:255],
        latitude=_coordinate(latitude, "latitude"),
        longitude=_coordinate(longitude, "longitude"),
        reporter=by if getattr(by, "pk", None) else None,
        reporter_worker=reporter_worker,
        contact=nfc(contact)[:120],
        client_id=client_id,
        is_sample=is_sample,
    )
    if report.commune_id is None:
        report.commune = report.place_commune()
    report.scope_path = report.place_node().path
    report.team_path = team.path if team is not None else ""
    status_key = secrets.token_urlsafe(18)
    report.status_key_hash = IncidentReport.hash_status_key(status_key)
    report.reference = "tmp-" + secrets.token_hex(8)
    report.full_clean(exclude=["reference", "workers", "severity_rank"])

    try:
        with transaction.atomic():
            report.save()
            report.reference = reference_for(report)
            IncidentReport.objects.filter(pk=report.pk).update(
                reference=report.reference
            )
            workers = list(workers)
            if workers:
                report.workers.set(workers)
            ReportPhoto.objects.bulk_create(
                [
                    ReportPhoto(
                        report=report, content_type=ctype, data=data, size=len(data)
                    )
                    for ctype, data in cleaned
                ]
            )
            ReportTransition.objects.create(
                report=report,
                to_status=ReportStatus.RECEIVED,
                by=report.reporter,
                at=report.received_at,
                visible_to_reporter=True,
            )
            if report.may_be_crime:
                open_handover(report=report)
    except IntegrityError:
        # The same client_id raced in from another request: answer its result.
        replay = _replayed(client_id)
        if replay is None:
            raise
        return replay
    report.created = True
    report.status_key = status_key
    return report


def multiline(value: str | None) -> str:
    """NFC text keeping its line breaks (descriptions are written in lines)."""
    lines = (
        nfc(line) for line in unicodedata.normalize("NFC", value or "").splitlines()
    )
    return "\n".join(lines).strip()


def reference_for(report: IncidentReport) -> str:
    """A short number to quote on the phone: VV-<year>-<id>."""
    year = timezone.localtime(report.received_at).year
    return f"VV{year % 100:02d}-{report.pk:06d}"


def _coordinate(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc


def _clean_photo(index: int, photo: Any) -> tuple[str, bytes]:
    from tuquan.security.photos import clean_photo

    data = photo if isinstance(photo, bytes) else photo.read()
    try:
        return clean_photo(data)
    except ValidationError as exc:
        raise ValidationError(
            {
                "photos": _("Photo %(n)d: %(reason)s")
                % {"n": index + 1, "reason": " ".join(exc.messages)}
            }
        ) from exc


def report_by_status_key(key: str) -> IncidentReport | None:
    """The report a public status key follows, if any."""
    if not key or len(key) > 64:
        return None
    return (
        IncidentReport.objects.select_related("kind")
        .filter(status_key_hash=IncidentReport.hash_status_key(key))
        .first()
    )


# --------------------------------------------------------------------------------------
# Workflow
# --------------------------------------------------------------------------------------


def transition_report(
    *,
    report: IncidentReport,
    to: str,
    by: Any,
    note: str = "",
    visible_to_reporter: bool = True,
    assignee: str = "",
    reason: str = "",
    duplicate_of: IncidentReport | None = None,
) -> IncidentReport:
    """Move ``report`` to status ``to`` if the workflow and ``by``'s role allow
    it; the step is appended to the report's timeline."""
    if to not in ReportStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    note = (note or "").strip()
    reason = (reason or "").strip()
    with transaction.atomic():
        report = IncidentReport.objects.select_for_update().get(pk=report.pk)
        if (report.status, to) not in TRANSITIONS:
            raise ValidationError(
                {
                    "to": _("A report that is “%(from)s” cannot become “%(to)s”.")
                    % {
                        "from": ReportStatus(report.status).label,
                        "to": ReportStatus(to).label,
                    }
                }
            )
        actors = actors_for(by, report)
        if not (TRANSITIONS[(report.status, to)] & actors):
            raise PermissionDenied(
                _("Your role may not move this report to “%(to)s”.")
                % {"to": ReportStatus(to).label}
            )
        if not _crime_rule(report, to, actors):
            raise PermissionDenied(
                _("A report of a possible crime may only be rejected by the police.")
            )
        changes: dict[str, Any] = {}
        if to == S.ASSIGNED:
            if assignee not in Assignee.values:
                raise ValidationError({"assignee": _("Choose who handles the report.")})
            changes["assignee"] = assignee
        if to == S.REJECTED:
            if not reason:
                raise ValidationError(
                    {"reason": _("Give the reason for rejecting the report.")}
                )
            changes["rejection_reason"] = reason
            note = note or reason
        if to == S.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == report.pk:
                raise ValidationError(
                    {"duplicate_of": _("Choose the report this one repeats.")}
                )
            visible = IncidentReport.objects.visible_to(by).filter(pk=duplicate_of.pk)
            if not visible.exists():
                raise ValidationError(
                    {
                        "duplicate_of": _(
                            "That report does not exist or is not yours to see."
                        )
                    }
                )
            changes["duplicate_of_id"] = duplicate_of.pk
        if to == S.REOPENED:
            changes.update(rejection_reason="", duplicate_of_id=None)
        previous = report.status
        changes["status"] = to
        for field, value in changes.items():
            setattr(report, field, value)
        report.save(update_fields=[*changes.keys(), "updated_at"])
        ReportTransition.objects.create(
            report=report,
            from_status=previous,
            to_status=to,
            by=by,
            note=note[:2000],
            visible_to_reporter=visible_to_reporter,
        )
    return report


def mark_may_be_crime(*, report: IncidentReport, by: Any, note: str = "") -> HandOver:
    """A verifier decides the report may be a crime: it goes to the police."""
    if not may_verify(by, report):
        raise PermissionDenied(_("Your role may not verify this report."))
    with transaction.atomic():
        report = IncidentReport.objects.select_for_update().get(pk=report.pk)
        if hasattr(report, "handover"):
            return report.handover
        report.may_be_crime = True
        report.save(update_fields=["may_be_crime", "updated_at"])
        handover = open_handover(report=report)
        ReportTransition.objects.create(
            report=report,
            from_status=report.status,
            to_status=report.status,
            by=by,
            note=note or _("Marked as a possible crime and handed to the police."),
            visible_to_reporter=False,
        )
    return handover


# --------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------


def _common_path(paths: Iterable[str]) -> str:
    split = [p.strip("/").split("/") for p in paths if p]
    if not split:
        return ""
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) + "/" if common else ""


def group_reports(
    *,
    reports: Iterable[IncidentReport],
    by: Any,
    title: str = "",
    incident: Incident | None = None,
) -> Incident:
    """Group reports about the same event into one incident (new or given)."""
    reports = list(reports)
    # A new incident needs two reports; an existing one takes one more.
    if not reports or (incident is None and len(reports) < 2):
        raise ValidationError({"reports": _("Choose at least two reports to group.")})
    for report in reports:
        if not may_verify(by, report):
            raise PermissionDenied(
                _("Your role may not group report %(ref)s.") % {"ref": report.reference}
            )
    with transaction.atomic():
        if incident is None:
            title = nfc(title) or str(reports[0].kind)
            incident = Incident(title=title[:200], kind=reports[0].kind, created_by=by)
        else:
            incident = Incident.objects.select_for_update().get(pk=incident.pk)
        members = [r.scope_path for r in reports]
        if incident.pk:
            members += list(incident.reports.values_list("scope_path", flat=True))
        incident.scope_path = _common_path(members)
        incident.save()
        IncidentReport.objects.filter(pk__in=[r.pk for r in reports]).update(
            incident=incident, updated_at=timezone.now()
        )
    return incident


# --------------------------------------------------------------------------------------
# Police hand-over
# --------------------------------------------------------------------------------------


def police_for(area: Any) -> Organisation | None:
    """The police agency whose jurisdiction is ``area`` (a commune or province)."""
    if area is None:
        return None
    return (
        Organisation.objects.filter(
            kind=OrgKind.AGENCY, function=AgencyFunction.POLICE, jurisdiction=area
        )
        .order_by("id")
        .first()
    )


def provincial_police(commune: Any) -> Organisation | None:
    if commune is None:
        return None
    province = commune.ancestors().filter(kind=OrgKind.PROVINCE).first()
    return police_for(province)


def open_handover(*, report: IncidentReport) -> HandOver:
    """Hand the report to the commune police: 24 hours from receipt, 48 in
    communes flagged remote (joint circular 01/2017)."""
    commune = report.place_commune()
    remote = bool(commune is not None and commune.remote)
    hours = HANDOVER_HOURS_REMOTE if remote else HANDOVER_HOURS
    return HandOver.objects.create(
        report=report,
        commune=commune,
        police_unit=police_for(commune) or provincial_police(commune),
        remote=remote,
        deadline=report.received_at + timedelta(hours=hours),
    )


def may_handle_handover(user: Any, handover: HandOver) -> bool:
    return POLICE in actors_for(user, handover.report)


def update_handover(
    *,
    handover: HandOver,
    by: Any,
    receiving_officer: str | None = None,
    record_number: str | None = None,
    outcome: str | None = None,
) -> HandOver:
    """The police record who received the report, under which record number,
    and what they notified back."""
    if not may_handle_handover(by, handover):
        raise PermissionDenied(_("Only the police may update a hand-over."))
    with transaction.atomic():
        handover = HandOver.objects.select_for_update().get(pk=handover.pk)
        before = audit.snapshot(
            handover, ["receiving_officer", "record_number", "outcome", "status"]
        )
        if receiving_officer is not None:
            handover.receiving_officer = nfc(receiving_officer)[:120]
        if record_number is not None:
            handover.record_number = nfc(record_number)[:60]
        if outcome is not None:
            handover.outcome = multiline(outcome)[:4000]
        now = timezone.now()
        if handover.receiving_officer or handover.record_number:
            if not (handover.receiving_officer and handover.record_number):
                raise ValidationError(
                    {
                        "record_number": _(
                            "Give both the receiving officer and the record number."
                        )
                    }
                )
            if handover.received_at is None:
                handover.received_at = now
            if handover.status in (HandOverStatus.PENDING, HandOverStatus.ESCALATED):
                handover.status = HandOverStatus.RECEIVED
        if handover.outcome:
            if handover.received_at is None:
                raise ValidationError(
                    {
                        "outcome": _(
                            "Record the receiving officer and the record number first."
                        )
                    }
                )
            handover.outcome_at = handover.outcome_at or now
            handover.status = HandOverStatus.CONCLUDED
        handover.save()
        after = audit.snapshot(
            handover, ["receiving_officer", "record_number", "outcome", "status"]
        )
        audit.record(
            audit.AuditAction.UPDATE,
            handover,
            changes=audit.diff(before, after),
            scope_path=handover.report.scope_path,
            user=by,
        )
    return handover


def escalate_overdue_handovers(*, now: datetime | None = None) -> int:
    """Pass every hand-over still unreceived at its deadline to the provincial
    police; returns how many were escalated."""
    now = now or timezone.now()
    count = 0
    for pk in HandOver.objects.overdue(now).values_list("pk", flat=True):
        with transaction.atomic():
            # Lock only the hand-over row (the commune join is nullable).
            handover = (
                HandOver.objects.select_for_update(of=("self",))
                .select_related("report", "commune")
                .get(pk=pk)
            )
            if not handover.is_overdue(now):
                continue  # received meanwhile
            handover.status = HandOverStatus.ESCALATED
            handover.escalated_at = now
            handover.escalated_to = provincial_police(handover.commune)
            handover.save(update_fields=["status", "escalated_at", "escalated_to"])
            ReportTransition.objects.create(
                report=handover.report,
                from_status=handover.report.status,
                to_status=handover.report.status,
                at=now,
                note=_(
                    "Not received by the commune police in time: escalated to the provincial police."
                ),
                visible_to_reporter=False,
            )
            count += 1
    return count
