"""API of messages to workers: list, get and create messages (``client_id``
makes a retry harmless), the plain-language check, the audience count,
approve, send, deliveries and reach; every read limited to the caller's scope."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Organisation, Shift, Workshop
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema
from tuquan.outreach import services as s
from tuquan.outreach.choices import Topic
from tuquan.outreach.models import Delivery, Message

router = Router(tags=["outreach"])


# --- schemas --------------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    text: str
    severity: str


class CheckOut(Schema):
    passed: bool
    characters: int
    syllables: int
    sentences: int
    longest_sentence: int
    sms_segments: int
    sms_encoding: str
    unaccented: str
    sms_segments_unaccented: int
    sms_encoding_unaccented: str
    action_sentences: int
    jargon: list[dict[str, str]]
    reasons: list[ReasonOut]


class CheckIn(InputSchema):
    text: str = Field(..., max_length=5000)


class MessageOut(Schema):
    id: int
    title: str
    body: str
    topic: str
    quiz_question: str
    quiz_answers: list[str]
    quiz_right: int | None
    valid_from: date
    valid_until: date | None
    channels: list[str]
    sms_unaccented: bool
    organisation_id: int
    audience_unit_id: int
    audience_workshop_id: int | None
    audience_shift_id: int | None
    audience_min_level: int | None
    audience_risk_bands: list[str]
    audience_unread_id: int | None
    state: str
    check_passed: bool
    check_result: dict[str, Any]
    approved_at: datetime | None
    sent_at: datetime | None
    recipients: int


class AudienceIn(InputSchema):
    audience_unit_id: int
    audience_workshop_id: int | None = None
    audience_shift_id: int | None = None
    audience_min_level: int | None = Field(None, ge=1, le=4)
    audience_risk_bands: list[str] = []
    audience_unread_id: int | None = None


class MessageIn(AudienceIn):
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=5000)
    topic: Topic
    quiz_question: str = ""
    quiz_answers: list[str] = []
    quiz_right: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    channels: list[str] = []
    sms_unaccented: bool = True
    client_id: uuid.UUID | None = None


class CountOut(Schema):
    workers: int


class SendOut(Schema):
    message: MessageOut
    rows_created: int


class DeliveryOut(Schema):
    id: int
    worker_id: int
    channel: str
    state: str
    reason: str
    attempts: int
    sent_at: datetime | None
    read_at: datetime | None
    quiz_answer: int | None
    quiz_right: bool | None


class ReachOut(Schema):
    unit_id: int | None
    unit: str
    recipients: int
    received: int
    read: int
    quiz_answered: int
    understood: int
    received_pct: int
    read_pct: int
    understood_pct: int
    below_target: bool


class ReachReport(Schema):
    units: list[ReachOut]
    total: ReachOut


# --- helpers ----------------------------------------------------------------------


def _audience(request: HttpRequest, payload: AudienceIn) -> s.Audience:
    """The audience with every id resolved inside the caller's scope."""
    user = caller(request)
    errors: dict[str, list[str]] = {}

    def find(model: Any, field: str, pk: int | None) -> Any:
        if pk is None:
            return None
        found = model.objects.visible_to(user).filter(pk=pk).first()
        if found is None:
            errors[field] = [
                _("There is nothing with id %(id)s in your scope.") % {"id": pk}
            ]
        return found

    unit = find(Organisation, "audience_unit_id", payload.audience_unit_id)
    workshop = find(Workshop, "audience_workshop_id", payload.audience_workshop_id)
    shift = find(Shift, "audience_shift_id", payload.audience_shift_id)
    unread = find(Message, "audience_unread_id", payload.audience_unread_id)
    if errors:
        raise ValidationError(errors)
    return s.Audience(
        unit=unit,
        workshop=workshop,
        shift=shift,
        min_level=payload.audience_min_level,
        risk_bands=tuple(payload.audience_risk_bands),
        unread=unread,
    )


def _visible(request: HttpRequest) -> QuerySet[Message]:
    return Message.objects.visible_to(caller(request))


# --- operations ---------------------------------------------------------------------


@router.get(
    "/outreach/messages",
    response={200: list[MessageOut], **READ_ERRORS},
    summary="Messages to workers you can see",
)
@paged
def list_messages(
    request: HttpRequest, state: str | None = None, topic: str | None = None
) -> QuerySet[Message]:
    qs = _visible(request)
    if state:
        qs = qs.filter(state=state)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.order_by("-created_at", "-id")


@router.get(
    "/outreach/messages/{message_id}",
    response={200: MessageOut, **READ_ERRORS},
    summary="Get one message",
)
def get_message(request: HttpRequest, message_id: int) -> Message:
    return get_visible_or_404(_visible(request), message_id)


@router.post(
    "/outreach/messages",
    response={201: MessageOut, 200: MessageOut, **WRITE_ERRORS},
    summary="Write a draft message (checked and stored with its check)",
)
def create_message(request: HttpRequest, payload: MessageIn) -> Status[Any]:
    audience = _audience(request, payload)
    message = Message(
        title=payload.title,
        body=payload.body,
        topic=payload.topic,
        quiz_question=payload.quiz_question,
        quiz_answers=payload.quiz_answers,
        quiz_right=payload.quiz_right,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        channels=payload.channels,
        sms_unaccented=payload.sms_unaccented,
        audience_unit=audience.unit,
        audience_workshop=audience.workshop,
        audience_shift=audience.shift,
        audience_min_level=audience.min_level,
        audience_risk_bands=list(audience.risk_bands),
        audience_unread=audience.unread,
    )
    return created(
        s.save_message(message=message, by=caller(request), client_id=payload.client_id)
    )


@router.post(
    "/outreach/check",
    response={200: CheckOut, **READ_ERRORS},
    summary="Run the plain-language check on a text (nothing is stored)",
)
def check_text(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    return s.run_check(payload.text).as_dict()


@router.post(
    "/outreach/audience",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Count the workers an audience holds",
)
def count_audience(request: HttpRequest, payload: AudienceIn) -> dict[str, int]:
    audience = _audience(request, payload)
    return {"workers": s.preview_audience(audience=audience, by=caller(request))}


@router.post(
    "/outreach/messages/{message_id}/approve",
    response={200: MessageOut, **WRITE_ERRORS},
    summary="Approve a draft (committee or agency officer over the audience)",
)
def approve_message(request: HttpRequest, message_id: int) -> Message:
    message = get_message(request, message_id)
    return s.approve_message(message=message, by=caller(request))


@router.post(
    "/outreach/messages/{message_id}/send",
    response={200: SendOut, **WRITE_ERRORS},
    summary="Send an approved message: fill the outbox and start delivery",
)
def send_message(request: HttpRequest, message_id: int) -> dict[str, Any]:
    message = get_message(request, message_id)
    rows = s.send_message(message=message, by=caller(request))
    return {"message": message, "rows_created": rows}


@router.get(
    "/outreach/messages/{message_id}/deliveries",
    response={200: list[DeliveryOut], **READ_ERRORS},
    summary="Outbox rows of a message (only recipients in your scope)",
)
@paged
def list_deliveries(
    request: HttpRequest, message_id: int, state: str | None = None
) -> QuerySet[Delivery]:
    message = get_message(request, message_id)
    qs = Delivery.objects.visible_to(caller(request)).filter(message=message)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("id")


@router.get(
    "/outreach/messages/{message_id}/reach",
    response={200: ReachReport, **READ_ERRORS},
    summary="Received, read and understood per unit (units below 90 % flagged)",
)
def message_reach(request: HttpRequest, message_id: int) -> dict[str, Any]:
    message = get_message(request, message_id)
    rows, total = s.reach(message, caller(request))
    return {"units": [r.as_dict() for r in rows], "total": total.as_dict()}
