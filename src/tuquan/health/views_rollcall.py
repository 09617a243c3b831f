"""The team leader's roll call: who declared their health on a day, a one-tap
declaration for members without a phone (by proxy), and the reminder.

The proxy buttons post to :func:`team_roll_call_declare`, which answers htmx
with the member's row and the counts; each form carries a client UUID made
when the page was drawn, so a double tap stores one declaration.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuquan.health.models import DiseaseProfile
from tuquan.health.rollcall import (
    RollCall,
    may_run_roll_call,
    may_see_phones,
    reminder_phones,
    reminder_text,
    roll_call,
)
from tuquan.health.services import current_profile, submit_declaration
from tuquan.organisations.models import Team
from tuquan.organisations.views import forbidden, get_visible, registry_view
from tuquan.people.models import Worker


def _day(value: str | None) -> date:
    """The day asked for (YYYY-MM-DD), today when missing, malformed or in
    the future: a roll call of tomorrow has nothing to show."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return min(day, today)


def _profile() -> DiseaseProfile | None:
    try:
        return current_profile()
    except ValidationError:
        return None


def sms_link(phones: list[str], text: str) -> str:
    """An ``sms:`` URI with the recipients and the message filled in
    (``?&body=`` is read by both Android and iOS)."""
    return f"sms:{','.join(phones)}?&body={quote(text)}"


def _context(request: HttpRequest, call: RollCall) -> dict[str, Any]:
    today = timezone.localdate()
    text = reminder_text(call.team)
    names = ", ".join(entry.worker.full_name for entry in call.missing)
    return {
        "team": call.team,
        "call": call,
        "counts": call.counts,
        "day": call.day,
        "is_today": call.day == today,
        "previous_day": call.day - timedelta(days=1),
        "next_day": call.day + timedelta(days=1) if call.day < today else None,
        "today": today,
        "profile": _profile() if call.can_declare else None,
        "reminder": text,
        "reminder_full": _("%(text)s\nNot declared yet: %(names)s")
        % {"text": text, "names": names},
        "reminder_sms": sms_link([], text),
        "may_see_phones": call.day == today and may_see_phones(request.user, call),
        "new_id": uuid.uuid4,
    }


@registry_view
@require_GET
def team_roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible(Team, request, pk)
    call = roll_call(team=team, day=_day(request.GET.get("day")), user=request.user)
    return render(request, "health/rollcall.html", _context(request, call))


@registry_view
@require_POST
def team_roll_call_declare(
    request: HttpRequest, pk: int, worker_pk: int
) -> HttpResponse:
    """Declare for one member (healthy, or the symptoms ticked) by proxy."""
    user = request.user
    team = get_visible(Team, request, pk)
    if not may_run_roll_call(user, team):
        return forbidden(request, _("Only the team leader may declare for members."))
    worker = (
        Worker.objects.visible_to(user)
        .filter(pk=worker_pk, memberships__team=team, memberships__left_on__isnull=True)
        .first()
    )
    if worker is None:
        raise Http404
    day = _day(request.POST.get("day"))
    try:
        client_id = uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        client_id = None
    error = ""
    if client_id is None:
        error = _("The form is out of date: reload the page and try again.")
    else:
        try:
            submit_declaration(
                worker=worker,
                symptoms=request.POST.getlist("symptoms"),
                exposures=request.POST.getlist("exposures"),
                client_id=client_id,
                by=user,
                day=day,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("Declared for %(name)s.") % {"name": worker.full_name},
            )
        url = reverse("team_roll_call", args=[team.pk])
        return redirect(
            f"{url}?day={day:%Y-%m-%d}" if day != timezone.localdate() else url
        )
    call = roll_call(team=team, day=day, user=user)
    entry = next((e for e in call.entries if e.worker.pk == worker.pk), None)
    context = {**_context(request, call), "entry": entry, "error": error, "oob": True}
    return render(request, "health/rollcall_declared.html", context)


@registry_view
@require_POST
def team_roll_call_phones(request: HttpRequest, pk: int) -> HttpResponse:
    """The reminder as an ``sms:`` link to the members who have not declared
    today, for roles that may see phone numbers (each number is audited)."""
    user = request.user
    team = get_visible(Team, request, pk)
    call = roll_call(team=team, day=timezone.localdate(), user=user)
    if not may_see_phones(user, call):
        return forbidden(request, _("Your role does not allow seeing personal data."))
    phones = reminder_phones(call=call, by=user)
    context = {
        **_context(request, call),
        "phones": phones,
        "phones_sms": sms_link(phones, reminder_text(team)),
    }
    template = (
        "health/rollcall_phones.html"
        if request.htmx
        else "health/rollcall_phones_page.html"
    )
    return render(request, template, context)
