"""Daily health declarations: by the worker through a personal link, by a team
leader for a member without a phone, or in batches from kiosks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core import audit
from tuquan.health.models import (
    DeclarationRevision,
    DiseaseProfile,
    HealthDeclaration,
    HealthLink,
)
from tuquan.people.models import (
    EmploymentStatus,
    TeamMembership,
    Worker,
)

LINK_SALT = "tuquan.health.link"


# --------------------------------------------------------------------------------------
# Personal links
# --------------------------------------------------------------------------------------


# The token is "<worker>.<version>:<signature>": no timestamp and no JSON, so
# the printed QR stays small enough for a cheap phone camera.
_signer = signing.Signer(salt=LINK_SALT, algorithm="sha256")


def sign_link(worker_id: int, version: int) -> str:
    return _signer.sign(f"{worker_id}.{version}")


def health_link_token(worker: Worker) -> str:
    """The signed token of the worker's current link (made on first use)."""
    link, _created = HealthLink.objects.get_or_create(worker=worker)
    return sign_link(worker.pk, link.version)


def health_link_tokens(worker_ids: list[int]) -> dict[int, str]:
    """Tokens for many workers in two queries (card sheets print hundreds)."""
    versions = dict(
        HealthLink.objects.filter(worker_id__in=worker_ids).values_list(
            "worker_id", "version"
        )
    )
    missing = [pk for pk in worker_ids if pk not in versions]
    if missing:
        HealthLink.objects.bulk_create(
            [HealthLink(worker_id=pk) for pk in missing], ignore_conflicts=True
        )
        versions.update(
            HealthLink.objects.filter(worker_id__in=missing).values_list(
                "worker_id", "version"
            )
        )
    return {pk: sign_link(pk, version) for pk, version in versions.items()}


def worker_from_token(token: str) -> Worker | None:
    """The worker a link token names, if the link is still valid."""
    try:
        worker_id, version = (int(part) for part in _signer.unsign(token).split("."))
    except (signing.BadSignature, ValueError):
        return None
    link = (
        HealthLink.objects.select_related("worker__enterprise")
        .filter(worker_id=worker_id, version=version, revoked_at=None)
        .first()
    )
    return link.worker if link is not None else None


def renew_health_link(*, worker: Worker, by: Any) -> str:
    """Invalidate every printed copy of the worker's link and make a new one
    (a lost card, a phone in the wrong hands)."""
    if not (by.is_superuser or can_edit(by, worker.scope_path or "-")):
        raise PermissionDenied(_("You may not change this worker's link."))
    with transaction.atomic():
        link, created = HealthLink.objects.select_for_update().get_or_create(
            worker=worker
        )
        if not created:
            link.version += 1
            link.save(update_fields=["version"])
        audit.record(
            audit.AuditAction.UPDATE,
            worker,
            changes={"health_link": [link.version - 1, link.version]},
            user=by,
        )
    return sign_link(worker.pk, link.version)


# --------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------


def current_profile() -> DiseaseProfile:
    """The disease followed now (the first active profile)."""
    profile = DiseaseProfile.objects.filter(active=True).order_by("pk").first()
    if profile is None:
        raise ValidationError(_("No disease is followed now: ask the health officer."))
    return profile


def may_declare_for(user: Any, worker: Worker) -> bool:
    """The team leader of one of the worker's current teams, or an editor over
    the worker, may declare on their behalf."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or can_edit(user, worker.scope_path or "-"):
        return True
    paths = scope_paths(user, frozenset({Role.TEAM_LEADER})) or []
    if not paths:
        return False
    teams = TeamMembership.objects.filter(
        worker=worker, left_on__isnull=True
    ).values_list("team__path", flat=True)
    return any(path.startswith(p) for path in teams for p in paths)


@dataclass
class Submitted:
    declaration: HealthDeclaration
    created: bool  # False when the client_id was seen before (a retry)


def submit_declaration(
    *,
    worker: Worker,
    symptoms: list[str] | tuple[str, ...] = (),
    exposures: list[str] | tuple[str, ...] = (),
    client_id: uuid.UUID,
    by: Any = None,
    day: date | None = None,
) -> Submitted:
    """Record the worker's health today (or on ``day``, never in the future).

    No symptom and no exposure means healthy. A second declaration the same day
    replaces the first, which is kept as a revision. A ``client_id`` seen before
    returns what it made, unchanged. ``by`` is the signed-in user declaring for
    the worker (a team leader: recorded as by proxy), or None through the
    worker's own link.
    """
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({"day": _("The day cannot be in the future.")})
    if worker.employment_status != EmploymentStatus.ACTIVE:
        raise ValidationError(
            {"worker": _("This worker is not working now; no declaration is taken.")}
        )
    by_proxy = by is not None and getattr(worker, "user_id", None) != by.pk
    if by_proxy and not may_declare_for(by, worker):
        raise PermissionDenied(_("You may not declare for this worker."))
    profile = current_profile()
    known_symptoms = profile.symptom_labels()
    known_exposures = {item["code"] for item in profile.exposure_questions}
    symptoms = sorted(set(symptoms))
    exposures = sorted(set(exposures))
    unknown = [code for code in symptoms if code not in known_symptoms]
    if unknown:
        raise ValidationError(
            {
                "symptoms": _("Unknown symptom: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    unknown = [code for code in exposures if code not in known_exposures]
    if unknown:
        raise ValidationError(
            {
                "exposures": _("Unknown exposure question: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    replay = _replayed(client_id)
    if replay is not None:
        return Submitted(replay, created=False)
    now = timezone.now()
    declared_by = by if by is not None and by.is_authenticated else None
    try:
        with transaction.atomic():
            current = (
                HealthDeclaration.objects.select_for_update()
                .filter(worker=worker, day=day)
                .first()
            )
            if current is not None:
                DeclarationRevision.objects.create(
                    declaration=current,
                    client_id=current.client_id,
                    healthy=current.healthy,
                    symptoms=current.symptoms,
                    exposures=current.exposures,
                    by_proxy=current.by_proxy,
                    declared_by=current.declared_by,
                    declared_at=current.declared_at,
                )
                declaration = current
            else:
                declaration = HealthDeclaration(worker=worker, day=day)
            declaration.profile = profile
            declaration.healthy = not symptoms and not exposures
            declaration.symptoms = symptoms
            declaration.exposures = exposures
            declaration.by_proxy = by_proxy
            declaration.declared_by = declared_by
            declaration.client_id = client_id
            declaration.declared_at = now
            declaration.save()
    except IntegrityError:
        # The same client_id raced in from another request: answer its result.
        replay = _replayed(client_id)
        if replay is None:
            raise
        return Submitted(replay, created=False)
    return Submitted(declaration, created=True)


def _replayed(client_id: uuid.UUID) -> HealthDeclaration | None:
    found = HealthDeclaration.objects.filter(client_id=client_id).first()
    if found is not None:
        return found
    revision = (
        DeclarationRevision.objects.select_related("declaration")
        .filter(client_id=client_id)
        .first()
    )
    return revision.declaration if revision is not None else None
