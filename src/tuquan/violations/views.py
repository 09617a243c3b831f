"""Pages for violations and sanction decisions (server-rendered, htmx list).

Every read goes through ``visible_to``; writes call the services, which check
that the user may record at the place (``rules.may_record``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.core.text import fold
from tuquan.gates.models import GateEvent
from tuquan.organisations.choices import ZONE_KINDS, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.organisations.views import registry_view
from tuquan.people.models import Worker
from tuquan.violations import documents
from tuquan.violations.choices import (
    AppealState,
    Detection,
    EnforcementState,
    SubjectKind,
    ViolationState,
)
from tuquan.violations.models import (
    Authority,
    LegalProvision,
    SanctionDecision,
    Violation,
)
from tuquan.violations.rules import may_record, may_record_anywhere
from tuquan.violations.services import (
    add_evidence,
    fine_bounds,
    issue_decision,
    record_violation,
    repeat_info,
    update_enforcement,
)

PAGE_SIZE = 50
UNIT_KINDS = (OrgKind.COMMUNE, *ZONE_KINDS, OrgKind.ENTERPRISE, OrgKind.RESIDENCE)
FIELD_LABELS = {
    "worker": gettext_lazy("Worker"),
    "organisation": gettext_lazy("Organisation"),
    "person_name": gettext_lazy("Full name"),
    "person_id": gettext_lazy("ID number"),
    "provision": gettext_lazy("Legal provision"),
    "occurred_at": gettext_lazy("Time of the violation"),
    "place": gettext_lazy("Place"),
    "detection": gettext_lazy("Detected by"),
    "record_number": gettext_lazy("Record number"),
    "site": gettext_lazy("Unit where found"),
    "gate_event": gettext_lazy("Gate passage"),
    "violations": gettext_lazy("Violations"),
    "authority": gettext_lazy("Authority"),
    "number": gettext_lazy("Number and symbol"),
    "issuing_body": gettext_lazy("Issuing body"),
    "signer_name": gettext_lazy("Signed by"),
    "place_name": gettext_lazy("Place of issue"),
    "fine_amount": gettext_lazy("Fine (₫)"),
    "issued_on": gettext_lazy("Issued on"),
    "due_on": gettext_lazy("Pay or comply by"),
    "paid_on": gettext_lazy("Paid on"),
    "complied_on": gettext_lazy("Complied on"),
    "state": gettext_lazy("Enforcement"),
    "appeal_state": gettext_lazy("Appeal"),
    "file": gettext_lazy("File"),
}


def _errors(exc: ValidationError) -> list[str]:
    """Messages that name their field ("Fine (₫): ...")."""
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    result = []
    for field, messages_ in exc.message_dict.items():
        label = FIELD_LABELS.get(field)
        for message in messages_:
            result.append(f"{label}: {message}" if label else str(message))
    return result


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _datetime(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    value = (value or "").replace(".", "").replace(",", "").replace(" ", "")
    return int(value) if value.isdigit() else None


def filtered_violations(user: Any, params: Any) -> tuple[QuerySet[Violation], dict]:
    """The scoped list with the filters of the page (and of the benchmark)."""
    qs = Violation.objects.visible_to(user)
    chosen: dict[str, Any] = {}
    provision = _int(params.get("provision"))
    if provision:
        qs = qs.filter(provision_id=provision)
        chosen["provision"] = provision
    for field, choices in (
        ("subject_kind", SubjectKind),
        ("detection", Detection),
        ("state", ViolationState),
    ):
        value = params.get(field, "")
        if value in choices.values:
            qs = qs.filter(**{field: value})
            chosen[field] = value
    start, end = _date(params.get("from")), _date(params.get("to"))
    if start:
        qs = qs.filter(
            occurred_at__gte=timezone.make_aware(datetime.combine(start, time.min))
        )
        chosen["from"] = start
    if end:
        qs = qs.filter(
            occurred_at__lte=timezone.make_aware(datetime.combine(end, time.max))
        )
        chosen["to"] = end
    if params.get("repeat") == "1":
        qs = qs.filter(is_repeat=True)
        chosen["repeat"] = "1"
    return qs.select_related("provision").order_by("-occurred_at", "-id"), chosen


@registry_view
def violation_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = filtered_violations(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "chosen": chosen,
        "provisions": LegalProvision.objects.all(),
        "subject_kinds": SubjectKind.choices,
        "detections": Detection.choices,
        "states": ViolationState.choices,
        "may_record": may_record_anywhere(request.user),
    }
    template = (
        "violations/violation_table.html"
        if request.htmx and not request.htmx.boosted
        else "violations/violation_list.html"
    )
    return render(request, template, context)


@registry_view
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(
        Violation.objects.visible_to(request.user).select_related(
            "provision",
            "worker__enterprise",
            "organisation",
            "site",
            "officer",
            "decision",
        ),
        pk=pk,
    )
    audit.record(AuditAction.VIEW_PERSONAL, violation, user=request.user)
    info = repeat_info(violation)
    return render(
        request,
        "violations/violation_detail.html",
        {
            "violation": violation,
            "repeat": info,
            "evidence": violation.evidence.all(),
            "may_record": may_record(request.user, violation.scope_path),
        },
    )


def _units(user: Any) -> QuerySet[Organisation]:
    return (
        Organisation.objects.visible_to(user)
        .filter(kind__in=UNIT_KINDS)
        .order_by("kind", "name")[:300]
    )


@registry_view
def violation_record(request: HttpRequest) -> HttpResponse:
    """The record form; ``?gate_event=`` pre-fills the worker and "gate flag"."""
    if not may_record_anywhere(request.user):
        raise PermissionDenied(_("You may not record violations."))
    data = request.POST if request.method == "POST" else request.GET
    gate_event = None
    event_pk = _int(data.get("gate_event"))
    if event_pk:
        gate_event = (
            GateEvent.objects.visible_to(request.user)
            .exclude(flag="")
            .filter(pk=event_pk)
            .first()
        )
    worker = None
    worker_pk = _int(data.get("worker")) or (
        gate_event.worker_id if gate_event else None
    )
    if worker_pk:
        worker = (
            Worker.objects.visible_to(request.user)
            .select_related("enterprise")
            .filter(pk=worker_pk)
            .first()
        )
    units = list(_units(request.user))
    errors: list[str] = []
    if request.method == "POST":
        unit_pk = _int(data.get("unit"))
        unit = next((u for u in units if u.pk == unit_pk), None)
        kind = data.get("subject_kind", "")
        try:
            violation = record_violation(
                by=request.user,
                subject_kind=kind,
                worker=worker,
                organisation=unit if kind == SubjectKind.ORGANISATION else None,
                person_name=data.get("person_name", ""),
                person_id=data.get("person_id", ""),
                provision=LegalProvision.objects.filter(
                    pk=_int(data.get("provision")) or 0
                ).first(),
                occurred_at=_datetime(data.get("occurred_at")),
                place=data.get("place", ""),
                site=unit if kind != SubjectKind.ORGANISATION else None,
                detection=data.get("detection", ""),
                gate_event=gate_event,
                record_number=data.get("record_number", ""),
                description=data.get("description", ""),
                client_id=_uuid(data.get("client_id")),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("Violation recorded: record %(number)s.")
                % {"number": violation.record_number},
            )
            return redirect("violation_detail", violation.pk)
    now = timezone.localtime()
    default_when = timezone.localtime(gate_event.occurred_at) if gate_event else now
    return render(
        request,
        "violations/violation_form.html",
        {
            "errors": errors,
            "data": data,
            "worker": worker,
            "gate_event": gate_event,
            "units": units,
            "provisions": LegalProvision.objects.all(),
            "subject_kinds": SubjectKind.choices,
            "detections": Detection.choices,
            "subject_kind": data.get("subject_kind")
            or (SubjectKind.WORKER if worker or gate_event else ""),
            "detection": data.get("detection")
            or (Detection.GATE_FLAG if gate_event else ""),
            "occurred_at": data.get("occurred_at")
            or default_when.strftime("%Y-%m-%dT%H:%M"),
            "place": data.get("place") or (str(gate_event.gate) if gate_event else ""),
            "client_id": data.get("client_id") or uuid.uuid4(),
            "now": now,
        },
    )


@registry_view
def violation_worker_search(request: HttpRequest) -> HttpResponse:
    """htmx: workers matching a name, to pick the offender."""
    query = fold(request.GET.get("q", "").strip())
    workers: list[Worker] = []
    if len(query) >= 2:
        workers = list(
            Worker.objects.visible_to(request.user)
            .filter(name_folded__contains=query)
            .select_related("enterprise")
            .order_by("name_folded", "pk")[:15]
        )
    return render(
        request, "violations/worker_choices.html", {"workers": workers, "q": query}
    )


@registry_view
def gate_flag_list(request: HttpRequest) -> HttpResponse:
    """Flagged gate passages of the last 30 days the user sees, to turn one
    into a violation record."""
    since = timezone.now() - timedelta(days=30)
    events = list(
        GateEvent.objects.visible_to(request.user)
        .exclude(flag="")
        .filter(occurred_at__gte=since)
        .select_related("worker", "gate")
        .order_by("-occurred_at")[:100]
    )
    recorded = set(
        Violation.objects.visible_to(request.user)
        .filter(gate_event_id__in=[e.pk for e in events])
        .values_list("gate_event_id", flat=True)
    )
    return render(
        request,
        "violations/gate_flags.html",
        {
            "events": events,
            "recorded": recorded,
            "may_record": may_record_anywhere(request.user),
        },
    )


@registry_view
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(Violation.objects.visible_to(request.user), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            add_evidence(violation=violation, upload=upload, by=request.user)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Evidence attached."))
    return redirect("violation_detail", violation.pk)


@registry_view
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    from django.http import FileResponse

    violation = get_object_or_404(Violation.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(violation.evidence, pk=evidence_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@registry_view
def decision_create(request: HttpRequest) -> HttpResponse:
    """Decide on one subject's undecided violations (``?violation=`` picks
    the subject)."""
    data = request.POST if request.method == "POST" else request.GET
    anchor = get_object_or_404(
        Violation.objects.visible_to(request.user), pk=_int(data.get("violation")) or 0
    )
    if not may_record(request.user, anchor.scope_path):
        raise PermissionDenied(_("You may not decide on this violation."))
    candidates = list(
        Violation.objects.visible_to(request.user)
        .filter(subject_key=anchor.subject_key, decision__isnull=True)
        .select_related("provision", "worker", "organisation")
        .order_by("occurred_at")
    )
    errors: list[str] = []
    if request.method == "POST":
        wanted = {int(v) for v in data.getlist("violations") if v.isdigit()}
        # Anything posted that is not one of the subject's visible, undecided
        # violations is looked up anyway so the service can name the problem.
        chosen = list(
            Violation.objects.visible_to(request.user)
            .filter(pk__in=wanted)
            .select_related("provision")
        )
        try:
            decision = issue_decision(
                by=request.user,
                violations=chosen,
                authority=Authority.objects.filter(
                    pk=_int(data.get("authority")) or 0
                ).first(),
                number=data.get("number", ""),
                issuing_body=data.get("issuing_body", ""),
                signer_name=data.get("signer_name", ""),
                place_name=data.get("place_name", ""),
                fine_amount=_int(data.get("fine_amount")),
                remedial_measures=data.get("remedial_measures", ""),
                issued_on=_date(data.get("issued_on")),
                due_on=_date(data.get("due_on")),
                client_id=_uuid(data.get("client_id")),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("Decision %(number)s issued.") % {"number": decision.number},
            )
            return redirect("decision_detail", decision.pk)
    low, high = fine_bounds([anchor])
    selected = (
        {int(v) for v in data.getlist("violations") if v.isdigit()}
        if request.method == "POST"
        else {anchor.pk}
    )
    return render(
        request,
        "violations/decision_form.html",
        {
            "anchor": anchor,
            "candidates": candidates,
            "selected": selected,
            "authorities": Authority.objects.all(),
            "errors": errors,
            "data": data,
            "low": low,
            "high": high,
            "client_id": data.get("client_id") or uuid.uuid4(),
            "today": timezone.localdate(),
        },
    )


@registry_view
def decision_list(request: HttpRequest) -> HttpResponse:
    qs = SanctionDecision.objects.visible_to(request.user).select_related("authority")
    state = request.GET.get("state", "")
    if state in EnforcementState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "violations/decision_list.html",
        {"page_obj": page, "states": EnforcementState.choices, "state": state},
    )


@registry_view
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        SanctionDecision.objects.visible_to(request.user).select_related("authority"),
        pk=pk,
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            update_enforcement(
                decision=decision,
                by=request.user,
                state=request.POST.get("state", ""),
                paid_on=_date(request.POST.get("paid_on")),
                complied_on=_date(request.POST.get("complied_on")),
                appeal_state=request.POST.get("appeal_state", ""),
                appeal_note=request.POST.get("appeal_note", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
            decision.refresh_from_db()
        else:
            messages.success(request, _("Enforcement recorded."))
            return redirect("decision_detail", decision.pk)
    return render(
        request,
        "violations/decision_detail.html",
        {
            "decision": decision,
            "violations": decision.violations.select_related("provision"),
            "states": EnforcementState.choices,
            "appeals": AppealState.choices,
            "errors": errors,
            "may_record": may_record(request.user, decision.scope_path),
            "today": timezone.localdate(),
        },
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in fold(text)).strip("-")


@registry_view
def decision_docx(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        SanctionDecision.objects.visible_to(request.user).select_related("authority"),
        pk=pk,
    )
    audit.record(AuditAction.EXPORT, decision, user=request.user)
    return docx_response(
        documents.decision_docx(decision),
        f"quyet-dinh-{safe_name(decision.number)}.docx",
    )


@registry_view
def record_docx(request: HttpRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(
        Violation.objects.visible_to(request.user).select_related(
            "provision", "worker__enterprise", "organisation", "site", "officer"
        ),
        pk=pk,
    )
    audit.record(AuditAction.EXPORT, violation, user=request.user)
    return docx_response(
        documents.record_docx(violation),
        f"bien-ban-{safe_name(violation.record_number)}.docx",
    )
