"""Template tags that put health things on pages owned by other apps: the
worker's personal declaration link (QR, address, renew button) on the worker
page, shown to the people who may change the worker."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from tuquan.accounts.scoping import can_edit
from tuquan.health.services import health_link_token
from tuquan.health.views_declare import declare_qr_svg
from tuquan.people.models import EmploymentStatus, Worker

register = template.Library()


@register.inclusion_tag("health/declare_link_panel.html", takes_context=True)
def declaration_link_panel(context: dict[str, Any], worker: Worker) -> dict[str, Any]:
    """The link is a credential (whoever holds it declares for the worker), so
    only editors over the worker see it; everyone else sees nothing."""
    request = context["request"]
    user = request.user
    path = worker.scope_path
    may_manage = user.is_superuser or (bool(path) and can_edit(user, path))
    if not may_manage:
        return {"show": False}
    address = request.build_absolute_uri(
        reverse("declare", args=[health_link_token(worker)])
    )
    return {
        "show": True,
        "worker": worker,
        "address": address,
        "qr": declare_qr_svg(address),
        "active": worker.employment_status == EmploymentStatus.ACTIVE,
        "csrf_token": context.get("csrf_token"),
    }
