"""An inspector's re-score: who may, what is recorded, and that the
enterprise's own scoring is kept, never overwritten."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.riskassess.choices import AssessmentStatus, Band, ScoringKind
from tuquan.riskassess.models import Assessment, Scoring
from tuquan.riskassess.services import (
    answers_with_points,
    rescore_assessment,
    submit_assessment,
)
from tuquan.riskassess.shipped import install_national_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(province: Province) -> Assessment:
    national = install_national_set()
    with time_machine.travel("2021-07-01 08:00 +0700", tick=False):
        # 1 + 0 + 0 + nothing else: 1 point, 0.33 %.
        return submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers_with_points(national, {}),
            by=province.user("enterprise"),
        )


def test_it_keeps_the_original_and_records_each_rescore(
    province: Province, assessment: Assessment
) -> None:
    national = assessment.criteria_set
    inspector = province.user("zone")
    higher = answers_with_points(national, {"CS2": 10, "CS3": 30, "CS4": 20})
    with time_machine.travel("2021-07-05 10:00 +0700", tick=False):
        first = rescore_assessment(
            assessment=assessment,
            answers={code: higher[code] for code in ("CS2", "CS3", "CS4")},
            reason="Kiểm tra thực tế: xưởng chật, nhiều công nhân từ vùng dịch",
            by=inspector,
        )
    # 1 + 10 + 30 + 20 = 61 points: 20.33 %.
    assert (first.total_points, str(first.score), first.band) == (61, "20.33", Band.LOW)
    assert first.kind == ScoringKind.RESCORE and first.scored_by == inspector
    assert first.reason.startswith("Kiểm tra thực tế")
    with time_machine.travel("2021-07-06 10:00 +0700", tick=False):
        second = rescore_assessment(
            assessment=assessment,
            answers={"CS1": answers_with_points(national, {"CS1": 10})["CS1"]},
            reason="Số công nhân thực tế trên 5.000",
            by=province.user("commune"),
        )
    assert second.total_points == 70  # CS1 1 → 10, the rest carried over
    scorings = list(assessment.scorings.order_by("scored_at"))
    assert [s.kind for s in scorings] == ["original", "rescore", "rescore"]
    assert [s.total_points for s in scorings] == [1, 61, 70]
    original = scorings[0].answers.get(indicator__code="CS3")
    assert original.points == 0  # the enterprise's own answer is untouched
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RESCORED
    assert (assessment.total_points, str(assessment.score)) == (70, "23.33")
    entries = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(assessment.pk)
    )
    assert entries.count() == 2


def test_it_lets_only_inspectors_above_the_enterprise_rescore(
    province: Province, assessment: Assessment, health_officer: Any
) -> None:
    for persona in ("province", "police", "commune", "zone"):
        rescore_assessment(
            assessment=assessment,
            answers={},
            reason="Đối chiếu",
            by=province.user(persona),
        )
    rescore_assessment(
        assessment=assessment, answers={}, reason="Đối chiếu", by=health_officer
    )
    for persona in ("enterprise", "enterprise_b", "team_leader", "worker", "auditor"):
        with pytest.raises(PermissionDenied):
            rescore_assessment(
                assessment=assessment,
                answers={},
                reason="Tự sửa điểm",
                by=province.user(persona),
            )
    assert Scoring.objects.filter(assessment=assessment).count() == 6


def test_it_refuses_a_rescore_outside_the_inspector_scope(
    province: Province, assessment: Assessment
) -> None:
    from tests import factories as f
    from tuquan.accounts.choices import Role

    other_zone_board = f.make_user("kcnb", Role.ZONE_BOARD, province.zone_b)
    with pytest.raises(PermissionDenied):
        rescore_assessment(
            assessment=assessment,
            answers={},
            reason="Ngoài địa bàn",
            by=other_zone_board,
        )


def test_it_refuses_a_rescore_without_reason_or_with_a_bad_option(
    province: Province, assessment: Assessment
) -> None:
    inspector = province.user("zone")
    with pytest.raises(ValidationError) as caught:
        rescore_assessment(assessment=assessment, answers={}, reason="  ", by=inspector)
    assert "reason" in caught.value.message_dict
    cs1 = answers_with_points(assessment.criteria_set, {})["CS1"]
    with pytest.raises(ValidationError) as caught:
        rescore_assessment(
            assessment=assessment,
            answers={"CS5": cs1},
            reason="Sai phương án",
            by=inspector,
        )
    assert set(caught.value.message_dict) == {"CS5"}
    assert assessment.scorings.count() == 1
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
