"""Use cases of the tip channel: submitting, reading with a receipt code,
messages both ways, status changes, and the custodian path to contact details.

Public operations (``submit_tip``, ``open_receipt``, ``post_tipster_message``)
run with an anonymous actor whose address is blank, so the audit log records
nothing about the tipster either (see ``anonymous_actor``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import audit, crypto
from tuquan.core.context import acting_as
from tuquan.core.text import nfc
from tuquan.organisations.choices import ZONE_KINDS, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.tips import challenge, limits, receipts, sealing
from tuquan.tips.choices import FINISHED, Author, RequestStatus, TipKind, TipStatus
from tuquan.tips.models import (
    ContactRequest,
    Custodian,
    SpentChallenge,
    Tip,
    TipMessage,
    police_paths,
)

PLACE_KINDS = (OrgKind.COMMUNE, *ZONE_KINDS)
MIN_REASON = 20


class Refused(Exception):
    """A public request refused before anything is read or stored: flood limit,
    bad challenge, or too many wrong codes. ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int = 429) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def receipt_days() -> int:
    return int(getattr(settings, "TUQUAN_TIP_RECEIPT_DAYS", 180))


@contextmanager
def anonymous_actor() -> Iterator[None]:
    """Whatever the middleware captured, nothing about the caller goes on."""
    with acting_as(None, address="", via="tip"):
        yield


def place_choices() -> Any:
    """Communes and zones a tipster may pick (public names only)."""
    return (
        Organisation.objects.filter(kind__in=PLACE_KINDS)
        .only("pk", "name", "short_name", "kind", "path")
        .order_by("path")
    )


def _root_path() -> str:
    root = (
        Organisation.objects.filter(kind=OrgKind.PROVINCE)
        .order_by("path")
        .values_list("path", flat=True)
        .first()
    )
    if root is None:
        raise ValidationError(_("The tip channel is not set up yet: no province."))
    return root


def _minute(now: Any) -> Any:
    # Stored to the minute: finer would help match a tip to access logs kept
    # elsewhere (proxies), and handlers gain nothing from seconds.
    return now.replace(second=0, microsecond=0)


@dataclass
class Submitted:
    tip: Tip
    code: str
    replayed: bool = False


def _check_challenge(token: str, proof: str, answer: str) -> str:
    parsed = challenge.parse(token)
    if parsed is None:
        raise ValidationError(
            {
                "challenge": _(
                    "The form has expired or was changed. Reload the page "
                    "and send it again."
                )
            }
        )
    if not (challenge.proof_ok(parsed, proof) or challenge.answer_ok(parsed, answer)):
        raise ValidationError(
            {"answer": _("The answer to the check question is wrong.")}
        )
    return challenge.spent_key(parsed.token)


def _already_sent() -> ValidationError:
    return ValidationError(
        {
            "challenge": _(
                "This form was already sent. Reload the page to send another tip."
            )
        }
    )


def _purge_spent(now: Any) -> None:
    # Cheap housekeeping: about one submission in fifty clears stale rows.
    if uuid.uuid4().int % 50 == 0:
        cutoff = now - timedelta(seconds=challenge.max_age() + 120)
        SpentChallenge.objects.filter(spent_at__lt=cutoff).delete()


def _clean_fields(
    kind: str, place_text: str, place_id: Any, description: str, contact: str
) -> tuple[Organisation | None, str, str, str]:
    errors: dict[str, str] = {}
    if kind not in TipKind.values:
        errors["kind"] = _("Choose what the matter is about.")
    place_text, description, contact = (
        nfc(place_text).strip(),
        nfc(description).strip(),
        nfc(contact).strip(),
    )
    if not place_text:
        errors["place_text"] = _("Say where it happened (a street, a company, a room).")
    elif len(place_text) > 300:
        errors["place_text"] = _("The place is too long (at most 300 characters).")
    if len(description) < 10:
        errors["description"] = _(
            "Describe what happened in a few words (at least 10 characters)."
        )
    elif len(description) > 5000:
        errors["description"] = _(
            "The description is too long (at most 5000 characters)."
        )
    if len(contact) > 500:
        errors["contact"] = _(
            "The contact details are too long (at most 500 characters)."
        )
    if contact and sealing.custodian_public_key() is None:
        errors["contact"] = _("Contact details cannot be accepted at the moment.")
    place = None
    if place_id not in (None, ""):
        try:
            place = Organisation.objects.filter(
                pk=int(place_id), kind__in=PLACE_KINDS
            ).first()
        except (TypeError, ValueError):
            place = None
        if place is None:
            errors["place"] = _("Choose a commune or zone from the list.")
    if errors:
        raise ValidationError(errors)
    return place, place_text, description, contact


def submit_tip(
    *,
    kind: str,
    place_text: str,
    description: str,
    challenge_token: str,
    proof: str = "",
    answer: str = "",
    place_id: Any = None,
    contact: str = "",
    client_id: uuid.UUID | None = None,
) -> Submitted:
    """Store a tip and make its receipt code (returned once, never stored).

    A retry with the same client UUID (version 4) returns the first tip and the
    same code. Raises ``Refused`` past the flood limit, ``ValidationError`` for
    bad fields or challenge; nothing is stored in either case.
    """
    with anonymous_actor():
        if client_id is not None:
            if client_id.version != 4:
                raise ValidationError(
                    {"client_id": _("client_id must be a random (version 4) UUID.")}
                )
            digest = receipts.client_digest(client_id)
            earlier = next(iter(Tip.objects.filter(client_hash=digest)[:1]), None)
            if earlier is not None and earlier.code_sealed:
                code = receipts.open_for_client(earlier.code_sealed, client_id)
                return Submitted(earlier, code, replayed=True)
        if not limits.submissions_allowed():
            raise Refused(
                _("Too many tips are arriving right now. Please try again in a minute.")
            )
        place, place_text, description, contact = _clean_fields(
            kind, place_text, place_id, description, contact
        )
        spent = _check_challenge(challenge_token, proof, answer)
        receipt = receipts.make()
        public = sealing.custodian_public_key() if contact else None
        now = timezone.now()
        tip = Tip(
            kind=kind,
            place_text=place_text,
            place=place,
            description=description,
            scope_path=place.path if place is not None else _root_path(),
            received_at=_minute(now),
            receipt_lookup=receipt.lookup,
            receipt_salt=receipt.salt,
            receipt_hash=receipt.digest,
            receipt_expires_at=now + timedelta(days=receipt_days()),
            client_hash=receipts.client_digest(client_id) if client_id else None,
            code_sealed=(
                receipts.seal_for_client(receipt.code, client_id) if client_id else None
            ),
            contact_sealed=sealing.seal(contact, public) if public else None,
        )
        try:
            with transaction.atomic():
                # The unique key refuses a challenge used before (no savepoint:
                # either insert failing rolls back both).
                SpentChallenge.objects.create(key=spent, spent_at=now)
                tip.save()
        except IntegrityError:
            # The same client UUID sent twice at once: answer like a retry.
            earlier = None
            if client_id is not None:
                earlier = next(
                    iter(Tip.objects.filter(client_hash=tip.client_hash)[:1]), None
                )
            if earlier is None or not earlier.code_sealed:
                raise _already_sent() from None
            code = receipts.open_for_client(earlier.code_sealed, client_id)
            return Submitted(earlier, code, replayed=True)
        _purge_spent(now)
        return Submitted(tip, receipt.code)


# --- the tipster's side: the receipt -------------------------------------------


def wrong_code_message() -> str:
    return _(
        "No tip matches this receipt code, or the code is no longer valid. "
        "Check the code and try again."
    )


def open_receipt(code: str, *, at: Any = None) -> Tip:
    """The tip for a receipt code; ``ValidationError`` with one and the same
    message for a code that is malformed, unknown or expired, after the same
    amount of hashing. ``Refused`` past the attempt limits."""
    code = receipts.normalise(code)
    lookup = receipts.lookup_of(code) if code else ""
    if (lookup and limits.code_locked(lookup)) or not limits.checks_allowed():
        raise Refused(
            _("Too many attempts. Please wait 15 minutes and try again."), status=429
        )
    now = at or timezone.now()
    found = None
    if receipts.is_well_formed(code):
        candidates = list(Tip.objects.filter(receipt_lookup=lookup)[:3])
        for tip in candidates:
            if receipts.matches(code, tip.receipt_salt, tip.receipt_hash):
                found = tip
        if not candidates:
            receipts.burn()
    else:
        receipts.burn()
    if found is None or found.receipt_expires_at <= now:
        if lookup:
            limits.code_failed(lookup)
        raise ValidationError({"code": wrong_code_message()})
    return found


def tipster_messages(tip: Tip) -> Any:
    return tip.messages.filter(for_tipster=True).order_by("at", "id")


def post_tipster_message(*, code: str, body: str) -> TipMessage:
    """The tipster writes to the handlers (the code is checked first)."""
    with anonymous_actor():
        return add_tipster_message(tip=open_receipt(code), body=body)


def add_tipster_message(*, tip: Tip, body: str) -> TipMessage:
    """The tipster's message on a tip already opened with its receipt code."""
    with anonymous_actor():
        body = nfc(body).strip()
        if not body:
            raise ValidationError({"body": _("Write a message first.")})
        if len(body) > 3000:
            raise ValidationError(
                {"body": _("The message is too long (at most 3000 characters).")}
            )
        if tip.status in FINISHED:
            raise ValidationError(
                {"body": _("This tip is closed; it no longer takes messages.")}
            )
        with transaction.atomic():
            message = TipMessage.objects.create(
                tip=tip, author=Author.TIPSTER, body=body, at=_minute(timezone.now())
            )
            Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
        return message


# --- the handlers' side ---------------------------------------------------------


def is_handler_for(user: Any, tip: Tip) -> bool:
    paths = police_paths(user)
    return paths is None or any(tip.scope_path.startswith(p) for p in paths)


def _require_handler(user: Any, tip: Tip) -> None:
    if not is_handler_for(user, tip):
        raise PermissionDenied(_("Only police officers in charge may handle this tip."))


ALLOWED = {
    TipStatus.RECEIVED: {
        TipStatus.VERIFYING,
        TipStatus.IN_HANDLING,
        TipStatus.REJECTED,
    },
    TipStatus.VERIFYING: {TipStatus.IN_HANDLING, TipStatus.REJECTED, TipStatus.CLOSED},
    TipStatus.IN_HANDLING: {TipStatus.CLOSED, TipStatus.REJECTED},
    TipStatus.FORWARDED: {TipStatus.CLOSED},
    TipStatus.CLOSED: {TipStatus.IN_HANDLING},
    TipStatus.REJECTED: {TipStatus.VERIFYING},
}


def reply(
    *,
    tip: Tip,
    by: Any,
    body: str,
    status: str = "",
    for_tipster: bool = True,
) -> TipMessage:
    """A handler's message, optionally with a status change. A status change
    always reaches the tipster (its status line), even with an internal note."""
    _require_handler(by, tip)
    body = nfc(body).strip()
    if status and status not in ALLOWED.get(tip.status, set()):
        raise ValidationError(
            {
                "status": _("A tip that is %(old)s cannot become %(new)s.")
                % {
                    "old": TipStatus(tip.status).label,
                    "new": TipStatus(status).label
                    if status in TipStatus.values
                    else status,
                }
            }
        )
    if not body and not status:
        raise ValidationError({"body": _("Write a message or choose a new status.")})
    if len(body) > 3000:
        raise ValidationError(
            {"body": _("The message is too long (at most 3000 characters).")}
        )
    now = timezone.now()
    with transaction.atomic():
        message = TipMessage.objects.create(
            tip=tip,
            author=Author.HANDLER,
            handler=by,
            body=body,
            status=status,
            for_tipster=for_tipster or bool(status),
            at=now,
        )
        changes: dict[str, Any] = {"message": message.pk}
        if status:
            changes["status"] = [tip.status, status]
            tip.status = status
        # Each handler's answer keeps the receipt alive for another period.
        tip.receipt_expires_at = max(
            tip.receipt_expires_at, now + timedelta(days=receipt_days())
        )
        tip.save(update_fields=["status", "receipt_expires_at", "updated_at"])
        audit.record(
            audit.AuditAction.UPDATE,
            tip,
            changes=changes,
            user=by,
            scope_path=tip.scope_path,
        )
    return message


# --- contact details: request, decision, reading --------------------------------


def request_contact(*, tip: Tip, by: Any, reason: str) -> ContactRequest:
    """A handler asks, in writing, to see the tipster's contact details."""
    _require_handler(by, tip)
    reason = nfc(reason).strip()
    if not tip.has_contact:
        raise ValidationError(_("The tipster left no contact details."))
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "reason": _(
                    "Explain why the contact details are needed (at least "
                    "%(count)s characters)."
                )
                % {"count": MIN_REASON}
            }
        )
    with transaction.atomic():
        request = ContactRequest.objects.create(tip=tip, requested_by=by, reason=reason)
        audit.record(
            audit.AuditAction.CREATE,
            request,
            changes={"tip": tip.pk, "reason": reason},
            user=by,
            scope_path=tip.scope_path,
        )
    return request


def custodian_for(user: Any, tip: Tip) -> Custodian | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for custodian in (
        Custodian.objects.active().filter(user=user).select_related("scope")
    ):
        if tip.scope_path.startswith(custodian.scope.path):
            return custodian
    return None


def decide_contact_request(
    *,
    request: ContactRequest,
    by: Any,
    approve: bool,
    note: str = "",
    key_pem: bytes = b"",
    passphrase: str = "",
) -> ContactRequest:
    """A custodian approves (opening the seal with their key) or denies."""
    if custodian_for(by, request.tip) is None:
        raise PermissionDenied(_("Only a custodian for this place may decide."))
    if request.requested_by_id == by.pk:
        raise PermissionDenied(_("You cannot decide your own request."))
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    note = nfc(note).strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the request is denied.")})
    released = ""
    if approve:
        try:
            private = sealing.load_private_key(key_pem, passphrase)
            released = sealing.open_seal(request.tip.contact_sealed, private)
        except sealing.SealError as exc:
            raise ValidationError(
                {
                    "key_file": _(
                        "The key file or passphrase does not open these "
                        "contact details."
                    )
                }
            ) from exc
    now = timezone.now()
    with transaction.atomic():
        locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        locked.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_note = note
        locked.released_enc = crypto.encrypt(released) if released else ""
        locked.save()
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={"status": locked.status, "note": note},
            user=by,
            scope_path=request.tip.scope_path,
        )
        if approve:
            audit.record(
                audit.AuditAction.VIEW_PERSONAL,
                request.tip,
                changes={
                    "decrypted": "contact",
                    "request": locked.pk,
                    "by": "custodian",
                },
                user=by,
                scope_path=request.tip.scope_path,
            )
    return locked


def reveal_contact(*, request: ContactRequest, by: Any) -> str:
    """The approved contact details, for the handler who asked (audited each
    time they are shown)."""
    if request.requested_by_id != by.pk or not is_handler_for(by, request.tip):
        raise PermissionDenied(
            _("Only the officer who made the request may see these details.")
        )
    if request.status != RequestStatus.APPROVED or not request.released_enc:
        raise PermissionDenied(_("A custodian has not approved this request."))
    value = crypto.decrypt(request.released_enc)
    audit.record(
        audit.AuditAction.VIEW_PERSONAL,
        request.tip,
        changes={"decrypted": "contact", "request": request.pk, "by": "handler"},
        user=by,
        scope_path=request.tip.scope_path,
    )
    return value


def snapshot_for_report(tip: Tip) -> dict[str, Any]:
    """What goes over to an incident report: the content, never the identity
    (no contact details, no receipt, no messages from the tipster)."""
    return {
        "kind": tip.kind,
        "place_text": tip.place_text,
        "place_id": tip.place_id,
        "description": tip.description,
        "received_at": tip.received_at.isoformat(),
    }


# --- from a tip to an incident report -------------------------------------------


def can_turn_into_report() -> bool:
    """Is the incident report service of ``tuquan.security`` available?"""
    try:
        from tuquan.security import services as security_services
    except ImportError:
        return False
    return hasattr(security_services, "create_report")


# Tip kinds whose code differs from the incident kind's.
INCIDENT_KIND = {TipKind.EPIDEMIC: "epidemic_rules"}


def _report_arguments(tip: Tip, by: Any, place: Organisation) -> dict[str, Any]:
    from tuquan.security.choices import Source

    node = place.specific()
    where = "zone" if node.kind in ZONE_KINDS else "commune"
    # The officer is the reporter: the tipster's identity never goes over.
    return {
        "kind": INCIDENT_KIND.get(tip.kind, tip.kind),
        "description": tip.description,
        "occurred_at": tip.received_at,
        "received_at": tip.received_at,
        "by": by,
        where: node,
        "place_text": tip.place_text,
        "source": Source.TIP,
    }


def report_places(user: Any) -> Any:
    """Communes and zones a handler may file the report under."""
    return Organisation.objects.visible_to(user).filter(kind__in=PLACE_KINDS)


def turn_into_report(*, tip: Tip, by: Any, place: Organisation | None = None) -> Any:
    """Create an incident report from the tip's content (never its contact
    details, receipt or the tipster's messages) and mark the tip forwarded.
    ``place`` (a commune or zone) is needed when the tipster picked none."""
    _require_handler(by, tip)
    place = place or tip.place
    if place is None:
        raise ValidationError(
            {"place": _("Choose the commune or zone the report belongs to.")}
        )
    if place.kind not in PLACE_KINDS:
        raise ValidationError({"place": _("Choose a commune or zone from the list.")})
    if not can_turn_into_report():
        raise ValidationError(_("Incident reports are not available yet."))
    if tip.report_id:
        raise ValidationError(
            _("This tip was already passed on as report #%(id)s.")
            % {"id": tip.report_id}
        )
    from tuquan.security.services import create_report

    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        if locked.report_id:
            raise ValidationError(
                _("This tip was already passed on as report #%(id)s.")
                % {"id": locked.report_id}
            )
        report = create_report(**_report_arguments(locked, by, place))
        old = locked.status
        locked.report_id = report.pk
        locked.status = TipStatus.FORWARDED
        locked.save(update_fields=["report_id", "status", "updated_at"])
        TipMessage.objects.create(
            tip=locked,
            author=Author.HANDLER,
            handler=by,
            body=_("Your tip was passed on as an incident report for handling."),
            status=TipStatus.FORWARDED,
            at=timezone.now(),
        )
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={"status": [old, TipStatus.FORWARDED], "report": report.pk},
            user=by,
            scope_path=locked.scope_path,
        )
    tip.refresh_from_db()
    return report
