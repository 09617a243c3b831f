"""API for confirmed cases: health officers only, every read audited."""

import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from tuquan.health.cases import (
    cases_for,
    close_case,
    confirm_case,
    health_paths,
    read_cases,
)
from tuquan.health.models import Case, CaseBasis, CaseOutcome
from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from tuquan.people.models import Worker

router = Router(tags=["health"])


class CaseIn(Schema):
    worker: int
    basis: CaseBasis
    confirmed_on: date | None = None
    onset_on: date | None = Field(
        None, description="Symptom onset or sample date: tracing looks back from it."
    )
    note: str = ""
    client_id: uuid.UUID | None = Field(
        None, description="A retry with the same id returns the first result (200)."
    )


class CaseCloseIn(Schema):
    outcome: CaseOutcome
    closed_on: date | None = None


class CaseOut(Schema):
    id: int
    worker_id: int
    worker: str = Field(alias="worker.full_name")
    disease: str = Field(alias="profile.name")
    basis: str
    confirmed_on: date
    onset_on: date | None
    isolation_until: date
    outcome: str
    closed_on: date | None


def officer(request: HttpRequest) -> Any:
    """The caller, if a health officer somewhere (else 403): for every case
    and contact operation."""
    user = caller(request)
    if health_paths(user) == []:
        raise HttpError(403, _("Only health officers see cases."))
    return user


@router.get("/cases", response={200: list[CaseOut], **READ_ERRORS, 403: ErrorOut})
@paged
def list_cases(request: HttpRequest) -> Any:
    """Cases in your scope, newest first; each case listed is audited."""
    return _AuditedCases(cases_for(officer(request)), caller(request))


class _AuditedCases:
    """A queryset stand-in whose page, once sliced, writes the audit entries."""

    def __init__(self, cases: Any, user: Any) -> None:
        self.cases, self.user = cases, user

    def count(self) -> int:
        return self.cases.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        page = list(self.cases[item])
        read_cases(page, by=self.user)
        return page


@router.get("/cases/{case_id}", response={200: CaseOut, **READ_ERRORS, 403: ErrorOut})
def get_case(request: HttpRequest, case_id: int) -> Case:
    user = officer(request)
    case = get_visible_or_404(cases_for(user), case_id)
    read_cases([case], by=user)
    return case


@router.post("/cases", response={200: CaseOut, 201: CaseOut, **WRITE_ERRORS})
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Confirm a case: the worker is isolated for the disease's isolation days
    and the gates refuse them until then."""
    user = caller(request)
    replay = (
        Case.objects.filter(client_id=payload.client_id).first()
        if payload.client_id
        else None
    )
    worker = get_visible_or_404(Worker.objects.visible_to(user), payload.worker)
    case = confirm_case(
        worker=worker,
        basis=payload.basis,
        by=user,
        confirmed_on=payload.confirmed_on,
        onset_on=payload.onset_on,
        note=payload.note,
        client_id=payload.client_id,
    )
    case._replayed = replay is not None  # type: ignore[attr-defined]
    return created(case)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **WRITE_ERRORS})
def close_case_api(request: HttpRequest, case_id: int, payload: CaseCloseIn) -> Case:
    user = officer(request)
    case = get_visible_or_404(cases_for(user), case_id)
    return close_case(
        case=case, outcome=payload.outcome, by=user, closed_on=payload.closed_on
    )
