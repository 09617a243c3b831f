"""Pages of those who receive and handle reports: the scoped list (filters,
pagination, CSV export), the detail with its timeline and the transitions the
user's role allows, incidents grouping reports, and police hand-overs with
their countdown.

Every page reads through ``visible_to``; opening a report is audited (it may
name people).
"""

from __future__ import annotations

import csv
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.accounts.scoping import scope_paths
from tuquan.core import audit
from tuquan.organisations.models import Organisation
from tuquan.organisations.views import (
    forbidden,
    get_visible,
    read_filters,
    registry_view,
    wants_partial,
)
from tuquan.security.choices import (
    Assignee,
    HandOverStatus,
    ReportStatus,
    Severity,
)
from tuquan.security.filters import ReportFilter
from tuquan.security.models import (
    HandOver,
    Incident,
    IncidentKind,
    IncidentReport,
    ReportPhoto,
)
from tuquan.security.services import (
    allowed_transitions,
    group_reports,
    mark_may_be_crime,
    may_handle_handover,
    may_verify,
    transition_report,
    update_handover,
)
from tuquan.security.views_report import PLACE_KINDS

PER_PAGE = 50
EXPORT_LIMIT = 10000
COUNT_CAP = 10000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: past that the page says "more than
    10,000" instead of scanning 200,000 rows for an exact figure nobody reads
    (filters are how one narrows a list that long)."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _no_scope(request: HttpRequest) -> HttpResponse | None:
    if scope_paths(request.user) == []:
        return forbidden(
            request,
            _(
                "Only officers see the reports list. Your own reports are under “My reports”."
            ),
        )
    return None


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def attach_places(reports: Any) -> None:
    """Set ``place_display`` on each report with one query for all their places.

    Joining the four place columns (each a multi-table Organisation) would
    make an 11-way join whose planning alone costs ~20 ms on PostgreSQL.
    """
    reports = list(reports)
    ids = {
        r.residence_id or r.enterprise_id or r.zone_id or r.commune_id for r in reports
    }
    names = {
        org.pk: str(org)
        for org in Organisation.objects.filter(pk__in=ids - {None}).only(
            "pk", "name", "short_name"
        )
    }
    for report in reports:
        node = (
            report.residence_id
            or report.enterprise_id
            or report.zone_id
            or report.commune_id
        )
        parts = [p for p in (names.get(node, ""), report.place_text) if p]
        report.place_display = " – ".join(parts)


def filtered_reports(request: HttpRequest) -> tuple[Any, ReportFilter]:
    filters = read_filters(request, ReportFilter)
    reports = filters.filter(IncidentReport.objects.visible_to(request.user))
    return reports, filters


# --------------------------------------------------------------------------------------
# List and export
# --------------------------------------------------------------------------------------


@registry_view
def report_list(request: HttpRequest) -> HttpResponse:
    if (denied := _no_scope(request)) is not None:
        return denied
    reports, filters = filtered_reports(request)
    reports = reports.select_related("kind", "handover").order_by("-received_at", "-id")
    page = CappedPaginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    attach_places(page.object_list)
    context = {
        "page_obj": page,
        "filters": filters,
        "kinds": IncidentKind.objects.all(),
        "statuses": ReportStatus.choices,
        "severities": Severity.choices,
        "places": Organisation.objects.visible_to(request.user)
        .filter(kind__in=PLACE_KINDS)
        .only("pk", "name", "short_name", "depth")
        .order_by("path")[:300],
        "now": timezone.now(),
        "count_cap": COUNT_CAP,
    }
    template = (
        "security/report_table.html"
        if wants_partial(request)
        else "security/report_list.html"
    )
    return render(request, template, context)


@registry_view
def report_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (UTF-8 with BOM so Excel reads the accents)."""
    if (denied := _no_scope(request)) is not None:
        return denied
    reports, _filters = filtered_reports(request)
    rows = list(
        reports.select_related("kind").order_by("-received_at", "-id")[:EXPORT_LIMIT]
    )
    attach_places(rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bao-cao-vu-viec.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Reference"),
            _("Received"),
            _("Kind"),
            _("Severity"),
            _("Status"),
            _("Place"),
            _("May be a crime"),
        ]
    )
    count = 0
    for report in rows:
        count += 1
        writer.writerow(
            [
                report.reference,
                timezone.localtime(report.received_at).strftime("%d/%m/%Y %H:%M"),
                report.kind.name,
                report.get_severity_display(),
                report.get_status_display(),
                report.place_display,
                _("yes") if report.may_be_crime else _("no"),
            ]
        )
    audit.record(
        audit.AuditAction.EXPORT,
        changes={"incident_reports": count},
        user=request.user,
        object_repr=_("Incident reports"),
    )
    return response


# --------------------------------------------------------------------------------------
# Detail and workflow
# --------------------------------------------------------------------------------------


TRANSITION_LABELS = {
    ReportStatus.VERIFYING: _("Start verifying"),
    ReportStatus.ASSIGNED: _("Assign"),
    ReportStatus.IN_HANDLING: _("Start handling"),
    ReportStatus.RESOLVED: _("Mark resolved"),
    ReportStatus.CLOSED: _("Close"),
    ReportStatus.REJECTED: _("Reject"),
    ReportStatus.DUPLICATE: _("Mark as duplicate"),
    ReportStatus.REOPENED: _("Reopen"),
}


@registry_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible(IncidentReport, request, pk)
    audit.record(audit.AuditAction.VIEW_PERSONAL, report, user=request.user)
    return _detail(request, report)


def _detail(
    request: HttpRequest, report: IncidentReport, errors: list[str] | None = None
) -> HttpResponse:
    handover = (
        HandOver.objects.filter(report=report)
        .select_related("police_unit", "escalated_to", "commune")
        .first()
    )
    transitions = [
        (to, TRANSITION_LABELS.get(to, to))
        for to in allowed_transitions(request.user, report)
    ]
    context = {
        "report": report,
        "timeline": report.transitions.select_related("by").order_by("at", "id"),
        "photos": report.photos.only("pk", "content_type", "size"),
        "workers": report.workers.all(),
        "transitions": transitions,
        "assignees": Assignee.choices,
        "may_verify": may_verify(request.user, report),
        "handover": handover,
        "may_handle_handover": handover is not None
        and may_handle_handover(request.user, handover),
        "incident": report.incident,
        "errors": errors or [],
        "now": timezone.now(),
    }
    return render(
        request,
        "security/report_detail.html",
        context,
        status=422 if errors else 200,
    )


def _visible_by_reference(request: HttpRequest, text: str) -> IncidentReport | None:
    text = text.strip()
    if not text:
        return None
    visible = IncidentReport.objects.visible_to(request.user)
    if text.isdigit():
        return visible.filter(pk=int(text)).first()
    return visible.filter(reference__iexact=text).first()


@registry_view
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible(IncidentReport, request, pk)
    post = request.POST
    duplicate_ref = post.get("duplicate_of", "")
    try:
        duplicate_of = _visible_by_reference(request, duplicate_ref)
        if duplicate_ref.strip() and duplicate_of is None:
            raise ValidationError(
                {
                    "duplicate_of": _("There is no report “%(ref)s” in your scope.")
                    % {"ref": duplicate_ref.strip()}
                }
            )
        transition_report(
            report=report,
            to=post.get("to", ""),
            by=request.user,
            note=post.get("note", ""),
            visible_to_reporter=post.get("visible_to_reporter") == "on",
            assignee=post.get("assignee", ""),
            reason=post.get("reason", ""),
            duplicate_of=duplicate_of,
        )
    except ValidationError as exc:
        return _detail(request, report, _errors(exc))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    messages.success(request, _("The report has been updated."))
    return redirect("report_detail", pk=report.pk)


@registry_view
@require_POST
def report_mark_crime(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible(IncidentReport, request, pk)
    mark_may_be_crime(report=report, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Handed over to the police."))
    return redirect("report_detail", pk=report.pk)


@registry_view
def report_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_visible(ReportPhoto, request, pk)
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------


@registry_view
@require_POST
def report_group(request: HttpRequest) -> HttpResponse:
    """Group the reports ticked on the list, or the one on a detail page with
    another by reference."""
    visible = IncidentReport.objects.visible_to(request.user)
    ids = [int(v) for v in request.POST.getlist("report") if v.isdigit()]
    reports = list(visible.filter(pk__in=ids))
    other = _visible_by_reference(request, request.POST.get("with", ""))
    if other is not None and other.pk not in ids:
        reports.append(other)
    incident = next((r.incident for r in reports if r.incident_id), None)
    try:
        if len(reports) < 2:
            raise ValidationError(_("Choose at least two reports to group."))
        incident = group_reports(
            reports=reports,
            by=request.user,
            title=request.POST.get("title", ""),
            incident=incident,
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect(request.POST.get("back") or "report_list")
    messages.success(request, _("Reports grouped into one incident."))
    return redirect("incident_detail", pk=incident.pk)


@registry_view
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_visible(Incident, request, pk)
    reports = list(
        IncidentReport.objects.visible_to(request.user)
        .filter(incident=incident)
        .select_related("kind")
        .order_by("received_at")
    )
    attach_places(reports)
    return render(
        request,
        "security/incident_detail.html",
        {"incident": incident, "reports": reports},
    )


# --------------------------------------------------------------------------------------
# Police hand-overs
# --------------------------------------------------------------------------------------


@registry_view
def handover_list(request: HttpRequest) -> HttpResponse:
    if (denied := _no_scope(request)) is not None:
        return denied
    state = request.GET.get("state", "open")
    handovers = HandOver.objects.visible_to(request.user).select_related(
        "report__kind", "police_unit", "escalated_to", "commune"
    )
    if state == "open":
        handovers = handovers.filter(
            status__in=[HandOverStatus.PENDING, HandOverStatus.ESCALATED]
        )
    page = Paginator(handovers.order_by("deadline", "id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "security/handover_list.html",
        {"page_obj": page, "state": state, "now": timezone.now()},
    )


@registry_view
@require_POST
def handover_update(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_visible(HandOver, request, pk)
    post = request.POST
    try:
        update_handover(
            handover=handover,
            by=request.user,
            receiving_officer=post.get("receiving_officer"),
            record_number=post.get("record_number"),
            outcome=post.get("outcome"),
        )
    except ValidationError as exc:
        return _detail(request, handover.report, _errors(exc))
    messages.success(request, _("Hand-over updated."))
    return redirect("report_detail", pk=handover.report_id)
