"""Home page per role, the organisation tree browser and the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuquan.accounts.scoping import can_read_audit, scope_paths
from tuquan.core.dashboard import build_home
from tuquan.core.models import AuditEntry
from tuquan.core.text import fold
from tuquan.organisations.models import Organisation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"home": build_home(request.user)})


def _roots(request: HttpRequest) -> list[Organisation]:
    paths = scope_paths(request.user)
    if paths is None:
        return list(Organisation.objects.filter(parent__isnull=True))
    return list(Organisation.objects.filter(path__in=paths).order_by("path"))


def _children(request: HttpRequest, node: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.visible_to(request.user)
        .filter(parent=node)
        .annotate_child_count()
        .order_by("kind", "name_folded")
    )


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    roots = _roots(request)
    return render(
        request,
        "core/tree.html",
        {
            "roots": roots,
            "children": {root.pk: _children(request, root) for root in roots},
        },
    )


@login_required
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    node = Organisation.objects.visible_to(request.user).filter(pk=pk).first()
    if node is None:
        raise Http404
    return render(
        request, "core/_tree_children.html", {"nodes": _children(request, node)}
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise Http404
    entries = AuditEntry.objects.visible_to(request.user).select_related("user")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    who = fold(request.GET.get("user", ""))
    if who:
        entries = entries.filter(username__icontains=who)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "core/_audit_table.html" if request.htmx else "core/audit_log.html"
    return render(
        request,
        template,
        {
            "page": page,
            "action": action,
            "who": request.GET.get("user", ""),
            "actions": AuditEntry._meta.get_field("action").choices,
        },
    )
