"""Movement grading (Decision 510/QĐ-BCA-V05): score sheet, proposed class,
deadline before 30 November, reopening, review and reminders."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import Province
from tuquan.organisations.models import Enterprise
from tuquan.recognition.choices import GradingState
from tuquan.recognition.models import GradeClass, Grading, GradingReminder
from tuquan.recognition.services import (
    pending_gradings,
    record_reminders,
    reopen_grading,
    review_grading,
    score_items,
    submit_grading,
)
from tuquan.recognition.tasks import grading_reminders

NOV = date(2026, 11, 20)


def full(points: int | None = None) -> dict[int, dict[str, object]]:
    return {
        i.number: {
            "points": i.max_points if points is None else points,
            "evidence": "x",
        }
        for i in score_items()
    }


def submit(province: Province, scores: dict, today: date = NOV) -> Grading:
    return submit_grading(
        enterprise=province.enterprise_a,
        by=province.user("enterprise"),
        scores=scores,
        today=today,
        client_id=uuid.uuid4(),
    )


def test_it_totals_the_sheet_and_proposes_a_class(province: Province) -> None:
    assert sum(i.max_points for i in score_items()) == 100
    grading = submit(province, full())
    assert grading.total == 100 and grading.proposed_class.code == "xuat_sac"
    scores = full(10)  # 6 items × 10 = 60
    grading = submit(province, scores)
    assert grading.total == 60 and grading.proposed_class.code == "trung_binh"
    assert Grading.objects.count() == 1


def test_it_refuses_points_over_the_maximum(province: Province) -> None:
    scores = full()
    scores[2] = {"points": 21}
    with pytest.raises(ValidationError) as exc:
        submit(province, scores)
    assert "item_2" in exc.value.error_dict
    assert not Grading.objects.exists()


def test_it_refuses_a_late_grading(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        submit(province, full(), today=date(2026, 11, 30))
    assert "year" in exc.value.error_dict
    assert not Grading.objects.exists()
    submit(province, full(), today=date(2026, 11, 29))
    assert Grading.objects.count() == 1


def test_it_accepts_a_late_grading_once_reopened(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        reopen_grading(
            enterprise=province.enterprise_a,
            year=2026,
            until=date(2026, 12, 5),
            reason="Đổi người phụ trách",
            by=province.user("enterprise"),
            today=date(2026, 12, 1),
        )
    reopen_grading(
        enterprise=province.enterprise_a,
        year=2026,
        until=date(2026, 12, 5),
        reason="Đổi người phụ trách",
        by=province.user("zone"),
        today=date(2026, 12, 1),
    )
    submit(province, full(), today=date(2026, 12, 4))
    with pytest.raises(ValidationError):
        submit(province, full(), today=date(2026, 12, 6))


def test_it_lets_the_commune_zone_or_police_review(province: Province) -> None:
    grading = submit(province, full(12))  # 72: Tiên tiến
    lower = GradeClass.objects.get(code="trung_binh")
    with pytest.raises(PermissionDenied):
        review_grading(
            grading=grading, by=province.user("enterprise"), final_class=lower
        )
    with pytest.raises(ValidationError) as exc:
        review_grading(grading=grading, by=province.user("commune"), final_class=lower)
    assert "note" in exc.value.error_dict
    review_grading(
        grading=grading,
        by=province.user("police"),
        final_class=lower,
        note="Chưa có mô hình",
    )
    grading.refresh_from_db()
    assert grading.state == GradingState.REVIEWED and grading.final_class == lower
    with pytest.raises(ValidationError):
        submit(province, full(), today=NOV)


def test_it_lists_enterprises_without_a_grading_near_the_deadline(
    province: Province,
) -> None:
    submit(province, full())
    pending = pending_gradings(
        Enterprise.objects.all(), within_days=14, today=date(2026, 11, 20)
    )
    names = [p.enterprise.name for p in pending]
    assert province.enterprise_a.name not in names
    assert province.enterprise_a2.name in names
    assert {p.days_left for p in pending} == {9}
    assert pending_gradings(Enterprise.objects.all(), today=date(2026, 10, 1)) == []


def test_it_records_reminders_once_a_day(province: Province) -> None:
    assert record_reminders(today=date(2026, 11, 25)) == 3
    record_reminders(today=date(2026, 11, 25))
    assert GradingReminder.objects.count() == 3
    assert set(GradingReminder.objects.values_list("days_left", flat=True)) == {4}


def test_it_runs_the_reminder_task(province: Province) -> None:
    import time_machine

    with time_machine.travel(date(2026, 11, 27)):
        result = grading_reminders.apply().get()
    assert result == {"recorded": 3}
