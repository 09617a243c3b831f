"""Pages of the health officer: cases, their close contacts (F1/F2) with the
reasons, follow-up tests, lockdown options and transmission chains; and the
employer's page of who may not work before which day (no diagnosis).

Every page showing a case writes an audit entry (``cases.read_cases``).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.core.text import fold
from tuquan.health.cases import (
    cases_for,
    close_case,
    confirm_case,
    health_paths,
    off_work_until,
    read_cases,
)
from tuquan.health.models import (
    Case,
    CaseBasis,
    CaseOutcome,
    Contact,
    ContactStatus,
    FollowUp,
)
from tuquan.health.tracing import (
    chain,
    confirm_contact,
    contact_counts,
    dismiss_contact,
    lockdown_options,
    mark_follow_up_done,
    reason_text,
    trace_case,
    trace_second_generation,
)
from tuquan.organisations.models import Enterprise
from tuquan.organisations.views import forbidden, get_visible, registry_view
from tuquan.people.models import EmploymentStatus, Worker

PER_PAGE = 50


def _officer_or_403(request: HttpRequest) -> HttpResponse | None:
    if health_paths(request.user) == []:
        return forbidden(request, _("Only health officers see cases."))
    return None


def _errors(exc: ValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


@registry_view
def case_list(request: HttpRequest) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "").strip()
    cases = cases_for(request.user).select_related("worker__enterprise")
    if status == "open":
        cases = cases.filter(outcome=CaseOutcome.ISOLATING)
    elif status == "closed":
        cases = cases.exclude(outcome=CaseOutcome.ISOLATING)
    if query:
        cases = cases.filter(worker__name_folded__icontains=fold(query))
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    read_cases(page.object_list, by=request.user)
    counts = contact_counts([case.pk for case in page.object_list])
    for case in page.object_list:
        case.f1 = counts.get(case.pk, {})
    today = timezone.localdate()
    due = (
        FollowUp.objects.due(today)
        .of_cases(cases_for(request.user))
        .select_related("worker")
        .order_by("due_on", "worker__full_name")[:100]
    )
    context = {
        "page_obj": page,
        "status": status,
        "q": query,
        "due": list(due),
        "today": today,
        "statuses": [
            ("open", _("In isolation")),
            ("closed", _("Closed")),
            ("all", _("All")),
        ],
    }
    template = "health/case_table.html" if request.htmx else "health/case_list.html"
    return render(request, template, context)


@registry_view
def case_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm a case: pick the worker (search), the basis and the dates."""
    if (denied := _officer_or_403(request)) is not None:
        return denied
    errors: list[str] = []
    worker = None
    worker_pk = request.POST.get("worker") or request.GET.get("worker")
    if worker_pk and worker_pk.isdigit():
        worker = Worker.objects.visible_to(request.user).filter(pk=worker_pk).first()
    if request.method == "POST":
        if worker is None:
            errors.append(_("Choose the worker."))
        else:
            try:
                case = confirm_case(
                    worker=worker,
                    basis=request.POST.get("basis", ""),
                    by=request.user,
                    confirmed_on=_date(request.POST.get("confirmed_on")),
                    onset_on=_date(request.POST.get("onset_on")),
                    note=request.POST.get("note", "").strip(),
                    client_id=_uuid(request.POST.get("client_id")),
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(
                    request,
                    _("Case confirmed: %(name)s is in isolation until %(day)s.")
                    % {
                        "name": case.worker.full_name,
                        "day": case.isolation_until.strftime("%d/%m/%Y"),
                    },
                )
                return redirect("case_detail", pk=case.pk)
    return render(
        request,
        "health/case_confirm.html",
        {
            "worker": worker,
            "errors": errors,
            "bases": CaseBasis.choices,
            "today": timezone.localdate(),
            "form": request.POST,
            "client_id": request.POST.get("client_id") or uuid.uuid4(),
        },
    )


@registry_view
def case_worker_search(request: HttpRequest) -> HttpResponse:
    """htmx: workers matching a name, to pick the one to confirm."""
    if (denied := _officer_or_403(request)) is not None:
        return denied
    query = fold(request.GET.get("q", "").strip())
    workers = []
    if len(query) >= 2:
        workers = list(
            Worker.objects.visible_to(request.user)
            .filter(name_folded__icontains=query)
            .select_related("enterprise")
            .order_by("full_name", "pk")[:15]
        )
    return render(
        request, "health/case_worker_choices.html", {"workers": workers, "q": query}
    )


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a date.") % {"value": value}
        ) from exc


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(cases_for(request.user), pk=pk)


def _contact_rows(case: Case) -> list[dict[str, Any]]:
    contacts = list(case.contacts.select_related("worker__enterprise"))
    rows = []
    for contact in contacts:
        contact.reason_texts = [reason_text(reason) for reason in contact.reasons]
    by_parent: dict[int, list[Contact]] = {}
    for contact in contacts:
        if contact.parent_id:
            by_parent.setdefault(contact.parent_id, []).append(contact)
    for contact in contacts:
        if contact.generation == 1:
            rows.append({"contact": contact, "children": by_parent.get(contact.pk, [])})
    return rows


@registry_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    case = _case(request, pk)
    read_cases([case], by=request.user)
    rows = _contact_rows(case)
    f1 = [row["contact"] for row in rows]
    context = {
        "case": case,
        "rows": rows,
        "counts": {
            status: sum(1 for c in f1 if c.status == status)
            for status in ContactStatus.values
        },
        "follow_ups": list(case.follow_ups.all()),
        "options": lockdown_options(case),
        "outcomes": [c for c in CaseOutcome.choices if c[0] != CaseOutcome.ISOLATING],
        "today": timezone.localdate(),
    }
    return render(request, "health/case_detail.html", context)


@registry_view
@require_POST
def case_trace(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    case = _case(request, pk)
    found = trace_case(case, by=request.user)
    messages.success(
        request, _("Contact tracing done: %(n)s candidates.") % {"n": len(found)}
    )
    return redirect("case_detail", pk=case.pk)


@registry_view
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    case = _case(request, pk)
    try:
        close_case(
            case=case,
            outcome=request.POST.get("outcome", ""),
            by=request.user,
            closed_on=_date(request.POST.get("closed_on")),
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The case is closed."))
    return redirect("case_detail", pk=case.pk)


def _contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("case__worker", "case__profile", "worker"),
        pk=pk,
        case__in=cases_for(request.user),
    )


@registry_view
@require_POST
def contact_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss a candidate; htmx gets the row back."""
    if (denied := _officer_or_403(request)) is not None:
        return denied
    contact = _contact(request, pk)
    error = ""
    try:
        if request.POST.get("decision") == "confirm":
            confirm_contact(
                contact,
                by=request.user,
                quarantine_until=_date(request.POST.get("quarantine_until")),
            )
        elif request.POST.get("decision") == "dismiss":
            dismiss_contact(contact, by=request.user)
        else:
            error = _("Choose confirm or dismiss.")
    except ValidationError as exc:
        error = " ".join(_errors(exc))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("case_detail", args=[contact.case_id]) + "#contacts")
    contact.refresh_from_db()
    contact.reason_texts = [reason_text(reason) for reason in contact.reasons]
    return render(
        request,
        "health/contact_row.html",
        {"contact": contact, "case": contact.case, "error": error},
    )


@registry_view
@require_POST
def contact_trace_f2(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    contact = _contact(request, pk)
    try:
        found = trace_second_generation(contact, by=request.user)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(n)s F2 candidates found for %(name)s.")
            % {"n": len(found), "name": contact.worker.full_name},
        )
    return redirect(reverse("case_detail", args=[contact.case_id]) + "#contacts")


@registry_view
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _officer_or_403(request)) is not None:
        return denied
    cases = cases_for(request.user)
    follow_up = get_object_or_404(
        FollowUp.objects.of_cases(cases),
        pk=pk,
    )
    try:
        mark_follow_up_done(
            follow_up, by=request.user, note=request.POST.get("note", "").strip()[:200]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Follow-up test of %(name)s marked done.")
            % {"name": follow_up.worker.full_name},
        )
    return redirect(request.POST.get("next") or "case_list")


@registry_view
def case_chains(request: HttpRequest, pk: int) -> HttpResponse:
    """Case → F1 → F2 for one enterprise over the last weeks."""
    if (denied := _officer_or_403(request)) is not None:
        return denied
    enterprise = get_visible(Enterprise, request, pk)
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 365))
    except ValueError:
        days = 30
    since = timezone.localdate() - timedelta(days=days)
    chains = [
        entry
        for entry in chain(enterprise.pk, since=since)
        if cases_for(request.user).filter(pk=entry["case"].pk).exists()
    ]
    read_cases([entry["case"] for entry in chains], by=request.user)
    return render(
        request,
        "health/case_chains.html",
        {"enterprise": enterprise, "chains": chains, "days": days, "since": since},
    )


@registry_view
def work_restriction_list(request: HttpRequest) -> HttpResponse:
    """Who may not come to work, and until when: what employers and boards
    see. Neither a diagnosis nor the source case is shown."""
    today = timezone.localdate()
    visible = Worker.objects.visible_to(request.user).filter(
        employment_status=EmploymentStatus.ACTIVE
    )
    until = off_work_until(today, worker__in=visible)
    workers = (
        Worker.objects.filter(pk__in=list(until))
        .select_related("enterprise")
        .order_by("enterprise__name", "full_name")
    )
    rows = [{"worker": worker, "until": until[worker.pk]} for worker in workers]
    rows.sort(
        key=lambda row: (
            row["worker"].enterprise.name if row["worker"].enterprise else "",
            row["until"],
        )
    )
    workforce = visible.count()
    return render(
        request,
        "health/work_restrictions.html",
        {"rows": rows, "today": today, "workforce": workforce},
    )
