"""Teams at work: what a self-management team did over a period, for its page
and for the movement's quarterly emulation review.

Figures, for a period of days [start, end]:
- members: workers whose membership overlaps the period (joined on or before
  the end, not left before the start);
- pledge: the team's recorded pledge text (or the pledge file), else none;
- patrols: sessions started in the period and ended, and the checkpoint scans
  and observations logged in the period;
- reports: incident reports received in the period that the team made (its
  own, or by a member, or by the leader's account);
- declaration rate: health declarations of those members on days of the
  period up to today, divided by members × those days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.health.models import HealthDeclaration
from tuquan.organisations.models import Team
from tuquan.patrols.choices import EntryKind
from tuquan.patrols.models import PatrolEntry, PatrolSession
from tuquan.people.models import TeamMembership
from tuquan.security.models import IncidentReport

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return _("Quarter %(n)d/%(year)d") % {"n": self.number, "year": self.year}

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str | None) -> Quarter:
    """``2026-Q4`` → that quarter; empty → the current quarter."""
    if not text:
        return quarter_of(timezone.localdate())
    match = _QUARTER.match(text.strip().upper())
    if not match:
        raise ValidationError(
            {"quarter": _("The quarter is written like 2026-Q4 (year, Q, 1 to 4).")}
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


@dataclass
class TeamActivity:
    team: Team
    start: date
    end: date
    members: int
    pledge: str
    has_pledge_file: bool
    sessions: int
    scans: int
    observations: int
    reports: int
    declarations: int
    declaration_days: int

    @property
    def pledge_recorded(self) -> bool:
        return bool(self.pledge) or self.has_pledge_file

    @property
    def declaration_rate(self) -> float | None:
        """Declarations per member-day (0 to 1); None when nothing to count."""
        expected = self.members * self.declaration_days
        return self.declarations / expected if expected else None

    @property
    def percent(self) -> float | None:
        rate = self.declaration_rate
        return None if rate is None else rate * 100


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes in Vietnam time: [start 00:00, end+1 00:00)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def counted_days(start: date, end: date) -> tuple[date, int]:
    """Last day counted for declarations (not after today) and how many days."""
    last = min(end, timezone.localdate())
    return last, max((last - start).days + 1, 0)


def _memberships(start: date, end: date) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=end),
        Q(left_on__isnull=True) | Q(left_on__gte=start),
    )


def _reports_q(team_ref: Any, leader_user_ref: Any, members: Any) -> Q:
    return (
        Q(team_id=team_ref)
        | Q(reporter_worker_id__in=members)
        | Q(reporter_id=leader_user_ref, reporter_id__isnull=False)
    )


def team_activity(team: Team, start: date, end: date) -> TeamActivity:
    """The team's figures over [start, end] (see the module docstring)."""
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    begin, finish = _bounds(start, end)
    member_ids = list(
        _memberships(start, end).filter(team=team).values_list("worker_id", flat=True)
    )
    sessions = PatrolSession.objects.filter(
        team=team, started_at__gte=begin, started_at__lt=finish, ended_at__isnull=False
    ).count()
    entries = PatrolEntry.objects.filter(
        session__team=team, occurred_at__gte=begin, occurred_at__lt=finish
    ).aggregate(
        scans=Count("pk", filter=Q(kind=EntryKind.SCAN)),
        observations=Count("pk", filter=Q(kind=EntryKind.OBSERVATION)),
    )
    leader_user = team.leader.user_id if team.leader_id else None
    reports = (
        IncidentReport.objects.filter(received_at__gte=begin, received_at__lt=finish)
        .filter(_reports_q(team.pk, leader_user, member_ids))
        .count()
    )
    last, days = counted_days(start, end)
    declarations = (
        HealthDeclaration.objects.filter(
            worker_id__in=member_ids, day__gte=start, day__lte=last
        ).count()
        if days
        else 0
    )
    return TeamActivity(
        team=team,
        start=start,
        end=end,
        members=len(member_ids),
        pledge=team.pledge,
        has_pledge_file=bool(team.pledge_file),
        sessions=sessions,
        scans=entries["scans"],
        observations=entries["observations"],
        reports=reports,
        declarations=declarations,
        declaration_days=days,
    )


# Columns of the quarterly summary a user may sort by.
SORTS = {
    "name": "name_folded",
    "members": "members_n",
    "sessions": "sessions_n",
    "scans": "scans_n",
    "reports": "reports_n",
    "rate": "rate",
}


def _total(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated queryset as a scalar subquery (no GROUP BY, so
    it answers 0 rather than no row)."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    return _total(queryset.filter(**{field: OuterRef("pk")}))


def summary(teams: QuerySet[Team], start: date, end: date, sort: str = "name") -> Any:
    """Every team of ``teams`` (already ``visible_to`` the reader) with the
    figures of :func:`team_activity` as annotations, computed in the database
    with one correlated subquery per figure, and ordered by ``sort``
    (a key of SORTS, ``-`` in front for descending)."""
    begin, finish = _bounds(start, end)
    last, days = counted_days(start, end)
    memberships = _memberships(start, end)
    members_of_team = memberships.filter(team_id=OuterRef(OuterRef("pk"))).values(
        "worker_id"
    )
    declarations = HealthDeclaration.objects.filter(
        worker_id__in=members_of_team, day__gte=start, day__lte=last
    )
    reports = IncidentReport.objects.filter(
        received_at__gte=begin, received_at__lt=finish
    ).filter(_reports_q(OuterRef("pk"), OuterRef("leader__user_id"), members_of_team))
    entries = PatrolEntry.objects.filter(occurred_at__gte=begin, occurred_at__lt=finish)
    qs = teams.annotate(
        members_n=_count(memberships, "team_id"),
        sessions_n=_count(
            PatrolSession.objects.filter(
                started_at__gte=begin, started_at__lt=finish, ended_at__isnull=False
            ),
            "team_id",
        ),
        scans_n=_count(entries.filter(kind=EntryKind.SCAN), "session__team_id"),
        observations_n=_count(
            entries.filter(kind=EntryKind.OBSERVATION), "session__team_id"
        ),
        reports_n=_total(reports),
        declarations_n=_total(declarations) if days else Value(0),
    ).annotate(
        # NULL for a team without members (PostgreSQL refuses to divide by 0).
        rate=Cast("declarations_n", FloatField())
        / NullIf(Cast(F("members_n") * days, FloatField()), Value(0.0))
        if days
        else Value(None, output_field=FloatField())
    )
    key = sort.lstrip("-") if sort else "name"
    column = SORTS.get(key, "name_folded")
    descending = sort.startswith("-")
    order = (
        F(column).desc(nulls_last=True)
        if descending
        else F(column).asc(nulls_first=True)
    )
    return qs.order_by(order, "name_folded", "pk")
