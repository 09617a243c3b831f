"""The health officer's "results to enter": pending tests and pools, and the
form that stores the laboratory's answer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import Province
from tuquan.screening import services
from tuquan.screening.models import ScreeningTest

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pending_test(province: Province, worker: Any) -> ScreeningTest:
    return services.record_test(
        worker=worker,
        method="rt_pcr",
        sampled_on=timezone.localdate(),
        facility="CDC Đắk Lắk",
        result="pending",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )


def test_it_lists_pending_tests_and_pools_and_stores_the_answer(
    province: Province, health_officer: Any
) -> None:
    test = pending_test(province, province.member)
    pool = services.record_pool(
        workers=[province.leader, province.colleague],
        sampled_on=timezone.localdate(),
        facility="CDC Đắk Lắk",
        result="pending",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )
    client = login(health_officer)
    page = client.get("/screening/pending/").content.decode()
    assert "Trần Thị Lan" in page and "Nguyễn Văn Đông" in page
    client.post(f"/screening/pending/test/{test.pk}/", {"result": "negative"})
    client.post(f"/screening/pending/pool/{pool.pk}/", {"result": "positive"})
    test.refresh_from_db()
    pool.refresh_from_db()
    assert test.result == "negative" and pool.result == "positive"
    assert set(pool.members.values_list("result", flat=True)) == {"positive"}
    page = client.get("/screening/pending/").content.decode()
    assert "Trần Thị Lan" not in page


def test_it_refuses_an_unknown_result(province: Province, health_officer: Any) -> None:
    test = pending_test(province, province.member)
    response = login(health_officer).post(
        f"/screening/pending/test/{test.pk}/", {"result": "maybe"}, follow=True
    )
    assert "Hãy chọn kết quả." in response.content.decode()
    test.refresh_from_db()
    assert test.result == "pending"


def test_it_hides_other_scopes(province: Province) -> None:
    test = pending_test(province, province.member)
    for persona in ("enterprise", "team_leader", "zone", "police"):
        client = login(province.user(persona))
        assert client.get("/screening/pending/").status_code == 403, persona
        response = client.post(
            f"/screening/pending/test/{test.pk}/", {"result": "positive"}
        )
        assert response.status_code == 403, persona
    test.refresh_from_db()
    assert test.result == "pending"
