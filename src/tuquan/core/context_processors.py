"""Template context shared by every page: the user's roles and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import can_read_audit, roles_of

# Menu entries, and the roles that need them (None: every role).
MENU = (
    ("home", _("Today"), None),
    ("dashboard_home", _("Dashboard"), "registry"),
    ("directive_inbox", _("To do"), "people"),
    ("directive_list", _("Directives"), "registry"),
    ("official_report_list", _("Official reports"), "registry"),
    ("outreach_list", _("Messages to workers"), "registry"),
    ("outreach_my_inbox", _("My messages"), "worker"),
    ("tree", _("Tree"), "registry"),
    ("worker_list", _("Workers"), "people"),
    ("enterprise_list", _("Enterprises"), "registry"),
    ("zone_list", _("Zones"), "registry"),
    ("residence_list", _("Residences"), "registry"),
    ("team_list", _("Teams"), "people"),
    ("report_new", _("Report an incident"), None),
    ("report_list", _("Incident reports"), "people"),
    ("handover_list", _("Police hand-overs"), "registry"),
    ("patrol_home", _("Patrols"), "people"),
    ("team_activity_summary", _("Teams at work"), "people"),
    ("screening_home", _("Tests and vaccinations"), "people"),
    ("case_list", _("Cases"), "health"),
    ("alert_list", _("Outbreak alerts"), "people"),
    ("risk_assessment_list", _("Infection risk"), "registry"),
    ("epidemic_level_list", _("Epidemic levels"), "registry"),
    ("recognition_list", _("“An toàn về ANTT” recognition"), "registry"),
    ("grading_list", _("Movement grading"), "registry"),
    ("team_rating_list", _("Team rating"), "registry"),
    ("tip_list", _("Anonymous tips"), "tips"),
    ("contact_request_list", _("Requests for contact details"), "custodian"),
    ("violation_list", _("Violations"), "violations"),
    ("decision_list", _("Sanction decisions"), "violations"),
    ("work_restriction_list", _("Not allowed to work"), "people"),
    ("gate_list", _("Gates"), "gates"),
    ("presence_overview", _("Presence"), "gates"),
    ("vehicle_entry_list", _("Vehicles"), "gates"),
    ("visitor_list", _("Visitors"), "gates"),
)
# A team leader works with people, not with the registry of zones and firms.
PEOPLE_ONLY = {Role.TEAM_LEADER}
# A guard works at the gate: scanning, vehicles and visitors.
GATE_ONLY = {Role.GATE_GUARD}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from tuquan.organisations.models import Organisation

    roles = set(roles_of(user))
    if user.is_superuser or roles - PEOPLE_ONLY - GATE_ONLY - {Role.WORKER}:
        wanted = {None, "registry", "people", "gates"}
    elif roles & PEOPLE_ONLY:
        wanted = {None, "people"}
    else:
        wanted = {None}
    if roles & GATE_ONLY:
        wanted.add("gates")
    if Role.WORKER in roles:
        wanted.add("worker")
    from tuquan.health.cases import health_paths

    if health_paths(user) != []:
        wanted.add("health")
    from tuquan.violations.rules import viewer_paths

    if viewer_paths(user) != []:
        wanted.add("violations")
    from tuquan.tips.models import Custodian, police_paths

    if police_paths(user) != []:
        wanted.add("tips")
    if Custodian.objects.active().filter(user=user).exists():
        wanted.add("custodian")
    audit_reader = can_read_audit(user)
    menu = [(reverse(name), label) for name, label, need in MENU if need in wanted]
    if audit_reader:
        menu.append((reverse("audit_log"), _("Audit log")))
    if wanted != {None}:
        menu.append((reverse("token_list"), _("API tokens")))
    return {
        "user_roles": sorted(roles),
        "can_read_audit": audit_reader,
        "menu": menu,
        # The demo labels every screen as sample data.
        "sample_data": Organisation.objects.filter(is_sample=True).exists(),
    }
