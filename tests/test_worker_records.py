"""Workers: one record per national ID, encrypted personal data, history."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.conftest import Province
from tests.factories import valid_national_id
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.models import Employment, Sex, Worker
from tuquan.people.services import save_worker


def values(province: Province, **extra: object) -> dict[str, object]:
    born = date(1998, 3, 2)
    base = {
        "full_name": "Hoàng Thị Mai",
        "date_of_birth": born,
        "sex": Sex.FEMALE,
        "national_id": valid_national_id(born=born, sex=Sex.FEMALE),
        "phone": "0912 345 678",
        "enterprise": province.enterprise_a,
    }
    base.update(extra)
    return base


def test_it_stores_national_id_and_phone_encrypted(province: Province) -> None:
    data = values(province)
    worker = save_worker(by=province.user("enterprise"), values=data)
    with connection.cursor() as cursor:
        cursor.execute(
            "select national_id_enc, phone_enc from people_worker where id = %s",
            [worker.pk],
        )
        stored_id, stored_phone = cursor.fetchone()
    assert data["national_id"] not in stored_id
    assert "912345678" not in stored_phone
    worker.refresh_from_db()
    assert worker.national_id == data["national_id"]
    assert worker.phone == "+84912345678"
    assert worker.national_id_masked == "•" * 9 + data["national_id"][-3:]


def test_it_rejects_an_id_that_contradicts_the_birth_year(province: Province) -> None:
    data = values(
        province, national_id=valid_national_id(born=date(2001, 1, 1), sex=Sex.FEMALE)
    )
    with pytest.raises(ValidationError) as exc:
        save_worker(by=province.user("enterprise"), values=data)
    assert "national_id" in exc.value.message_dict


def test_it_refuses_registration_outside_the_scope(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        save_worker(
            by=province.user("enterprise"),
            values=values(province, enterprise=province.enterprise_b),
        )


def test_it_keeps_one_record_when_a_worker_changes_enterprise(
    province: Province,
) -> None:
    data = values(province, employment_start=date(2020, 1, 6))
    first = save_worker(by=province.user("enterprise"), values=data)
    second = save_worker(
        by=province.user("province"),
        values={
            **data,
            "enterprise": province.enterprise_a2,
            "employment_start": date(2021, 8, 1),
        },
    )
    assert first.pk == second.pk
    assert Worker.objects.filter(national_id_hash=first.national_id_hash).count() == 1
    history = list(Employment.objects.filter(worker=first).order_by("started_on"))
    assert [h.enterprise_id for h in history] == [
        province.enterprise_a.pk,
        province.enterprise_a2.pk,
    ]
    assert history[0].ended_on == date(2021, 8, 1)


def test_it_refuses_the_same_id_twice_at_one_enterprise(province: Province) -> None:
    data = values(province)
    save_worker(by=province.user("enterprise"), values=data)
    with pytest.raises(ValidationError):
        save_worker(
            by=province.user("enterprise"), values={**data, "full_name": "Khác"}
        )


def test_it_returns_the_first_result_for_a_repeated_client_id(
    province: Province,
) -> None:
    client_id = uuid.uuid4()
    data = values(province)
    first = save_worker(
        by=province.user("enterprise"), values=data, client_id=client_id
    )
    again = save_worker(
        by=province.user("enterprise"), values=data, client_id=client_id
    )
    assert first.pk == again.pk
    assert Worker.objects.filter(client_id=client_id).count() == 1


def test_it_audits_changed_fields(province: Province) -> None:
    worker = save_worker(by=province.user("enterprise"), values=values(province))
    save_worker(
        by=province.user("enterprise"),
        worker=worker,
        values={"full_name": "Hoàng Thị Mai Anh"},
    )
    entry = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(worker.pk)
    ).get()
    assert entry.changes["full_name"] == ["Hoàng Thị Mai", "Hoàng Thị Mai Anh"]
    assert "national_id_enc" not in entry.changes
