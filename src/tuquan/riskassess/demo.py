"""Sample risk self-assessments for the enterprises of the showcase zone: one
or two each over the last month, CS1 from the enterprise's real head count,
and one re-scored by the zone board so the history has something to show."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tuquan.accounts.choices import Role
from tuquan.accounts.models import RoleAssignment
from tuquan.organisations.models import Enterprise
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.riskassess.choices import AssessmentStatus, ScoringKind
from tuquan.riskassess.models import Assessment, Scoring
from tuquan.riskassess.services import (
    current_criteria_set,
    record_assessment,
    write_scoring,
)
from tuquan.riskassess.shipped import install_national_set

# CS1 bands of Decision 2194/QĐ-BCĐQG: (fewer than, points).
CS1_BANDS = ((50, 1), (200, 2), (500, 4), (1000, 6), (5000, 8))


def _cs1_points(head_count: int) -> int:
    for limit, points in CS1_BANDS:
        if head_count < limit:
            return points
    return 10


def _officer(enterprise: Enterprise) -> Any:
    assignment = (
        RoleAssignment.objects.filter(
            organisation=enterprise, role=Role.ENTERPRISE_OFFICER
        )
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def write_assessments(
    writer: Any, zone_id: int, seed: int, inspector: Any = None
) -> None:
    """Assessments for every enterprise of zone ``zone_id``; ``inspector`` (the
    zone board's user, when given) re-scores the riskiest one."""
    install_national_set()
    rng = random.Random(seed)
    now = timezone.now()
    made: list[Assessment] = []
    enterprises = Enterprise.objects.filter(zone_id=zone_id).order_by("pk")
    with transaction.atomic():
        for enterprise in enterprises:
            head_count = Worker.objects.filter(
                enterprise=enterprise, employment_status=EmploymentStatus.ACTIVE
            ).count()
            by = _officer(enterprise)
            for _n in range(rng.choice((1, 1, 2))):
                at = now - timedelta(
                    days=rng.randint(1, 30), minutes=rng.randint(0, 600)
                )
                criteria_set = current_criteria_set(enterprise, timezone.localdate(at))
                chosen = []
                for indicator in criteria_set.indicators.prefetch_related("options"):
                    options = sorted(indicator.options.all(), key=lambda o: o.points)
                    if indicator.code == "CS1":
                        wanted = _cs1_points(head_count)
                        option = next(
                            (o for o in options if o.points == wanted), options[0]
                        )
                    else:
                        # Most measures in place: the lowest option most often.
                        option = options[
                            min(int(rng.expovariate(1.0)), len(options) - 1)
                        ]
                    chosen.append((indicator, option))
                made.append(
                    record_assessment(
                        enterprise=enterprise,
                        criteria_set=criteria_set,
                        chosen=chosen,
                        by=by,
                        at=at,
                    )
                )
        if inspector is not None and made:
            riskiest = max(made, key=lambda a: a.total_points)
            previous = {
                answer.indicator_id: answer
                for answer in riskiest.scorings.get().answers.select_related(
                    "indicator", "option"
                )
            }
            chosen = []
            for indicator in riskiest.criteria_set.indicators.prefetch_related(
                "options"
            ):
                option = previous[indicator.pk].option
                if indicator.code == "CS2":
                    # The inspector measured less than 1 m² per worker.
                    option = max(indicator.options.all(), key=lambda o: o.points)
                chosen.append((indicator, option))
            write_scoring(
                riskiest,
                chosen,
                kind=ScoringKind.RESCORE,
                by=inspector,
                at=riskiest.submitted_at + timedelta(days=1),
                reason="Kiểm tra thực tế: mật độ tại xưởng dưới 1 m²/người.",
            )
            riskiest.status = AssessmentStatus.RESCORED
            riskiest.save(update_fields=["total_points", "score", "band", "status"])
    writer.count(Assessment, len(made))
    writer.count(Scoring, Scoring.objects.filter(assessment__in=made).count())
