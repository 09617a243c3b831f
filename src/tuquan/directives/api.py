"""API of directives, tasks and progress reports, limited to the caller's
scope: list and get directives and tasks (with each unit's status bucket),
accept a task, create a progress report (``client_id`` makes a retry return
the first report), approve or return a report."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tuquan.directives import queries, services
from tuquan.directives import status as st
from tuquan.directives.choices import Bucket, Topic
from tuquan.directives.models import Assignment, Directive, ProgressReport, Task
from tuquan.organisations.api import caller, created, get_visible_or_404
from tuquan.organisations.models import Organisation
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema

router = Router(tags=["directives"])


class UnitStatusOut(Schema):
    assignment_id: int
    unit_id: int
    unit: str
    role: str
    accepted_at: datetime | None
    status: str
    percentage: int | None


class TaskOut(Schema):
    id: int
    directive_id: int
    number: int
    content: str
    lead_unit_id: int
    cycle: str
    deadline: date | None
    due_day: int | None
    recur_until: date | None
    indicator_name: str
    indicator_unit: str
    indicator_target: Decimal | None
    status: str
    units: list[UnitStatusOut]


class DirectiveOut(Schema):
    id: int
    number: str
    issued_on: date
    issuer_id: int
    issuer: str
    summary: str
    topic: str
    parent_id: int | None
    tasks: list[TaskOut]


class ReportOut(Schema):
    id: int
    task_id: int
    unit_id: int
    period_start: date
    percentage: int
    narrative: str
    indicator_value: Decimal | None
    state: str
    return_reason: str
    submitted_at: datetime
    reviewed_at: datetime | None


class ReportIn(InputSchema):
    task_id: int
    unit_id: int
    percentage: int = Field(..., ge=0, le=100)
    narrative: str
    period_start: date | None = None
    indicator_value: Decimal | None = None
    client_id: uuid.UUID | None = None


class ReturnIn(InputSchema):
    reason: str


def _task_out(row: queries.TaskRow) -> dict[str, Any]:
    task = row.task
    return {
        **{
            name: getattr(task, name)
            for name in (
                "id",
                "directive_id",
                "number",
                "content",
                "lead_unit_id",
                "cycle",
                "deadline",
                "due_day",
                "recur_until",
                "indicator_name",
                "indicator_unit",
                "indicator_target",
            )
        },
        "status": row.bucket,
        "units": [
            {
                "assignment_id": a.pk,
                "unit_id": a.unit_id,
                "unit": a.unit.name,
                "role": a.role,
                "accepted_at": a.accepted_at,
                "status": s.bucket,
                "percentage": s.percentage,
            }
            for a, s in row.units
        ],
    }


def _directive_out(row: queries.DirectiveRow) -> dict[str, Any]:
    d = row.directive
    return {
        "id": d.pk,
        "number": d.number,
        "issued_on": d.issued_on,
        "issuer_id": d.issuer_id,
        "issuer": d.issuer.name,
        "summary": d.summary,
        "topic": d.topic,
        "parent_id": d.parent_id,
        "tasks": [_task_out(t) for t in row.tasks],
    }


@router.get(
    "/directives",
    response={200: list[DirectiveOut], **READ_ERRORS},
    summary="Directives you can see, with the tasks and statuses in your scope",
)
def list_directives(
    request: HttpRequest,
    status: Bucket | None = None,
    topic: Topic | None = None,
    unit: int | None = None,
    q: str = "",
) -> list[dict[str, Any]]:
    rows = queries.directive_list(
        caller(request),
        status=status or "",
        topic=topic or "",
        unit=unit,
        q=q,
    )
    return [_directive_out(row) for row in rows]


@router.get(
    "/directives/{directive_id}",
    response={200: DirectiveOut, **READ_ERRORS},
    summary="Get one directive with its tasks and each unit's status",
)
def get_directive(request: HttpRequest, directive_id: int) -> dict[str, Any]:
    user = caller(request)
    directive = get_visible_or_404(
        Directive.objects.visible_to(user).select_related("issuer"), directive_id
    )
    return _directive_out(queries.rows_for(user, [directive])[0])


@router.get(
    "/tasks",
    response={200: list[TaskOut], **READ_ERRORS},
    summary="Tasks you can see (issued by your body or assigned in your scope)",
)
def list_tasks(
    request: HttpRequest, directive: int | None = None, unit: int | None = None
) -> list[dict[str, Any]]:
    user = caller(request)
    qs = Directive.objects.visible_to(user).select_related("issuer")
    if directive is not None:
        qs = qs.filter(pk=directive)
    rows = queries.rows_for(user, list(qs[: queries.LIST_LIMIT]))
    result = []
    for row in rows:
        for task_row in row.tasks:
            if unit is None or any(a.unit_id == unit for a, _s in task_row.units):
                result.append(_task_out(task_row))
    return result


@router.get(
    "/tasks/{task_id}",
    response={200: TaskOut, **READ_ERRORS},
    summary="Get one task with each unit's status",
)
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    user = caller(request)
    task = get_visible_or_404(Task.objects.visible_to(user), task_id)
    row = queries.rows_for(user, [task.directive])[0]
    return _task_out(next(t for t in row.tasks if t.task.pk == task.pk))


@router.post(
    "/assignments/{assignment_id}/accept",
    response={200: UnitStatusOut, **WRITE_ERRORS},
    summary="Accept a task assigned to your unit",
)
def accept_task(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    user = caller(request)
    assignment = get_visible_or_404(
        Assignment.objects.visible_to(user).select_related("unit", "task__directive"),
        assignment_id,
    )
    assignment = services.accept_task(assignment=assignment, by=user)
    status = st.unit_status(
        assignment.task,
        ProgressReport.objects.filter(task=assignment.task, unit=assignment.unit),
    )
    return {
        "assignment_id": assignment.pk,
        "unit_id": assignment.unit_id,
        "unit": assignment.unit.name,
        "role": assignment.role,
        "accepted_at": assignment.accepted_at,
        "status": status.bucket,
        "percentage": status.percentage,
    }


@router.get(
    "/progress-reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="Progress reports you can see",
)
def list_reports(
    request: HttpRequest, task: int | None = None, state: str | None = None
) -> Any:
    qs = ProgressReport.objects.visible_to(caller(request))
    if task is not None:
        qs = qs.filter(task_id=task)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-submitted_at", "-pk")[:500]


@router.get(
    "/progress-reports/{report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Get one progress report",
)
def get_report(request: HttpRequest, report_id: int) -> ProgressReport:
    return get_visible_or_404(
        ProgressReport.objects.visible_to(caller(request)), report_id
    )


@router.post(
    "/progress-reports",
    response={201: ReportOut, 200: ReportOut, **WRITE_ERRORS},
    summary="Report progress on a task for one of your units (client_id: retry-safe)",
)
def create_report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    user = caller(request)
    errors: dict[str, list[str]] = {}
    task = Task.objects.visible_to(user).filter(pk=payload.task_id).first()
    if task is None:
        errors["task_id"] = [
            _("There is no task with id %(id)s in your scope.")
            % {"id": payload.task_id}
        ]
    unit = Organisation.objects.visible_to(user).filter(pk=payload.unit_id).first()
    if unit is None:
        errors["unit_id"] = [
            _("There is no unit with id %(id)s in your scope.")
            % {"id": payload.unit_id}
        ]
    if errors:
        raise ValidationError(errors)
    report = services.submit_progress(
        task=task,  # type: ignore[arg-type]
        unit=unit,  # type: ignore[arg-type]
        by=user,
        percentage=payload.percentage,
        narrative=payload.narrative,
        period_start=payload.period_start,
        indicator_value=payload.indicator_value,
        client_id=payload.client_id,
    )
    return created(report)


@router.post(
    "/progress-reports/{report_id}/approve",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Approve a submitted report (issuing body)",
)
def approve_report(request: HttpRequest, report_id: int) -> ProgressReport:
    report = get_report(request, report_id)
    return services.review_report(report=report, by=caller(request), approve=True)


@router.post(
    "/progress-reports/{report_id}/return",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Return a submitted report with a reason (issuing body)",
)
def return_report(
    request: HttpRequest, report_id: int, payload: ReturnIn
) -> ProgressReport:
    report = get_report(request, report_id)
    return services.review_report(
        report=report, by=caller(request), approve=False, reason=payload.reason
    )
