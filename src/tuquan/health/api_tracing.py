"""API for contact tracing (health officers only, reads audited), follow-up
tests, and the employers' view of who may not work before which day."""

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from tuquan.health.api_cases import officer
from tuquan.health.cases import cases_for, off_work_until, read_cases
from tuquan.health.models import Contact, ContactStatus, FollowUp
from tuquan.health.tracing import (
    confirm_contact,
    dismiss_contact,
    lockdown_options,
    mark_follow_up_done,
    reason_text,
    trace_case,
    trace_second_generation,
)
from tuquan.organisations.api import caller, get_visible_or_404, paged
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from tuquan.people.models import EmploymentStatus, Worker

router = Router(tags=["health"])


class ReasonOut(Schema):
    code: str = Field(
        description="team, line_shift, workshop_shift, room, residence, bus or gate"
    )
    text: str = Field(description="The reason in one Vietnamese sentence.")
    days: list[date] = []
    count: int = 0


class ContactOut(Schema):
    id: int
    case_id: int
    generation: int = Field(description="1 for F1, 2 for F2")
    parent_id: int | None = Field(description="The F1 an F2 met.")
    worker_id: int
    worker: str
    reasons: list[ReasonOut]
    score: int = Field(description="Orders the list; not a probability.")
    first_contact_on: date | None
    last_contact_on: date | None
    status: ContactStatus
    quarantine_until: date | None


class ContactDecisionIn(Schema):
    quarantine_until: date | None = Field(
        None, description="Empty: last contact + the disease's quarantine days."
    )


class TraceOut(Schema):
    found: int


class LockdownOptionOut(Schema):
    scope: str = Field(description="team, line, workshop or site")
    label: str
    unit: str
    affected: int
    workforce: int
    share: float
    remaining: int
    already_out: int


class FollowUpOut(Schema):
    id: int
    worker_id: int
    worker: str = Field(alias="worker.full_name")
    case_id: int | None
    contact_id: int | None
    due_on: date
    done_on: date | None
    note: str


class FollowUpDoneIn(Schema):
    done_on: date | None = None
    note: str = Field("", max_length=200)


class RestrictionOut(Schema):
    worker_id: int
    worker: str
    enterprise_id: int | None
    not_before: date = Field(description="The first day the worker may work again.")


def _contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "case_id": contact.case_id,
        "generation": contact.generation,
        "parent_id": contact.parent_id,
        "worker_id": contact.worker_id,
        "worker": contact.worker.full_name,
        "reasons": [
            {
                "code": reason["code"],
                "text": reason_text(reason),
                "days": reason.get("days", []),
                "count": reason.get("count", 0),
            }
            for reason in contact.reasons
        ],
        "score": contact.score,
        "first_contact_on": contact.first_contact_on,
        "last_contact_on": contact.last_contact_on,
        "status": contact.status,
        "quarantine_until": contact.quarantine_until,
    }


def _visible_contact(user: Any, contact_id: int) -> Contact:
    contacts = Contact.objects.select_related(
        "case__worker", "case__profile", "worker"
    ).filter(case__in=cases_for(user))
    return get_visible_or_404(contacts, contact_id)


@router.get(
    "/cases/{case_id}/contacts",
    response={200: list[ContactOut], **READ_ERRORS, 403: ErrorOut},
)
def list_case_contacts(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """F1 and F2 of a case, F1 first, highest score first (audited)."""
    user = officer(request)
    case = get_visible_or_404(cases_for(user), case_id)
    read_cases([case], by=user)
    return [_contact_out(c) for c in case.contacts.select_related("worker")]


@router.post(
    "/cases/{case_id}/trace", response={200: TraceOut, **WRITE_ERRORS, 403: ErrorOut}
)
def trace_case_contacts(request: HttpRequest, case_id: int) -> dict[str, int]:
    """Search F1 again (new gate data); decisions already taken stay."""
    user = officer(request)
    case = get_visible_or_404(cases_for(user), case_id)
    return {"found": len(trace_case(case, by=user))}


@router.get(
    "/cases/{case_id}/lockdown-options",
    response={200: list[LockdownOptionOut], **READ_ERRORS, 403: ErrorOut},
)
def list_lockdown_options(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """Team, line, workshop or whole site: the workers each closure stops."""
    user = officer(request)
    case = get_visible_or_404(cases_for(user), case_id)
    return [
        {**option.__dict__, "share": option.share, "remaining": option.remaining}
        for option in lockdown_options(case)
    ]


@router.post(
    "/contacts/{contact_id}/confirm",
    response={200: ContactOut, **WRITE_ERRORS, 403: ErrorOut},
)
def confirm_contact_api(
    request: HttpRequest, contact_id: int, payload: ContactDecisionIn
) -> dict[str, Any]:
    user = officer(request)
    contact = _visible_contact(user, contact_id)
    return _contact_out(
        confirm_contact(contact, by=user, quarantine_until=payload.quarantine_until)
    )


@router.post(
    "/contacts/{contact_id}/dismiss",
    response={200: ContactOut, **WRITE_ERRORS, 403: ErrorOut},
)
def dismiss_contact_api(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    user = officer(request)
    return _contact_out(dismiss_contact(_visible_contact(user, contact_id), by=user))


@router.post(
    "/contacts/{contact_id}/trace",
    response={200: list[ContactOut], **WRITE_ERRORS, 403: ErrorOut},
)
def trace_second_generation_api(
    request: HttpRequest, contact_id: int
) -> list[dict[str, Any]]:
    """F2: the people a confirmed F1 met."""
    user = officer(request)
    contact = _visible_contact(user, contact_id)
    found = trace_second_generation(contact, by=user)
    return [
        _contact_out(c)
        for c in Contact.objects.filter(pk__in=[c.pk for c in found]).select_related(
            "worker"
        )
    ]


@router.get(
    "/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS, 403: ErrorOut}
)
@paged
def list_follow_ups(request: HttpRequest, due_by: date | None = None) -> Any:
    """Follow-up tests not done yet, due on or before ``due_by`` (default today)."""
    user = officer(request)
    cases = cases_for(user)
    return (
        FollowUp.objects.due(due_by or timezone.localdate())
        .of_cases(cases)
        .select_related("worker")
        .order_by("due_on", "worker_id", "pk")
    )


@router.post(
    "/follow-ups/{follow_up_id}/done",
    response={200: FollowUpOut, **WRITE_ERRORS, 403: ErrorOut},
)
def mark_follow_up_done_api(
    request: HttpRequest, follow_up_id: int, payload: FollowUpDoneIn
) -> FollowUp:
    user = officer(request)
    cases = cases_for(user)
    follow_up = get_visible_or_404(
        FollowUp.objects.of_cases(cases),
        follow_up_id,
    )
    return mark_follow_up_done(
        follow_up, by=user, done_on=payload.done_on, note=payload.note
    )


@router.get("/work-restrictions", response={200: list[RestrictionOut], **READ_ERRORS})
@paged
def list_work_restrictions(request: HttpRequest) -> list[dict[str, Any]]:
    """Workers in your scope who may not work today, and the first day they
    may: what employers see (no diagnosis, no source case)."""
    user = caller(request)
    today = timezone.localdate()
    visible = Worker.objects.visible_to(user).filter(
        employment_status=EmploymentStatus.ACTIVE
    )
    until = off_work_until(today, worker__in=visible)
    workers = Worker.objects.filter(pk__in=list(until)).order_by("full_name", "pk")
    return [
        {
            "worker_id": worker.pk,
            "worker": worker.full_name,
            "enterprise_id": worker.enterprise_id,
            "not_before": until[worker.pk] + timedelta(days=1),
        }
        for worker in workers
    ]
