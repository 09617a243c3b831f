"""Pages of directives, tasks, the unit inbox ("Việc phải làm"), progress
reports and the officers' side of the bulletin. Thin: parse, call a service
or a query, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.directives import queries, services
from tuquan.directives import status as st
from tuquan.directives.forms import (
    DirectiveFilter,
    DirectiveForm,
    NoticeForm,
    ProgressForm,
    TaskFormSet,
    units_for,
)
from tuquan.directives.models import (
    Assignment,
    Directive,
    Notice,
    ProgressReport,
    Task,
)
from tuquan.organisations.models import Organisation
from tuquan.organisations.views import registry_view


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@registry_view
def directive_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = DirectiveFilter(request.GET or None, user=user)
    values: dict[str, Any] = {}
    if filters.is_valid():
        values = filters.cleaned_data
    rows = queries.directive_list(
        user,
        status=values.get("status") or "",
        topic=values.get("topic") or "",
        unit=values["unit"].pk if values.get("unit") else None,
        q=values.get("q") or "",
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    template = (
        "directives/_directive_rows.html"
        if request.htmx  # type: ignore[attr-defined]
        else "directives/directive_list.html"
    )
    return render(
        request,
        template,
        {
            "filters": filters,
            "page": page,
            "keep": f"{keep.urlencode()}&" if keep else "",
            "may_issue": services.issuers_of(user).exists(),
        },
    )


@registry_view
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    directive = get_object_or_404(
        Directive.objects.visible_to(user).select_related("issuer", "parent"), pk=pk
    )
    row = queries.rows_for(user, [directive])[0]
    acting = services.acting_unit_ids(user)
    is_issuer = acting is None or directive.issuer_id in acting
    pending = (
        ProgressReport.objects.visible_to(user)
        .filter(task__directive=directive)
        .select_related("unit", "task")
        .order_by("-submitted_at")[:100]
    )
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "row": row,
            "is_issuer": is_issuer,
            "acting": acting,
            "reports": pending,
            "children": Directive.objects.visible_to(user).filter(parent=directive),
            "notices": directive.notices.visible_to(user),  # type: ignore[attr-defined]
        },
    )


def _task_initial(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "content": task.content,
        "lead_unit": task.lead_unit_id,
        "supporting_units": [
            a.unit_id for a in task.assignments.all() if a.unit_id != task.lead_unit_id
        ],
        "cycle": task.cycle,
        "deadline": task.deadline,
        "due_day": task.due_day,
        "recur_until": task.recur_until,
        "indicator_name": task.indicator_name,
        "indicator_unit": task.indicator_unit,
        "indicator_target": task.indicator_target,
    }


@registry_view
def directive_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    directive = None
    if pk is not None:
        directive = get_object_or_404(Directive.objects.visible_to(user), pk=pk)
    issuers = services.issuers_of(user).order_by("name")
    if not issuers.exists():
        raise PermissionDenied(_("Only an officer of an issuing body may do this."))
    units = units_for(user)
    errors: list[str] = []
    if request.method == "POST":
        form = DirectiveForm(request.POST, request.FILES, user=user, issuers=issuers)
        formset = TaskFormSet(
            request.POST, prefix="tasks", form_kwargs={"units": units}
        )
        if form.is_valid() and formset.is_valid():
            tasks = [
                f.task_input()
                for f in formset.forms
                # Blank added forms have no data; unchanged existing tasks do.
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                saved = services.save_directive(
                    by=user, values=form.values(), tasks=tasks, directive=directive
                )
                messages.success(request, _("The directive is saved."))
                return redirect("directive_detail", saved.pk)
            except ValidationError as exc:
                errors = _errors(exc)
    else:
        initial: dict[str, Any] = {}
        tasks_initial: list[dict[str, Any]] = [{}]
        if directive is not None:
            initial = {
                name: getattr(directive, name)
                for name in ("number", "issued_on", "topic", "summary", "full_text")
            }
            initial["issuer"] = directive.issuer_id
            initial["parent"] = directive.parent_id
            tasks_initial = [
                _task_initial(t)
                for t in directive.tasks.prefetch_related("assignments")
            ]
        form = DirectiveForm(initial=initial, user=user, issuers=issuers)
        formset = TaskFormSet(
            prefix="tasks", initial=tasks_initial, form_kwargs={"units": units}
        )
    return render(
        request,
        "directives/directive_form.html",
        {
            "form": form,
            "formset": formset,
            "directive": directive,
            "errors": errors,
            "empty_task": formset.empty_form,
        },
    )


@registry_view
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directives/inbox.html",
        {"inbox": services.inbox(request.user)},
    )


@registry_view
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    services.accept_task(assignment=assignment, by=request.user)
    messages.success(request, _("The task is accepted."))
    target = request.POST.get("next", "")
    # Only back to a page of this site (no open redirect).
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "directive_inbox"
    return redirect(target)


@registry_view
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_object_or_404(
        Task.objects.visible_to(user).select_related("directive__issuer"), pk=pk
    )
    acting = services.acting_unit_ids(user)
    assigned = Assignment.objects.visible_to(user).filter(task=task)
    if acting is not None:
        assigned = assigned.filter(unit_id__in=acting)
    unit_ids = list(assigned.values_list("unit_id", flat=True))
    unit_choices = Organisation.objects.filter(pk__in=unit_ids)
    period_list = st.periods(task)
    errors: list[str] = []
    form = ProgressForm(request.POST or None, request.FILES or None)
    form.fields["unit"].queryset = unit_choices  # type: ignore[attr-defined]
    if len(unit_ids) == 1:
        form.fields["unit"].initial = unit_ids[0]
    form.fields["period_start"].choices = [  # type: ignore[attr-defined]
        (p.start.isoformat(), p.label) for p in reversed(period_list)
    ]
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = (
                    date.fromisoformat(data["period_start"])
                    if data.get("period_start")
                    else None
                )
                services.submit_progress(
                    task=task,
                    unit=data["unit"],
                    by=user,
                    period_start=period,
                    percentage=data["percentage"],
                    narrative=data["narrative"],
                    indicator_value=data.get("indicator_value"),
                    file=data.get("file"),
                )
                messages.success(request, _("The progress report is sent."))
                return redirect("directive_inbox")
            except ValidationError as exc:
                errors = _errors(exc)
    history = (
        ProgressReport.objects.visible_to(user)
        .filter(task=task, unit_id__in=unit_ids)
        .select_related("unit")
    )
    return render(
        request,
        "directives/report_form.html",
        {
            "task": task,
            "form": form,
            "errors": errors,
            "history": history,
            "no_unit": not unit_ids,
        },
    )


@registry_view
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = get_object_or_404(
        ProgressReport.objects.visible_to(user).select_related(
            "unit", "task__directive__issuer"
        ),
        pk=pk,
    )
    approve = request.POST.get("action") == "approve"
    errors: list[str] = []
    reason = "" if approve else request.POST.get("reason", "")
    try:
        services.review_report(report=report, by=user, approve=approve, reason=reason)
    except ValidationError as exc:
        errors = _errors(exc)
    if request.htmx:  # type: ignore[attr-defined]
        row = render(
            request,
            "directives/_report_row.html",
            {"r": report, "is_issuer": True, "errors": errors},
        )
        if not errors:
            # The review may change the units' buckets: refresh them too.
            directive = report.task.directive
            row.content += render(
                request,
                "directives/_tasks.html",
                {
                    "row": queries.rows_for(user, [directive])[0],
                    "acting": services.acting_unit_ids(user),
                    "oob": True,
                },
            ).content
        return row
    for error in errors:
        messages.error(request, error)
    return redirect("directive_detail", report.task.directive_id)


# --- the officers' side of the bulletin ------------------------------------------


@registry_view
def notice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    notices = Notice.objects.visible_to(user).select_related("directive", "publisher")
    return render(
        request,
        "directives/notice_list.html",
        {
            "notices": notices[:200],
            "may_publish": services.issuers_of(user).exists(),
        },
    )


@registry_view
def notice_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    notice = None
    if pk is not None:
        notice = get_object_or_404(Notice.objects.visible_to(user), pk=pk)
    issuers = services.issuers_of(user).order_by("name")
    errors: list[str] = []
    if request.method == "POST":
        form = NoticeForm(request.POST, user=user, issuers=issuers)
        if form.is_valid():
            try:
                saved = services.save_notice(
                    by=user, values=form.cleaned_data, notice=notice
                )
                action = request.POST.get("action")
                if action in ("publish", "withdraw"):
                    services.set_notice_state(
                        notice=saved, by=user, publish=action == "publish"
                    )
                messages.success(request, _("The notice is saved."))
                return redirect("notice_list")
            except ValidationError as exc:
                errors = _errors(exc)
    else:
        initial: dict[str, Any] = {}
        if notice is not None:
            initial = {
                "publisher": notice.publisher_id,
                "title": notice.title,
                "summary": notice.summary,
                "body": notice.body,
                "directive": notice.directive_id,
            }
        elif request.GET.get("directive", "").isdigit():
            directive = (
                Directive.objects.visible_to(user)
                .filter(pk=int(request.GET["directive"]))
                .first()
            )
            if directive is not None:
                initial = {
                    "publisher": directive.issuer_id,
                    "title": f"{directive.number} ({directive.issued_on:%d/%m/%Y})",
                    "summary": directive.summary,
                    "directive": directive.pk,
                }
        form = NoticeForm(initial=initial, user=user, issuers=issuers)
    return render(
        request,
        "directives/notice_form.html",
        {"form": form, "notice": notice, "errors": errors},
    )
