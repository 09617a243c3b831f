"""Recording tests, pools and vaccination doses: who may, bad input with
Vietnamese reasons, nothing half-saved, and retries that never duplicate."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.models import EmploymentStatus
from tuquan.screening import services
from tuquan.screening.models import (
    SamplePool,
    ScreeningMethod,
    ScreeningTest,
    Vaccination,
)

pytestmark = pytest.mark.django_db


def vi(text: str, **params: Any) -> str:
    """A message as the Vietnamese screens show it (msgids are English)."""
    with translation.override("vi"):
        return gettext(text) % params if params else gettext(text)


def like(text: str, **params: Any) -> str:
    return re.escape(vi(text, **params))


def _test(province: Province, persona: str = "enterprise", **extra: Any) -> Any:
    values = {
        "worker": province.member,
        "method": ScreeningMethod.RAPID_ANTIGEN,
        "sampled_on": timezone.localdate(),
        "facility": "Trạm Y tế xã Hòa Phú",
        "result": "negative",
        "by": province.user(persona),
        "client_id": uuid.uuid4(),
        **extra,
    }
    return services.record_test(**values)


def test_it_records_a_test_and_audits_it_without_the_result(
    province: Province,
) -> None:
    test = _test(province, result="positive")
    assert test.result == "positive" and test.recorded_by == province.user("enterprise")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(test.pk))
    assert "result" not in entry.changes
    assert entry.scope_path == province.enterprise_a.path


def test_it_never_duplicates_a_retried_test(province: Province) -> None:
    client_id = uuid.uuid4()
    first = _test(province, client_id=client_id)
    again = _test(province, client_id=client_id, result="positive")
    assert again.pk == first.pk and again._replayed
    assert ScreeningTest.objects.count() == 1


def test_it_lets_team_leaders_record_for_their_members_only(
    province: Province,
) -> None:
    _test(province, "team_leader")
    with pytest.raises(PermissionDenied):
        _test(province, "team_leader", worker=province.colleague)
    with pytest.raises(PermissionDenied):
        _test(province, "enterprise_b")
    with pytest.raises(PermissionDenied):
        _test(province, "worker")
    assert ScreeningTest.objects.count() == 1


def test_it_refuses_future_dates_inactive_workers_and_pools_as_tests(
    province: Province,
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _test(province, sampled_on=tomorrow, facility=" ")
    assert exc.value.message_dict["sampled_on"] == [
        capfirst(vi("The %(label)s cannot be in the future.", label=vi("sample date")))
    ]
    assert "facility" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _test(province, method=ScreeningMethod.POOLED_RT_PCR)
    assert "method" in exc.value.message_dict
    province.colleague.employment_status = EmploymentStatus.LEFT
    province.colleague.save()
    reason = like(
        "%(name)s is not working now; nothing is recorded for them.",
        name=province.colleague.full_name,
    )
    with pytest.raises(ValidationError, match=reason):
        _test(province, worker=province.colleague)
    assert not ScreeningTest.objects.exists()


def test_it_records_a_checklist_once_however_often_it_is_sent(
    province: Province,
) -> None:
    batch = uuid.uuid4()
    workers = [province.member, province.colleague, province.leader]
    values = {
        "method": ScreeningMethod.RT_PCR,
        "sampled_on": timezone.localdate(),
        "facility": "CDC Đắk Lắk",
        "result": "pending",
        "by": province.user("enterprise"),
        "batch_id": batch,
    }
    saved = services.bulk_record(workers=workers, **values)
    again = services.bulk_record(workers=workers, **values)
    assert len(saved) == len(again) == 3
    assert ScreeningTest.objects.count() == 3


def test_it_saves_nothing_of_a_checklist_with_one_bad_worker(
    province: Province,
) -> None:
    province.colleague.employment_status = EmploymentStatus.ON_LEAVE
    province.colleague.save()
    with pytest.raises(ValidationError) as exc:
        services.bulk_record(
            workers=[province.member, province.colleague, province.outsider],
            method=ScreeningMethod.RAPID_ANTIGEN,
            sampled_on=timezone.localdate(),
            facility="Trạm Y tế",
            result="negative",
            by=province.user("enterprise"),
            batch_id=uuid.uuid4(),
        )
    message = exc.value.message_dict["workers"][0]
    assert province.colleague.full_name in message
    assert (
        vi("%(name)s: not in your scope.", name=province.outsider.full_name) in message
    )
    assert not ScreeningTest.objects.exists()


def _pool(province: Province, workers: list[Any], **extra: Any) -> SamplePool:
    values = {
        "sampled_on": timezone.localdate(),
        "facility": "CDC Đắk Lắk",
        "result": "positive",
        "by": province.user("enterprise"),
        "client_id": uuid.uuid4(),
        **extra,
    }
    return services.record_pool(workers=workers, **values)


def test_it_records_a_pool_with_one_row_per_member(province: Province) -> None:
    pool = _pool(province, [province.member, province.colleague, province.leader])
    members = ScreeningTest.objects.filter(pool=pool)
    assert members.count() == 3
    assert set(members.values_list("method", flat=True)) == {"pooled_rt_pcr"}
    again = _pool(province, [province.member], client_id=pool.client_id)
    assert again.pk == pool.pk and SamplePool.objects.count() == 1


def test_it_refuses_a_pool_with_a_member_twice(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        _pool(province, [province.member, province.colleague, province.member])
    assert exc.value.message_dict["workers"] == [
        vi(
            "A worker may appear only once in a pool: %(names)s is listed twice.",
            names=province.member.full_name,
        )
    ]
    assert not SamplePool.objects.exists() and not ScreeningTest.objects.exists()


def test_it_refuses_a_pool_of_one_or_with_an_outsider(province: Province) -> None:
    with pytest.raises(
        ValidationError, match=like("A pool has at least %(count)d workers.", count=2)
    ):
        _pool(province, [province.member])
    with pytest.raises(
        ValidationError,
        match=like("%(name)s: not in your scope.", name=province.outsider.full_name),
    ):
        _pool(province, [province.member, province.outsider])
    assert not SamplePool.objects.exists()


def test_it_lets_only_health_officers_change_a_result(
    province: Province, health_officer: Any
) -> None:
    pool = _pool(province, [province.member, province.colleague], result="pending")
    with pytest.raises(PermissionDenied):
        services.set_result(
            pool=pool, result="positive", by=province.user("enterprise")
        )
    services.set_result(pool=pool, result="positive", by=health_officer)
    assert set(pool.members.values_list("result", flat=True)) == {"positive"}
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(pool.pk)
    ).exists()


def _dose(province: Province, worker: Any, dose: int = 1, **extra: Any) -> Any:
    values = {
        "worker": worker,
        "dose": dose,
        "given_on": timezone.localdate() - timedelta(days=30),
        "vaccine": "Vero Cell",
        "place": "Trạm Y tế xã Hòa Phú",
        "by": province.user("enterprise"),
        "client_id": uuid.uuid4(),
        **extra,
    }
    return services.record_vaccination(**values)


def test_it_records_one_row_per_dose_and_never_duplicates(
    province: Province,
) -> None:
    first = _dose(province, province.member)
    again = _dose(province, province.member, client_id=first.client_id)
    assert again.pk == first.pk
    taken = like(
        "%(name)s already has dose %(dose)d recorded (%(day)s).",
        name=province.member.full_name,
        dose=1,
        day=first.given_on.strftime("%d/%m/%Y"),
    )
    with pytest.raises(ValidationError, match=taken):
        _dose(province, province.member)
    _dose(province, province.member, 2)
    assert Vaccination.objects.filter(worker=province.member).count() == 2


def test_it_refuses_bad_doses(province: Province) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _dose(province, province.member, 0, given_on=tomorrow, vaccine="")
    assert set(exc.value.message_dict) == {"dose", "given_on", "vaccine"}
    with pytest.raises(PermissionDenied):
        _dose(province, province.outsider)
    assert not Vaccination.objects.exists()


def test_it_vaccinates_a_checklist_all_or_nothing(province: Province) -> None:
    _dose(province, province.colleague)
    values = {
        "dose": 1,
        "given_on": timezone.localdate(),
        "vaccine": "Pfizer",
        "place": "",
        "by": province.user("enterprise"),
        "batch_id": uuid.uuid4(),
    }
    with pytest.raises(ValidationError, match=province.colleague.full_name):
        services.bulk_vaccinate(workers=[province.member, province.colleague], **values)
    assert Vaccination.objects.count() == 1
    saved = services.bulk_vaccinate(
        workers=[province.member, province.leader], **values
    )
    assert len(saved) == 2
    assert services.vaccination_status([province.member.pk])[province.member.pk][0] == 1
