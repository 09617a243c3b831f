"""Recording violations: subjects, repeat offences, bad input, who may record,
evidence files."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import Province
from tuquan.gates.models import GateEvent
from tuquan.violations.choices import Detection, SubjectKind
from tuquan.violations.models import Authority, LegalProvision, Violation
from tuquan.violations.provisions import load_shipped
from tuquan.violations.services import (
    add_evidence,
    record_violation,
    repeat_info,
    repeat_offences,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def provision(code: str = "nd117-12-1a-khau-trang") -> LegalProvision:
    load_shipped(LegalProvision, Authority)
    return LegalProvision.objects.get(code=code)


def make_violation(
    province: Province,
    *,
    by: Any = None,
    worker: Any = None,
    code: str = "nd117-12-1a-khau-trang",
    when: datetime | None = None,
    number: str = "01/BB",
    **extra: Any,
) -> Violation:
    """A violation by a worker of enterprise A, recorded by the zone board."""
    values: dict[str, Any] = {
        "subject_kind": SubjectKind.WORKER,
        "worker": worker or province.member,
        "provision": provision(code),
        "occurred_at": when or timezone.now() - timedelta(hours=1),
        "place": "Cổng chính KCN Hòa Phú",
        "detection": Detection.PATROL,
        "record_number": number,
    }
    values.update(extra)
    return record_violation(by=by or province.users["zone"], **values)


def flagged_event(worker: Any, gate: Any, **extra: Any) -> GateEvent:
    now = timezone.now() - timedelta(minutes=30)
    return GateEvent.objects.create(
        client_id=uuid.uuid4(),
        gate=gate,
        site_id=gate.parent_id,
        worker=worker,
        enterprise=worker.enterprise,
        direction="out",
        occurred_at=now,
        received_at=now,
        flag="on_site_exit",
        source="scan",
        **extra,
    )


def test_it_records_a_worker_violation_scoped_to_the_enterprise(
    province: Province,
) -> None:
    violation = make_violation(province)
    assert violation.subject_key == f"w:{province.member.pk}"
    assert violation.subject_label == province.member.full_name
    assert violation.scope_path == province.enterprise_a.path
    assert violation.officer == province.users["zone"]
    assert not violation.is_repeat


def test_it_keeps_another_persons_id_encrypted(province: Province) -> None:
    violation = make_violation(
        province,
        subject_kind=SubjectKind.PERSON,
        worker=None,
        person_name="Võ Văn Khách",
        person_id="066090001234",
        site=province.zone_a,
    )
    violation.refresh_from_db()
    assert "066090001234" not in violation.person_id_enc
    assert violation.person_id == "066090001234"
    assert violation.person_id_masked.endswith("234")
    assert violation.subject_key.startswith("p:")


def test_it_records_an_organisation_violation_at_its_own_path(
    province: Province,
) -> None:
    violation = make_violation(
        province,
        subject_kind=SubjectKind.ORGANISATION,
        worker=None,
        organisation=province.enterprise_a2,
        code="nd117-tu-tap-kinh-doanh",
    )
    assert violation.scope_path == province.enterprise_a2.path
    assert violation.is_organisation


def test_it_finds_repeat_offences_within_twelve_months(province: Province) -> None:
    with time_machine.travel(NOW - timedelta(days=500), tick=False):
        old = make_violation(province, number="A")
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        earlier = make_violation(province, number="B", code="nd117-xet-nghiem")
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        same = make_violation(province, number="C")
    with time_machine.travel(NOW, tick=False):
        latest = make_violation(province, number="D")
        other = make_violation(province, worker=province.colleague, number="E")
    assert not old.is_repeat and earlier.is_repeat is False
    assert same.is_repeat and latest.is_repeat and not other.is_repeat
    info = repeat_info(latest)
    assert [v.record_number for v in info.earlier] == ["C", "B"]
    assert [v.record_number for v in info.same_provision] == ["C"]


def test_it_looks_repeat_offences_up_in_one_query(
    province: Province, django_assert_num_queries: Any
) -> None:
    make_violation(province, number="A", when=timezone.now() - timedelta(days=3))
    latest = make_violation(province, number="B")
    with django_assert_num_queries(1):
        found = list(repeat_offences(latest.subject_key, latest.occurred_at))
    assert [v.record_number for v in found] == ["A"]


def test_it_records_from_a_gate_flag(gates: Any) -> None:
    province = gates.province
    event = flagged_event(province.member, gates.gate_a)
    violation = make_violation(
        province, gate_event=event, detection=Detection.GATE_FLAG
    )
    assert violation.gate_event == event


def test_it_refuses_an_unflagged_or_foreign_gate_event(gates: Any) -> None:
    province = gates.province
    event = flagged_event(province.colleague, gates.gate_a)
    with pytest.raises(ValidationError) as err:
        make_violation(province, gate_event=event)
    assert "gate_event" in err.value.message_dict
    assert Violation.objects.count() == 0


def test_it_rejects_bad_input_and_saves_nothing(province: Province) -> None:
    with pytest.raises(ValidationError) as err:
        make_violation(
            province,
            subject_kind=SubjectKind.PERSON,
            worker=None,
            person_name="",
            person_id="12ab",
            place="",
            record_number=" ",
            site=province.zone_a,
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert set(err.value.message_dict) == {
        "person_name",
        "person_id",
        "place",
        "record_number",
        "occurred_at",
    }
    assert Violation.objects.count() == 0


def test_it_refuses_a_provision_not_in_force(province: Province) -> None:
    rule = provision()
    rule.effective_to = timezone.localdate() - timedelta(days=30)
    rule.save()
    with pytest.raises(ValidationError) as err:
        make_violation(province)
    assert "provision" in err.value.message_dict


@pytest.mark.parametrize("persona", ["enterprise", "team_leader", "worker", "auditor"])
def test_it_lets_only_enforcement_roles_record(
    province: Province, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        make_violation(province, by=province.users[persona])
    assert Violation.objects.count() == 0


@pytest.mark.parametrize("persona", ["police", "commune", "zone", "province"])
def test_it_lets_police_committees_and_zone_boards_record(
    province: Province, persona: str
) -> None:
    assert make_violation(province, by=province.users[persona]).pk


def test_it_refuses_recording_outside_the_officers_subtree(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        make_violation(province, worker=province.outsider)


def test_it_never_duplicates_a_retried_record(province: Province) -> None:
    client_id = uuid.uuid4()
    first = make_violation(province, client_id=client_id)
    again = make_violation(province, client_id=client_id)
    assert again.pk == first.pk and again._replayed
    assert Violation.objects.count() == 1


def test_it_checks_evidence_files(
    province: Province, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    violation = make_violation(province)
    by = province.users["zone"]
    png = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    item = add_evidence(violation=violation, upload=png, by=by)
    assert item.size == 108 and item.name == "anh.png"
    for bad in (
        SimpleUploadedFile("virus.exe", b"MZ..."),
        SimpleUploadedFile("fake.pdf", b"\x89PNG not a pdf"),
        SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)),
    ):
        with pytest.raises(ValidationError) as err:
            add_evidence(violation=violation, upload=bad, by=by)
        assert "file" in err.value.message_dict
    assert violation.evidence.count() == 1
