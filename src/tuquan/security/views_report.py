"""Reporting an incident and following it: phone-first pages for workers (logged
in or through their personal link), team leaders, guards, officers and the
public (no account).

A reporter sees only the public face of their report: its reference, kind,
public status and the timeline entries marked visible to the reporter. A
public reporter follows it with a one-time status key (only its hash is kept);
a worker with a link follows their reports through the same link.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuquan.health.services import worker_from_token
from tuquan.organisations.choices import ZONE_KINDS, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.people.models import Worker
from tuquan.security.models import IncidentKind, IncidentReport, public_status
from tuquan.security.photos import MAX_BYTES
from tuquan.security.services import create_report, report_by_status_key

PLACE_KINDS = (*ZONE_KINDS, OrgKind.ENTERPRISE, OrgKind.RESIDENCE, OrgKind.COMMUNE)
MAX_PLACE_CHOICES = 400


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages whose address is a credential (a link token, a status key): never
    cached, indexed or sent on as a referrer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


# --------------------------------------------------------------------------------------
# Form helpers
# --------------------------------------------------------------------------------------


def place_kwargs(org: Organisation) -> dict[str, Any]:
    """The create_report place argument for a chosen organisation."""
    node = org.specific()
    if org.kind in ZONE_KINDS:
        return {"zone": node}
    if org.kind == OrgKind.ENTERPRISE:
        return {"enterprise": node}
    if org.kind == OrgKind.RESIDENCE:
        return {"residence": node}
    return {"commune": node}


def _worker_places(worker: Worker) -> list[Organisation]:
    places: list[Organisation] = []
    if worker.enterprise_id:
        enterprise = worker.enterprise
        places.append(enterprise.organisation_ptr)
        if enterprise.zone_id:
            places.append(enterprise.zone.organisation_ptr)
    if worker.residence_id:
        places.append(worker.residence.organisation_ptr)
    return places


def places_for(user: Any = None, worker: Worker | None = None) -> list[Organisation]:
    """Places a reporter may choose: a worker's workplace, zone and residence;
    an officer's visible zones, enterprises and residences; for the public,
    zones and communes."""
    places: list[Organisation] = []
    if worker is not None:
        places += _worker_places(worker)
    if user is not None and user.is_authenticated:
        visible = (
            Organisation.objects.visible_to(user)
            .filter(kind__in=PLACE_KINDS)
            .order_by("path")[:MAX_PLACE_CHOICES]
        )
        places += list(visible)
    if worker is None and (user is None or not user.is_authenticated):
        places = list(
            Organisation.objects.filter(
                kind__in=(*ZONE_KINDS, OrgKind.COMMUNE)
            ).order_by("kind", "name")[:MAX_PLACE_CHOICES]
        )
    return list({org.pk: org for org in places}.values())


def _occurred_at(raw: str) -> datetime:
    if not raw:
        return timezone.now()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            {"occurred_at": _("“%(value)s” is not a date and time.") % {"value": raw}}
        ) from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _errors(exc: ValidationError) -> list[str]:
    labels = {
        "kind": _("Kind"),
        "description": _("What happened"),
        "occurred_at": _("When"),
        "zone": _("Where"),
        "place": _("Where"),
        "photos": _("Photos"),
        "latitude": _("Location"),
        "longitude": _("Location"),
        "contact": _("Contact"),
    }
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    return [
        f"{labels.get(field, field)}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def submit_form(
    request: HttpRequest,
    *,
    places: list[Organisation],
    by: Any = None,
    worker: Worker | None = None,
) -> tuple[IncidentReport | None, list[str]]:
    """Read the report form and create the report, or return the errors."""
    post = request.POST
    errors: list[str] = []
    place_id = post.get("place", "")
    place = next((p for p in places if str(p.pk) == place_id), None)
    if place is None:
        errors.append(_("Where: choose the place from the list."))
    photos = request.FILES.getlist("photos")
    for index, photo in enumerate(photos, start=1):
        # Refuse before reading: an oversized file never reaches memory twice.
        if photo.size > MAX_BYTES:
            errors.append(
                _("Photos: photo %(n)d is larger than %(mb)d MB.")
                % {"n": index, "mb": MAX_BYTES // 1024 // 1024}
            )
    if errors:
        return None, errors
    try:
        report = create_report(
            kind=post.get("kind", ""),
            description=post.get("description", ""),
            occurred_at=_occurred_at(post.get("occurred_at", "")),
            by=by,
            reporter_worker=worker,
            place_text=post.get("place_text", ""),
            latitude=post.get("latitude") or None,
            longitude=post.get("longitude") or None,
            people_involved=post.get("people_involved", ""),
            contact=post.get("contact", ""),
            photos=photos,
            client_id=_uuid(post.get("client_id")),
            **place_kwargs(place),  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        return None, _errors(exc)
    return report, []


def _form_context(
    request: HttpRequest, places: list[Organisation], errors: list[str], **extra: Any
) -> dict[str, Any]:
    return {
        "kinds": IncidentKind.objects.filter(active=True),
        "places": places,
        "errors": errors,
        # A QR on a poster may preselect the place: /report/?place=<id>.
        "form": request.POST or request.GET,
        "client_id": request.POST.get("client_id") or uuid.uuid4(),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "max_mb": MAX_BYTES // 1024 // 1024,
        **extra,
    }


# --------------------------------------------------------------------------------------
# Logged-in reporters
# --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    worker = Worker.objects.filter(user_id=request.user.pk).first()
    places = places_for(request.user, worker)
    errors: list[str] = []
    if request.method == "POST":
        report, errors = submit_form(
            request, places=places, by=request.user, worker=worker
        )
        if report is not None:
            return redirect("my_report_detail", pk=report.pk)
    return render(
        request,
        "security/report_form.html",
        _form_context(request, places, errors, action=reverse("report_new")),
        status=422 if errors else 200,
    )


def _mine(user: Any) -> Any:
    # A reporter's own reports, whatever their scope: they made them.
    return IncidentReport.objects.filter(reporter_id=user.pk).select_related("kind")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = _mine(request.user).order_by("-received_at", "-id")[:100]
    return render(request, "security/my_reports.html", {"reports": reports})


@login_required
def my_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_mine(request.user), pk=pk)
    return render(
        request,
        "security/report_status.html",
        _status_context(report, back=reverse("my_reports")),
    )


def _status_context(report: IncidentReport, **extra: Any) -> dict[str, Any]:
    timeline = list(report.transitions.for_reporter().order_by("at", "id"))
    for step in timeline:
        # The reporter reads the plain public words, not the internal states.
        step.public = public_status(step.to_status)
    return {"report": report, "timeline": timeline, **extra}


# --------------------------------------------------------------------------------------
# Workers through their personal link
# --------------------------------------------------------------------------------------


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "security/link_invalid.html", status=404)


@_private
@require_http_methods(["GET", "POST"])
def link_report(request: HttpRequest, token: str) -> HttpResponse:
    worker = worker_from_token(token)
    if worker is None:
        return _invalid_link(request)
    places = places_for(worker=worker)
    errors: list[str] = []
    if request.method == "POST":
        report, errors = submit_form(request, places=places, worker=worker)
        if report is not None:
            return redirect("link_report_status", token=token, pk=report.pk)
    return render(
        request,
        "security/report_form.html",
        _form_context(
            request,
            places,
            errors,
            action=reverse("link_report", args=[token]),
            worker=worker,
            mine_url=reverse("link_reports", args=[token]),
        ),
        status=422 if errors else 200,
    )


def _link_reports(worker: Worker) -> Any:
    # The valid token is the permission to read this worker's own reports.
    return IncidentReport.objects.filter(reporter_worker=worker).select_related("kind")


@_private
def link_reports(request: HttpRequest, token: str) -> HttpResponse:
    worker = worker_from_token(token)
    if worker is None:
        return _invalid_link(request)
    reports = _link_reports(worker).order_by("-received_at", "-id")[:100]
    return render(
        request,
        "security/my_reports.html",
        {
            "reports": reports,
            "token": token,
            "worker": worker,
            "new_url": reverse("link_report", args=[token]),
        },
    )


@_private
def link_report_status(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    worker = worker_from_token(token)
    if worker is None:
        return _invalid_link(request)
    report = get_object_or_404(_link_reports(worker), pk=pk)
    return render(
        request,
        "security/report_status.html",
        _status_context(report, back=reverse("link_reports", args=[token])),
    )


# --------------------------------------------------------------------------------------
# The public
# --------------------------------------------------------------------------------------


@_private
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        # Logged in: report as yourself (it then shows under "My reports"),
        # choosing among the places of your own scope.
        return redirect("report_new")
    places = places_for()
    errors: list[str] = []
    if request.method == "POST":
        report, errors = submit_form(request, places=places)
        if report is not None:
            if not getattr(report, "status_key", ""):
                # A retried submission: the key was shown the first time only.
                return render(request, "security/public_receipt.html", {"report": None})
            status_url = request.build_absolute_uri(
                reverse("public_report_status", args=[report.status_key])
            )
            return render(
                request,
                "security/public_receipt.html",
                {"report": report, "status_url": status_url},
            )
    return render(
        request,
        "security/report_form.html",
        _form_context(
            request, places, errors, action=reverse("public_report"), public=True
        ),
        status=422 if errors else 200,
    )


@_private
def public_report_status(request: HttpRequest, key: str) -> HttpResponse:
    report = report_by_status_key(key)
    if report is None:
        return render(request, "security/link_invalid.html", status=404)
    return render(request, "security/report_status.html", _status_context(report))
