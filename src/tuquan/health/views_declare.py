"""The worker's own declaration page, opened from the personal link or the QR
on the gate card: no login, one light page (no framework, inline CSS and a few
hundred bytes of script), "Hôm nay tôi khỏe" in one tap or a symptom checklist.

The signed token in the address is the only credential: whoever holds a valid
link may declare for that worker, which is why renewing the link (a lost card)
matters. There is no session or cookie behind these forms, so the CSRF check
guards nothing here and is left out: an offline phone may replay a declaration
hours later, after any CSRF cookie has gone. ``client_id`` makes every replay
harmless (the service answers it with the first result).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.health.services import (
    current_profile,
    health_link_tokens,
    renew_health_link,
    submit_declaration,
    worker_from_token,
)
from tuquan.organisations.views import get_visible, registry_view
from tuquan.people.models import EmploymentStatus, Worker

HEALTHY = "healthy"
SYMPTOMS = "symptoms"
# Header the page's script sends: it wants JSON, not a redirect.
SCRIPT_HEADER = "HTTP_X_TQ_DECLARE"


def first_name(worker: Worker) -> str:
    """The given name, last word of a Vietnamese full name ("Trần Thị Lan" → "Lan")."""
    parts = worker.full_name.split()
    return parts[-1] if parts else ""


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The token is in the address: never cached by proxies, never indexed,
    never sent on as a referrer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _invalid(request: HttpRequest) -> HttpResponse:
    if request.META.get(SCRIPT_HEADER):
        return JsonResponse({"error": _("This link no longer works.")}, status=404)
    return render(request, "health/declare_invalid.html", status=404)


def _profile() -> DiseaseProfile | None:
    try:
        return current_profile()
    except ValidationError:
        return None


def _today_declaration(worker: Worker, day: date) -> HealthDeclaration | None:
    # No user is signed in here: the valid token is the permission to read
    # this one worker's own declaration, so there is no ``visible_to``.
    return HealthDeclaration.objects.filter(worker=worker, day=day).first()


def _page(
    request: HttpRequest,
    worker: Worker,
    token: str,
    *,
    error: str = "",
    checked: tuple[list[str], list[str]] = ([], []),
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    profile = _profile()
    return render(
        request,
        "health/declare.html",
        {
            "worker": worker,
            "first_name": first_name(worker),
            "today": today,
            "token": token,
            "active": worker.employment_status == EmploymentStatus.ACTIVE,
            "profile": profile,
            "current": _today_declaration(worker, today),
            "client_id": uuid.uuid4(),
            "error": error,
            "checked_symptoms": checked[0],
            "checked_exposures": checked[1],
            "open_symptoms": bool(error) or bool(checked[0] or checked[1]),
        },
        status=status,
    )


def _declared_day(raw: str) -> date | None:
    """The day the form was filled (an offline phone may send it later):
    today or yesterday; anything older is too stale to count, None."""
    today = timezone.localdate()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return today
    if day > today:
        return today  # a phone clock ahead of ours: the service refuses the future
    return day if day >= today - timedelta(days=1) else None


@csrf_exempt
@_private
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, token: str) -> HttpResponse:
    worker = worker_from_token(token)
    if worker is None:
        return _invalid(request)
    if request.method != "POST":
        return _page(request, worker, token)
    wants_json = bool(request.META.get(SCRIPT_HEADER))
    choice = request.POST.get("choice")
    symptoms = request.POST.getlist("symptom")
    exposures = request.POST.getlist("exposure")
    if choice == HEALTHY:
        symptoms, exposures = [], []
    error = ""
    try:
        client_id = uuid.UUID(request.POST.get("client_id") or "")
    except ValueError:
        client_id = None
    day = _declared_day(request.POST.get("day", ""))
    if client_id is None:
        error = _("The form was damaged; please open the link again.")
    elif day is None:
        error = _("This declaration was filled in too long ago; please declare again.")
    elif choice == SYMPTOMS and not symptoms and not exposures:
        error = _('Tick at least one sign, or go back and tap "I am healthy today".')
    elif choice not in (HEALTHY, SYMPTOMS):
        error = _("The form was damaged; please open the link again.")
    if not error:
        try:
            submit_declaration(
                worker=worker,
                symptoms=symptoms,
                exposures=exposures,
                client_id=client_id,
                day=day,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", None) or [str(exc)])
    if error:
        if wants_json:
            return JsonResponse({"error": error}, status=400)
        return _page(
            request,
            worker,
            token,
            error=error,
            checked=(symptoms, exposures),
            status=400,
        )
    done = reverse("declare_done", args=[token])
    if wants_json:
        return JsonResponse({"next": done})
    return redirect(done)


@_private
@require_http_methods(["GET"])
def declare_done(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: what was recorded today, in plain words."""
    worker = worker_from_token(token)
    if worker is None:
        return _invalid(request)
    today = timezone.localdate()
    current = _today_declaration(worker, today)
    if current is None:
        return redirect("declare", token=token)
    profile = current.profile
    labels = profile.symptom_labels()
    questions = {item["code"]: item["label"] for item in profile.exposure_questions}
    return render(
        request,
        "health/declare_done.html",
        {
            "worker": worker,
            "first_name": first_name(worker),
            "today": today,
            "token": token,
            "current": current,
            "symptoms": [labels.get(code, code) for code in current.symptoms],
            "exposures": [questions.get(code, code) for code in current.exposures],
        },
    )


# --------------------------------------------------------------------------------------
# For editors: the link on the worker page and on printed cards
# --------------------------------------------------------------------------------------


def declare_qr_svg(address: str) -> str:
    """A QR of a declaration address small enough for a corner of the card
    (low error correction: the address is long, the modules must stay big)."""
    return segno.make_qr(address, error="l").svg_inline(
        omitsize=True, border=2, svgclass="qr declare-qr", lineclass=None
    )


def declare_addresses(request: HttpRequest, workers: list[Worker]) -> dict[int, str]:
    """Absolute declaration addresses of ``workers`` (a card sheet holds
    hundreds), making the missing links."""
    tokens = health_link_tokens([w.pk for w in workers])
    return {
        pk: request.build_absolute_uri(reverse("declare", args=[token]))
        for pk, token in tokens.items()
    }


@registry_view
@require_POST
def declare_link_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a new link for the worker; every printed QR of the old one stops
    working (a lost card, a phone in the wrong hands)."""
    worker = get_visible(Worker, request, pk)
    renew_health_link(worker=worker, by=request.user)
    messages.success(
        request,
        _("A new declaration link was made; the old one and its QR no longer work."),
    )
    return redirect(reverse("worker_detail", args=[worker.pk]) + "#health-link")
