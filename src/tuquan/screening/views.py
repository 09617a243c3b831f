"""Screening pages: an enterprise's (or a team's) screening page with the
schedules, the due list and the checklist; test, pool and vaccination entry;
the .xlsx import; and the health officer's list of positive tests that are not
yet cases.

Results never appear on these pages except on the health officer's list (each
row shown is audited); see ``tuquan.screening.models``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.accounts.scoping import can_edit
from tuquan.health.cases import confirm_case, health_paths
from tuquan.health.models import CaseBasis
from tuquan.organisations.models import Enterprise, Line, Team
from tuquan.organisations.views import forbidden, get_visible, registry_view
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.screening import services
from tuquan.screening.forms import (
    ChecklistForm,
    ImportForm,
    PoolForm,
    ScheduleForm,
    TestForm,
    VaccinationForm,
    apply_errors,
)
from tuquan.screening.imports import (
    TEST_HEADERS,
    VACCINATION_HEADERS,
    import_tests_xlsx,
    import_vaccinations_xlsx,
)
from tuquan.screening.models import (
    SamplePool,
    ScreeningResult,
    ScreeningSchedule,
    ScreeningTest,
)

ENTERPRISE = "enterprise"
TEAM = "team"


@dataclass
class Group:
    """The workers a page works on: an enterprise's or a team's."""

    kind: str
    obj: Any
    workers: QuerySet[Worker]  # working, visible and recordable candidates
    enterprises: list[Enterprise]

    def url(self, page: str) -> str:
        return reverse(f"screening_{self.kind}{page}", args=[self.obj.pk])

    def urls(self) -> dict[str, str]:
        return {
            "test": self.url("_test"),
            "pool": self.url("_pool"),
            "vaccinations": self.url("_vaccinations"),
        }


def _group(request: HttpRequest, kind: str, pk: int) -> Group:
    user = request.user
    visible = Worker.objects.visible_to(user).filter(
        employment_status=EmploymentStatus.ACTIVE
    )
    if kind == ENTERPRISE:
        enterprise = get_visible(Enterprise, request, pk)
        workers = visible.filter(enterprise=enterprise)
        return Group(
            kind, enterprise, workers.order_by("name_folded", "pk"), [enterprise]
        )
    team = get_visible(Team, request, pk)
    workers = visible.filter(
        memberships__team=team, memberships__left_on__isnull=True
    ).distinct()
    enterprise_ids = set(workers.values_list("enterprise_id", flat=True))
    enterprises = list(Enterprise.objects.filter(pk__in=enterprise_ids - {None}))
    return Group(kind, team, workers.order_by("name_folded", "pk"), enterprises)


def _recordable(request: HttpRequest, group: Group) -> QuerySet[Worker]:
    allowed = services.Access(request.user).recordable(
        services.with_paths(group.workers)
    )
    return group.workers.filter(pk__in=allowed)


def _day(value: str | None) -> date:
    today = timezone.localdate()
    try:
        return min(date.fromisoformat(value or ""), today)
    except ValueError:
        return today


def _due(group: Group, day: date) -> list[services.DueItem]:
    ids = list(group.workers.values_list("pk", flat=True))
    items: list[services.DueItem] = []
    for enterprise in group.enterprises:
        items += services.due_today(enterprise=enterprise, day=day, worker_ids=ids)
    return items


def _narrowed(request: HttpRequest, group: Group, workers: QuerySet[Worker]) -> Any:
    """The checklist's filter: a team or a line of the enterprise."""
    team_id = request.GET.get("team", "")
    line_id = request.GET.get("line", "")
    if team_id.isdigit():
        workers = workers.filter(
            memberships__team_id=int(team_id), memberships__left_on__isnull=True
        )
    if line_id.isdigit():
        workers = workers.filter(line_id=int(line_id))
    return workers.distinct()


@registry_view
@require_http_methods(["GET", "POST"])
def group_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Schedules, who is due today, and the checklist to record one test for
    many workers (a team, a line)."""
    group = _group(request, kind, pk)
    day = _day(request.GET.get("day"))
    recordable = _recordable(request, group)
    narrowed = _narrowed(request, group, recordable)
    form = ChecklistForm(request.POST or None, workers=recordable)
    if request.method == "POST":
        if not recordable.exists():
            return forbidden(request, _("You may not record tests for these workers."))
        if form.is_valid():
            try:
                saved = services.bulk_record(
                    workers=list(services.with_paths(form.cleaned_data["workers"])),
                    method=form.cleaned_data["method"],
                    sampled_on=form.cleaned_data["sampled_on"],
                    facility=form.cleaned_data["facility"],
                    result=form.cleaned_data["result"],
                    by=request.user,
                    batch_id=form.cleaned_data["client_id"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded %(count)d tests.") % {"count": len(saved)},
                )
                return redirect(group.url(""))
    due = _due(group, day)
    due_ids = {item.worker.pk for item in due}
    enterprise = group.obj if kind == ENTERPRISE else None
    context = {
        "group": group,
        "group_urls": group.urls(),
        "day": day,
        "today": timezone.localdate(),
        "due": due,
        "due_ids": due_ids,
        "form": form,
        "ticked": {int(v) for v in request.POST.getlist("workers") if v.isdigit()}
        if request.method == "POST"
        else due_ids,
        "may_record": recordable.exists(),
        "schedules": ScreeningSchedule.objects.filter(enterprise=enterprise)
        if enterprise
        else [],
        "may_plan": enterprise is not None and can_edit(request.user, enterprise.path),
        "schedule_form": ScheduleForm(initial={"starts_on": timezone.localdate()}),
        "teams": Team.objects.visible_to(request.user).filter(enterprise=enterprise)
        if enterprise
        else [],
        "lines": Line.objects.filter(workshop__enterprise=enterprise)
        if enterprise
        else [],
        "team_filter": request.GET.get("team", ""),
        "line_filter": request.GET.get("line", ""),
    }
    status = services.vaccination_status(narrowed.values_list("pk", flat=True))
    context["checklist_rows"] = [
        (
            worker,
            worker.pk in due_ids,
            worker.pk in context["ticked"],
            status.get(worker.pk),
        )
        for worker in narrowed
    ]
    if request.htmx and request.GET.get("part") == "checklist":
        return render(request, "screening/_checklist.html", context)
    return render(request, "screening/group.html", context)


@registry_view
@require_POST
def schedule_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible(Enterprise, request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.save_schedule(
                enterprise=enterprise,
                every_days=form.cleaned_data["every_days"],
                share_percent=form.cleaned_data["share_percent"],
                method=form.cleaned_data["method"],
                starts_on=form.cleaned_data["starts_on"],
                active=True,
                by=request.user,
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("The schedule is saved."))
    return redirect("screening_enterprise", pk=enterprise.pk)


@registry_view
@require_POST
def schedule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_visible(ScreeningSchedule, request, pk)
    services.save_schedule(
        enterprise=schedule.enterprise,
        every_days=schedule.every_days,
        share_percent=schedule.share_percent,
        method=schedule.method,
        starts_on=schedule.starts_on,
        active=not schedule.active,
        by=request.user,
        schedule=schedule,
    )
    return redirect("screening_enterprise", pk=schedule.enterprise_id)


def _entry(
    request: HttpRequest,
    kind: str,
    pk: int,
    form_class: Any,
    template: str,
    save: Any,
    done: str,
    heading: str,
) -> HttpResponse:
    group = _group(request, kind, pk)
    recordable = _recordable(request, group)
    if not recordable.exists():
        return forbidden(request, _("You may not record tests for these workers."))
    form = form_class(request.POST or None, workers=recordable)
    if request.method == "POST" and form.is_valid():
        try:
            count = save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done % {"count": count})
            return redirect(group.url(""))
    return render(
        request,
        template,
        {"group": group, "form": form, "back_url": group.url(""), "heading": heading},
    )


@registry_view
@require_http_methods(["GET", "POST"])
def test_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record one test of one worker."""

    def save(data: dict[str, Any]) -> int:
        services.record_test(
            worker=services.with_paths(
                Worker.objects.filter(pk=data["worker"].pk)
            ).get(),
            method=data["method"],
            sampled_on=data["sampled_on"],
            facility=data["facility"],
            result=data["result"],
            by=request.user,
            client_id=data["client_id"],
        )
        return 1

    return _entry(
        request,
        kind,
        pk,
        TestForm,
        "screening/test_form.html",
        save,
        _("Test recorded."),
        _("Record a test"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def pool_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record a pooled sample: tick its members."""

    def save(data: dict[str, Any]) -> int:
        # The posted ids in order, duplicates included: a member ticked twice
        # (a hand-made request) must be refused, not silently merged.
        ids = [int(v) for v in request.POST.getlist("workers") if v.isdigit()]
        found = services.with_paths(data["workers"]).in_bulk()
        services.record_pool(
            workers=[found[i] for i in ids if i in found],
            sampled_on=data["sampled_on"],
            facility=data["facility"],
            result=data["result"],
            by=request.user,
            client_id=data["client_id"],
        )
        return len(found)

    return _entry(
        request,
        kind,
        pk,
        PoolForm,
        "screening/pool_form.html",
        save,
        _("Pooled sample of %(count)d workers recorded."),
        _("Record a pooled sample"),
    )


@registry_view
@require_http_methods(["GET", "POST"])
def vaccinations(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Each worker's doses so far, and the checklist to record a dose."""
    group = _group(request, kind, pk)
    recordable = _recordable(request, group)
    form = VaccinationForm(request.POST or None, workers=recordable)
    if request.method == "POST":
        if not recordable.exists():
            return forbidden(request, _("You may not record tests for these workers."))
        if form.is_valid():
            try:
                saved = services.bulk_vaccinate(
                    workers=list(services.with_paths(form.cleaned_data["workers"])),
                    dose=form.cleaned_data["dose"],
                    given_on=form.cleaned_data["given_on"],
                    vaccine=form.cleaned_data["vaccine"],
                    place=form.cleaned_data["place"],
                    by=request.user,
                    batch_id=form.cleaned_data["client_id"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Recorded %(count)d doses.") % {"count": len(saved)}
                )
                return redirect(group.url("_vaccinations"))
    status = services.vaccination_status(group.workers.values_list("pk", flat=True))
    rows = [(w, status.get(w.pk)) for w in group.workers]
    return render(
        request,
        "screening/vaccinations.html",
        {
            "group": group,
            "back_url": group.url(""),
            "form": form,
            "rows": rows,
            "may_record": recordable.exists(),
            "vaccinated": sum(1 for _w, s in rows if s),
        },
    )


@registry_view
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx of test results or doses: checked row by row, saved
    only when every row is right."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        importer = (
            import_tests_xlsx
            if form.cleaned_data["kind"] == "tests"
            else import_vaccinations_xlsx
        )
        report = importer(form.cleaned_data["file"], by=request.user)
    return render(
        request,
        "screening/import.html",
        {
            "form": form,
            "report": report,
            "test_headers": TEST_HEADERS.values(),
            "vaccination_headers": VACCINATION_HEADERS.values(),
        },
    )


@registry_view
def home(request: HttpRequest) -> HttpResponse:
    """Where to go: the enterprises and teams the user works with."""
    user = request.user
    enterprises = Enterprise.objects.visible_to(user).order_by("name")[:200]
    teams = Team.objects.visible_to(user).order_by("name")[:200]
    return render(
        request,
        "screening/home.html",
        {
            "enterprises": enterprises,
            "teams": teams,
            "health_officer": health_paths(user) != [],
        },
    )


@registry_view
def positives(request: HttpRequest) -> HttpResponse:
    """Health officers: positive individual tests not yet confirmed as cases."""
    if health_paths(request.user) == []:
        return forbidden(request, _("Only health officers see test results."))
    tests = list(services.positives_without_case(request.user)[:200])
    services.show_results(tests, by=request.user)
    return render(request, "screening/positives.html", {"tests": tests})


@registry_view
@require_POST
def positive_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the case of a positive test (``confirm_case``), dated the
    sample date; the test's client UUID makes a double tap confirm once."""
    tests = services.positives_without_case(request.user)
    test: ScreeningTest | None = (
        ScreeningTest.objects.filter(pk=pk)
        .filter(pk__in=tests.values("pk"))
        .select_related("worker__enterprise", "worker__residence")
        .first()
    )
    if test is None:
        if health_paths(request.user) == []:
            return forbidden(request, _("Only health officers confirm cases."))
        test = get_object_or_404(ScreeningTest.objects.visible_to(request.user), pk=pk)
        messages.info(request, _("This positive test is already a case."))
        return redirect("screening_positives")
    try:
        confirm_case(
            worker=test.worker,
            basis=CaseBasis.POSITIVE_TEST,
            by=request.user,
            confirmed_on=test.sampled_on,
            client_id=uuid.uuid5(test.client_id, "case"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is confirmed as a case.") % {"name": test.worker.full_name},
        )
    return redirect("screening_positives")


@registry_view
def pending(request: HttpRequest) -> HttpResponse:
    """Health officers: tests and pools waiting for the laboratory's answer,
    with a form to enter it."""
    if health_paths(request.user) == []:
        return forbidden(request, _("Only health officers see test results."))
    tests, pools = services.pending_results(request.user)
    return render(
        request,
        "screening/pending.html",
        {"tests": tests, "pools": pools, "results": _answers()},
    )


def _answers() -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in ScreeningResult.choices
        if value != ScreeningResult.PENDING
    ]


@registry_view
@require_POST
def result_enter(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Store the laboratory's answer for one test or one pool."""
    if health_paths(request.user) == []:
        return forbidden(request, _("Only health officers change test results."))
    if kind == "pool":
        pool = get_object_or_404(SamplePool.objects.visible_to(request.user), pk=pk)
        target: dict[str, Any] = {"pool": pool}
    else:
        test = get_object_or_404(
            ScreeningTest.objects.visible_to(request.user).individual(), pk=pk
        )
        target = {"test": test}
    try:
        services.set_result(
            result=request.POST.get("result", ""), by=request.user, **target
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    else:
        messages.success(request, _("The result is recorded."))
    return redirect("screening_pending")
