"""Pages of the official periodic reports: ask for one, watch it being
written, download the .docx and its .xlsx annex."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.organisations.views import get_visible, registry_view
from tuquan.reports import official
from tuquan.reports.models import GeneratedReport

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _client_id(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text or "")
    except ValueError:
        return None


@registry_view
def official_report_list(request: HttpRequest) -> HttpResponse:
    """The user's reports and the form that asks for a new one."""
    user = request.user
    scopes = official.reportable_scopes(user)
    choices = list(scopes.filter(kind__in=official.LISTED_KINDS).order_by("path")[:300])
    wanted = request.GET.get("scope") or request.POST.get("scope")
    chosen = scopes.filter(pk=wanted).first() if (wanted or "").isdigit() else None
    if chosen is not None and chosen not in choices:
        choices.insert(0, chosen)
    errors: list[str] = []
    today = timezone.localdate()
    form = {
        "scope": str(chosen.pk) if chosen else (str(choices[0].pk) if choices else ""),
        "kind": GeneratedReport.Kind.MONTHLY,
        "month": f"{today:%Y-%m}",
        "week": "{}-W{:02d}".format(*today.isocalendar()[:2]),
    }
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in ("kind", "month", "week")})
        try:
            if chosen is None:
                raise ValidationError({"scope": _("Choose a unit you may report on.")})
            period = form["month"] if form["kind"] == "monthly" else form["week"]
            kind, start, _end = official.parse_period(period)
            if kind != form["kind"]:
                raise ValidationError(
                    {"period": _("The period does not match the kind of report.")}
                )
            report, _created = official.request_report(
                user=user,
                scope=chosen,
                kind=kind,
                day=start,
                client_id=_client_id(request.POST.get("client_id")),
            )
            return redirect("official_report_detail", report.pk)
        except ValidationError as exc:
            errors = list(exc.messages)
    reports = (
        GeneratedReport.objects.visible_to(user)
        .select_related("scope", "requested_by")
        .order_by("-requested_at")[:100]
    )
    return render(
        request,
        "reports/official_list.html",
        {
            "reports": reports,
            "scopes": choices,
            "form": form,
            "errors": errors,
            "client_id": uuid.uuid4(),
        },
    )


@registry_view
def official_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its progress while it is written (htmx polls the part),
    then its files."""
    report = get_visible(GeneratedReport, request, pk)
    template = (
        "reports/official_status.html"
        if request.htmx
        else "reports/official_detail.html"
    )
    return render(request, template, {"report": report})


@registry_view
def official_report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The .docx or the .xlsx of a finished report; each download is audited."""
    report = get_visible(GeneratedReport, request, pk)
    if fmt not in FORMATS:
        raise Http404
    stored = getattr(report, fmt)
    if report.state != GeneratedReport.State.DONE or not stored:
        raise Http404
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
