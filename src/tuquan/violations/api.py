"""API for violations and sanction decisions (the same services as the pages)."""

import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.gates.models import GateEvent
from tuquan.health.models import Case
from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Organisation
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS
from tuquan.people.models import Worker
from tuquan.security.models import IncidentReport
from tuquan.violations import documents
from tuquan.violations.choices import Detection, SubjectKind, ViolationState
from tuquan.violations.models import (
    Authority,
    LegalProvision,
    SanctionDecision,
    Violation,
)
from tuquan.violations.services import issue_decision, record_violation
from tuquan.violations.views import docx_response, filtered_violations, safe_name

router = Router(tags=["violations"])


class ViolationFilter(Schema):
    provision: int | None = None
    subject_kind: SubjectKind | None = None
    detection: Detection | None = None
    state: ViolationState | None = None
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    repeat: bool = Field(False, description="Only repeat offences.")


class ViolationIn(Schema):
    subject_kind: SubjectKind
    worker: int | None = None
    organisation: int | None = Field(
        None,
        description="The organisation that committed it (subject_kind=organisation).",
    )
    person_name: str = ""
    person_id: str = Field("", description="12-digit citizen ID or 9-digit ID card.")
    site: int | None = Field(
        None, description="Unit where found; default: the worker's enterprise."
    )
    provision: int
    occurred_at: datetime
    place: str
    detection: Detection
    record_number: str
    description: str = ""
    gate_event: int | None = None
    health_case: int | None = None
    incident_report: int | None = Field(
        None, description="The incident report (security) that led to it."
    )
    client_id: uuid.UUID | None = Field(
        None, description="A retry with the same id returns the first result (200)."
    )


class ViolationOut(Schema):
    id: int
    subject_kind: str
    subject: str = Field(alias="subject_label")
    worker_id: int | None
    organisation_id: int | None
    provision_id: int
    provision: str = Field(alias="provision.citation")
    occurred_at: datetime
    place: str
    site_id: int
    detection: str
    record_number: str
    state: str
    is_repeat: bool
    decision_id: int | None


class DecisionIn(Schema):
    violations: list[int]
    authority: int
    number: str
    issuing_body: str
    signer_name: str
    place_name: str
    fine_amount: int = Field(description="Total fine in đồng.")
    remedial_measures: str = ""
    issued_on: date | None = None
    due_on: date | None = None
    client_id: uuid.UUID | None = None


class DecisionOut(Schema):
    id: int
    number: str
    authority: str = Field(alias="authority.title")
    issuing_body: str
    subject: str = Field(alias="subject_label")
    subject_kind: str
    fine_amount: int
    remedial_measures: str
    issued_on: date
    due_on: date | None
    paid_on: date | None
    complied_on: date | None
    state: str
    appeal_state: str
    violations: list[int]

    @staticmethod
    def resolve_violations(obj: SanctionDecision) -> list[int]:
        return sorted(obj.violations.values_list("pk", flat=True))


@router.get("/violations", response={200: list[ViolationOut], **READ_ERRORS})
@paged
def list_violations(request: HttpRequest, filters: Query[ViolationFilter]) -> Any:
    """Violations in your scope, newest first."""
    params = {
        "provision": str(filters.provision or ""),
        "subject_kind": filters.subject_kind or "",
        "detection": filters.detection or "",
        "state": filters.state or "",
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
        "repeat": "1" if filters.repeat else "",
    }
    qs, _chosen = filtered_violations(caller(request), params)
    return qs


@router.get("/violations/{violation_id}", response={200: ViolationOut, **READ_ERRORS})
def get_violation(request: HttpRequest, violation_id: int) -> Violation:
    user = caller(request)
    violation = get_visible_or_404(
        Violation.objects.visible_to(user).select_related("provision"), violation_id
    )
    audit.record(AuditAction.VIEW_PERSONAL, violation, user=user)
    return violation


@router.post(
    "/violations", response={200: ViolationOut, 201: ViolationOut, **WRITE_ERRORS}
)
def create_violation(request: HttpRequest, payload: ViolationIn) -> Any:
    """Record a violation; repeat offences are flagged (`is_repeat`)."""
    user = caller(request)

    def visible(model: Any, pk: int | None) -> Any:
        return get_visible_or_404(model.objects.visible_to(user), pk) if pk else None

    worker = visible(Worker, payload.worker)
    organisation = visible(Organisation, payload.organisation)
    site = visible(Organisation, payload.site)
    gate_event = visible(GateEvent, payload.gate_event)
    health_case = visible(Case, payload.health_case)
    incident_report = visible(IncidentReport, payload.incident_report)
    violation = record_violation(
        by=user,
        subject_kind=payload.subject_kind,
        worker=worker,
        organisation=organisation,
        person_name=payload.person_name,
        person_id=payload.person_id,
        site=site,
        provision=LegalProvision.objects.filter(pk=payload.provision).first(),
        occurred_at=payload.occurred_at,
        place=payload.place,
        detection=payload.detection,
        record_number=payload.record_number,
        description=payload.description,
        gate_event=gate_event,
        health_case=health_case,
        incident_report=incident_report,
        client_id=payload.client_id,
    )
    return created(violation)


@router.get("/violations/{violation_id}/record.docx", response={**READ_ERRORS})
def get_violation_record_docx(request: HttpRequest, violation_id: int) -> HttpResponse:
    """The written record (biên bản) as .docx."""
    user = caller(request)
    violation = get_visible_or_404(Violation.objects.visible_to(user), violation_id)
    audit.record(AuditAction.EXPORT, violation, user=user)
    return docx_response(
        documents.record_docx(violation),
        f"bien-ban-{safe_name(violation.record_number)}.docx",
    )


@router.post(
    "/sanction-decisions",
    response={200: DecisionOut, 201: DecisionOut, **WRITE_ERRORS},
)
def create_sanction_decision(request: HttpRequest, payload: DecisionIn) -> Any:
    """Fine one subject for their violations (same subject, fine in range)."""
    user = caller(request)
    violations = [
        get_visible_or_404(
            Violation.objects.visible_to(user).select_related("provision"), pk
        )
        for pk in dict.fromkeys(payload.violations)
    ]
    decision = issue_decision(
        by=user,
        violations=violations,
        authority=Authority.objects.filter(pk=payload.authority).first(),
        number=payload.number,
        issuing_body=payload.issuing_body,
        signer_name=payload.signer_name,
        place_name=payload.place_name,
        fine_amount=payload.fine_amount,
        remedial_measures=payload.remedial_measures,
        issued_on=payload.issued_on,
        due_on=payload.due_on,
        client_id=payload.client_id,
    )
    return created(decision)


@router.get(
    "/sanction-decisions/{decision_id}", response={200: DecisionOut, **READ_ERRORS}
)
def get_sanction_decision(request: HttpRequest, decision_id: int) -> SanctionDecision:
    return get_visible_or_404(
        SanctionDecision.objects.visible_to(caller(request)).select_related(
            "authority"
        ),
        decision_id,
    )


@router.get("/sanction-decisions/{decision_id}/decision.docx", response={**READ_ERRORS})
def get_sanction_decision_docx(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The decision as .docx in the official layout."""
    user = caller(request)
    decision = get_visible_or_404(
        SanctionDecision.objects.visible_to(user).select_related("authority"),
        decision_id,
    )
    audit.record(AuditAction.EXPORT, decision, user=user)
    return docx_response(
        documents.decision_docx(decision),
        f"quyet-dinh-{safe_name(decision.number)}.docx",
    )
