"""Pages of outreach: the officers' list, form (with the live check and the
audience count as htmx partials), detail with reach, poster and loudspeaker
script; and the worker's inbox, by personal link or logged in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tuquan.health.services import worker_from_token
from tuquan.organisations.views import get_visible, registry_view
from tuquan.outreach import services as s
from tuquan.outreach.choices import Channel, MessageState
from tuquan.outreach.forms import MessageForm
from tuquan.outreach.models import Message
from tuquan.people.models import Worker


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- officers ------------------------------------------------------------------------


@registry_view
def message_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Message.objects.visible_to(request.user)
        .select_related("audience_unit", "organisation")
        .order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "outreach/message_list.html",
        {"rows": rows, "may_write": s.is_writer(request.user)},
    )


def _form_page(
    request: HttpRequest, message: Message | None, form: MessageForm, errors: list[str]
) -> HttpResponse:
    body = form["body"].value() or ""
    return render(
        request,
        "outreach/message_form.html",
        {
            "form": form,
            "message": message,
            "errors": errors,
            "check": s.run_check(body) if body else None,
            "templates": s.templates(),
        },
    )


@registry_view
def message_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    message = get_visible(Message, request, pk) if pk else None
    if not s.is_writer(request.user):
        raise PermissionDenied(_("Your role does not write messages to workers."))
    if message is not None and message.state != MessageState.DRAFT:
        messages.error(
            request, _("An approved or sent message can no longer be changed.")
        )
        return redirect("outreach_detail", pk=message.pk)
    errors: list[str] = []
    if request.method == "POST":
        form = MessageForm(request.POST, user=request.user)
        if form.is_valid():
            target = form.apply(message or Message())
            try:
                saved = s.save_message(message=target, by=request.user)
            except ValidationError as exc:
                errors = _errors(exc)
                for field, msgs in getattr(exc, "message_dict", {}).items():
                    if field in form.fields:
                        form.add_error(field, msgs)
            else:
                return redirect("outreach_detail", pk=saved.pk)
    else:
        initial: dict[str, Any] = {"sms_unaccented": True}
        if message is not None:
            initial = MessageForm.initial_from(message)
        elif request.GET.get("template", "").isdigit():
            template = s.templates().filter(pk=request.GET["template"]).first()
            if template is not None:
                initial.update(MessageForm.initial_from(template))
                initial["topic"] = template.topic
        form = MessageForm(initial=initial, user=request.user)
    return _form_page(request, message, form, errors)


@login_required
@require_POST
def message_check(request: HttpRequest) -> HttpResponse:
    """The live check while writing (htmx partial)."""
    return render(
        request,
        "outreach/_check.html",
        {"check": s.run_check(request.POST.get("body", ""))},
    )


@login_required
@require_POST
def audience_preview(request: HttpRequest) -> HttpResponse:
    """How many workers the audience chosen in the form holds (htmx partial)."""
    form = MessageForm(request.POST, user=request.user)
    form.is_valid()  # partial values are fine: only the audience fields matter
    data = form.cleaned_data
    count: int | None = None
    error = ""
    if data.get("audience_unit") is None:
        error = _("Choose who the message is for.")
    else:
        try:
            count = s.preview_audience(
                audience=s.Audience(
                    unit=data["audience_unit"],
                    workshop=data.get("audience_workshop"),
                    shift=data.get("audience_shift"),
                    min_level=data.get("audience_min_level"),
                    risk_bands=tuple(data.get("audience_risk_bands") or ()),
                    unread=data.get("audience_unread"),
                ),
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = (
                " ".join(_errors(exc)) if isinstance(exc, ValidationError) else str(exc)
            )
    return render(request, "outreach/_audience.html", {"count": count, "error": error})


@registry_view
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.visible_to(request.user).select_related(
            "audience_unit", "organisation", "author", "approved_by"
        ),
        pk=pk,
    )
    audience = s.Audience.of(message)
    count = s.resolve_audience(audience).count() if message.state != "sent" else None
    rows, total = s.reach(message, request.user)
    return render(
        request,
        "outreach/message_detail.html",
        {
            "message": message,
            "check": message.check_result,
            "audience_count": count,
            "reach_rows": rows,
            "reach_total": total,
            "target": s.REACH_TARGET,
            "failed": s.failed_deliveries(message, request.user)[:100],
            "may_approve": s.can_approve(request.user, message),
            "channel_labels": [Channel(c).label for c in message.channels],
        },
    )


def _act(
    request: HttpRequest, pk: int, action: Callable[..., Any], done: str
) -> HttpResponse:
    message = get_visible(Message, request, pk)
    try:
        action(message=message, by=request.user)
    except ValidationError as exc:
        for text in _errors(exc):
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("outreach_detail", pk=message.pk)


@registry_view
@require_POST
def message_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, s.approve_message, _("The message is approved."))


@registry_view
@require_POST
def message_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, s.send_message, _("The message is being sent."))


@registry_view
def message_poster(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_visible(Message, request, pk)
    return render(request, "outreach/poster.html", {"message": message})


@registry_view
def message_script(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_visible(Message, request, pk)
    script, seconds = s.loudspeaker_script(message)
    return render(
        request,
        "outreach/script.html",
        {
            "message": message,
            "script": script,
            "minutes": seconds // 60,
            "seconds": seconds % 60,
            "pace": s.READING_PACE,
        },
    )


# --- the worker's inbox --------------------------------------------------------------


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Personal pages: never cached by proxies, indexed or sent as referrer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _inbox_page(request: HttpRequest, worker: Worker, base: str) -> HttpResponse:
    rows = list(s.inbox(worker)[:50])
    s.mark_shown(rows)
    return render(
        request,
        "outreach/inbox.html",
        {"worker": worker, "rows": rows, "base": base},
    )


def _read_page(
    request: HttpRequest, worker: Worker, message_pk: int, base: str
) -> HttpResponse:
    delivery = s.inbox(worker).filter(message_id=message_pk).first()
    if delivery is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            s.answer_quiz(delivery=delivery, answer=request.POST.get("answer"))
        except ValidationError as exc:
            error = " ".join(_errors(exc))
        else:
            return redirect(f"{base}{message_pk}/")
    s.mark_read(delivery=delivery)
    return render(
        request,
        "outreach/read.html",
        {
            "worker": worker,
            "d": delivery,
            "m": delivery.message,
            "base": base,
            "error": error,
        },
    )


def _worker_of(token: str) -> Worker:
    worker = worker_from_token(token)
    if worker is None:
        raise Http404
    return worker


@_private
def inbox_by_link(request: HttpRequest, token: str) -> HttpResponse:
    worker = _worker_of(token)
    return _inbox_page(request, worker, reverse("outreach_inbox_link", args=[token]))


# The token in the address is the credential (as on the declaration page):
# there is no session behind it, so no CSRF cookie to check.
@csrf_exempt
@_private
def read_by_link(request: HttpRequest, token: str, message_pk: int) -> HttpResponse:
    worker = _worker_of(token)
    base = reverse("outreach_inbox_link", args=[token])
    return _read_page(request, worker, message_pk, base)


def _own_worker(request: HttpRequest) -> Worker:
    worker = Worker.objects.visible_to(request.user).filter(user=request.user).first()
    if worker is None:
        raise Http404(_("Your account is not linked to a worker."))
    return worker


@login_required
@_private
def my_inbox(request: HttpRequest) -> HttpResponse:
    return _inbox_page(request, _own_worker(request), reverse("outreach_my_inbox"))


@login_required
@_private
def my_message(request: HttpRequest, message_pk: int) -> HttpResponse:
    base = reverse("outreach_my_inbox")
    return _read_page(request, _own_worker(request), message_pk, base)
