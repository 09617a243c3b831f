"""JSON API of incident reports: list (filters, pages), get, create (idempotent
by client_id), workflow transitions, grouping into incidents, police hand-overs.

Every read goes through ``visible_to``; ids outside the caller's scope answer
404 (their existence does not leak). Photos are uploaded through the HTML form.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tuquan.organisations.api import (
    References,
    caller,
    created,
    get_visible_or_404,
    paged,
)
from tuquan.organisations.models import AdminUnit, Enterprise, Residence, Zone
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, CreateSchema
from tuquan.people.models import Worker
from tuquan.security.choices import Assignee, ReportStatus, Severity
from tuquan.security.filters import ReportFilter
from tuquan.security.models import HandOver, Incident, IncidentKind, IncidentReport
from tuquan.security.services import (
    allowed_transitions,
    create_report,
    group_reports,
    transition_report,
    update_handover,
)

router = Router(tags=["security"])


class KindOut(Schema):
    id: int
    code: str
    name: str
    default_severity: str
    may_be_crime: bool


class HandOverOut(Schema):
    id: int
    report_id: int
    police_unit_id: int | None
    commune_id: int | None
    remote: bool
    deadline: datetime
    status: str
    escalated_at: datetime | None
    escalated_to_id: int | None
    receiving_officer: str
    record_number: str
    received_at: datetime | None
    outcome: str
    outcome_at: datetime | None


class ReportOut(Schema):
    id: int
    reference: str
    kind: str
    severity: str
    status: str
    source: str
    may_be_crime: bool
    occurred_at: datetime
    received_at: datetime
    description: str
    people_involved: str
    commune_id: int | None
    zone_id: int | None
    enterprise_id: int | None
    residence_id: int | None
    team_id: int | None
    place_text: str
    latitude: float | None
    longitude: float | None
    assignee: str
    rejection_reason: str
    duplicate_of_id: int | None
    incident_id: int | None

    @staticmethod
    def resolve_kind(obj: IncidentReport) -> str:
        return obj.kind.code


class ReportDetailOut(ReportOut):
    allowed_transitions: list[str]
    handover: HandOverOut | None

    @staticmethod
    def resolve_handover(obj: IncidentReport) -> HandOver | None:
        return HandOver.objects.filter(report=obj).first()


class ReportIn(CreateSchema):
    kind: str = Field(description="Kind code, e.g. theft")
    description: str = Field(min_length=1, max_length=5000)
    occurred_at: datetime
    commune_id: int | None = None
    zone_id: int | None = None
    enterprise_id: int | None = None
    residence_id: int | None = None
    place_text: str = Field("", max_length=255)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    people_involved: str = Field("", max_length=2000)
    worker_ids: list[int] = Field(default_factory=list, max_length=50)
    severity: Severity | None = None


class TransitionIn(Schema):
    to: ReportStatus
    note: str = Field("", max_length=2000)
    visible_to_reporter: bool = True
    assignee: Assignee | None = None
    reason: str = Field("", max_length=2000)
    duplicate_of_id: int | None = None


class GroupIn(Schema):
    report_ids: list[int] = Field(min_length=1, max_length=200)
    title: str = Field("", max_length=200)
    incident_id: int | None = None


class IncidentOut(Schema):
    id: int
    title: str
    kind_id: int
    report_ids: list[int]


class HandOverPatch(Schema):
    receiving_officer: str | None = Field(None, max_length=120)
    record_number: str | None = Field(None, max_length=60)
    outcome: str | None = Field(None, max_length=4000)


def _detail(report: IncidentReport, user: Any) -> IncidentReport:
    report.allowed_transitions = allowed_transitions(user, report)
    return report


@router.get(
    "/incident-kinds",
    response={200: list[KindOut], **READ_ERRORS},
    summary="List incident kinds",
)
def list_incident_kinds(request: HttpRequest) -> QuerySet[IncidentKind]:
    return IncidentKind.objects.filter(active=True)


@router.get(
    "/incident-reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="List incident reports in your scope (newest first)",
)
@paged
def list_incident_reports(
    request: HttpRequest, filters: Query[ReportFilter]
) -> QuerySet[IncidentReport]:
    reports = IncidentReport.objects.visible_to(caller(request))
    return (
        filters.filter(reports).select_related("kind").order_by("-received_at", "-id")
    )


@router.get(
    "/incident-reports/{report_id}",
    response={200: ReportDetailOut, **READ_ERRORS},
    summary="Get one incident report with the transitions you may make",
)
def get_incident_report(request: HttpRequest, report_id: int) -> IncidentReport:
    user = caller(request)
    reports = IncidentReport.objects.visible_to(user).select_related("kind")
    return _detail(get_visible_or_404(reports, report_id), user)


@router.post(
    "/incident-reports",
    response={200: ReportOut, 201: ReportOut, **WRITE_ERRORS},
    summary="Report an incident (a retry with the same client_id returns the first)",
)
def create_incident_report(request: HttpRequest, payload: ReportIn) -> Any:
    user = caller(request)
    if payload.client_id is not None:
        replay = IncidentReport.objects.filter(client_id=payload.client_id).first()
        if replay is not None:
            if replay.reporter_id != user.pk:
                # Someone else's id: never reveal their report.
                raise HttpError(
                    409, _("This client_id was already used for another report.")
                )
            replay._replayed = True
            return created(replay)
    refs = References(user)
    place = {
        "commune": refs.get(AdminUnit, "commune_id", payload.commune_id),
        "zone": refs.get(Zone, "zone_id", payload.zone_id),
        "enterprise": refs.get(Enterprise, "enterprise_id", payload.enterprise_id),
        "residence": refs.get(Residence, "residence_id", payload.residence_id),
    }
    workers = refs.many(Worker, "worker_ids", payload.worker_ids)
    refs.raise_errors()
    report = create_report(
        kind=payload.kind,
        description=payload.description,
        occurred_at=payload.occurred_at,
        by=user,
        place_text=payload.place_text,
        latitude=payload.latitude,
        longitude=payload.longitude,
        people_involved=payload.people_involved,
        workers=workers,
        severity=payload.severity,
        client_id=payload.client_id,
        **place,
    )
    return created(report)


@router.post(
    "/incident-reports/{report_id}/transitions",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="Move a report along the workflow",
)
def transition_incident_report(
    request: HttpRequest, report_id: int, payload: TransitionIn
) -> IncidentReport:
    user = caller(request)
    visible = IncidentReport.objects.visible_to(user)
    report = get_visible_or_404(visible, report_id)
    duplicate_of = None
    if payload.duplicate_of_id is not None:
        duplicate_of = get_visible_or_404(visible, payload.duplicate_of_id)
    report = transition_report(
        report=report,
        to=payload.to,
        by=user,
        note=payload.note,
        visible_to_reporter=payload.visible_to_reporter,
        assignee=payload.assignee or "",
        reason=payload.reason,
        duplicate_of=duplicate_of,
    )
    return _detail(
        IncidentReport.objects.select_related("kind").get(pk=report.pk), user
    )


@router.post(
    "/incidents",
    response={200: IncidentOut, **WRITE_ERRORS},
    summary="Group reports into one incident (new, or an existing one)",
)
def group_incident_reports(request: HttpRequest, payload: GroupIn) -> dict[str, Any]:
    user = caller(request)
    visible = IncidentReport.objects.visible_to(user)
    reports = [
        get_visible_or_404(visible, pk) for pk in dict.fromkeys(payload.report_ids)
    ]
    incident = None
    if payload.incident_id is not None:
        incident = get_visible_or_404(
            Incident.objects.visible_to(user), payload.incident_id
        )
    incident = group_reports(
        reports=reports, by=user, title=payload.title, incident=incident
    )
    return {
        "id": incident.pk,
        "title": incident.title,
        "kind_id": incident.kind_id,
        "report_ids": list(
            visible.filter(incident=incident)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    }


@router.get(
    "/handovers",
    response={200: list[HandOverOut], **READ_ERRORS},
    summary="List police hand-overs in your scope (earliest deadline first)",
)
@paged
def list_police_handovers(request: HttpRequest) -> QuerySet[HandOver]:
    return HandOver.objects.visible_to(caller(request)).order_by("deadline", "id")


@router.patch(
    "/handovers/{handover_id}",
    response={200: HandOverOut, **WRITE_ERRORS},
    summary="Record the receiving officer, record number or outcome",
)
def update_police_handover(
    request: HttpRequest, handover_id: int, payload: HandOverPatch
) -> HandOver:
    user = caller(request)
    handover = get_visible_or_404(HandOver.objects.visible_to(user), handover_id)
    return update_handover(
        handover=handover, by=user, **payload.model_dump(exclude_unset=True)
    )
