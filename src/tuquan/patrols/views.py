"""Patrol pages: the patrols home, checkpoints and their printable QR sheet,
plans, starting a patrol, the leader's phone page (scan, observe, end) and a
patrol's log for the officers above the team.

The phone page posts each entry to an HTML view (htmx); an entry made without
network waits in the phone's storage and goes later to
``POST /api/v1/patrol-entries`` with its own id and time (static patrol.js).
"""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.gates.cards import qr_svg
from tuquan.organisations.models import Organisation, Team
from tuquan.organisations.views import breadcrumbs, forbidden, registry_view
from tuquan.patrols.choices import EntryKind, Weekday
from tuquan.patrols.models import (
    SITE_KINDS,
    Checkpoint,
    PatrolEntry,
    PatrolPlan,
    PatrolSession,
)
from tuquan.patrols.photos import MAX_PHOTO_BYTES
from tuquan.patrols.services import (
    checkpoints_for,
    create_checkpoint,
    create_plan,
    current_members,
    end_session,
    leads_team,
    may_manage_checkpoints,
    may_plan,
    parse_time,
    record_entry,
    set_checkpoint_active,
    start_session,
)

PER_SHEET = 6  # checkpoint QR codes per A4 sheet (2 × 3, big enough to scan at night)


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _led_teams(request: HttpRequest) -> list[Team]:
    return [
        team
        for team in Team.objects.visible_to(request.user).order_by("name_folded")[:50]
        if leads_team(request.user, team)
    ]


@registry_view
def patrol_home(request: HttpRequest) -> HttpResponse:
    """The teams the user leads (start or continue a patrol) and the patrols
    the user can see, newest first."""
    sessions = (
        PatrolSession.objects.visible_to(request.user)
        .select_related("team", "plan")
        .order_by("-started_at", "-id")
    )
    team_id = request.GET.get("team", "")
    if team_id.isdigit():
        sessions = sessions.filter(team_id=int(team_id))
    led = _led_teams(request)
    open_by_team = {
        s.team_id: s
        for s in PatrolSession.objects.open().filter(team__in=[t.pk for t in led])
    }
    # Plans due today, so the leader sees what is expected of the team tonight.
    weekday = timezone.localdate().weekday()
    due: dict[int, list[PatrolPlan]] = {}
    for plan in PatrolPlan.objects.filter(
        team__in=[t.pk for t in led], active=True
    ).order_by("start_time", "pk"):
        if weekday in plan.weekdays:
            due.setdefault(plan.team_id, []).append(plan)
    return render(
        request,
        "patrols/home.html",
        {
            "led": [
                (team, open_by_team.get(team.pk), due.get(team.pk, [])) for team in led
            ],
            "page_obj": Paginator(sessions, 50).get_page(request.GET.get("page")),
        },
    )


# --- checkpoints ----------------------------------------------------------------


def _manageable_sites(request: HttpRequest) -> list[Organisation]:
    return [
        site
        for site in Organisation.objects.visible_to(request.user)
        .filter(kind__in=SITE_KINDS)
        .order_by("name_folded")[:500]
        if may_manage_checkpoints(request.user, site)
    ]


@registry_view
@require_http_methods(["GET", "POST"])
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    """Checkpoints the user can see, by place; editors add checkpoints and
    take them out of use."""
    errors: list[str] = []
    if request.method == "POST":
        errors = _checkpoint_post(request)
        if not errors:
            return redirect(request.get_full_path())
    checkpoints = (
        Checkpoint.objects.visible_to(request.user)
        .select_related("site")
        .order_by("site__name_folded", "name", "pk")
    )
    site_id = request.GET.get("site", "")
    if site_id.isdigit():
        checkpoints = checkpoints.filter(site_id=int(site_id))
    sites = _manageable_sites(request)
    return render(
        request,
        "patrols/checkpoint_list.html",
        {
            "page_obj": Paginator(checkpoints, 50).get_page(request.GET.get("page")),
            "sites": sites,
            "manageable_ids": {s.pk for s in sites},
            "errors": errors,
            "values": request.POST if request.method == "POST" else {},
        },
    )


def _checkpoint_post(request: HttpRequest) -> list[str]:
    if request.POST.get("action") == "toggle":
        checkpoint = get_object_or_404(
            Checkpoint.objects.visible_to(request.user).select_related("site"),
            pk=request.POST.get("checkpoint") or 0,
        )
        set_checkpoint_active(
            checkpoint=checkpoint, active=not checkpoint.active, by=request.user
        )
        return []
    site = (
        Organisation.objects.visible_to(request.user)
        .filter(pk=request.POST.get("site") or 0, kind__in=SITE_KINDS)
        .first()
    )
    if site is None:
        return [_("Choose the zone or residence.")]
    try:
        checkpoint = create_checkpoint(
            site=site,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            by=request.user,
        )
    except ValidationError as exc:
        return _errors(exc)
    messages.success(
        request,
        _("Checkpoint %(name)s added, code %(code)s.")
        % {"name": checkpoint.name, "code": checkpoint.display_code},
    )
    return []


@registry_view
def checkpoint_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A4 sheets of a place's checkpoint QR codes, to print and put up."""
    site = get_object_or_404(
        Organisation.objects.visible_to(request.user).filter(kind__in=SITE_KINDS),
        pk=pk,
    )
    checkpoints = list(
        Checkpoint.objects.visible_to(request.user)
        .active()
        .filter(site=site)
        .order_by("name", "pk")
    )
    items = [{"checkpoint": c, "qr": qr_svg(c.qr_payload)} for c in checkpoints]
    sheets = [items[i : i + PER_SHEET] for i in range(0, len(items), PER_SHEET)]
    return render(
        request,
        "patrols/checkpoint_sheet.html",
        {
            "site": site,
            "crumbs": breadcrumbs(request.user, site),
            "sheets": sheets,
            "count": len(items),
        },
    )


# --- plans ----------------------------------------------------------------------


@registry_view
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plans of the teams the user sees; a picker of the teams they may plan
    for leads to the new-plan form."""
    new = request.GET.get("new", "")
    if new.isdigit():
        return redirect("patrol_plan_create", int(new))
    plans = (
        PatrolPlan.objects.visible_to(request.user)
        .select_related("team")
        .prefetch_related("stops__checkpoint")
        .order_by("team__name_folded", "start_time", "pk")
    )
    plannable = [
        team
        for team in Team.objects.visible_to(request.user).order_by("name_folded")[:200]
        if may_plan(request.user, team)
    ]
    return render(
        request,
        "patrols/plan_list.html",
        {
            "page_obj": Paginator(plans, 50).get_page(request.GET.get("page")),
            "plannable": plannable,
            "weekdays": dict(Weekday.choices),
        },
    )


def _parse_time_of_day(text: str) -> time | None:
    try:
        hours, minutes = (int(part) for part in text.split(":")[:2])
        return time(hours, minutes)
    except (ValueError, TypeError):
        return None


@registry_view
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new plan for a team: name, days, start time, duration and the route
    (checkpoints ticked, walked in the order of their numbers)."""
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    if not may_plan(request.user, team):
        return forbidden(request, _("You may not plan this team's patrols."))
    checkpoints = list(checkpoints_for(team).order_by("name", "pk"))
    errors: list[str] = []
    if request.method == "POST":
        chosen = []
        for checkpoint in checkpoints:
            if request.POST.get(f"stop_{checkpoint.pk}"):
                order = request.POST.get(f"order_{checkpoint.pk}", "")
                chosen.append((int(order) if order.isdigit() else 999, checkpoint.pk))
        start = _parse_time_of_day(request.POST.get("start_time", ""))
        duration = request.POST.get("duration_minutes", "")
        try:
            if start is None:
                raise ValidationError(
                    {"start_time": _("Give the start time as hours:minutes.")}
                )
            create_plan(
                team=team,
                name=request.POST.get("name", ""),
                weekdays=[
                    int(d) for d in request.POST.getlist("weekdays") if d.isdigit()
                ],
                start_time=start,
                duration_minutes=int(duration) if duration.isdigit() else 0,
                route=[pk for _order, pk in sorted(chosen)],
                by=request.user,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Patrol plan saved."))
            return redirect("patrol_plan_list")
    return render(
        request,
        "patrols/plan_form.html",
        {
            "team": team,
            "crumbs": breadcrumbs(request.user, team),
            "checkpoints": checkpoints,
            "weekdays": Weekday.choices,
            "errors": errors,
            "values": request.POST,
            "chosen_days": request.POST.getlist("weekdays"),
        },
    )


# --- sessions -------------------------------------------------------------------


@registry_view
@require_http_methods(["GET", "POST"])
def patrol_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader starts a patrol: by a plan or ad hoc, with the members
    walking it."""
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    if not leads_team(request.user, team):
        return forbidden(request, _("Only the team's leader runs its patrols."))
    running = PatrolSession.objects.open().filter(team=team).first()
    if running is not None:
        return redirect("patrol_session", running.pk)
    plans = list(PatrolPlan.objects.filter(team=team, active=True).order_by("name"))
    members = list(current_members(team).order_by("name_folded", "pk"))
    errors: list[str] = []
    if request.method == "POST":
        plan_id = request.POST.get("plan", "")
        plan = next((p for p in plans if str(p.pk) == plan_id), None)
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = None
        try:
            session = start_session(
                team=team,
                by=request.user,
                plan=plan,
                members=[
                    int(m) for m in request.POST.getlist("members") if m.isdigit()
                ],
                client_id=client_id,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("patrol_session", session.pk)
    return render(
        request,
        "patrols/start.html",
        {
            "team": team,
            "plans": plans,
            "members": members,
            "errors": errors,
            "client_id": uuid.uuid4(),
            # What the previous patrol handed over, for the one starting now.
            "previous": PatrolSession.objects.filter(team=team, ended_at__isnull=False)
            .order_by("-ended_at", "-pk")
            .first(),
            "chosen": set(request.POST.getlist("members"))
            if request.method == "POST"
            else {str(m.pk) for m in members},
        },
    )


def _visible_session(request: HttpRequest, pk: int) -> PatrolSession:
    return get_object_or_404(
        PatrolSession.objects.visible_to(request.user).select_related(
            "team", "plan", "started_by"
        ),
        pk=pk,
    )


def _log(session: PatrolSession) -> list[PatrolEntry]:
    return list(
        session.entries.select_related("checkpoint", "report").order_by(
            "-occurred_at", "-id"
        )
    )


def _route(session: PatrolSession, log: list[PatrolEntry]) -> list[dict[str, Any]]:
    if session.plan is None:
        return []
    scanned = {e.checkpoint_id for e in log if e.kind == EntryKind.SCAN}
    return [{"checkpoint": c, "done": c.pk in scanned} for c in session.plan.route()]


def _report_kinds() -> list[Any]:
    from tuquan.security.models import IncidentKind

    return list(IncidentKind.objects.filter(active=True).order_by("position", "pk"))


@registry_view
def patrol_session(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's phone page while the patrol runs; the log for everyone
    else (and after the end)."""
    session = _visible_session(request, pk)
    log = _log(session)
    if request.htmx and request.GET.get("part") == "log":
        return render(request, "patrols/_log.html", {"log": log, "session": session})
    running = session.is_open and leads_team(request.user, session.team)
    return render(
        request,
        "patrols/session.html",
        {
            "session": session,
            "team": session.team,
            "members": list(session.members.order_by("name_folded")),
            "log": log,
            "route": _route(session, log),
            "running": running,
            "report_kinds": _report_kinds() if running else [],
            "max_photo_mb": MAX_PHOTO_BYTES // (1024 * 1024),
        },
    )


@registry_view
@require_POST
def patrol_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry from the phone page (htmx): the answer box, and the new log
    line out of band."""
    session = _visible_session(request, pk)
    if not leads_team(request.user, session.team):
        return forbidden(request, _("Only the team's leader runs its patrols."))
    kind = request.POST.get("kind", "")
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        client_id = uuid.uuid4()  # a phone without JavaScript: one id per post
    upload = request.FILES.get("photo")
    context: dict[str, Any] = {"session": session}
    try:
        if upload is not None and upload.size > MAX_PHOTO_BYTES:
            raise ValidationError({"photo": _("The photo is larger than 5 MB.")})
        recorded = record_entry(
            session=session,
            by=request.user,
            client_id=client_id,
            kind=kind,
            code=request.POST.get("code", ""),
            text=request.POST.get("text", ""),
            photo=upload.read() if upload is not None else None,
            occurred_at=parse_time(request.POST.get("occurred_at", "")),
            report_kind=request.POST.get("report_kind", ""),
        )
    except ValidationError as exc:
        context.update(
            tone="bad", title=_("Not recorded"), message=" ".join(exc.messages)
        )
    else:
        entry = recorded.entry
        context.update(
            tone="ok",
            entry=entry,
            route=_route(session, _log(session)) if session.plan_id else [],
            title=_("Checkpoint %(name)s recorded") % {"name": entry.checkpoint}
            if entry.kind == EntryKind.SCAN
            else _("Observation recorded"),
            message=_("Incident report %(ref)s was made.")
            % {"ref": entry.report.reference}
            if entry.report_id
            else "",
        )
    if not request.htmx:
        level = messages.SUCCESS if context["tone"] == "ok" else messages.ERROR
        messages.add_message(
            request, level, f"{context['title']}. {context['message']}".strip(". ")
        )
        return redirect("patrol_session", session.pk)
    return render(request, "patrols/_entry_result.html", context)


@registry_view
@require_POST
def patrol_end(request: HttpRequest, pk: int) -> HttpResponse:
    session = _visible_session(request, pk)
    if not leads_team(request.user, session.team):
        return forbidden(request, _("Only the team's leader runs its patrols."))
    try:
        end_session(session=session, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Patrol ended. Thank you."))
    return redirect("patrol_session", session.pk)


@registry_view
def patrol_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A log photo, for those who see the patrol (media are not public)."""
    entry = get_object_or_404(PatrolEntry.objects.visible_to(request.user), pk=pk)
    if not entry.photo:
        raise Http404
    return FileResponse(
        entry.photo.open("rb"), filename=entry.photo.name.rsplit("/")[-1]
    )
