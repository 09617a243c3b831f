"""Patrol sessions: a team leader starts a patrol, scans checkpoints, writes
observations and ends it with a hand-over note; the log is append-only; only
the team's leader runs its patrols; officers above the team read them and
nobody outside the scope sees them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.accounts.choices import Role
from tuquan.patrols.models import Checkpoint, PatrolEntry, PatrolSession
from tuquan.patrols.services import (
    create_checkpoint,
    create_plan,
    end_session,
    record_entry,
    start_session,
)


def make_checkpoints(province: Province) -> list[Checkpoint]:
    """Three checkpoints of zone A, and one of zone B (outside)."""
    officer = province.user("zone")
    made = [
        create_checkpoint(site=province.zone_a, name=name, by=officer)
        for name in ("Cổng chính", "Bãi xe công nhân", "Kho hóa chất")
    ]
    made.append(
        create_checkpoint(
            site=province.zone_b,
            name=f"Điểm {OUTSIDE}",
            by=f.make_user("kcnb", Role.ZONE_BOARD, province.zone_b),
        )
    )
    return made


def start(province: Province, **extra: Any) -> PatrolSession:
    return start_session(
        team=province.team_a,
        by=province.user("team_leader"),
        members=[province.leader.pk, province.member.pk],
        **extra,
    )


def scan(session: PatrolSession, by: Any, code: str, **extra: Any) -> PatrolEntry:
    return record_entry(
        session=session, by=by, client_id=uuid.uuid4(), kind="scan", code=code, **extra
    ).entry


def outside_session(province: Province) -> PatrolSession:
    """A patrol of team B (zone B): outside every narrow persona's scope."""
    leader_b = f.make_user("totruongb", Role.TEAM_LEADER, province.team_b)
    return start_session(
        team=province.team_b, by=leader_b, members=[province.outsider.pk]
    )


def test_it_runs_a_patrol_from_start_to_hand_over(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    plan = create_plan(
        team=province.team_a,
        name="Tuần tra ca đêm",
        weekdays=[0, 2, 4],
        start_time=timezone.now().time().replace(microsecond=0),
        duration_minutes=90,
        route=[checkpoints[0].pk, checkpoints[1].pk],
        by=leader,
    )
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        session = start(province, plan=plan)
        assert session.is_open
        assert set(session.members.values_list("pk", flat=True)) == {
            province.leader.pk,
            province.member.pk,
        }
        traveller.shift(timedelta(minutes=10))
        scan(session, leader, checkpoints[0].qr_payload)
        traveller.shift(timedelta(minutes=10))
        record_entry(
            session=session,
            by=leader,
            client_id=uuid.uuid4(),
            kind="observation",
            text="Đèn bãi xe bị hỏng",
        )
        traveller.shift(timedelta(minutes=10))
        end_session(session=session, by=leader, note="Báo bảo vệ thay đèn bãi xe.")
    session.refresh_from_db()
    assert session.ended_at - session.started_at == timedelta(minutes=30)
    assert session.handover_note == "Báo bảo vệ thay đèn bãi xe."
    log = list(session.entries.order_by("occurred_at"))
    assert [e.kind for e in log] == ["scan", "observation"]
    assert log[0].checkpoint == checkpoints[0]
    with pytest.raises(ValidationError, match="đã kết thúc"):
        end_session(session=session, by=leader, note="lần hai")


def test_it_allows_one_patrol_at_a_time_per_team(province: Province) -> None:
    start(province)
    with pytest.raises(ValidationError, match="đang có một ca tuần tra"):
        start(province)


def test_it_takes_only_current_members_of_the_team(province: Province) -> None:
    with pytest.raises(ValidationError, match="thành viên hiện tại"):
        start_session(
            team=province.team_a,
            by=province.user("team_leader"),
            members=[province.leader.pk, province.colleague.pk],
        )
    with pytest.raises(ValidationError, match="Chọn các thành viên"):
        start_session(team=province.team_a, by=province.user("team_leader"), members=[])


def test_it_lets_only_the_team_leader_run_patrols(province: Province) -> None:
    for persona in ("enterprise", "zone", "worker", "police"):
        with pytest.raises(PermissionDenied):
            start_session(
                team=province.team_a,
                by=province.user(persona),
                members=[province.leader.pk],
            )
    session = start(province)
    with pytest.raises(PermissionDenied):
        scan(session, province.user("enterprise"), "ABCD-EFGH")
    with pytest.raises(PermissionDenied):
        end_session(session=session, by=province.user("zone"))


def test_it_keeps_the_log_append_only(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    entry = scan(session, leader, checkpoints[0].code)
    entry.text = "sửa lại"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    stored = PatrolEntry.objects.get(pk=entry.pk)
    assert stored.text == ""
    # No page or endpoint changes or removes an entry.
    client = Client()
    client.force_login(leader)
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/patrol-sessions/{session.pk}/entries",
            content_type="application/json",
        )
        assert response.status_code == 405
    assert PatrolEntry.objects.count() == 1


def test_it_refuses_entry_times_outside_the_patrol(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    with pytest.raises(ValidationError, match="trước khi ca tuần tra bắt đầu"):
        scan(
            session,
            leader,
            checkpoints[0].code,
            occurred_at=session.started_at - timedelta(hours=1),
        )
    with pytest.raises(ValidationError, match="tương lai"):
        scan(
            session,
            leader,
            checkpoints[0].code,
            occurred_at=timezone.now() + timedelta(hours=1),
        )


def test_it_takes_late_entries_made_before_the_end(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        session = start(province)
        made_at = timezone.now() + timedelta(minutes=5)
        traveller.shift(timedelta(minutes=20))
        end_session(session=session, by=leader, note="")
        traveller.shift(timedelta(minutes=10))
        # Scanned offline during the patrol, sent after it ended.
        entry = scan(session, leader, checkpoints[1].code, occurred_at=made_at)
        assert entry.occurred_at == made_at
        with pytest.raises(ValidationError, match="sau khi ca tuần tra kết thúc"):
            scan(session, leader, checkpoints[1].code, occurred_at=timezone.now())


def test_it_runs_the_phone_page_for_the_leader(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    client = Client()
    client.force_login(province.user("team_leader"))
    page = client.get(reverse("patrol_home"))
    assert "Bắt đầu tuần tra" in page.content.decode()
    response = client.post(
        reverse("patrol_start", args=[province.team_a.pk]),
        {"members": [province.leader.pk, province.member.pk]},
    )
    session = PatrolSession.objects.get()
    assert response.url == reverse("patrol_session", args=[session.pk])
    page = client.get(response.url).content.decode()
    assert 'id="scan-code"' in page and "Kết thúc ca tuần tra" in page
    answer = client.post(
        reverse("patrol_entry", args=[session.pk]),
        {
            "kind": "scan",
            "code": checkpoints[0].display_code,
            "client_id": str(uuid.uuid4()),
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "tone-ok" in answer and "Cổng chính" in answer
    answer = client.post(
        reverse("patrol_entry", args=[session.pk]),
        {"kind": "scan", "code": "TQ-ABCD-EFGH", "client_id": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "tone-bad" in answer and "thẻ công nhân" in answer
    client.post(reverse("patrol_end", args=[session.pk]), {"note": "Bàn giao ca sáng"})
    session.refresh_from_db()
    assert session.ended_at is not None and session.handover_note == "Bàn giao ca sáng"
    page = client.get(reverse("patrol_session", args=[session.pk])).content.decode()
    assert "Bàn giao ca sáng" in page and 'id="scan-code"' not in page
    # The next patrol starts with the note handed over.
    page = client.get(reverse("patrol_start", args=[province.team_a.pk]))
    assert "Ghi chú bàn giao của ca trước" in page.content.decode()
    assert "Bàn giao ca sáng" in page.content.decode()


def test_it_shows_patrols_to_officers_above_the_team_read_only(
    province: Province,
) -> None:
    make_checkpoints(province)
    session = start(province)
    for persona in ("enterprise", "zone", "commune", "police", "province"):
        client = Client()
        client.force_login(province.user(persona))
        page = client.get(reverse("patrol_session", args=[session.pk]))
        assert page.status_code == 200, persona
        assert 'id="scan-code"' not in page.content.decode()
        assert (
            client.post(
                reverse("patrol_entry", args=[session.pk]),
                {"kind": "scan", "code": "x"},
            ).status_code
            == 403
        )
        assert client.post(reverse("patrol_end", args=[session.pk])).status_code == 403
        assert (
            province.team_a.name in client.get(reverse("patrol_home")).content.decode()
        )


def test_it_hides_other_scopes(province: Province) -> None:
    make_checkpoints(province)
    mine = start(province)
    theirs = outside_session(province)
    for persona in ("team_leader", "enterprise", "zone", "commune", "enterprise_b"):
        client = Client()
        client.force_login(province.user(persona))
        hidden, shown = (mine, theirs) if persona == "enterprise_b" else (theirs, mine)
        home = client.get(reverse("patrol_home")).content.decode()
        assert hidden.team.name not in home, persona
        assert shown.team.name in home, persona
        for name in ("patrol_session", "patrol_entry", "patrol_end"):
            method = client.get if name == "patrol_session" else client.post
            assert method(reverse(name, args=[hidden.pk])).status_code == 404, name
        assert (
            client.get(reverse("patrol_start", args=[hidden.team.pk])).status_code
            == 404
        )
    client = Client()
    client.force_login(province.user("outsider"))
    assert OUTSIDE not in client.get(reverse("patrol_home")).content.decode()
    assert client.get(reverse("patrol_session", args=[mine.pk])).status_code == 404
