"""Template tags that put worker cards and gates on pages owned by other apps
(worker, zone, enterprise and team pages), reading through ``visible_to`` so
those apps' views need not know about gates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from tuquan.accounts.scoping import can_edit
from tuquan.gates.cards import REPLACED, may_manage_cards
from tuquan.gates.models import Gate, WorkerCard
from tuquan.organisations.models import Organisation
from tuquan.people.models import Worker

register = template.Library()

# Revoked cards shown under the current one.
CARD_HISTORY = 5


@register.inclusion_tag("gates/card_worker_panel.html", takes_context=True)
def worker_card_panel(context: dict[str, Any], worker: Worker) -> dict[str, Any]:
    """The worker's card: code, issue date, and issue / replace / revoke
    buttons for those who may."""
    user = context["request"].user
    cards = list(
        WorkerCard.objects.visible_to(user).filter(worker=worker)[: CARD_HISTORY + 1]
    )
    active = next((card for card in cards if card.revoked_at is None), None)
    return {
        "worker": worker,
        "active": active,
        "history": [card for card in cards if card is not active][:CARD_HISTORY],
        "may_manage": may_manage_cards(user, worker),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.inclusion_tag("gates/gate_site_panel.html", takes_context=True)
def site_gates_panel(context: dict[str, Any], site: Organisation) -> dict[str, Any]:
    """Gates of a zone or an enterprise, with links to add one and, for an
    enterprise, to print its workers' cards."""
    user = context["request"].user
    gates = (
        Gate.objects.visible_to(user).filter(site=site).order_by("name_folded", "pk")
    )
    return {
        "site": site,
        "gates": gates,
        "may_add": bool(site.path) and can_edit(user, site.path),
        "is_enterprise": site.kind == "enterprise",
    }


@register.filter
def revoke_reason(card: WorkerCard) -> str:
    """The revoke reason, the stored "replaced" in words."""
    if card.revoke_reason == REPLACED:
        return _("replaced by a new card")
    return card.revoke_reason
