"""The public side of the tip channel: the form, the receipt, the poster.

No account, no session write, nothing about the caller stored or logged: the
services run with a blank actor (``services.anonymous_actor``) and answers are
marked ``no-store`` so a shared phone's browser keeps no copy of a receipt.
"""

from __future__ import annotations

from typing import Any

import segno
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuquan.organisations.models import Organisation
from tuquan.tips import challenge, receipts, sealing, services
from tuquan.tips.forms import ReceiptForm, TipForm


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    # Not "no-referrer": browsers then send "Origin: null" and CSRF fails.
    response["Referrer-Policy"] = "same-origin"
    return response


def put_errors(form: Form, exc: ValidationError) -> None:
    """A service's errors on the form's fields (others on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _new_form(places: Any, contact_allowed: bool, place: str = "") -> TipForm:
    issued = challenge.issue()
    return TipForm(
        initial={"challenge": issued.token, "place": place},
        places=places,
        contact_allowed=contact_allowed,
    )


def _question(form: TipForm) -> tuple[Any, Any]:
    parsed = challenge.parse(str(form["challenge"].value() or ""))
    return (parsed.a, parsed.b) if parsed else ("?", "?")


@never_cache
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest) -> HttpResponse:
    places = list(services.place_choices())
    contact_allowed = sealing.custodian_public_key() is not None
    status = 200
    if request.method == "POST":
        form = TipForm(request.POST, places=places, contact_allowed=contact_allowed)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.submit_tip(
                    kind=data["kind"],
                    place_text=data["place_text"],
                    place_id=data["place"] or None,
                    description=data["description"],
                    contact=data.get("contact", ""),
                    challenge_token=data["challenge"],
                    proof=data["proof"],
                    answer=data["answer"],
                    client_id=data["client_id"],
                )
            except services.Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                return _private(
                    render(
                        request,
                        "tips/receipt_new.html",
                        {
                            "code": receipts.display(done.code),
                            "replayed": done.replayed,
                        },
                    )
                )
        # Every new attempt gets a fresh challenge (the old one may be spent).
        fresh = challenge.issue()
        form.data = form.data.copy()
        form.data["challenge"] = fresh.token
        form.data["proof"] = ""
        form.data["answer"] = ""
        status = status if status != 200 else 422
    else:
        form = _new_form(places, contact_allowed, request.GET.get("noi", ""))
    a, b = _question(form)
    return _private(
        render(
            request,
            "tips/form.html",
            {"form": form, "a": a, "b": b, "contact_allowed": contact_allowed},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def tip_receipt(request: HttpRequest) -> HttpResponse:
    """Read a tip's status and messages with the receipt code; write back."""
    tip = None
    status = 200
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            body = form.cleaned_data["body"]
            try:
                tip = services.open_receipt(code)
                if body:
                    services.add_tipster_message(tip=tip, body=body)
            except services.Refused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except ValidationError as exc:
                put_errors(form, exc)
                status = 422 if tip is None else 200
            else:
                if body:  # sent: an empty box for the next message
                    form = ReceiptForm(initial={"code": code})
    else:
        form = ReceiptForm()
    context = {"form": form, "tip": tip}
    if tip is not None:
        context["messages_for_tipster"] = services.tipster_messages(tip)
        context["code"] = receipts.display(receipts.normalise(form["code"].value()))
    return _private(render(request, "tips/receipt.html", context, status=status))


def _qr(payload: str) -> str:
    return segno.make_qr(payload, error="m").svg_inline(scale=6, border=2)


@require_http_methods(["GET"])
def tip_poster(request: HttpRequest) -> HttpResponse:
    """A printable poster with the form's address and a QR code; ``?noi=<id>``
    makes the QR preselect a commune or zone."""
    place = None
    url = reverse("tip_form")
    wanted = request.GET.get("noi", "")
    if wanted.isdigit():
        place = (
            Organisation.objects.filter(pk=int(wanted), kind__in=services.PLACE_KINDS)
            .only("pk", "name")
            .first()
        )
        if place is not None:
            url = f"{url}?noi={place.pk}"
    absolute = request.build_absolute_uri(url)
    return render(
        request,
        "tips/poster.html",
        {"qr": _qr(absolute), "url": absolute, "place": place},
    )
