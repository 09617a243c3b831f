"""Police hand-over: a possible crime reaches the commune police within 24 hours
of receipt (48 in remote communes), or goes to the provincial police."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_incident_workflow import commune_police
from tuquan.security import tasks
from tuquan.security.choices import HandOverStatus
from tuquan.security.models import HandOver, IncidentReport
from tuquan.security.services import (
    create_report,
    escalate_overdue_handovers,
    mark_may_be_crime,
    update_handover,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)


def theft(province: Province, **place: Any) -> IncidentReport:
    place = place or {"enterprise": province.enterprise_a}
    return create_report(
        kind="theft",
        description="Mất trộm xe máy ở bãi xe",
        occurred_at=RECEIVED - timedelta(hours=2),
        **place,
    )


@pytest.fixture
def station(province: Province) -> tuple[Any, Any]:
    return commune_police(province, province.commune_a, "congan_xa")


@time_machine.travel(RECEIVED, tick=False)
def test_it_hands_a_possible_crime_to_the_commune_police_for_24_hours(
    province: Province, station: Any
) -> None:
    report = theft(province)
    handover = report.handover
    assert handover.police_unit == station[0]
    assert handover.commune == province.commune_a
    assert handover.deadline == RECEIVED + timedelta(hours=24)
    assert handover.status == HandOverStatus.PENDING
    assert not handover.remote


@time_machine.travel(RECEIVED, tick=False)
def test_it_gives_remote_communes_48_hours(province: Province) -> None:
    province.commune_a.remote = True
    province.commune_a.save()
    report = theft(province, residence=province.residence_a)
    assert report.handover.deadline == RECEIVED + timedelta(hours=48)
    assert report.handover.remote


@time_machine.travel(RECEIVED, tick=False)
def test_it_falls_back_to_the_provincial_police_without_a_commune_station(
    province: Province,
) -> None:
    report = theft(province)
    assert report.handover.police_unit == province.police


def test_it_does_not_hand_over_other_kinds_until_a_verifier_says_so(
    province: Province, station: Any
) -> None:
    report = create_report(
        kind="suspicious",
        description="Người lạ chụp ảnh cổng",
        occurred_at=RECEIVED,
        zone=province.zone_a,
    )
    assert not HandOver.objects.filter(report=report).exists()
    with pytest.raises(PermissionDenied):
        mark_may_be_crime(report=report, by=province.user("team_leader"))
    handover = mark_may_be_crime(report=report, by=province.user("zone"))
    report.refresh_from_db()
    assert report.may_be_crime
    assert handover.police_unit == station[0]
    assert report.transitions.filter(visible_to_reporter=False).exists()


def test_it_escalates_exactly_when_the_clock_runs_out(
    province: Province, station: Any
) -> None:
    with time_machine.travel(RECEIVED, tick=False):
        report = theft(province)
    with time_machine.travel(RECEIVED + timedelta(hours=23, minutes=59), tick=False):
        assert escalate_overdue_handovers() == 0
    with time_machine.travel(RECEIVED + timedelta(hours=24, minutes=1), tick=False):
        assert tasks.escalate_overdue_handovers() == 1
        assert escalate_overdue_handovers() == 0  # once only
    handover = HandOver.objects.get(report=report)
    assert handover.status == HandOverStatus.ESCALATED
    assert handover.escalated_to == province.police
    assert handover.escalated_at == RECEIVED + timedelta(hours=24, minutes=1)
    assert report.transitions.filter(visible_to_reporter=False).count() == 1


def test_it_does_not_escalate_a_hand_over_received_in_time(
    province: Province, station: Any
) -> None:
    with time_machine.travel(RECEIVED, tick=False):
        report = theft(province)
    with time_machine.travel(RECEIVED + timedelta(hours=5), tick=False):
        update_handover(
            handover=report.handover,
            by=station[1],
            receiving_officer="Đại úy Nguyễn Văn Bình",
            record_number="15/TB-CAX",
        )
    with time_machine.travel(RECEIVED + timedelta(hours=30), tick=False):
        assert escalate_overdue_handovers() == 0
    handover = HandOver.objects.get(report=report)
    assert handover.status == HandOverStatus.RECEIVED
    assert handover.received_at == RECEIVED + timedelta(hours=5)


def test_it_records_the_outcome_notified_back(province: Province, station: Any) -> None:
    report = theft(province)
    police = station[1]
    with pytest.raises(ValidationError) as exc:
        update_handover(handover=report.handover, by=police, outcome="Đã khởi tố")
    assert exc.value.message_dict["outcome"] == [
        _("Record the receiving officer and the record number first.")
    ]
    with pytest.raises(ValidationError) as exc:
        update_handover(
            handover=report.handover, by=police, receiving_officer="Đại úy Bình"
        )
    assert "record_number" in exc.value.message_dict
    update_handover(
        handover=report.handover,
        by=police,
        receiving_officer="Đại úy Bình",
        record_number="15/TB-CAX",
    )
    done = update_handover(
        handover=report.handover,
        by=police,
        outcome="Đã khởi tố vụ án, thông báo cho doanh nghiệp",
    )
    assert done.status == HandOverStatus.CONCLUDED
    assert done.outcome_at is not None


def test_it_lets_only_the_police_update_a_hand_over(
    province: Province, station: Any
) -> None:
    report = theft(province)
    for persona in ("enterprise", "zone", "commune", "team_leader", "enterprise_b"):
        with pytest.raises(PermissionDenied):
            update_handover(
                handover=report.handover,
                by=province.user(persona),
                receiving_officer="X",
                record_number="1",
            )
    # The provincial police may record it too (its jurisdiction covers all).
    update_handover(
        handover=report.handover,
        by=province.user("police"),
        receiving_officer="Thiếu tá Lê",
        record_number="99/CAT",
    )


def test_it_shows_the_countdown_on_the_hand_over_list(
    client: Any, province: Province, station: Any
) -> None:
    with time_machine.travel(RECEIVED, tick=False):
        report = theft(province)
    with time_machine.travel(RECEIVED + timedelta(hours=20), tick=False):
        client.force_login(station[1])
        page = client.get(reverse("handover_list")).content.decode()
        assert report.reference in page
        assert 'class="countdown"' in page
        assert "data-deadline" in page
        detail = client.get(reverse("report_detail", args=[report.pk]))
        assert 'class="countdown"' in detail.content.decode()
    with time_machine.travel(RECEIVED + timedelta(hours=25), tick=False):
        page = client.get(reverse("handover_list")).content.decode()
        assert 'class="badge bad"' in page


def test_it_updates_a_hand_over_through_the_page(
    client: Any, province: Province, station: Any
) -> None:
    report = theft(province)
    client.force_login(station[1])
    response = client.post(
        reverse("handover_update", args=[report.handover.pk]),
        {"receiving_officer": "Đại úy Bình", "record_number": "15/TB", "outcome": ""},
    )
    assert response.status_code == 302
    assert HandOver.objects.get().record_number == "15/TB"
    client.force_login(province.user("enterprise"))
    response = client.post(
        reverse("handover_update", args=[report.handover.pk]),
        {"receiving_officer": "Giả mạo", "record_number": "0"},
    )
    assert response.status_code == 403
    assert HandOver.objects.get().record_number == "15/TB"


def test_it_hides_other_scopes(client: Any, province: Province, station: Any) -> None:
    mine = theft(province)
    other = theft(province, enterprise=province.enterprise_b)
    _b_station, police_b = commune_police(province, province.commune_b, "caxb")
    client.force_login(station[1])
    page = client.get(reverse("handover_list") + "?state=all").content.decode()
    assert mine.reference in page and other.reference not in page
    response = client.post(
        reverse("handover_update", args=[other.handover.pk]),
        {"receiving_officer": "X", "record_number": "1"},
    )
    assert response.status_code == 404
    client.force_login(police_b)
    page = client.get(reverse("handover_list")).content.decode()
    assert other.reference in page and mine.reference not in page
    client.force_login(province.user("police"))
    page = client.get(reverse("handover_list")).content.decode()
    assert mine.reference in page and other.reference in page
