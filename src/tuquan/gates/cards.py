"""Use cases of QR worker cards: issue one, replace it, revoke it, and issue
the missing cards of a whole team or enterprise at once.

Who may: the people who may change the worker (``can_edit`` on the worker's
enterprise, or residence for a worker without one), the same rule as
``people.services.save_worker``. Guards hold no editing role, so they may not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.scoping import can_edit
from tuquan.core import audit
from tuquan.core.context import current_actor
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.gates.models import WorkerCard, new_card_code
from tuquan.people.models import EmploymentStatus, Worker

# Stored as the revoke reason of a card replaced by a new one (shown translated).
REPLACED = "replaced"
# Attempts at a fresh random code before giving up (32**8 codes: a second
# attempt is already astronomically rare).
CODE_ATTEMPTS = 5
BULK_CHUNK = 1000


def may_manage_cards(user: Any, worker: Worker) -> bool:
    """May ``user`` issue and revoke ``worker``'s cards? (Same rule as changing
    the worker: editing rights on the worker's enterprise or residence.)"""
    path = worker.scope_path
    return bool(path) and can_edit(user, path)


def _require_rights(by: Any, worker: Worker) -> None:
    if not may_manage_cards(by, worker):
        raise PermissionDenied(_("You may not issue or revoke this worker's cards."))


def _card_changes(card: WorkerCard) -> dict[str, Any]:
    return audit.diff({}, audit.snapshot(card))


def _unused_codes(count: int) -> list[str]:
    """``count`` fresh codes, distinct and not in the table yet."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        batch = {new_card_code() for _ in range(wanted)} - codes
        taken = set(
            WorkerCard.objects.filter(code__in=batch).values_list("code", flat=True)
        )
        codes |= batch - taken
    return list(codes)


def _create_card(worker: Worker, by: Any) -> WorkerCard:
    """Insert a card with a fresh code, retrying on the rare code collision."""
    for _attempt in range(CODE_ATTEMPTS):
        card = WorkerCard(
            worker=worker,
            code=_unused_codes(1)[0],
            issued_by=by if getattr(by, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                card.save()
        except IntegrityError:
            if WorkerCard.objects.active().filter(worker=worker).exists():
                # Someone issued a card at the same moment.
                raise ValidationError(
                    {"worker": [_("This worker already has an active card.")]}
                ) from None
            continue  # the code was taken in between: draw another
        return card
    raise ValidationError(_("No free card code was found; try again."))


def _revoke(card: WorkerCard, by: Any, reason: str) -> WorkerCard:
    card.revoked_at = timezone.now()
    card.revoked_by = by if getattr(by, "pk", None) else None
    card.revoke_reason = reason
    card.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        AuditAction.UPDATE,
        card,
        changes={
            "revoked_at": [None, card.revoked_at.isoformat()],
            "revoke_reason": ["", reason],
        },
        scope_path=card.worker.scope_path,
        user=by,
    )
    return card


def issue_card(*, worker: Worker, by: Any, replace: bool = False) -> WorkerCard:
    """Issue a new card to ``worker``.

    A worker holds at most one active card: with ``replace`` the current card
    is revoked (reason "replaced") and a new one issued; without it, an active
    card is an error. A worker who has left gets no card.
    """
    _require_rights(by, worker)
    if worker.employment_status == EmploymentStatus.LEFT:
        raise ValidationError(
            {"worker": [_("This worker has left; no card can be issued.")]}
        )
    with transaction.atomic():
        # Lock the worker: two issues at once must not both pass the check.
        Worker.objects.select_for_update().filter(pk=worker.pk).values("pk").first()
        current = (
            WorkerCard.objects.select_for_update()
            .active()
            .filter(worker=worker)
            .first()
        )
        if current is not None:
            if not replace:
                raise ValidationError(
                    {
                        "worker": [
                            _(
                                "This worker already has an active card; "
                                "replace it or revoke it first."
                            )
                        ]
                    }
                )
            current.worker = worker
            _revoke(current, by, REPLACED)
        card = _create_card(worker, by)
        audit.record(
            AuditAction.CREATE,
            card,
            changes=_card_changes(card),
            scope_path=worker.scope_path,
            user=by,
        )
    return card


def revoke_card(*, card: WorkerCard, by: Any, reason: str) -> WorkerCard:
    """Revoke a card (lost, stolen, worker left...); the gate then answers
    "card revoked" for its code."""
    worker = card.worker
    _require_rights(by, worker)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the card is revoked.")]})
    if len(reason) > 200:
        raise ValidationError(
            {"reason": [_("The reason must have at most 200 characters.")]}
        )
    with transaction.atomic():
        locked = WorkerCard.objects.select_for_update().get(pk=card.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This card is already revoked."))
        locked.worker = worker
        _revoke(locked, by, reason)
    card.revoked_at = locked.revoked_at
    card.revoked_by = locked.revoked_by
    card.revoke_reason = locked.revoke_reason
    return card


def qr_svg(payload: str) -> str:
    """The QR code of ``payload`` as inline SVG, sized by CSS (a regular QR,
    never a Micro QR, which phone cameras do not read)."""
    return segno.make_qr(payload, error="m").svg_inline(
        omitsize=True, border=4, svgclass="qr", lineclass=None
    )


def workers_missing_cards(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Active workers of ``workers`` without an active card."""
    return workers.filter(employment_status=EmploymentStatus.ACTIVE).exclude(
        pk__in=WorkerCard.objects.active().values("worker_id")
    )


def _audit_entries(cards: Iterable[WorkerCard], by: Any, paths: dict[int, str]) -> None:
    """One audit entry per card, as ``audit.record`` writes them, in bulk."""
    actor = current_actor()
    user = by if getattr(by, "pk", None) else None
    entries = [
        AuditEntry(
            user=user,
            username=getattr(by, "username", "") or "",
            action=AuditAction.CREATE,
            object_type=WorkerCard._meta.label_lower,
            object_id=str(card.pk),
            object_repr=str(card),
            changes=_card_changes(card),
            address=actor.address,
            via=actor.via,
            scope_path=paths.get(card.worker_id, ""),
        )
        for card in cards
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BULK_CHUNK)


def issue_missing_cards(*, workers_queryset: QuerySet[Worker], by: Any) -> int:
    """Give a card to every active worker of the selection who has none.

    Workers ``by`` may not change are left out; if the selection needs cards
    and ``by`` may change none of those workers, that is refused. Returns the
    number of cards issued.
    """
    candidates = list(
        workers_missing_cards(workers_queryset)
        .select_related("enterprise", "residence")
        .order_by("pk")
    )
    allowed = [w for w in candidates if may_manage_cards(by, w)]
    if candidates and not allowed:
        raise PermissionDenied(_("You may not issue or revoke this worker's cards."))
    paths = {w.pk: w.scope_path for w in allowed}
    with transaction.atomic():
        return _bulk_issue(allowed, by, paths)


def _bulk_issue(allowed: list[Worker], by: Any, paths: dict[int, str]) -> int:
    issued = 0
    user = by if getattr(by, "pk", None) else None
    for start in range(0, len(allowed), BULK_CHUNK):
        chunk = allowed[start : start + BULK_CHUNK]
        cards = [
            WorkerCard(worker_id=w.pk, code=code, issued_by=user)
            for w, code in zip(chunk, _unused_codes(len(chunk)), strict=True)
        ]
        try:
            with transaction.atomic():
                created = WorkerCard.objects.bulk_create(cards)
                if not all(card.pk for card in created):
                    # Backends without RETURNING (none we run on): re-read.
                    created = list(
                        WorkerCard.objects.filter(code__in=[c.code for c in cards])
                    )
                _audit_entries(created, by, paths)
                issued += len(created)
        except IntegrityError:
            # A code drawn or a card issued by someone else in between: fall
            # back to one card at a time for this chunk.
            for worker in chunk:
                try:
                    with transaction.atomic():
                        if WorkerCard.objects.active().filter(worker=worker).exists():
                            continue
                        card = _create_card(worker, by)
                        _audit_entries([card], by, paths)
                        issued += 1
                except ValidationError:
                    continue
    return issued
