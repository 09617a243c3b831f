"""Demo data: the showcase enterprise's recognition file (registered in the
first quarter, self-assessed, waiting for the police), its movement grading and
this period's ratings of its teams (with the cap on "excellent" respected)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.models import RoleAssignment
from tuquan.organisations.models import Enterprise, Team
from tuquan.recognition.models import Grading, Recognition, TeamGrade, TeamRating
from tuquan.recognition.services import (
    current_criteria,
    rate_team,
    register_recognition,
    score_items,
    self_assess,
    small_workforce,
    submit_grading,
    team_grades,
)


def _officer(enterprise: Enterprise) -> Any:
    assignment = (
        RoleAssignment.objects.filter(
            role=Role.ENTERPRISE_OFFICER, organisation=enterprise
        )
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def write_recognition(writer: Any, enterprise_id: int, seed: int) -> None:
    """Recognition, grading and team ratings of enterprise ``enterprise_id``,
    made by its enterprise officer through the services."""
    rng = random.Random(seed + 124)
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    officer = _officer(enterprise)
    if officer is None:
        writer.say(_("The demo enterprise has no officer: no recognition demo."))
        return
    today = timezone.localdate()
    year = today.year
    if enterprise.registered_workforce > small_workforce():
        # Registration happens in the first quarter; the demo records it on
        # 20 January of this year, as the enterprise would have.
        recognition = register_recognition(
            enterprise=enterprise, by=officer, today=date(year, 1, 20)
        )
        self_assess(
            recognition=recognition,
            by=officer,
            answers={
                c.number: {
                    "met": True,
                    "evidence": _("Plan, rules and minutes on file"),
                }
                for c in current_criteria()
            },
            today=min(date(year, 6, 10), today),
        )
        writer.count(Recognition, 1)
    submit_grading(
        enterprise=enterprise,
        by=officer,
        scores={
            i.number: {"points": rng.randint(i.max_points * 2 // 3, i.max_points)}
            for i in score_items()
        },
        today=min(date(year, 11, 10), today),
    )
    writer.count(Grading, 1)
    grades = {g.code: g for g in team_grades()}
    teams = list(Team.objects.filter(enterprise=enterprise).order_by("pk"))
    for team in teams:
        grade: TeamGrade = grades[rng.choice(("tot", "tot", "dat"))]
        rate_team(team=team, grade=grade, by=officer)
    # One excellent team where the unit's cap allows it.
    for team in teams:
        try:
            rate_team(team=team, grade=grades["xuat_sac"], by=officer)
            break
        except ValidationError:
            continue
    writer.count(TeamRating, len(teams))
