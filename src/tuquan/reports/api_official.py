"""API of the official periodic reports: ask for one (a retry with the same
client_id returns the first), follow its progress, download its files."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.organisations.api import caller, errors_named_as, get_visible_or_404, paged
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema
from tuquan.reports import official
from tuquan.reports.models import GeneratedReport
from tuquan.reports.views_official import FORMATS

router = Router(tags=["official reports"])


class ReportIn(InputSchema):
    scope_id: int = Field(description="the unit reported on (an organisation id)")
    period: str = Field(description="a month (2021-07) or an ISO week (2021-W30)")
    client_id: uuid.UUID | None = Field(
        None, description="random UUID (v4); a retry returns the same report"
    )


class ReportOut(Schema):
    id: int
    kind: str
    scope_id: int
    scope_name: str
    period_start: dt.date
    period_end: dt.date
    state: str
    progress: int
    error: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    docx_url: str | None
    xlsx_url: str | None


def _out(report: GeneratedReport) -> dict[str, Any]:
    done = report.state == GeneratedReport.State.DONE

    def link(fmt: str) -> str | None:
        if not done or not getattr(report, fmt):
            return None
        return reverse("api:download_official_report", args=[report.pk, fmt])

    return {
        "id": report.pk,
        "kind": report.kind,
        "scope_id": report.scope_id,
        "scope_name": report.scope.name,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "state": report.state,
        "progress": report.progress,
        "error": report.error,
        "requested_at": report.requested_at,
        "finished_at": report.finished_at,
        "docx_url": link("docx"),
        "xlsx_url": link("xlsx"),
    }


def _visible(request: HttpRequest) -> QuerySet[GeneratedReport]:
    return GeneratedReport.objects.visible_to(caller(request)).select_related("scope")


@router.get(
    "/official-reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="List official reports",
)
@paged
def list_official_reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(r) for r in _visible(request).order_by("-requested_at", "-pk")]


@router.get(
    "/official-reports/{report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Get one official report (its progress and file links)",
)
def get_official_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _out(get_visible_or_404(_visible(request), report_id))


@router.post(
    "/official-reports",
    response={201: ReportOut, 200: ReportOut, **WRITE_ERRORS},
    summary="Ask for a weekly or monthly report of a unit",
)
def create_official_report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    """The report is written by a background task: poll it until ``state`` is
    ``done``, then follow ``docx_url`` and ``xlsx_url``."""
    user = caller(request)
    scope = official.reportable_scopes(user).filter(pk=payload.scope_id).first()
    with errors_named_as(ReportIn):
        if scope is None:
            raise ValidationError(
                {"scope_id": _("No unit with this id that you may report on.")}
            )
        kind, start, _end = official.parse_period(payload.period)
        report, created = official.request_report(
            user=user, scope=scope, kind=kind, day=start, client_id=payload.client_id
        )
    report.refresh_from_db()
    return Status(201 if created else 200, _out(report))


@router.get(
    "/official-reports/{report_id}/{fmt}",
    response={200: Any, **READ_ERRORS},
    summary="Download the report (.docx) or its annex (.xlsx)",
    url_name="download_official_report",
)
def download_official_report(request: HttpRequest, report_id: int, fmt: str) -> Any:
    report = get_visible_or_404(_visible(request), report_id)
    stored = getattr(report, fmt, None) if fmt in FORMATS else None
    if report.state != GeneratedReport.State.DONE or not stored:
        raise HttpError(404, _("The file is not ready."))
    audit.record(
        AuditAction.EXPORT,
        report,
        scope_path=report.scope.path,
        changes={"format": fmt},
    )
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"{official.file_stem(report)}.{fmt}",
        content_type=FORMATS[fmt],
    )
