"""Use cases of the organisation registry, shared by the HTML views, the API and
the commands. Each validates, checks the actor's scope, runs in one transaction
and writes the audit log."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from tuquan.accounts.scoping import can_edit
from tuquan.core import audit
from tuquan.organisations.choices import OperatingMode
from tuquan.organisations.models import (
    Enterprise,
    OperatingModeChange,
    Organisation,
    Team,
)

NodeT = TypeVar("NodeT", bound=Organisation)
PartT = TypeVar("PartT", bound=models.Model)


def _require_edit(by: Any, path: str) -> None:
    if not path or not can_edit(by, path):
        raise PermissionDenied(
            _("You may not change this part of the organisation tree.")
        )


def may_edit_node(user: Any, node: Organisation) -> bool:
    """The rule ``save_node`` applies to an existing node (without moving it)."""
    return bool(node.path) and can_edit(user, node.path)


def _replay(model: type[NodeT], client_id: uuid.UUID | None, by: Any) -> NodeT | None:
    """The object a previous request with the same client id created, if any."""
    if client_id is None:
        return None
    existing = model.objects.filter(client_id=client_id).first()
    if existing is None:
        if Organisation.objects.filter(client_id=client_id).exists():
            # The id names another kind of node: a client bug, not a retry.
            raise ValidationError(
                {
                    "client_id": [
                        _("This request id was already used for another record.")
                    ]
                }
            )
        return None
    if not model.objects.visible_to(by).filter(pk=existing.pk).exists():
        raise PermissionDenied(_("This request id was already used by someone else."))
    existing._replayed = True  # type: ignore[attr-defined]
    return existing


def save_node(*, node: NodeT, by: Any, client_id: uuid.UUID | None = None) -> NodeT:
    """Create or update a tree node (zone, enterprise, residence, team, unit).

    The actor must be able to edit where the node hangs now and where it will
    hang. A create with a ``client_id`` seen before returns the first result.
    """
    is_new = node.pk is None
    if is_new:
        replayed = _replay(type(node), client_id, by)
        if replayed is not None:
            return replayed
        node.client_id = client_id
    node.full_clean(exclude=["path", "client_id"])
    parent = node.tree_parent()
    before: dict[str, Any] = {}
    if is_new:
        # Creating means adding under the parent: the parent must be editable.
        _require_edit(by, parent.path if parent is not None else "")
    else:
        # Editing needs rights on the node itself (an enterprise officer edits
        # their enterprise); moving it also needs rights on the new parent.
        current = type(node).objects.get(pk=node.pk)
        _require_edit(by, current.path)
        if parent is not None and parent.pk != current.parent_id:
            _require_edit(by, parent.path)
        before = audit.snapshot(current)
    try:
        with transaction.atomic():
            node.save()
            if isinstance(node, Team):
                _sync_team_officers(node)
            changes = audit.diff(before, audit.snapshot(node))
            if is_new or changes:
                audit.record(
                    audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE,
                    node,
                    changes=changes,
                    user=by,
                )
    except IntegrityError:
        # Two retries raced on the same client id: the first one won.
        replayed = _replay(type(node), client_id, by)
        if replayed is not None:
            return replayed
        raise
    return node


def save_part(*, part: PartT, owner: Organisation, by: Any) -> PartT:
    """Create or update a workshop, line, shift, bus route or room."""
    _require_edit(by, owner.path)
    is_new = part.pk is None
    before = {} if is_new else audit.snapshot(type(part).objects.get(pk=part.pk))
    part.full_clean()
    with transaction.atomic():
        part.save()
        audit.record(
            audit.AuditAction.CREATE if is_new else audit.AuditAction.UPDATE,
            part,
            changes=audit.diff(before, audit.snapshot(part)),
            scope_path=owner.path,
            user=by,
        )
    return part


def change_operating_mode(
    *, enterprise: Enterprise, mode: str, effective_on: date, reason: str, by: Any
) -> OperatingModeChange:
    """Switch an enterprise to another operating mode and keep the history."""
    _require_edit(by, enterprise.path)
    errors: dict[str, list[str]] = {}
    if mode not in OperatingMode.values:
        errors["mode"] = [_("Choose a valid operating mode.")]
    elif mode == enterprise.operating_mode:
        errors["mode"] = [_("The enterprise is already in this operating mode.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the operating mode changes.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        change = OperatingModeChange.objects.create(
            enterprise=locked,
            mode=mode,
            previous_mode=locked.operating_mode,
            effective_on=effective_on,
            reason=reason.strip(),
            changed_by=by if getattr(by, "pk", None) else None,
        )
        locked.operating_mode = mode
        locked.save(update_fields=["operating_mode", "updated_at"])
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={"operating_mode": [change.previous_mode, mode], "reason": reason},
            user=by,
        )
    enterprise.operating_mode = mode
    return change


def _sync_team_officers(team: Team) -> None:
    """Leader and deputy are members of their team with the matching role."""
    from tuquan.people.models import MembershipRole, TeamMembership

    officers = {
        team.leader_id: MembershipRole.LEADER,
        team.deputy_id: MembershipRole.DEPUTY,
    }
    team.memberships.filter(
        role__in=[MembershipRole.LEADER, MembershipRole.DEPUTY]
    ).exclude(worker_id__in=[w for w in officers if w]).update(
        role=MembershipRole.MEMBER
    )
    for worker_id, role in officers.items():
        if worker_id:
            TeamMembership.objects.update_or_create(
                team=team,
                worker_id=worker_id,
                defaults={"role": role, "left_on": None},
                create_defaults={"role": role, "joined_on": team.founded_on},
            )
