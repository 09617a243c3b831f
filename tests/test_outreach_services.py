"""Messages: validation, audience resolution and scoping, approval, the
fan-out (nothing twice), the inbox, the quiz and the reach."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.core.models import AuditEntry
from tuquan.outreach import services as s
from tuquan.outreach.choices import Channel, DeliveryState, MessageState
from tuquan.outreach.models import Delivery, JargonTerm, Message

GOOD_BODY = (
    "Từ 05/11, hãy đeo khẩu trang khi vào xưởng. Thấy sốt hoặc ho, báo tổ trưởng ngay."
)
BAD_BODY = (
    "Đề nghị toàn thể người lao động nghiêm túc chấp hành các biện pháp phòng, "
    "chống dịch bệnh trong tình hình mới theo chỉ đạo của cấp trên."
)


def draft(
    province: Province, by: str = "province", unit: Any = None, **extra: Any
) -> Message:
    values: dict[str, Any] = {
        "title": "Đeo khẩu trang",
        "body": GOOD_BODY,
        "topic": "epidemic",
        "quiz_question": "Thấy sốt, bạn làm gì?",
        "quiz_answers": ["Báo tổ trưởng", "Đi làm bình thường"],
        "quiz_right": 1,
        "audience_unit": unit or province.team_a,
    }
    message = Message(**{**values, **extra})
    return s.save_message(message=message, by=province.user(by))


def sent(province: Province, **extra: Any) -> Message:
    message = draft(province, **extra)
    s.approve_message(message=message, by=province.user("province"))
    s.send_message(message=message, by=province.user("province"))
    return message


# --- writing -------------------------------------------------------------------------


def test_it_stores_the_check_with_the_message(province: Province) -> None:
    good = draft(province)
    assert good.check_passed
    assert good.check_result["passed"] is True
    assert good.check_result["syllables"] == 17
    assert good.organisation == province.committee
    bad = draft(province, body=BAD_BODY)
    assert not bad.check_passed
    codes = {r["code"] for r in bad.check_result["reasons"]}
    assert {"jargon", "long_sentence", "no_action"} <= codes
    assert AuditEntry.objects.filter(object_type="outreach.message").count() == 2


def test_it_uses_the_editable_jargon_list(province: Province) -> None:
    s.ensure_shipped()
    JargonTerm.objects.create(term="xưởng", plain="chỗ làm")
    message = draft(province)
    assert not message.check_passed
    assert {"term": "xưởng", "plain": "chỗ làm"} in message.check_result["jargon"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "Hãy đến. " * 130}, "body"),
        ({"quiz_right": 3}, "quiz_right"),
        ({"quiz_right": None}, "quiz_right"),
        ({"quiz_answers": ["Chỉ một"]}, "quiz_answers"),
        ({"quiz_question": ""}, "quiz_question"),
        ({"channels": ["fax"]}, "channels"),
        (
            {"valid_from": date(2026, 5, 2), "valid_until": date(2026, 5, 1)},
            "valid_until",
        ),
    ],
)
def test_it_refuses_bad_input_naming_the_field(
    province: Province, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        draft(province, **changes)
    assert field in exc.value.message_dict
    assert not Message.objects.exists()


def test_it_replays_a_client_id(province: Province) -> None:
    import uuid

    key = uuid.uuid4()
    first = s.save_message(
        message=Message(
            title="A", body=GOOD_BODY, topic="fire", audience_unit=province.team_a
        ),
        by=province.user("province"),
        client_id=key,
    )
    again = s.save_message(
        message=Message(
            title="B", body=GOOD_BODY, topic="fire", audience_unit=province.team_a
        ),
        by=province.user("province"),
        client_id=key,
    )
    assert again.pk == first.pk and getattr(again, "_replayed", False)
    assert Message.objects.count() == 1


def test_it_refuses_an_audience_outside_the_writers_subtree(
    province: Province,
) -> None:
    with pytest.raises(PermissionDenied):
        draft(province, by="enterprise", unit=province.team_b)
    with pytest.raises(PermissionDenied):
        draft(province, by="team_leader", unit=province.team_a)
    with pytest.raises(PermissionDenied):
        s.preview_audience(
            audience=s.Audience(unit=province.commune_b),
            by=province.user("commune"),
        )


# --- audience ------------------------------------------------------------------------


def test_it_resolves_the_audience_by_subtree(province: Province) -> None:
    p = province

    def names(unit: Any, **extra: Any) -> set[str]:
        audience = s.Audience(unit=unit, **extra)
        return set(s.resolve_audience(audience).values_list("full_name", flat=True))

    assert names(p.team_a) == {p.leader.full_name, p.member.full_name}
    assert names(p.enterprise_a) == {
        p.leader.full_name,
        p.member.full_name,
        p.colleague.full_name,
    }
    assert names(p.residence_a) == {p.leader.full_name, p.resident.full_name}
    assert p.outsider.full_name not in names(p.commune_a)
    assert p.outsider.full_name in names(p.province)


def test_it_filters_by_shift_and_workshop(province: Province) -> None:
    p = province
    shift = p.enterprise_a.shifts.create(
        name="Ca 1", starts_at="06:00", ends_at="14:00"
    )
    workshop = p.enterprise_a.workshops.create(name="Xưởng Rang")
    p.member.shift = shift
    p.member.workshop = workshop
    p.member.save()
    by_shift = s.resolve_audience(s.Audience(unit=p.enterprise_a, shift=shift))
    assert list(by_shift) == [p.member]
    by_workshop = s.resolve_audience(s.Audience(unit=p.zone_a, workshop=workshop))
    assert list(by_workshop) == [p.member]
    other = p.enterprise_b.shifts.create(
        name="Ca B", starts_at="06:00", ends_at="14:00"
    )
    with pytest.raises(ValidationError) as exc:
        s.preview_audience(
            audience=s.Audience(unit=p.enterprise_a, shift=other),
            by=p.user("province"),
        )
    assert "audience_shift" in exc.value.message_dict


def test_it_filters_by_epidemic_level(province: Province) -> None:
    from tuquan.levels.models import WeeklyLevel

    p = province
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    figures = {
        "cases": 0,
        "workers": 10,
        "population": 10,
        "coverage": "high",
        "capacity_status": "meets",
        "computed_at": timezone.now(),
    }
    WeeklyLevel.objects.create(unit=p.zone_a, week_start=monday, level=3, **figures)
    WeeklyLevel.objects.create(unit=p.zone_b, week_start=monday, level=1, **figures)
    hit = s.resolve_audience(s.Audience(unit=p.province, min_level=3))
    assert set(hit) == {p.leader, p.member, p.colleague, p.resident}
    assert not s.resolve_audience(s.Audience(unit=p.province, min_level=4)).exists()


def test_it_filters_by_risk_group(province: Province) -> None:
    from tuquan.riskassess.models import Assessment, CriteriaSet

    p = province
    criteria = CriteriaSet.objects.first() or CriteriaSet.objects.create(
        name="Bộ tiêu chí", effective_from=date(2021, 1, 1)
    )
    now = timezone.now()
    Assessment.objects.create(
        enterprise=p.enterprise_a2,
        criteria_set=criteria,
        submitted_at=now - timedelta(days=30),
        total_points=10,
        score=10,
        band="low",
    )
    Assessment.objects.create(
        enterprise=p.enterprise_a2,
        criteria_set=criteria,
        submitted_at=now,
        total_points=250,
        score=83,
        band="high",
    )
    Assessment.objects.create(
        enterprise=p.enterprise_a,
        criteria_set=criteria,
        submitted_at=now,
        total_points=10,
        score=10,
        band="low",
    )
    high = s.resolve_audience(s.Audience(unit=p.zone_a, risk_bands=("high",)))
    assert list(high) == [p.resident]
    low = s.resolve_audience(s.Audience(unit=p.zone_a, risk_bands=("low",)))
    assert set(low) == {p.leader, p.member, p.colleague}


def test_it_targets_only_those_who_have_not_read(province: Province) -> None:
    p = province
    first = sent(p, unit=p.enterprise_a)
    row = Delivery.objects.get(message=first, worker=p.member, channel="inbox")
    s.mark_read(delivery=row)
    again = s.resolve_audience(s.Audience(unit=p.enterprise_a, unread=first))
    assert set(again) == {p.leader, p.colleague}


# --- approval and sending ---------------------------------------------------------------


def test_it_needs_approval_by_a_committee_or_agency_officer(
    province: Province,
) -> None:
    message = draft(province, by="enterprise")
    with pytest.raises(ValidationError) as exc:
        s.send_message(message=message, by=province.user("province"))
    assert "state" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        s.approve_message(message=message, by=province.user("enterprise"))
    with pytest.raises(PermissionDenied):
        s.approve_message(message=message, by=province.user("zone"))
    approved = s.approve_message(message=message, by=province.user("police"))
    assert approved.state == MessageState.APPROVED
    assert approved.approved_by == province.user("police")


def test_it_refuses_to_approve_a_message_failing_the_check(
    province: Province,
) -> None:
    message = draft(province, body=BAD_BODY)
    with pytest.raises(ValidationError) as exc:
        s.approve_message(message=message, by=province.user("province"))
    assert "body" in exc.value.message_dict


def test_it_refuses_an_audience_of_zero(province: Province) -> None:
    empty = f.make_team("Tổ trống", enterprise=province.enterprise_a)
    message = draft(province, unit=empty)
    s.approve_message(message=message, by=province.user("province"))
    with pytest.raises(ValidationError) as exc:
        s.send_message(message=message, by=province.user("province"))
    assert "audience_unit" in exc.value.message_dict
    assert not Delivery.objects.exists()


def test_it_fans_out_once_per_recipient_and_channel(province: Province) -> None:
    p = province
    p.colleague.phone = ""
    p.colleague.save()
    message = draft(p, unit=p.enterprise_a, channels=["sms", "console"])
    s.approve_message(message=message, by=p.user("province"))
    created = s.send_message(message=message, by=p.user("province"))
    # 3 inbox + 2 SMS (the colleague has no phone) + 3 console rows.
    assert created == 8
    assert message.recipients == 3
    assert Delivery.objects.filter(channel="inbox", state="sent").count() == 3
    assert s.fan_out(message) == 0  # running it again adds nothing
    # A worker joining the team later gets it on a second run, once.
    newcomer = f.make_worker("Võ Văn Mới", enterprise=p.enterprise_a)
    assert s.fan_out(message) == 3
    assert Delivery.objects.filter(worker=newcomer).count() == 3
    assert Delivery.objects.filter(unit=p.enterprise_a).count() == 11


def test_it_refuses_to_send_an_expired_message(province: Province) -> None:
    message = draft(
        province,
        valid_from=date(2020, 1, 1),
        valid_until=date(2020, 1, 31),
    )
    s.approve_message(message=message, by=province.user("province"))
    with pytest.raises(ValidationError) as exc:
        s.send_message(message=message, by=province.user("province"))
    assert "valid_until" in exc.value.message_dict


# --- the worker's side --------------------------------------------------------------------


def test_it_reads_and_answers_the_quiz_once(province: Province) -> None:
    p = province
    message = sent(p)
    rows = list(s.inbox(p.member))
    assert [r.message for r in rows] == [message]
    s.mark_shown(rows)
    row = Delivery.objects.get(worker=p.member, channel=Channel.INBOX)
    assert row.state == DeliveryState.DELIVERED
    s.mark_read(delivery=row)
    first_read = row.read_at
    s.mark_read(delivery=row)
    assert row.read_at == first_read and row.state == DeliveryState.READ
    with pytest.raises(ValidationError):
        s.answer_quiz(delivery=row, answer=7)
    s.answer_quiz(delivery=row, answer="2")
    assert row.quiz_answer == 2 and row.quiz_right is False
    with pytest.raises(ValidationError) as exc:
        s.answer_quiz(delivery=row, answer=1)
    assert "answer" in exc.value.message_dict
    row.refresh_from_db()
    assert row.quiz_answer == 2


def test_it_hides_expired_messages_from_the_inbox(province: Province) -> None:
    message = sent(province)
    assert s.inbox(province.member).count() == 1
    later = (message.valid_until or timezone.localdate()) + timedelta(days=400)
    Message.objects.filter(pk=message.pk).update(valid_until=timezone.localdate())
    assert s.inbox(province.member, today=later).count() == 0


# --- reach --------------------------------------------------------------------------------


def test_it_counts_reach_per_unit_and_flags_units_below_90(
    province: Province,
) -> None:
    p = province
    message = sent(p, unit=p.commune_a)
    for worker in (p.leader, p.member, p.colleague):
        s.mark_shown(list(s.inbox(worker)))
    for worker, answer in ((p.leader, 1), (p.member, 2)):
        row = Delivery.objects.get(message=message, worker=worker, channel="inbox")
        s.answer_quiz(delivery=row, answer=answer)
    rows, total = s.reach(message, p.user("province"))
    by_unit = {r.unit_id: r for r in rows}
    ent = by_unit[p.enterprise_a.pk]
    assert (ent.total, ent.received, ent.read, ent.right) == (3, 3, 2, 1)
    assert (ent.received_pct, ent.read_pct, ent.right_pct) == (100, 66, 33)
    assert not ent.below_target
    other = by_unit[p.enterprise_a2.pk]  # the resident never opened the page
    assert (other.total, other.received) == (1, 0)
    assert other.below_target
    assert (total.total, total.received, total.read, total.right) == (4, 3, 2, 1)
    # The enterprise officer sees only their own enterprise's row.
    mine, _ = s.reach(message, p.user("enterprise"))
    assert [r.unit_id for r in mine] == [p.enterprise_a.pk]


def test_it_hides_other_scopes(province: Province) -> None:
    p = province
    message = sent(p, unit=p.enterprise_a)
    assert Message.objects.visible_to(p.user("enterprise")).filter(pk=message.pk)
    assert Message.objects.visible_to(p.user("zone")).filter(pk=message.pk)
    assert not Message.objects.visible_to(p.user("enterprise_b")).exists()
    assert not Message.objects.visible_to(p.user("outsider")).exists()
    assert not Delivery.objects.visible_to(p.user("enterprise_b")).exists()
    own = Delivery.objects.visible_to(p.user("worker"))
    assert set(own.values_list("worker_id", flat=True)) == {p.member.pk}


def test_it_writes_a_loudspeaker_script_with_reading_time(
    province: Province,
) -> None:
    message = draft(province)
    script, seconds = s.loudspeaker_script(message)
    assert script.count(GOOD_BODY) == 2
    # 17 syllables twice plus the heading and "I repeat" at 160 a minute.
    assert 13 <= seconds <= 20
