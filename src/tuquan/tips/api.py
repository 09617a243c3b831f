"""API of the tip channel.

Public operations (``/public/tips...``, no authentication): a challenge, the
submission, and reading or writing with the receipt code, which travels in the
request body, never in the URL (URLs end up in logs and browser history).
Handler operations (``/tips...``) are for police officers in scope.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from tuquan.organisations.api import (
    caller,
    errors_named_as,
    get_visible_or_404,
    paged,
)
from tuquan.organisations.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    InputSchema,
    ValidationErrorOut,
)
from tuquan.tips import challenge, receipts, services
from tuquan.tips.models import Tip

router = Router(tags=["tips"])

PUBLIC_ERRORS: dict[int, Any] = {422: ValidationErrorOut, 429: ErrorOut}


class ChallengeOut(Schema):
    challenge: str
    bits: int = Field(description="leading zero bits of sha256(challenge:proof)")
    question: str = Field(description="the sum to answer instead, without script")


class TipIn(InputSchema):
    kind: str
    place_text: str
    description: str
    place_id: int | None = Field(None, description="a commune or zone id")
    contact: str = ""
    challenge: str
    proof: str = ""
    answer: str = ""
    client_id: uuid.UUID | None = Field(
        None, description="random UUID (v4); a retry returns the same receipt"
    )


class ReceiptOut(Schema):
    receipt_code: str = Field(description="shown once: keep it to follow the tip")
    replayed: bool


class CodeIn(InputSchema):
    code: str


class TipsterMessageIn(InputSchema):
    code: str
    body: str


class PublicMessageOut(Schema):
    author: str
    body: str
    status: str
    at: datetime


class PublicTipOut(Schema):
    kind: str
    status: str
    status_label: str
    received_at: datetime
    messages: list[PublicMessageOut]


class MessageOut(Schema):
    id: int
    author: str
    handler_id: int | None
    body: str
    status: str
    for_tipster: bool
    at: datetime


class TipOut(Schema):
    id: int
    kind: str
    status: str
    place_text: str
    place_id: int | None
    description: str
    received_at: datetime
    has_contact: bool
    report_id: int | None


class TipDetailOut(TipOut):
    messages: list[MessageOut]


class ReplyIn(InputSchema):
    body: str = ""
    status: str = ""
    internal: bool = False


class StatusIn(InputSchema):
    status: str
    note: str = ""


def _public_tip(tip: Tip) -> dict[str, Any]:
    return {
        "kind": tip.kind,
        "status": tip.status,
        "status_label": str(tip.get_status_display()),
        "received_at": tip.received_at,
        "messages": [
            {"author": m.author, "body": m.body, "status": m.status, "at": m.at}
            for m in services.tipster_messages(tip)
        ],
    }


def _refused(exc: services.Refused) -> HttpError:
    return HttpError(exc.status, exc.message)


@router.get(
    "/public/tips/challenge",
    auth=None,
    response={200: ChallengeOut},
    summary="A challenge for the tip form",
)
def get_tip_challenge(request: HttpRequest) -> dict[str, Any]:
    """Solve it (proof of work) or answer its sum, then send it with the tip."""
    issued = challenge.issue()
    return {
        "challenge": issued.token,
        "bits": issued.bits,
        "question": f"{issued.a} + {issued.b}",
    }


@router.post(
    "/public/tips",
    auth=None,
    response={200: ReceiptOut, 201: ReceiptOut, **PUBLIC_ERRORS},
    summary="Send an anonymous tip",
)
def create_tip(request: HttpRequest, payload: TipIn) -> Status[Any]:
    """No account and nothing about the sender is stored. The answer carries
    the receipt code once (a retry with the same client_id gets it again)."""
    try:
        with errors_named_as(TipIn):
            done = services.submit_tip(
                kind=payload.kind,
                place_text=payload.place_text,
                place_id=payload.place_id,
                description=payload.description,
                contact=payload.contact,
                challenge_token=payload.challenge,
                proof=payload.proof,
                answer=payload.answer,
                client_id=payload.client_id,
            )
    except services.Refused as exc:
        raise _refused(exc) from exc
    body = {"receipt_code": receipts.display(done.code), "replayed": done.replayed}
    return Status(200 if done.replayed else 201, body)


@router.post(
    "/public/tips/receipt",
    auth=None,
    response={200: PublicTipOut, **PUBLIC_ERRORS},
    summary="Read a tip with its receipt code",
)
def read_tip_receipt(request: HttpRequest, payload: CodeIn) -> dict[str, Any]:
    """A wrong, unknown or expired code all get the same 422."""
    try:
        with services.anonymous_actor():
            return _public_tip(services.open_receipt(payload.code))
    except services.Refused as exc:
        raise _refused(exc) from exc


@router.post(
    "/public/tips/receipt/messages",
    auth=None,
    response={201: PublicTipOut, **PUBLIC_ERRORS},
    summary="Write to the handlers with the receipt code",
)
def create_tipster_message(
    request: HttpRequest, payload: TipsterMessageIn
) -> Status[Any]:
    try:
        message = services.post_tipster_message(code=payload.code, body=payload.body)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return Status(201, _public_tip(message.tip))


# --- handlers -------------------------------------------------------------------


def _visible_tips(request: HttpRequest) -> QuerySet[Tip]:
    return Tip.objects.visible_to(caller(request))


@router.get(
    "/tips",
    response={200: list[TipOut], **READ_ERRORS},
    summary="Tips you handle",
)
@paged
def list_tips(request: HttpRequest, status: str = "", kind: str = "") -> QuerySet[Tip]:
    """Police officers in scope only; newest first."""
    tips = _visible_tips(request)
    if status:
        tips = tips.filter(status=status)
    if kind:
        tips = tips.filter(kind=kind)
    return tips.order_by("-received_at", "-id")


def _detail(tip: Tip) -> dict[str, Any]:
    return {
        **{field: getattr(tip, field) for field in TipOut.model_fields},
        "messages": list(tip.messages.order_by("at", "id")),
    }


@router.get(
    "/tips/{tip_id}",
    response={200: TipDetailOut, **READ_ERRORS},
    summary="A tip with its messages",
)
def get_tip(request: HttpRequest, tip_id: int) -> dict[str, Any]:
    return _detail(get_visible_or_404(_visible_tips(request), tip_id))


@router.post(
    "/tips/{tip_id}/messages",
    response={201: TipDetailOut, **WRITE_ERRORS},
    summary="Reply to a tip",
)
def create_tip_reply(
    request: HttpRequest, tip_id: int, payload: ReplyIn
) -> Status[Any]:
    """`internal` notes are not shown to the tipster."""
    tip = get_visible_or_404(_visible_tips(request), tip_id)
    services.reply(
        tip=tip,
        by=caller(request),
        body=payload.body,
        status=payload.status,
        for_tipster=not payload.internal,
    )
    return Status(201, _detail(tip))


@router.post(
    "/tips/{tip_id}/status",
    response={200: TipDetailOut, **WRITE_ERRORS},
    summary="Change a tip's status",
)
def update_tip_status(
    request: HttpRequest, tip_id: int, payload: StatusIn
) -> dict[str, Any]:
    """The tipster sees the new status, and `note` if given."""
    tip = get_visible_or_404(_visible_tips(request), tip_id)
    if not payload.status:
        raise ValidationError({"status": _("Choose the new status.")})
    services.reply(
        tip=tip, by=caller(request), body=payload.note, status=payload.status
    )
    return _detail(tip)
