"""What each role has to do today, computed from the registry (read-only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import roles_of
from tuquan.organisations.choices import OperatingMode
from tuquan.organisations.models import Enterprise, Residence, Team, Zone
from tuquan.people.filters import WorkerFilter
from tuquan.people.models import EmploymentStatus, Worker


@dataclass
class Todo:
    text: str
    url: str
    count: int


@dataclass
class Home:
    figures: list[tuple[str, int, str]] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    own_worker: Worker | None = None
    teams: list[Team] = field(default_factory=list)
    scan_gates: list[Any] = field(default_factory=list)
    vehicle_flags: dict[str, Any] = field(default_factory=dict)


def build_home(user: Any) -> Home:
    """Figures and to-do items for ``user``'s scope.

    To-dos are registry gaps someone in this scope should close: teams without a
    leader, active workers in no team, enterprises suspended, rosters without phones.
    """
    home = Home()
    roles = set(roles_of(user))
    if Role.GATE_GUARD in roles:
        from tuquan.gates.models import Gate
        from tuquan.gates.services import may_record_at

        home.scan_gates = [
            gate
            for gate in Gate.objects.visible_to(user).filter(active=True)
            if may_record_at(user, gate)
        ]
        if roles == {Role.GATE_GUARD}:
            return home
    workers = Worker.objects.visible_to(user)
    if roles == {Role.WORKER}:
        home.own_worker = workers.select_related("enterprise", "residence").first()
        if home.own_worker is not None:
            home.teams = list(
                Team.objects.filter(
                    memberships__worker=home.own_worker,
                    memberships__left_on__isnull=True,
                )
            )
        return home
    from tuquan.gates.vehicles import unreviewed_vehicle_flags

    home.vehicle_flags = unreviewed_vehicle_flags(user)
    teams = Team.objects.visible_to(user)
    enterprises = Enterprise.objects.visible_to(user)
    active = workers.filter(employment_status=EmploymentStatus.ACTIVE)
    home.figures = [
        (_("Zones"), Zone.objects.visible_to(user).count(), reverse("zone_list")),
        (_("Enterprises"), enterprises.count(), reverse("enterprise_list")),
        (
            _("Residences"),
            Residence.objects.visible_to(user).count(),
            reverse("residence_list"),
        ),
        (_("Teams"), teams.count(), reverse("team_list")),
        (_("Workers at work"), active.count(), reverse("worker_list")),
    ]
    if Role.TEAM_LEADER in roles:
        home.teams = list(
            teams.annotate(
                members=Count(
                    "memberships", filter=Q(memberships__left_on__isnull=True)
                )
            )
        )
    leaderless = teams.filter(leader__isnull=True).count()
    if leaderless:
        home.todos.append(
            Todo(
                _("Teams without a leader"),
                reverse("team_list") + "?no_leader=1",
                leaderless,
            )
        )
    without_team = WorkerFilter(no_team=True).filter(active).count()
    if without_team:
        home.todos.append(
            Todo(
                _("Workers not yet in a self-management team"),
                reverse("worker_list") + "?no_team=1",
                without_team,
            )
        )
    no_phone = active.filter(phone_enc="").count()
    if no_phone:
        home.todos.append(
            Todo(
                _("Workers without a phone number (cannot receive messages)"),
                reverse("worker_list") + "?no_phone=1",
                no_phone,
            )
        )
    _health_todos(home, user, active)
    from tuquan.surveillance.services import home_todo

    outbreak = home_todo(user)
    if outbreak is not None:
        home.todos.append(Todo(*outbreak))
    suspended = enterprises.filter(operating_mode=OperatingMode.SUSPENDED).count()
    if suspended:
        home.todos.append(
            Todo(
                _("Enterprises suspended"),
                reverse("enterprise_list")
                + f"?operating_mode={OperatingMode.SUSPENDED}",
                suspended,
            )
        )
    return home


def _health_todos(home: Home, user: Any, active: Any) -> None:
    """Who may not work today (everyone with workers in scope); the contacts to
    review and the follow-up tests due (health officers only)."""
    from django.utils import timezone

    from tuquan.health.cases import cases_for, health_paths, off_work_until
    from tuquan.health.models import Contact, ContactStatus, FollowUp

    today = timezone.localdate()
    off = len(off_work_until(today, worker__in=active))
    if off:
        home.todos.append(
            Todo(
                _("Workers who may not come to work today"),
                reverse("work_restriction_list"),
                off,
            )
        )
    if health_paths(user) == []:
        return
    cases = cases_for(user)
    to_review = Contact.objects.filter(
        case__in=cases, status=ContactStatus.CANDIDATE
    ).count()
    if to_review:
        home.todos.append(
            Todo(_("Close contacts to review"), reverse("case_list"), to_review)
        )
    due = FollowUp.objects.due(today).of_cases(cases).count()
    if due:
        home.todos.append(Todo(_("Follow-up tests due"), reverse("case_list"), due))
