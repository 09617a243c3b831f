"""The handlers' side: police officers list and answer tips in their scope;
custodians decide requests for tipsters' contact details."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.organisations.views import forbidden, registry_view
from tuquan.tips import services
from tuquan.tips.choices import RequestStatus, TipKind, TipStatus
from tuquan.tips.forms import ContactRequestForm, DecisionForm, ReplyForm
from tuquan.tips.models import ContactRequest, Custodian, Tip, police_paths
from tuquan.tips.views_public import put_errors

PER_PAGE = 50
MAX_KEY_BYTES = 16 * 1024


def _handler_or_403(request: HttpRequest) -> HttpResponse | None:
    if police_paths(request.user) == []:
        return forbidden(request, _("Only police officers handle tips."))
    return None


@registry_view
def tip_list(request: HttpRequest) -> HttpResponse:
    if (denied := _handler_or_403(request)) is not None:
        return denied
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    tips = Tip.objects.visible_to(request.user).select_related("place")
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    if kind in TipKind.values:
        tips = tips.filter(kind=kind)
    page = Paginator(tips.order_by("-received_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "status": status,
        "kind": kind,
        "statuses": TipStatus.choices,
        "kinds": TipKind.choices,
        "pending": ContactRequest.objects.visible_to(request.user)
        .filter(status=RequestStatus.PENDING)
        .count(),
    }
    template = "tips/_tip_table.html" if request.htmx else "tips/tip_list.html"
    return render(request, template, context)


def _detail(request: HttpRequest, tip: Tip, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "tip": tip,
        "thread": tip.messages.select_related("handler").order_by("at", "id"),
        "reply_form": extra.pop("reply_form", None) or ReplyForm(),
        "contact_form": extra.pop("contact_form", None) or ContactRequestForm(),
        "requests": tip.contact_requests.select_related("requested_by", "decided_by"),
        "report_ready": services.can_turn_into_report(),
        "report_places": services.report_places(request.user).only("pk", "name")
        if tip.place_id is None
        else [],
        **extra,
    }
    return render(request, "tips/tip_detail.html", context, status=status)


def _visible_tip(request: HttpRequest, pk: int) -> Tip:
    return get_object_or_404(Tip.objects.visible_to(request.user), pk=pk)


@registry_view
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_tip(request, pk))


@registry_view
@require_POST
def tip_reply(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _visible_tip(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply(
                tip=tip,
                by=request.user,
                body=form.cleaned_data["body"],
                status=form.cleaned_data["status"],
                for_tipster=not form.cleaned_data["internal"],
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tip_detail", pk=tip.pk)
    return _detail(request, tip, reply_form=form, status=422)


@registry_view
@require_POST
def tip_contact_request(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _visible_tip(request, pk)
    form = ContactRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_contact(
                tip=tip, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Your request was sent to the custodians."))
            return redirect("tip_detail", pk=tip.pk)
    return _detail(request, tip, contact_form=form, status=422)


@registry_view
@require_POST
def tip_to_report(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _visible_tip(request, pk)
    place_id = request.POST.get("place", "")
    place = (
        services.report_places(request.user).filter(pk=int(place_id)).first()
        if place_id.isdigit()
        else None
    )
    try:
        report = services.turn_into_report(tip=tip, by=request.user, place=place)
    except ValidationError as exc:
        return _detail(request, tip, report_errors=exc.messages, status=422)
    messages.success(
        request,
        _("Incident report #%(id)s was created from this tip.") % {"id": report.pk},
    )
    return redirect("tip_detail", pk=tip.pk)


# --- custodians -------------------------------------------------------------


def _custodian_or_403(request: HttpRequest) -> HttpResponse | None:
    if not Custodian.objects.active().filter(user=request.user).exists():
        return forbidden(request, _("Only custodians of tip contacts see this page."))
    return None


def _decidable(request: HttpRequest) -> Any:
    scopes = [
        c.scope.path
        for c in Custodian.objects.active()
        .filter(user=request.user)
        .select_related("scope")
    ]
    from tuquan.core.scoping import paths_q

    return (
        ContactRequest.objects.filter(paths_q("tip__scope_path", scopes))
        .select_related("tip", "requested_by", "decided_by")
        .order_by("status", "-requested_at")
    )


@registry_view
def contact_request_list(request: HttpRequest) -> HttpResponse:
    if (denied := _custodian_or_403(request)) is not None:
        return denied
    return render(
        request,
        "tips/contact_request_list.html",
        {"requests": _decidable(request)[:200]},
    )


@registry_view
def contact_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _custodian_or_403(request)) is not None:
        return denied
    item = get_object_or_404(_decidable(request), pk=pk)
    form = DecisionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["key_file"]
            if upload is not None and upload.size > MAX_KEY_BYTES:
                form.add_error("key_file", _("This is not a key file (too large)."))
            else:
                try:
                    services.decide_contact_request(
                        request=item,
                        by=request.user,
                        approve=form.cleaned_data["decision"] == "approve",
                        note=form.cleaned_data["note"],
                        key_pem=upload.read() if upload is not None else b"",
                        passphrase=form.cleaned_data["passphrase"],
                    )
                except ValidationError as exc:
                    put_errors(form, exc)
                else:
                    messages.success(request, _("Your decision was recorded."))
                    return redirect("contact_request_list")
        status = 422
    return render(
        request,
        "tips/contact_request_decide.html",
        {"item": item, "form": form},
        status=status,
    )


@registry_view
@require_POST
def contact_request_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ContactRequest.objects.visible_to(request.user).select_related("tip"), pk=pk
    )
    if not services.is_handler_for(request.user, item.tip):
        return forbidden(request)
    contact = services.reveal_contact(request=item, by=request.user)
    response = _detail(request, item.tip, revealed_pk=item.pk, revealed_value=contact)
    response["Cache-Control"] = "no-store"
    return response
